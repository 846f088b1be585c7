"""The package's own content: values as the sources print them, the Epoch snapshot, reproductions of the literature."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from conftest import EPOCH_SNAPSHOT, REPO, score_row, table


def score(model, benchmark, setting, source):
    return float(score_row(model, benchmark, setting, source).score)


# Values as printed in the sources' tables (typed from them; the rows were entered from the same tables).
@pytest.mark.parametrize("model, benchmark, setting, source, expected", [
    ("palm-540b", "gsm8k", "few-shot-8-cot-greedy", "wei2022-cot", 56.9),
    ("lamda-137b", "gsm8k", "few-shot-8-cot-greedy", "wei2022-cot", 14.3),
    ("palm-540b", "gsm8k", "few-shot-cot-greedy", "wang2022-self-consistency", 56.5),
    ("alphacode-41b", "codecontests-test-10-of-100k", "sample-filter-cluster", "li2022-alphacode", 29.6),
    ("alphacode-1b", "codecontests-valid-10-of-1m", "sample-filter-ablation", "li2022-alphacode", 24.2),
    ("alphacode-1b", "codecontests-valid-10-of-1m", "sample-filter-cluster-ablation", "li2022-alphacode", 28.4),
    ("toolformer", "asdiv", "zero-shot-tools", "schick2023-toolformer", 40.4),
])
def test_scores_as_printed(model, benchmark, setting, source, expected):
    assert score(model, benchmark, setting, source) == expected


def test_conflicting_sources_are_both_kept():
    assert score("palm-540b", "gsm8k", "few-shot-8-cot-greedy", "wei2022-cot") == 56.9
    assert score("palm-540b", "gsm8k", "few-shot-cot-greedy", "wang2022-self-consistency") == 56.5
    assert score("lamda-137b", "gsm8k", "few-shot-8-cot-greedy", "wei2022-cot") == 14.3
    assert score("lamda-137b", "gsm8k", "few-shot-cot-greedy", "wang2022-self-consistency") == 17.1
    assert score("gpt-4", "humaneval", "code-lats", "zhou2023-lats") == 92.7
    assert score("gpt-4", "humaneval", "code-lats", "zhou2023-lats-v1") == 94.4
    # Minerva 540B, one sample, GSM8K: LLaMA's Table 7 and DeepSeekMath's Table 2 quote Minerva differently
    assert score("minerva-540b", "gsm8k", "minerva-eval-single", "touvron2023-llama") == 68.5
    assert score("minerva-540b", "gsm8k", "few-shot-cot-greedy", "shao2024-deepseekmath") == 58.8
    assert derived("minerva.gsm8k.deepseekmath", "minerva-540b").enhanced_score == 58.8
    costs, ledger = table("costs").set_index("cost_id"), table("compute_ledger").set_index("ledger_id")
    assert ledger.loc["text-davinci-002.ouyang-ppo", "raw_value"] == 60 and costs.loc["instructgpt.survey-fraction", "value"] == 0.3


@pytest.mark.parametrize("estimate_id, epoch_row, confidence", [
    ("palm-540b.epoch", "PaLM (540B)", "confident"),
    ("gpt-4.epoch", "GPT-4", "speculative"),
    ("qwen2.5-32b.epoch", "Qwen2.5-32B", "confident"),  # hand-added rows, typed from the same snapshot
    ("qwen2.5-7b.epoch", "Qwen2.5 Instruct (7B)", "likely"),
])
def test_compute_matches_epoch(estimate_id, epoch_row, confidence):
    epoch = pd.read_csv(EPOCH_SNAPSHOT).set_index("Model")
    c = table("compute_estimates").set_index("estimate_id")
    assert c.loc[estimate_id, "training_compute_flop"] == epoch.loc[epoch_row, "Training compute (FLOP)"]
    assert c.loc[estimate_id, "confidence"] == confidence


@pytest.mark.parametrize("step", ["epoch", "obsscaling", "epoch-hub"])
def test_import_is_current(step):
    """Each import, run again on its snapshot, would write the committed rows byte for byte
    (``ceg ingest all --check``, one step per test so that the steps share the test processes)."""
    from click.testing import CliRunner

    from ceg_calc.cli import cli
    from ceg_calc.ingest.steps import STEPS

    assert set(STEPS) == {"epoch", "obsscaling", "epoch-hub"}  # a new step joins the list above
    result = CliRunner().invoke(cli, ["ingest", step, "--check", "--path", str(REPO)])
    assert result.exit_code == 0, (result.output, result.exception)


def test_the_check_finds_an_imported_row_edited_by_hand_and_writes_nothing(tmp_path):
    from click.testing import CliRunner

    from ceg_calc.cli import cli

    shutil.copytree(REPO / "data", tmp_path / "data")
    shutil.copy(REPO / "datapackage.json", tmp_path)
    path = tmp_path / "data" / "compute_estimates.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith("palm-540b.epoch,"))
    lines[row] = lines[row].replace(",2.5272e+24,", ",2.5273e+24,", 1)  # the compute off in its 5th digit
    edited = "".join(lines)
    path.write_text(edited, encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "epoch", "--check", "--path", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "compute_estimates.csv" in result.output
    assert path.read_text(encoding="utf-8") == edited


def test_alphacode_sizes_from_the_model_table():
    models = table("models").set_index("model_id")  # AlphaCode paper, Table 3: 1.1B and 8.7B parameters
    assert models.loc["alphacode-1b", "parameters"] == 1.1e9 and models.loc["alphacode-9b", "parameters"] == 8.7e9
    assert models.loc["alphacode-1b", "locator"].startswith("Table 3")


def test_counts_and_coverage():
    assert len(table("benchmark_scores")) >= 300
    assert len(table("comparisons")) >= 40
    assert set(table("enhancements").category) == {"tool-use", "prompting", "scaffolding", "solution-choice", "data"}
    for name in ("benchmark_scores", "compute_estimates", "costs", "models", "published_estimates"):
        t = table(name)
        assert t.source_id.notna().all() and t.locator.notna().all(), name


def derived(comparison, model):
    d = table("ceg_estimates")
    return d[(d.comparison_id == comparison) & (d.enhanced_model_id == model)].iloc[0]


def test_instructgpt_lower_bound_above_100():
    row = derived("instructgpt.gpt-3.preference", "instructgpt-1.3b")
    assert row.status == "lower-bound" and row.ceg > 100
    assert row.ceg == pytest.approx(3.14e23 / 2.38e21, rel=1e-5)  # GPT-3 175B over GPT-3 XL (base)
    assert row.published_ceg == 100 and row.published_form == "lower-bound"


def test_lats_about_ten():
    row = derived("lats.gpt-3.5-vs-gpt-4.humaneval", "gpt-3.5-turbo")
    assert row.ceg == pytest.approx(2.1e25 / 2.578e24, rel=1e-5)  # 8.1, the survey: about 10
    assert 5 < row.ceg < 20 and row.evidence == "robust-bound"
    # the stated "about 10" names no benchmark: not paired, and the row says why
    assert math.isnan(row.published_ceg) and "lats-gundlach" in row.reason and "ambiguous" in row.reason


def test_chain_of_thought_gsm8k_palm():
    # CoT lifts PaLM 62B and 540B far above every standard-prompting score: beyond the limit,
    # the survey's lower bound (62B beats 540B without CoT: 2.5272e24 / 2.925e23) and no point;
    # PaLM 540B with CoT (56.9) beats PaLM 540B without (17.9): above the ladder, not a bound of 1
    big = derived("cot.palm.gsm8k", "palm-540b")
    assert big.status == "censored" and big.evidence == "censored-top" and math.isnan(big.ceg)
    assert big.equivalent_compute_flop == pytest.approx(2.5272e24, rel=1e-4) and "above the ladder" in big.reason
    mid = derived("cot.palm.gsm8k", "palm-62b")
    assert mid.evidence == "limited" and mid.ceg == pytest.approx(8.64, rel=1e-3)
    small = derived("cot.palm.gsm8k", "palm-8b")
    assert small.ceg < 1 and small.ceg_low < 1 < small.ceg_high  # CoT 4.1 against 4.9: within noise


def test_minerva_math_not_paired_with_the_survey_and_bounded():
    row = derived("minerva.math", "minerva-8b")
    assert math.isnan(row.published_ceg) and "survey-minerva-math" in row.reason  # "math benchmarks": ambiguous
    assert row.evidence == "limited"  # PaLM's MATH scores put C' 1.1 decades beyond PaLM 540B
    assert row.ceg == pytest.approx(2.5272e24 / 4.039e22, rel=1e-3)
    # PaLM 540B (Epoch: 2.5272e24 FLOP) over Minerva 8B's base PaLM 8B (6ND: 4.039e22 FLOP)
    assert derived("minerva.math.lower-bound", "minerva-8b").ceg == pytest.approx(2.5272e24 / 4.039e22, rel=1e-3)


def test_instructgpt_fraction_first_hand_with_second_hand_beside():
    row = derived("instructgpt.gpt-3.preference", "instructgpt-1.3b")
    # Ouyang et al. Sec. 5.1: (4.9 + 60) petaflop/s-days of SFT and PPO-ptx against 3,640 for GPT-3
    assert row.finetune_fraction == pytest.approx((4.9 + 60) / 3640, rel=1e-5)  # 1.8%
    assert row.finetune_fraction_second_hand == pytest.approx(0.003, rel=1e-9)  # the survey, via a note


# Hand-added rows, checked against the papers' printed values (golden values typed from the tables).
@pytest.mark.parametrize("model, benchmark, setting, source, expected", [
    # Huang et al. (2022), Table 3: PaLM 540B with and without LMSI
    ("palm-540b", "gsm8k", "lmsi-cot", "huang2022-self-improve", 56.5),
    ("palm-540b-lmsi", "gsm8k", "lmsi-cot", "huang2022-self-improve", 73.5),
    ("palm-540b-lmsi", "drop", "lmsi-self-consistency", "huang2022-self-improve", 83.0),
    ("palm-540b", "anli-a3", "lmsi-standard", "huang2022-self-improve", 55.8),
    # Table 7: distillation to smaller PaLM models (GSM8K, CoT)
    ("palm-8b", "gsm8k", "lmsi-cot", "huang2022-self-improve", 5.0),
    ("palm-62b-lmsi-distilled", "gsm8k", "lmsi-cot", "huang2022-self-improve", 57.4),
    # Mialon et al. (2023), GAIA Table 4
    ("gpt-4", "gaia-level-1", "gaia-zero-shot", "mialon2023-gaia", 9.1),
    ("gpt-4", "gaia-level-1", "gaia-autogpt", "mialon2023-gaia", 14.4),
    ("gpt-4", "gaia-level-2", "gaia-autogpt", "mialon2023-gaia", 0.4),
])
def test_hand_added_scores(model, benchmark, setting, source, expected):
    assert score(model, benchmark, setting, source) == expected


def test_every_surveyed_enhancement_has_evidence():
    evidence = set(table("benchmark_scores").enhancement_id.dropna()) | set(table("costs").enhancement_id) \
        | set(table("published_estimates").enhancement_id.dropna())
    surveyed = set(table("enhancements").query("surveyed").enhancement_id)
    assert surveyed - evidence == set()


def test_self_improvement_distillation_bounds():
    # Table 7: PaLM 8B distilled beats PaLM 62B (33.4 > 29.7), so CEG >= C(62B) / C(8B) = 2.925e23 / 4.039e22
    row = derived("self-improve-distilled.palm.gsm8k.bound", "palm-8b-lmsi-distilled")
    assert row.status == "lower-bound" and row.ceg == pytest.approx(2.925e23 / 4.039e22, rel=1e-3)
    # interpolated: 33.4 lies between 29.7 (62B) and 56.5 (540B), so C' is above C(62B) and the flag is off
    row = derived("self-improve-distilled.palm.gsm8k", "palm-8b-lmsi-distilled")
    assert not row.extrapolated and row.ceg > 2.925e23 / 4.039e22


@pytest.mark.parametrize("model, benchmark, setting, expected", [
    # SimpleRL-Zoo README, Main Results (Qwen Series Model)
    ("qwen2.5-7b", "math-500", "simplerl-eval-greedy", 64.6),
    ("qwen2.5-7b-simplerl-zoo", "math-500", "simplerl-eval-sampled", 78.2),
    ("qwen2.5-32b", "gsm8k", "simplerl-eval-greedy", 92.9),
    ("qwen2.5-14b-simplerl-zoo", "amc23", "simplerl-eval-sampled", 57.6),
])
def test_zero_rl_scores(model, benchmark, setting, expected):
    assert score(model, benchmark, setting, "zeng2025-simplerl-zoo") == expected


def test_qwen_sizes_without_an_epoch_row_use_six_n_d():
    # 6 x parameters (Qwen2.5 blog's model table) x 18e12 tokens, as Epoch computes the 7B, 32B and 72B
    c = table("compute_estimates").set_index("estimate_id")
    assert c.loc["qwen2.5-14b.six-n-d", "training_compute_flop"] == pytest.approx(6 * 14.7e9 * 18e12, rel=1e-3)
    assert c.loc["qwen2.5-0.5b.six-n-d", "training_compute_flop"] == pytest.approx(6 * 0.49e9 * 18e12, rel=1e-3)


def test_zero_rl_seven_b_beats_the_thirty_two_b_base():
    # MATH 500: 7B + RL 78.2 > 32B base 68.6, so CEG >= C(32B) / C(7B) = 3.51e24 / 8.2188e23
    row = derived("zero-rl.qwen2.5.math-500.bound", "qwen2.5-7b-simplerl-zoo")
    assert row.status == "lower-bound" and row.ceg == pytest.approx(3.51e24 / 8.2188e23, rel=1e-4)
