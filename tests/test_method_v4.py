"""Method version 4: each new rule on hand-made ladders with values worked by hand, the
representative CEG, and the acceptance checks on the committed data."""

from __future__ import annotations

import importlib.util
import math
import re

import numpy as np
import pandas as pd
import pytest

from ceg_calc import estimate_ceg
from ceg_calc.calc.policy import DERIVE_POLICY, METHOD_VERSION, VERSION_3, Policy
from ceg_calc.calc.tasks import agresti_coull_stderr, binomial_stderr
from ceg_calc.derive.estimates import evidence_of, status_of
from ceg_calc.derive.summary import (bootstrap_median, cell_values, enhancement_summary, figure, headline,
                                     summary_row)
from ceg_calc.gate.checks import read_valid_tables
from conftest import REPO

REL = 1e-9
V4 = DERIVE_POLICY


def test_version_4_is_version_3_with_the_rules_of_a_bound():
    assert METHOD_VERSION == "4"
    assert V4 == Policy(informative_z=2.0, require_rise=True, extrapolation_limit=1.0, curve="isotonic",
                        point_in_interval=True, score_se="agresti-coull", informative_bounds=True,
                        contradiction=True, censored_top=True)
    assert VERSION_3 == Policy(informative_z=2.0, require_rise=True, extrapolation_limit=1.0, curve="isotonic",
                               point_in_interval=True)


# --- rule 6: a standard error that is never 0 ---------------------------------------------------

def test_agresti_coull_standard_error_by_hand():
    # 0 of 250: p = (0 + 2) / 254, SE = 100 sqrt(p (1 - p) / 254) = 100 sqrt(2 * 252) / 254^1.5 = 0.55458
    assert float(agresti_coull_stderr(0.0, 250)) == pytest.approx(0.55458, rel=1e-4)
    assert float(binomial_stderr(0.0, 250)) == 0.0  # Wald's degenerates
    assert float(agresti_coull_stderr(100.0, 250)) == pytest.approx(0.55458, rel=1e-4)  # symmetric
    # 48 of 96: p = 50 / 100 = 0.5, SE = sqrt(0.25 / 100) = 0.05 of a fraction
    assert float(agresti_coull_stderr(0.5, 96, scale=1.0)) == pytest.approx(0.05, rel=REL)
    assert math.isnan(float(agresti_coull_stderr(30.0, np.nan)))


# --- rule 7: informative bounds ---------------------------------------------------------------

def test_a_bound_never_rests_on_a_baseline_at_chance():
    # chance 10, SE 2: a model is informative above 10 + 2 * 2 = 14. The baseline (11, 12, 13) is
    # all at chance, so no curve; the enhanced 20 beats every model by more than 2 sqrt(2^2 + 2^2) =
    # 5.66 (20 - 13 = 7). Version 3: the bound 1e23 / 1e20 = 1000. Version 4: nothing to rest on.
    args = ([1e21, 1e22, 1e23], [11, 12, 13], 1e20, 20)
    kwargs = dict(score_stderr=2.0, chance_score=10, draws=0)
    assert estimate_ceg(*args, **kwargs, policy=VERSION_3).ceg == pytest.approx(1000.0, rel=REL)
    r = estimate_ceg(*args, **kwargs, policy=V4)
    assert math.isnan(r.ceg) and "no baseline model scores more than 2 standard errors above chance" in r.reason


def test_a_bound_rests_on_the_largest_informative_model_beaten():
    # the same, with the 1e21 model at 25 (informative): interpolate is refused (one informative
    # point), the fallback beats 25 by 31 - 25 = 6 > 5.66: 1e21 / 1e20 = 10 (the 12 and 13 at
    # chance, though beaten, carry no bound). Lower-bound method (at least as well): the same 10.
    r = estimate_ceg([1e21, 1e22, 1e23], [25, 12, 13], 1e20, 31, score_stderr=2.0, chance_score=10, draws=0,
                     policy=V4)
    assert r.ceg == pytest.approx(10.0, rel=REL) and r.is_lower_bound
    assert r.anchors.tolist() == [True, False, False]
    r = estimate_ceg([1e21, 1e22, 1e23], [25, 12, 13], 1e20, 31, method="lower-bound", score_stderr=2.0,
                     chance_score=10, draws=0, policy=V4)
    assert r.ceg == pytest.approx(10.0, rel=REL)


