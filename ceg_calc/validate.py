"""The package's gate: ``validate_package`` runs every check and returns one report.

Order of checks (a cell gets at most one problem, the first found):

1. structure — encoding, header names by name, ragged and blank rows (:mod:`ceg_calc.csvread`);
2. cell types, required values, formula-like text (:mod:`ceg_calc.cells`);
3. primary and foreign keys (:mod:`ceg_calc.keys`);
4. constraints and cross-field / cross-table rules in Pandera (:mod:`ceg_calc.pandera_schemas`,
   :mod:`ceg_calc.rules`);
5. drift: every committed derived table (:data:`ceg_calc.derive.DERIVED_TABLES`) must equal a
   fresh derivation (:mod:`ceg_calc.derive`), skipped when the fingerprint ``ceg derive``
   recorded still matches (:mod:`ceg_calc.fingerprint`);
6. with ``strict``, the findings of ``frictionless validate`` (:mod:`ceg_calc.strict`).

Validation reads only; it never writes to ``data/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from ceg_calc.cells import THREADS_FROM, type_frame
from ceg_calc.csvread import read_raw
from ceg_calc.errors import DescriptorInvalid, ValidationFailed
from ceg_calc.keys import foreign_key_problems, primary_key_problems
from ceg_calc.package import DataPackage
from ceg_calc.parallel import thread_map
from ceg_calc.report import Report
from ceg_calc.rules import rules_for


@dataclass
class LoadedPackage:
    """Typed tables of a package with the physical CSV line of every row."""

    package: DataPackage
    tables: dict
    lines: dict
    report: Report
    incomplete: set


def load_package(package: DataPackage) -> LoadedPackage:
    """Read and type every resource (checks 1 and 2); unreadable files are left out of ``tables``."""
    report = Report()
    tables, lines, incomplete = {}, {}, set()
    for resource in package.resources.values():
        raw = read_raw(package.root, resource)
        report.extend(raw.problems)
        if not raw.readable:
            continue
        if any(p.check == "ragged-row" for p in raw.problems):
            incomplete.add(resource.name)
        typed, problems = type_frame(raw.frame, resource.fields, resource.path, raw.lines)
        report.extend(problems)
        tables[resource.name] = typed
        lines[resource.name] = raw.lines
    return LoadedPackage(package, tables, lines, report, incomplete)


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


def _rule_problems(loaded: LoadedPackage, name: str) -> list:
    """Check 4 for one table: its Pandera schema, with the table's rules."""
    from ceg_calc.pandera_schemas import run_pandera, table_schema  # Pandera's import is a fifth of a second

    resource = loaded.package.resource(name)
    rules = rules_for(name, loaded.tables)
    schema = table_schema(resource, rules)
    return run_pandera(schema, loaded.tables[name], loaded.lines[name], resource.path, rules)


def check_keys_and_rules(loaded: LoadedPackage) -> None:
    """Checks 3 and 4, added to ``loaded.report`` in that order (table by table).

    Every check only reads the tables, and their work is mostly Arrow kernels, which release
    the GIL: they run on the machine's cores, and their problems are reported in order.
    """
    checks = _key_checks(loaded) + [partial(_rule_problems, loaded, name) for name in loaded.tables]
    if sum(len(frame) for frame in loaded.tables.values()) < THREADS_FROM:
        results = [check() for check in checks]  # small tables: threads cost more than they save
    else:
        results = thread_map(lambda check: check(), checks)
    for problems in results:
        loaded.report.extend(problems)


def validate_package(root: str | Path = ".", strict: bool = False, drift: bool = True,
                     full_drift: bool = False) -> Report:
    """Validate the data package at ``root``.

    Parameters
    ----------
    root : str or Path
        Folder holding ``datapackage.json``.
    strict : bool
        Also run Frictionless' own validation and merge its findings.
    drift : bool
        Compare the committed derived table with a fresh derivation. The derivation is skipped
        when the fingerprint ``ceg derive`` recorded matches the package's files and code
        (:mod:`ceg_calc.fingerprint`).
    full_drift : bool
        Derive afresh even when the fingerprint matches (implied by ``strict``).

    Returns
    -------
    Report
        Every problem found; ``report.valid`` is True when there is none.

    Raises
    ------
    PackageError
        When the descriptor cannot be read.
    """
    try:
        package = DataPackage(root)
    except DescriptorInvalid as exc:  # nothing the descriptor names is read, strict or not
        return exc.report
    loaded = load_package(package)
    check_keys_and_rules(loaded)
    if drift and loaded.report.valid:
        loaded.report.extend(_drift(loaded, full=full_drift or strict))
    if strict:
        from ceg_calc.strict import frictionless_problems

        report = loaded.report
        for problem in frictionless_problems(package):
            # Keep only what the package's own checks did not already say about that cell or row.
            if not (report.covers(problem.file, problem.line, problem.column)
                    or report.covers(problem.file, problem.line, None)):
                report.add(problem)
    return loaded.report


def _drift(loaded: LoadedPackage, full: bool) -> list:
    """Check 5; unless ``full``, nothing to recompute when the recorded fingerprint matches."""
    from ceg_calc.fingerprint import drift_check_is_current

    if not full and drift_check_is_current(loaded.package):
        return []
    from ceg_calc.derive import drift_problems

    return drift_problems(loaded)


def read_valid_tables(root: str | Path = ".", skip: tuple = ()) -> LoadedPackage:
    """Typed tables of a package that passes checks 1-4, for derive and build.

    Problems in the tables named in ``skip`` are ignored (``ceg derive`` rewrites the derived
    table whatever it holds).

    Raises
    ------
    ValidationFailed
        When any of those checks finds a problem.
    """
    loaded = load_package(DataPackage(root))
    check_keys_and_rules(loaded)
    skipped = {loaded.package.resource(name).path for name in skip}
    kept = loaded.report.without_files(skipped)
    if not kept.valid:
        raise ValidationFailed(kept)
    return loaded
