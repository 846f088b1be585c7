"""Where contributors wait, each step beside its peer in one run (medians of alternating runs, and
their ratio), on the package and on a copy with everything replicated ten times:

- ``ceg derive --full`` (every row estimated) beside ``frictionless validate datapackage.json``;
- ``ceg validate`` after a one-score edit (the drift check derives only what the edit touches)
  beside ``frictionless validate`` of the same edited package;
- the first page of ``make serve`` after install (derive if stale, validate, serve) beside
  ``frictionless validate``;
- the test suite on every core (``pytest -n auto --dist worksteal``, as ``make test``) beside one process
  (``-n 0``), once each (``BENCH_TESTS=0`` leaves it out);
- installing the package and its test tools into a new venv with uv beside pip, once each
  (``BENCH_INSTALL=0`` leaves it out);
- with ``BENCH_FRESH=1`` (half an hour), ``make test`` in a fresh clone of HEAD beside one of
  ``BENCH_FRESH_BASE`` (default :data:`FRESH_BASE`, main when the issue was filed), each clone
  alone in an empty folder, in alternating runs (``BENCH_FRESH_REPEAT`` pairs, default 2).

Goals (issue "Fast where contributors wait"): full derive <= 1.0x and validate after a one-score
edit <= 1.0x frictionless validate, in the same run.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.bench_package import BIN, CEG, TIMES, _cpu, first_page, run_timed
from bench.common import BENCH_DIR, say
from bench.replicate import copy_package, replicate_package

REPO = Path(__file__).resolve().parents[1]
FRICTIONLESS = [str(BIN / "frictionless"), "validate", "datapackage.json"]
REPEAT = int(os.environ.get("BENCH_REPEAT", "5"))  # alternating runs per pair
FRESH_BASE = "7ddf20c"  # main when issue "Fast where contributors wait" was filed


def edit_one_score(root: Path) -> None:
    """Raise the first score of ``benchmark_scores`` that some comparison uses by a tenth of a point."""
    path = root / "data" / "benchmark_scores.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    at = rows[0].index("score")
    rows[1][at] = f"{float(rows[1][at]) + 0.1:g}"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _once(command: list, cwd: Path, codes=(0,)) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``command``; an exit code outside ``codes`` is an error."""
    cpu, start = _cpu(), time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    if done.returncode not in codes:
        raise RuntimeError(f"{' '.join(map(str, command))} failed: {done.stderr.decode()[-500:]}")
    return wall, _cpu() - cpu


def paired(first: list, second: list, cwd: Path, repeat: int, codes=(0,)) -> tuple:
    """Medians (wall, CPU) of ``first`` and ``second`` run alternately, so both meet the same load;
    ``first`` may exit with any of ``codes`` (validation reports the edit's drift with 1)."""
    runs = [(_once(first, cwd, codes), _once(second, cwd)) for _ in range(repeat)]
    return tuple(tuple(statistics.median(r[i][j] for r in runs) for j in (0, 1)) for i in (0, 1))


def _ratio(label: str, ours: tuple, peer: tuple, peer_label: str, goal: float | None = None) -> str:
    ratio = ours[0] / peer[0]
    verdict = "" if goal is None else f" (goal <= {goal:g}: {'met' if ratio <= goal else 'NOT met'})"
    return (f"peers: {label:<40} {ours[0]:7.2f} s (CPU {ours[1]:6.2f})  {peer_label:<24} {peer[0]:7.2f} s "
            f"(CPU {peer[1]:6.2f})  ratio {ratio:5.2f}{verdict}")


def measure(root: Path) -> dict:
    """Full derive, validate after a one-score edit and first page after install, each beside frictionless."""
    run_timed([*CEG, "derive", str(root)], root, repeat=1)  # fingerprint and keys current
    out = {"derive": paired([*CEG, "derive", "--full", str(root)], FRICTIONLESS, root, repeat=REPEAT)}
    edited = root.parent / f"{root.name}-edited"
    shutil.rmtree(edited, ignore_errors=True)
    shutil.copytree(root, edited)
    edit_one_score(edited)
    out["validate"] = paired([*CEG, "validate", str(edited)], FRICTIONLESS, edited, repeat=REPEAT, codes=(0, 1))
    out["full_drift"] = _once([*CEG, "validate", "--full-drift", str(edited)], edited, codes=(0, 1))
    shutil.rmtree(root / "build", ignore_errors=True)
    start = time.perf_counter()
    run_timed([*CEG, "derive", "--if-stale", str(root)], root, repeat=1)
    run_timed([*CEG, "validate", str(root)], root, repeat=1)
    out["serve"] = (time.perf_counter() - start + first_page(root), 0.0)
    out["serve_peer"] = run_timed(FRICTIONLESS, root, repeat=1)
    return out