def test_a_zero_score_gives_no_bound():
    # 250 items, chance 0. Four baseline models score 0% and the enhanced model 2% (5 items).
    # Wald: the baseline SEs are 0, the enhanced SE 100 sqrt(0.02 * 0.98 / 250) = 0.885, and 2 > 2 * 0.885
    # beats every model: version 3 gives 1e24 / 1e21 = 1000. Agresti-Coull: the enhanced SE is
    # 100 sqrt((7/254)(247/254) / 254) = 1.0272, so 2.0 lies within 2 * 1.0272 = 2.054 of chance: no bound.
    flop, base, own, enhanced = [1e21, 1e22, 1e23, 1e24], [0.0, 0.0, 0.0, 0.0], 1e21, 2.0
    wald = estimate_ceg(flop, base, own, enhanced, score_stderr=binomial_stderr(base, 250),
                        enhanced_score_stderr=float(binomial_stderr(enhanced, 250)), chance_score=0, draws=0,
                        policy=VERSION_3)
    assert wald.ceg == pytest.approx(1000.0, rel=REL)
    se = float(agresti_coull_stderr(enhanced, 250))
    assert se == pytest.approx(1.0272, rel=1e-4)
    r = estimate_ceg(flop, base, own, enhanced, score_stderr=agresti_coull_stderr(base, 250),
                     enhanced_score_stderr=se, chance_score=0, draws=0, policy=V4)
    assert math.isnan(r.ceg) and "the enhanced score lies within 2 standard errors of chance" in r.reason


# --- rule 8: no contradicted bound ------------------------------------------------------------

def test_a_bound_contradicted_by_a_smaller_model_is_void():
    # chance 0, SE 1: every model informative; the baseline falls (31, 18, 10), so the fallback
    # bound: 15 beats only the 1e23 model beyond 2 sqrt(2) = 2.83 (15 - 10 = 5): 1e23 / 1e20 = 1000.
    # But the 1e21 and 1e22 models score 16 and 3 above it, both > 2.83: void in version 4 (the reason
    # names the larger, 1e22).
    args = ([1e21, 1e22, 1e23], [31, 18, 10], 1e20, 15)
    kwargs = dict(score_stderr=1.0, chance_score=0, draws=0)
    assert estimate_ceg(*args, **kwargs, policy=VERSION_3).ceg == pytest.approx(1000.0, rel=REL)
    r = estimate_ceg(*args, **kwargs, policy=V4)
    assert math.isnan(r.ceg) and r.reason.startswith("the informative baseline points do not rise")
    assert "void: a baseline model of 10^22.00 FLOP, at or below the beaten model's 10^23.00" in r.reason
    # within noise of the enhanced score (16 - 15 = 1 and 17 - 15 = 2 < 2.83) the smaller models do not contradict
    r = estimate_ceg([1e21, 1e22, 1e23], [16, 17, 10], 1e20, 15, policy=V4, **kwargs)
    assert r.ceg == pytest.approx(1000.0, rel=REL)


# --- rule 9: censored tops --------------------------------------------------------------------

def test_a_model_above_its_ladder_is_censored_not_a_bound_of_one():
    # (10, 20, 30) rising 10 a decade, SE 1; the top model itself (shared compute) with the
    # enhancement scores 50: C' = 10^25, two decades beyond the top, past the limit. Version 3: the
    # fallback bound C(top) / C_E = 1 (limited). Version 4: censored, C' above 1e23, no value.
    args = (FLOP3 := [1e21, 1e22, 1e23], [10, 20, 30], 1e23, 50)
    kwargs = dict(score_stderr=1.0, chance_score=0, shared_compute=2, draws=0)
    v3 = estimate_ceg(*args, **kwargs, policy=VERSION_3)
    assert v3.limited and v3.ceg == pytest.approx(1.0, rel=REL)
    r = estimate_ceg(*args, **kwargs, policy=V4)
    assert r.censored and math.isnan(r.ceg) and r.equivalent_flop == pytest.approx(FLOP3[-1], rel=REL)
    assert r.reason.endswith("above the ladder: the enhanced model, at or above the compute of the family's "
                             "largest model (10^23.00 FLOP), beats it beyond noise, so C' exceeds the ladder; the "
                             "CEG (> 1) is not measurable within the family")
    # at least as well but within noise (31 - 30 = 1 < 2.83): the survey's trivial bound of 1 stays
    r = estimate_ceg(*args[:3], 31, method="lower-bound", policy=V4, **kwargs)
    assert not r.censored and r.ceg == pytest.approx(1.0, rel=REL)
    # a smaller enhanced model beating the top keeps its bound above 1: 1e23 / 1e22 = 10
    r = estimate_ceg(*args[:2], 1e22, 50, method="lower-bound", score_stderr=1.0, chance_score=0, draws=0, policy=V4)
    assert not r.censored and r.ceg == pytest.approx(10.0, rel=REL)


