"""The gate: one fixture package per kind of bad input, with the exact report expected.

Each folder under ``fixtures/invalid/`` overlays the valid fixture package with the files
that break it; its ``expected.txt`` holds the exact lines ``ceg validate`` must print
(before the summary line).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.core.errors import DescriptorInvalid
from ceg_calc.core.report import Problem, Report
from ceg_calc.package import csvread
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.validate import validate_package
from conftest import INVALID, REPO

CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def test_there_are_at_least_fifteen_kinds_of_bad_input():
    assert len(CASES) >= 15


def test_valid_fixture_passes(valid_package):
    result = CliRunner().invoke(cli, ["validate", str(valid_package)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "valid: no problems found"


def test_valid_fixture_passes_strict(valid_package):
    assert validate_package(valid_package, strict=True).valid


@pytest.mark.parametrize("case", CASES)
def test_invalid_case_reports_exact_lines(case, make_package):
    package = make_package(INVALID / case)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = CliRunner().invoke(cli, ["validate", str(package)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problem(s) in {len({e.split(':')[0] for e in expected})} file(s)"


@pytest.mark.parametrize("case", ["type-number", "foreign-key", "ragged-row", "missing-file"])
def test_json_report_names_file_line_column_and_check(case, make_package):
    package = make_package(INVALID / case)
    result = CliRunner().invoke(cli, ["validate", "--json", str(package)])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["valid"] is False
    first = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()[0]
    error = report["errors"][0]
    assert set(error) == {"file", "line", "column", "check", "message"}
    assert str(Problem(**error)) == first


def test_strict_adds_nothing_twice(make_package):
    """Frictionless finds the same bad number; the merged report still has one line for it."""
    package = make_package(INVALID / "type-number")
    report = validate_package(package, strict=True)
    assert [str(p) for p in report.problems] == (INVALID / "type-number" / "expected.txt").read_text().splitlines()


def test_strict_reports_what_only_frictionless_sees(valid_package):
    """A schema constraint our reader does not know (maxLength on a field) still surfaces in --strict."""
    schema_path = valid_package / "schemas" / "settings.json"
    schema = json.loads(schema_path.read_text())
    schema["fields"][1]["constraints"]["maxLength"] = 5
    schema_path.write_text(json.dumps(schema))
    checks = {p.check for p in validate_package(valid_package, strict=True).problems}
    assert "constraint" in checks or any(c.startswith("frictionless:") for c in checks)


def test_crlf_line_endings_are_valid(valid_package):
    path = valid_package / "data" / "models.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert validate_package(valid_package).valid


def test_byte_order_mark_is_accepted(valid_package):
    path = valid_package / "data" / "settings.csv"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert validate_package(valid_package).valid


def test_missing_descriptor_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith("Error: package descriptor not found:")
    assert "Traceback" not in result.output


def test_broken_descriptor_names_line_and_column(valid_package):
    (valid_package / "datapackage.json").write_text('{"resources": [\n  {"name": }\n]}')
    result = CliRunner().invoke(cli, ["validate", str(valid_package)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {valid_package / 'datapackage.json'}:2:")


def _digest(folder: Path) -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_validation_never_writes_to_data(make_package):
    package = make_package(INVALID / "ragged-row")
    before = _digest(package / "data")
    validate_package(package, strict=True)
    assert _digest(package / "data") == before


def test_report_sorts_by_file_then_line():
    report = Report([Problem("data/b.csv", 3, "x", "type", "m"), Problem("data/a.csv", 10, "y", "type", "m"),
                     Problem("data/a.csv", 2, "z", "type", "m"), Problem("data/a.csv", None, None, "missing-file", "m")])
    assert [(p.file, p.line) for p in report.problems] == [
        ("data/a.csv", None), ("data/a.csv", 2), ("data/a.csv", 10), ("data/b.csv", 3)]


def test_one_problem_per_cell_first_wins():
    report = Report([Problem("f", 2, "c", "type", "first"), Problem("f", 2, "c", "constraint", "second")])
    assert [p.message for p in report.problems] == ["first"]


def test_real_package_is_valid_and_its_derived_tables_equal_a_full_derivation():
    """The gate on the package with every derived table recomputed whatever the fingerprint says
    (``ceg validate --full-drift``): a forged fingerprint or a library whose random draws moved
    fails here."""
    report = validate_package(REPO, full_drift=True)
    assert report.valid, report.to_text()


# The fast reader (pandas' C parser, every cell as text) must agree with the exact reader (the
# standard library's csv module). Files under FAST_FROM bytes, the fixtures' among them, go to the
# exact reader directly: the tests below run once with each reader first.

@pytest.fixture(params=["csv", "pandas"])
def reader(request, monkeypatch):
    if request.param == "pandas":
        monkeypatch.setattr(csvread, "FAST_FROM", 0)
    return request.param


def _raw_tables(package: Path, files) -> list:
    descriptor = DataPackage(package)
    return [csvread.read_raw(package, r) for r in descriptor.resources.values() if files is None or r.path in files]


@pytest.mark.parametrize("case", [None, *CASES])
def test_both_readers_read_every_fixture_alike(case, make_package, monkeypatch):
    """Same cells, dtypes, lines and problems, whichever reader a file's size sends it to first
    (every file of the valid fixture, and each case's own files)."""
    package = make_package(*([INVALID / case] if case else []))
    files = None if case is None else {f"data/{f.name}" for f in (INVALID / case).glob("data/*")}
    try:
        exact = _raw_tables(package, files)
    except DescriptorInvalid:
        pytest.skip("the descriptor is refused before any file is read")
    monkeypatch.setattr(csvread, "FAST_FROM", 0)
    fast = _raw_tables(package, files)
    assert len(fast) == len(exact) == (len(files) if files is not None else len(DataPackage(package).resources))
    for a, b in zip(fast, exact):
        assert (a.file, a.problems, a.readable) == (b.file, b.problems, b.readable)
        if a.readable:
            pd.testing.assert_frame_equal(a.frame, b.frame)
            assert a.lines.tolist() == b.lines.tolist()


def test_a_large_file_takes_the_pandas_reader_and_a_small_one_the_csv_reader(valid_package, monkeypatch):
    calls = []
    monkeypatch.setattr(csvread, "_exact_read", lambda *a, _f=csvread._exact_read: calls.append("csv") or _f(*a))
    resource = DataPackage(valid_package).resource("benchmark_scores")
    path = valid_package / resource.path
    csvread.read_raw(valid_package, resource)
    assert calls == ["csv"]
    header, first = path.read_bytes().split(b"\n")[:2]
    rows = (csvread.FAST_FROM // len(first)) + 1
    path.write_bytes(header + b"\n" + (first + b"\n") * rows)
    calls.clear()
    raw = csvread.read_raw(valid_package, resource)
    assert calls == [] and len(raw.frame) == rows


def _edit(package: Path, table: str, old: bytes, new: bytes, count: int = 1) -> None:
    path = package / "data" / f"{table}.csv"
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new, count))


