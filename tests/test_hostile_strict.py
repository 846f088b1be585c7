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


def test_strict_skips_frictionless_when_the_fast_gate_fails(valid_package, monkeypatch):
    import frictionless

    calls = []
    monkeypatch.setattr(frictionless, "validate", lambda *a, **k: calls.append(a))
    (valid_package / "data" / "sources.csv").write_text("source_id\n", encoding="utf-8")  # columns missing
    assert not validate_package(valid_package, strict=True).valid
    assert calls == []


def test_strict_hands_no_file_over_the_size_bound_to_frictionless(valid_package, monkeypatch):
    import frictionless

    from ceg_calc.gate import strict

    monkeypatch.setattr(frictionless, "validate", lambda *a, **k: pytest.fail("Frictionless ran"))
    monkeypatch.setattr(strict, "MAX_FILE_BYTES", 100)
    problems = validate_package(valid_package, strict=True).problems
    assert problems and {p.check for p in problems} == {"frictionless:skipped"}
    assert all(p.file.startswith("data/") and "bytes: over" in p.message for p in problems)


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
