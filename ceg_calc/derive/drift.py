"""Check 5 of ``ceg validate``: every committed derived table must equal a fresh derivation,
cell by cell. Unless asked for a full one, the derivation reuses the committed rows of the
comparisons whose inputs and rows still match what ``ceg derive`` recorded
(:mod:`ceg_calc.derive.incremental`): only what changed, hand edits included, is derived again."""

from __future__ import annotations

import csv
import io

from ceg_calc.core.report import Problem
from ceg_calc.derive.csvout import format_rows
from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.derive.run import derive


def _rows(text: str) -> list[list[str]]:
    """The data rows of a CSV text, header and blank lines left out."""
    return [row for row in csv.reader(io.StringIO(text, newline=""))][1:]


def _table_drift(loaded, name: str, fresh_text: str, committed_text: str | None) -> list[Problem]:
    """Differences between one committed derived table and its fresh derivation, cell by cell.

    The fresh cells are those of the text derivation writes. A committed row whose cells, as the
    file holds them, are already those cells has nothing to report; only the other rows are
    written out again from their typed values (so that a cell written otherwise but meaning the
    same, ``1.50`` for ``1.5``, is not drift) and compared cell by cell."""
    resource = loaded.package.resource(name)
    names = [f.name for f in resource.fields]
    key_at = [names.index(k) for k in resource.primary_key]

    def key(row):
        return tuple(row[i] for i in key_at)

    derived = {key(r): r for r in _rows(fresh_text)}
    frame = loaded.tables[name]
    as_written = [row for row in _rows(committed_text) if row] if committed_text is not None else []
    if len(as_written) != len(frame):  # the file's rows are not the frame's one for one
        as_written = [None] * len(frame)
    lines = loaded.lines[name]
    file = resource.path
    problems = []
    seen = set()
    for at, (line, written) in enumerate(zip(lines, as_written)):
        if written is not None and derived.get(key(written)) == written:
            seen.add(key(written))
            continue
        row = format_rows(frame.iloc[at:at + 1], resource)[0]
        k = key(row)
        seen.add(k)
        if k not in derived:
            problems.append(Problem(file, int(line), names[key_at[0]], "drift",
                                    f"row {' / '.join(k)} is not produced by a fresh derivation; run `ceg derive`"))
            continue
        for column, old, new in zip(names, row, derived[k]):
            if old != new:
                problems.append(Problem(file, int(line), column, "drift",
                                        f"published {old or '(blank)'}, derived {new or '(blank)'}; run `ceg derive`"))
    last = int(lines[-1]) + 1 if len(lines) else 2
    for k in sorted(set(derived) - seen):
        problems.append(Problem(file, last, names[key_at[0]], "drift",
                                f"derived row {' / '.join(k)} is missing; run `ceg derive`"))
    return problems


def drift_problems(loaded, full: bool = True) -> list[Problem]:
    """Differences between every committed derived table (:data:`DERIVED_TABLES`) and a fresh
    derivation; without ``full``, an incremental one (the same bytes, fewer estimates)."""
    done = derive(loaded, reuse=not full)
    problems = []
    for name in DERIVED_TABLES:
        committed = _committed_text(loaded, name)
        if committed != done.texts[name]:
            problems += _table_drift(loaded, name, done.texts[name], committed)
    return problems


def _committed_text(loaded, name: str) -> str | None:
    """The committed file's text as read (None when it cannot be read)."""
    path = loaded.package.root / loaded.package.resource(name).path
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