@pytest.mark.parametrize("values, evidence, status", [
    ({"censored": True, "is_lower_bound": True}, "censored-top", "censored"),
    ({"ceg": 0.92, "limited": True, "is_lower_bound": True}, "trivial-bound", "lower-bound"),  # never limited <= 1
    ({"ceg": 8.6, "limited": True, "is_lower_bound": True}, "limited", "lower-bound"),
])
def test_classes_of_version_4(values, evidence, status):
    assert evidence_of(values) == evidence and status_of(values) == status


# --- the representative CEG -------------------------------------------------------------------

def _rows(*rows):
    keys = ("evidence", "ceg", "ceg_low", "benchmark_id", "baseline_family", "equivalent_compute_flop")
    out = pd.DataFrame([dict(zip(keys, r)) for r in rows])
    out["comparison_id"] = [f"c{i}" for i in range(len(out))]
    out["enhanced_model_id"] = "m"
    out["enhanced_compute_flop"] = 1e23
    out["finetune_fraction"] = out["inference_multiplier"] = np.nan
    return out


HAND = _rows(("robust-point", 2.0, 1.5, "b1", "f1", np.nan), ("robust-point", 6.0, 3.0, "b1", "f1", np.nan),
             ("robust-bound", 25.0, 2.0, "b1", "f2", 2.5e24), ("censored-top", np.nan, np.nan, "b2", "f1", 1e23),
             ("robust-point", 3.0, 2.5, "b2", "f1", np.nan), ("extrapolated", 1e6, 1e3, "b3", "f1", np.nan),
             ("trivial-bound", 1.0, 1.0, "b3", "f1", 1e23), ("none", np.nan, np.nan, "b3", "f1", np.nan))


def test_cell_values_by_hand():
    # cells (b1, f1): median(2, 6) = 4; (b1, f2): the bound 25 (at least); (b2, f1): median(censored
    # floor 1e23 / 1e23 = 1, 3) = 2 (at least). The extrapolated, trivial and empty rows count nowhere.
    values, at_least, censored = cell_values(HAND)
    assert values.tolist() == [4.0, 25.0, 2.0]
    assert at_least.tolist() == [False, True, True] and censored.tolist() == [False, False, True]
    # with the censored row above everything: (b2, f1) = median(inf, 3) = inf
    assert cell_values(HAND, censored_high=True)[0].tolist() == [4.0, 25.0, math.inf]


def test_summary_row_by_hand():
    out = summary_row({"enhancement_id": "e", "category": "prompting"}, HAND, 3)
    assert (out["summary_id"], out["components"], out["comparisons"], out["rows"]) == ("e", None, 3, 8)
    assert (out["robust_points"], out["robust_bounds"], out["censored_tops"], out["extrapolated_points"],
            out["trivial_bounds"], out["no_value"]) == (3, 1, 1, 1, 1, 1)
    assert (out["cells"], out["bound_cells"], out["censored_cells"]) == (3, 2, 1)
    assert out["representative_ceg"] == 4.0  # median(4, 25, 2)
    assert out["representative_ceg_censored_high"] == 25.0  # median(4, 25, inf)
    assert out["share_cells_above_5"] == pytest.approx(1 / 3) and out["share_cells_above_20"] == pytest.approx(1 / 3)
    assert 2.0 <= out["representative_ceg_low"] <= 4.0 <= out["representative_ceg_high"] <= 25.0
    # robust points 2, 6, 3: median 3, quartiles 2.5 and 4.5
    assert (out["median_ceg"], out["ceg_q1"], out["ceg_q3"]) == (3.0, 2.5, 4.5)
    # the largest figure is the bound 25, but the strongest at its 5th percentile is the point 6 (3.0)
    assert out["largest_lower_bound"] == 25.0
    assert (out["strongest_ceg"], out["strongest_ceg_low"], out["strongest_comparison_id"]) == (6.0, 3.0, "c1")


