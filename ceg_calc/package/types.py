"""The one table of Table Schema types: everything the package does with a type, in one row.

For each type the package accepts (:data:`TYPES`) the row says how a text cell is parsed, which
dtype the typed column has (what Pandera checks), which Arrow type its Parquet column gets, which
SQLite type the database declares, how a typed column becomes values SQLite stores exactly, and how
a typed value is written back to CSV. A field whose type is not a key of :data:`TYPES` is refused by
the gate with a located problem (:mod:`ceg_calc.package.descriptor_check`) before any data is read,
so nothing later meets a type it does not know.

The empty string is the only missing value, so "NA", "null" or "None" are text, never silently
missing; ``inf`` and ``nan`` are not numbers here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ceg_calc.core.arrow import _text, full_match, parse_numbers, positions

INTEGER = r"[+-]?[0-9]+"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INT64 = (-(2 ** 63), 2 ** 63 - 1)
SIGNIFICANT_DIGITS = 6  # of a number the package writes (derived tables); imports write 10


def exact_integers(text: pd.Series, usable: np.ndarray) -> pd.Series:
    """``Int64`` values of the ``usable`` cells (integers within the 64-bit range), parsed by Arrow
    straight to 64-bit integers: no float64 on the way, which would turn 9007199254740993 into
    ...992 (and 2**63 - 1 into an overflow) as soon as the column has a blank."""
    arrow = pc.if_else(pa.array(usable), pc.replace_substring_regex(_text(text), r"^\+", ""), None)
    if isinstance(arrow, pa.ChunkedArray):
        arrow = arrow.combine_chunks()
    ints = pc.cast(arrow, pa.int64())
    data = ints.fill_null(0).to_numpy(zero_copy_only=False)
    mask = ints.is_null().to_numpy(zero_copy_only=False)
    return pd.Series(pd.arrays.IntegerArray(data, mask), index=text.index)


# --- parsers: (text cells, present mask, field) -> (typed values, bad mask, what a bad cell is not) ---

def _parse_integer(text: pd.Series, present: np.ndarray, field):
    ok = full_match(text, INTEGER)
    # digits beyond 64-bit integers (which pandas would turn into floats or objects) are refused
    digits = pc.utf8_length(pc.utf8_ltrim(pc.utf8_ltrim(_text(text), "+-"), "0"))
    long = ok & (pc.fill_null(digits, 0).to_numpy(zero_copy_only=False) >= 19)
    if long.any():
        ok = ok.copy()
        ok[long] = [INT64[0] <= int(v) <= INT64[1] for v in text[long]]
    return exact_integers(text, ok & present), present & ~ok, \
        "is not an integer (a whole number within the 64-bit range)"


def _parse_number(text: pd.Series, present: np.ndarray, field):
    values, ok = parse_numbers(text)
    if not ok.all():
        values = np.where(ok, values, np.nan)
    values = pd.Series(values, index=text.index, dtype="float64")
    return values, ~ok, "is not a finite number (plain decimal or 1.5e23 notation)"


def _parse_boolean(text: pd.Series, present: np.ndarray, field):
    position = positions(text, field.true_values + field.false_values)
    is_true = (position >= 0) & (position < len(field.true_values))
    is_false = position >= len(field.true_values)
    values = pd.Series(pd.arrays.BooleanArray(is_true, ~(is_true | is_false)), index=text.index)
    allowed = " or ".join(repr(v) for v in field.true_values + field.false_values)
    return values, present & ~(is_true | is_false), f"is not a boolean: write {allowed}"


def _parse_date(text: pd.Series, present: np.ndarray, field):
    shaped = text.str.fullmatch(DATE).to_numpy(dtype=bool, na_value=False)
    values = pd.to_datetime(text.where(shaped & present), format="%Y-%m-%d", errors="coerce")
    ok = shaped & values.notna().to_numpy()
    return values, present & ~ok, "is not a date (YYYY-MM-DD)"


# --- SQLite values: typed column -> Python values SQLite stores exactly (None for missing) ---------

def _sql_number(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=float, na_value=np.nan).astype(object)


def _sql_integer(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype=np.int64, na_value=0).astype(object)  # exact: no float64


def _sql_boolean(series: pd.Series) -> np.ndarray:
    return series.fillna(False).to_numpy(dtype=bool).astype(np.int64).astype(object)


def _sql_date(series: pd.Series) -> np.ndarray:
    return pd.to_datetime(series).dt.strftime("%Y-%m-%d").to_numpy(dtype=object)


def _sql_text(series: pd.Series) -> np.ndarray:
    # through Arrow, which converts a million strings far faster than iterating
    return pa.chunked_array(pa.Array.from_pandas(series)).to_numpy(zero_copy_only=False).astype(object)


# --- CSV text of one typed value ("" for missing) -----------------------------------------------

def missing(value) -> bool:
    """True for every spelling of a missing typed value (None, NaN, NA, NaT)."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def _csv_number(value, digits: int) -> str:
    return format(float(value), f".{digits}g")


