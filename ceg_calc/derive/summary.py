"""Derived tables built from ``ceg_estimates``: the survey's headline and CEG against scale.

``enhancement_summary``
    One row per enhancement (its own comparisons), and one per combination of enhancements
    (comparisons listed in ``comparison_components``, summarised as the combination and never
    credited to one component). How much evidence there is (comparisons, baseline families,
    benchmarks, rows by ``evidence``); the median CEG of its robust points with the quartiles; and
    a representative CEG no single row can decide: the median over (benchmark x baseline family)
    cells of each cell's robust value (:func:`cell_values`), each cell counted once, with a
    bootstrap interval over cells (:func:`bootstrap_median`), the share of cells above 5x and
    20x, how many cells are censored at the top, and the median with the censored rows placed
    above every other value (what the censoring does to it). The strongest single robust figure
    is shown only with its 5th percentile and its row; then the ranges of the fine-tuning
    fraction and the inference multiplier.
``ceg_scale``
    For every comparison with point CEGs (robust or extrapolated within the limit) for at least
    :data:`MIN_SIZES` enhanced models of distinct compute: the slope of log10 CEG against log10
    C_E, by weighted least squares (weights 1 / sd^2, sd of log10 CEG read from the 5-95%
    interval), with a 90% interval that takes the larger of the measurement-error spread and
    the residual spread (Student t with n - 2 degrees of freedom). ``trend`` says whether the
    interval lies above zero (gains grow with scale), below (shrink) or straddles it (unclear).

Both are pure functions of the derived rows and the source tables, sorted by key; the bootstrap
draws from a fixed stream per summary row, so deriving twice gives the same bytes.
"""

from __future__ import annotations

import math
import statistics
import zlib
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

import numpy as np
import pandas as pd

from ceg_calc.calc.tasks import SEED
from ceg_calc.calc.uncertainty import Z90, student_t_quantile

MIN_SIZES = 3
BOOTSTRAP = 2_000  # resamples of the cells behind a representative CEG's interval
BOUNDS = ("robust-bound", "limited")
POINTS = ("robust-point", "extrapolated")
#: Rows a cell's robust value is taken from: points, bounds above 1 (at least), censored tops (at least their floor)
CELL_EVIDENCE = ("robust-point", "robust-bound", "limited", "censored-top")
EVIDENCE_COUNTS = {"robust_points": "robust-point", "robust_bounds": "robust-bound", "censored_tops": "censored-top",
                   "extrapolated_points": "extrapolated", "limited_bounds": "limited",
                   "trivial_bounds": "trivial-bound", "no_value": "none"}
SUMMARY_INPUTS = ("comparison_id", "enhanced_model_id", "evidence", "baseline_family", "benchmark_id", "ceg",
                  "ceg_low", "equivalent_compute_flop", "enhanced_compute_flop", "finetune_fraction",
                  "inference_multiplier")
NUMERIC = ("ceg", "ceg_low", "equivalent_compute_flop", "enhanced_compute_flop", "finetune_fraction",
           "inference_multiplier")


