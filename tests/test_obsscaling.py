"""The ObsScaling import: any cell of the snapshot can be found again through its locator."""

from __future__ import annotations

import csv
import random
import re

import pandas as pd
import pytest

from conftest import REPO

from ceg_calc.ingest import obsscaling as import_obsscaling
from ceg_calc.ingest import obsscaling_rows

RAW = REPO / "data" / "raw" / "obsscaling"
URL = "https://github.com/ryoungj/ObsScaling/blob/4d6e1e43fd2635d04654aa77d1df9d5266ea0382/eval_results/"
LOCATOR = re.compile(r'^(?P<url>\S+/eval_results/(?P<file>[\w.]+)); row Model "(?P<model>[^"]+)"; '
                     r'column "(?P<column>[^"]+)"$')
STANDARD = {"MMLU", "ARC-C", "HellaSwag", "Winograd", "Winogrande", "TruthfulQA", "GSM8K", "XWinograd", "HumanEval"}


def cells(name: str) -> list[dict]:
    with open(RAW / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def scored(column: str) -> bool:
    """A column the import reads scores from (flexible extraction, no chance-normalised or overall)."""
    if column in STANDARD:
        return True
    return column.endswith("flexible-extract") and "overall" not in column and (
        column.startswith("gsm8k_") or column.startswith("bbh_"))


@pytest.fixture(scope="module")
def scores() -> pd.DataFrame:
    frame = pd.read_csv(REPO / "data" / "benchmark_scores.csv", keep_default_na=False, na_values=[""])
    return frame.set_index("locator", drop=False)


def find(scores: pd.DataFrame, file: str, model: str, column: str) -> float:
    rows = scores.loc[[f'{URL}{file}; row Model "{model}"; column "{column}"']]
    assert len(rows) == 1
    return float(rows["score"].iloc[0])


def random_cells(seed: int, k: int) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    pool = [(name, row["Model"], column)
            for name in ("base_llm_benchmark_eval.csv", "base_llm_post_training_eval.csv",
                         "instruct_llm_benchmark_eval.csv")
            for row in cells(name) for column, text in row.items() if scored(column) and text.strip()]
    return rng.sample(sorted(pool), k)


FIXED = [
    ("base_llm_benchmark_eval.csv", "meta-llama/Llama-2-7b-hf", "MMLU"),
    ("base_llm_benchmark_eval.csv", "EleutherAI/pythia-70m-deduped", "HumanEval"),
    ("base_llm_post_training_eval.csv", "Qwen/Qwen1.5-72B", "gsm8k_cot_8_exact_match,flexible-extract"),
    ("base_llm_post_training_eval.csv", "meta-llama/Llama-2-13b-hf",
     "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract"),
    ("base_llm_post_training_eval.csv", "facebook/opt-66b", "bbh_cot_fewshot_snarks_3_exact_match,flexible-extract"),
    ("instruct_llm_benchmark_eval.csv", "llama-2-70b-chat", "Winogrande"),
    ("instruct_llm_benchmark_eval.csv", "gpt-4-0613", "GSM8K"),
]


@pytest.mark.parametrize("file,model,column", FIXED + random_cells(seed=13, k=20))
def test_cell_found_through_its_locator(scores, file, model, column):
    value = next(float(r[column]) for r in cells(file) if r["Model"] == model)
    assert find(scores, file, model, column) == pytest.approx(100 * value, abs=1e-6)


def test_every_obsscaling_locator_names_a_cell_with_the_same_value(scores):
    ours = scores[scores["source_id"] == "ruan2024-obsscaling-data"]
    assert len(ours) > 5000
    tables = {name: {r["Model"]: r for r in cells(name)} for name in {m for m in ours["locator"].str.extract(
        r"eval_results/([\w.]+);")[0]}}
    for locator, score in zip(ours["locator"], ours["score"]):
        match = LOCATOR.match(locator)
        assert match and match["url"].startswith(URL), locator
        assert float(tables[match["file"]][match["model"]][match["column"]]) * 100 == pytest.approx(score, abs=1e-6)


def test_strict_and_norm_columns_are_not_used(scores):
    columns = scores["locator"].str.extract(r'column "([^"]+)"$')[0].dropna()
    assert not columns.str.contains("strict-match").any()
    assert not columns.str.endswith(",norm").any()


def test_six_n_d_is_six_times_parameters_times_tokens():
    compute = pd.read_csv(REPO / "data" / "compute_estimates.csv").set_index("estimate_id")
    assert compute.loc["llama-2-7b.six-n-d", "training_compute_flop"] == pytest.approx(6 * 7e9 * 2e12)
    assert compute.loc["llama-65b.six-n-d", "training_compute_flop"] == pytest.approx(6 * 65.2e9 * 1.4e12)
    assert compute.loc["llama-2-7b-chat.base-model", "training_compute_flop"] == pytest.approx(8.4e22)
    # Epoch's estimate is kept beside it, not preferred in a 6ND family
    assert not compute.loc["llama-2-70b.epoch", "preferred"] and compute.loc["llama-2-70b.six-n-d", "preferred"]


def test_one_compute_method_per_obsscaling_family():
    models = pd.read_csv(REPO / "data" / "models.csv")
    compute = pd.read_csv(REPO / "data" / "compute_estimates.csv")
    ours = models[(models["source_id"] == "ruan2024-obsscaling-data") & ~models["enhanced"]]
    preferred = compute[compute["preferred"]].merge(ours[["model_id", "family"]], on="model_id")
    kind = preferred["source_id"].where(preferred["method"] != "six-n-d", "six-n-d")
    assert (kind.groupby(preferred["family"]).nunique() == 1).all()


def test_enough_ladders():
    models = pd.read_csv(REPO / "data" / "models.csv")
    compute = pd.read_csv(REPO / "data" / "compute_estimates.csv")
    scored_ids = set(pd.read_csv(REPO / "data" / "benchmark_scores.csv", usecols=["model_id"])["model_id"])
    ladder = models[models["model_id"].isin(set(compute.loc[compute["preferred"], "model_id"]) & scored_ids)
                    & ~models["enhanced"]]
    assert (ladder.groupby("family")["model_id"].nunique() >= 3).sum() >= 15


@pytest.fixture(scope="module")
def frames():
    return import_obsscaling.load(REPO)


@pytest.mark.parametrize("file, row, column, value, where", [
    # GSM8K values move in steps of 1/500; leaderboard Winogrande in steps of 1/1267
    ("base_llm_post_training_eval.csv", 3, "gsm8k_cot_8_exact_match,flexible-extract", "0.1234",
     r"base_llm_post_training_eval.csv:5: gsm8k_cot_8"),
    ("base_llm_benchmark_eval.csv", 0, "Winograd", "0.7403", r"base_llm_benchmark_eval.csv:2: Winograd"),
])
def test_a_value_off_its_question_grid_stops_the_import(frames, file, row, column, value, where):
    bad = dict(frames)
    bad[file] = frames[file].copy()
    bad[file].loc[row, column] = value
    with pytest.raises(obsscaling_rows.ImportProblem, match=where):
        obsscaling_rows.benchmark_rows(bad)


def test_a_text_score_stops_the_import_naming_file_line_and_column(frames):
    bad = dict(frames)
    bad["base_llm_benchmark_eval.csv"] = frames["base_llm_benchmark_eval.csv"].copy()
    bad["base_llm_benchmark_eval.csv"].loc[0, "MMLU"] = "n/a"
    meta = obsscaling_rows.catalogue(bad)
    with pytest.raises(obsscaling_rows.ImportProblem, match=r"base_llm_benchmark_eval.csv:2: MMLU: 'n/a'"):
        obsscaling_rows.score_rows(bad, meta)


def test_a_wrong_chance_level_is_caught_by_the_norm_columns(frames, monkeypatch):
    monkeypatch.setitem(obsscaling_rows.maps.BBH_CHANCE, "navigate", 1 / 3)
    meta = obsscaling_rows.catalogue(frames)
    with pytest.raises(obsscaling_rows.ImportProblem, match="bbh_fewshot_navigate"):
        obsscaling_rows.score_rows(frames, meta)


# Chat models whose base a model card or release post names (not their name): Vicuna, WizardLM 13B
# v1.2, Guanaco, Koala. Left out: wizardlm-30b-v1.0 (no source read names its base) and
# lemur-70b-chat-v1 (its base, Lemur-70B, is not a model of the snapshot).
CARD_NAMED = {"vicuna-7b-v1.5": "llama-2-7b", "vicuna-13b-v1.5": "llama-2-13b", "vicuna-13b-16k": "llama-2-13b",
              "vicuna-33b-v1.3": "llama-30b", "wizardlm-13b-v1.2": "llama-2-13b", "guanaco-33b": "llama-30b",
              "guanaco-65b": "llama-65b", "koala-13b": "llama-13b"}


@pytest.mark.parametrize("chat, base", sorted(CARD_NAMED.items()))
def test_a_newly_compared_chat_model_names_its_base_with_a_source_and_locator(chat, base):
    mapping = obsscaling_rows.maps.CHAT_BASES[chat]
    sources = pd.read_csv(REPO / "data" / "sources.csv", keep_default_na=False).set_index("source_id")
    assert mapping.base == base and mapping.source_id != obsscaling_rows.maps.DATA
    assert mapping.source_id in sources.index and sources.loc[mapping.source_id, "url"].startswith("https://")
    assert len(mapping.locator) > 20
    models = pd.read_csv(REPO / "data" / "models.csv").set_index("model_id")
    assert models.loc[chat, "base_model_id"] == base
    assert sources.loc[mapping.source_id, "url"] in models.loc[chat, "notes"]
    comparisons = pd.read_csv(REPO / "data" / "comparisons.csv")
    chat_tuning = comparisons[comparisons["enhancement_id"] == "chat-tuning"]
    family, base_family = models.loc[chat, "family"], models.loc[base, "family"]
    assert (chat_tuning.loc[chat_tuning["enhanced_family"] == family, "baseline_family"] == base_family).all()
    assert (chat_tuning["enhanced_family"] == family).sum() >= 5


def test_vicuna_is_split_by_base_family():
    comparisons = pd.read_csv(REPO / "data" / "comparisons.csv").set_index("comparison_id")
    assert comparisons.loc["obsscaling.chat-tuning.vicuna-on-llama-2.mmlu", "baseline_family"] == "llama-2"
    assert comparisons.loc["obsscaling.chat-tuning.vicuna-on-llama.mmlu", "baseline_family"] == "llama"
    assert not comparisons.index.str.startswith("obsscaling.chat-tuning.vicuna.").any()


def test_a_chat_model_off_its_bases_figures_takes_the_bases_compute():
    compute = pd.read_csv(REPO / "data" / "compute_estimates.csv").set_index("estimate_id")
    preferred = compute.loc["vicuna-33b-v1.3.base-model"]
    assert preferred["preferred"] and preferred["training_compute_flop"] == pytest.approx(6 * 32.5e9 * 1.4e12)
    listed = compute.loc["vicuna-33b-v1.3.base-model-as-listed"]  # the instruct row's 33B x 2.0T, kept
    assert not listed["preferred"] and listed["training_compute_flop"] == pytest.approx(6 * 33e9 * 2.0e12)


def test_a_card_named_base_whose_figures_differ_undeclared_stops_the_import(frames, monkeypatch):
    monkeypatch.delitem(obsscaling_rows.maps.CHAT_BASE_METADATA_DIFFER, "vicuna-33b-v1.3")
    with pytest.raises(obsscaling_rows.ImportProblem, match=r"instruct_llm_benchmark_eval.csv:\d+: .*vicuna-33b"):
        obsscaling_rows.catalogue(frames)
