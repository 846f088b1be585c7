"""Derived tables as the CSV text ``ceg derive`` writes: cells written by the one type table
(:mod:`ceg_calc.package.types`, fixed significant digits, ``true``/``false``, blank for missing),
so deriving twice gives the same bytes."""

from __future__ import annotations

import csv
import io

import pandas as pd

from ceg_calc.core.arrow import column_values
from ceg_calc.package.types import SIGNIFICANT_DIGITS, field_type

#: Characters that make the csv module quote a cell (delimiter, quote character, line breaks).
_QUOTED = ('"', "\r", "\n")


def _cells(series: pd.Series, field) -> list[str]:
    """One column's cells: :meth:`~ceg_calc.package.types.FieldType.to_csv` of each value, with the
    missing ones found for the whole column at once (and Arrow strings converted in one call).

    The common columns take a shorter road to the same text: a float column of a ``number`` field
    (NaN is its only missing value) formats its floats directly, and a string column of a
    ``string`` field writes its strings as they are."""
    kind = field_type(field.type)
    if kind.name == "number" and series.dtype == "float64":
        spec = f".{SIGNIFICANT_DIGITS}g"
        return ["" if v != v else format(v, spec) for v in series.tolist()]
    if kind.name == "string" and isinstance(series.dtype, pd.StringDtype):
        return ["" if v is None else v for v in column_values(series)]
    write = kind.csv
    values = column_values(series)
    return ["" if gone else write(v, SIGNIFICANT_DIGITS) for v, gone in zip(values, series.isna().to_numpy())]


def format_rows(frame: pd.DataFrame, resource) -> list[list[str]]:
    """Cells as written to the CSV (fixed significant digits, ``true``/``false``, blank for missing)."""
    return [list(row) for row in zip(*(_cells(frame[f.name], f) for f in resource.fields))]


def write_rows(rows: list, resource) -> str:
    """The CSV text of cells as :func:`format_rows` gives them, header first.

    A row of two or more cells none of which holds a comma, a quote or a line break is written as
    its cells joined by commas, which is what the csv module writes for it; any other row is
    written by the csv module."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    lines = []
    for row in rows:
        line = ",".join(row)
        if len(row) > 1 and line.count(",") == len(row) - 1 and not any(c in line for c in _QUOTED):
            lines.append(line)
        else:
            if lines:
                buffer.write("\n".join(lines) + "\n")
                lines = []
            writer.writerow(row)
    if lines:
        buffer.write("\n".join(lines) + "\n")
    return buffer.getvalue()


def render_csv(frame: pd.DataFrame, resource) -> str:
    return write_rows(format_rows(frame, resource), resource)
