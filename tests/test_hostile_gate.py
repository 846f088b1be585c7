"""A hostile pull request against the fast gate: bounded work, exact integers, descriptors of the
wrong shape, hidden characters in free text and values that try to flood or mislead the report.

Outcomes are asserted (problems, exit codes, sizes of what is printed), never timings. Large
inputs are generated in ``tmp_path``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from ceg_calc.cli import cli
from ceg_calc.core.report import MAX_SHOWN, PER_CHECK
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.package.tables import load_package
from ceg_calc.verbs.validate import validate_package


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def rewrite(package, table, change):
    """Apply ``change(header, rows)`` to data/<table>.csv (rows as lists of cells)."""
    path = package / "data" / f"{table}.csv"
    header, *rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    header, rows = change(header, rows)
    buffer = io.StringIO()
    carriage_return = any("\r" in cell for row in rows for cell in row)  # csv leaves it unquoted
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL if carriage_return else csv.QUOTE_MINIMAL
               ).writerows([header, *rows])
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(package, table, row, column, value):
    def change(header, rows):
        rows[row][header.index(column)] = value
        return header, rows
    rewrite(package, table, change)


# --- exact integers -------------------------------------------------------------------------

def test_integers_beyond_float_precision_are_kept_exactly(valid_package):
    from ceg_calc.publish.database import sql_values

    set_cell(valid_package, "settings", 0, "shots", "9007199254740993")
    set_cell(valid_package, "settings", 1, "shots", "")  # a blank: the column once went through float64
    assert validate_package(valid_package, drift=False).valid
    shots = read_valid_tables(valid_package).tables["settings"]["shots"]
    assert shots.iloc[0] == 9007199254740993 and shots.isna().iloc[1]
    assert sql_values(shots, "integer")[:2] == [9007199254740993, None]


def test_the_largest_64_bit_integer_passes_and_one_more_is_a_problem(valid_package):
    set_cell(valid_package, "settings", 0, "shots", str(2**63 - 1))
    set_cell(valid_package, "settings", 1, "shots", "")
    assert validate_package(valid_package, drift=False).valid
    set_cell(valid_package, "settings", 0, "shots", str(2**63))
    result = invoke("validate", valid_package)
    assert result.exit_code == 1
    assert "data/settings.csv:2: shots: '9223372036854775808' is not an integer (a whole number within the " \
           "64-bit range)" in result.output


# --- bounded work ---------------------------------------------------------------------------

def test_a_header_of_100000_names_is_one_problem(valid_package):
    rewrite(valid_package, "settings", lambda header, rows: (header + [f"c{i}" for i in range(100_000)], []))
    report = validate_package(valid_package, drift=False)
    assert [(p.file, p.line, p.check) for p in report.problems] == [("data/settings.csv", 1, "header")]
    assert "100,009 columns" in report.problems[0].message


def _many_bad_rows(package, n):
    """n score rows whose score is not a number and whose model is unknown."""
    def change(header, rows):
        template = rows[0]
        out = []
        for i in range(n):
            row = list(template)
            row[header.index("score_id")] = f"bad{i}"
            row[header.index("score")] = "x"
            row[header.index("model_id")] = "nobody"
            out.append(row)
        return header, rows + out
    rewrite(package, "benchmark_scores", change)


def test_a_flood_of_bad_rows_prints_a_bounded_report_with_counts_per_check(valid_package):
    _many_bad_rows(valid_package, 5000)
    result = invoke("validate", valid_package)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert len(lines) == MAX_SHOWN + 2
    assert lines[-2].startswith("... and ") and "foreign-key: " in lines[-2] and "type: " in lines[-2]
    shown_and_more = MAX_SHOWN + int(lines[-2].split()[2])
    assert lines[-1] == f"{shown_and_more} problem(s) in 1 file(s)"
    # every bad row is counted: 5,000 scores that are not numbers and 5,000 unknown models
    assert shown_and_more == 10_000
    report = json.loads(invoke("validate", "--json", valid_package).output)
    assert len(report["errors"]) == MAX_SHOWN and sum(report["omitted"].values()) == 10_000 - MAX_SHOWN


def test_one_check_makes_at_most_per_check_problems(valid_package):
    from ceg_calc.package.descriptor import DataPackage

    _many_bad_rows(valid_package, PER_CHECK + 500)
    report = load_package(DataPackage(valid_package)).report  # structure and types: the score column
    assert report.count == PER_CHECK + 500
    assert len(report.problems) == PER_CHECK


def test_a_megabyte_foreign_key_value_is_not_echoed(valid_package):
    set_cell(valid_package, "benchmark_scores", 0, "model_id", "m" * 1_000_000)
    result = invoke("validate", valid_package)
    assert result.exit_code == 1
    assert len(result.output) < 2000
    assert "... (1,000,000 characters) is not a model_id in data/models.csv" in result.output


def test_a_look_alike_identifier_is_shown_escaped(valid_package):
    set_cell(valid_package, "benchmark_scores", 0, "model_id", "t\u043ey-1b")  # Cyrillic o
    result = invoke("validate", valid_package)
    assert "model_id: 't\\u043ey-1b' is not a model_id in data/models.csv" in result.output


def test_a_long_invisible_header_name_is_cut_and_escaped(valid_package):
    name = "\u202e" + "x" * 500
    rewrite(valid_package, "settings", lambda header, rows: (header + [name], [r + [""] for r in rows]))
    output = invoke("validate", valid_package).output
    assert "\u202e" not in output and "'\\u202exxx" in output and "(501 characters)" in output


# --- free text ------------------------------------------------------------------------------

@pytest.mark.parametrize("character", ["\x00", "\x1b", "\x7f", "\x85", "\u200b", "\u202e", "\u2066", "\ufeff",
                                       "\r"])
def test_hidden_characters_in_free_text_are_refused(valid_package, character):
    set_cell(valid_package, "benchmark_scores", 0, "notes", f"looks fine{character}here")
    report = validate_package(valid_package, drift=False)
    problems = [p for p in report.problems if p.check == "text"]
    assert [(p.file, p.line, p.column) for p in problems] == [("data/benchmark_scores.csv", 2, "notes")]
    assert character not in problems[0].message


@pytest.mark.parametrize("text", ["tab\tinside", "line\nbreak", "Villalobos, Ségolène", "数据", "emoji \U0001f600"])
def test_tabs_line_breaks_and_other_scripts_are_free_text(valid_package, text):
    set_cell(valid_package, "benchmark_scores", 0, "notes", text)
    assert validate_package(valid_package, drift=False).valid


# --- descriptors and schemas of the wrong shape ---------------------------------------------

def _descriptor(change):
    def apply(package):
        path = package / "datapackage.json"
        descriptor = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(change(descriptor)), encoding="utf-8")
    return apply


def _schema(name, change):
    def apply(package):
        path = package / "schemas" / f"{name}.json"
        schema = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(json.dumps(change(schema)), encoding="utf-8")
    return apply


def _edit(target, **values):
    target.update(values)
    return target


# the appended item's index: one past the package's own resources
RESOURCE_COUNT = len(json.loads((Path(__file__).resolve().parents[1] / "datapackage.json").read_text())["resources"])
SHAPES = {
    "descriptor-is-a-list": (_descriptor(lambda d: [d]), "datapackage.json: (top level): "),
    "resources-not-a-list": (_descriptor(lambda d: _edit(d, resources={"a": 1})), "datapackage.json: resources: "),
    "resource-not-an-object": (_descriptor(lambda d: _edit(d, resources=d["resources"] + ["x"])),
                               f"datapackage.json: resources[{RESOURCE_COUNT}]: must be an object"),
    "resource-without-name": (_descriptor(lambda d: (d["resources"][0].pop("name"), d)[1]),
                              "datapackage.json: resources[0] (None).name: "),
    "duplicate-resource-name": (_descriptor(lambda d: (d["resources"][1].update(name="sources"), d)[1]),
                                "resources[1] (sources).name: repeats an earlier resource's name"),
    "title-not-a-string": (_descriptor(lambda d: (d["resources"][0].update(title=["x"]), d)[1]),
                           "resources[0] (sources).title: must be a string"),
    "schema-missing": (_descriptor(lambda d: (d["resources"][0].pop("schema"), d)[1]),
                       "resources[0] (sources).schema: is missing"),
    "schema-not-json": (lambda p: (p / "schemas" / "settings.json").write_text("{nope"),
                        "schemas/settings.json: line 1 column 2: invalid JSON"),
    "schema-is-a-list": (_schema("settings", lambda s: [s]), "schemas/settings.json: (top level): "),
    "fields-not-a-list": (_schema("settings", lambda s: _edit(s, fields="setting_id")),
                          "schemas/settings.json: fields: must be a list"),
    "field-without-name": (_schema("settings", lambda s: _edit(s, fields=[{"type": "string"}] + s["fields"])),
                           "schemas/settings.json: fields[0]: must be an object with a non-blank string name"),
    "unknown-type": (_schema("settings", lambda s: (s["fields"][3].update(type="integr"), s)[1]),
                     "schemas/settings.json: fields[3] (shots).type: 'integr' is not a type the gate checks"),
    "unknown-constraint": (_schema("settings", lambda s: (s["fields"][1]["constraints"].update(maxLenght=3), s)[1]),
                           "fields[1] (description).constraints.maxLenght: the gate does not check this constraint"),
    "constraint-wrong-shape": (_schema("settings", lambda s: (s["fields"][2]["constraints"].update(enum="few-shot"),
                                                              s)[1]),
                               "fields[2] (prompting).constraints.enum: 'few-shot' has the wrong shape"),
    "bad-pattern": (_schema("settings", lambda s: (s["fields"][0]["constraints"].update(pattern="(["), s)[1]),
                    "fields[0] (setting_id).constraints.pattern: '([' is not a valid regular expression"),
    "primary-key-on-missing-field": (_schema("settings", lambda s: _edit(s, primaryKey=["setting"])),
                                     "schemas/settings.json: primaryKey: 'setting' is not a field of this schema"),
    "primary-key-wrong-shape": (_schema("settings", lambda s: _edit(s, primaryKey={"a": 1})),
                                "schemas/settings.json: primaryKey: must be a field name"),
    "foreign-key-to-missing-resource": (
        _schema("benchmark_scores", lambda s: (s["foreignKeys"][0]["reference"].update(resource="model"), s)[1]),
        "schemas/benchmark_scores.json: foreignKeys[0].reference.resource: 'model' is not a resource"),
    "foreign-key-to-missing-field": (
        _schema("benchmark_scores", lambda s: (s["foreignKeys"][0]["reference"].update(fields="id"), s)[1]),
        "schemas/benchmark_scores.json: foreignKeys[0].reference.fields: 'id' is not a field of 'models'"),
    "foreign-key-wrong-shape": (_schema("benchmark_scores", lambda s: _edit(s, foreignKeys=[["model_id"]])),
                                "schemas/benchmark_scores.json: foreignKeys[0]: must be"),
    "missing-values-changed": (_schema("settings", lambda s: _edit(s, missingValues=["", "NA"])),
                               "schemas/settings.json: missingValues: must be [\"\"]"),
}


@pytest.mark.parametrize("case", sorted(SHAPES))
def test_a_descriptor_or_schema_of_the_wrong_shape_is_a_located_problem(case, valid_package):
    apply, expected = SHAPES[case]
    apply(valid_package)
    for args in (["validate", valid_package], ["validate", "--json", valid_package], ["derive", valid_package]):
        result = invoke(*args)
        assert result.exit_code == 1, (args, result.output)
        assert "internal error" not in result.output
    text = invoke("validate", valid_package).output
    assert expected in text, text


def _places(document, prefix=()):
    """Every (key path) inside a JSON document."""
    yield prefix
    if isinstance(document, dict):
        for key, value in document.items():
            yield from _places(value, prefix + (key,))
    elif isinstance(document, list):
        for index, value in enumerate(document):
            yield from _places(value, prefix + (index,))


ODD_VALUES = [None, 0, -1, 1.5, True, "", "x", [], {}, [1], ["x"], {"a": 1}, [{}], [None], "../x", "/dev/zero"]


def test_no_mutation_of_descriptor_or_schema_is_an_internal_error(valid_package):
    """300 seeded mutations (a value replaced by one of another shape, or a key deleted) anywhere
    in the descriptor or one schema: always a PackageError or located problems, never a crash."""
    import copy
    import random

    from ceg_calc.core.errors import DescriptorInvalid, PackageError
    from ceg_calc.package.descriptor import DataPackage

    rng = random.Random(11)
    files = [valid_package / "datapackage.json", *sorted((valid_package / "schemas").glob("*.json"))]
    originals = {path: json.loads(path.read_text(encoding="utf-8")) for path in files}
    outcomes = set()
    for n in range(300):
        path = files[0] if n % 2 else rng.choice(files[1:])
        document = copy.deepcopy(originals[path])
        where = rng.choice(list(_places(document))[1:])
        parent = document
        for key in where[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and rng.random() < 0.2:
            del parent[where[-1]]
        else:
            parent[where[-1]] = rng.choice(ODD_VALUES)
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            DataPackage(valid_package)
            outcomes.add("accepted")
        except DescriptorInvalid as exc:
            assert all(p.check == "descriptor" and p.column for p in exc.report.problems)
            outcomes.add("located")
        except PackageError:
            outcomes.add("error")
        path.write_text(json.dumps(originals[path]), encoding="utf-8")
    assert outcomes >= {"accepted", "located"}