def figure(value, direction: str = "nearest", digits: int = 3) -> str:
    """``value`` to ``digits`` significant digits, rounded ``down``, ``up`` or to the ``nearest``
    (half to even), from its shortest decimal form: a lower bound is written rounded down (50.77
    is "50.7", never "51"), the upper end of an interval up; "–" for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = Decimal(repr(float(value)))
    if not number.is_finite() or number == 0:
        return f"{float(value):g}"
    rounding = {"down": ROUND_FLOOR, "up": ROUND_CEILING}.get(direction, ROUND_HALF_EVEN)
    kept = number.quantize(Decimal(1).scaleb(number.adjusted() - digits + 1), rounding=rounding)
    if abs(kept) >= 1e6:
        return format(kept, f".{digits - 1}e")
    text = format(kept, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _range(values: np.ndarray) -> tuple:
    values = values[~np.isnan(values)]
    return (float(values.min()), float(values.max())) if values.size else (None, None)


def row_values(rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(value, kind, keep) of each row: a robust point's CEG (kind ``point``), a robust or limited
    bound's CEG (``bound``, at least), a censored top's floor C(top) / C_E (``censored``, at least);
    ``keep`` marks the rows of :data:`CELL_EVIDENCE`."""
    evidence = np.asarray(rows["evidence"], dtype=object)
    ceg = np.asarray(rows["ceg"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        floor = np.asarray(rows["equivalent_compute_flop"], float) / np.asarray(rows["enhanced_compute_flop"], float)
    censored = evidence == "censored-top"
    value = np.where(censored, floor, ceg)
    kind = np.where(censored, "censored", np.where(evidence == "robust-point", "point", "bound"))
    keep = np.isin(evidence, CELL_EVIDENCE) & ~np.isnan(value)
    return value, kind.astype(object), keep


def cell_values(rows, censored_high: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each (benchmark, baseline family) cell's robust value: the median of its rows' values
    (:func:`row_values`), sorted by cell; with ``censored_high`` a censored row counts as above
    every value (+inf). Returns (values, has_bound_or_censored, has_censored)."""
    value, kind, keep = row_values(rows)
    if censored_high:
        value = np.where(kind == "censored", np.inf, value)
    cells: dict = {}
    for key, v, k in zip(zip(np.asarray(rows["benchmark_id"], dtype=object)[keep],
                             np.asarray(rows["baseline_family"], dtype=object)[keep]), value[keep], kind[keep]):
        cells.setdefault(key, []).append((v, k))
    ordered = [cells[key] for key in sorted(cells)]
    # statistics.median: numpy's value (the middle one, or the two middle ones' sum halved) without
    # numpy's cost per call on these short lists
    values = np.array([statistics.median([v for v, _ in c]) for c in ordered], dtype=float)
    at_least = np.array([any(k != "point" for _, k in c) for c in ordered], dtype=bool)
    censored = np.array([any(k == "censored" for _, k in c) for c in ordered], dtype=bool)
    return values, at_least, censored


def bootstrap_median(values: np.ndarray, key: str, draws: int = BOOTSTRAP, seed: int = SEED) -> tuple[float, float]:
    """5th and 95th percentiles of the median of ``values`` resampled with replacement ``draws``
    times, from a stream fixed by ``seed`` and ``key`` (CRC-32 of the summary row's id)."""
    values = np.asarray(values, dtype=float)
    if values.size == 1:
        return float(values[0]), float(values[0])
    rng = np.random.default_rng([int(seed), zlib.crc32(key.encode("utf-8"))])
    # each resample's median from its values sorted first: the same medians, found faster
    medians = np.median(np.sort(values[rng.integers(0, values.size, size=(draws, values.size))], axis=1), axis=1)
    low, high = np.percentile(medians, (5.0, 95.0))
    return float(low), float(high)


def _strongest(rows) -> dict:
    """The robust row (point or bound above 1) with the largest 5th percentile (then CEG, then key)."""
    evidence = np.asarray(rows["evidence"], dtype=object)
    low = np.asarray(rows["ceg_low"], dtype=float)
    ceg = np.asarray(rows["ceg"], dtype=float)
    robust = np.flatnonzero(np.isin(evidence, ("robust-point",) + BOUNDS) & ~np.isnan(low))
    if not robust.size:
        return {"strongest_ceg": None, "strongest_ceg_low": None, "strongest_comparison_id": None,
                "strongest_enhanced_model_id": None}
    comparison = np.asarray(rows["comparison_id"], dtype=object)
    model = np.asarray(rows["enhanced_model_id"], dtype=object)
    best = min(robust, key=lambda i: (-low[i], -ceg[i], comparison[i], model[i]))
    return {"strongest_ceg": float(ceg[best]), "strongest_ceg_low": float(low[best]),
            "strongest_comparison_id": comparison[best], "strongest_enhanced_model_id": model[best]}


def representative(rows, key: str) -> dict:
    """The representative CEG of ``rows`` and what stands beside it (see the module docstring)."""
    values, at_least, censored = cell_values(rows)
    out = {"cells": int(values.size), "bound_cells": int(at_least.sum()), "censored_cells": int(censored.sum()),
           "representative_ceg": None, "representative_ceg_low": None, "representative_ceg_high": None,
           "representative_ceg_censored_high": None, "share_cells_above_5": None, "share_cells_above_20": None}
    if values.size:
        high_values, _, _ = cell_values(rows, censored_high=True)
        high = float(np.median(high_values))
        low, up = bootstrap_median(values, key)
        out.update(representative_ceg=float(np.median(values)), representative_ceg_low=low, representative_ceg_high=up,
                   representative_ceg_censored_high=high if math.isfinite(high) else None,
                   share_cells_above_5=float((values > 5).mean()), share_cells_above_20=float((values > 20).mean()))
    return out


def summary_row(enhancement: dict, rows, comparisons: int, components: tuple = ()) -> dict:
    """The ``enhancement_summary`` row of one enhancement, or of a combination (``components``:
    the enhancements combined, sorted; its ``summary_id`` is them joined by ``+``).

    ``rows`` maps the names of :data:`SUMMARY_INPUTS` to the values of the derived rows (object
    arrays for ids and classes, float arrays with NaN for missing numbers; a DataFrame works too);
    ``comparisons`` is the count of comparisons.
    """
    evidence = np.asarray(rows["evidence"], dtype=object)
    ceg = np.asarray(rows["ceg"], dtype=float)
    points = ceg[evidence == "robust-point"]
    bounds = ceg[np.isin(evidence, BOUNDS) & (ceg > 1)]
    summary_id = "+".join(components) if components else enhancement["enhancement_id"]
    out = {"summary_id": summary_id, "enhancement_id": enhancement["enhancement_id"],
           "components": " ".join(components) or None, "category": enhancement["category"],
           "comparisons": int(comparisons),
           "baseline_families": len(set(np.asarray(rows["baseline_family"], dtype=object))),
           "benchmarks": len(set(np.asarray(rows["benchmark_id"], dtype=object))), "rows": int(evidence.size)}
    for column, name in EVIDENCE_COUNTS.items():
        out[column] = int((evidence == name).sum())
    out.update(median_ceg=float(np.median(points)) if points.size else None,
               ceg_q1=float(np.quantile(points, 0.25)) if points.size else None,
               ceg_q3=float(np.quantile(points, 0.75)) if points.size else None)
    out.update(representative(rows, summary_id))
    out["largest_lower_bound"] = float(bounds.max()) if bounds.size else None
    out.update(_strongest(rows))
    out["finetune_fraction_min"], out["finetune_fraction_max"] = _range(np.asarray(rows["finetune_fraction"], float))
    out["inference_multiplier_min"], out["inference_multiplier_max"] = _range(
        np.asarray(rows["inference_multiplier"], float))
    return out


def combinations(tables: dict) -> dict:
    """Combined comparison id -> the sorted enhancements of its components (``comparison_components``)."""
    enhancement = tables["comparisons"].set_index("comparison_id")["enhancement_id"].to_dict()
    out: dict = {}
    for combined, part in tables["comparison_components"][["comparison_id", "component_comparison_id"]].itertuples(
            index=False):
        out.setdefault(combined, set()).add(enhancement[part])
    return {combined: tuple(sorted(parts)) for combined, parts in out.items()}


def enhancement_summary(estimates: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """One row per enhancement of ``tables["enhancements"]`` (its own comparisons), then one per
    combination of enhancements; sorted by ``summary_id``."""
    columns = {name: estimates[name].to_numpy(dtype=float if name in NUMERIC else object,
                                              na_value=np.nan if name in NUMERIC else None)
               for name in SUMMARY_INPUTS}
    combined = combinations(tables)
    groups: dict = {}
    for i, (comparison_id, enhancement_id) in enumerate(zip(columns["comparison_id"],
                                                            estimates["enhancement_id"].to_numpy(dtype=object))):
        groups.setdefault((enhancement_id, combined.get(comparison_id, ())), []).append(i)
    counted: dict = {}
    for comparison_id, enhancement_id in tables["comparisons"][["comparison_id", "enhancement_id"]].itertuples(
            index=False):
        key = (enhancement_id, combined.get(comparison_id, ()))
        counted[key] = counted.get(key, 0) + 1
    enhancements = {e["enhancement_id"]: e for e in tables["enhancements"].to_dict("records")}
    keys = set(counted) | set(groups) | {(e, ()) for e in enhancements}
    out = []
    for enhancement_id, components in keys:
        at = np.asarray(groups.get((enhancement_id, components), []), dtype=int)
        out.append(summary_row(enhancements[enhancement_id], {name: values[at] for name, values in columns.items()},
                               counted.get((enhancement_id, components), 0), components))
    return pd.DataFrame(out).sort_values("summary_id", kind="stable").reset_index(drop=True)


def scale_slope(log_compute, log_ceg, sd) -> tuple[float, float, float]:
    """Slope of log10 CEG on log10 C_E and its 90% interval.

    Parameters
    ----------
    log_compute : array_like
        log10 of each enhanced model's training compute [log10 FLOP].
    log_ceg : array_like
        log10 CEG of each [log10 ratio].
    sd : array_like
        Standard deviation of each log10 CEG [log10 ratio]; weights 1/sd^2 when all are positive,
        else equal weights.

    Returns
    -------
    slope, low, high : float
        [log10 CEG per log10 FLOP].
    """
    x, y, sd = (np.asarray(a, dtype=float) for a in (log_compute, log_ceg, sd))
    n = x.size
    w = 1.0 / sd ** 2 if (sd > 0).all() else np.ones(n)
    xm, ym = np.sum(w * x) / np.sum(w), np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * (y - ym)) / sxx
    residual = y - ym - slope * (x - xm)
    spread = np.sqrt(np.sum(w * residual ** 2) / (n - 2) / sxx) * student_t_quantile(0.95, n - 2) if n > 2 else np.inf
    measured = Z90 / np.sqrt(sxx) if (sd > 0).all() else 0.0
    half = max(spread, measured)
    return float(slope), float(slope - half), float(slope + half)


def _trend(low: float, high: float) -> str:
    return "grows" if low > 0 else "shrinks" if high < 0 else "unclear"


def ceg_scale(estimates: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """One row per comparison with point CEGs for at least :data:`MIN_SIZES` enhanced models of distinct compute."""
    comparisons = tables["comparisons"]
    family = dict(zip(comparisons["comparison_id"].tolist(), comparisons["enhanced_family"].tolist()))
    points = estimates[estimates["evidence"].isin(POINTS)]
    ids = points["comparison_id"].to_numpy(dtype=object)
    text = {name: points[name].to_numpy(dtype=object) for name in ("enhancement_id", "benchmark_id", "evidence")}
    number = {name: points[name].to_numpy(dtype=float, na_value=np.nan)
              for name in ("enhanced_compute_flop", "ceg", "ceg_low", "ceg_high")}
    groups: dict = {}  # comparison -> its rows, in table order
    for i, comparison_id in enumerate(ids):
        groups.setdefault(comparison_id, []).append(i)
    out = []
    for comparison_id in sorted(groups):
        at = np.asarray(groups[comparison_id])
        compute, ceg = number["enhanced_compute_flop"][at], number["ceg"][at]
        if np.unique(compute[~np.isnan(compute)]).size < MIN_SIZES:
            continue
        low, high = np.log10(number["ceg_low"][at]), np.log10(number["ceg_high"][at])
        slope, slope_low, slope_high = scale_slope(np.log10(compute), np.log10(ceg), (high - low) / (2 * Z90))
        robust = int((text["evidence"][at] == "robust-point").sum())
        out.append({"comparison_id": comparison_id, "enhancement_id": text["enhancement_id"][at[0]],
                    "benchmark_id": text["benchmark_id"][at[0]], "enhanced_family": family[comparison_id],
                    "evidence": "robust-point" if robust == at.size else "extrapolated",
                    "points": int(at.size), "robust_points": robust,
                    "enhanced_compute_min_flop": float(np.nanmin(compute)),
                    "enhanced_compute_max_flop": float(np.nanmax(compute)),
                    "ceg_min": float(np.nanmin(ceg)), "ceg_max": float(np.nanmax(ceg)),
                    "slope": slope, "slope_low": slope_low, "slope_high": slope_high,
                    "trend": _trend(slope_low, slope_high)})
    columns = ["comparison_id", "enhancement_id", "benchmark_id", "enhanced_family", "evidence", "points",
               "robust_points", "enhanced_compute_min_flop", "enhanced_compute_max_flop", "ceg_min", "ceg_max",
               "slope", "slope_low", "slope_high", "trend"]
    return pd.DataFrame(out, columns=columns)


def headline(summary: pd.DataFrame) -> dict:
    """Counts for the survey's "most enhancements > 5x, some > 20x", from the enhancements' own
    rows of ``enhancement_summary`` (combinations left out), judged by the representative CEG and
    by the lower end of its bootstrap interval."""
    own = summary[summary["components"].isna()] if "components" in summary else summary
    judged = own[own["representative_ceg"].notna()]
    value, low = judged["representative_ceg"], judged["representative_ceg_low"]
    above5, above20 = int((value > 5).sum()), int((value > 20).sum())
    return {"enhancements": len(own), "with_robust_evidence": len(judged), "above_5": above5, "above_20": above20,
            "low_above_5": int((low > 5).sum()), "low_above_20": int((low > 20).sum()),
            "censored_cells": int(judged["censored_cells"].sum()), "cells": int(judged["cells"].sum()),
            "most_above_5": above5 > len(judged) / 2, "some_above_20": above20 > 0}
