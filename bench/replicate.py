"""A copy of the package with its comparisons replicated, for measuring how each step scales.

Copy ``k`` (k = 1 .. times-1) repeats every model, its compute estimates, every score, every
comparison (and combined-comparison component) and every model-specific cost under new ids
ending in ``-r<k>``, with families renamed alike, so that each copy's comparisons find their
own baseline and enhanced models and give the same CEGs as the originals. Sources,
benchmarks, settings, enhancements and stated CEGs are shared. The copy is written to a
temporary folder; ``ceg derive`` then writes its derived tables.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]

# (table, {column: how its value changes in copy k}); "id" appends -r<k> to a non-blank value.
RENAMED = {
    "models": ("model_id", "family", "base_model_id"),
    "compute_estimates": ("estimate_id", "model_id"),
    "benchmark_scores": ("score_id", "model_id"),
    "comparisons": ("comparison_id", "baseline_family", "enhanced_family"),
    "comparison_components": ("comparison_id", "component_comparison_id"),
    "costs": ("cost_id", "model_id"),
}


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])


def _copy(frame: pd.DataFrame, columns: tuple, k: int) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        out[column] = out[column].map(lambda v: f"{v}-r{k}" if v else v)
    return out


# With ``comparisons_only``: the comparisons repeat over the same models and scores.
COMPARISONS_ONLY = {
    "comparisons": ("comparison_id",),
    "comparison_components": ("comparison_id", "component_comparison_id"),
}


def replicate_package(target: Path, times: int = 10, source: Path = REPO, comparisons_only: bool = False) -> Path:
    """Write the package at ``source`` with its comparisons repeated ``times`` times into ``target``.

    Parameters
    ----------
    target : Path
        Folder to create (emptied first).
    times : int
        How many copies of each comparison, the original included [count].
    comparisons_only : bool
        Repeat only the comparisons (and their components), over the same models and scores;
        otherwise models, compute estimates, scores and model-specific costs repeat with them.

    Returns
    -------
    Path
        ``target``.
    """
    target = _fresh_copy(target, source, "raw", ".derived-fingerprint")
    for table, columns in (COMPARISONS_ONLY if comparisons_only else RENAMED).items():
        path = target / "data" / f"{table}.csv"
        frame = _read(path)
        if table == "costs":  # general costs (no model) are shared, model-specific ones repeated
            copies = [_copy(frame[frame["model_id"] != ""], columns, k) for k in range(1, times)]
        else:
            copies = [_copy(frame, columns, k) for k in range(1, times)]
        pd.concat([frame, *copies], ignore_index=True).to_csv(path, index=False, lineterminator="\n")
    return target


def copy_package(target: Path, source: Path = REPO) -> Path:
    """The package as it is (descriptor, schemas, data with its fingerprint) in ``target``."""
    return _fresh_copy(target, source, "raw")


def _fresh_copy(target: Path, source: Path, *ignored: str) -> Path:
    """``target`` emptied, then the descriptor, schemas and data of ``source`` (less ``ignored``)."""
    target = Path(target)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    shutil.copy(source / "datapackage.json", target / "datapackage.json")
    shutil.copytree(source / "schemas", target / "schemas")
    shutil.copytree(source / "data", target / "data", ignore=shutil.ignore_patterns(*ignored))
    return target
