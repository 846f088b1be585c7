"""Row-level differences between two versions of the package's tables, by primary key: the one
implementation behind a release's ``diff-X.Y.Z.json`` (:mod:`ceg_calc.publish.release`) and the
data diff a pull request shows its reviewers (:mod:`ceg_calc.verbs.datadiff`).

Tables are compared as text, cell by cell, exactly as the CSV files hold them: ``{table: {key:
{column: text}}}``, the key being the primary key's cells joined by ``|`` (every column when a
table has no primary key). A changed number is given with its ratio new/old, so that a value
divided by a hundred reads ``x0.01``.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import pandas as pd

LARGE_RATIO = 2.0  # a number that moved by more than this factor (either way) is flagged


def table_rows(csv, keys) -> dict[str, dict[str, str]]:
    """``{key: {column: text}}`` of a CSV (a path, a file object, or its bytes), every cell as text
    (the empty cell is ``""``)."""
    if isinstance(csv, bytes):
        csv = io.BytesIO(csv)
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    keys = list(keys) or list(frame.columns)
    return {"|".join(r[k] for k in keys): r for r in frame.to_dict("records")}


def row_diff(old: dict, new: dict) -> dict:
    """Added, removed and changed keys per table between two ``{table: {key: row}}`` mappings."""
    tables = {}
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, {}), new.get(name, {})
        tables[name] = {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
                        "changed": sorted(k for k in set(a) & set(b) if a[k] != b[k])}
    return tables


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class CellChange:
    """One changed cell of a row present in both versions."""

    table: str
    key: str
    column: str
    old: str
    new: str

    @property
    def ratio(self) -> float | None:
        """new/old when both are numbers and old is not zero, else None."""
        a, b = _number(self.old), _number(self.new)
        return b / a if a not in (None, 0.0) and b is not None else None

    @property
    def large(self) -> bool:
        """A number that moved by more than :data:`LARGE_RATIO` either way, changed sign, or left
        zero; a text cell never is."""
        a, b = _number(self.old), _number(self.new)
        if a is None or b is None:
            return False
        if a == 0.0:
            return b != 0.0
        ratio = b / a
        return ratio <= 0 or ratio > LARGE_RATIO or ratio < 1 / LARGE_RATIO

    def __str__(self) -> str:
        ratio = self.ratio
        shown = f" (x{ratio:.3g})" if ratio is not None else ""
        return f"{self.table} {self.key}: {self.column} {_short(self.old)} -> {_short(self.new)}{shown}"


def _short(text: str, limit: int = 60) -> str:
    text = repr(text) if text == "" or any(c in text for c in "\r\n\t") else text
    return text if len(text) <= limit else text[:limit] + "..."


def cell_changes(old: dict, new: dict) -> list[CellChange]:
    """Every changed cell of the rows both ``{table: {key: row}}`` mappings hold, by table, key and
    column (a column only one version has counts as changed from or to the empty cell)."""
    out = []
    for name in sorted(set(old) & set(new)):
        a, b = old[name], new[name]
        for key in sorted(set(a) & set(b)):
            if a[key] == b[key]:
                continue
            for column in list(dict.fromkeys([*a[key], *b[key]])):
                before, after = a[key].get(column, ""), b[key].get(column, "")
                if before != after:
                    out.append(CellChange(name, key, column, before, after))
    return out
