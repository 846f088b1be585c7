"""Gemma 3 post-training ladder (Gemma 3 Technical Report, https://arxiv.org/abs/2503.19786v1).

Pre-trained (PT, family ``gemma-3``) and instruction-tuned (IT, family ``gemma-3-it``) 1B/4B/12B/27B on the
benchmarks both kinds are reported on: text, Tables 9, 10, 13 (PT), 6, 18 (IT) and 15 (both); image,
Tables 11 (PT) and 16 (IT). Golden values
are the numbers as printed in the report.
"""

import pandas as pd
import pytest

from conftest import REPO

SRC = "gemma2025-gemma3"

# (locator, value as printed)
CELLS = [
    ("Table 6, row MMLU-Pro, column Gemma 3 1B", 14.7),
    ("Table 6, row MMLU-Pro, column Gemma 3 27B", 67.5),
    ("Table 6, row GPQA Diamond, column Gemma 3 12B", 40.9),
    ("Table 6, row Global MMLU-Lite, column Gemma 3 4B", 54.5),
    ("Table 6, row MATH, column Gemma 3 27B", 89.0),
    ("Table 9, row BBH, column Gemma 3 1B", 28.4),
    ("Table 9, row BBH, column Gemma 3 27B", 77.7),
    ("Table 10, row MMLU, column Gemma 3 4B", 59.6),
    ("Table 10, row MMLUpro, column Gemma 3 27B", 52.2),
    ("Table 10, row GSM8K, column Gemma 3 27B", 82.6),
    ("Table 10, row GPQA Diamond, column Gemma 3 27B", 24.3),
    ("Table 10, row HumanE, column Gemma 3 12B", 45.7),
    ("Table 10, row MBPP, column Gemma 3 4B", 46.0),
    ("Table 13, row GMMLU, column Gemma 3 1B", 24.9),
    ("Table 13, row ECLeKTic, column Gemma 3 1B", 4.69),
    ("Table 13, row WMT24++, column Gemma 3 12B", 53.9),
    ("Table 15, row RULER 32K, column Gemma 3 PT 12B", 90.6),
    ("Table 15, row RULER 128K, column Gemma 3 IT 27B", 66.0),
    ("Table 15, row MRCR 32K, column Gemma 3 IT 27B", 63.2),
    ("Table 15, row MRCR 128K, column Gemma 3 PT 4B", 40.6),
    ("Table 18, row MMLU, column Gemma 3 1B", 38.8),
    ("Table 18, row HumanEval, column Gemma 3 27B", 87.8),
    ("Table 18, row GSM8K, column Gemma 3 12B", 94.4),
    ("Table 18, row BBH, column Gemma 3 4B", 72.2),
    ("Table 18, row ECLeKTic, column Gemma 3 27B", 16.7),
    ("Table 18, row WMT24++, column Gemma 3 1B", 35.9),
    ("Table 18, row MBPP, column Gemma 3 12B", 73.0),
    ("Table 11, row DocVQA, column 4B", 72.8),
    ("Table 11, row MMMU, column 27B", 56.1),
    ("Table 11, row VQAv2, column 12B", 71.2),
    ("Table 16, row InfoVQA, column 27B", 70.6),
    ("Table 16, row TextVQA, column 12B", 67.7),
    ("Table 16, row VQAv2 (val), column 4B", 62.4),
    ("Table 6, row MMMU (val), column Gemma 3 12B", 59.6),
]

# Gemma 3 cells per table on the benchmarks both PT and IT are reported on, as printed, less blank cells.
# Table 10 has no 1B column (7 rows x 3); Table 15 has 4 rows x 3 sizes x (PT, IT); Table 18's MATH and
# GMMLU-Lite rows repeat Table 6's cells and are kept once, under Table 6 (9 - 2 rows x 4). Image benchmarks
# (4B-27B; 1B has no vision encoder): Table 11 (PT) 7 rows x 3; Table 16 (IT) 7 rows x 3 less its MMMU (val)
# row, which repeats Table 6's (4 rows x 4 + MMMU (val) 3 = 19 in Table 6).
COUNTS = {"Table 6": 19, "Table 9": 4, "Table 10": 21, "Table 11": 21, "Table 13": 12, "Table 15": 24,
          "Table 16": 18, "Table 18": 28}


