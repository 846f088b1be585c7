"""Per-cell typing: text cells to typed columns, with a problem for every cell that does not parse.

Types follow the Frictionless Table Schema: ``string``, ``integer``, ``number``, ``boolean``,
``date`` and ``year``. The empty string is the only missing value, so "NA", "null" or
"None" are text, never silently missing. ``inf`` and ``nan`` are not numbers here.

Text cells that a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return, unless the whole cell is a number) are rejected: the CSVs
are opened in spreadsheets. Text cells holding a control character (other than tab and line
feed), a zero-width character or a bidi override are rejected too: they hide or reorder what a
reviewer sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import pyarrow as pa
import pyarrow.compute as pc

from ceg_calc.arrow import _text, missing_where, per_value, parse_numbers, positions, starts_with_any
from ceg_calc.package import Field
from ceg_calc.parallel import thread_map
from ceg_calc.report import Problem, capped
from ceg_calc.shown import shown

# ASCII digits only: ``\d`` would also accept other scripts' digits (e.g. Arabic-Indic)
NUMBER = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
INTEGER = r"[+-]?[0-9]+"
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
INT64 = (-(2 ** 63), 2 ** 63 - 1)
FORMULA_START = "=+-@\t\r"
# Characters free text may not hold (RE2 syntax): C0 controls but tab and line feed, DEL and C1
# controls; zero-width space, word joiner and byte-order mark; left-to-right and right-to-left
# marks, embeddings, overrides and isolates (which reorder what a reviewer sees).
HIDDEN = (r"[\x00-\x08\x0b-\x1f\x7f-\x9f\x{200b}\x{200e}\x{200f}\x{202a}-\x{202e}"
          r"\x{2060}\x{2066}-\x{2069}\x{feff}]")
THREADS_FROM = 100_000  # rows: below this, handing columns to threads costs more than it saves


def _shown(value: str) -> str:
    return shown(value, limit=40)


def _problems(file: str, lines: np.ndarray, mask: np.ndarray, column: str, check: str,
              message, values: pd.Series | None = None) -> list[Problem]:
    """One problem per True in ``mask`` (the first :data:`~ceg_calc.report.PER_CHECK`, the rest
    counted); ``message`` may be a function of the cell's text."""
    def make(i):
        return Problem(file, int(lines[i]), column, check, message(values.iat[i]) if callable(message) else message)

    return capped(file, column, check, np.flatnonzero(mask), make, lines)


def _to_integer(text: pd.Series, present: np.ndarray):
    ok = text.str.fullmatch(INTEGER).to_numpy(dtype=bool, na_value=False)
    # digits beyond 64-bit integers (which pandas would turn into floats or objects) are refused
    long = ok & (text.str.lstrip("+-").str.lstrip("0").str.len().to_numpy(dtype=int, na_value=0) >= 19)
    if long.any():
        ok = ok.copy()
        ok[long] = [INT64[0] <= int(v) <= INT64[1] for v in text[long]]
    return exact_integers(text, ok & present), present & ~ok, \
        "is not an integer (a whole number within the 64-bit range)"


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


def _to_number(text: pd.Series, present: np.ndarray):
    values, ok = parse_numbers(text)
    if not ok.all():
        values = np.where(ok, values, np.nan)
    values = pd.Series(values, index=text.index, dtype="float64")
    return values, ~ok, "is not a finite number (plain decimal or 1.5e23 notation)"


def _to_boolean(text: pd.Series, present: np.ndarray, field: Field):
    position = positions(text, field.true_values + field.false_values)
    is_true = (position >= 0) & (position < len(field.true_values))
    is_false = position >= len(field.true_values)
    values = pd.Series(pd.arrays.BooleanArray(is_true, ~(is_true | is_false)), index=text.index)
    allowed = " or ".join(repr(v) for v in field.true_values + field.false_values)
    return values, present & ~(is_true | is_false), f"is not a boolean: write {allowed}"


def _to_date(text: pd.Series, present: np.ndarray):
    shaped = text.str.fullmatch(DATE).to_numpy(dtype=bool, na_value=False)
    values = pd.to_datetime(text.where(shaped & present), format="%Y-%m-%d", errors="coerce")
    ok = shaped & values.notna().to_numpy()
    return values, present & ~ok, "is not a date (YYYY-MM-DD)"


def _formula_cells(text: pd.Series, present: np.ndarray) -> np.ndarray:
    starts = starts_with_any(text, FORMULA_START) & present
    if not starts.any():
        return starts
    numeric = text.str.fullmatch(NUMBER).to_numpy(dtype=bool, na_value=False)
    return starts & ~numeric


def type_column(text: pd.Series, field: Field, file: str, lines: np.ndarray):
    """Type one column of text cells.

    Parameters
    ----------
    text : pandas.Series
        Cells as text; the empty string means missing.
    field : Field
        The column's Table Schema field.
    file : str
        Path shown in problems (``data/<table>.csv``).
    lines : numpy.ndarray
        Physical CSV line of each row.

    Returns
    -------
    values : pandas.Series
        Typed values (``<NA>``/``NaN``/``NaT`` for missing or invalid cells).
    problems : list of Problem
        Type errors, missing required values and formula-like text.
    """
    present = (text != "").to_numpy()
    problems = []
    if field.required:
        problems += _problems(file, lines, ~present, field.name, "required", "required value is missing")
    kind = field.type
    if kind in ("integer", "year"):
        values, bad, what = _to_integer(text, present)
    elif kind == "number":
        values, bad, what = _to_number(text, present)
    elif kind == "boolean":
        values, bad, what = _to_boolean(text, present, field)
    elif kind == "date":
        values, bad, what = _to_date(text, present)
    else:
        values = missing_where(text, present)
        # A pattern (identifiers, URLs) already rules out a leading formula character.
        bad = np.zeros(len(text), dtype=bool) if "pattern" in field.constraints else _formula_cells(text, present)
        what = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return): reword it"
    problems += _problems(file, lines, bad, field.name, "type", lambda v: f"{_shown(v)} {what}", text)
    if kind not in ("integer", "year", "number", "boolean", "date"):
        hidden = per_value(text, lambda cells: pc.match_substring_regex(cells, HIDDEN)) & ~bad
        problems += _problems(file, lines, hidden, field.name, "text", lambda v: (
            f"{_shown(v)} holds a control character (other than tab and line break), a bidi override or "
            "a zero-width character: delete it"), text)
    return values, problems


def type_frame(raw_frame: pd.DataFrame, fields, file: str, lines: np.ndarray):
    """Type every schema column present in ``raw_frame``; see :func:`type_column`.

    The columns of a long table are typed on the machine's cores (the Arrow kernels release the
    GIL); results keep the schema's order.
    """
    present = [field for field in fields if field.name in raw_frame.columns]

    def typed(field):
        return type_column(raw_frame[field.name], field, file, lines)

    if len(raw_frame) < THREADS_FROM:
        results = [typed(field) for field in present]
    else:
        results = thread_map(typed, present)
    columns = {field.name: values for field, (values, _) in zip(present, results)}
    problems = [problem for _, found in results for problem in found]
    return pd.DataFrame(columns, index=raw_frame.index), problems
