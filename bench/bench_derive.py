"""Derivation speed: 1,000 synthetic comparisons x 10,000 draws, and the real package."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from bench.common import median_seconds, say
from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.calc.batch import estimate_tasks
from ceg_calc.calc.tasks import make_tasks


def synthetic_tasks(n: int = 1000, seed: int = 1) -> list:
    """``n`` comparisons with three to five baseline points each, all uncertain."""
    rng = np.random.default_rng(seed)
    tasks = []
    for _ in range(n):
        k = int(rng.integers(3, 6))
        x = np.sort(rng.uniform(20, 25, k))
        q = np.sort(rng.uniform(0, 90, k))
        tasks += make_tasks(10 ** x, q, 10 ** rng.uniform(20, 25), rng.uniform(0, 90), method="interpolate",
                            baseline_log10_sd=0.2, enhanced_log10_sd=0.2, score_stderr=1.5)
    return tasks


def main() -> None:
    tasks = synthetic_tasks()
    groups = {}
    for task in tasks:
        groups.setdefault(task.x.size, []).append(task)

    def run():
        for group in groups.values():
            estimate_tasks(group, "interpolate", draws=10_000, seed=0)

    seconds = median_seconds(run, repeat=3)
    say(f"derive: 1,000 comparisons x 10,000 draws: {seconds:.2f} s median of 3 (goal <= 1 s)")
    root = Path(__file__).resolve().parents[1]
    from ceg_calc.derive.estimates import derive_frame
    from ceg_calc.gate.checks import read_valid_tables

    loaded = read_valid_tables(root, skip=DERIVED_TABLES)
    start = time.perf_counter()
    frame = derive_frame(loaded)
    say(f"derive: the real package ({len(frame)} rows from {loaded.tables['comparisons'].shape[0]} comparisons): "
        f"{time.perf_counter() - start:.2f} s")
