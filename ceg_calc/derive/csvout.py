"""Derived tables as the CSV text ``ceg derive`` writes: cells written by the one type table
(:mod:`ceg_calc.package.types`, fixed significant digits, ``true``/``false``, blank for missing),
so deriving twice gives the same bytes."""

from __future__ import annotations

import csv
import io

import pandas as pd

from ceg_calc.package.types import field_type


def format_rows(frame: pd.DataFrame, resource) -> list[list[str]]:
    """Cells as written to the CSV (fixed significant digits, ``true``/``false``, blank for missing)."""
    writers = [field_type(f.type).to_csv for f in resource.fields]
    names = [f.name for f in resource.fields]
    return [[write(v) for v, write in zip(row, writers)] for row in frame[names].itertuples(index=False)]


def write_rows(rows: list, resource) -> str:
    """The CSV text of cells as :func:`format_rows` gives them, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    writer.writerows(rows)
    return buffer.getvalue()


def render_csv(frame: pd.DataFrame, resource) -> str:
    return write_rows(format_rows(frame, resource), resource)


