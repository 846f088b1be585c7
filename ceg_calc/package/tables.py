"""A package's tables read and typed: each travels as one :class:`TypedTable` (frame, physical
lines, file), all of them in one :class:`LoadedPackage` with the problems found on the way.

Reading is checks 1 and 2 of the gate: structure (:mod:`ceg_calc.package.csvread`) and cell
types (:mod:`ceg_calc.package.cells`). Keys and rules are the gate's (:mod:`ceg_calc.gate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ceg_calc.core.report import Report
from ceg_calc.package.cells import THREADS_FROM, type_frame, type_frames
from ceg_calc.package.csvread import read_raw
from ceg_calc.package.descriptor import DataPackage


@dataclass(frozen=True)
class TypedTable:
    """One resource's typed cells: ``frame``, the physical CSV line of each row (``lines``, header =
    line 1) and the ``file`` they were read from (relative to the package)."""

    frame: pd.DataFrame
    lines: np.ndarray
    file: str


@dataclass
class LoadedPackage:
    """Typed tables of a package, by resource name, and the problems found reading them.

    ``incomplete`` names the tables that lost rows to structural problems (ragged rows), which
    therefore cannot vouch for the keys they hold.
    """

    package: DataPackage
    typed: dict
    report: Report
    incomplete: set = field(default_factory=set)

    @property
    def tables(self) -> dict:
        """``{name: frame}`` of every readable table."""
        return {name: table.frame for name, table in self.typed.items()}

    @property
    def lines(self) -> dict:
        """``{name: physical lines}`` of every readable table."""
        return {name: table.lines for name, table in self.typed.items()}


def load_package(package: DataPackage, skip: tuple = ()) -> LoadedPackage:
    """Read and type every resource (checks 1 and 2) but those named in ``skip``, which are not
    read at all; unreadable files are left out of ``typed``.

    A long table is typed as soon as it is read (its text is not kept beside the next one); the
    short ones are typed together at the end (:func:`~ceg_calc.package.cells.type_frames`).
    Problems come table by table, structure first."""
    raws, typing, short = [], {}, []
    for resource in package.resources.values():
        if resource.name in skip:
            continue
        raw = read_raw(package.root, resource)
        raws.append((resource, raw.problems))
        if not raw.readable:
            continue
        table = (raw.frame, resource.fields, resource.path, raw.lines)
        if len(raw.frame) >= THREADS_FROM:
            typing[resource.name] = (type_frame(*table), raw.lines)
        else:
            short.append((resource.name, table))
    for (name, table), result in zip(short, type_frames([table for _, table in short])):
        typing[name] = (result, table[3])
    report = Report()
    typed, incomplete = {}, set()
    for resource, problems in raws:
        report.extend(problems)
        if resource.name not in typing:
            continue
        if any(p.check == "ragged-row" for p in problems):
            incomplete.add(resource.name)
        (frame, type_problems), lines = typing[resource.name]
        report.extend(type_problems)
        typed[resource.name] = TypedTable(frame, lines, resource.path)
    return LoadedPackage(package, typed, report, incomplete)
