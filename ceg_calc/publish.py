"""``ceg release VERSION``: a versioned, citable, byte-reproducible release under ``dist/``.

Versioning rule: **major** for a breaking schema change (a column removed or renamed, a type or
key changed), **minor** for new rows or columns, **patch** for corrections of existing values.

A release writes

- ``dist/ceg-dataset-VERSION.zip``: ``datapackage.json`` with each resource's ``bytes`` and
  ``hash`` (SHA-256), the CSVs, the Table Schemas, the SQLite database and a Parquet copy of
  every table (``parquet/<table>.parquet``);
- ``dist/SHA256SUMS`` for every file of ``dist/``;
- ``dist/diff-VERSION.json``: rows added, removed and changed per table, by primary key, against
  the previous release's zip in ``dist/``, with a summary appended to ``CHANGELOG.md``.

It sets the version (and the date) in ``pyproject.toml``, ``datapackage.json``, ``CITATION.cff``
and ``ceg_calc/__init__.py`` together. Zip entries carry a fixed timestamp and are sorted, so
releasing the same version of the same data twice gives identical bytes. The date comes from
``SOURCE_DATE_EPOCH`` when set.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import zipfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ceg_calc.confine import confined, confined_dir
from ceg_calc.derive import write_atomic
from ceg_calc.errors import CegError
from ceg_calc.package import DataPackage
from ceg_calc.tidy import temporary_beside

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def version_key(version: str) -> tuple:
    """``"0.10.1"`` as ``(0, 10, 1)``, so that versions sort by number."""
    return tuple(int(part) for part in version.split("."))


def release_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    when = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date() if epoch else dt.date.today()
    return when.isoformat()


def set_version(root: Path, version: str, date: str) -> None:
    """Write ``version`` (and ``date``) into every file that states the package's version."""
    edits = {
        "pyproject.toml": [(r'(?m)^version = "[^"]*"', f'version = "{version}"')],
        "CITATION.cff": [(r"(?m)^version: .*$", f"version: {version}"),
                         (r"(?m)^date-released: .*$", f"date-released: {date}")],
        "ceg_calc/__init__.py": [(r'(?m)^__version__ = "[^"]*"', f'__version__ = "{version}"')],
    }
    for rel, subs in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8")
        for pattern, new in subs:
            text, count = re.subn(pattern, new, text, count=1)
            if count != 1:
                raise CegError(f"{rel}: no version line to update")
        write_atomic(path, text)
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = version
    write_atomic(root / "datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def _parquet_bytes(frame: pd.DataFrame) -> bytes:
    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink, compression="zstd")
    return sink.getvalue()


def _rows_by_key(zip_path: Path, package: DataPackage) -> dict:
    """``{table: {key: row tuple}}`` from the CSVs inside a release zip."""
    out = {}
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        for name, resource in package.resources.items():
            if resource.path not in names:
                continue
            frame = pd.read_csv(z.open(resource.path), dtype=str, keep_default_na=False)
            keys = list(resource.primary_key) or list(frame.columns)
            out[name] = {"|".join(r[k] for k in keys): tuple(r.values())
                         for r in frame.to_dict("records")}
    return out


def row_diff(old: dict, new: dict) -> dict:
    """Added, removed and changed keys per table between two ``_rows_by_key`` results."""
    tables = {}
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, {}), new.get(name, {})
        tables[name] = {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b)),
                        "changed": sorted(k for k in set(a) & set(b) if a[k] != b[k])}
    return tables


def _previous_release(dist: Path, version: str) -> Path | None:
    older = [p for p in dist.glob("ceg-dataset-*.zip")
             if SEMVER.match(p.stem.removeprefix("ceg-dataset-")) and version_key(p.stem.removeprefix("ceg-dataset-")) < version_key(version)]
    return max(older, key=lambda p: version_key(p.stem.removeprefix("ceg-dataset-")), default=None)


def make_release(root: str | Path, version: str, progress=None) -> Path:
    """Set the version, rebuild, and write the release files; returns the zip path."""
    from ceg_calc.site import build_site
    from ceg_calc.validate import read_valid_tables, validate_package

    say = progress or (lambda message: None)
    if not SEMVER.match(version):
        raise CegError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    root = Path(root).resolve()
    DataPackage(root)  # paths confined and the descriptor checked before anything is read or written
    for rel in ("README.md", "LICENSE", "CITATION.cff", "pyproject.toml", "ceg_calc/__init__.py", "CHANGELOG.md"):
        confined(root, rel)  # what a release reads or rewrites besides the package (missing is fine)
    dist = confined_dir(root, "dist")
    dist.mkdir(exist_ok=True)
    previous = _previous_release(dist, version)
    current = json.loads((root / "datapackage.json").read_text(encoding="utf-8")).get("version", "0.0.0")
    if SEMVER.match(current) and version_key(version) < version_key(current):
        raise CegError(f"version {version} is older than the package's current version {current}")
    say("validating")
    report = validate_package(root)
    if not report.valid:
        raise CegError(f"the package has {len(report.problems)} problem(s); run `ceg validate`")
    date = release_date()
    set_version(root, version, date)
    say("building the database and plots")
    db = build_site(root, progress=progress)
    package = DataPackage(root)
    tables = read_valid_tables(root).tables

    files: dict[str, bytes] = {}
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for entry in descriptor["resources"]:
        resource = package.resource(entry["name"])  # zip entries are the confined relative paths
        data = confined(root, resource.path, ".csv").read_bytes()
        entry["bytes"] = len(data)
        entry["hash"] = "sha256:" + hashlib.sha256(data).hexdigest()
        files[resource.path] = data
        if resource.schema_path:
            files[resource.schema_path] = confined(root, resource.schema_path, ".json").read_bytes()
    files["datapackage.json"] = (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode()
    for name in ("README.md", "LICENSE", "CITATION.cff"):
        if (root / name).exists():
            files[name] = confined(root, name).read_bytes()
    files["ceg.db"] = db.read_bytes()
    for name, frame in sorted(tables.items()):
        say(f"parquet {name}")
        files[f"parquet/{name}.parquet"] = _parquet_bytes(frame)

    target = dist / f"ceg-dataset-{version}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, files[name])
    fd, tmp = temporary_beside(target)
    with os.fdopen(fd, "wb") as handle:
        handle.write(buffer.getvalue())
    os.replace(tmp, target)

    if previous is not None:
        say(f"diff against {previous.name}")
        diff = {"version": version, "previous_version": previous.stem.removeprefix("ceg-dataset-"),
                "tables": row_diff(_rows_by_key(previous, package), _rows_by_key(target, package))}
        write_atomic(dist / f"diff-{version}.json", json.dumps(diff, indent=2) + "\n")
        _append_changelog(root, diff, date)
    sums = "".join(f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}\n"
                   for p in sorted(dist.iterdir()) if p.is_file() and p.name != "SHA256SUMS"
                   and not p.name.startswith("."))
    write_atomic(dist / "SHA256SUMS", sums)
    return target


def _append_changelog(root: Path, diff: dict, date: str) -> None:
    heading = f"## {diff['version']} ({date}): data changes since {diff['previous_version']}"
    path = root / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    if heading in text:
        return
    lines = [heading, ""]
    for table, change in diff["tables"].items():
        counts = {k: len(v) for k, v in change.items()}
        if any(counts.values()):
            lines.append(f"- `{table}`: {counts['added']} added, {counts['removed']} removed, "
                         f"{counts['changed']} changed")
    if len(lines) == 2:
        lines.append("- no row changes")
    write_atomic(path, text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n")
