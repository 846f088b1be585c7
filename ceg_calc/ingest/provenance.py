"""Snapshot provenance: each snapshot re-derived from its pinned origin.

``ceg snapshots verify`` proves only that a snapshot agrees with its own manifest, which a pull
request can rewrite together with the file. This check goes back to the origin: for each file it
downloads the origin's file at the recorded commit, checks it against the origin hash the manifest
recorded (``subset_of_sha256`` for a cut-down file, else ``sha256``), cuts the recorded subset again
(``subset_columns``: those columns, in that order, every row, written as a CSV with ``\\n`` line
endings and minimal quoting) and compares the result with the snapshot's own bytes and hash.

The origin of a file in a public GitHub repository, ``https://github.com/OWNER/REPO[/blob/COMMIT/...]``
with ``commit`` and ``origin_path``, is downloaded from
``https://raw.githubusercontent.com/OWNER/REPO/COMMIT/ORIGIN_PATH`` (or from a mirror with the same
layout: ``mirror``, any ``http(s)://`` or ``file://`` base). Where the origin cannot be reached (no
network), the snapshot's line says "origin not reachable" and the check does not fail: it runs where
the network allows it (the GitHub workflow). Downloads are bounded in size and time.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import urllib.error
import urllib.request
from pathlib import Path

from ceg_calc.ingest.snapshots import RAW, SnapshotError, _manifest, open_snapshot, snapshot_names

RAW_GITHUB = "https://raw.githubusercontent.com"
GITHUB = re.compile(r"https://github\.com/(?P<owner>[A-Za-z0-9_.-]+)/(?P<repo>[A-Za-z0-9_.-]+?)(?:\.git)?(?:/.*)?")
COMMIT = re.compile(r"[0-9a-f]{40}")
MAX_ORIGIN_BYTES = 256 << 20  # largest origin file downloaded [bytes]
TIMEOUT_S = 60  # per download [s]


class OriginUnreachable(Exception):
    """The origin could not be downloaded (no network, refused, not found)."""


def origin_url(manifest: dict, entry: dict, mirror: str = RAW_GITHUB) -> str:
    """Where the origin of one snapshot file is downloaded from (see the module's docstring)."""
    match = GITHUB.fullmatch(str(manifest.get("origin", "")))
    commit = str(manifest.get("commit") or "")
    path = str(entry.get("origin_path") or "")
    if not match or not COMMIT.fullmatch(commit) or not path or path.startswith("/") or ".." in path.split("/"):
        raise SnapshotError(f"{RAW.as_posix()}/{manifest.get('name')}: origin is not a GitHub repository pinned to a "
                            "40-hex commit with an origin_path per file; cannot re-derive it")
    return f"{mirror.rstrip('/')}/{match['owner']}/{match['repo']}/{commit}/{path}"


def download(url: str, limit: int = MAX_ORIGIN_BYTES) -> bytes:
    """The bytes at ``url`` (http(s) or file), at most ``limit``; :class:`OriginUnreachable` when it
    cannot be read."""
    if not re.match(r"(https?|file)://", url):
        raise SnapshotError(f"origin {url[:80]!r} is not an http(s) or file URL")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            data = response.read(limit + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise OriginUnreachable(str(getattr(exc, "reason", exc))[:120]) from None
    if len(data) > limit:
        raise SnapshotError(f"origin {url[:80]} is over {limit >> 20} MB")
    return data


def cut_columns(data: bytes, columns: list[str], shown: str) -> bytes:
    """The origin CSV reduced to ``columns`` (in that order), every row, ``\\n`` line endings,
    minimal quoting: how a cut-down snapshot is made."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise SnapshotError(f"{shown}: the origin has no column(s) {', '.join(missing)}")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([row[c] for c in columns] for row in reader)
    return out.getvalue().encode("utf-8")


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _check_file(name: str, manifest: dict, file_name: str, entry: dict, mirror: str) -> tuple[bool, str]:
    shown = f"{RAW.as_posix()}/{name}/{file_name}"
    origin = download(origin_url(manifest, entry, mirror))
    expected_origin = entry.get("subset_of_sha256") or entry.get("sha256")
    if _digest(origin) != expected_origin:
        return False, (f"{shown}: FAILS: the origin's SHA-256 {_digest(origin)[:12]} is not the recorded "
                       f"{str(expected_origin)[:12]}")
    if entry.get("subset_of_sha256"):
        columns = entry.get("subset_columns")
        if not (isinstance(columns, list) and columns and all(isinstance(c, str) for c in columns)):
            return False, f"{shown}: FAILS: a subset without subset_columns cannot be re-derived"
        derived = cut_columns(origin, columns, shown)
    else:
        derived = origin
    if _digest(derived) != entry.get("sha256"):
        return False, (f"{shown}: FAILS: re-derived from the origin it has SHA-256 {_digest(derived)[:12]}, "
                       f"the snapshot {str(entry.get('sha256'))[:12]}: the snapshot is not the origin's")
    return True, f"{shown}: matches its origin (SHA-256 {_digest(derived)[:12]})"


def check_origins(root=".", names: list[str] | None = None, mirror: str = RAW_GITHUB) -> tuple[int, list[str]]:
    """Re-derive snapshots ``names`` (default: all) of the package at ``root`` from their origins.

    Returns
    -------
    status, lines : int, list of str
        1 when a reachable origin disagrees with its snapshot, else 0; a line per file checked, or
        one line per snapshot whose origin is not reachable.

    Raises
    ------
    SnapshotError
        When a snapshot does not match its own manifest, or its origin is not pinned.
    """
    status, lines = 0, []
    for name in names or snapshot_names(root):
        open_snapshot(name, root)  # the snapshot agrees with its manifest first
        manifest = _manifest((Path(root) / RAW / name).resolve())
        try:
            results = [_check_file(name, manifest, f, e, mirror) for f, e in manifest["files"].items()]
        except OriginUnreachable as exc:
            lines.append(f"{RAW.as_posix()}/{name}: origin not reachable ({exc}); not checked")
            continue
        status = max(status, *(0 if ok else 1 for ok, _ in results))
        lines += [line for _, line in results]
    return status, lines