def test_bootstrap_is_fixed_by_seed_and_key():
    values = np.geomspace(1.0, 100.0, 21)  # median 10
    assert bootstrap_median(values, "e") == bootstrap_median(values, "e")
    assert bootstrap_median(np.array([7.0]), "e") == (7.0, 7.0)
    low, high = bootstrap_median(values, "e")
    assert 1.0 < low < 10.0 < high < 100.0
    # the medians of resamples are data values: 10^0.6 and 10^1.4 here, from the fixed stream
    assert (low, high) == pytest.approx((10 ** 0.6, 10 ** 1.4), rel=1e-12)


def test_a_combination_is_summarised_as_such():
    tables = {
        "enhancements": pd.DataFrame({"enhancement_id": ["a", "b"], "category": ["prompting", "prompting"]}),
        "comparisons": pd.DataFrame({"comparison_id": ["ca", "cb", "cab"], "enhancement_id": ["a", "b", "b"]}),
        "comparison_components": pd.DataFrame({"comparison_id": ["cab", "cab"], "component_comparison_id": ["ca", "cb"]}),
    }
    estimates = _rows(("robust-bound", 3.0, 2.0, "x", "f", 3e23), ("robust-bound", 4.0, 2.0, "x", "f", 4e23),
                      ("robust-bound", 22.0, 9.0, "x", "f", 2.2e24))
    estimates["comparison_id"] = ["ca", "cb", "cab"]
    estimates["enhancement_id"] = ["a", "b", "b"]
    out = enhancement_summary(estimates, tables).set_index("summary_id")
    assert out.index.tolist() == ["a", "a+b", "b"]
    # b's own largest bound is its own 4, not the combination's 22, which stays with "a+b"
    assert out.loc["b", "largest_lower_bound"] == 4.0 and out.loc["a+b", "largest_lower_bound"] == 22.0
    assert out.loc["a+b", "components"] == "a b" and out.loc["a+b", "enhancement_id"] == "b"
    assert headline(out.reset_index())["enhancements"] == 2  # the combination is not an enhancement


@pytest.mark.parametrize("value, direction, text", [
    (50.77, "down", "50.7"), (131.93, "down", "131"), (29.65, "down", "29.6"), (20.93, "down", "20.9"),
    (0.925386, "down", "0.925"), (1.13947, "up", "1.14"), (1.18, "nearest", "1.18"), (5.04e17, "down", "5.04e+17"),
])
def test_figures_are_never_rounded_in_the_readers_favour(value, direction, text):
    assert figure(value, direction) == text


# --- acceptance on the committed package -------------------------------------------------------

@pytest.fixture(scope="module")
def committed():
    return read_valid_tables(REPO).tables


