"""Timing helpers for ``make bench``: medians of repeated runs, printed as ratios."""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parents[1] / ".bench"


def median_seconds(function, repeat: int = 5) -> float:
    """Median wall time of ``function()`` over ``repeat`` runs [s]."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def say(message: str) -> None:
    """Progress and results go to stdout, flushed, so a long run shows where it is."""
    print(message, flush=True)
    sys.stdout.flush()
