"""``ceg derive``: every comparison of the package turned into rows of ``data/ceg_estimates.csv``.

One row per (comparison, enhanced model). The inputs are read from the package only; which
scores, compute estimates, uncertainties, stated CEGs and costs each row uses is decided by
:mod:`ceg_calc.plan`.

The rules of method version 3 (:mod:`ceg_calc.robust`, :data:`ceg_calc.robust.DERIVE_POLICY`)
decide what is published as a point, a bound or nothing; ``evidence`` says which, and the
threshold flags use only robust rows at ``ceg_low``. :data:`DERIVED_TABLES` lists every table
written here (:mod:`ceg_calc.headline` builds the two summaries).

A comparison that cannot give a number still gets its rows, with ``status`` ``none`` and the
reason. The output is sorted by key and formatted with a fixed number of significant digits, so
deriving twice gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd

from ceg_calc.plan import Row, plan
from ceg_calc.report import Problem
from ceg_calc.robust import DERIVE_POLICY, Policy, estimate_with_policy
from ceg_calc.tidy import write_atomic  # noqa: F401  (also imported from here by scripts)

DERIVED = "ceg_estimates"
#: Every table ``ceg derive`` writes, in the order it writes them; validation's drift check,
#: the release and the site iterate this list.
DERIVED_TABLES = ("ceg_estimates", "enhancement_summary", "ceg_scale")
EU_AI_ACT_FLOP = 1e25  # Regulation (EU) 2024/1689, art. 51(2)
US_EO_14110_FLOP = 1e26  # Executive Order 14110, sec. 4.2(b)(i) (revoked 2025-01-20 by EO 14148)
SIGNIFICANT_DIGITS = 6
#: Values of ``evidence``, most robust first (their position is the first part of ``evidence_order``).
EVIDENCE = ("robust-point", "robust-bound", "extrapolated", "limited", "trivial-bound", "none")


def evidence_of(values: dict) -> str:
    """The robustness class of one derived row (see docs/methodology.md)."""
    if values.get("ceg") is None:
        return "none"
    if values.get("limited"):
        return "limited"
    if values.get("is_lower_bound"):
        return "robust-bound" if values["ceg"] > 1 else "trivial-bound"
    return "extrapolated" if values.get("extrapolated") else "robust-point"


def evidence_order(values: dict) -> float:
    """Sort key of the site, from this row alone: evidence class first, then larger CEG first."""
    rank = EVIDENCE.index(values["evidence"]) + 1
    ceg = values.get("ceg")
    shift = 0.0 if ceg is None or ceg <= 0 else min(max(math.log10(ceg), -49.0), 49.0)
    return rank * 100.0 - shift


def _fill(row: Row, out: dict) -> None:
    v = row.values
    row.notes.extend(out["notes"])
    v["anchor_score_ids"] = " ".join(i for i, keep in zip(row.score_ids, out["anchors"]) if keep)
    v["limited"] = bool(out["limited"])
    if not out["identified"]:
        return
    v["ceg"] = 10.0 ** out["log10_ceg"]
    v["ceg_low"] = 10.0 ** out["log10_low"]
    v["ceg_high"] = 10.0 ** out["log10_high"]
    v["equivalent_compute_flop"] = 10.0 ** out["xprime"]
    v["extrapolated"] = bool(out["extrapolated"]) and not out["is_lower_bound"]
    v["is_lower_bound"] = bool(out["is_lower_bound"])
    if v["extrapolated"]:
        row.notes.append("extrapolated beyond the baseline's scores")


def _thresholds(v: dict) -> None:
    """Effective compute (central and at ceg_low) and the conservative threshold flags."""
    own = v["enhanced_compute_flop"]
    v["effective_compute_flop"] = own * v["ceg"]
    v["effective_compute_low_flop"] = own * v["ceg_low"]
    robust = not v.get("extrapolated") and not v.get("limited")
    v["crosses_eu_1e25"] = bool(robust and own < EU_AI_ACT_FLOP <= v["effective_compute_low_flop"])
    v["crosses_us_1e26"] = bool(robust and own < US_EO_14110_FLOP <= v["effective_compute_low_flop"])


def derive_frame(loaded, draws: int = 10_000, seed: int = 0, policy: Policy = DERIVE_POLICY) -> pd.DataFrame:
    """The derived table as a typed frame, one row per (comparison, enhanced model), sorted by key."""
    rows = plan(loaded)
    groups: dict = {}
    for row in rows:
        if row.task is not None:
            groups.setdefault(row.method, []).append(row)
    for method, group in sorted(groups.items()):
        for row, out in zip(group, estimate_with_policy([r.task for r in group], method, policy, draws, seed)):
            _fill(row, out)
    # Combined comparisons: the product of the component CEGs for the same enhanced model.
    by_key = {(r.values["comparison_id"], r.values["enhanced_model_id"]): r.values for r in rows}
    components = loaded.tables["comparison_components"]
    for comparison_id, group in components.groupby("comparison_id", sort=True):
        for (cid, model_id), values in by_key.items():
            if cid != comparison_id:
                continue
            parts = [by_key.get((c, model_id), {}).get("ceg") for c in group["component_comparison_id"]]
            if parts and all(p is not None for p in parts):
                values["component_ceg_product"] = float(np.prod(parts))
    for row in rows:
        v = row.values
        v["status"] = ("none" if v.get("ceg") is None else "lower-bound" if v.get("is_lower_bound")
                       else "estimated")
        v["reason"] = "; ".join(row.notes)
        if v.get("ceg") is not None:
            _thresholds(v)
        v["evidence"] = evidence_of(v)
        v["evidence_order"] = evidence_order(v)
    resource = loaded.package.resource(DERIVED)
    names = [f.name for f in resource.fields]
    frame = pd.DataFrame([r.values for r in rows], columns=names)
    return frame.sort_values(["comparison_id", "enhanced_model_id"], kind="stable").reset_index(drop=True)


def _cell(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return format(float(value), f".{SIGNIFICANT_DIGITS}g")
    if kind == "integer":
        return str(int(value))
    return str(value)


def format_rows(frame: pd.DataFrame, resource) -> list[list[str]]:
    """Cells as written to the CSV (fixed significant digits, ``true``/``false``, blank for missing)."""
    kinds = [f.type for f in resource.fields]
    names = [f.name for f in resource.fields]
    return [[_cell(v, k) for v, k in zip(row, kinds)] for row in frame[names].itertuples(index=False)]


def render_csv(frame: pd.DataFrame, resource) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    writer.writerows(format_rows(frame, resource))
    return buffer.getvalue()


def derive_tables(loaded, draws: int = 10_000, seed: int = 0, policy: Policy = DERIVE_POLICY) -> dict:
    """Every table of :data:`DERIVED_TABLES` as a typed frame, from the package's source tables."""
    from ceg_calc.headline import ceg_scale, enhancement_summary

    estimates = derive_frame(loaded, draws=draws, seed=seed, policy=policy)
    frames = {"ceg_estimates": estimates, "enhancement_summary": enhancement_summary(estimates, loaded.tables),
              "ceg_scale": ceg_scale(estimates, loaded.tables)}
    return {name: frames[name] for name in DERIVED_TABLES}


