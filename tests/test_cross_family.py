"""Cross-family reference curves (ceg_calc.calc.crossfamily, data/ceg_cross_family.csv) and the
Epoch AI Benchmarking Hub import (data/raw/epoch-benchmarks -> data/benchmark_scores.csv)."""

import math
import random
import re

import numpy as np
import pandas as pd
import pytest

from conftest import located_score

from ceg_calc.calc.crossfamily import fit_curve, gain, rescaled_logit

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
HUB = ROOT / "data" / "raw" / "epoch-benchmarks"
FILES = ["gpqa_diamond.csv", "math_level_5.csv", "otis_mock_aime_2024_2025.csv", "frontiermath.csv",
         "swe_bench_verified.csv"]


def _scores():
    return pd.read_csv(ROOT / "data" / "benchmark_scores.csv", dtype=str, keep_default_na=False)


def _cross():
    return pd.read_csv(ROOT / "data" / "ceg_cross_family.csv")


def test_offset_gain_is_the_horizontal_distance_along_the_line():
    # three families on logit(p) = -20 + 0.8 x, offsets +-0.5 (scores 0..100, chance 0)
    x = np.tile([21.0, 22.0, 23.0], 3)  # same sizes per family: offsets do not bias the pooled slope
    off = np.repeat([0.0, 0.5, -0.5], 3)
    p = 1 / (1 + np.exp(-(-20 + 0.8 * x + off)))
    curve = fit_curve(x, 100 * p, np.repeat(["a", "b", "c"], 3), 0, 100, draws=200)
    assert curve.slope == pytest.approx(0.8, rel=1e-6) and curve.families == 3
    # a gain from 20% to 50%: (logit 0.5 - logit 0.2) / 0.8 = 1.386294 / 0.8 decades
    out = gain(curve, 50.0, 0.0, 0, 100, anchor_score=20.0)
    assert out["log10_ceg"] == pytest.approx(math.log(4) / 0.8, rel=1e-6)
    assert out["log10_low"] <= out["log10_ceg"] <= out["log10_high"]


def test_no_gain_from_a_curve_that_does_not_rise():
    x = np.arange(20.0, 26.0)
    curve = fit_curve(x, [50, 40, 45, 35, 40, 30], ["a", "b", "c", "a", "b", "c"], 0, 100, draws=100)
    assert math.isnan(gain(curve, 60.0, 1.0, 0, 100, anchor_score=40.0)["log10_ceg"])


def test_rescaled_logit_clips_at_chance_and_perfect():
    assert np.isfinite(rescaled_logit([0.0, 25.0, 100.0], 25.0, 100.0)).all()


def _hub_cells():
    fixed = [("gpqa_diamond.csv", "o1-2024-12-17_high"), ("gpqa_diamond.csv", "DeepSeek-R1"),
             ("gpqa_diamond.csv", "gpt-4o-2024-05-13"), ("math_level_5.csv", "gpt-5-mini-2025-08-07_high"),
             ("swe_bench_verified.csv", "gpt-5.4-2026-03-05_high")]
    rng = random.Random(20)
    sample = []
    for name in FILES:
        versions = pd.read_csv(HUB / name, dtype=str, keep_default_na=False)["Model version"].drop_duplicates(keep=False)
        sample += [(name, v) for v in rng.sample(sorted(versions), min(6, len(versions)))]
    return fixed + sample


@pytest.mark.parametrize("name,version", _hub_cells())
def test_hub_cell_is_found_through_its_locator(name, version):
    raw = pd.read_csv(HUB / name, dtype=str, keep_default_na=False)
    cell = raw.loc[raw["Model version"] == version].iloc[0]
    scores = _scores()
    row = scores[scores["locator"] == f"{name}, row Model version {version}, column mean_score"]
    assert len(row) == 1
    assert float(row["score"].iloc[0]) == pytest.approx(100 * float(cell["mean_score"]), rel=1e-5)
    if cell["stderr"]:
        assert float(row["score_stderr"].iloc[0]) == pytest.approx(100 * float(cell["stderr"]), rel=1e-5)
    effort = re.search(r"_(low|medium|high|xhigh)$", version)
    if effort:
        assert row["setting_id"].iloc[0] == f"epoch-hub-effort-{effort.group(1)}"


