"""A patient hostile query against ``ceg serve`` of this package on loopback: how long the issue's
``instr`` query takes to end (goal: 3 s), and how long an uncached table page takes while three
clients keep sending it (goal: 2 s). Bounded: 3 x 10 hostile requests, 10 pages."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from bench.bench_serve import _free_port
from bench.common import say

INSTR = ("select instr(hex(zeroblob(490000 + length(source_id)*0)), hex(zeroblob(240000))||'1') "
         "from sources limit 2")
GOAL_QUERY_S, GOAL_PAGE_S = 3.0, 2.0


def _timed(url: str) -> tuple[float, int]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return time.perf_counter() - start, status


def main() -> None:
    root = Path(__file__).resolve().parents[1]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "ceg_calc.cli", "serve", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        hostile = f"{base}/ceg.json?" + urlencode({"sql": INSTR})
        alone, status = _timed(hostile)
        say(f"hostile query: instr query alone ends in {alone:.3f} s (HTTP {status}; goal <= {GOAL_QUERY_S:.0f} s: "
            f"{'met' if alone <= GOAL_QUERY_S else 'NOT met'})")
        pages = [f"{base}/ceg/ceg_estimates?_sort=ceg&_size={n}" for n in range(11, 21)]
        with ThreadPoolExecutor(3) as pool:
            attacks = [pool.submit(lambda: [_timed(hostile) for _ in range(10)]) for _ in range(3)]
            page_times = [_timed(page)[0] for page in pages]
            attack_times = [t for a in attacks for t, _ in a.result()]
        worst = max(page_times)
        say(f"hostile query: under 3 concurrent instr clients, uncached table page worst {worst:.3f} s of "
            f"{len(pages)} (goal <= {GOAL_PAGE_S:.0f} s: {'met' if worst <= GOAL_PAGE_S else 'NOT met'}); "
            f"instr requests worst {max(attack_times):.3f} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