def _csv_integer(value, digits: int) -> str:
    return str(int(value))


def _csv_boolean(value, digits: int) -> str:
    return "true" if value else "false"


def _csv_date(value, digits: int) -> str:
    return value.strftime("%Y-%m-%d") if hasattr(value, "strftime") else str(value)


def _csv_text(value, digits: int) -> str:
    return str(value)


def untyped_csv(value, digits: int = 10) -> str:
    """A value an import computed (not read through a schema) as CSV text: by its Python type."""
    if missing(value):
        return ""
    if isinstance(value, bool):
        return _csv_boolean(value, digits)
    if isinstance(value, float):
        return _csv_number(value, digits)
    return str(value)


@dataclass(frozen=True)
class FieldType:
    """What the package does with one Table Schema type.

    Attributes
    ----------
    name : str
        The Table Schema type.
    dtype : str
        dtype of the typed column (``"str"`` for Arrow-backed text, ``"datetime"`` for dates).
    arrow : pyarrow.DataType
        Type of the column in Parquet.
    sql : str
        Type of the column in SQLite.
    parse : callable
        ``(text, present, field) -> (values, bad, what)``: typed values of text cells, which
        present cells do not parse, and what they are not.
    sql_values : callable
        Typed column -> object array of what SQLite stores (missing cells are set to None after).
    csv : callable
        ``(value, digits) -> str``: a typed value as CSV text.
    ordered : bool
        Whether ``minimum`` and ``maximum`` apply.
    """

    name: str
    dtype: str
    arrow: pa.DataType
    sql: str
    parse: Callable | None
    sql_values: Callable
    csv: Callable
    ordered: bool = False

    def to_sql(self, series: pd.Series) -> list:
        """A typed column as Python values SQLite stores exactly (None for missing)."""
        values = self.sql_values(series)
        values[series.isna().to_numpy()] = None
        return values.tolist()

    def to_csv(self, value, digits: int = SIGNIFICANT_DIGITS) -> str:
        """A typed value as the package writes it in a CSV: ``""`` for missing, numbers with
        ``digits`` significant digits, ``true``/``false``."""
        return "" if missing(value) else self.csv(value, digits)


TYPES = {
    "string": FieldType("string", "str", pa.string(), "TEXT", None, _sql_text, _csv_text),
    "integer": FieldType("integer", "Int64", pa.int64(), "INTEGER", _parse_integer, _sql_integer, _csv_integer, True),
    "year": FieldType("year", "Int64", pa.int64(), "INTEGER", _parse_integer, _sql_integer, _csv_integer, True),
    "number": FieldType("number", "float64", pa.float64(), "REAL", _parse_number, _sql_number, _csv_number, True),
    "boolean": FieldType("boolean", "boolean", pa.bool_(), "INTEGER", _parse_boolean, _sql_boolean, _csv_boolean),
    "date": FieldType("date", "datetime", pa.date32(), "TEXT", _parse_date, _sql_date, _csv_date),
}


def field_type(name: str) -> FieldType:
    """The row of :data:`TYPES` for ``name`` (the gate has refused any other type before this runs)."""
    return TYPES[name]
