"""A synthetic, valid data package of any size, for benchmarks.

The descriptor and schemas are the real ones; the rows are generated so that every check
(types, enums, patterns, keys, cross-table rules) has work to do and passes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]


def _write(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n")


def _small_tables(n_models: int, n_benchmarks: int) -> dict:
    sources = pd.DataFrame({
        "source_id": ["synthetic"], "title": ["Synthetic rows"], "authors": ["Benchmark generator"],
        "year": [2024], "source_type": ["database"], "arxiv_id": [""], "doi": [""],
        "url": ["https://example.org/synthetic"], "licence": ["CC-BY-4.0"], "accessed": ["2024-01-01"],
        "read_from": [""], "notes": [""],
    })
    ids = [f"model-{i}" for i in range(n_models)]
    models = pd.DataFrame({
        "model_id": ids, "name": [f"Model {i}" for i in range(n_models)],
        "family": [f"family-{i % 10}" for i in range(n_models)], "organization": ["Lab"] * n_models,
        "release_date": ["2023-01-01"] * n_models, "release_date_precision": ["day"] * n_models,
        "parameters": [1e9 * (1 + i % 100) for i in range(n_models)], "base_model_id": [""] * n_models,
        "enhanced": ["false"] * n_models, "source_id": ["synthetic"] * n_models,
        "locator": ["row"] * n_models, "notes": [""] * n_models,
    })
    compute = pd.DataFrame({
        "estimate_id": [f"est-{i}" for i in range(n_models)], "model_id": ids,
        "training_compute_flop": [1e21 * (1 + i % 100) for i in range(n_models)],
        "training_compute_low_flop": [""] * n_models, "training_compute_high_flop": [""] * n_models,
        "confidence": ["likely"] * n_models, "method": ["database"] * n_models,
        "preferred": ["true"] * n_models, "source_id": ["synthetic"] * n_models,
        "locator": ["row"] * n_models, "notes": [""] * n_models,
    })
    benchmarks = pd.DataFrame({
        "benchmark_id": [f"bench-{i}" for i in range(n_benchmarks)],
        "name": [f"Bench {i}" for i in range(n_benchmarks)], "domain": ["math"] * n_benchmarks,
        "metric": ["accuracy"] * n_benchmarks, "scale": ["percent"] * n_benchmarks,
        "higher_is_better": ["true"] * n_benchmarks, "min_score": [0] * n_benchmarks,
        "max_score": [100] * n_benchmarks, "chance_score": [0] * n_benchmarks,
        "n_items": [1000] * n_benchmarks, "source_id": ["synthetic"] * n_benchmarks,
        "locator": ["row"] * n_benchmarks, "notes": [""] * n_benchmarks,
    })
    settings = pd.DataFrame({
        "setting_id": ["few-shot", "few-shot-cot"], "description": ["Few-shot", "Few-shot CoT"],
        "prompting": ["few-shot", "few-shot-cot"], "shots": [8, 8], "decoding": ["greedy", "greedy"],
        "samples": [1, 1], "tools": ["none", "none"], "scaffold": ["none", "none"], "notes": ["", ""],
    })
    enhancements = pd.DataFrame({
        "enhancement_id": ["chain-of-thought"], "name": ["Chain of thought"], "category": ["prompting"],
        "needs_finetuning": ["false"], "surveyed": ["true"], "description": ["Worked reasoning in the prompt."],
        "source_id": ["synthetic"], "locator": ["row"], "notes": [""],
    })
    return {"sources": sources, "models": models, "compute_estimates": compute, "benchmarks": benchmarks,
            "settings": settings, "enhancements": enhancements}


def synthetic_scores(n_scores: int, n_models: int, n_benchmarks: int, seed: int = 0) -> pd.DataFrame:
    """``n_scores`` valid score rows over the synthetic models and benchmarks."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n_scores)
    cot = idx % 2 == 1
    return pd.DataFrame({
        "score_id": np.char.add("score-", idx.astype(str)),
        "model_id": np.char.add("model-", (idx % n_models).astype(str)),
        "benchmark_id": np.char.add("bench-", (idx % n_benchmarks).astype(str)),
        "setting_id": np.where(cot, "few-shot-cot", "few-shot"),
        "enhancement_id": np.where(cot, "chain-of-thought", ""),
        "score": np.round(rng.uniform(0, 100, n_scores), 1),
        "score_stderr": "",
        "setting_label": np.where(cot, "Few-shot CoT (greedy)", "Few-shot (greedy)"),
        "second_hand": "false",
        "source_id": "synthetic",
        "locator": "Table 1",
        "notes": "",
    })


def make_synthetic_package(root: Path, n_scores: int, n_models: int = 1000, n_benchmarks: int = 50) -> Path:
    """Write a valid package with ``n_scores`` score rows under ``root``; return ``root``.

    Parameters
    ----------
    root : Path
        Folder to create (emptied first).
    n_scores : int
        Number of rows of ``benchmark_scores`` [count].
    """
    root = Path(root)
    if root.exists():
        shutil.rmtree(root)
    (root / "data").mkdir(parents=True)
    shutil.copy(REPO / "datapackage.json", root / "datapackage.json")
    shutil.copytree(REPO / "schemas", root / "schemas")
    tables = _small_tables(n_models, n_benchmarks)
    tables["benchmark_scores"] = synthetic_scores(n_scores, n_models, n_benchmarks)
    for name, frame in tables.items():
        _write(frame, root / "data" / f"{name}.csv")
    # every other table of the descriptor (comparisons, costs, ledger, thresholds, derived ...): its header only
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] not in tables:
            fields = json.loads((REPO / resource["schema"]).read_text(encoding="utf-8"))["fields"]
            (root / resource["path"]).write_text(",".join(f["name"] for f in fields) + "\n", encoding="utf-8")
    return root