def _read(name):
    return pd.read_csv(REPO / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _ours():
    s = _read("benchmark_scores")
    return s[s["source_id"] == SRC]


@pytest.mark.parametrize("locator,value", CELLS)
def test_cell_is_found_through_its_locator(locator, value):
    row = _ours()[lambda d: d["locator"] == locator]
    assert len(row) == 1
    assert float(row["score"].iloc[0]) == pytest.approx(value, abs=1e-9)


@pytest.mark.parametrize("bench,label,values", [
    ("math", "MATH", {"1B": 48.0, "4B": 75.6, "12B": 83.8, "27B": 89.0}),
    ("global-mmlu-lite", "GMMLU-Lite", {"1B": 34.2, "4B": 54.5, "12B": 69.5, "27B": 75.1}),
])
def test_table18_repeats_of_table6_are_named_in_the_notes(bench, label, values):
    s = _ours()
    for size, value in values.items():
        row = s[(s["benchmark_id"] == bench) & (s["model_id"] == f"gemma-3-{size.lower()}-it")]
        assert len(row) == 1 and float(row["score"].iloc[0]) == value
        assert f"Table 18 (row {label}, column Gemma 3 {size}) prints the same value" in row["notes"].iloc[0]


def test_table16_mmmu_repeats_table6():
    s = _ours()
    for size, value in {"4B": 48.8, "12B": 59.6, "27B": 64.9}.items():
        row = s[(s["benchmark_id"] == "mmmu") & (s["model_id"] == f"gemma-3-{size.lower()}-it")]
        assert len(row) == 1 and float(row["score"].iloc[0]) == value
        assert f"Table 16 (row MMMU (val), column {size}) prints the same value" in row["notes"].iloc[0]


def test_cells_per_table():
    tables = _ours()["locator"].str.extract(r"^(Table \d+),")[0]
    assert tables.value_counts().to_dict() == COUNTS


def test_ladder_structure():
    m = _read("models").set_index("model_id")
    for size in ["1b", "4b", "12b", "27b"]:
        base, it = m.loc[f"gemma-3-{size}"], m.loc[f"gemma-3-{size}-it"]
        assert (base["family"], base["enhanced"], base["base_model_id"]) == ("gemma-3", "false", "")
        assert (it["family"], it["enhanced"], it["base_model_id"]) == ("gemma-3-it", "true", f"gemma-3-{size}")
        assert it["source_id"] == SRC and "teacher's compute is not counted" in it["notes"]
    s = _ours()
    enhanced = s["model_id"].str.endswith("-it")
    assert (s.loc[enhanced, "enhancement_id"] == "chat-tuning").all()
    assert (s.loc[~enhanced, "enhancement_id"] == "").all()
    assert not s["model_id"].str.startswith("gemma-2").any()  # Gemma 2 columns are left to their own rows


def test_compute_is_six_n_d_on_language_model_parameters():
    # Table 1: embedding + non-embedding parameters (vision encoder excluded); Sec. 2.2: tokens
    n = {"1b": 302e6 + 698e6, "4b": 675e6 + 3209e6, "12b": 1012e6 + 10759e6, "27b": 1416e6 + 25600e6}
    d = {"1b": 2e12, "4b": 4e12, "12b": 12e12, "27b": 14e12}
    c = _read("compute_estimates")
    preferred = c[c["preferred"] == "true"]
    for size in n:
        for model, method in ((f"gemma-3-{size}", "six-n-d"), (f"gemma-3-{size}-it", "base-model")):
            row = preferred[preferred["model_id"] == model]
            assert len(row) == 1 and row["method"].iloc[0] == method
            assert float(row["training_compute_flop"].iloc[0]) == pytest.approx(6 * n[size] * d[size], rel=1e-5)
            assert "not counted" in row["notes"].iloc[0]
    hub = c[c["estimate_id"] == "gemma-3-27b-it.epoch-hub"]
    assert hub["preferred"].tolist() == ["false"]


def test_comparisons_name_both_settings():
    comp = _read("comparisons")
    comp = comp[comp["comparison_id"].str.startswith("chat-tuning.gemma-3.")]
    assert len(comp) == 22
    assert set(comp["baseline_family"]) == {"gemma-3"} and set(comp["enhanced_family"]) == {"gemma-3-it"}
    assert set(comp["method"]) == {"interpolate"}
    settings = set(_read("settings")["setting_id"])
    for _, row in comp.iterrows():
        assert row["baseline_setting_id"] in settings and row["enhanced_setting_id"] in settings
        if row["baseline_setting_id"] != row["enhanced_setting_id"]:
            assert row["notes"].startswith("Settings differ")
        if row["benchmark_id"] in {"docvqa", "infovqa", "textvqa", "ai2d", "chartqa", "vqav2", "mmmu"}:
            assert "Pan & Scan" in row["notes"]


def test_hub_model_is_an_alias():
    from ceg_calc.ingest.epoch_hub import ALIASES
    assert ALIASES["gemma-3-27b-it"] == "gemma-3-27b-it"
    hub = _read("benchmark_scores")
    hub = hub[(hub["model_id"] == "gemma-3-27b-it") & (hub["source_id"] == "epoch2026-benchmarking-hub")]
    assert len(hub) == 3 and (hub["enhancement_id"] == "chat-tuning").all()
