"""Tulu 3 (Lambert et al., arXiv:2411.15124v5): SFT, DPO and final models on Llama 3.1 8B/70B/405B bases,
Tables 4-6 (Tulu 3 eval suite). The report gives no base-model scores in these tables, so the enhanced models
point at the Llama 3.1 base ids and are compared with the Llama 3.1 model card's base curve on MMLU, BBH and DROP.
Golden values are the numbers as printed."""

import pandas as pd
import pytest

from conftest import located_score, source_rows

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SRC = "lambert2024-tulu3"


def _read(name):
    return pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _scores():
    return source_rows("benchmark_scores", SRC)


CELLS = [
    ("Table 6", "MMLU(0 shot, CoT)", "Tülu 3 8B SFT", "65.9"),
    ("Table 6", "GSM8K(8 shot, CoT)", "Tülu 3 8B", "87.6"),
    ("Table 6", "MATH(4 shot CoT, Flex)", "Tülu 3 8B DPO", "42.0"),
    ("Table 6", "DROP(3 shot)", "Tülu 3 8B DPO", "62.5"),
    ("Table 5", "BigBenchHard(3 shot, CoT)", "Tülu 3 70B", "85.0"),
    ("Table 5", "DROP(3 shot)", "Tülu 3 70B SFT", "77.2"),
    ("Table 5", "MMLU(0 shot, CoT)", "Tülu 3 70B DPO", "83.3"),
    ("Table 5", "MATH(4 shot CoT, Flex)", "Tülu 3 70B", "63.0"),
    ("Table 4", "MMLU(5 shot, CoT)", "Tülu 3 405B RLVR", "87.0"),
    ("Table 4", "MATH(4 shot, Flex)", "Tülu 3 405B DPO", "59.9"),
    ("Table 4", "BigBenchHard(0 shot, CoT)", "Tülu 3 405B SFT", "88.0"),
]


@pytest.mark.parametrize("table,row,column,value", CELLS)
def test_cell_read_from_the_paper(table, row, column, value):
    assert located_score(SRC, f"{table}, row {row}, column {column}") == pytest.approx(float(value))


def test_cell_counts_per_table():
    # imported rows: MMLU, BBH, DROP, MATH, GSM8K (Tables 5-6; Table 4 has no DROP row) x the three Tulu 3 columns
    loc = _scores()["locator"]
    assert loc.str.startswith("Table 6,").sum() == 15
    assert loc.str.startswith("Table 5,").sum() == 15
    assert loc.str.startswith("Table 4,").sum() == 12


def test_models_point_at_the_llama_31_bases():
    m = source_rows("models", SRC)
    assert len(m) == 9 and (m["enhanced"] == "true").all()
    assert set(m["base_model_id"]) == {"meta-llama-3.1-8b", "meta-llama-3.1-70b", "llama-3.1-405b"}
    assert set(m["family"]) == {"tulu-3-sft", "tulu-3-dpo", "tulu-3"}
    c = _read("compute_estimates")
    pref = c[(c["preferred"] == "true") & c["model_id"].isin(m["model_id"])]
    assert sorted(pref["model_id"]) == sorted(m["model_id"]) and set(pref["method"]) == {"base-model"}
    base = dict(zip(c.loc[c["preferred"] == "true", "model_id"], c.loc[c["preferred"] == "true", "training_compute_flop"].astype(float)))
    for mid, b in zip(m["model_id"], m["base_model_id"]):
        assert base[mid] == pytest.approx(base[b])
    # the hub's Llama-3.1-Tulu-3-70B-DPO is this model, with the DPO enhancement on its hub scores too
    s = _read("benchmark_scores")
    hub = s[(s["model_id"] == "llama-3.1-tulu-3-70b-dpo") & (s["source_id"] == "epoch2026-benchmarking-hub")]
    assert len(hub) > 0 and (hub["enhancement_id"] == "preference-tuning").all()


def test_comparisons_only_on_benchmarks_the_base_card_shares():
    c = _read("comparisons")
    c = c[c["enhanced_source_id"] == SRC]
    vs_base = c[c["baseline_family"] == "llama-3.1"]
    assert set(vs_base["benchmark_id"]) == {"mmlu", "bbh", "drop-f1"}
    assert (vs_base["baseline_source_id"] == "meta2024-llama31-model-card").all()
    assert vs_base["notes"].str.contains("Settings").all()
    dpo = c[c["enhanced_family"] == "tulu-3-dpo"]
    assert (dpo["baseline_family"] == "tulu-3-sft").all()
