"""Check 5 of ``ceg validate``: every committed derived table must equal a fresh derivation,
cell by cell. Unless asked for a full one, the derivation reuses the committed rows of the
comparisons whose inputs and rows still match what ``ceg derive`` recorded
(:mod:`ceg_calc.derive.incremental`): only what changed, hand edits included, is derived again."""

from __future__ import annotations

import pandas as pd

from ceg_calc.core.report import Problem
from ceg_calc.derive.csvout import format_rows
from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.derive.run import derive


def _table_drift(loaded, name: str, fresh: pd.DataFrame) -> list[Problem]:
    """Differences between one committed derived table and its fresh derivation, cell by cell."""
    resource = loaded.package.resource(name)
    names = [f.name for f in resource.fields]
    key_at = [names.index(k) for k in resource.primary_key]

    def key(row):
        return tuple(row[i] for i in key_at)

    derived = {key(r): r for r in format_rows(fresh, resource)}
    committed = format_rows(loaded.tables[name], resource)
    lines = loaded.lines[name]
    file = resource.path
    problems = []
    seen = set()
    for line, row in zip(lines, committed):
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
    return [p for name in DERIVED_TABLES if not _same_text(loaded, name, done.texts[name])
            for p in _table_drift(loaded, name, done.frames[name])]


def _same_text(loaded, name: str, text: str) -> bool:
    """Whether the committed file is byte for byte the fresh derivation's text (then no cell differs)."""
    path = loaded.package.root / loaded.package.resource(name).path
    try:
        return path.read_bytes() == text.encode("utf-8")
    except OSError:
        return False
