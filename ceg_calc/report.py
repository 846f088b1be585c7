"""Validation problems and the report that collects them.

A problem names a file, the physical CSV line (header = line 1; ``None`` for a problem with
the whole file), a column (``None`` for a whole row or file), the check that failed and a
message written for the contributor who has to fix it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass


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


class Report:
    """The problems found in one validation run, deduplicated and sorted by file and line."""

    def __init__(self, problems=()):
        self._problems: dict = {}
        self._places: set = set()
        self.extend(problems)

    def add(self, problem: Problem) -> None:
        # One problem per cell: the first found wins, and checks run in order (structure, type,
        # required, constraints, keys, rules), so a cell that is not even a number is not also
        # reported as out of range.
        if problem.line is not None and problem.column is not None:
            key = (problem.file, problem.line, problem.column)
        else:
            key = (problem.file, problem.line, problem.column, problem.check, problem.message)
        self._problems.setdefault(key, problem)
        self._places.add((problem.file, problem.line, problem.column))

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
        return not self._problems

    def to_text(self) -> str:
        lines = [str(p) for p in self.problems]
        n = len(lines)
        files = len({p.file for p in self.problems})
        lines.append("valid: no problems found" if n == 0 else f"{n} problem(s) in {files} file(s)")
        return "\n".join(lines)

    def to_json(self) -> str:
        return json.dumps({"valid": self.valid, "errors": [asdict(p) for p in self.problems]}, indent=2)
