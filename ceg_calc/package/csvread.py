"""Structural reading of a CSV file: encoding, header, ragged and blank rows.

Every cell comes back as its exact text, with the physical line each row starts on, so that
later checks can name ``file:line: column``. A regular file (no ragged rows, no line breaks
inside quoted cells) takes a fast path through pandas' C parser (multi-threaded on large
files); anything irregular is re-read with the standard library's ``csv`` module, which is
slower but knows exactly where every row starts. A small file (under :data:`FAST_FROM` bytes)
goes to that reader directly: pandas' fixed cost, 1-3 ms a file, is more than the ``csv``
module needs for a few thousand rows (a tenth of it on the test packages' files).

The fast path reads every column as Arrow text, not as numbers: pandas' and pyarrow's number
parsers accept ``" 1.5"``, and pandas' inference reads ``-0`` as ``0`` and ``tRue`` as a
boolean, all of which the package rejects or keeps apart (:mod:`ceg_calc.package.cells` types the
text). Reading as Arrow text takes pandas about as long as letting it infer types.
"""

from __future__ import annotations

import csv
import io
import mmap
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ceg_calc.core.arrow import empty_cells
from ceg_calc.package.descriptor import Resource
from ceg_calc.core.report import Problem, capped, capped_each

BOM = b"\xef\xbb\xbf"
MAP_FROM = 1 << 20  # files from this size [bytes] are memory-mapped rather than copied
SLICE = 1 << 20  # bytes counted at a time: a slice's comparison stays in the CPU cache
TEXT = pd.ArrowDtype(pa.large_string())  # every cell as its exact text
FAST_FROM = 1 << 18  # files from this size [bytes] try pandas' parser first; smaller ones go to ``csv``
MAX_EXTRA_COLUMNS = 50  # header names beyond the schema's before a file is not read at all


@dataclass
class RawTable:
    """Cells of one CSV file as text (empty string for an empty cell).

    ``frame`` has one column per header name present in the file (duplicates dropped);
    ``lines[i]`` is the physical line of row ``i`` (header = 1).
    """

    file: str
    frame: pd.DataFrame | None
    lines: np.ndarray | None
    problems: list = field(default_factory=list)

    @property
    def readable(self) -> bool:
        return self.frame is not None


def _decode(data: bytes, file: str) -> tuple[str | None, list]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start:exc.start + 1].hex()
        msg = f"not valid UTF-8 (byte 0x{bad} at offset {exc.start}); save the file as UTF-8"
        return None, [Problem(file, line, None, "encoding", msg)]


def _header_problems(header: list[str], resource: Resource, file: str) -> list[Problem]:
    problems = []
    seen: dict = {}
    expected = resource.field_names
    schema = resource.schema_path or "the schema"
    for position, name in enumerate(header, start=1):
        if name.strip() == "":
            problems.append(Problem(file, 1, None, "header", f"column {position} has a blank header name"))
        elif name in seen:
            problems.append(Problem(file, 1, name, "duplicate-header",
                                    f"duplicate header name (also column {seen[name]})"))
        else:
            seen[name] = position
        if name.strip() and name not in expected:
            problems.append(Problem(file, 1, name, "extra-column", f"unknown column: not in {schema}"))
    for name in expected:
        if name not in seen:
            problems.append(Problem(file, 1, name, "missing-column", f"missing column (declared in {schema})"))
    present = [h for h in header if h in expected]
    if not problems and present != expected:
        problems.append(Problem(file, 1, None, "column-order",
                                "columns are not in schema order; expected: " + ",".join(expected)))
    return problems


def _load(path: Path):
    """The file's bytes; a large file is memory-mapped, since copying it costs more than scanning it."""
    with open(path, "rb") as f:
        if os.fstat(f.fileno()).st_size < MAP_FROM:
            return f.read()
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _is_blank(data, start: int) -> bool:
    """True when only whitespace follows ``start`` (the whole file is looked at only if its head is blank)."""
    head = data[start:start + 4096]
    if head and not head.isspace():
        return False
    rest = data[start:]
    return not rest or rest.isspace()


def _first_row(data, start: int) -> list[str]:
    """Header names, or ``[]`` when the first line is not UTF-8."""
    end = data.find(b"\n", start)
    first_line = data[start:end if end != -1 else len(data)]
    try:
        return next(csv.reader(io.StringIO(first_line.decode("utf-8").rstrip("\r"), newline="")))
    except UnicodeDecodeError:
        return []


def _count(data, start: int, byte: bytes) -> int:
    """How often ``byte`` occurs from ``start`` on (several times faster than ``bytes.count``)."""
    array = np.frombuffer(data, dtype=np.uint8, offset=start)
    return sum(int(np.count_nonzero(array[i:i + SLICE] == byte[0])) for i in range(0, len(array), SLICE))


