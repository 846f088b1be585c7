"""``ceg validate`` on a synthetic package with 1,000,000 score rows, against pandas and Frictionless.

Goals (issue "Foundation"): validation within 3x the time pandas takes just to read the same
files, and at least 25x faster than ``frictionless validate`` (measured per row on a 100k subset).
"""

from __future__ import annotations

import pandas as pd

from bench.common import BENCH_DIR, median_seconds, say
from bench.synthetic import make_synthetic_package
from ceg_calc.verbs.validate import validate_package

N_SCORES = 1_000_000
N_SUBSET = 100_000


def _read_all_with_pandas(root):
    for path in sorted((root / "data").glob("*.csv")):
        pd.read_csv(path)


def _frictionless_seconds(root) -> float:
    from frictionless import validate

    report = None

    def run():
        nonlocal report
        report = validate(str(root / "datapackage.json"), limit_errors=10**7)

    seconds = median_seconds(run, repeat=1)
    assert report.valid, "synthetic subset should be valid for Frictionless too"
    return seconds


def main() -> None:
    say(f"validate: generating a synthetic package with {N_SCORES:,} score rows ...")
    big = make_synthetic_package(BENCH_DIR / "synthetic-1m", N_SCORES)
    small = make_synthetic_package(BENCH_DIR / "synthetic-100k", N_SUBSET)
    report = validate_package(big, drift=False)
    assert report.valid, report.to_text()
    ours = median_seconds(lambda: validate_package(big, drift=False), repeat=5)
    pandas = median_seconds(lambda: _read_all_with_pandas(big), repeat=5)
    say(f"validate: ceg validate (1M rows, median of 5)      {ours:7.3f} s")
    say(f"validate: pd.read_csv of the same files (median 5) {pandas:7.3f} s   ratio {ours / pandas:5.1f}x (goal <= 3x)")
    say("validate: frictionless validate on 100k rows (1 run) ...")
    fl_small = _frictionless_seconds(small)
    ours_small = median_seconds(lambda: validate_package(small, drift=False), repeat=5)
    fl_per_row = fl_small / N_SUBSET
    ours_per_row = ours / N_SCORES
    say(f"validate: frictionless 100k rows {fl_small:7.2f} s = {fl_per_row * 1e6:6.2f} us/row; "
        f"ceg validate 100k rows {ours_small:6.3f} s")
    say(f"validate: ceg validate 1M rows = {ours_per_row * 1e6:6.2f} us/row -> "
        f"{fl_per_row / ours_per_row:5.0f}x faster per row than frictionless (goal >= 25x)")


if __name__ == "__main__":
    main()
