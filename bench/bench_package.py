"""The package itself, as contributors and readers wait for it: every step beside its peer, and how
each grows when the comparisons are replicated ten times (:mod:`bench.replicate`).

Each step runs as the command a person types (a new process: start, imports and all), on a copy
of the package in ``.bench/``. Wall times are medians; CPU seconds (user + system of the
process) are printed beside them because the machine may be shared. A step whose cost grows
more than 1.25x faster than the rows is flagged.
"""

from __future__ import annotations

import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.common import BENCH_DIR, say
from ceg_calc.derive.names import DERIVED_TABLES
from bench.replicate import copy_package, replicate_package
from ceg_calc.derive.fingerprint import FINGERPRINT

BIN = Path(sys.executable).parent
CEG = [sys.executable, "-m", "ceg_calc.cli"]
TIMES = 10
FASTER_THAN_ROWS = 1.25


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_timed(command: list, cwd: Path, repeat: int = 3, before=None) -> tuple[float, float]:
    """Median wall and CPU seconds of ``command`` over ``repeat`` runs (``before()`` untimed first)."""
    walls, cpus = [], []
    for _ in range(repeat):
        if before:
            before()
        cpu, start = _cpu(), time.perf_counter()
        done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(map(str, command))} failed: {done.stderr.decode()[-500:]}")
    return statistics.median(walls), statistics.median(cpus)


def paired(first: list, second: list, cwd: Path, repeat: int = 5) -> tuple:
    """Medians of ``first`` and ``second`` run alternately ``repeat`` times each, so that both meet
    the same load on a shared machine."""
    runs = [(run_timed(first, cwd, repeat=1), run_timed(second, cwd, repeat=1)) for _ in range(repeat)]
    return tuple(tuple(statistics.median(r[i][j] for r in runs) for j in (0, 1)) for i in (0, 1))


