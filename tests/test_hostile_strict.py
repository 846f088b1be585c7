"""``ceg validate --strict`` reads only what the fast gate accepted.

A pull request can declare a resource that Frictionless would decompress, fetch or parse in some
other way than the plain UTF-8 CSV the fast gate checks (a gzip bomb behind ``"compression": "gz"``
kept 19.8 GB resident). Every such property is refused by the descriptor check with its location,
before any data file is opened, and Frictionless never runs on a package the fast gate refused.
"""

from __future__ import annotations

import gzip
import json
import resource
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from ceg_calc.verbs.validate import validate_package

BOMB_ZEROS = 10 << 20  # decompressed size of the test's bomb [bytes]; its gzip is about 10 KB


def edit_resource(package: Path, name: str, **changes) -> None:
    path = package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in descriptor["resources"] if r["name"] == name).update(changes)
    path.write_text(json.dumps(descriptor), encoding="utf-8")


def gzip_bomb(path: Path) -> Path:
    """``path``: a CSV header, then megabytes of zeros, gzip-compressed (written in blocks)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # wbits 31: the gzip format
    block = b"0" * (1 << 20)
    with open(path, "wb") as out:
        out.write(packer.compress(b"source_id,title\n"))
        for _ in range(BOMB_ZEROS >> 20):
            out.write(packer.compress(block))
        out.write(packer.flush())
    return path


@pytest.fixture
def never_decompressed(monkeypatch):
    """Fail the test if anything in this process runs Frictionless or inflates gzip data."""
    import frictionless

    def never(*args, **kwargs):
        raise AssertionError("a refused package reached Frictionless or a decompressor")

    monkeypatch.setattr(frictionless, "validate", never)
    monkeypatch.setattr(gzip, "open", never)
    monkeypatch.setattr(gzip, "GzipFile", never)
    monkeypatch.setattr(zlib, "decompressobj", never)


HOSTILE_PROPERTIES = {
    "compression": ({"compression": "gz"}, "compression"),
    "inline-data": ({"data": [["source_id"], ["x"]]}, "data"),
    "remote-data": ({"data": "https://example.org/sources.csv"}, "data"),
    "dialect": ({"dialect": {"delimiter": ";", "headerRows": [2]}}, "dialect"),
    "scheme": ({"scheme": "multipart"}, "scheme"),
    "innerpath": ({"innerpath": "a.csv"}, "innerpath"),
    "format": ({"format": "xlsx"}, "format"),
    "mediatype": ({"mediatype": "application/gzip"}, "mediatype"),
    "encoding": ({"encoding": "utf-16"}, "encoding"),
    "remote-profile": ({"profile": "https://example.org/profile.json"}, "profile"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE_PROPERTIES))
def test_fast_gate_refuses_properties_the_package_does_not_use(case, valid_package, never_decompressed):
    changes, key = HOSTILE_PROPERTIES[case]
    edit_resource(valid_package, "sources", **changes)
    for strict in (False, True):
        report = validate_package(valid_package, strict=strict)
        assert [(p.file, p.column, p.check) for p in report.problems] == [
            ("datapackage.json", f"resources[0] (sources).{key}", "descriptor")]


def test_package_profile_must_be_a_known_name(valid_package, never_decompressed):
    path = valid_package / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["profile"] = "http://127.0.0.1:9/profile.json"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    problems = validate_package(valid_package, strict=True).problems
    assert [(p.file, p.column) for p in problems] == [("datapackage.json", "profile")]


def _no_frictionless(monkeypatch) -> list:
    """Record (and refuse) every run of Frictionless that ``--strict`` would make, in this process
    or in a child process."""
    import frictionless

    from ceg_calc.gate import strict

    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("Frictionless ran")

    monkeypatch.setattr(strict.subprocess, "Popen", refuse)
    monkeypatch.setattr(frictionless, "validate", refuse)
    return calls


def test_strict_skips_frictionless_when_the_fast_gate_fails(valid_package, monkeypatch):
    calls = _no_frictionless(monkeypatch)
    (valid_package / "data" / "sources.csv").write_text("source_id\n", encoding="utf-8")  # columns missing
    assert not validate_package(valid_package, strict=True).valid
    assert calls == []


def test_strict_hands_no_file_over_the_size_bound_to_frictionless(valid_package, monkeypatch):
    from ceg_calc.gate import strict

    calls = _no_frictionless(monkeypatch)
    monkeypatch.setattr(strict, "MAX_FILE_BYTES", 100)
    problems = validate_package(valid_package, strict=True).problems
    assert problems and {p.check for p in problems} == {"frictionless:skipped"}
    assert all(p.file.startswith("data/") and "bytes: over" in p.message for p in problems)
    assert calls == []


def test_gzip_bomb_is_refused_in_a_subprocess_without_being_inflated(valid_package, never_decompressed):
    """The issue's attack, scaled down: ``ceg validate --strict`` in its own process, bounded by a
    timeout (no hang) and by its peak memory (well under the 1 GB the acceptance allows)."""
    bomb = gzip_bomb(valid_package / "data" / "bomb.csv")
    assert bomb.stat().st_size < 100_000 and bomb.read_bytes()[:2] == b"\x1f\x8b"
    edit_resource(valid_package, "sources", path="data/bomb.csv", compression="gz")
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, "-m", "ceg_calc.cli", "validate", "--strict", str(valid_package)],
                          capture_output=True, text=True, timeout=120)
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert done.returncode == 1
    assert done.stdout.splitlines()[0].startswith("datapackage.json: resources[0] (sources).compression: ")
    assert "Traceback" not in done.stderr
    assert max(peak_kb, before) < 1 << 20  # KB: under 1 GB


def test_the_child_finds_what_frictionless_finds_in_process(make_package):
    """The child process of ``--strict`` reports exactly the in-process findings, with their places
    (a package the fast gate would refuse, handed to Frictionless directly)."""
    from ceg_calc.gate.strict import frictionless_problems, start_frictionless
    from ceg_calc.package.descriptor import DataPackage

    package = DataPackage(make_package(Path(__file__).parent / "fixtures" / "invalid" / "enum"))
    expected = frictionless_problems(package)
    assert expected and all(p.line is not None for p in expected if p.file.startswith("data/"))
    assert start_frictionless(package, child=True).problems() == expected


def test_a_failing_child_is_one_line_and_a_cancelled_one_is_stopped(valid_package):
    from ceg_calc.core.errors import CegError
    from ceg_calc.gate.strict import PendingFrictionless, start_frictionless
    from ceg_calc.package.descriptor import DataPackage

    hidden = valid_package.parent / "pkg\u202eevil"  # a bidi override in the folder the message names
    shutil.copytree(valid_package, hidden)
    package = DataPackage(hidden)
    (hidden / "datapackage.json").unlink()  # the child finds no descriptor
    with pytest.raises(CegError, match=r"^frictionless validation failed \(exit 1\): \S") as caught:
        PendingFrictionless(package, child=True).problems()
    message = str(caught.value)
    assert "\n" not in message and "\u202e" not in message and "pkg\\u202eevil" in message
    pending = start_frictionless(DataPackage(valid_package), child=True)
    pending.cancel()
    assert pending._child.returncode is not None  # stopped and reaped: no process left behind
    pending.cancel()  # once more: nothing to do


def test_strict_stops_frictionless_when_the_drift_check_fails(valid_package, monkeypatch):
    """A hand-edited derived cell is a drift problem; Frictionless' child is stopped, not reported."""
    from ceg_calc.gate import strict

    monkeypatch.setattr(strict, "CHILD_FROM_BYTES", 0)  # a child even for the small package
    cancelled = []
    real = strict.PendingFrictionless.cancel
    monkeypatch.setattr(strict.PendingFrictionless, "cancel", lambda self: (cancelled.append(self), real(self)))
    monkeypatch.setattr(strict.PendingFrictionless, "problems", lambda self: pytest.fail("findings collected"))
    path = valid_package / "data" / "ceg_estimates.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    i = next(i for i, line in enumerate(lines[1:], 1) if line.split(",")[header.index("method_version")])
    cells = lines[i].split(",")
    cells[header.index("method_version")] = "999"
    lines[i] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")
    report = validate_package(valid_package, strict=True)
    assert not report.valid and len(cancelled) == 1 and cancelled[0]._child.returncode is not None
    assert {p.check for p in report.problems} == {"drift"}
