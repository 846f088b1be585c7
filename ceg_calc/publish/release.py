"""``ceg release VERSION``: a versioned, citable, byte-reproducible and immutable release under ``dist/``.

Versioning rule: **major** for a breaking schema change (a column removed or renamed, a type or
key changed), **minor** for new rows or columns, **patch** for corrections of existing values.

A release writes

- ``dist/ceg-dataset-VERSION.zip``: ``datapackage.json`` with each resource's ``bytes`` and
  ``hash`` (SHA-256), the CSVs, the Table Schemas, the SQLite database, a Parquet copy of every
  table (``parquet/<table>.parquet``), ``docs/methodology.md``, ``CHANGELOG.md``, ``LICENSE``,
  ``CITATION.cff`` and ``README.md``;
- ``dist/diff-VERSION.json``: rows added, removed and changed per table, by primary key, against
  the previous release (:func:`ceg_calc.package.rowdiff.row_diff`, which the pull-request data diff
  shares), summarised in the version's CHANGELOG entry;
- a line per new file in ``dist/SHA256SUMS``.

**Reproducible.** The same commit and version give the same bytes on any day and machine. The
release date is read from the version's CHANGELOG heading ``## X.Y.Z (YYYY-MM-DD)``; when the
entry is still ``## Unreleased`` it is dated from ``SOURCE_DATE_EPOCH`` if set, else from the
date of the last git commit, never from the clock, and written into the heading. Zip entries are
sorted with a fixed timestamp; Parquet files carry no pandas metadata and a fixed writer name
instead of the pyarrow version; the SQLite header's library-version field is fixed.

**Immutable.** ``SHA256SUMS`` is the record of what was published: every file it lists is
verified before anything is written, and a mismatch or a missing file stops the release. A
released version is never rewritten (rebuilding it is accepted only when the bytes come out
identical); files in ``dist/`` that ``SHA256SUMS`` does not list are ignored, never checksummed.

**Complete.** A release whose data (rows or schemas) did not change since the previous one is
refused, unless it is a patch release with a stated ``reason``, which goes into the CHANGELOG.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from pathlib import Path


from ceg_calc.publish.citation import changelog_date, dated_changelog, unreleased_heading, write_zenodo
from ceg_calc.core.confine import confined, confined_dir
from ceg_calc.core.errors import CegError
from ceg_calc.core.versions import SEMVER, version_key
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.package.rowdiff import row_diff, table_rows
from ceg_calc.core.files import output_folder, write_atomic, write_bytes_atomic
from ceg_calc.publish.site import build_site

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
SQLITE_VERSION_FIELD = slice(96, 100)  # "SQLITE_VERSION_NUMBER of the library that last wrote the file"
SQLITE_VERSION_FIXED = (3_000_000).to_bytes(4, "big")
DOCUMENTS = ("README.md", "LICENSE", "CITATION.cff", "CHANGELOG.md", "docs/methodology.md")
SUMS = "SHA256SUMS"


def _zip_name(version: str) -> str:
    return f"ceg-dataset-{version}.zip"


def release_date(root: Path, version: str) -> str:
    """The release date of ``version`` (ISO): its CHANGELOG heading's, else ``SOURCE_DATE_EPOCH``'s,
    else the last git commit's (UTC). Never the clock."""
    changelog = Path(root) / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    stated = changelog_date(text, version)
    if stated:
        return stated
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        try:
            epoch = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"], capture_output=True,
                                   text=True, check=True).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            epoch = ""
    if not epoch.isdigit():
        raise CegError(f"cannot date release {version}: write '## {version} (YYYY-MM-DD)' in CHANGELOG.md, "
                       "set SOURCE_DATE_EPOCH, or release from a git checkout")
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date().isoformat()


