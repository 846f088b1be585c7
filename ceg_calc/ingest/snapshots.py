"""Snapshots of external data kept inside the repository, under ``data/raw/<name>/``.

Every import reads external data only through a snapshot. A snapshot is a folder holding the
files an import needs and a manifest, ``snapshot.json``::

    {
      "name": "obsscaling",
      "title": "ObsScaling evaluation results",
      "origin": "https://github.com/ryoungj/ObsScaling",
      "commit": "4d6e1e43fd2635d04654aa77d1df9d5266ea0382",   # or null, with "retrieved" alone
      "retrieved": "2026-11-29",
      "licence": "Apache-2.0",
      "licence_file": "LICENSE",                               # optional, inside the folder
      "files": {
        "base_llm_benchmark_eval.csv": {
          "origin_path": "eval_results/base_llm_benchmark_eval.csv",
          "sha256": "…",                                       # of the file as kept here
          "subset_of_sha256": null,                            # the original's hash when a subset is kept
          "subset": null,                                      # how the subset was cut, in words
          "subset_columns": null                               # the columns kept, in order (every row)
        }
      }
    }

:func:`open_snapshot` checks the manifest's shape and every file's SHA-256 before an import reads
anything, and raises :class:`SnapshotError` naming the file on any mismatch. ``ceg snapshots
verify`` checks every snapshot; ``ceg snapshots rehash NAME`` records the hashes of the files now in
a snapshot's folder after a maintainer refreshed them. ``ceg snapshots origin`` re-derives each
snapshot from its pinned origin (:mod:`ceg_calc.ingest.provenance`).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ceg_calc.core.files import write_atomic
from ceg_calc.ingest.save import IngestError

RAW = Path("data") / "raw"  # snapshots' folder, relative to the package root
MANIFEST = "snapshot.json"
REQUIRED = ("name", "title", "origin", "retrieved", "licence", "files")


class SnapshotError(IngestError):
    """A snapshot is missing, malformed or does not match its recorded hashes."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(folder: Path) -> dict:
    path = folder / MANIFEST
    where = f"{RAW.as_posix()}/{folder.name}/{MANIFEST}"
    if not path.is_file():
        raise SnapshotError(f"{where}: no manifest")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{where}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}") from None
    missing = [k for k in REQUIRED if not manifest.get(k)]
    if missing:
        raise SnapshotError(f"{where}: missing {', '.join(missing)}")
    if manifest["name"] != folder.name:
        raise SnapshotError(f"{where}: name {manifest['name']!r} is not the folder's name {folder.name!r}")
    return manifest


def open_snapshot(name: str, root: Path = Path(".")) -> dict[str, Path]:
    """Verify snapshot ``name`` of the package at ``root`` and return its files by name (paths inside
    the snapshot folder).

    Raises
    ------
    SnapshotError
        When the manifest is missing or malformed, a file is missing, lies outside the folder, or its
        SHA-256 differs from the manifest's.
    """
    raw = Path(root) / RAW
    folder = (raw / name).resolve()
    if not folder.is_relative_to(raw.resolve()) or not folder.is_dir():
        raise SnapshotError(f"data/raw/{name}: no such snapshot")
    manifest = _manifest(folder)
    files = {}
    for file_name, entry in manifest["files"].items():
        path = (folder / file_name).resolve()
        shown = f"data/raw/{name}/{file_name}"
        if not path.is_relative_to(folder) or not path.is_file():
            raise SnapshotError(f"{shown}: missing (listed in {MANIFEST})")
        actual = sha256(path)
        if actual != entry.get("sha256"):
            raise SnapshotError(f"{shown}: SHA-256 {actual} differs from the manifest's {entry.get('sha256')}")
        files[file_name] = path
    return files


def snapshot_names(root: Path = Path(".")) -> list[str]:
    return sorted(p.parent.name for p in (Path(root) / RAW).glob(f"*/{MANIFEST}"))


def verify(root: Path = Path(".")) -> list[str]:
    """Check every snapshot of the package at ``root``; one line per snapshot.

    Raises
    ------
    SnapshotError
        At the first snapshot that does not match its manifest.
    """
    return [f"data/raw/{name}: {len(open_snapshot(name, root))} file(s) match their hashes"
            for name in snapshot_names(root)]


def rehash(name: str, root: Path = Path(".")) -> None:
    """Record the SHA-256 of every file listed in snapshot ``name``'s manifest."""
    folder = Path(root) / RAW / name
    if not folder.resolve().is_relative_to((Path(root) / RAW).resolve()):
        raise SnapshotError(f"data/raw/{name}: no such snapshot")
    manifest = _manifest(folder)
    for file_name, entry in manifest["files"].items():
        entry["sha256"] = sha256(folder / file_name)
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
