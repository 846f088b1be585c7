"""Structural reading of a CSV file: encoding, header, ragged and blank rows.

Every cell comes back as text, with the physical line each row starts on, so that later
checks can name ``file:line: column``. A regular file (no ragged rows, no line breaks inside
quoted cells) takes a fast multi-threaded path through pyarrow; anything irregular is
re-read with the standard library's ``csv`` module, which is slower but knows exactly where
every row starts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from ceg_calc.package import Resource
from ceg_calc.report import Problem

BOM = b"\xef\xbb\xbf"


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


def _fast_read(data: bytes, header: list[str]) -> tuple[pd.DataFrame, np.ndarray] | None:
    """Read with pyarrow; ``None`` when the file is irregular and needs the exact reader.

    Irregular means: a ragged row, a line break inside a quoted cell, a carriage return, or
    bytes that are not UTF-8 (pyarrow checks the encoding of every string cell).
    """
    if b"\r" in data:
        return None
    invalid = []

    def on_invalid(row):
        invalid.append(row)
        return "skip"

    names = [f"{h}\x00{i}" for i, h in enumerate(header)]  # unique even for duplicate headers
    try:
        table = pacsv.read_csv(
            io.BytesIO(data),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False, ignore_empty_lines=False,
                                              invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    newlines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if invalid or newlines != table.num_rows + 1:
        return None
    frame = table.to_pandas()
    frame.columns = header
    return frame, np.arange(2, table.num_rows + 2)


def _exact_read(text: str, header: list[str], file: str) -> tuple[pd.DataFrame, np.ndarray, list]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    rows, lines, problems = [], [], []
    start = reader.line_num + 1
    for row in reader:
        if len(row) == len(header):
            rows.append(row)
            lines.append(start)
        elif not row or (len(row) == 1 and row[0] == ""):
            problems.append(Problem(file, start, None, "blank-row", "blank row: delete it"))
        else:
            problems.append(Problem(file, start, None, "ragged-row",
                                    f"row has {len(row)} cells but the header has {len(header)}"))
        start = reader.line_num + 1
    frame = pd.DataFrame(rows, columns=range(len(header)), dtype="str")
    frame.columns = header
    return frame, np.asarray(lines, dtype=np.int64), problems


def _blank_rows(frame: pd.DataFrame, lines: np.ndarray, file: str) -> tuple[pd.DataFrame, np.ndarray, list]:
    if frame.shape[1] == 0 or frame.empty:
        return frame, lines, []
    blank = np.ones(len(frame), dtype=bool)
    for i in range(frame.shape[1]):
        blank &= (frame.iloc[:, i] == "").to_numpy()
    if not blank.any():
        return frame, lines, []
    problems = [Problem(file, int(line), None, "blank-row", "blank row: delete it") for line in lines[blank]]
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
        data = (root / file).read_bytes()
    except FileNotFoundError:
        return RawTable(file, None, None, [Problem(file, None, None, "missing-file", "file not found")])
    except OSError as exc:
        return RawTable(file, None, None, [Problem(file, None, None, "unreadable-file", f"cannot read: {exc.strerror}")])
    if data.startswith(BOM):
        data = data[len(BOM):]
    if data.isspace() or not data:
        return RawTable(file, None, None, [Problem(file, None, None, "empty-file", "file is empty: expected a header row")])
    first_line = data[:data.find(b"\n")] if b"\n" in data else data
    try:
        header = next(csv.reader(io.StringIO(first_line.decode("utf-8").rstrip("\r"), newline="")))
    except UnicodeDecodeError:
        header = []
    fast = _fast_read(data, header) if header else None
    if fast is not None:
        frame, lines = fast
        problems = _header_problems(header, resource, file)
    else:
        text, problems = _decode(data, file)
        if text is None:
            return RawTable(file, None, None, problems)
        header = next(csv.reader(io.StringIO(text, newline="")))
        problems = _header_problems(header, resource, file)
        frame, lines, structural = _exact_read(text, header, file)
        problems += structural
    frame, lines, blank = _blank_rows(frame, lines, file)
    keep = [i for i, h in enumerate(header) if h in resource.field_names and header.index(h) == i]
    frame = frame.iloc[:, keep]
    return RawTable(file, frame, lines, problems + blank)