def test_many_valued_rows_rest_on_three_or_more_families():
    d = _cross()
    assert ((d["ceg"].notna()) & (d["reference_families"] >= 3)).sum() >= 100


def test_chain_of_thought_on_palm_540b_gsm8k_has_a_cross_family_value_above_one():
    d = _cross()
    row = d[d["row_id"] == "cot.palm.gsm8k.wei2022-cot.palm-540b.few-shot-8-cot-greedy.gsm8k"].iloc[0]
    # within the family the ladder top is censored (method version 4): no value, its own class
    assert pd.isna(row["within_family_ceg"]) and row["within_family_evidence"] == "censored-top"
    assert row["ceg"] > 1 and row["ceg_low"] > 1 and row["evidence"] != "none"
    assert row["method"] == "cross-family-offset" and row["anchor_model_id"] == "palm-540b"


def test_reasoning_training_on_gpqa_diamond_is_shown_beside_epochs_stated_gain():
    d = _cross()
    r1 = d[d["row_id"] == "epoch-hub.epoch-hub.deepseek-r1.epoch-hub.gpqa-diamond"].iloc[0]
    assert r1["published_ceg"] == 9 and r1["ceg_low"] < r1["ceg"] < r1["ceg_high"]
    assert r1["ceg_low"] > 1 and r1["anchor_model_id"] == "deepseek-v3"
    o1 = d[d["row_id"] == "epoch-hub.epoch-hub.o1.epoch-hub-effort-high.gpqa-diamond"].iloc[0]
    assert "GPT-4o" in o1["compute_assumption"] and o1["ceg"] > 1


LLAMA31 = "meta2024-llama31-model-card"

# Cells of the Llama 3.1 model card (commit e2e67cd8), read from the card: (table, row, column, value).
LLAMA31_CELLS = [
    ("Base pretrained models", "MMLU", "Llama 3.1 405B", 85.2),
    ("Base pretrained models", "DROP (F1)", "Llama 3.1 405B", 84.8),
    ("Base pretrained models", "Winogrande", "Llama 3.1 8B", 60.5),
    ("Base pretrained models", "ARC-Challenge", "Llama 3 70B", 93.1),
    ("Base pretrained models", "SQuAD", "Llama 3.1 70B", 81.8),
    ("Instruction tuned models", "GPQA", "Llama 3.1 70B Instruct", 46.7),
    ("Instruction tuned models", "MMLU (CoT)", "Llama 3.1 8B Instruct", 73.0),
    ("Instruction tuned models", "Gorilla Benchmark API Bench", "Llama 3 8B Instruct", 1.7),
    ("Instruction tuned models", "Multilingual MGSM (CoT)", "Llama 3.1 405B Instruct", 91.6),
    ("Instruction tuned models", "MATH (CoT)", "Llama 3.1 405B Instruct", 73.8),
]


@pytest.mark.parametrize("table,row,column,value", LLAMA31_CELLS)
def test_llama31_card_cell_is_found_through_its_locator(table, row, column, value):
    assert located_score(LLAMA31, f"Benchmark scores, {table}, row {row}, column {column}") == pytest.approx(value)


@pytest.mark.parametrize("language,column,value", [("Portuguese", "Llama 3.1 8B Instruct", 62.12),
                                                   ("Thai", "Llama 3.1 405B Instruct", 78.21),
                                                   ("Italian", "Llama 3.1 70B Instruct", 80.4)])
def test_llama31_multilingual_cell_is_found_through_its_locator(language, column, value):
    locator = f"Benchmark scores, Multilingual benchmarks, row {language}, column {column}"
    assert located_score(LLAMA31, locator) == pytest.approx(value)


def test_every_llama31_card_cell_is_in_the_package():
    scores = _scores()
    card = scores[scores["source_id"] == "meta2024-llama31-model-card"]
    # base 12 benchmarks x 5 columns less 2 '-' cells; instruct 17 x 5 less 6; multilingual 7 x 3
    assert len(card) == 12 * 5 - 2 + 17 * 5 - 6 + 7 * 3


