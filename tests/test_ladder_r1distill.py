"""DeepSeek-R1's distilled students (arXiv:2501.12948v1, Tables 5 and 6), checked against hand-read values.

Every golden number below was typed from the authors' PDF (DeepSeek_R1.pdf at commit e06298d9 of
deepseek-ai/DeepSeek-R1, the copy the source deepseek2025-r1 names), not from data/.
"""

from __future__ import annotations

import pytest

from conftest import table

SOURCE = "deepseek2025-r1"

#: (table, row as printed, column as printed, value as printed)
CELLS = [
    ("Table 5", "DeepSeek-R1-Distill-Qwen-1.5B", "AIME 2024 pass@1", 28.9),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-1.5B", "LiveCodeBench pass@1", 16.9),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-7B", "AIME 2024 cons@64", 83.3),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-7B", "MATH-500 pass@1", 92.8),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-14B", "AIME 2024 cons@64", 80.0),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-14B", "GPQA Diamond pass@1", 59.1),
    ("Table 5", "DeepSeek-R1-Distill-Qwen-32B", "AIME 2024 pass@1", 72.6),
    ("Table 5", "DeepSeek-R1-Distill-Llama-8B", "GPQA Diamond pass@1", 49.0),
    ("Table 5", "DeepSeek-R1-Distill-Llama-8B", "MATH-500 pass@1", 89.1),
    ("Table 5", "DeepSeek-R1-Distill-Llama-70B", "AIME 2024 cons@64", 86.7),
    ("Table 5", "DeepSeek-R1-Distill-Llama-70B", "LiveCodeBench pass@1", 57.5),
    ("Table 6", "QwQ-32B-Preview", "AIME 2024 pass@1", 50.0),
    ("Table 6", "QwQ-32B-Preview", "GPQA Diamond pass@1", 54.5),
    ("Table 6", "DeepSeek-R1-Zero-Qwen-32B", "AIME 2024 pass@1", 47.0),
    ("Table 6", "DeepSeek-R1-Zero-Qwen-32B", "AIME 2024 cons@64", 60.0),
    ("Table 6", "DeepSeek-R1-Zero-Qwen-32B", "MATH-500 pass@1", 91.6),
    ("Table 6", "DeepSeek-R1-Zero-Qwen-32B", "LiveCodeBench pass@1", 40.2),
    ("Table 6", "DeepSeek-R1-Distill-Qwen-32B", "GPQA Diamond pass@1", 62.1),
    ("Table 6", "DeepSeek-R1-Distill-Qwen-32B", "LiveCodeBench pass@1", 57.2),
]


def _ours():
    s = table("benchmark_scores")
    return s[s.source_id == SOURCE]


@pytest.mark.parametrize("tab, row, column, value", CELLS)
def test_cell(tab, row, column, value):
    s = _ours()
    hit = s[s.locator.str.contains(f"{tab}, row {row}, column {column}", regex=False)
            | s.locator.str.contains(f"row {row}, column {column}; {tab} prints the same value", regex=False)]
    assert len(hit) == 1, (tab, row, column)
    assert hit.iloc[0].score == pytest.approx(value, abs=1e-9)
    assert hit.iloc[0].model_id == row.lower()


def test_counts():
    """Table 5: 6 students x 5 percent columns (the Codeforces rating column is not a percent score and is
    left out; the comparison rows GPT-4o, Claude, o1-mini are not entered). Table 6: 3 x 5 cells, of which
    DeepSeek-R1-Distill-Qwen-32B's repeat Table 5 and share its rows; QwQ-32B-Preview's rows cite Table 6."""
    s = _ours()
    students = s[s.model_id.str.startswith("deepseek-r1-distill-")]
    assert (students.locator.str.startswith("Table 5, row ")).sum() == 30
    assert len(students) == 30
    t6 = s[s.locator.str.startswith("Table 6, row ") | s.locator.str.contains("; Table 6 prints", regex=False)]
    assert len(t6) == 15
    assert set(s[s.setting_id == "r1-eval-cons64"].benchmark_id) == {"aime-2024"}
    assert (s.setting_id == "r1-eval-cons64").sum() == 11  # 6 students, R1-Zero, QwQ, 3 Table 5 baselines


