"""Cross-field and cross-table rules, run as DataFrame-level Pandera checks.

Each rule is row-wise: given a table (and the other typed tables) it returns a boolean
Series that is True where the row passes. Rules treat a missing value as passing: missing
required values and unknown foreign keys are reported by their own checks.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from functools import partial
from typing import Callable

import numpy as np
import pandas as pd

from ceg_calc.core.arrow import positions

UNITS_BY_QUANTITY = {
    "finetune-compute": {"FLOP", "petaflop/s-day"},
    "pretraining-compute": {"FLOP", "petaflop/s-day"},
    "finetune-fraction": {"fraction", "percent"},
    "inference-multiplier": {"multiplier"},
}

THRESHOLD_UNITS = {
    "training-compute": {"FLOP", "operations"}, "cumulative-compute": {"FLOP", "operations"},
    "modification-compute": {"FLOP", "operations"}, "biological-training-compute": {"FLOP", "operations"},
    "modification-share": {"ratio"}, "effective-compute-multiple": {"multiple"},
}
#: FLOP per unit of a ledger row's raw_value where the unit is a compute unit (GPU-hours are not).
LEDGER_FLOP_PER_UNIT = {"FLOP": 1.0, "petaflop/s-day": 8.64e19}


@dataclass(frozen=True)
class Rule:
    """A named row-wise rule of one table; ``column`` is where a failure is reported.

    ``detail``, when given, words the message for one failing row from its values
    (``detail(frame, tables, index) -> str``), e.g. to state the allowed range.
    """

    table: str
    name: str
    column: str
    message: str
    test: Callable  # (frame, tables) -> boolean Series, True where the row passes
    detail: Callable | None = None

    def bind(self, tables: dict) -> "BoundRule":
        checked = {}

        def passes(frame: pd.DataFrame) -> pd.Series:
            try:
                result = self.test(frame, tables=tables)
            except KeyError:  # a column is missing: already reported as a header problem
                return pd.Series(True, index=frame.index)
            if self.detail is not None:  # a plain copy of the failing rows, for their messages
                checked["failed"] = pd.DataFrame(frame.loc[~result.to_numpy(dtype=bool)].to_dict("list"),
                                                 index=frame.index[~result.to_numpy(dtype=bool)])
            return result

        def describe(index) -> str:
            if self.detail is None or "failed" not in checked or index is None or pd.isna(index):
                return self.message
            try:
                return self.detail(checked["failed"], tables, index)
            except (KeyError, IndexError, ValueError, TypeError):
                return self.message

        return BoundRule(self.name, self.column, self.message, passes, describe)


@dataclass(frozen=True)
class BoundRule:
    """A rule with the other tables it needs: ``passes(frame)`` is what Pandera calls;
    ``describe(index)`` the message for the row at ``index`` of the frame it checked."""

    name: str
    column: str
    message: str
    passes: Callable
    describe: Callable = None


def _ordered(low: pd.Series, high: pd.Series) -> pd.Series:
    return (low.isna() | high.isna() | (low <= high)).astype(bool)


def _exactly_one_preferred(frame, tables):
    preferred = frame["preferred"].fillna(False).astype(bool)
    counts = preferred.groupby(frame["model_id"]).transform("sum")
    return counts == 1


def _score_in_range(frame, tables):
    benchmarks = tables.get("benchmarks")
    if benchmarks is None:
        return pd.Series(True, index=frame.index)
    ids = benchmarks["benchmark_id"]
    if not ids.is_unique:  # reported by the primary-key check; no row has one range, so the rule fails
        raise ValueError("benchmark_id repeats in benchmarks")
    position = positions(frame["benchmark_id"], ids)  # -1 (unknown) picks the NaN appended below

    def bound(column):
        return np.append(benchmarks[column].to_numpy(dtype=float, na_value=np.nan), np.nan)[position]

    score = frame["score"].to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):  # a comparison with NaN (missing bound or score) is False: passes
        outside = (score < bound("min_score")) | (score > bound("max_score"))
    return pd.Series(~outside, index=frame.index)


def _score_range_detail(frame, tables, index):
    row = frame.loc[index]
    benchmark = tables["benchmarks"].set_index("benchmark_id").loc[row["benchmark_id"]]
    low, high = benchmark["min_score"], benchmark["max_score"]
    allowed = f"[{low:g}, {high:g}]" if pd.notna(low) and pd.notna(high) else \
        f"at least {low:g}" if pd.notna(low) else f"at most {high:g}"
    return (f"{row['score']:g} is outside the allowed range {allowed} of benchmark {row['benchmark_id']} "
            "(min_score, max_score in data/benchmarks.csv)")


def _enhanced_model_names_enhancement(frame, tables):
    models = tables.get("models")
    if models is None:
        return pd.Series(True, index=frame.index)
    enhanced = set(models.loc[models["enhanced"].fillna(False).astype(bool), "model_id"])
    return (~frame["model_id"].isin(enhanced) | frame["enhancement_id"].notna()).astype(bool)


def _settings_differ(frame, tables):
    same = (frame["baseline_family"] == frame["enhanced_family"]) & (
        frame["baseline_setting_id"] == frame["enhanced_setting_id"])
    return ~same.fillna(False).astype(bool)


def _side_has_scores(side, frame, tables):
    """True where some score row matches the comparison's side (family, setting, source, benchmark)."""
    scores, models = tables.get("benchmark_scores"), tables.get("models")
    if scores is None or models is None or frame.empty:
        return pd.Series(True, index=frame.index)
    family = pd.Series(models["family"].to_numpy(), index=models["model_id"].to_numpy())
    present = set(zip(*_cells(scores["model_id"].map(family), scores["setting_id"], scores["source_id"],
                              scores["benchmark_id"])))
    wanted = zip(*_cells(frame[f"{side}_family"], frame[f"{side}_setting_id"], frame[f"{side}_source_id"],
                         frame["benchmark_id"]))
    return pd.Series([key in present for key in wanted], index=frame.index, dtype=bool)