def build_timed(root: Path, repeat: int = 3) -> dict:
    """``ceg build`` from scratch (the build folder removed before each run): median wall and CPU."""
    runs = []
    for _ in range(repeat):
        shutil.rmtree(root / "build", ignore_errors=True)
        runs.append(run_timed([*CEG, "build", str(root)], root, repeat=1))
    return {"wall": statistics.median(r[0] for r in runs), "cpu": statistics.median(r[1] for r in runs)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def first_page(root: Path) -> float:
    """Seconds from starting ``ceg serve`` until its home page answers."""
    port = _free_port()
    start = time.perf_counter()
    server = subprocess.Popen([*CEG, "serve", str(root), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read()
                return time.perf_counter() - start
            except OSError:
                if server.poll() is not None:
                    raise RuntimeError("ceg serve stopped before answering") from None
                time.sleep(0.05)
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(root: Path) -> dict:
    """Every step on the package at ``root`` (derived first, so that the fingerprint is current)."""
    fingerprint = root / FINGERPRINT
    out = {"derive_checked": run_timed([*CEG, "derive", str(root)], root,
                                       before=lambda: fingerprint.unlink(missing_ok=True))}
    out["derive"] = run_timed([*CEG, "derive", str(root)], root)
    out["validate"], out["frictionless"] = paired([*CEG, "validate", str(root)],
                                                  [str(BIN / "frictionless"), "validate", "datapackage.json"], root)
    out["full_drift"] = run_timed([*CEG, "validate", "--full-drift", str(root)], root, repeat=1)
    out["build"] = build_timed(root)
    out["serve_built"] = first_page(root)
    shutil.rmtree(root / "build")
    start = time.perf_counter()  # what `make serve` does after `make install`, with no build yet
    run_timed([*CEG, "derive", str(root)], root, repeat=1)
    run_timed([*CEG, "validate", str(root)], root, repeat=1)
    out["make_serve"] = time.perf_counter() - start + first_page(root)
    return out


def synthetic_ms_per_comparison() -> float:
    """Estimation alone on the synthetic benchmark's 1,000 comparisons [ms per comparison]."""
    from bench.bench_derive import synthetic_tasks
    from ceg_calc.calc.batch import estimate_tasks

    groups = {}
    for task in synthetic_tasks():
        groups.setdefault(task.x.size, []).append(task)
    start = time.perf_counter()
    for group in groups.values():
        estimate_tasks(group, "interpolate", draws=10_000, seed=0)
    return (time.perf_counter() - start) / sum(map(len, groups.values())) * 1000


def derive_in_process(root: Path) -> tuple[float, int, int]:
    """Seconds of ``derive_frame`` (assembly and estimation, no start or validation), comparisons
    and derived rows (one per comparison and enhanced model: a task of the estimator)."""
    from ceg_calc.derive.estimates import derive_frame
    from ceg_calc.gate.checks import read_valid_tables

    loaded = read_valid_tables(root, skip=DERIVED_TABLES)
    start = time.perf_counter()
    rows = len(derive_frame(loaded))
    return time.perf_counter() - start, len(loaded.tables["comparisons"]), rows


def _line(label: str, one, many, unit: str = "s", rows: float = TIMES) -> str:
    ratio = many / one if one else float("nan")
    flag = "  <- grows faster than the rows" if ratio > FASTER_THAN_ROWS * rows else ""
    return f"package: {label:<44} {one:8.2f} {unit:<2} {many:9.2f} {unit:<2} {ratio:6.1f}x{flag}"


def _verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def main() -> None:
    one = copy_package(BENCH_DIR / "package-1x")
    many = replicate_package(BENCH_DIR / f"package-{TIMES}x", TIMES)
    say(f"package: measuring the package and a copy with its comparisons replicated {TIMES}x (a few minutes) ...")
    a, b = measure(one), measure(many)
    # the same models and scores, the comparisons (and so the derived rows) repeated: build's cost
    # per comparison, apart from its cost per score
    only = replicate_package(BENCH_DIR / f"package-{TIMES}x-comparisons", TIMES, comparisons_only=True)
    run_timed([*CEG, "derive", str(only)], only, repeat=1)
    c = build_timed(only)
    per_one, n_one, rows_one = derive_in_process(one)
    per_many, n_many, rows_many = derive_in_process(many)
    synthetic = synthetic_ms_per_comparison()
    say(f"package: {'step (wall median; CPU s)':<44} {'package':>11} {TIMES:>8}x {'ratio':>7}")
    say(_line(f"comparisons [count] ({n_one} -> {n_many})", n_one, n_many, unit=""))
    for key, label in (("validate", "ceg validate (fingerprint current)"),
                       ("frictionless", "frictionless validate datapackage.json"),
                       ("full_drift", "ceg validate --full-drift"),
                       ("derive", "ceg derive (sources as last derived)"),
                       ("derive_checked", "ceg derive (sources changed: validated)")):
        say(_line(label, a[key][0], b[key][0]))
        say(_line(f"  {label}, CPU", a[key][1], b[key][1]))
    builds = {"ceg build": (a["build"]["wall"], b["build"]["wall"]),
              "  ceg build, CPU": (a["build"]["cpu"], b["build"]["cpu"]),
              "ceg build, only the comparisons replicated": (a["build"]["wall"], c["wall"]),
              "ceg serve, first page (site built)": (a["serve_built"], b["serve_built"]),
              "derive + validate + serve to first page (no build)": (a["make_serve"], b["make_serve"])}
    for label, (x, y) in builds.items():
        say(_line(label, x, y))
    say(_line("derive_frame in process [ms per comparison]", per_one / n_one * 1000, per_many / n_many * 1000,
              unit="ms", rows=1))
    say(f"package: ratios in this run: ceg validate / frictionless validate = {a['validate'][0] / a['frictionless'][0]:.2f} "
        f"(goal <= 1: {_verdict(a['validate'][0] <= a['frictionless'][0])}); {TIMES}x: "
        f"{b['validate'][0] / b['frictionless'][0]:.2f}")
    say(_line("derive_frame in process [ms per derived row]", per_one / rows_one * 1000,
              per_many / rows_many * 1000, unit="ms", rows=1))
    say(f"package: ceg derive {a['derive'][0]:.2f} s (goal < 1 s: {_verdict(a['derive'][0] < 1)}), after a change "
        f"to the sources {a['derive_checked'][0]:.2f} s (goal < 1 s: {_verdict(a['derive_checked'][0] < 1)}); "
        f"derivation per comparison: package {per_one / n_one * 1000:.2f} ms "
        f"({rows_one / n_one:.1f} enhanced models each), per derived row {per_one / rows_one * 1000:.2f} ms; "
        f"synthetic (one row each) {synthetic:.2f} ms: ratio per comparison {per_one / n_one * 1000 / synthetic:.2f}, "
        f"per row {per_one / rows_one * 1000 / synthetic:.2f} (goal <= 1)")
    build_all, build_comparisons = b["build"]["wall"] / a["build"]["wall"], c["wall"] / a["build"]["wall"]
    say(f"package: ceg build {TIMES}x / 1x = {build_comparisons:.2f} with the comparisons replicated "
        f"(goal <= 2: {_verdict(build_comparisons <= 2)}), {build_all:.2f} with every model, score and "
        f"comparison replicated ({TIMES}x the rows of every table)")
    say(f"package: derive + validate + first page of serve with no build: {a['make_serve']:.1f} s "
        f"(goal <= 30 s after install: {_verdict(a['make_serve'] <= 30)})")


if __name__ == "__main__":
    main()
