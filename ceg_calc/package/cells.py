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


def _parse_key(field: Field) -> tuple:
    """What typing a column depends on besides its cells: columns with the same key can be typed
    as one (:func:`type_frames`); ``required`` only selects problems, so it is not part of it."""
    return field.type, field.true_values, field.false_values, "pattern" in field.constraints


def _type_cells(text: pd.Series, field: Field, checked: bool) -> dict:
    """The work of typing ``text`` under ``field`` (or any field of the same :func:`_parse_key`):
    typed ``values``, and with ``checked`` the masks problems are made from."""
    present = ~empty_cells(text)
    kind = field_type(field.type)
    if not checked:
        return {"values": kind.parse(text, present, field)[0] if kind.parse is not None else missing_where(text, present)}
    if kind.parse is not None:
        values, bad, what = kind.parse(text, present, field)
        hidden = None
    else:
        values = missing_where(text, present)
        # A pattern (identifiers, URLs) already rules out a leading formula character.
        bad = np.zeros(len(text), dtype=bool) if "pattern" in field.constraints else _formula_cells(text, present)
        what = "starts like a spreadsheet formula (=, +, -, @, tab or carriage return): reword it"
        hidden = per_value(text, lambda cells: pc.match_substring_regex(cells, HIDDEN)) & ~bad
    return {"values": values, "present": present, "bad": bad, "what": what, "hidden": hidden}


def _cell_problems(work: dict, text: pd.Series, field: Field, file: str, lines: np.ndarray) -> list[Problem]:
    """The problems of one column from the masks of :func:`_type_cells` (aligned with ``text``)."""
    if not ((field.required and not work["present"].all()) or work["bad"].any()
            or (work["hidden"] is not None and work["hidden"].any())):
        return []  # the common case, without a call per check
    problems = []
    if field.required:
        problems += _problems(file, lines, ~work["present"], field.name, "required", "required value is missing")
    what = work["what"]
    problems += _problems(file, lines, work["bad"], field.name, "type", lambda v: f"{_shown(v)} {what}", text)
    if work["hidden"] is not None:  # free text
        problems += _problems(file, lines, work["hidden"], field.name, "text", lambda v: (
            f"{_shown(v)} holds a control character (other than tab and line break), a bidi override or "
            "a zero-width character: delete it"), text)
    return problems


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
    work = _type_cells(text, field, checked)
    return work["values"], (_cell_problems(work, text, field, file, lines) if checked else [])


def _type_batch(columns: list, checked: bool) -> list:
    """``type_column`` for columns of one :func:`_parse_key`, their cells typed as one column (the
    kernels' cost is mostly per call: on a package of small tables, a fifth of typing each alone).
    ``columns`` holds ``(text, field, file, lines)``; the results are in that order."""
    if len(columns) == 1:
        return [type_column(*columns[0], checked)]
    texts = [text.array for text, *_ in columns]
    # The extension array's own concatenation: a tenth of pd.concat's cost on short columns.
    joined = (pd.Series(type(texts[0])._concat_same_type(texts))
              if all(isinstance(t, pd.api.extensions.ExtensionArray) and t.dtype == texts[0].dtype for t in texts)
              else pd.concat([text for text, *_ in columns], ignore_index=True))
    work = _type_cells(joined, columns[0][1], checked)
    results, start = [], 0
    for text, field, file, lines in columns:
        end = start + len(text)
        part = {k: (pd.Series(v.array[start:end], index=text.index, copy=False) if isinstance(v, pd.Series) else
                    v[start:end] if isinstance(v, np.ndarray) else v) for k, v in work.items()}
        results.append((part["values"], _cell_problems(part, text, field, file, lines) if checked else []))
        start = end
    return results


def type_frames(tables: list, checked: bool = True) -> list:
    """:func:`type_frame` of several tables, ``(raw_frame, fields, file, lines)`` each.

    The columns of tables under :data:`THREADS_FROM` rows are typed together with the columns of
    the other such tables that parse alike; longer tables are typed column by column on the
    machine's cores (the Arrow kernels release the GIL). Values and problems are those of typing
    each column alone; each frame keeps its schema's order, problems come table by table and
    column by column.
    """
    typed = [{} for _ in tables]  # per table: field name -> (values, problems)
    batches: dict = {}
    for t, (raw_frame, fields, file, lines) in enumerate(tables):
        present = [field for field in fields if field.name in raw_frame.columns]
        if len(raw_frame) >= THREADS_FROM:
            results = thread_map(lambda field: type_column(raw_frame[field.name], field, file, lines, checked), present)
            typed[t].update((field.name, result) for field, result in zip(present, results))
            continue
        for field in present:
            batches.setdefault(_parse_key(field), []).append((t, (raw_frame[field.name], field, file, lines)))
    for members in batches.values():
        for (t, (_, field, _, _)), result in zip(members, _type_batch([m for _, m in members], checked)):
            typed[t][field.name] = result
    frames = []
    for (raw_frame, fields, _, _), columns in zip(tables, typed):
        order = [field.name for field in fields if field.name in columns]
        frame = pd.DataFrame({name: columns[name][0] for name in order}, index=raw_frame.index, copy=False)
        frames.append((frame, [problem for name in order for problem in columns[name][1]]))
    return frames


def type_frame(raw_frame: pd.DataFrame, fields, file: str, lines: np.ndarray, checked: bool = True):
    """Type every schema column present in ``raw_frame``; see :func:`type_column` (and ``checked``).

    Returns ``(frame, problems)``: the typed columns in the schema's order (new columns), and the
    problems column by column. See :func:`type_frames` for several tables at once.
    """
    return type_frames([(raw_frame, fields, file, lines)], checked)[0]
