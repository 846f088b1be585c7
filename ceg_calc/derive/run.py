"""``ceg derive``: every table of :data:`~ceg_calc.derive.names.DERIVED_TABLES` derived from the
package's source tables, written atomically, then the fingerprint that vouches for them."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, Policy
from ceg_calc.calc.tasks import DRAWS, SEED
from ceg_calc.core.files import write_atomic
from ceg_calc.derive.crossfamily import cross_family
from ceg_calc.derive.csvout import render_csv
from ceg_calc.derive.estimates import derive_frame
from ceg_calc.derive.fingerprint import (derivation_is_current, derived_paths, recorded, sources_are_unchanged,
                                         write_fingerprint)
from ceg_calc.derive.names import DERIVED, DERIVED_TABLES
from ceg_calc.derive.summary import ceg_scale, enhancement_summary
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.tables import load_package


def derive_tables(loaded, draws: int = DRAWS, seed: int = SEED, policy: Policy = DERIVE_POLICY) -> dict:
    """Every table of :data:`DERIVED_TABLES` as a typed frame, from the package's source tables."""
    estimates = derive_frame(loaded, draws=draws, seed=seed, policy=policy)
    frames = {"ceg_estimates": estimates, "enhancement_summary": enhancement_summary(estimates, loaded.tables),
              "ceg_scale": ceg_scale(estimates, loaded.tables),
              "ceg_cross_family": cross_family(estimates, loaded.tables, loaded.package.resource("ceg_cross_family"))}
    return {name: frames[name] for name in DERIVED_TABLES}


def checked_tables(root, with_derived: bool = False):
    """The package's typed tables, validated (checks 1-4) unless the derivation fingerprint shows
    that the files are byte for byte those the last ``ceg derive`` validated (it refuses an
    invalid package): then they are only read and typed.

    Without ``with_derived`` (for derive itself) only the source tables must match and the derived
    tables' problems are ignored; with it (for build) the derived tables must be the ones that
    derivation wrote, so a hand-edited derived table is checked again like any other.
    """
    package = DataPackage(root)
    stored = recorded(package) or {}
    current = (derivation_is_current(package, stored.get("draws", 0), stored.get("seed", 0)) if with_derived
               else sources_are_unchanged(package))
    if current:
        loaded = load_package(package)
        ignored = set() if with_derived else derived_paths(package)
        if all(p.file in ignored for p in loaded.report.problems):
            return loaded
    return read_valid_tables(root, skip=() if with_derived else DERIVED_TABLES)


def derive_package(root: str | Path = ".", draws: int = DRAWS, seed: int = SEED) -> tuple[Path, pd.DataFrame]:
    """Derive every table of :data:`DERIVED_TABLES` of the package at ``root``; each file is written
    atomically, and nothing is written unless all derive. Returns the path and frame of ``ceg_estimates``.

    Raises
    ------
    ValidationFailed
        When the package's source tables do not pass validation (nothing is written).
    """
    loaded = checked_tables(root)
    frames = derive_tables(loaded, draws=draws, seed=seed)
    texts = {name: render_csv(frame, loaded.package.resource(name)) for name, frame in frames.items()}
    for name, text in texts.items():
        write_atomic(loaded.package.root / loaded.package.resource(name).path, text)
    write_fingerprint(loaded.package, draws, seed)  # written last: it vouches for the tables above
    return loaded.package.root / loaded.package.resource(DERIVED).path, frames[DERIVED]