#: Table 5's comparison rows (their pass@1 cells repeat Table 4; GPT-4o's three Table 4 rows are not repeated)
BASELINE_CELLS = [
    ("GPT-4o-0513", "gpt-4o", "AIME 2024 cons@64", 13.4),
    ("GPT-4o-0513", "gpt-4o", "LiveCodeBench pass@1", 32.9),
    ("Claude-3.5-Sonnet-1022", "claude-3-5-sonnet-20241022", "AIME 2024 cons@64", 26.7),
    ("Claude-3.5-Sonnet-1022", "claude-3-5-sonnet-20241022", "GPQA Diamond pass@1", 65.0),
    ("OpenAI-o1-mini", "o1-mini-2024-09-12", "AIME 2024 pass@1", 63.6),
    ("OpenAI-o1-mini", "o1-mini-2024-09-12", "AIME 2024 cons@64", 80.0),
]


@pytest.mark.parametrize("row, model, column, value", BASELINE_CELLS)
def test_table5_baseline_cell(row, model, column, value):
    s = _ours()
    hit = s[s.locator.str.startswith(f"Table 5, row {row}, column {column}")]
    assert len(hit) == 1
    assert hit.iloc[0].score == pytest.approx(value, abs=1e-9)
    assert hit.iloc[0].model_id == model


def test_table5_baseline_counts():
    """4 comparison rows x 5 cells = 20, less GPT-4o's 3 cells already entered from Table 4 (same values)
    and QwQ-32B-Preview's 5, which cite Table 6."""
    s = _ours()
    rows = s[s.locator.str.startswith("Table 5, row ") & ~s.model_id.str.startswith("deepseek-r1-distill-")]
    assert len(rows) == 12
    gpt4o = s[(s.model_id == "gpt-4o") & s.benchmark_id.isin(["aime-2024", "math-500", "gpqa-diamond"])
              & (s.setting_id == "r1-eval-sampled")]
    assert sorted(gpt4o.score) == [9.3, 49.9, 74.6]


STUDENTS = {
    "deepseek-r1-distill-qwen-1.5b": ("qwen2.5-math-1.5b", "deepseek-r1-distill-qwen-math"),
    "deepseek-r1-distill-qwen-7b": ("qwen2.5-math-7b", "deepseek-r1-distill-qwen-math"),
    "deepseek-r1-distill-qwen-14b": ("qwen2.5-14b", "deepseek-r1-distill-qwen"),
    "deepseek-r1-distill-qwen-32b": ("qwen2.5-32b", "deepseek-r1-distill-qwen"),
    "deepseek-r1-distill-llama-8b": ("meta-llama-3.1-8b", "deepseek-r1-distill-llama-3.1"),
    "deepseek-r1-distill-llama-70b": ("llama-3.3-70b-instruct", "deepseek-r1-distill-llama-3.3"),
}


def test_students_bases_families_and_compute():
    m = table("models").set_index("model_id")
    c = table("compute_estimates")
    pref = c[c.preferred == True].set_index("model_id")  # noqa: E712
    for model, (base, family) in STUDENTS.items():
        assert m.loc[model, "base_model_id"] == base
        assert m.loc[model, "family"] == family
        assert m.loc[model, "source_id"] == SOURCE
        assert bool(m.loc[model, "enhanced"])
        assert pref.loc[model, "method"] == "base-model"
        assert pref.loc[model, "training_compute_flop"] == pref.loc[base, "training_compute_flop"]
        assert "teacher's (DeepSeek-R1's) compute is NOT counted" in pref.loc[model, "notes"]
    # one family never mixes students of different bases
    fams = {}
    for model, (base, family) in STUDENTS.items():
        fams.setdefault(family, set()).add(m.loc[base, "family"])
    assert all(len(v) == 1 for v in fams.values())


def test_hub_names_are_aliases():
    from ceg_calc.ingest.epoch_hub import ALIASES
    assert ALIASES["DeepSeek-R1-Distill-Llama-70B"] == "deepseek-r1-distill-llama-70b"
    assert ALIASES["DeepSeek-R1-Distill-Qwen-14B"] == "deepseek-r1-distill-qwen-14b"


def test_math500_lower_bound_on_qwen25_ladder():
    d = table("ceg_estimates")
    row = d[(d.comparison_id == "reasoning-training.r1-distill-qwen.math-500.bound")
            & (d.enhanced_model_id == "deepseek-r1-distill-qwen-14b")]
    assert len(row) == 1
    # above every Qwen2.5 base: at least the 32B base's compute over the 14B's (3.51e24 / 1.588e24)
    assert row.iloc[0].ceg == pytest.approx(3.51e24 / 1.588e24, rel=1e-4)
