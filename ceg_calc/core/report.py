"""Validation problems and the report that collects them.

A problem names a file, the physical CSV line (header = line 1; ``None`` for a problem with
the whole file), a column (``None`` for a whole row or file), the check that failed and a
message written for the contributor who has to fix it.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, replace

import numpy as np

from ceg_calc.core.shown import misleading, shown

MAX_SHOWN = 1000  # problems printed; the rest are counted per check ("... and N more")
MAX_KEPT = 10_000  # problems a report holds; the rest are counted only
PER_CHECK = 1000  # problems one check makes for one column of one file; the rest are counted
COLUMN_LIMIT = 80  # characters of a column name (a header cell) shown
MESSAGE_LIMIT = 1000  # characters of a message shown


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the package."""

    file: str
    line: int | None
    column: str | None
    check: str
    message: str

    def sort_key(self):
        return (self.file, self.line or 0, self.column or "", self.check, self.message)

    def __str__(self) -> str:
        place = self.file if self.line is None else f"{self.file}:{self.line}"
        column = f" {self.column}:" if self.column else ""
        return f"{place}:{column} {self.message}"


@dataclass(frozen=True, eq=False)
class Omitted:
    """Problems of ``check`` in ``file`` (and ``column``) that a check counted but did not make:
    one per physical line in ``lines``."""

    file: str
    column: str | None
    check: str
    lines: np.ndarray
    line = None  # like a problem about a whole column

    @property
    def count(self) -> int:
        return len(self.lines)


def capped(file: str, column: str | None, check: str, rows, make, lines=None) -> list:
    """``make(row)`` for the first :data:`PER_CHECK` of ``rows``, and an :class:`Omitted` for the rest
    (``lines[row]`` their physical lines; ``rows`` are lines when ``lines`` is None): a million bad
    cells cost a thousand problems, not a million."""
    out = [make(row) for row in rows[:PER_CHECK]]
    if len(rows) > PER_CHECK:
        rest = np.asarray(rows[PER_CHECK:])
        out.append(Omitted(file, column, check, rest if lines is None else np.asarray(lines)[rest]))
    return out


def capped_each(file: str, found: dict) -> list:
    """:func:`capped` for each group of ``found`` (``{(column, check): [(line, message), ...]}``, the
    items in the order found): the first :data:`PER_CHECK` of a group become problems, the rest are
    counted by their lines (-1 for a problem without one)."""
    out = []
    for (column, check), items in found.items():
        lines = np.asarray([-1 if line is None else line for line, _ in items], dtype=np.int64)
        out += capped(file, column, check, np.arange(len(items)),
                      lambda i: Problem(file, items[i][0], column, check, items[i][1]), lines)
    return out


def _bounded(problem: Problem) -> Problem:
    """The problem with a column name shown safely (cut, escaped) and a message of bounded length."""
    column, message = problem.column, problem.message
    if column is not None and (len(column) > COLUMN_LIMIT or misleading(column)):
        column = shown(column, COLUMN_LIMIT)
    if len(message) > MESSAGE_LIMIT:
        message = message[:MESSAGE_LIMIT] + f"... ({len(message):,} characters)"
    if column is problem.column and message is problem.message:
        return problem
    return replace(problem, column=column, message=message)


