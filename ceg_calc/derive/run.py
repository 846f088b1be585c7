"""``ceg derive``: every table of :data:`~ceg_calc.derive.names.DERIVED_TABLES` derived from the
package's source tables, written atomically, then the fingerprint that vouches for them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, Policy
from ceg_calc.calc.tasks import DRAWS, SEED
from ceg_calc.core.files import write_atomic
from ceg_calc.derive.assessments import threshold_assessments
from ceg_calc.derive.crossfamily import cross_family
from ceg_calc.derive.csvout import format_rows, render_csv, write_rows
from ceg_calc.derive.estimates import derive_frame
from ceg_calc.derive.fingerprint import (derivation_is_current, recorded, sources_are_unchanged,
                                         write_fingerprint)
from ceg_calc.derive.incremental import (KEYS, Subset, Written, committed_rows, comparison_keys, keys_text,
                                         read_keys, reusable, stale_closure)
from ceg_calc.derive.names import DERIVED, DERIVED_TABLES
from ceg_calc.derive.plan import Tables
from ceg_calc.derive.shares import finetune_share_summary
from ceg_calc.derive.summary import ceg_scale, enhancement_summary
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.package.cells import type_frame
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.tables import load_package


@dataclass(frozen=True)
class Derivation:
    """Every derived table as a typed frame and as the text ``ceg derive`` writes, the text of
    :data:`~ceg_calc.derive.incremental.KEYS`, and the comparisons derived afresh (the others'
    rows were reused from the committed table)."""

    frames: dict
    texts: dict
    keys: str
    derived: frozenset


def _typed(cells: list, resource) -> pd.DataFrame:
    """Cells as written, typed as the gate types the file (the summaries read what is published;
    the cells are ours, so only their values are typed, not checked)."""
    names = [f.name for f in resource.fields]
    columns = list(zip(*cells)) if cells else [()] * len(names)
    raw = pd.DataFrame({name: pd.Series(list(column), dtype="str") for name, column in zip(names, columns)})
    frame, _ = type_frame(raw, resource.fields, resource.path, np.arange(2, len(cells) + 2), checked=False)
    return frame


def derive(loaded, draws: int = DRAWS, seed: int = SEED, policy: Policy = DERIVE_POLICY,
           reuse: bool = True) -> Derivation:
    """Every table of :data:`DERIVED_TABLES`; with ``reuse``, the rows of comparisons whose inputs
    and committed rows match :data:`~ceg_calc.derive.incremental.KEYS` are taken as committed
    (:mod:`ceg_calc.derive.incremental`) and only the others are estimated. The result is the same
    bytes either way: both paths order, type and summarise the rows as written."""
    package, tables = loaded.package, loaded.tables
    resource = package.resource(DERIVED)
    names = [f.name for f in resource.fields]
    keys = comparison_keys(package, tables, draws, seed, policy)
    committed = committed_rows(package) if reuse else None
    if committed is not None and committed.header != names:
        committed = None
    kept = reusable(keys, read_keys(package.root), committed)
    fresh_ids = stale_closure(set(keys) - kept, tables)
    kept -= fresh_ids
    cells = []
    if kept:
        by_comparison = committed.by_comparison()
        cells = [row for c in kept for row in by_comparison.get(c, [])]
    whole = Tables(tables)  # what the plan of a full derivation and the cross-family table both read
    if fresh_ids:
        fresh = derive_frame(Subset(loaded, fresh_ids) if kept else loaded, draws=draws, seed=seed, policy=policy,
                             t=None if kept else whole)
        cells += format_rows(fresh, resource)
    at = names.index("comparison_id"), names.index("enhanced_model_id")
    cells.sort(key=lambda row: (row[at[0]], row[at[1]]))
    estimates = _typed(cells, resource)
    cumulative = whole.cumulative
    frames = {DERIVED: estimates, "enhancement_summary": enhancement_summary(estimates, tables),
              "ceg_scale": ceg_scale(estimates, tables), "cumulative_compute": cumulative,
              "finetune_share_summary": finetune_share_summary(cumulative),
              "threshold_assessments": threshold_assessments(estimates, cumulative, tables["thresholds"]),
              "ceg_cross_family": cross_family(estimates, tables, package.resource("ceg_cross_family"), whole)}
    frames = {name: frames[name] for name in DERIVED_TABLES}
    texts = {name: render_csv(frame, package.resource(name)) for name, frame in frames.items() if name != DERIVED}
    texts[DERIVED] = write_rows(cells, resource)
    texts = {name: texts[name] for name in DERIVED_TABLES}
    # the rows as written are the cells unless a carriage return or NUL (which the csv module writes
    # unquoted or refuses to read) is in the text: only then is it read back
    text = texts[DERIVED]
    written = Written.parse(text) if "\r" in text or "\0" in text else Written(names, cells)
    return Derivation(frames, texts, keys_text(keys, written), frozenset(fresh_ids))


def derive_tables(loaded, draws: int = DRAWS, seed: int = SEED, policy: Policy = DERIVE_POLICY) -> dict:
    """Every table of :data:`DERIVED_TABLES` as a typed frame, every row derived afresh."""
    return derive(loaded, draws=draws, seed=seed, policy=policy, reuse=False).frames


def checked_tables(root, with_derived: bool = False):
    """The package's typed tables, validated (checks 1-4) unless the derivation fingerprint shows
    that the files are byte for byte those the last ``ceg derive`` validated (it refuses an
    invalid package): then they are only read and typed.

    Without ``with_derived`` (for derive itself) only the source tables must match and the derived
    tables are not read; with it (for build) the derived tables must be the ones that
    derivation wrote, so a hand-edited derived table is checked again like any other.
    """
    package = DataPackage(root)
    stored = recorded(package) or {}
    current = (derivation_is_current(package, stored.get("draws", 0), stored.get("seed", 0)) if with_derived
               else sources_are_unchanged(package))
    if current:
        loaded = load_package(package, skip=() if with_derived else DERIVED_TABLES)
        if loaded.report.valid:
            return loaded
    return read_valid_tables(root, skip=() if with_derived else DERIVED_TABLES)


def derive_package(root: str | Path = ".", draws: int = DRAWS, seed: int = SEED,
                   full: bool = False) -> tuple[Path, pd.DataFrame]:
    """Derive every table of :data:`DERIVED_TABLES` of the package at ``root``; each file is written
    atomically, and nothing is written unless all derive. Returns the path and frame of ``ceg_estimates``.

    Comparisons whose inputs did not change since the last ``ceg derive`` keep their committed rows
    (:mod:`ceg_calc.derive.incremental`); ``full`` derives every row afresh (the same bytes).

    Raises
    ------
    ValidationFailed
        When the package's source tables do not pass validation (nothing is written).
    """
    loaded = checked_tables(root)
    done = derive(loaded, draws=draws, seed=seed, reuse=not full)
    for name, text in done.texts.items():
        write_atomic(loaded.package.root / loaded.package.resource(name).path, text)
    write_atomic(loaded.package.root / KEYS, done.keys)
    write_fingerprint(loaded.package, draws, seed)  # written last: it vouches for the tables above
    return loaded.package.root / loaded.package.resource(DERIVED).path, done.frames[DERIVED]