# Cells of the Qwen3 report's Tables 17-20 (arXiv:2505.09388v1): (table, row, column, value).
QWEN3_CELLS = [
    ("Table 17", "GPQA-Diamond", "Qwen3-8B (thinking)", 62.0),
    ("Table 17", "AIME’24", "Qwen3-4B (thinking)", 73.8),
    ("Table 17", "CodeForces (Rating / Percentile)", "Qwen3-8B (thinking)", 95.6),
    ("Table 20", "Creative Writing v3", "Qwen3-1.7B (non-thinking)", 43.6),
    ("Table 19", "LiveCodeBench v5", "Qwen3-0.6B (thinking)", 12.3),
    ("Table 18", "PolyMath", "Qwen3-8B (non-thinking)", 18.8),
    ("Table 19", "Creative Writing v3", "Qwen3-1.7B (thinking)", 48.0),
    ("Table 18", "MT-AIME2024", "Qwen3-4B (non-thinking)", 13.9),
    ("Table 18", "C-Eval", "Qwen3-4B (non-thinking)", 72.2),
    ("Table 20", "AIME’25", "Qwen3-0.6B (non-thinking)", 2.6),
    ("Table 18", "INCLUDE", "Qwen3-8B (non-thinking)", 62.5),
    ("Table 17", "Multi-IF", "Qwen3-4B (thinking)", 66.3),
    ("Table 17", "LiveBench 2024-11-25", "Qwen3-4B (thinking)", 63.6),
    ("Table 18", "AutoLogi", "Qwen3-8B (non-thinking)", 76.5),
    ("Table 19", "AIME’25", "Qwen3-0.6B (thinking)", 15.1),
    ("Table 19", "LiveCodeBench v5", "Qwen3-1.7B (thinking)", 33.2),
    ("Table 18", "BFCL v3", "Qwen3-4B (non-thinking)", 57.6),]


@pytest.mark.parametrize("table,row,column,value", QWEN3_CELLS)
def test_qwen3_cell_is_found_through_its_locator(table, row, column, value):
    assert located_score("qwen2025-qwen3", f"{table}, row {row}, column {column}") == pytest.approx(value)


def test_qwen3_mixture_of_experts_are_not_pooled_with_the_dense_sizes():
    models = pd.read_csv(ROOT / "data" / "models.csv", dtype=str, keep_default_na=False).set_index("model_id")
    assert models.loc["qwen3-235b-a22b", "family"] == "qwen3-moe" and models.loc["qwen3-32b", "family"] == "qwen3"
    compute = pd.read_csv(ROOT / "data" / "compute_estimates.csv").set_index("estimate_id")
    # 6 x 22e9 activated parameters x 36e12 tokens, as Epoch AI's hub computes it
    assert compute.loc["qwen3-235b-a22b.base-model", "training_compute_flop"] == pytest.approx(4.752e24)


def test_eight_or_more_frontier_families_carry_derived_post_training_values():
    models = pd.read_csv(ROOT / "data" / "models.csv")
    compute = pd.read_csv(ROOT / "data" / "compute_estimates.csv")
    compute = compute[compute["preferred"]]
    largest = models.merge(compute, on="model_id").groupby("family")["training_compute_flop"].max()
    estimates, cross = pd.read_csv(ROOT / "data" / "ceg_estimates.csv"), _cross()
    post = estimates[estimates["category"] == "data"]
    valued = set(post.loc[post["ceg"].notna(), "enhanced_model_id"]) | set(
        cross.loc[cross["ceg"].notna() & cross["enhancement_id"].isin(post["enhancement_id"]), "enhanced_model_id"])
    families = set(models.loc[models["model_id"].isin(valued), "family"])
    assert sum(largest.get(f, 0) >= 1e24 for f in families) >= 8


@pytest.mark.parametrize("families", [2, 3, 7])
def test_bootstrap_draws_are_the_seeds_stream_one_draw_after_another(families):
    """fit_curve draws every bootstrap sample in one call; the published values were drawn one
    sample per call, and the two must be the same numbers (a NumPy that changed this would change
    the published intervals: this fails first)."""
    import numpy as np

    one_call = np.random.default_rng(0).integers(0, families, (400, families))
    rng = np.random.default_rng(0)
    per_draw = np.stack([rng.integers(0, families, families) for _ in range(400)])
    assert (one_call == per_draw).all()