def _regular(frame: pd.DataFrame, data, start: int, header: list[str], quoted: bool) -> bool:
    """True when every row of ``frame`` had one cell per header name and a line of its own.

    pandas raises on a long row, except the first, which it takes as an index; it pads a
    short row with empty cells and keeps a line break inside a quoted cell. So: a short row
    shows in the count of commas (one fewer per missing cell; commas inside quoted cells
    come back in the text), and a line break in a cell in the count of lines.
    """
    if not isinstance(frame.index, pd.RangeIndex) or frame.shape[1] != len(header):
        return False
    if quoted and _count(data, start, b"\n") + (data[-1:] != b"\n") != len(frame) + 1:
        return False
    if len(header) == 1 or not (frame.iloc[:, -1] == "").any():  # padding would end a row
        return True
    inside = sum(name.count(",") for name in header)
    if quoted:
        inside += sum(int(frame.iloc[:, i].str.count(",").sum()) for i in range(frame.shape[1]))
    return _count(data, start, b",") == (len(frame) + 1) * (len(header) - 1) + inside


def _fast_read(path: Path, data, start: int, header: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Read with pandas; ``None`` when the file is irregular and needs the exact reader.

    Irregular means: a ragged row, a line break inside a quoted cell, a carriage return
    inside a quoted cell (where the ``csv`` module, and so the exact reader's line numbers,
    count a line, but pandas does not; outside quotes both end a line there), or bytes that
    are not UTF-8 (pandas decodes every cell).
    """
    quoted = data.find(b'"', start) != -1
    if quoted and data.find(b"\r", start) != -1:
        return None
    try:
        frame = pd.read_csv(str(path), dtype=TEXT, na_filter=False, skip_blank_lines=False, encoding="utf-8")
    except ValueError:  # a ParserError or UnicodeDecodeError: the exact reader says what is wrong
        return None
    frame = frame.astype("str")
    if not _regular(frame, data, start, header, quoted):
        return None
    frame.columns = header
    return frame, np.arange(2, len(frame) + 2)


def _exact_read(text: str, header: list[str], file: str) -> tuple[pd.DataFrame, np.ndarray, list]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows, lines, found = [], [], {}
    start = reader.line_num + 1
    for row in reader:
        if len(row) == len(header):
            rows.append(row)
            lines.append(start)
        else:
            blank = not row or (len(row) == 1 and row[0] == "")
            found.setdefault((None, "blank-row" if blank else "ragged-row"), []).append(
                (start, "blank row: delete it" if blank else f"row has {len(row)} cells but the header has {len(header)}"))
        start = reader.line_num + 1
    problems = capped_each(file, found)  # a million bad rows cost a thousand problems
    frame = pd.DataFrame(rows, columns=range(len(header)), dtype="str")
    frame.columns = header
    return frame, np.asarray(lines, dtype=np.int64), problems


def _blank_rows(frame: pd.DataFrame, lines: np.ndarray, file: str) -> tuple[pd.DataFrame, np.ndarray, list]:
    if frame.shape[1] == 0 or frame.empty:
        return frame, lines, []
    blank = np.ones(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        blank &= empty_cells(frame.iloc[:, i])
        if not blank.any():  # usually decided by the first column
            return frame, lines, []
    problems = capped(file, None, "blank-row", lines[blank],
                      lambda line: Problem(file, int(line), None, "blank-row", "blank row: delete it"))
    return frame[~blank].reset_index(drop=True), lines[~blank], problems


def read_raw(root: Path, resource: Resource) -> RawTable:
    """Read ``resource``'s CSV as text cells, reporting structural problems.

    Parameters
    ----------
    root : Path
        Folder of the data package.
    resource : Resource
        The resource whose ``path`` is read.

    Returns
    -------
    RawTable
        With ``frame`` ``None`` when the file cannot be read at all (missing, not UTF-8, empty).
    """
    file = resource.path
    try:
        data = _load(root / file)
    except FileNotFoundError:
        return RawTable(file, None, None, [Problem(file, None, None, "missing-file", "file not found")])
    except OSError as exc:
        return RawTable(file, None, None, [Problem(file, None, None, "unreadable-file", f"cannot read: {exc.strerror}")])
    start = len(BOM) if data[:len(BOM)] == BOM else 0
    if _is_blank(data, start):
        return RawTable(file, None, None, [Problem(file, None, None, "empty-file", "file is empty: expected a header row")])
    header = _first_row(data, start)
    if len(header) > len(resource.fields) + MAX_EXTRA_COLUMNS:  # 100,000 names would take minutes
        return RawTable(file, None, None, [Problem(file, 1, None, "header", (
            f"the header has {len(header):,} columns, the schema {len(resource.fields)}: "
            f"more than {MAX_EXTRA_COLUMNS} unknown columns; the file is not read further"))])
    fast = _fast_read(root / file, data, start, header) if header and len(data) - start >= FAST_FROM else None
    if fast is not None:
        frame, lines = fast
        problems = _header_problems(header, resource, file)
    else:
        text, problems = _decode(data[start:], file)
        if text is None:
            return RawTable(file, None, None, problems)
        header = next(csv.reader(io.StringIO(text, newline="")))
        problems = _header_problems(header, resource, file)
        frame, lines, structural = _exact_read(text, header, file)
        problems += structural
    frame, lines, blank = _blank_rows(frame, lines, file)
    keep = [i for i, h in enumerate(header) if h in resource.field_names and header.index(h) == i]
    if len(keep) < frame.shape[1]:  # unknown and repeated columns go; a file of the schema's columns is kept as read
        frame = frame.iloc[:, keep]
    return RawTable(file, frame, lines, problems + blank)
