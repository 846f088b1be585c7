"""Per-cell typing: text cells to typed columns, with a problem for every cell that does not parse.

Each type's parser is a row of the one type table (:mod:`ceg_calc.package.types`).

Text cells that a spreadsheet would run as a formula (first character ``=``, ``+``, ``-``,
``@``, tab or carriage return, unless the whole cell is a number) are rejected: the CSVs
are opened in spreadsheets. Text cells holding a control character (other than tab and line
feed), a zero-width character or a bidi override are rejected too: they hide or reorder what a
reviewer sees.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import pyarrow.compute as pc

from ceg_calc.core.arrow import NUMBER, empty_cells, missing_where, per_value, starts_with_any
from ceg_calc.package.descriptor import Field
from ceg_calc.package.types import field_type
from ceg_calc.core.parallel import thread_map
from ceg_calc.core.report import Problem, capped
from ceg_calc.core.shown import shown

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
    """One problem per True in ``mask`` (the first :data:`~ceg_calc.core.report.PER_CHECK`, the rest
    counted); ``message`` may be a function of the cell's text."""
    def make(i):
        return Problem(file, int(lines[i]), column, check, message(values.iat[i]) if callable(message) else message)

    return capped(file, column, check, np.flatnonzero(mask), make, lines)


def _formula_cells(text: pd.Series, present: np.ndarray) -> np.ndarray:
    starts = starts_with_any(text, FORMULA_START) & present
    if not starts.any():
        return starts
    numeric = text.str.fullmatch(NUMBER).to_numpy(dtype=bool, na_value=False)
    return starts & ~numeric


def type_column(text: pd.Series, field: Field, file: str, lines: np.ndarray, checked: bool = True):
    """Type one column of text cells (without ``checked``, only the values: no problems are looked
    for beyond what parsing the cells finds, and none is returned).

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
    present = ~empty_cells(text)
    problems = []
    kind = field_type(field.type)
    if not checked:
        return (kind.parse(text, present, field)[0] if kind.parse is not None else missing_where(text, present)), []
    if field.required:
        problems += _problems(file, lines, ~present, field.name, "required", "required value is missing")
    if kind.parse is not None:
        values, bad, what = kind.parse(text, present, field)
    else:
        values = missing_where(text, present)
        # A pattern (identifiers, URLs) already rules out a leading formula character.
        bad = np.zeros(len(text), dtype=bool) if "pattern" in field.constraints else _formula_cells(text, present)
        what = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return): reword it"
    problems += _problems(file, lines, bad, field.name, "type", lambda v: f"{_shown(v)} {what}", text)
    if kind.parse is None:  # free text
        hidden = per_value(text, lambda cells: pc.match_substring_regex(cells, HIDDEN)) & ~bad
        problems += _problems(file, lines, hidden, field.name, "text", lambda v: (
            f"{_shown(v)} holds a control character (other than tab and line break), a bidi override or "
            "a zero-width character: delete it"), text)
    return values, problems


def type_frame(raw_frame: pd.DataFrame, fields, file: str, lines: np.ndarray, checked: bool = True):
    """Type every schema column present in ``raw_frame``; see :func:`type_column` (and ``checked``).

    The columns of a long table are typed on the machine's cores (the Arrow kernels release the
    GIL); results keep the schema's order.
    """
    present = [field for field in fields if field.name in raw_frame.columns]

    def typed(field):
        return type_column(raw_frame[field.name], field, file, lines, checked)

    if len(raw_frame) < THREADS_FROM:
        results = [typed(field) for field in present]
    else:
        results = thread_map(typed, present)
    columns = {field.name: values for field, (values, _) in zip(present, results)}
    problems = [problem for _, found in results for problem in found]
    return pd.DataFrame(columns, index=raw_frame.index, copy=False), problems  # the typed columns are new
