"""Epoch AI's hub ``_external`` files (snapshot data/raw/epoch-benchmarks): scores the hub collected from
other sources, imported as second-hand rows of benchmark_scores.

Golden cells are read from the snapshot's files as printed there (file, row id, score column, value);
each must be found in data/benchmark_scores.csv through its locator with the value times 100.
"""

from __future__ import annotations

import csv

import pytest

from conftest import REPO

RAW = REPO / "data" / "raw" / "epoch-benchmarks"
SOURCE = "epoch2026-benchmarking-hub"

#: (file, row id, column, value as printed, model id, setting id)
GOLDEN = [
    ("mmlu_external.csv", "recShUHfQj3yvMmET", "EM", "0.688", "meta-llama-3-8b-instruct", "epoch-hub-external-5-shot"),
    ("mmlu_external.csv", "recGm5EDNDIETSYi6", "EM", "0.632", "yi-6b", "epoch-hub-external-5-shot"),
    ("gsm8k_external.csv", "rec7vTJoXibWJVN3I", "EM", "0.245", "baichuan-2-7b-base", "epoch-hub-external-4-shot"),
    ("gsm8k_external.csv", "recMypFW0m9QPk4fN", "EM", "0.356", "llama-30b", "epoch-hub-external-shots-not-stated"),
    ("bbh_external.csv", "recQSNSyrXQd8UgOd", "Average", "0.594", "phi-2", "epoch-hub-external-3-shot"),
    ("bbh_external.csv", "recGLYH2QJ3KDou88", "Average", "0.37", "internlm-7b", "epoch-hub-external-3-shot"),
    ("hella_swag_external.csv", "recMJYP7H2VFfBaU5", "Overall accuracy", "0.767", "phi-3-mini-4k-instruct",
     "epoch-hub-external-5-shot"),
    ("hella_swag_external.csv", "recw7hL34oyte0hO4", "Overall accuracy", "0.789", "text-davinci-001",
     "epoch-hub-external-0-shot"),
    ("arc_ai2_external.csv", "recnxE0Ob3qfuAUIo", "Challenge score", "0.532", "gemma-7b", "epoch-hub-external-0-shot"),
    ("arc_ai2_external.csv", "recr4wf65U2XCfXQt", "Challenge score", "0.649", "palm-2-m", "epoch-hub-external-1-shot"),
    ("wino_grande_external.csv", "recHcfsJvgD1v3Za1", "Accuracy", "0.713", "yi-6b", "epoch-hub-external-5-shot"),
    ("wino_grande_external.csv", "rec55d9FyJAq5fQhK", "Accuracy", "0.837", "palm-540b", "epoch-hub-external-1-shot"),
    ("piqa_external.csv", "recyNe5nwU6obKot5", "Score", "0.823", "palm-540b", "epoch-hub-external-shots-not-stated"),
    ("piqa_external.csv", "recrLJI80qifq9QOn", "Score", "0.847", "deepseek-v3-base", "epoch-hub-external-0-shot"),
    ("trivia_qa_external.csv", "recpBHyQn5yoic5UD", "EM", "0.651", "llama-30b", "epoch-hub-external-0-shot"),
    ("trivia_qa_external.csv", "recSAMMSyXiWsKmQM", "EM", "0.526", "falcon-7b", "epoch-hub-external-0-shot"),
    ("bool_q_external.csv", "recAvnz7EM41lTjc4", "Score", "0.704", "bloom", "epoch-hub-external-5-shot"),
    ("bool_q_external.csv", "rec4qGZsK5ZSaigQY", "Score", "0.761", "t5-11b", "epoch-hub-external-shots-not-stated"),
    ("lambada_external.csv", "recLdEoATQGGlAACE", "Score", "0.718", "internlm-20b", "epoch-hub-external-shots-not-stated"),
    ("lambada_external.csv", "rec7doikBryvY92fX", "Score", "0.67", "internlm-7b", "epoch-hub-external-shots-not-stated"),
    ("open_book_qa_external.csv", "recGJPRGYdYCQ5VHo", "Accuracy", "0.832", "phi-3-mini-4k-instruct",
     "epoch-hub-external-10-shot"),
    ("open_book_qa_external.csv", "recpUSIUFvbjMUSDA", "Accuracy", "0.798", "mistral-7b-v0.1",
     "epoch-hub-external-10-shot"),
]
#: file -> (benchmark, score column, rows in the file, rows imported: a Model version and a score)
COUNTS = {
    "mmlu_external.csv": ("mmlu", "EM", 247, 215),
    "gsm8k_external.csv": ("gsm8k", "EM", 235, 170),
    "bbh_external.csv": ("bbh", "Average", 90, 86),
    "hella_swag_external.csv": ("hellaswag", "Overall accuracy", 135, 113),
    "arc_ai2_external.csv": ("arc-challenge", "Challenge score", 145, 134),
    "wino_grande_external.csv": ("winogrande", "Accuracy", 145, 137),
    "piqa_external.csv": ("piqa", "Score", 140, 113),
    "trivia_qa_external.csv": ("triviaqa", "EM", 115, 115),
    "bool_q_external.csv": ("boolq", "Score", 206, 136),
    "lambada_external.csv": ("lambada", "Score", 80, 53),
    "open_book_qa_external.csv": ("openbookqa", "Accuracy", 73, 72),
}


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def external():
    """The package's scores read from the _external files, by file."""
    out: dict = {}
    for row in _read(REPO / "data" / "benchmark_scores.csv"):
        name = row["locator"].split(",")[0]
        if row["source_id"] == SOURCE and name.endswith("_external.csv"):
            out.setdefault(name, []).append(row)
    return out


