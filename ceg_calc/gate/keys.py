"""Primary keys and foreign keys across the package's tables."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ceg_calc.core.arrow import has_duplicates, isin
from ceg_calc.package.descriptor import DataPackage, Resource
from ceg_calc.core.report import Problem, capped
from ceg_calc.core.shown import shown


def primary_key_problems(resource: Resource, frame: pd.DataFrame, lines: np.ndarray) -> list[Problem]:
    """Rows whose primary key repeats an earlier row's (rows with a missing key part are skipped)."""
    key = list(resource.primary_key)
    if not key or any(k not in frame.columns for k in key):
        return []
    keys = frame[key[0]] if len(key) == 1 else frame[key]
    if len(key) == 1 and isinstance(keys.dtype, pd.StringDtype) and not has_duplicates(keys):
        return []
    complete = frame[key].notna().all(axis=1).to_numpy()
    repeated = keys.duplicated(keep="first").to_numpy() & complete
    if not repeated.any():
        return []
    first_line = {}
    for i in np.flatnonzero(frame[key].duplicated(keep=False).to_numpy() & complete):
        first_line.setdefault(tuple(frame[key].iloc[i]), int(lines[i]))
    column = key[0] if len(key) == 1 else None

    def make(i):
        value = tuple(frame[key].iloc[i])
        return Problem(resource.path, int(lines[i]), column, "primary-key",
                       f"duplicate {'/'.join(key)} {_shown(value)} (first at line {first_line[value]})")

    return capped(resource.path, column, "primary-key", np.flatnonzero(repeated), make, lines)


def _shown(value: tuple) -> str:
    """One key value quoted, or a tuple of them, cut and escaped (:func:`ceg_calc.core.shown.shown`)."""
    if len(value) == 1:
        return shown(value[0])
    return "(" + ", ".join(shown(v) for v in value) + ")"


def _known(frame: pd.DataFrame, parent: pd.DataFrame, fk) -> np.ndarray:
    """Which rows of ``frame`` have a foreign-key value that exists in ``parent``."""
    if len(fk.fields) == 1:
        return isin(frame[fk.fields[0]], parent[fk.ref_fields[0]].dropna().unique())
    keys = set(map(tuple, parent[list(fk.ref_fields)].dropna().itertuples(index=False)))
    return np.array([tuple(r) in keys for r in frame[list(fk.fields)].itertuples(index=False)], dtype=bool)


def _article(word: str) -> str:
    """'an' before a vowel sound of our column names (an enhancement_id), else 'a'."""
    return "an" if word[:1].lower() in "aeio" else "a"


def foreign_key_problems(package: DataPackage, resource: Resource, tables: dict, lines: dict) -> list[Problem]:
    """Values that do not exist in the referenced table's key."""
    frame = tables.get(resource.name)
    out = []
    if frame is None:
        return out
    for fk in resource.foreign_keys:
        parent = tables.get(fk.ref_resource)
        if parent is None or any(c not in frame.columns for c in fk.fields) \
                or any(c not in parent.columns for c in fk.ref_fields):
            continue  # the missing file or column is reported on its own
        present = np.logical_and.reduce([frame[c].notna().to_numpy() for c in fk.fields])
        target = package.resource(fk.ref_resource).path

        def make(i, fk=fk, target=target):
            value = tuple(frame[list(fk.fields)].iloc[i].tolist())
            return Problem(resource.path, int(lines[resource.name][i]), fk.fields[0], "foreign-key",
                           f"{_shown(value)} is not {_article(fk.ref_fields[0])} {'/'.join(fk.ref_fields)} in {target}")

        out += capped(resource.path, fk.fields[0], "foreign-key",
                      np.flatnonzero(present & ~_known(frame, parent, fk)), make, lines[resource.name])
    return out
