"""Vectorised helpers that let pyarrow do the work on Arrow-backed text columns.

pandas 3 stores text in Arrow arrays; for membership tests and number parsing pyarrow's
kernels are several times faster than the generic pandas paths (measured on one million
rows in ``make bench``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def isin(series: pd.Series, values) -> np.ndarray:
    """Boolean array: which elements of ``series`` are in ``values`` (missing → False)."""
    values = list(values)
    if isinstance(series.dtype, pd.StringDtype) and all(isinstance(v, str) for v in values):
        found = pc.is_in(pa.array(series), value_set=pa.array(values, type=pa.string()))
        return found.to_numpy(zero_copy_only=False).astype(bool) & series.notna().to_numpy()
    return series.isin(values).to_numpy()


def parse_numbers(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse non-empty text cells as float64.

    Returns
    -------
    values : numpy.ndarray
        float64, NaN where the cell is empty or not a number.
    ok : numpy.ndarray
        True where the cell is empty or a finite number.
    """
    arrow = pa.array(text)
    empty = pc.equal(arrow, "")
    try:
        parsed = pc.cast(pc.if_else(empty, pa.scalar(None, pa.string()), arrow), pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _parse_numbers_slowly(text)
    values = parsed.to_numpy(zero_copy_only=False)
    empty = empty.to_numpy(zero_copy_only=False)
    return values, empty | np.isfinite(values)


def _parse_numbers_slowly(text: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    from ceg_calc.cells import NUMBER

    shaped = text.str.fullmatch(NUMBER).to_numpy(dtype=bool, na_value=False)
    values = pd.to_numeric(text.where(shaped), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    empty = (text == "").to_numpy()
    return values, empty | (shaped & np.isfinite(values))


def full_match(series: pd.Series, pattern: str) -> np.ndarray:
    """Boolean array: which text cells match ``pattern`` as a whole (Table Schema semantics).

    A column with few distinct values (identifiers repeated across rows) is matched once
    per distinct value.
    """
    arrow = pa.array(series.astype("str")) if not isinstance(series.dtype, pd.StringDtype) else pa.array(series)
    anchored = f"^(?:{pattern.removeprefix('^').removesuffix('$')})$"
    distinct = pc.unique(arrow)
    if len(distinct) * 4 < len(arrow):
        good = pc.filter(distinct, pc.match_substring_regex(distinct, anchored))
        return pc.is_in(arrow, value_set=good).to_numpy(zero_copy_only=False).astype(bool)
    return pc.match_substring_regex(arrow, anchored).to_numpy(zero_copy_only=False).astype(bool)


def starts_with_any(series: pd.Series, characters: str) -> np.ndarray:
    """Boolean array: which text cells begin with one of ``characters``."""
    first = pc.utf8_slice_codeunits(pa.array(series), 0, 1)
    return pc.is_in(first, value_set=pa.array(list(characters))).to_numpy(zero_copy_only=False).astype(bool)


def has_duplicates(series: pd.Series) -> bool:
    """True when a non-missing value occurs twice (a fast test before locating them)."""
    arrow = pa.array(series)
    present = arrow.drop_null() if arrow.null_count else arrow
    return pc.count_distinct(present).as_py() < len(present)