def set_version(root: Path, version: str, date: str) -> None:
    """Write ``version`` (and ``date``) into every file that states the package's version, and the
    version's release page (``<repository-code>/releases/tag/vX.Y.Z``) into ``CITATION.cff``'s ``url``.

    When ``root`` holds the running calculator, its ``__version__`` is updated in this process
    too, so that what is built next records the new version.
    """
    import ceg_calc

    repository = re.search(r'(?m)^repository-code: "?([^"\s]+)"?', (root / "CITATION.cff").read_text(encoding="utf-8"))
    edits = {
        "pyproject.toml": [(r'(?m)^version = "[^"]*"', f'version = "{version}"')],
        "CITATION.cff": [(r"(?m)^version: .*$", f'version: "{version}"'),
                         (r"(?m)^date-released: .*$", f'date-released: "{date}"')]
        + ([(r"(?m)^url: .*$", f'url: "{repository.group(1)}/releases/tag/v{version}"')] if repository else []),
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
    if (root / "ceg_calc" / "__init__.py").resolve() == Path(ceg_calc.__file__).resolve():
        ceg_calc.__version__ = version
    descriptor = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    descriptor["version"] = version
    write_atomic(root / "datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")


def sqlite_release_bytes(db: Path) -> bytes:
    """The database file with the header's library-version field fixed (it only records which
    SQLite last wrote the file), so the bytes do not depend on the installed SQLite."""
    data = bytearray(Path(db).read_bytes())
    data[SQLITE_VERSION_FIELD] = SQLITE_VERSION_FIXED
    return bytes(data)


def _rows_in_zip(zip_path: Path, package: DataPackage) -> tuple[dict, dict]:
    """``({table: {key: row}}, {schema path: bytes})`` of a release zip."""
    rows, schemas = {}, {}
    with zipfile.ZipFile(zip_path) as z:
        names = set(z.namelist())
        for name, resource in package.resources.items():
            if resource.path in names:
                rows[name] = table_rows(z.open(resource.path), resource.primary_key)
        schemas = {n: z.read(n) for n in names if n.startswith("schemas/")}
    return rows, schemas


def _rows_in_package(package: DataPackage) -> tuple[dict, dict]:
    rows = {name: table_rows(package.root / r.path, r.primary_key) for name, r in package.resources.items()}
    schemas = {f"schemas/{p.name}": p.read_bytes() for p in (package.root / "schemas").glob("*.json")}
    return rows, schemas


def recorded_sums(dist: Path) -> dict[str, str]:
    """``{file name: SHA-256}`` from ``dist/SHA256SUMS``, each file verified against it.

    Raises
    ------
    CegError
        When a recorded file is missing or its bytes no longer match: a published release
        must never change.
    """
    path = dist / SUMS
    if not path.exists():
        return {}
    sums = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digest, _, name = line.partition("  ")
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or not name or "/" in name:
            raise CegError(f"dist/{SUMS}:{number}: not '<sha256>  <file name>'")
        sums[name] = digest
    for name, digest in sums.items():
        file = dist / name
        if not file.is_file():
            raise CegError(f"dist/{name} is recorded in {SUMS} but missing: restore it before releasing")
        if hashlib.sha256(file.read_bytes()).hexdigest() != digest:
            raise CegError(f"dist/{name} does not match its SHA-256 in {SUMS}: a published release is never "
                           "rewritten; restore the published file before releasing")
    return sums


def _released_versions(sums: dict) -> list[str]:
    versions = [n.removeprefix("ceg-dataset-").removesuffix(".zip") for n in sums if n.endswith(".zip")]
    return sorted((v for v in versions if SEMVER.match(v)), key=version_key)


def _check_version(version: str, released: list[str], current: str) -> None:
    if not SEMVER.match(version):
        raise CegError(f"version {version!r} is not MAJOR.MINOR.PATCH")
    if released and version_key(version) < version_key(released[-1]):
        raise CegError(f"version {version} is older than the latest release {released[-1]}")
    if SEMVER.match(current) and version_key(version) < version_key(current):
        raise CegError(f"version {version} is older than the package's current version {current}")


def _data_changes(dist: Path, previous: str | None, version: str, package: DataPackage, reason: str | None) -> dict:
    """The row diff against the previous release; refuses a release without data changes unless
    it is a patch release with a reason."""
    if previous is None:
        return {}
    old_rows, old_schemas = _rows_in_zip(dist / _zip_name(previous), package)
    new_rows, new_schemas = _rows_in_package(package)
    tables = row_diff(old_rows, new_rows)
    schemas = sorted(n for n in set(old_schemas) | set(new_schemas) if old_schemas.get(n) != new_schemas.get(n))
    changed = schemas or any(any(change.values()) for change in tables.values())
    is_patch = version_key(version)[:2] == version_key(previous)[:2]
    if not changed and not (is_patch and reason):
        raise CegError(f"no row or schema changed since release {previous}: a release without data changes "
                       "must be a patch release with a stated reason (--reason)")
    return {"version": version, "previous_version": previous, "schemas_changed": schemas, "tables": tables}


def _check_unchanged(dist: Path, version: str, current: str) -> None:
    """Rebuilding a released version is allowed only from the same data (the bytes are compared
    at the end); otherwise the release is refused before anything is written."""
    changed = "the package is at version " + current if current != version else ""
    if not changed:
        package = DataPackage(dist.parent)
        (old_rows, old_schemas), (new_rows, new_schemas) = (_rows_in_zip(dist / _zip_name(version), package),
                                                            _rows_in_package(package))
        if old_schemas != new_schemas or any(any(c.values()) for c in row_diff(old_rows, new_rows).values()):
            changed = "its data changed since"
    if changed:
        raise CegError(f"version {version} is already released (dist/{_zip_name(version)}) and {changed}: "
                       "a published release is never rewritten; release a new version")


def _release_note(diff: dict, reason: str | None) -> list[str]:
    lines = [f"- Reason for this release: {reason}"] if reason else []
    if not diff:
        return lines
    lines.append(f"- Data changes since {diff['previous_version']} (`dist/diff-{diff['version']}.json`):")
    for table, change in diff["tables"].items():
        counts = {k: len(v) for k, v in change.items()}
        if any(counts.values()):
            lines.append(f"  - `{table}`: {counts['added']} added, {counts['removed']} removed, "
                         f"{counts['changed']} changed")
    lines += [f"  - schema `{name}` changed" for name in diff["schemas_changed"]]
    if len(lines) == 1 + bool(reason):
        lines.append("  - no row changes")
    return lines


def _write_changelog(root: Path, version: str, date: str, lines: list[str]) -> None:
    path = root / "CHANGELOG.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Changelog\n"
    new = dated_changelog(text, version, date, lines)
    if new != text:
        write_atomic(path, new)


def _package_files(root: Path, db: Path) -> dict[str, bytes]:
    """Every file of the zip, by entry name (the resource's relative path)."""
    files: dict[str, bytes] = {}
    package = DataPackage(root)
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
    for name in DOCUMENTS:
        if not (root / name).is_file():
            raise CegError(f"{name} is missing: a release carries it")
        files[name] = confined(root, name).read_bytes()
    files["ceg.db"] = sqlite_release_bytes(db)
    for path in sorted((db.parent / "parquet").glob("*.parquet")):
        files[f"parquet/{path.name}"] = path.read_bytes()
    return files


def zip_bytes(files: dict[str, bytes]) -> bytes:
    """A zip of ``files`` with sorted entries, a fixed timestamp and fixed permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, files[name])
    return buffer.getvalue()


def make_release(root: str | Path, version: str, validate, progress=None, reason: str | None = None) -> Path:
    """Check the published releases, set the version and date, rebuild, and add the release
    files to ``dist/``; returns the zip path. Nothing is written when a check fails.

    ``validate(root) -> Report`` is the whole gate (:func:`ceg_calc.verbs.validate.validate_package`,
    which :func:`ceg_calc.verbs.release.release` passes): the release refuses a package it finds
    invalid.
    """
    say = progress or (lambda message: None)
    root = Path(root).resolve()
    DataPackage(root)  # paths confined and the descriptor checked before anything is read or written
    for rel in ("pyproject.toml", "ceg_calc/__init__.py", *DOCUMENTS):
        confined(root, rel)  # what a release reads or rewrites besides the package (missing is fine)
    dist = confined_dir(root, "dist")
    say("verifying published releases")
    sums = recorded_sums(dist)
    released = _released_versions(sums)
    current = json.loads((root / "datapackage.json").read_text(encoding="utf-8")).get("version", "0.0.0")
    _check_version(version, released, current)
    if version in released:
        _check_unchanged(dist, version, current)
    say("validating")
    if not validate(root).valid:
        raise CegError("the package does not validate; run `ceg validate`")
    previous = max((v for v in released if version_key(v) < version_key(version)), key=version_key, default=None)
    package = DataPackage(root)
    diff = _data_changes(dist, previous, version, package, reason)
    date = release_date(root, version)
    changelog = root / "CHANGELOG.md"
    text = changelog.read_text(encoding="utf-8") if changelog.exists() else ""
    if changelog_date(text, version) is None:
        unreleased_heading(text, version)  # raises before anything is written
    set_version(root, version, date)
    _write_changelog(root, version, date, _release_note(diff, reason))
    write_zenodo(root)
    say("building the database")
    db = build_site(root, progress=progress)
    data = zip_bytes(_package_files(root, db))
    new = {_zip_name(version): data}
    if diff:
        new[f"diff-{version}.json"] = (json.dumps(diff, indent=2) + "\n").encode()
    for name, content in new.items():
        if name in sums and sums[name] != hashlib.sha256(content).hexdigest():
            raise CegError(f"dist/{name} is already released with other bytes: a published release is never "
                           "rewritten; release a new version")
    with output_folder(dist):  # one release at a time; a killed one's temporaries are removed
        for name, content in new.items():
            if name not in sums:  # a file a killed run left unlisted is written again, whole
                write_bytes_atomic(dist / name, content)
                sums[name] = hashlib.sha256(content).hexdigest()
        # SHA256SUMS last, atomically: a release is published once it is listed there
        write_atomic(dist / SUMS, "".join(f"{digest}  {name}\n" for name, digest in sums.items()))
    return dist / _zip_name(version)