def _report(package: Path) -> list[str]:
    return [str(p) for p in validate_package(package).problems]


@pytest.mark.usefixtures("reader")
def test_numeric_looking_text_keeps_its_text(valid_package):
    """Every arxiv_id looks like a number: it is still read as the text written."""
    _edit(valid_package, "sources", b"database,,,", b"database,2110.14160,,")
    assert validate_package(valid_package).valid
    ids = read_valid_tables(valid_package).tables["sources"]["arxiv_id"].tolist()
    assert ids == ["2301.00001", "2110.14160"]


@pytest.mark.usefixtures("reader")
@pytest.mark.parametrize("old, new, expected", [
    (b",20,,Few", b", 20,,Few", "data/benchmark_scores.csv:3: score: ' 20' is not a finite number "
                                "(plain decimal or 1.5e23 notation)"),
    (b"Few-shot,false", b"Few-shot,False", "data/benchmark_scores.csv:2: second_hand: 'False' is not a boolean: "
                                           "write 'true' or 'false'"),
])
def test_cells_a_csv_parser_would_accept_are_reported(valid_package, old, new, expected):
    _edit(valid_package, "benchmark_scores", old, new)
    assert _report(valid_package) == [expected]


@pytest.mark.usefixtures("reader")
@pytest.mark.parametrize("quoted", [False, True])
@pytest.mark.parametrize("row, cells", [(b",Sec. 3\n", 12), (b",Sec. 3,,\n", 14)])
def test_short_and_long_rows_are_ragged(valid_package, quoted, row, cells):
    """benchmarks.csv ends in an empty column, so a short row looks padded to pandas."""
    if quoted:
        _edit(valid_package, "benchmarks", b"Toy Perplexity,", b'"Toy, Perplexity",')
    _edit(valid_package, "benchmarks", b",Sec. 3,\n", row)
    assert _report(valid_package) == [f"data/benchmarks.csv:2: row has {cells} cells but the header has 13"]


@pytest.mark.usefixtures("reader")
@pytest.mark.parametrize("ending", [b"\r\n", b"\r"])
def test_unquoted_file_with_carriage_returns_is_valid(valid_package, ending):
    _edit(valid_package, "benchmarks", b"\n", ending, -1)
    assert validate_package(valid_package).valid


@pytest.mark.usefixtures("reader")
@pytest.mark.parametrize("value", [b"99999999999999999999", b"\xd9\xa1\xd9\xa0\xd9\xa0\xd9\xa0"])
def test_integers_beyond_64_bits_and_non_ascii_digits_are_reported(valid_package, value):
    # n_items of toy-math: twenty nines overflow int64; Arabic-Indic digits are not ASCII digits
    _edit(valid_package, "benchmarks", b",0,1000,paper-a", b",0," + value + b",paper-a")
    shown = repr(value.decode("utf-8"))
    assert _report(valid_package) == [
        f"data/benchmarks.csv:2: n_items: {shown} is not an integer (a whole number within the 64-bit range)"]


def test_benchmark_synthetic_package_is_valid_and_has_every_table(tmp_path):
    # `make bench` validates packages of 100k and 1M generated rows; a table added to the descriptor
    # must appear in them too, or the benchmark stops at its first assertion
    from bench.synthetic import make_synthetic_package

    root = make_synthetic_package(tmp_path / "synthetic", 500)
    descriptor = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert all((root / r["path"]).is_file() for r in descriptor["resources"])
    report = validate_package(root, drift=False)
    assert report.valid, report.to_text()
    assert (root / "data" / "benchmark_scores.csv").read_text(encoding="utf-8").count("\n") == 501
