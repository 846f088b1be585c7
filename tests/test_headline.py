"""The derived summaries, the pairing of stated values, first-hand costs, and the acceptance
checks of method version 3 on the committed data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.derive.run import derive_package
from ceg_calc.derive.summary import enhancement_summary, headline, scale_slope
from ceg_calc.derive.plan import finetune_fractions, published_for
from ceg_calc.calc.uncertainty import Z90, student_t_quantile
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.validate import validate_package
from conftest import REPO


def test_headline_counts():
    # the enhancements' own rows only: the combination (components set) is not an enhancement
    summary = pd.DataFrame({"components": [None, None, None, None, "a b"],
                            "representative_ceg": [3.0, 8.0, 30.0, None, 50.0],
                            "representative_ceg_low": [2.0, 4.0, 25.0, None, 40.0],
                            "cells": [2, 3, 1, 0, 4], "censored_cells": [1, 0, 0, 0, 2]})
    h = headline(summary)
    assert (h["enhancements"], h["with_robust_evidence"], h["above_5"], h["above_20"]) == (4, 3, 2, 1)
    assert (h["low_above_5"], h["low_above_20"], h["censored_cells"], h["cells"]) == (1, 1, 1, 6)
    assert h["most_above_5"] and h["some_above_20"]


def test_student_t_quantile_by_hand_and_against_scipy():
    # nu = 1 is Cauchy: tan(pi (p - 1/2)); nu = 2: t = (2p - 1) / sqrt(2 p (1 - p))
    assert student_t_quantile(0.95, 1) == pytest.approx(math.tan(0.45 * math.pi), rel=1e-14)
    assert student_t_quantile(0.95, 2) == pytest.approx(0.9 / math.sqrt(2 * 0.95 * 0.05), rel=1e-14)
    assert student_t_quantile(0.05, 7) == -student_t_quantile(0.95, 7)
    assert student_t_quantile(0.5, 9) == 0.0
    from scipy.special import stdtrit

    for nu in range(1, 300):
        for p in (0.6, 0.95, 0.975, 0.99):
            assert student_t_quantile(p, nu) == pytest.approx(stdtrit(nu, p), rel=1e-12, abs=1e-14)
    for bad in ((0.0, 3), (1.0, 3), (0.95, 0), (0.95, 2.5)):
        with pytest.raises(ValueError):
            student_t_quantile(*bad)


def test_scale_slope_by_hand():
    # exactly on a line of slope 0.5; sd 0.1 each: the interval is ±Z90 / sqrt(sum w (x - xm)^2)
    slope, low, high = scale_slope([21, 22, 23], [0.0, 0.5, 1.0], [0.1, 0.1, 0.1])
    assert slope == pytest.approx(0.5, rel=1e-12)
    assert high - slope == pytest.approx(Z90 / math.sqrt(100 * 2), rel=1e-9)
    # scatter about the line widens it: residuals ±0.5 → t(0.95, 1) * sqrt(0.75 / 2) = 3.878
    slope, low, high = scale_slope([21, 22, 23], [0.0, 1.0, 1.0], [0, 0, 0])
    assert slope == pytest.approx(0.5, rel=1e-12)
    assert high - slope == pytest.approx(6.313751514675 * math.sqrt((1 / 36 + 1 / 9 + 1 / 36) / 2), rel=1e-6)


def _published(pid, benchmark=None, scope_ids=None, second_hand=False, enhancement="e"):
    return {"published_id": pid, "enhancement_id": enhancement, "benchmark_id": benchmark,
            "scope_benchmark_ids": scope_ids, "scope": "words", "ceg": 10.0, "second_hand": second_hand}


def test_stated_values_pair_only_where_the_scope_names_the_benchmark():
    published = [_published("vague"), _published("second", "gsm8k", second_hand=True),
                 _published("first", scope_ids="math gsm8k")]
    comparison = {"benchmark_id": "gsm8k", "enhancement_id": "e", "published_id": None}
    assert published_for(comparison, published)[0]["published_id"] == "first"  # first-hand first
    linked = {**comparison, "published_id": "vague"}
    stated, note = published_for(linked, published[:1])
    assert stated is None and "ambiguous" in note
    other = {"benchmark_id": "aqua", "enhancement_id": "e", "published_id": "first"}
    stated, note = published_for(other, published)
    assert stated is None and "does not cover aqua" in note


def test_finetune_fraction_prefers_first_hand_figures():
    # InstructGPT: the paper's own 4.9 + 60 petaflop/s-days against 3,640 (for text-davinci-002),
    # and the survey's 0.3% as a reader's note reports it (second-hand, general)
    costs = [
        {"cost_id": "a", "model_id": "text-davinci-002", "quantity": "pretraining-compute", "value": 3640,
         "unit": "petaflop/s-day", "second_hand": False, "source_id": "paper"},
        {"cost_id": "b", "model_id": "text-davinci-002", "quantity": "finetune-compute", "value": 60,
         "unit": "petaflop/s-day", "second_hand": False, "source_id": "paper"},
        {"cost_id": "c", "model_id": "text-davinci-002", "quantity": "finetune-compute", "value": 4.9,
         "unit": "petaflop/s-day", "second_hand": False, "source_id": "paper"},
        {"cost_id": "d", "model_id": None, "quantity": "finetune-fraction", "value": 0.3, "unit": "percent",
         "second_hand": True, "source_id": "note"},
    ]
    value, beside, model = finetune_fractions(costs, "instructgpt-1.3b")
    assert value == pytest.approx(64.9 / 3640, rel=1e-12) and round(100 * value, 1) == 1.8
    assert beside == pytest.approx(0.003) and model == "text-davinci-002"
    # without the second-hand value, another model's figures do not stand in
    assert finetune_fractions(costs[:3], "instructgpt-1.3b") == (None, None, None)


def test_drift_check_covers_every_derived_table(valid_package):
    derive_package(valid_package)
    for name in DERIVED_TABLES[1:]:
        path = valid_package / "data" / f"{name}.csv"
        before = path.read_text(encoding="utf-8")
        lines = before.splitlines()
        if len(lines) < 2:
            path.write_text(before + lines[0].replace(",", "") + "\n", encoding="utf-8")  # not derivable
            assert not validate_package(valid_package).valid
        else:
            mutated = (lines[1].replace(",1,", ",7,", 1) if ",1," in lines[1]
                       else lines[1].replace(",true,", ",false,", 1) if ",true," in lines[1]
                       else lines[1] + " (edited)")  # a count, else a flag, else the last cell's text
            path.write_text(before.replace(lines[1], mutated), encoding="utf-8")
            problems = [p for p in validate_package(valid_package).problems if p.check == "drift"]
            assert problems and problems[0].file == f"data/{name}.csv"
        path.write_text(before, encoding="utf-8")
    assert validate_package(valid_package).valid


def test_derived_tables_are_deterministic(valid_package):
    derive_package(valid_package)
    first = {n: (valid_package / "data" / f"{n}.csv").read_bytes() for n in DERIVED_TABLES}
    derive_package(valid_package)
    assert {n: (valid_package / "data" / f"{n}.csv").read_bytes() for n in DERIVED_TABLES} == first


# --- acceptance on the committed package -------------------------------------------------------

@pytest.fixture(scope="module")
def committed():
    return read_valid_tables(REPO).tables


def test_no_threshold_flag_on_an_extrapolated_or_limited_row(committed):
    e = committed["ceg_estimates"]
    flagged = e["crosses_eu_1e25"].fillna(False).astype(bool) | e["crosses_us_1e26"].fillna(False).astype(bool)
    risky = e["extrapolated"].fillna(False).astype(bool) | e["limited"].fillna(False).astype(bool)
    assert not (flagged & risky).any()


def test_every_point_lies_within_the_limit_and_inside_its_interval(committed):
    e = committed["ceg_estimates"]
    points = e[e["status"] == "estimated"]
    assert len(points) and (points["evidence"].isin(["robust-point", "extrapolated"])).all()
    assert ((points["ceg_low"] <= points["ceg"] * (1 + 1e-5)) & (points["ceg"] <= points["ceg_high"] * (1 + 1e-5))).all()
    scores = committed["benchmark_scores"].set_index("score_id")
    compute = committed["compute_estimates"]
    flop = compute[compute["preferred"].astype(bool)].set_index("model_id")["training_compute_flop"]
    for row in points.itertuples():
        anchored = np.log10([flop[scores.loc[s, "model_id"]] for s in row.anchor_score_ids.split()])
        assert anchored.min() - 1 - 1e-5 <= math.log10(row.equivalent_compute_flop) <= anchored.max() + 1 + 1e-5


def test_no_curve_is_anchored_on_a_score_within_two_standard_errors_of_chance(committed):
    from ceg_calc.derive.plan import chance_level, score_stderr

    benchmarks = {b["benchmark_id"]: b for b in committed["benchmarks"].to_dict("records")}
    scores = committed["benchmark_scores"].set_index("score_id")
    e = committed["ceg_estimates"]
    checked = 0
    for row in e[(e["status"] == "estimated")].itertuples():
        b = {k: (None if pd.isna(v) else v) for k, v in benchmarks[row.benchmark_id].items()}
        sign = 1 if b["higher_is_better"] else -1
        for s in row.anchor_score_ids.split():
            score = scores.loc[s].to_dict()
            score = {k: (None if pd.isna(v) else v) for k, v in score.items()}
            assert sign * score["score"] > sign * chance_level(b) + 2 * score_stderr(score, b), (row.comparison_id, s)
            checked += 1
    assert checked > 50
    # the AQuA chain-of-thought curves rested on standard-prompting scores of 12.6-18.6 (chance 20)
    aqua = e[e["comparison_id"].str.contains("aqua") & (e["method"] == "interpolate")]
    assert len(aqua) and (aqua["status"] != "estimated").all()


def test_headline_tables_exist_and_cover_every_enhancement(committed):
    summary = committed["enhancement_summary"]
    own = summary[summary["components"].isna()]
    assert set(own["summary_id"]) == set(own["enhancement_id"]) == set(committed["enhancements"]["enhancement_id"])
    assert len(committed["ceg_scale"]) >= 1 and (committed["ceg_scale"]["points"] >= 3).all()
    fresh = enhancement_summary(committed["ceg_estimates"], committed)
    np.testing.assert_allclose(fresh["representative_ceg"].to_numpy(float),
                               summary["representative_ceg"].to_numpy(float), rtol=1e-4)  # six significant digits


def test_a_point_outside_its_interval_is_reported(valid_package):
    path = valid_package / "data" / "ceg_estimates.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",3.16228,1.45327,", ",30,1.45327,", 1), encoding="utf-8")
    problems = [str(p) for p in validate_package(valid_package).problems]
    assert problems == ["data/ceg_estimates.csv:2: ceg: ceg lies outside [ceg_low, ceg_high]"]


def test_index_summary_lists_best_evidence_first_and_cells_are_marked():
    from ceg_calc.publish.evidence import render_cell, summary_html

    common = {"category": "prompting", "components": None, "rows": 2, "cells": 1, "censored_cells": 0,
              "representative_ceg_low": None, "representative_ceg_high": None, "strongest_ceg": None,
              "strongest_ceg_low": None, "strongest_comparison_id": None, "strongest_enhanced_model_id": None}
    summary = pd.DataFrame([
        {**common, "summary_id": "weak", "enhancement_id": "weak", "bound_cells": 0, "representative_ceg": 2.0,
         "representative_ceg_low": 1.5, "representative_ceg_high": 2.5, "share_cells_above_5": 0.0,
         "share_cells_above_20": 0.0},
        {**common, "summary_id": "strong", "enhancement_id": "strong", "bound_cells": 1, "representative_ceg": 131.93,
         "representative_ceg_low": 131.93, "representative_ceg_high": 131.93, "share_cells_above_5": 1.0,
         "share_cells_above_20": 1.0, "strongest_ceg": 131.93, "strongest_ceg_low": 50.28,
         "strongest_comparison_id": "c", "strongest_enhanced_model_id": "m"}])
    text = summary_html(summary, headline(summary))
    assert text.index(">strong</a>") < text.index(">weak</a>")
    assert "Of 2 enhancements with robust evidence, 1 show more than 5×" in text
    # a bound is rounded down (131.93 is "131", never "132"), the interval's upper end up
    assert "<td>≥ 131 (131–132)</td>" in text and "<td>≥ 100%</td>" in text
    assert "131 (5th percentile 50.2; c / m)" in text
    assert "evidence-limited" in str(render_cell("limited", "evidence", "ceg_estimates"))
    assert "evidence-censored-top" in str(render_cell("censored-top", "evidence", "ceg_estimates"))
    assert render_cell("limited", "status", "ceg_estimates") is None
