"""A hostile pull request: a descriptor that names files outside the package, or of the wrong kind.

Every command that reads the package (validate, derive, build, release) must refuse, exit 1 with
the problem's location, and neither read nor write the target: a secret in the target never
appears in any output, a FIFO (which would block whoever opens it) is never opened, and a file the
derived table is pointed at keeps its bytes. Symlinks, FIFOs and outside files are made here in
``tmp_path``, never committed.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.verbs.validate import validate_package

SECRET = "CEG_HOSTILE_SECRET_7f3a"


def edit_descriptor(package: Path, change) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    change(descriptor)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def set_path(package: Path, name: str, value) -> None:
    def change(descriptor):
        next(r for r in descriptor["resources"] if r["name"] == name)["path"] = value
    edit_descriptor(package, change)


def invoke(*args):
    """Run the CLI; an exception other than a clean exit fails the test (no internal errors)."""
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return result


@pytest.fixture
def outside(tmp_path) -> Path:
    """A file beside (not inside) the package holding a secret, shaped like a CSV."""
    target = tmp_path / "outside.csv"
    target.write_text(f"source_id,{SECRET}\nx,{SECRET}\n", encoding="utf-8")
    return target


def _symlink_out(package, outside):
    (package / "data" / "link.csv").symlink_to(outside)
    return "data/link.csv"


def _symlink_device(package, outside):
    (package / "data" / "zero.csv").symlink_to("/dev/zero")
    return "data/zero.csv"


def _fifo(package, outside):
    os.mkfifo(package / "data" / "fifo.csv")
    return "data/fifo.csv"


def _directory(package, outside):
    (package / "data" / "folder.csv").mkdir()
    return "data/folder.csv"


def _symlinked_folder(package, outside):
    (package / "data" / "out").symlink_to(outside.parent)
    return "data/out/outside.csv"


HOSTILE_PATHS = {
    "absolute": lambda package, outside: str(outside),
    "proc-environ": lambda package, outside: "/proc/self/environ",
    "dot-dot": lambda package, outside: "../outside.csv",
    "dot-dot-inside": lambda package, outside: "data/../../outside.csv",
    "url": lambda package, outside: "http://127.0.0.1:9/sources.csv",
    "file-url": lambda package, outside: f"file://{outside}",
    "backslash": lambda package, outside: "data\\sources.csv",
    "not-a-string": lambda package, outside: ["data/sources.csv"],
    "not-csv": lambda package, outside: "datapackage.json",
    "symlink-out": _symlink_out,
    "symlink-folder-out": _symlinked_folder,
    "device": _symlink_device,
    "fifo": _fifo,
    "directory": _directory,
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PATHS))
@pytest.mark.parametrize("as_json", [False, True])
def test_validate_refuses_a_path_outside_the_package(case, as_json, valid_package, outside):
    set_path(valid_package, "sources", HOSTILE_PATHS[case](valid_package, outside))
    result = invoke("validate", *(["--json"] if as_json else []), valid_package)
    assert result.exit_code == 1
    assert SECRET not in result.output and "PATH=" not in result.output
    if as_json:
        errors = json.loads(result.output)["errors"]
        assert [(e["file"], e["column"], e["check"]) for e in errors] == [
            ("datapackage.json", "resources[0] (sources).path", "descriptor")]
    else:
        assert result.output.startswith("datapackage.json: resources[0] (sources).path: ")


def test_strict_refuses_before_frictionless_reads_anything(valid_package, outside, monkeypatch):
    import frictionless

    def never(*args, **kwargs):
        raise AssertionError("frictionless was called")

    monkeypatch.setattr(frictionless, "validate", never)
    set_path(valid_package, "sources", "http://127.0.0.1:9/sources.csv")
    report = validate_package(valid_package, strict=True)
    assert [p.check for p in report.problems] == ["descriptor"]


def test_strict_makes_no_network_request(valid_package, monkeypatch):
    """A remote profile (which Frictionless would fetch) is refused by the fast gate, without a socket;
    anything Frictionless would still fetch goes through a session that refuses every request."""
    import requests
    import socket

    from ceg_calc.gate.strict import offline_session

    connections = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: connections.append(address))
    edit_descriptor(valid_package, lambda d: d.update(profile="http://127.0.0.1:9/profile.json"))
    report = validate_package(valid_package, strict=True)
    assert [(p.file, p.column) for p in report.problems] == [("datapackage.json", "profile")]
    with pytest.raises(requests.ConnectionError, match="network access is off"):
        offline_session().get("http://127.0.0.1:9/profile.json")
    assert connections == []


@pytest.mark.parametrize("case", ["symlink-out", "dot-dot", "absolute", "fifo"])
def test_derive_build_and_release_refuse_without_writing(case, valid_package, outside):
    before = outside.read_bytes()
    set_path(valid_package, "ceg_estimates", HOSTILE_PATHS[case](valid_package, outside))
    for args in (["derive", valid_package], ["build", valid_package],
                 ["release", "9.9.9", "--path", valid_package]):
        result = invoke(*args)
        assert result.exit_code == 1, args
        assert "resources[" in result.output and SECRET not in result.output
    assert outside.read_bytes() == before
    assert not (valid_package / "build").exists() and not (valid_package / "dist").exists()


def test_derived_table_cannot_share_a_file_with_another_resource(valid_package):
    models = valid_package / "data" / "models.csv"
    before = models.read_bytes()
    set_path(valid_package, "ceg_estimates", "data/models.csv")
    result = invoke("derive", valid_package)
    assert result.exit_code == 1
    assert "resources[11] (ceg_estimates).path: is also the file of resource 'models'" in result.output
    assert models.read_bytes() == before


def test_a_symlinked_descriptor_out_of_the_package_is_not_read(tmp_path, outside):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "datapackage.json").symlink_to(outside.with_suffix(".json"))
    outside.with_suffix(".json").write_text(json.dumps({"x": SECRET}), encoding="utf-8")
    result = invoke("validate", package)
    assert result.exit_code == 1 and SECRET not in result.output
    assert "resolves outside the package" in result.output


def test_schema_path_outside_is_refused(valid_package, outside):
    secret_schema = outside.with_suffix(".json")
    secret_schema.write_text(json.dumps({"fields": [{"name": SECRET}]}), encoding="utf-8")
    (valid_package / "schemas" / "link.json").symlink_to(secret_schema)
    edit_descriptor(valid_package, lambda d: d["resources"][0].update(schema="schemas/link.json"))
    result = invoke("validate", "--json", valid_package)
    assert result.exit_code == 1 and SECRET not in result.output
    assert json.loads(result.output)["errors"][0]["column"] == "resources[0] (sources).schema"


def test_build_refuses_a_build_folder_that_is_a_symlink(valid_package, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (valid_package / "build").symlink_to(elsewhere)
    result = invoke("build", valid_package)
    assert result.exit_code == 1 and "build/ must be a folder of the package" in result.output
    assert list(elsewhere.iterdir()) == []


def test_release_zip_entries_are_the_confined_paths_and_files_have_normal_modes(valid_package, monkeypatch):
    import zipfile

    from ceg_calc.package.descriptor import DataPackage
    from ceg_calc.core.files import normal_mode
    from test_publish import _copy_project_files, _release

    _copy_project_files(valid_package)
    target = _release(valid_package, "0.1.0", monkeypatch)
    names = zipfile.ZipFile(target).namelist()
    assert all(not n.startswith("/") and ".." not in n.split("/") and "\\" not in n for n in names)
    paths = {r.path for r in DataPackage(valid_package).resources.values()}
    assert paths <= set(names)
    for written in (target, valid_package / "dist" / "SHA256SUMS", valid_package / "datapackage.json",
                    valid_package / "build" / "ceg.db"):
        assert stat.S_IMODE(written.stat().st_mode) == normal_mode(), written


def test_release_does_not_pack_a_symlink_out_of_the_package(valid_package, monkeypatch, outside):
    from test_publish import _copy_project_files

    _copy_project_files(valid_package)
    (valid_package / "README.md").unlink(missing_ok=True)
    (valid_package / "README.md").symlink_to(outside)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    result = invoke("release", "0.1.0", "--path", valid_package)
    assert result.exit_code == 1 and "'README.md' resolves outside the package" in result.output
    assert SECRET not in result.output and not (valid_package / "dist").exists()
    assert not (valid_package / "build").exists()


def test_derive_rewrites_with_normal_permissions_and_no_temporary_file(valid_package):
    from ceg_calc.core.files import normal_mode

    target = valid_package / "data" / "ceg_estimates.csv"
    target.chmod(0o600)
    result = invoke("derive", valid_package, "--draws", "200")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == normal_mode()
    # no temporary file is left; the dot files are the derivation fingerprint and the comparisons' keys
    assert sorted(p.name for p in (valid_package / "data").iterdir() if p.name.startswith(".")) == [
        ".derived-fingerprint", ".derived-keys"]


def test_interrupted_write_leaves_only_an_ignored_temporary_file(tmp_path):
    """A write killed before the rename leaves ``.<name>.<random>.tmp``, which .gitignore ignores."""
    import fnmatch

    from ceg_calc.core.files import temporary_beside

    fd, tmp = temporary_beside(tmp_path / "ceg_estimates.csv")
    os.close(fd)
    ignored = [line.strip() for line in (Path(__file__).parents[1] / ".gitignore").read_text().splitlines()]
    assert any(fnmatch.fnmatch(Path(tmp).name, pattern) for pattern in ignored if pattern and pattern[0] != "#")
