"""Import the ObsScaling evaluation results (snapshot ``data/raw/obsscaling``) into ``data/``.

Three steps, as in a data pipeline:

- **Load** the three files of the snapshot (hashes checked by :mod:`snapshots`) and Epoch AI's
  export (snapshot ``data/raw/epoch-ai-models``); nothing else is read;
- **Process** them into rows of sources, benchmarks, settings, enhancements, models,
  compute_estimates, benchmark_scores, comparisons and comparison_components (:mod:`obsscaling_rows`, :mod:`obsscaling_compare`);
- **Save**: imported rows replace the rows with the same key in ``data/``; every other row is kept.
  Files are rewritten atomically, sorted by key.

Rules (docs/obsscaling.md): scores use flexible answer extraction everywhere (strict extraction
scores zero-shot and few-shot BBH answers near 0 because it expects the exemplars' format);
``,norm`` columns are not used; a family's ladder uses one compute method (six-n-d from the
source's FLOPs when the source gives FLOPs for any model of the family, else Epoch AI's).

Run ``ceg ingest obsscaling [--check]``; ``--check`` writes nothing and exits 1 when ``data/``
differs from what the import would write.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ceg_calc.ingest import obsscaling_compare as compare
from ceg_calc.ingest import obsscaling_maps as maps
from ceg_calc.ingest import obsscaling_rows as rows
from ceg_calc.ingest.save import save
from ceg_calc.ingest.snapshots import open_snapshot

KEYS = {"sources": "source_id", "benchmarks": "benchmark_id", "settings": "setting_id",
        "enhancements": "enhancement_id", "models": "model_id", "compute_estimates": "estimate_id",
        "benchmark_scores": "score_id", "comparisons": "comparison_id",
        "comparison_components": "comparison_id"}
BASE_COLUMNS = ["Model", "Model Family", "Model Size (B)", "Pretraining Data Size (T)", "FLOPs (1E21)"]


def load(root: Path = Path(".")) -> dict[str, pd.DataFrame]:
    """The snapshot's three files and Epoch's export, every cell as text."""
    files = open_snapshot("obsscaling", root)
    epoch = open_snapshot("epoch-ai-models", root)["all_ai_models.csv"]
    frames = {name: pd.read_csv(files[name], dtype=str, keep_default_na=False)
              for name in (maps.BASE, maps.POST, maps.INSTRUCT)}
    for name in (maps.BASE, maps.INSTRUCT):
        missing = [c for c in BASE_COLUMNS if c not in frames[name].columns]
        if missing:
            raise rows.ImportProblem(f"data/raw/obsscaling/{name}: missing column(s) {', '.join(missing)}")
    frames["epoch"] = pd.read_csv(epoch, dtype=str, keep_default_na=False)
    return frames


def process(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every table's imported rows, keyed by table name."""
    meta = rows.catalogue(frames)
    scores = rows.score_rows(frames, meta)
    comparisons = compare.comparison_rows(meta, scores)
    return {
        "sources": pd.DataFrame(maps.SOURCES),
        "benchmarks": rows.benchmark_rows(frames),
        "settings": pd.DataFrame(rows.SETTINGS),
        "enhancements": pd.DataFrame(rows.ENHANCEMENTS),
        "models": rows.model_table(meta),
        "compute_estimates": compare.compute_rows(meta, frames["epoch"]),
        "benchmark_scores": scores,
        "comparisons": comparisons,
        "comparison_components": compare.component_rows(comparisons),
    }


def run(root: Path, check: bool) -> tuple[int, list[str]]:
    """Load, process and save the import into the package at ``root`` (:func:`ceg_calc.ingest.save.save`)."""
    tables = process(load(root))
    return save(root, {name: (frame, KEYS[name]) for name, frame in tables.items()}, check,
                "the ObsScaling import")