def _cell(rows, row_id, column):
    found = [r for r in rows if r["locator"].startswith(f"{r['locator'].split(',')[0]}, row id {row_id} (")
             and r["locator"].endswith(f", column {column}")]
    assert len(found) == 1, (row_id, column, len(found))
    return found[0]


@pytest.mark.parametrize("name, row_id, column, value, model_id, setting_id", GOLDEN)
def test_golden_cell(external, name, row_id, column, value, model_id, setting_id):
    raw = {r["id"]: r for r in _read(RAW / name)}[row_id]
    assert raw[column] == value  # the cell as printed in the hub's file
    row = _cell(external[name], row_id, column)
    assert float(row["score"]) == pytest.approx(100 * float(value), abs=1e-9)
    assert row["model_id"] == model_id
    assert row["setting_id"] == setting_id
    assert row["benchmark_id"] == COUNTS[name][0]
    assert row["second_hand"] == "true"
    assert raw["Source"].strip() in row["notes"]
    if raw["Source link"].strip():
        assert raw["Source link"].strip() in row["notes"]


def test_golden_cells_spread_over_files():
    assert len(GOLDEN) >= 10 and {g[0] for g in GOLDEN} == set(COUNTS)


@pytest.mark.parametrize("name", sorted(COUNTS))
def test_counts_per_file(external, name):
    benchmark, column, total, imported = COUNTS[name]
    raw = _read(RAW / name)
    assert len(raw) == total
    kept = [r for r in raw if r["Model version"].strip() and r[column].strip()]
    assert len(kept) == imported
    assert len(external[name]) == imported
    assert {r["benchmark_id"] for r in external[name]} == {benchmark}
    # every kept row is found through its locator, once
    assert sorted(r["locator"].split(" row id ")[1].split(" ")[0] for r in external[name]) == \
        sorted(r["id"] for r in kept)


def test_every_external_score_is_second_hand_and_names_its_source(external):
    rows = [r for rows in external.values() for r in rows]
    assert len(rows) == sum(c[3] for c in COUNTS.values())
    assert all(r["second_hand"] == "true" for r in rows)
    assert all(r["notes"].startswith("Second-hand: the hub gives its source as ") for r in rows)
    assert all(r["setting_id"].startswith("epoch-hub-external-") for r in rows)


def test_scale_fractions_times_100(external):
    """Every _external file gives fractions (0-1); the package stores percent."""
    for name, (benchmark, column, _total, _imported) in COUNTS.items():
        raw = {r["id"]: r for r in _read(RAW / name)}
        values = [float(r[column]) for r in raw.values() if r[column].strip()]
        assert max(values) <= 1 and min(values) >= 0, name
        for row in external[name]:
            row_id = row["locator"].split(" row id ")[1].split(" ")[0]
            assert float(row["score"]) == pytest.approx(100 * float(raw[row_id][column]), abs=1e-9)
    benchmarks = {r["benchmark_id"]: r for r in _read(REPO / "data" / "benchmarks.csv")}
    for benchmark, *_ in COUNTS.values():
        assert benchmarks[benchmark]["scale"] == "percent"
        assert benchmarks[benchmark]["max_score"] == "100"


def test_snapshot_files_are_whole_copies():
    import json
    manifest = json.loads((RAW / "snapshot.json").read_text(encoding="utf-8"))
    for name in COUNTS:
        entry = manifest["files"][name]
        assert entry["origin_path"] == f"epoch_benchmark_data/{name}" and entry["subset_of_sha256"] is None


def test_enhanced_models_carry_a_training_enhancement(external):
    """An enhanced model's _external score names how it was trained, never a prompting technique."""
    models = {r["model_id"]: r for r in _read(REPO / "data" / "models.csv")}
    kinds = {r["enhancement_id"]: r["category"] for r in _read(REPO / "data" / "enhancements.csv")}
    for rows in external.values():
        for r in rows:
            if models[r["model_id"]]["enhanced"] == "true":
                assert r["enhancement_id"] and kinds[r["enhancement_id"]] == "data", r["score_id"]
            else:
                assert not r["enhancement_id"], r["score_id"]