def _cells(*columns: pd.Series) -> list:
    """Each column as a list of its values, a missing value as ``None`` (so that two missing values
    are the same key, as they are to a pandas index)."""
    return [[None if missing else value for value, missing in zip(c.tolist(), c.isna().tolist())] for c in columns]


def _family_exists(column, frame, tables):
    models = tables.get("models")
    if models is None:
        return pd.Series(True, index=frame.index)
    return (frame[column].isna() | frame[column].isin(set(models["family"].dropna()))).astype(bool)


def _not_in_future(frame, tables):
    today = pd.Timestamp(dt.date.today())
    return (frame["release_date"].isna() | (frame["release_date"] <= today)).astype(bool)


def _not_own_base(frame, tables):
    return (frame["base_model_id"].isna() | (frame["base_model_id"] != frame["model_id"])).astype(bool)


def _unit_fits_quantity(frame, tables):
    ok = [pd.isna(q) or pd.isna(u) or u in UNITS_BY_QUANTITY.get(q, set())
          for q, u in zip(frame["quantity"], frame["unit"])]
    return pd.Series(ok, index=frame.index, dtype=bool)


def _threshold_unit_fits(frame, tables):
    ok = [pd.isna(q) or pd.isna(u) or u in THRESHOLD_UNITS.get(q, set()) for q, u in zip(frame["quantity"], frame["unit"])]
    return pd.Series(ok, index=frame.index, dtype=bool)


def _ledger_flop_matches_raw(frame, tables):
    """A row stated in a compute unit gives compute_flop, equal to raw_value in FLOP (to 1e-6)."""
    ok = []
    for raw, unit, flop in zip(frame["raw_value"], frame["raw_unit"], frame["compute_flop"]):
        factor = LEDGER_FLOP_PER_UNIT.get(unit)
        ok.append(factor is None or pd.isna(raw) or (pd.notna(flop) and math.isclose(flop, raw * factor, rel_tol=1e-6)))
    return pd.Series(ok, index=frame.index, dtype=bool)


def _pretraining_has_no_base(frame, tables):
    return ((frame["stage"] != "pre-training") | frame["on_model_id"].isna()).fillna(True).astype(bool)


def _range_has_high(frame, tables):
    return ((frame["form"] != "range") | frame["ceg_high"].notna()).fillna(True).astype(bool)


