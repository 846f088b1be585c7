"""``ceg validate``: the gate, the drift of the derived tables, and with ``strict`` Frictionless.

Order of checks (a cell gets at most one problem, the first found):

1-4. the gate (:mod:`ceg_calc.gate.checks`): structure, cell types, keys, constraints and rules;
5. drift: every committed derived table (:data:`ceg_calc.derive.names.DERIVED_TABLES`) must equal a
   fresh derivation (:mod:`ceg_calc.derive.drift`), skipped when the fingerprint ``ceg derive``
   recorded still matches (:mod:`ceg_calc.derive.fingerprint`), else derived incrementally
   (only comparisons whose inputs or rows changed; in full with ``full_drift`` or ``strict``);
6. with ``strict``, the findings of ``frictionless validate`` (:mod:`ceg_calc.gate.strict`), run only
   on what checks 1-4 accepted: a package the fast gate refuses never reaches Frictionless, nor does
   a file over :data:`ceg_calc.gate.strict.MAX_FILE_BYTES`. It runs in a child process beside check 5
   and is reported only when check 5 finds nothing (else it is stopped).

Validation reads only; it never writes to ``data/``.
"""

from __future__ import annotations

from pathlib import Path

from ceg_calc.core.errors import DescriptorInvalid
from ceg_calc.core.report import Report
from ceg_calc.gate.checks import check_keys_and_rules
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.tables import LoadedPackage, load_package


def validate_package(root: str | Path = ".", strict: bool = False, drift: bool = True,
                     full_drift: bool = False) -> Report:
    """Validate the data package at ``root``.

    Parameters
    ----------
    root : str or Path
        Folder holding ``datapackage.json``.
    strict : bool
        Also run Frictionless' own validation and merge its findings, once the fast gate passed.
    drift : bool
        Compare the committed derived tables with a fresh derivation. The derivation is skipped
        when the fingerprint ``ceg derive`` recorded matches the package's files and code
        (:mod:`ceg_calc.derive.fingerprint`).
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
    check_keys_and_rules(loaded, full=strict)
    pending = None
    if strict and loaded.report.valid:
        from ceg_calc.gate.strict import start_frictionless

        pending = start_frictionless(package)
    try:
        if drift and loaded.report.valid:
            loaded.report.extend(_drift(loaded, full=full_drift or strict))
        if pending is not None and loaded.report.valid:
            report = loaded.report
            for problem in pending.problems():
                # Keep only what the package's own checks did not already say about that cell or row.
                if not (report.covers(problem.file, problem.line, problem.column)
                        or report.covers(problem.file, problem.line, None)):
                    report.add(problem)
    finally:
        if pending is not None:
            pending.cancel()
    return loaded.report


def _drift(loaded: LoadedPackage, full: bool) -> list:
    """Check 5; unless ``full``, nothing to recompute when the recorded fingerprint matches.
    The derivation is imported only when it runs (the gate alone needs none of NumPy's kernels)."""
    from ceg_calc.derive.fingerprint import drift_check_is_current

    if not full and drift_check_is_current(loaded.package):
        return []
    from ceg_calc.derive.drift import drift_problems

    return drift_problems(loaded, full=full)
