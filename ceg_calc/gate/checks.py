"""The package's gate: checks 1-4 of ``ceg validate`` (drift and ``--strict`` are composed above
the gate and the derivation, in :mod:`ceg_calc.verbs.validate`).

Order of checks (a cell gets at most one problem, the first found):

1. structure — encoding, header names by name, ragged and blank rows (:mod:`ceg_calc.package.csvread`);
2. cell types, required values, formula-like text (:mod:`ceg_calc.package.cells`);
3. primary and foreign keys (:mod:`ceg_calc.gate.keys`);
4. constraints and cross-field / cross-table rules in Pandera (:mod:`ceg_calc.gate.pandera_schemas`,
   :mod:`ceg_calc.gate.rules`), behind a screen of the same checks: a table in which every one
   holds is not handed to Pandera's validation, whose failure reports cost most of its time
   (``full`` — ``ceg validate --strict`` — hands it every table);

Checks 5 (drift of the derived tables) and 6 (``--strict``: Frictionless) follow in
:func:`ceg_calc.verbs.validate.validate_package`.

Validation reads only; it never writes to ``data/``.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from ceg_calc.package.cells import THREADS_FROM
from ceg_calc.core.errors import ValidationFailed
from ceg_calc.package.tables import LoadedPackage, load_package
from ceg_calc.gate.keys import foreign_key_problems, primary_key_problems
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.core.parallel import thread_map
from ceg_calc.gate.rules import rules_for


def _key_checks(loaded: LoadedPackage) -> list:
    """Check 3 as a list of calls: the primary key, then the foreign keys, of each table."""
    package, tables, lines = loaded.package, loaded.tables, loaded.lines
    # A table that lost rows to structural problems cannot vouch for the keys it holds.
    complete = {name: frame for name, frame in tables.items() if name not in loaded.incomplete}
    checks = []
    for name, frame in tables.items():
        resource = package.resource(name)
        checks.append(partial(primary_key_problems, resource, frame, lines[name]))
        checks.append(partial(foreign_key_problems, package, resource, complete | {name: frame}, lines))
    return checks


def _rule_problems(loaded: LoadedPackage, name: str, full: bool = False) -> list:
    """Check 4 for one table: its Pandera schema, with the table's rules (Pandera's validation
    only when the screen of the same checks finds something to report, or when ``full``)."""
    from ceg_calc.gate.pandera_schemas import passes_screen, run_pandera, table_schema  # Pandera's import is a fifth of a second

    resource = loaded.package.resource(name)
    rules = rules_for(name, loaded.tables)
    table = loaded.typed[name]
    if not full and passes_screen(resource, table.frame, rules):
        return []
    schema = table_schema(resource, rules)
    return run_pandera(schema, table.frame, table.lines, table.file, rules)


def check_keys_and_rules(loaded: LoadedPackage, full: bool = False) -> None:
    """Checks 3 and 4, added to ``loaded.report`` in that order (table by table); with ``full``,
    Pandera validates every table even where its screen finds nothing (``ceg validate --strict``).

    Every check only reads the tables, and their work is mostly Arrow kernels, which release
    the GIL: they run on the machine's cores, and their problems are reported in order.
    """
    checks = _key_checks(loaded) + [partial(_rule_problems, loaded, name, full) for name in loaded.tables]
    if sum(len(frame) for frame in loaded.tables.values()) < THREADS_FROM:
        results = [check() for check in checks]  # small tables: threads cost more than they save
    else:
        results = thread_map(lambda check: check(), checks)
    for problems in results:
        loaded.report.extend(problems)


def read_valid_tables(root: str | Path = ".", skip: tuple = ()) -> LoadedPackage:
    """Typed tables of a package that passes checks 1-4, for derive and build.

    The tables named in ``skip`` are not read, so nothing in them counts (``ceg derive`` rewrites
    the derived tables whatever they hold).

    Raises
    ------
    ValidationFailed
        When any of those checks finds a problem.
    """
    loaded = load_package(DataPackage(root), skip=skip)
    check_keys_and_rules(loaded)
    if not loaded.report.valid:
        raise ValidationFailed(loaded.report)
    return loaded