RULES = [
    Rule("compute_estimates", "low-le-estimate", "training_compute_low_flop",
         "lower bound is above the estimate",
         lambda f, tables: _ordered(f["training_compute_low_flop"], f["training_compute_flop"])),
    Rule("compute_estimates", "estimate-le-high", "training_compute_high_flop",
         "upper bound is below the estimate",
         lambda f, tables: _ordered(f["training_compute_flop"], f["training_compute_high_flop"])),
    Rule("compute_estimates", "one-preferred", "preferred",
         "exactly one estimate per model must have preferred = true (this model has none or several)",
         _exactly_one_preferred),
    Rule("benchmarks", "min-lt-max", "max_score", "max_score must be greater than min_score",
         lambda f, tables: (f["min_score"].isna() | f["max_score"].isna() | (f["min_score"] < f["max_score"])).astype(bool)),
    Rule("benchmarks", "chance-in-range", "chance_score", "chance_score must lie between min_score and max_score",
         lambda f, tables: _ordered(f["min_score"], f["chance_score"]) & _ordered(f["chance_score"], f["max_score"])),
    Rule("benchmark_scores", "score-in-range", "score",
         "score is outside its benchmark's [min_score, max_score] (see data/benchmarks.csv)", _score_in_range,
         _score_range_detail),
    Rule("benchmark_scores", "enhanced-model-names-enhancement", "enhancement_id",
         "is blank, but the model is enhanced (enhanced = true in data/models.csv): give the enhancement_id "
         "(data/enhancements.csv) of the enhancement that made it or that this setting applies",
         _enhanced_model_names_enhancement),
    Rule("comparisons", "settings-differ", "enhanced_setting_id",
         "baseline and enhanced sides are identical (same family and setting): nothing is compared",
         _settings_differ),
    Rule("comparisons", "baseline-family-exists", "baseline_family",
         "no model in data/models.csv has this family", partial(_family_exists, "baseline_family")),
    Rule("comparisons", "enhanced-family-exists", "enhanced_family",
         "no model in data/models.csv has this family", partial(_family_exists, "enhanced_family")),
    Rule("comparisons", "baseline-has-scores", "baseline_setting_id",
         "no score in data/benchmark_scores.csv matches the baseline side (family, setting, source, benchmark)",
         partial(_side_has_scores, "baseline")),
    Rule("comparisons", "enhanced-has-scores", "enhanced_setting_id",
         "no score in data/benchmark_scores.csv matches the enhanced side (family, setting, source, benchmark)",
         partial(_side_has_scores, "enhanced")),
    Rule("models", "date-not-future", "release_date", "release date is in the future", _not_in_future),
    Rule("models", "not-own-base", "base_model_id", "a model cannot be its own base model", _not_own_base),
    Rule("costs", "unit-fits-quantity", "unit",
         "unit does not fit quantity (compute: FLOP or petaflop/s-day; fraction: fraction or percent; "
         "inference-multiplier: multiplier)", _unit_fits_quantity),
    Rule("thresholds", "unit-fits-quantity", "unit",
         "unit does not fit quantity (compute: FLOP or operations; modification-share: ratio; "
         "effective-compute-multiple: multiple)", _threshold_unit_fits),
    Rule("compute_ledger", "flop-matches-raw", "compute_flop",
         "raw_unit is FLOP or petaflop/s-day, so compute_flop must be raw_value in FLOP (1 petaflop/s-day = 8.64e19 FLOP)",
         _ledger_flop_matches_raw),
    Rule("compute_ledger", "low-le-value", "compute_low_flop", "compute_low_flop is above compute_flop",
         lambda f, tables: _ordered(f["compute_low_flop"], f["compute_flop"])),
    Rule("compute_ledger", "value-le-high", "compute_high_flop", "compute_high_flop is below compute_flop",
         lambda f, tables: _ordered(f["compute_flop"], f["compute_high_flop"])),
    Rule("compute_ledger", "pretraining-has-no-base", "on_model_id",
         "a pre-training stage starts from no model: leave on_model_id blank (continued-pretraining starts from one)",
         _pretraining_has_no_base),
    Rule("cumulative_compute", "cumulative-is-sum", "cumulative_flop",
         "cumulative_flop must be base_compute_flop + post_training_flop",
         lambda f, tables: (f["cumulative_flop"].isna() | f["base_compute_flop"].isna() | f["post_training_flop"].isna()
                            | ((f["cumulative_flop"] - f["base_compute_flop"] - f["post_training_flop"]).abs()
                               <= 1e-5 * f["cumulative_flop"])).astype(bool)),
    Rule("finetune_share_summary", "quartiles-ordered", "median_share", "median_share lies outside [share_q1, share_q3]",
         lambda f, tables: _ordered(f["share_q1"], f["median_share"]) & _ordered(f["median_share"], f["share_q3"])),
    Rule("published_estimates", "range-ordered", "ceg_high", "ceg_high must not be below ceg",
         lambda f, tables: _ordered(f["ceg"], f["ceg_high"])),
    Rule("published_estimates", "range-has-high", "ceg_high", "form 'range' needs ceg_high", _range_has_high),
    Rule("ceg_estimates", "low-le-high", "ceg_high", "ceg_high is below ceg_low",
         lambda f, tables: _ordered(f["ceg_low"], f["ceg_high"])),
    # Since method version 3 the point lies inside its interval (rounding to six digits keeps the order).
    Rule("ceg_estimates", "point-in-interval", "ceg", "ceg lies outside [ceg_low, ceg_high]",
         lambda f, tables: _ordered(f["ceg_low"], f["ceg"]) & _ordered(f["ceg"], f["ceg_high"])),
    Rule("enhancement_summary", "quartiles-ordered", "median_ceg", "median_ceg lies outside [ceg_q1, ceg_q3]",
         lambda f, tables: _ordered(f["ceg_q1"], f["median_ceg"]) & _ordered(f["median_ceg"], f["ceg_q3"])),
    Rule("ceg_scale", "slope-in-interval", "slope", "slope lies outside [slope_low, slope_high]",
         lambda f, tables: _ordered(f["slope_low"], f["slope"]) & _ordered(f["slope"], f["slope_high"])),
]


def rules_for(table: str, tables: dict) -> list[BoundRule]:
    """The rules of ``table``, bound to the typed ``tables`` they may look up."""
    return [rule.bind(tables) for rule in RULES if rule.table == table]