class Report:
    """The problems found in one validation run, deduplicated and sorted by file and line."""

    def __init__(self, problems=()):
        self._problems: dict = {}
        self._places: set = set()
        self._more: Counter = Counter()  # (file, check) -> problems counted but not kept
        self._hidden: dict = {}  # (file, column) -> by line: True where a cell's problem was counted
        self.extend(problems)

    def _counted(self, file: str, line, column) -> bool:
        """True when the cell already has a problem that was counted rather than kept."""
        counted = self._hidden.get((file, column))
        return counted is not None and line is not None and 0 <= line < len(counted) and bool(counted[line])

    def _count(self, omitted: Omitted) -> None:
        lines = np.asarray(omitted.lines, dtype=np.int64)
        if omitted.column is not None and len(lines):  # one problem per cell, as for kept problems
            key = (omitted.file, omitted.column)
            counted = self._hidden.get(key, np.zeros(0, dtype=bool))
            if lines.max() >= len(counted):
                counted = np.concatenate([counted, np.zeros(int(lines.max()) + 1 - len(counted), dtype=bool)])
            taken = counted.copy()  # cells with a problem: counted before, or kept
            kept = [line for file, line, column in self._places
                    if file == omitted.file and column == omitted.column and line is not None and line < len(taken)]
            taken[kept] = True
            inside = lines >= 0
            fresh = ~inside.copy()
            fresh[inside] = ~taken[lines[inside]]
            lines = lines[fresh]
            counted[lines[lines >= 0]] = True
            self._hidden[key] = counted
        self._more[(omitted.file, omitted.check)] += len(lines)

    def add(self, problem) -> None:
        """Keep ``problem`` (a :class:`Problem`), or count it (an :class:`Omitted`, or any problem
        beyond :data:`MAX_KEPT`)."""
        if isinstance(problem, Omitted):
            return self._count(problem)
        # One problem per cell: the first found wins, and checks run in order (structure, type,
        # required, constraints, keys, rules), so a cell that is not even a number is not also
        # reported as out of range.
        if problem.line is not None and problem.column is not None:
            key = (problem.file, problem.line, problem.column)
            if self._counted(problem.file, problem.line, problem.column):
                return
        else:
            key = (problem.file, problem.line, problem.column, problem.check, problem.message)
        if key not in self._problems and len(self._problems) >= MAX_KEPT:
            self._more[(problem.file, problem.check)] += 1
            return
        self._problems.setdefault(key, _bounded(problem))
        self._places.add((problem.file, problem.line, problem.column))

    def without_files(self, files) -> "Report":
        """A report of the problems in files other than ``files``."""
        kept = Report(p for p in self._problems.values() if p.file not in files)
        kept._more.update({k: n for k, n in self._more.items() if k[0] not in files})
        kept._hidden.update({k: v for k, v in self._hidden.items() if k[0] not in files})
        return kept

    @property
    def count(self) -> int:
        """Every problem found, kept or counted."""
        return len(self._problems) + sum(self._more.values())

    def extend(self, problems) -> None:
        for p in problems:
            self.add(p)

    def covers(self, file: str, line: int | None, column: str | None) -> bool:
        """True when a problem is already reported at this file, line and column."""
        return (file, line, column) in self._places

    @property
    def problems(self) -> list[Problem]:
        return sorted(self._problems.values(), key=Problem.sort_key)

    @property
    def valid(self) -> bool:
        return not self._problems and not self._more

    def _omitted(self, problems: list) -> Counter:
        """Problems not shown, per check."""
        counts = Counter(p.check for p in problems[MAX_SHOWN:])
        for (_, check), n in self._more.items():
            counts[check] += n
        return +counts  # without zero counts

    def to_text(self) -> str:
        problems = self.problems
        lines = [str(p) for p in problems[:MAX_SHOWN]]
        omitted = self._omitted(problems)
        if omitted:
            lines.append(f"... and {sum(omitted.values())} more ("
                         + ", ".join(f"{check}: {n}" for check, n in sorted(omitted.items())) + ")")
        files = len({p.file for p in problems} | {file for file, _ in self._more})
        lines.append("valid: no problems found" if self.valid else f"{self.count} problem(s) in {files} file(s)")
        return "\n".join(lines)

    def to_json(self) -> str:
        problems = self.problems
        document = {"valid": self.valid, "errors": [asdict(p) for p in problems[:MAX_SHOWN]]}
        omitted = self._omitted(problems)
        if omitted:
            document["omitted"] = dict(sorted(omitted.items()))
        return json.dumps(document, indent=2)
