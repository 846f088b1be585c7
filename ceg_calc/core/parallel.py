"""One way to run independent pieces of work on the machine's cores.

The work handed here is numpy and Arrow kernels, which release the GIL, so threads run it
in parallel without copying the data to other processes.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor


def cores() -> int:
    """Cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def thread_map(function, items) -> list:
    """``[function(item) for item in items]``, on up to :func:`cores` threads; results keep the order."""
    items = list(items)
    workers = min(cores(), len(items))
    if workers <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(function, items))
