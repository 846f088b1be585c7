"""``ceg diff``: what a pull request changes in the data, against the merge base, for its reviewers.

A hash check proves only that a snapshot agrees with its own manifest; a pull request that edits
a snapshot, re-hashes it and re-imports passes every check. This report is what a reviewer reads
instead: per table the rows added, removed and changed (by primary key, as a release's row diff:
:mod:`ceg_calc.package.rowdiff`), each changed cell with its old and new text and, for numbers,
the ratio new/old. Flagged first: every snapshot file whose bytes changed and every number that
moved by more than a factor of two (:data:`ceg_calc.package.rowdiff.LARGE_RATIO`) in a table the
imports write (:data:`IMPORTED_TABLES`), then in any other table.

The base is read from git objects (``git show <merge-base>:./<path>``), never from a checkout, and
only at the paths the descriptors name; output is bounded (:data:`SHOWN_PER_TABLE`).
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from ceg_calc.core.confine import PLAIN
from ceg_calc.core.errors import CegError
from ceg_calc.ingest.snapshots import MANIFEST, RAW, snapshot_names
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.rowdiff import CellChange, cell_changes, row_diff, table_rows

IMPORTED_TABLES = ("models", "compute_estimates", "benchmark_scores")  # what `ceg ingest` writes rows into
SHOWN_PER_TABLE = 25  # changed cells (and added/removed keys) listed per table
SHOWN_FLAGGED = 100  # flagged lines listed


def _git(root: Path, *args: str, binary: bool = False):
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=True, timeout=120)
    except FileNotFoundError:
        raise CegError("git is not installed: the data diff reads the base from git") from None
    except subprocess.CalledProcessError as exc:
        message = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CegError(f"git {args[0]}: {message[-1] if message else 'failed'}") from None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def _at(root: Path, rev: str, rel: str) -> bytes | None:
    """The bytes of ``rel`` (relative to ``root``) at ``rev``, or None when it is not there."""
    try:
        return _git(root, "show", f"{rev}:./{rel}", binary=True)
    except CegError:
        return None


def merge_base(root: Path, base: str) -> str:
    """The commit where HEAD left ``base`` (``git merge-base HEAD base``)."""
    if not base or base.startswith("-"):
        raise CegError(f"base {base!r} is not a git revision")
    try:
        return _git(root, "merge-base", "HEAD", base)
    except CegError as exc:
        raise CegError(f"cannot find the merge base of HEAD and {base!r} ({exc}); fetch the base branch "
                       "(git fetch origin <branch>, or actions/checkout with fetch-depth: 0)") from None


def _base_files(root: Path, rev: str, package: DataPackage) -> dict:
    """``{table: (bytes, key)}`` at ``rev``: the current schemas' keys for tables that still exist,
    the base's own for tables removed since."""
    keys = {name: r.primary_key for name, r in package.resources.items()}
    paths = {name: r.path for name, r in package.resources.items()}
    descriptor = _at(root, rev, "datapackage.json")
    try:
        resources = json.loads(descriptor)["resources"] if descriptor else []
    except (ValueError, KeyError, TypeError):
        resources = []
    for r in resources if isinstance(resources, list) else []:
        name, path = (r.get("name"), r.get("path")) if isinstance(r, dict) else (None, None)
        if isinstance(name, str) and isinstance(path, str) and PLAIN.fullmatch(path) and name not in paths:
            paths[name] = path
            schema = _at(root, rev, r["schema"]) if isinstance(r.get("schema"), str) and PLAIN.fullmatch(r["schema"]) else None
            try:
                keys[name] = tuple(json.loads(schema).get("primaryKey", ())) if schema else ()
            except (ValueError, AttributeError):
                keys[name] = ()
    out = {}
    for name, path in paths.items():
        data = _at(root, rev, path)
        if data is not None:
            out[name] = (data, (keys[name],) if isinstance(keys[name], str) else tuple(keys[name]))
    return out


def _tables(root: Path, rev: str, package: DataPackage) -> tuple[dict, dict]:
    """``{table: {key: row}}`` at ``rev`` and on disk. A table whose file has the base's bytes is
    left empty on both sides: no row of it can differ, and most tables of a pull request are such."""
    base = _base_files(root, rev, package)
    old, new = {}, {}
    for name, resource in package.resources.items():
        data = (root / resource.path).read_bytes()
        if name in base and base[name][0] == data:
            old[name] = new[name] = {}
        else:
            new[name] = table_rows(data, resource.primary_key)
    for name, (data, key) in base.items():
        if name not in old:
            old[name] = table_rows(data, key)
    return old, new