def _counts_script():
    spec = importlib.util.spec_from_file_location("method_v4_counts", REPO / "scripts" / "method_v4_counts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_rows_keep_the_promises_of_version_4(committed):
    e = committed["ceg_estimates"]
    assert (e["method_version"] == METHOD_VERSION).all()
    counts = _counts_script().audit(e, committed)
    # no robust row on an enhanced score within 2 SE of chance; no robust or limited bound on a beaten
    # model at chance or contradicted by a smaller model; no top beaten beyond noise shown as a bound
    # of at most 1; no limited row at CEG <= 1
    assert counts == {"enhanced at chance": 0, "beaten at chance": 0, "contradicted": 0,
                      "top beaten, bound <= 1": 0, "limited, CEG <= 1": 0}
    assert ((e["evidence"] == "censored-top") == (e["status"] == "censored")).all()
    censored = e[e["evidence"] == "censored-top"]
    assert len(censored) > 100 and censored["ceg"].isna().all() and censored["equivalent_compute_flop"].notna().all()
    # PaLM 540B with chain of thought on GSM8K (17.9 -> 56.9) is above its ladder, not "CEG 1"
    palm = e[(e["comparison_id"] == "cot.palm.gsm8k") & (e["enhanced_model_id"] == "palm-540b")]
    assert palm["evidence"].tolist() == ["censored-top"]


def test_the_largest_bound_of_an_enhancement_comes_from_its_own_comparisons(committed):
    summary, e = committed["enhancement_summary"], committed["ceg_estimates"]
    combined = set(committed["comparison_components"]["comparison_id"])
    own = e[~e["comparison_id"].isin(combined) & e["evidence"].isin(["robust-bound", "limited"]) & (e["ceg"] > 1)]
    largest = own.groupby("enhancement_id")["ceg"].max()
    rows = summary[summary["components"].isna()].set_index("enhancement_id")
    for enhancement_id, row in rows.iterrows():
        expected = largest.get(enhancement_id)
        if expected is None:
            assert pd.isna(row["largest_lower_bound"]), enhancement_id
        else:
            assert row["largest_lower_bound"] == pytest.approx(expected, rel=1e-5), enhancement_id
    strongest = summary.dropna(subset=["strongest_comparison_id"])
    for row in strongest.itertuples():
        assert (row.strongest_comparison_id in combined) == isinstance(row.components, str), row.summary_id
    fresh = enhancement_summary(e, committed)
    np.testing.assert_allclose(fresh["representative_ceg"].to_numpy(float),
                               summary["representative_ceg"].to_numpy(float), rtol=1e-5)


def test_methodology_shows_the_counts_of_version_4(committed):
    text = (REPO / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert "python scripts/method_v4_counts.py" in text
    row = re.search(r"^\| \+ censored tops \(version 4\) \| (.*) \|$", text, re.M)
    assert row, "the version 4 row of the before/after table"
    numbers = [int(v) for v in row.group(1).split(" | ")]
    classes = ("robust-point", "robust-bound", "censored-top", "extrapolated", "limited", "trivial-bound", "none")
    counts = committed["ceg_estimates"]["evidence"].value_counts()
    assert numbers[1:] == [int(counts.get(c, 0)) for c in classes]
    audit = re.search(r"^\| \+ censored tops \(version 4\) \| 0 \| 0 \| 0 \| 0 \| 0 \|$", text, re.M)
    assert audit, "the audit table's version 4 row shows no violation"


# --- one baseline's curve rules, worked out once for all its enhanced models --------------------

def test_enhanced_models_sharing_a_baseline_get_what_each_would_alone(monkeypatch):
    """The rules' curve is worked out once per baseline (the enhanced models of a comparison hold the
    same arrays); each model's result, its shared compute point included, equals the per-task
    reading of the rules (:func:`_curve_or_fallback` on each task). The ladder has a point at chance
    (left out) and models sharing the compute of kept points and of the dropped one."""
    from dataclasses import replace

    from ceg_calc.calc import policy
    from ceg_calc.calc.policy import estimate_with_policy
    from ceg_calc.calc.tasks import make_tasks

    tasks = make_tasks([1e20, 1e21, 1e22, 1e23], [25.0, 31.0, 44.0, 58.0], [1e20, 1e21, 1e22, 3e21],
                       [28.0, 47.0, 52.0, 90.0], method="interpolate", score_stderr=2.0, chance_score=25.0,
                       perfect_score=100.0, baseline_log10_sd=0.1, enhanced_log10_sd=0.1)
    tasks = [replace(tasks[0], shared=0), replace(tasks[1], shared=1), replace(tasks[2], shared=2), tasks[3]]
    assert len({id(t.x) for t in tasks}) == 1  # one baseline, held once
    together = estimate_with_policy(tasks, "interpolate", draws=2000)
    monkeypatch.setattr(policy, "_shared_curve_or_fallback",
                        lambda task, method, rules, seen: policy._curve_or_fallback(task, method, rules))
    alone = [estimate_with_policy([t], "interpolate", draws=2000)[0] for t in tasks]
    for a, b in zip(together, alone):
        assert a["notes"] == b["notes"] and (a["anchors"] == b["anchors"]).all()
        for key in ("log10_ceg", "log10_low", "log10_high", "xprime"):
            assert np.array_equal(a[key], b[key], equal_nan=True), key
    assert not together[0]["anchors"][0]  # the chance-level point is left out ...
    assert np.isfinite(together[1]["log10_low"]) and together[1]["log10_low"] != together[3]["log10_low"]
