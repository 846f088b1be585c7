"""The Save step every import shares: imported rows replace the rows with the same key in ``data/``,
every other row (added by hand from another source) is kept, and each file is rewritten atomically,
sorted by key. With ``check`` nothing is written: the step reports which files would change.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ceg_calc.core.errors import CegError
from ceg_calc.core.files import write_atomic
from ceg_calc.package.types import untyped_csv


class IngestError(CegError):
    """A snapshot or table does not fit what an import expects: the message names the file, and
    the line and column where there is one."""


def load_csv(path: Path, columns: list[str], shown: str | None = None) -> pd.DataFrame:
    """A CSV file as text cells, with the ``columns`` an import reads checked to be there."""
    shown = shown or str(path)
    if not path.exists():
        raise IngestError(f"{shown}: file not found")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise IngestError(f"{shown}: missing column(s) {', '.join(missing)}")
    return frame


def merged_text(path: Path, imported: pd.DataFrame, key: str) -> str:
    """The file's new text: imported rows replace same-key rows, the others are kept; sorted by key."""
    existing = pd.read_csv(path, dtype=str, keep_default_na=False)
    header = list(existing.columns)
    missing = [c for c in imported.columns if c not in header]
    if missing:
        raise IngestError(f"{path.name}: the schema has no column(s) {', '.join(missing)}")
    kept = existing[~existing[key].isin(set(imported[key]))]
    new = imported.reindex(columns=header).map(untyped_csv)
    rows = pd.concat([kept, new], ignore_index=True).sort_values(key, kind="stable")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows.itertuples(index=False))
    return buffer.getvalue()


def save(root: Path, tables: dict, check: bool, what: str) -> tuple[int, list[str]]:
    """Merge each ``name: (frame, key)`` of ``tables`` into ``data/<name>.csv`` of the package at
    ``root`` (:func:`merged_text`) and write it atomically.

    Returns
    -------
    status, lines : int, list of str
        0, or with ``check`` 1 when a file would change (nothing is then written); one line per
        table saying what was written or what differs.
    """
    status, lines = 0, []
    texts = {name: (merged_text(Path(root) / "data" / f"{name}.csv", frame, key), len(frame))
             for name, (frame, key) in tables.items()}  # every table merged before any is written
    for name, (text, count) in texts.items():
        path = Path(root) / "data" / f"{name}.csv"
        if check:
            if text != path.read_text(encoding="utf-8"):
                lines.append(f"data/{name}.csv differs from {what}; run `make data`")
                status = 1
        else:
            write_atomic(path, text)
            lines.append(f"data/{name}.csv: {count} imported rows")
    return status, lines