def _manifest_hashes(text: bytes | None) -> dict[str, str]:
    try:
        files = json.loads(text)["files"] if text else {}
        return {name: entry.get("sha256", "") for name, entry in files.items()}
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def snapshot_changes(root: Path, rev: str) -> list[str]:
    """One line per snapshot file added, removed or with other bytes (by its manifest's SHA-256,
    which ``ceg snapshots verify`` proves the file matches) since ``rev``."""
    listing = _git(root, "ls-tree", "--name-only", f"{rev}:./{RAW.as_posix()}") if _at(root, rev, RAW.as_posix()) is not None else ""
    names = sorted(set(n for n in listing.splitlines() if PLAIN.fullmatch(n)) | set(snapshot_names(root)))
    lines = []
    for name in names:
        rel = f"{RAW.as_posix()}/{name}/{MANIFEST}"
        old = _manifest_hashes(_at(root, rev, rel))
        path = root / rel
        new = _manifest_hashes(path.read_bytes() if path.is_file() else None)
        for file in sorted(set(old) | set(new)):
            shown = f"{RAW.as_posix()}/{name}/{file}"
            if file not in old:
                lines.append(f"snapshot {shown}: added (sha256 {new[file][:12]})")
            elif file not in new:
                lines.append(f"snapshot {shown}: removed")
            elif old[file] != new[file]:
                lines.append(f"snapshot {shown}: bytes changed (sha256 {old[file][:12]} -> {new[file][:12]})")
    return lines


@dataclass
class DataDiff:
    """The data diff of HEAD (the working tree) against ``base`` (its merge base commit)."""

    base: str
    commit: str
    tables: dict
    cells: list[CellChange]
    snapshots: list[str] = field(default_factory=list)

    def flagged(self) -> list[str]:
        """Snapshot byte changes, then numbers moved by more than x2 in imported tables, then elsewhere."""
        large = [c for c in self.cells if c.large]
        imported = [str(c) for c in large if c.table in IMPORTED_TABLES]
        return self.snapshots + imported + [str(c) for c in large if c.table not in IMPORTED_TABLES]

    def lines(self) -> list[str]:
        out = [f"data diff against {self.base} (merge base {self.commit[:12]})"]
        flagged = self.flagged()
        if flagged:
            out.append(f"FLAGGED ({len(flagged)}: changed snapshot bytes, numbers moved more than x2):")
            out += [f"  ! {line}" for line in flagged[:SHOWN_FLAGGED]]
            if len(flagged) > SHOWN_FLAGGED:
                out.append(f"  ... and {len(flagged) - SHOWN_FLAGGED} more")
        changed_tables = {t: c for t, c in self.tables.items() if any(c.values())}
        if not changed_tables:
            out.append("no row added, removed or changed")
        for table, change in changed_tables.items():
            out.append(f"{table}: {len(change['added'])} added, {len(change['removed'])} removed, "
                       f"{len(change['changed'])} changed")
            listed = ([f"  + {k}" for k in change["added"]] + [f"  - {k}" for k in change["removed"]]
                      + [f"  ~ {str(c).split(' ', 1)[1]}" for c in self.cells if c.table == table])
            out += listed[:SHOWN_PER_TABLE]
            if len(listed) > SHOWN_PER_TABLE:
                out.append(f"  ... and {len(listed) - SHOWN_PER_TABLE} more")
        return out

    def to_text(self) -> str:
        return "\n".join(self.lines())

    def to_markdown(self) -> str:
        """For the GitHub job summary: a heading and the same lines in a code block."""
        return "## Data diff\n\n```\n" + self.to_text().replace("```", "'''") + "\n```\n"


def data_diff(root: str | Path, base: str) -> DataDiff:
    """The data diff of the package at ``root`` (as it is on disk) against the merge base of HEAD
    and git revision ``base``.

    Raises
    ------
    CegError
        When git or the base revision cannot be found (one line, saying to fetch the base).
    """
    package = DataPackage(root)
    root = package.root
    commit = merge_base(root, base)
    old, new = _tables(root, commit, package)
    return DataDiff(base, commit, row_diff(old, new), cell_changes(old, new), snapshot_changes(root, commit))
