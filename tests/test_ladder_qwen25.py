"""The Qwen2.5 post-training ladder (Qwen2.5 Technical Report, arXiv:2412.15115v2, Tables 2-10).

Golden cells are the numbers as printed in v2 (read in two text conversions that agree cell for cell);
the counts are the Qwen2.5 dense columns of each table, less the rows not imported (the four Multi-*
aggregates of Tables 2-5 and MT-bench, a 0-10 scale, of Tables 6-8).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data"
SOURCE = "qwen2024-qwen2.5-report"


def _rows(table: str) -> list[dict[str, str]]:
    with open(DATA / f"{table}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


SCORES = [r for r in _rows("benchmark_scores") if r["source_id"] == SOURCE]
BY_LOCATOR = {r["locator"]: r for r in SCORES}
MODELS = {r["model_id"]: r for r in _rows("models")}

# (table, row as printed, column as printed, value as printed, model_id, benchmark_id)
CELLS = [
    (2, "MMLU", "Qwen2.5-72B", "86.1", "qwen2.5-72b", "mmlu"),
    (2, "MMLU-Pro", "Qwen2.5-72B", "58.1", "qwen2.5-72b", "mmlu-pro"),
    (2, "MMLU-redux", "Qwen2.5-72B", "83.9", "qwen2.5-72b", "mmlu-redux"),
    (2, "WindoGrande", "Qwen2.5-72B", "83.9", "qwen2.5-72b", "winogrande"),
    (2, "MBPP+", "Qwen2.5-72B", "69.2", "qwen2.5-72b", "mbpp-plus"),
    (3, "BBH", "Qwen2.5-14B", "78.2", "qwen2.5-14b", "bbh"),
    (3, "MATH", "Qwen2.5-32B", "57.7", "qwen2.5-32b", "math"),
    (3, "MBPP", "Qwen2.5-32B", "84.5", "qwen2.5-32b", "mbpp"),
    (3, "GPQA", "Qwen2.5-14B", "32.8", "qwen2.5-14b", "gpqa-subset-not-stated"),
    (4, "MMLU", "Qwen2.5-7B", "74.2", "qwen2.5-7b", "mmlu"),
    (4, "HumanEval", "Qwen2.5-7B", "57.9", "qwen2.5-7b", "humaneval"),
    (4, "TheoremQA", "Qwen2.5-7B", "36.0", "qwen2.5-7b", "theoremqa"),
    (5, "MMLU", "Qwen2.5-0.5B", "47.5", "qwen2.5-0.5b", "mmlu"),
    (5, "MATH", "Qwen2.5-0.5B", "19.5", "qwen2.5-0.5b", "math"),
    (5, "HumanEval+", "Qwen2.5-0.5B", "26.8", "qwen2.5-0.5b", "humaneval-plus"),
    (5, "GSM8K", "Qwen2.5-1.5B", "68.5", "qwen2.5-1.5b", "gsm8k"),
    (5, "MMLU-STEM", "Qwen2.5-3B", "62.5", "qwen2.5-3b", "mmlu-stem"),
    (6, "MATH", "Qwen2.5-72B", "83.1", "qwen2.5-72b-instruct", "math"),
    (6, "LiveCodeBench", "Qwen2.5-72B", "55.5", "qwen2.5-72b-instruct", "livecodebench-2023-05-to-2024-09"),
    (6, "Arena-Hard", "Qwen2.5-72B", "81.2", "qwen2.5-72b-instruct", "arenahard"),
    (7, "MMLU-Pro", "Qwen2.5-14B", "63.7", "qwen2.5-14b-instruct", "mmlu-pro"),
    (7, "HumanEval", "Qwen2.5-32B", "88.4", "qwen2.5-32b-instruct", "humaneval"),
    (8, "MATH", "Qwen2.5-7B", "75.5", "qwen2.5-7b-instruct", "math"),
    (8, "IFEval", "Qwen2.5-7B", "71.2", "qwen2.5-7b-instruct", "ifeval"),
    (9, "MultiPL-E", "Qwen2.5-3B", "60.2", "qwen2.5-3b-instruct", "multipl-e-8-languages"),
    (10, "LiveBench", "Qwen2.5-0.5B", "12.6", "qwen2.5-0.5b-instruct", "livebench-2024-08-31"),
    (10, "GPQA", "Qwen2.5-1.5B", "29.8", "qwen2.5-1.5b-instruct", "gpqa-subset-not-stated"),
]


@pytest.mark.parametrize("table,row,column,value,model_id,benchmark_id", CELLS)
def test_cell_as_printed(table, row, column, value, model_id, benchmark_id):
    r = BY_LOCATOR[f"Table {table}, row {row}, column {column}"]
    assert r["score"] == value
    assert (r["model_id"], r["benchmark_id"]) == (model_id, benchmark_id)


# Qwen2.5 dense columns per table x rows imported (18 of 22 base rows; 12 of 13 rows in Tables 6-8; all 11 in 9-10)
COUNTS = {2: 18, 3: 36, 4: 18, 5: 54, 6: 12, 7: 24, 8: 12, 9: 11, 10: 22}


def test_cells_per_table():
    counts: dict[int, int] = {}
    for r in SCORES:
        t = int(r["locator"].split(",")[0].removeprefix("Table "))
        counts[t] = counts.get(t, 0) + 1
    assert counts == COUNTS


def test_no_moe_or_other_vendor_columns():
    columns = {r["locator"].rsplit("column ", 1)[1] for r in SCORES}
    assert columns <= {f"Qwen2.5-{s}" for s in ("0.5B", "1.5B", "3B", "7B", "14B", "32B", "72B")}
    assert not [m for m in MODELS if m.startswith("qwen2.5") and ("turbo" in m or "plus" in m)]


def test_ladder_structure():
    sizes = ("0.5b", "1.5b", "3b", "7b", "14b", "32b", "72b")
    preferred = {}
    for r in _rows("compute_estimates"):
        if r["preferred"] == "true":
            preferred.setdefault(r["model_id"], []).append(r)
    for s in sizes:
        base, inst = MODELS[f"qwen2.5-{s}"], MODELS[f"qwen2.5-{s}-instruct"]
        assert (base["family"], base["enhanced"]) == ("qwen2.5", "false")
        assert (inst["family"], inst["enhanced"], inst["base_model_id"]) == ("qwen2.5-instruct", "true", f"qwen2.5-{s}")
        assert inst["source_id"] == SOURCE
        (b,), (i,) = preferred[base["model_id"]], preferred[inst["model_id"]]
        assert i["method"] == "base-model" and float(i["training_compute_flop"]) == float(b["training_compute_flop"])
    for r in SCORES:
        enhanced = MODELS[r["model_id"]]["enhanced"] == "true"
        assert r["enhancement_id"] == ("chat-tuning" if enhanced else "")
        assert r["setting_id"] == ("qwen25-instruct" if enhanced else r["setting_id"]) and r["setting_id"].startswith("qwen25-")


def test_comparisons_base_to_instruct():
    rows = [r for r in _rows("comparisons") if r["comparison_id"].startswith("chat-tuning.qwen2.5.")]
    assert {r["benchmark_id"] for r in rows} == {"mmlu-pro", "mmlu-redux", "gpqa-subset-not-stated", "math", "gsm8k",
                                                 "humaneval", "mbpp", "multipl-e-8-languages"}
    for r in rows:
        assert (r["baseline_family"], r["enhanced_family"], r["method"]) == ("qwen2.5", "qwen2.5-instruct", "interpolate")
        assert r["baseline_source_id"] == r["enhanced_source_id"] == SOURCE
        assert "Settings differ" in r["notes"]
    estimates = [r for r in _rows("ceg_estimates") if r["comparison_id"].startswith("chat-tuning.qwen2.5.")]
    assert len(estimates) == 8 * 7
