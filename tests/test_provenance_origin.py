"""``ceg snapshots origin``: every snapshot re-derived from its pinned origin, fed here a local origin.

The origin is a folder (or a loopback HTTP server) laid out as raw.githubusercontent.com:
``OWNER/REPO/COMMIT/PATH``. ObsScaling's snapshot files are whole files of the origin, so the
origin holds the same bytes; Epoch's is a column subset of an export that is not in the repository,
so the test's origin is that subset with one more column, and the manifest records its hash. A
snapshot that a pull request edited and re-hashed no longer re-derives from its origin and fails;
an origin that cannot be reached is one line and exit 0.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.ingest.provenance import check_origins, cut_columns, origin_url
from ceg_calc.ingest.snapshots import rehash

REPO = Path(__file__).resolve().parents[1]
EPOCH = "epoch-ai-models"


def manifest(root: Path, name: str) -> dict:
    return json.loads((root / "data" / "raw" / name / "snapshot.json").read_text(encoding="utf-8"))


def with_extra_column(snapshot: bytes) -> bytes:
    """An 'export' the snapshot could have been cut from: its columns and one more, first."""
    rows = list(csv.reader(io.StringIO(snapshot.decode("utf-8"), newline="")))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([["Extra", *rows[0]]] + [[str(i), *r] for i, r in enumerate(rows[1:])])
    return out.getvalue().encode("utf-8")


@pytest.fixture
def package(tmp_path) -> tuple[Path, Path]:
    """(package root with a copy of data/raw, mirror folder holding each snapshot's origin)."""
    root, mirror = tmp_path / "pkg", tmp_path / "mirror"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    for name in ("obsscaling", EPOCH):
        m = manifest(root, name)
        for file_name, entry in m["files"].items():
            target = Path(origin_url(m, entry, mirror.as_uri()).removeprefix("file://"))
            target.parent.mkdir(parents=True, exist_ok=True)
            snapshot = (root / "data" / "raw" / name / file_name).read_bytes()
            target.write_bytes(with_extra_column(snapshot) if entry.get("subset_of_sha256") else snapshot)
            if entry.get("subset_of_sha256"):
                entry["subset_of_sha256"] = hashlib.sha256(target.read_bytes()).hexdigest()
        (root / "data" / "raw" / name / "snapshot.json").write_text(json.dumps(m, indent=2), encoding="utf-8")
    return root, mirror


def test_the_epoch_subset_is_cut_as_recorded(package):
    root, _ = package
    entry = manifest(root, EPOCH)["files"]["all_ai_models.csv"]
    snapshot = (root / "data" / "raw" / EPOCH / "all_ai_models.csv").read_bytes()
    assert hashlib.sha256(snapshot).hexdigest() == entry["sha256"]
    assert cut_columns(with_extra_column(snapshot), entry["subset_columns"], "x") == snapshot
    assert len(entry["subset_columns"]) == 12


def test_untouched_snapshots_match_their_local_origin(package):
    root, mirror = package
    status, lines = check_origins(root, mirror=mirror.as_uri())
    assert status == 0
    # the fixture mirrors the origins of the Epoch database and ObsScaling snapshots (four files)
    mirrored = [line for line in lines if line.startswith(("data/raw/obsscaling/", f"data/raw/{EPOCH}/"))]
    assert len(mirrored) == 4 and all(": matches its origin (SHA-256 " in line for line in mirrored)


def test_a_poisoned_and_rehashed_snapshot_fails(package):
    """The issue's pull request: AlphaCode's compute / 100 in the snapshot, hashes recorded again.
    ``ceg snapshots verify`` passes; the origin check does not."""
    root, mirror = package
    path = root / "data" / "raw" / EPOCH / "all_ai_models.csv"
    row = b"AlphaCode,DeepMind,2022-02-02,41100000000.0,1.63944e+23,"
    path.write_bytes(path.read_bytes().replace(row, row.replace(b"e+23", b"e+21")))
    rehash(EPOCH, root)
    verified = CliRunner().invoke(cli, ["snapshots", "verify", "--path", str(root)])
    assert verified.exit_code == 0
    result = CliRunner().invoke(cli, ["snapshots", "origin", EPOCH, "--path", str(root), "--mirror", mirror.as_uri()])
    assert result.exit_code == 1
    assert result.output.startswith("data/raw/epoch-ai-models/all_ai_models.csv: FAILS: re-derived from the origin")


def test_an_edited_whole_file_and_an_edited_origin_hash_fail(package):
    root, mirror = package
    path = root / "data" / "raw" / "obsscaling" / "base_llm_benchmark_eval.csv"
    path.write_bytes(path.read_bytes().replace(b"0.", b"1.", 1))
    rehash("obsscaling", root)
    status, lines = check_origins(root, ["obsscaling"], mirror=mirror.as_uri())
    assert status == 1
    assert [line.split(": ")[1] for line in lines].count("FAILS") == 1
    assert "the origin's SHA-256" in next(line for line in lines if "FAILS" in line)


def test_an_origin_over_loopback_http(package):
    root, mirror = package
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mirror))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, lines = check_origins(root, [EPOCH], mirror=f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 0 and lines == [f"data/raw/{EPOCH}/all_ai_models.csv: matches its origin (SHA-256 "
                                     f"{manifest(root, EPOCH)['files']['all_ai_models.csv']['sha256'][:12]})"]


def test_an_unreachable_origin_is_one_line_and_no_failure(package, tmp_path):
    root, _ = package
    for mirror in ("http://127.0.0.1:9", (tmp_path / "nowhere").as_uri()):
        result = CliRunner().invoke(cli, ["snapshots", "origin", EPOCH, "--path", str(root), "--mirror", mirror])
        assert result.exit_code == 0
        assert result.output.count("\n") == 1
        assert result.output.startswith(f"data/raw/{EPOCH}: origin not reachable (")


def test_every_snapshot_of_the_package_is_pinned_to_an_origin():
    for name in ("obsscaling", EPOCH):
        m = manifest(REPO, name)
        for entry in m["files"].values():
            assert origin_url(m, entry).startswith("https://raw.githubusercontent.com/")
            assert not entry.get("subset_of_sha256") or entry.get("subset_columns")


def test_maintainers_review_what_the_data_and_the_checks_are_made_of():
    owned = {line.split()[0] for line in (REPO / ".github" / "CODEOWNERS").read_text(encoding="utf-8").splitlines()
             if line.strip() and not line.startswith("#") and len(line.split()) >= 2}
    assert {"/data/raw/", "/schemas/", "/datapackage.json", "/ceg_calc/", "/.ci/", "/Makefile",
            "/.github/workflows/"} <= owned


def test_the_workflow_checks_origins_and_reads_the_merge_base():
    import yaml

    steps = yaml.safe_load((REPO / ".github" / "workflows" / "validate.yml").read_text(encoding="utf-8"))["jobs"]["test"]["steps"]
    assert steps[0]["with"]["fetch-depth"] == 0
    runs = [step.get("run", "") for step in steps]
    assert any("ceg snapshots origin" in run for run in runs)
    assert any(run.strip() == "make test" and step.get("env", {}).get("CEG_MEMORY_KB")
               for run, step in zip(runs, steps))