def _timed(command: list, cwd: Path, env=None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def tests_seconds() -> tuple[float, float]:
    """Wall time of the test suite on every core and in one process [s]."""
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    return _timed([*pytest, "-n", "auto", "--dist", "worksteal"], REPO), _timed([*pytest, "-n", "0"], REPO)


def install_seconds() -> tuple[float | None, float]:
    """Seconds to install the package with its test tools into a new venv, with uv (None when uv
    cannot be had) and with pip, as ``make install`` runs them (neither compiles bytecode)."""
    uv = shutil.which("uv") or (str(BIN / "uv") if (BIN / "uv").exists() else None)
    with tempfile.TemporaryDirectory() as tmp:
        results = []
        for tool in ("uv", "pip"):
            venv = Path(tmp) / tool
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            python = str(venv / "bin" / "python")
            if tool == "uv":
                if uv is None:
                    results.append(None)
                    continue
                command = [uv, "pip", "install", "--quiet", "--python", python, "-e", ".[test]"]
            else:
                command = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile", "-e", ".[test]"]
            results.append(_timed(command, REPO))
    return results[0], results[1]


def fresh_make_test_seconds(base: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall times of ``make test`` in fresh clones of HEAD and of ``base`` [s], run in the order
    HEAD, base, base, HEAD, ... (``repeat`` of each), every clone alone in a new empty folder."""
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    times: dict = {head: [], base: []}
    order = [c for i in range(repeat) for c in ((head, base) if i % 2 == 0 else (base, head))]
    for commit in order:
        with tempfile.TemporaryDirectory() as tmp:
            clone = Path(tmp) / "ceg"
            subprocess.run(["git", "clone", "-q", str(REPO), str(clone)], check=True)
            subprocess.run(["git", "-C", str(clone), "checkout", "-q", commit], check=True)
            times[commit].append(_timed(["make", "test"], clone))
    return times[head], times[base]


def _show(label: str, x: dict) -> None:
    say(f"peers: --- {label} (medians of {REPEAT} alternating runs) ---")
    say(_ratio("ceg derive --full", x["derive"][0], x["derive"][1], "frictionless validate", 1.0))
    say(_ratio("ceg validate after a one-score edit", x["validate"][0], x["validate"][1],
               "frictionless validate", 1.0))
    say(_ratio("  (ceg validate --full-drift, 1 run)", x["full_drift"], x["validate"][1], "frictionless validate"))
    say(_ratio("make serve to first page (1 run)", x["serve"], x["serve_peer"], "frictionless validate"))


def _growth(a: dict, b: dict) -> None:
    say(f"peers: --- growth {TIMES}x / 1x ---")
    for key, label in (("derive", "ceg derive --full"), ("validate", "ceg validate after a one-score edit")):
        say(f"peers: {label:<40} {b[key][0][0] / a[key][0][0]:5.2f}x; frictionless validate "
            f"{b[key][1][0] / a[key][1][0]:5.2f}x")
    say(f"peers: {'make serve to first page':<40} {b['serve'][0] / a['serve'][0]:5.2f}x")


def main() -> None:
    say(f"peers: the package and a copy replicated {TIMES}x, each step beside its peer (a few minutes) ...")
    a = measure(copy_package(BENCH_DIR / "peers-1x"))
    _show("package", a)
    if os.environ.get("BENCH_REPLICATED", "1") != "0":
        b = measure(replicate_package(BENCH_DIR / f"peers-{TIMES}x", TIMES))
        _show(f"package {TIMES}x", b)
        _growth(a, b)
    if os.environ.get("BENCH_TESTS", "1") != "0":
        say("peers: the test suite, on every core and in one process (several minutes) ...")
        parallel, serial = tests_seconds()
        say(f"peers: pytest -n auto {parallel:7.1f} s   pytest -n 0 {serial:7.1f} s   ratio {parallel / serial:5.2f} "
            "(the suite does not grow with the package)")
    if os.environ.get("BENCH_INSTALL", "1") != "0":
        say("peers: installing into a new venv with uv and with pip ...")
        with_uv, with_pip = install_seconds()
        shown = "uv not available" if with_uv is None else f"{with_uv:7.1f} s"
        ratio = "" if with_uv is None else f"   ratio {with_uv / with_pip:5.2f}"
        say(f"peers: install with uv {shown}   with pip {with_pip:7.1f} s{ratio}")
    if os.environ.get("BENCH_FRESH") == "1":
        base = os.environ.get("BENCH_FRESH_BASE", FRESH_BASE)
        repeat = int(os.environ.get("BENCH_FRESH_REPEAT", "2"))
        say(f"peers: make test in fresh clones of HEAD and of {base}, alternating ({repeat} pairs) ...")
        ours, theirs = fresh_make_test_seconds(base, repeat)
        head, peer = statistics.median(ours), statistics.median(theirs)
        say(f"peers: make test, fresh clone: HEAD {head:6.1f} s ({', '.join(f'{t:.1f}' for t in ours)})   "
            f"{base} {peer:6.1f} s ({', '.join(f'{t:.1f}' for t in theirs)})   ratio {head / peer:5.2f} (goal <= 0.50)")
    else:
        say("peers: make test in fresh clones of HEAD and of the base left out (BENCH_FRESH=1 runs it)")


if __name__ == "__main__":
    main()