def checked_tables(root, with_derived: bool = False):
    """The package's typed tables, validated (checks 1-4) unless the derivation fingerprint shows
    that the files are byte for byte those the last ``ceg derive`` validated (it refuses an
    invalid package): then they are only read and typed.

    Without ``with_derived`` (for derive itself) only the source tables must match and the derived
    tables' problems are ignored; with it (for build) the derived tables must be the ones that
    derivation wrote, so a hand-edited derived table is checked again like any other.
    """
    from ceg_calc.fingerprint import derivation_is_current, derived_paths, recorded, sources_are_unchanged
    from ceg_calc.package import DataPackage
    from ceg_calc.validate import load_package, read_valid_tables

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


def derive_package(root: str | Path = ".", draws: int = 10_000, seed: int = 0) -> tuple[Path, pd.DataFrame]:
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
    from ceg_calc.fingerprint import write_fingerprint

    write_fingerprint(loaded.package, draws, seed)  # written last: it vouches for the tables above
    return loaded.package.root / loaded.package.resource(DERIVED).path, frames[DERIVED]


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


def drift_problems(loaded) -> list[Problem]:
    """Differences between every committed derived table (:data:`DERIVED_TABLES`) and a fresh derivation."""
    fresh = derive_tables(loaded)
    return [p for name in DERIVED_TABLES for p in _table_drift(loaded, name, fresh[name])]
