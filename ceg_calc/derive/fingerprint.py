"""The fingerprint of a derivation: lets ``ceg validate`` skip recomputing the derived tables.

The drift check (does every derived table equal a fresh derivation?) costs a full Monte Carlo
run. Its answer depends only on the inputs hashed here, so ``ceg derive`` records them in
:data:`FINGERPRINT` (``data/.derived-fingerprint``, committed with the derived tables) and
``ceg validate`` recomputes only when they differ:

- the bytes of ``datapackage.json``, of every Table Schema and of every resource's file —
  the source tables *and* the derived tables, so a hand-edited derived file no longer matches
  and is recomputed (then reported cell by cell);
- the method version (:data:`ceg_calc.calc.policy.METHOD_VERSION`), the number of draws and the
  seed;
- the package's code: the calculator's version and the bytes of every module in the stages that
  can change a derived table (:data:`DERIVING_STAGES`: everything below the publishing stages),
  so a change to the calculator counts even when its version number does not move.

A fingerprint that matches means "these exact inputs were derived by this exact code", which a
contributor's ``ceg derive`` vouches for; it does not protect against a forged fingerprint file.
``ceg validate --full-drift`` and ``--strict`` always recompute, and so does the test suite (CI).
Libraries that draw random numbers (numpy) are not hashed: a numpy upgrade that changes the
draws is caught by the full check in CI, not by the fingerprint.

The same record spares ``ceg derive`` its validation when only the derived tables differ from
what it last read (:func:`sources_are_unchanged`): the derivation is still computed afresh.

The file is small JSON with one SHA-256 per input, so ``git diff`` shows which input moved.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import ceg_calc
from ceg_calc.calc.policy import METHOD_VERSION
from ceg_calc.calc.tasks import DRAWS, SEED
from ceg_calc.core.files import write_atomic
from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.package.descriptor import DESCRIPTOR, DataPackage

FINGERPRINT = Path("data") / ".derived-fingerprint"
FORMAT = 1
#: Stages (sub-packages of ``ceg_calc``) whose code can change a derived table: the derivation and
#: everything it imports. The stages above (ingest, publish, verbs, the CLI) cannot.
DERIVING_STAGES = ("core", "package", "gate", "calc", "derive")
CODE_DIR = Path(__file__).resolve().parents[1]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def code_digest(code_dir: Path = CODE_DIR) -> str:
    """SHA-256 over the calculator's version and every module of :data:`DERIVING_STAGES`."""
    digest = hashlib.sha256(ceg_calc.__version__.encode())
    for stage in DERIVING_STAGES:
        for path in sorted((code_dir / stage).rglob("*.py")):
            name = path.relative_to(code_dir).as_posix()
            digest.update(name.encode() + b"\0" + _sha256(path.read_bytes()).encode())
    return digest.hexdigest()


def input_files(package: DataPackage) -> list[str]:
    """Paths (relative to the package root, ``/``-separated) of every file the derivation reads
    or writes: the descriptor, the Table Schemas, and every resource's file."""
    paths = {DESCRIPTOR}
    for resource in package.resources.values():
        paths.add(resource.path)
        if resource.schema_path:
            paths.add(resource.schema_path)
    return sorted(paths)


def fingerprint(package: DataPackage, draws: int, seed: int) -> dict:
    """The fingerprint of deriving ``package`` with ``draws`` and ``seed`` as it is on disk now.

    A missing file is recorded as ``null`` (the gate reports it elsewhere).
    """
    files = {}
    for rel in input_files(package):
        path = package.root / rel
        files[rel] = _sha256(path.read_bytes()) if path.is_file() else None
    return {"format": FORMAT, "method_version": str(METHOD_VERSION), "draws": int(draws), "seed": int(seed),
            "code_sha256": code_digest(), "files_sha256": files}


def write_fingerprint(package: DataPackage, draws: int, seed: int) -> Path:
    """Record the fingerprint of the package as it is now (called by ``ceg derive`` after writing)."""
    path = package.root / FINGERPRINT
    write_atomic(path, json.dumps(fingerprint(package, draws, seed), indent=1, sort_keys=True) + "\n")
    return path


def recorded(package: DataPackage) -> dict | None:
    """The fingerprint ``ceg derive`` last recorded, or None when there is none (or it is unreadable)."""
    try:
        return json.loads((package.root / FINGERPRINT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def derivation_is_current(package: DataPackage, draws: int, seed: int) -> bool:
    """True when the recorded fingerprint equals that of the package now with ``draws`` and ``seed``:
    a fresh derivation would give the same bytes, and the drift check may be skipped."""
    stored = recorded(package)
    return stored is not None and stored == fingerprint(package, draws, seed)


def drift_check_is_current(package: DataPackage) -> bool:
    """True when the recorded fingerprint matches a derivation with the draws and seed the drift
    check uses (those of a published interval, :data:`~ceg_calc.calc.tasks.DRAWS` and
    :data:`~ceg_calc.calc.tasks.SEED`)."""
    return recorded(package) is not None and derivation_is_current(package, DRAWS, SEED)


def derived_paths(package: DataPackage) -> set:
    """Paths of the tables ``ceg derive`` writes."""
    return {package.resources[name].path for name in DERIVED_TABLES if name in package.resources}


def sources_are_unchanged(package: DataPackage) -> bool:
    """True when every input but the derived tables — descriptor, schemas, source tables, code —
    is byte for byte what the last ``ceg derive`` read. That derivation validated them (it refuses
    an invalid package), so deriving again need not re-run the checks."""
    stored = recorded(package)
    if stored is None or stored.get("format") != FORMAT or stored.get("code_sha256") != code_digest():
        return False
    skip = derived_paths(package)
    now = fingerprint(package, stored.get("draws", 0), stored.get("seed", 0))["files_sha256"]
    then = stored.get("files_sha256") or {}
    return ({k: v for k, v in now.items() if k not in skip} == {k: v for k, v in then.items() if k not in skip}
            and None not in now.values())
