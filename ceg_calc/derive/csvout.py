"""Derived tables as the CSV text ``ceg derive`` writes: cells written by the one type table
(:mod:`ceg_calc.package.types`, fixed significant digits, ``true``/``false``, blank for missing),
so deriving twice gives the same bytes."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pyarrow as pa

from ceg_calc.package.types import SIGNIFICANT_DIGITS, field_type


def _cells(series: pd.Series, field) -> list[str]:
    """One column's cells: :meth:`~ceg_calc.package.types.FieldType.to_csv` of each value, with the
    missing ones found for the whole column at once (and Arrow strings converted in one call)."""
    write = field_type(field.type).csv
    values = pa.array(series, from_pandas=True).to_pylist() if isinstance(series.dtype, pd.StringDtype) \
        else series.tolist()
    return ["" if gone else write(v, SIGNIFICANT_DIGITS) for v, gone in zip(values, series.isna().to_numpy())]


def format_rows(frame: pd.DataFrame, resource) -> list[list[str]]:
    """Cells as written to the CSV (fixed significant digits, ``true``/``false``, blank for missing)."""
    return [list(row) for row in zip(*(_cells(frame[f.name], f) for f in resource.fields))]


def write_rows(rows: list, resource) -> str:
    """The CSV text of cells as :func:`format_rows` gives them, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    writer.writerows(rows)
    return buffer.getvalue()


def render_csv(frame: pd.DataFrame, resource) -> str:
    return write_rows(format_rows(frame, resource), resource)


