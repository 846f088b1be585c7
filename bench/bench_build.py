"""SQLite build time of the 1,000,000-score synthetic package, keys and indexes included, beside
the fastest alternative at hand: the ``sqlite3`` shell's own ``.import`` of the same CSV files into
the same tables (no typing, no validation, no key check), when the shell is installed."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from bench.common import BENCH_DIR, say
from bench.synthetic import make_synthetic_package
from ceg_calc.publish.database import _quote, build_database, create_table_sql, index_sql
from ceg_calc.package.descriptor import DataPackage


def sqlite_shell_import_seconds(root: Path, db: Path) -> float | None:
    """Seconds the ``sqlite3`` shell takes to ``.import`` every table of the package into the
    database's own DDL and create the same indexes; None without the shell."""
    shell = shutil.which("sqlite3")
    if shell is None:
        return None
    package = DataPackage(root)
    db.unlink(missing_ok=True)
    lines = ["PRAGMA journal_mode = OFF;", "PRAGMA synchronous = OFF;", "BEGIN;"]
    lines += [create_table_sql(r) + ";" for r in package.resources.values()]
    lines += [f".import --csv --skip 1 {root / r.path} {_quote(r.name)}" for r in package.resources.values()]
    lines += [s + ";" for r in package.resources.values() for s in index_sql(r)] + ["COMMIT;"]
    start = time.perf_counter()
    subprocess.run([shell, str(db)], input="\n".join(lines) + "\n", text=True, check=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    root = make_synthetic_package(BENCH_DIR / "synthetic-1m", 1_000_000)
    marks = {}

    def progress(message: str) -> None:
        marks.setdefault(message.split(" ")[0], time.perf_counter())
        say(f"  build: {message}")

    start = time.perf_counter()
    build_database(root, BENCH_DIR / "synthetic-1m.db", progress=progress)
    end = time.perf_counter()
    total = end - start
    checking = marks["loading"] - start
    say(f"build: SQLite from 1,000,000 score rows with keys and indexes: {total:.2f} s in all "
        f"(goal <= 5 s) = validation {checking:.2f} s + database {total - checking:.2f} s "
        f"(of which indexes and key check {end - marks['indexing']:.2f} s)")
    shell = sqlite_shell_import_seconds(root, BENCH_DIR / "synthetic-1m-shell.db")
    if shell is None:
        say("build: the sqlite3 shell is not installed: no side-by-side .import")
    else:
        say(f"build: sqlite3 shell .import of the same CSVs into the same tables and indexes (untyped, "
            f"unvalidated): {shell:.2f} s; ceg's database part / .import = {(total - checking) / shell:.2f}, "
            f"whole build / .import = {total / shell:.2f}")
