"""OLMo 2 post-training ladder (Team OLMo, "2 OLMo 2 Furious", arXiv:2501.00656v3): base models 1B/7B/13B/32B
(Tables 6 and 22, OLMES) and their SFT, DPO and final Instruct models (Table 16, Tulu 3 eval suite).
Golden values are the numbers as printed in the paper."""

import pandas as pd
import pytest

from conftest import located_score, source_rows

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
SRC = "olmo2025-olmo2"


def _read(name):
    return pd.read_csv(ROOT / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _scores():
    return source_rows("benchmark_scores", SRC)


# (table, row, column, value as printed)
CELLS = [
    ("Table 6", "OLMo 2 7B", "MMLU", "63.7"),
    ("Table 6", "OLMo 2 7B", "GSM8K", "67.5"),
    ("Table 6", "OLMo 2 13B", "DROP", "70.7"),
    ("Table 6", "OLMo 2 13B", "HSwag", "86.4"),
    ("Table 6", "OLMo 2 32B", "ARC C", "90.4"),
    ("Table 6", "OLMo 2 32B", "MMLU PRO", "46.9"),
    ("Table 6", "OLMo 2 32B", "AGIEval", "61.0"),
    ("Table 22", "OLMo 2 1B", "MMLU", "44.3"),
    ("Table 22", "OLMo 2 1B", "GSM", "43.8"),
    ("Table 22", "OLMo 2 1B", "WG", "66.5"),
    ("Table 16", "OLMo 2 1B SFT", "GSM8K", "52.1"),
    ("Table 16", "OLMo 2 1B DPO", "GSM8K", "59"),
    ("Table 16", "OLMo 2 7B SFT", "MMLU", "61.1"),
    ("Table 16", "OLMo 2 7B Instruct", "GSM8K", "85.1"),
    ("Table 16", "OLMo 2 13B DPO", "DROP", "71.5"),
    ("Table 16", "OLMo 2 13B Instruct", "MMLU", "68.5"),
    ("Table 16", "OLMo 2 32B SFT", "DROP", "77.2"),
    ("Table 16", "OLMo 2 32B DPO", "MMLU", "78"),
    ("Table 16", "OLMo 2 32B Instruct", "GSM8K", "87.6"),
]


@pytest.mark.parametrize("table,row,column,value", CELLS)
def test_cell_read_from_the_paper(table, row, column, value):
    assert located_score(SRC, f"{table}, row {row}, column {column}") == pytest.approx(float(value))


def test_cell_counts_per_table():
    # Table 6: OLMo 2 7B/13B/32B rows x 8 columns imported (MMLU, ARC C, HSwag, WinoG, DROP, AGIEval, GSM8K,
    # MMLU PRO; NQ and TriviaQA have no matching benchmark metric here). Table 22: OLMo 2 1B, same 8 columns.
    # Table 16: 12 rows x the 3 columns shared with the base tables (DROP, GSM8K, MMLU). No blank cells.
    loc = _scores()["locator"]
    assert loc.str.startswith("Table 6,").sum() == 24
    assert loc.str.startswith("Table 22,").sum() == 8
    assert loc.str.startswith("Table 16,").sum() == 36


def test_ladder_structure():
    m = source_rows("models", SRC)
    base = m[m["family"] == "olmo-2"]
    assert sorted(base["model_id"]) == ["olmo-2-13b", "olmo-2-1b", "olmo-2-32b", "olmo-2-7b"]
    assert (base["enhanced"] == "false").all() and (base["base_model_id"] == "").all()
    enh = m[m["family"] != "olmo-2"]
    assert set(enh["family"]) == {"olmo-2-sft", "olmo-2-dpo", "olmo-2-instruct"}
    assert (enh["enhanced"] == "true").all()
    assert set(enh["base_model_id"]) == set(base["model_id"])
    assert all(mid.startswith(b + "-") for mid, b in zip(enh["model_id"], enh["base_model_id"]))
    c = _read("compute_estimates")
    pref = c[(c["preferred"] == "true") & c["model_id"].isin(m["model_id"])]
    assert sorted(pref["model_id"]) == sorted(m["model_id"])  # exactly one preferred estimate each
    flop = dict(zip(pref["model_id"], pref["training_compute_flop"].astype(float)))
    assert flop["olmo-2-7b"] == pytest.approx(1.8e23) and flop["olmo-2-32b"] == pytest.approx(1.3e24)
    for mid, b in zip(enh["model_id"], enh["base_model_id"]):
        assert flop[mid] == flop[b]
    assert set(pref.loc[pref["model_id"].isin(enh["model_id"]), "method"]) == {"base-model"}
    # enhanced scores carry an enhancement id, base scores none
    s = _scores()
    is_enh = s["model_id"].isin(enh["model_id"])
    assert (s.loc[is_enh, "enhancement_id"] != "").all() and (s.loc[~is_enh, "enhancement_id"] == "").all()


def test_comparisons_name_their_setting_differences():
    c = _read("comparisons")
    c = c[c["enhanced_source_id"] == SRC]
    assert len(c) == 9
    vs_base = c[c["baseline_family"] == "olmo-2"]
    assert set(vs_base["enhanced_family"]) == {"olmo-2-sft", "olmo-2-instruct"}
    assert (vs_base["baseline_setting_id"] != vs_base["enhanced_setting_id"]).all()
    assert vs_base["notes"].str.contains("Settings differ").all()
    dpo = c[c["enhanced_family"] == "olmo-2-dpo"]
    assert (dpo["baseline_family"] == "olmo-2-sft").all() and (dpo["enhancement_id"] == "preference-tuning").all()
