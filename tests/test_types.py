"""The one type table: every Table Schema type the gate accepts can be read, checked, stored in
SQLite and Parquet and written back to CSV; a type outside it is refused with its location."""

from __future__ import annotations

import json
import sqlite3

import pandas as pd
import pyarrow.parquet as pq
import pytest

from ceg_calc.derive.run import derive_package
from ceg_calc.package.types import TYPES, untyped_csv
from ceg_calc.publish.site import build_site
from ceg_calc.verbs.validate import validate_package


def _retype(package, table: str, column: str, kind: str) -> None:
    path = package / "schemas" / f"{table}.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for field in schema["fields"]:
        if field["name"] == column:
            field["type"] = kind
    path.write_text(json.dumps(schema, indent=2), encoding="utf-8")


def test_sources_year_declared_as_year_validates_and_builds(valid_package):
    _retype(valid_package, "sources", "year", "year")
    derive_package(valid_package)
    assert validate_package(valid_package).valid
    db = build_site(valid_package)
    with sqlite3.connect(db) as con:
        declared = {row[1]: row[2] for row in con.execute("PRAGMA table_info(sources)")}
        years = [y for (y,) in con.execute("SELECT year FROM sources WHERE year IS NOT NULL")]
    assert declared["year"] == "INTEGER"
    assert years and all(isinstance(y, int) for y in years)
    parquet = pq.read_table(valid_package / "build" / "parquet" / "sources.parquet")
    assert str(parquet.schema.field("year").type) == "int64"
    expected = pd.read_csv(valid_package / "data" / "sources.csv", keep_default_na=False)["year"]
    assert parquet.column("year").to_pylist() == [int(y) if y != "" else None for y in expected]


def test_a_type_outside_the_table_is_a_located_problem(valid_package):
    _retype(valid_package, "sources", "year", "datetime")
    report = validate_package(valid_package)
    (problem,) = [p for p in report.problems if p.column.endswith("(year).type")]
    assert problem.file == "schemas/sources.json" and problem.line is None
    assert problem.column == "fields[3] (year).type" and "'datetime' is not a type the gate checks" in problem.message
    # its range constraints are refused too: no type in the table orders them
    assert {p.column for p in report.problems} == {"fields[3] (year).type", "fields[3] (year).constraints.minimum",
                                                   "fields[3] (year).constraints.maximum"}


def test_a_list_as_type_is_a_located_problem_not_a_crash(valid_package):
    _retype(valid_package, "sources", "year", ["integer"])
    report = validate_package(valid_package)
    assert "fields[3] (year).type" in [p.column for p in report.problems]
    assert all(p.file == "schemas/sources.json" for p in report.problems)


@pytest.mark.parametrize("kind, value, text", [
    ("number", 1.23456789, "1.23457"), ("number", 2.5e24, "2.5e+24"), ("integer", 7, "7"),
    ("year", 2023, "2023"), ("boolean", True, "true"), ("boolean", False, "false"),
    ("string", "a,b", "a,b"), ("date", pd.Timestamp("2024-02-29"), "2024-02-29"),
    ("number", float("nan"), ""), ("integer", pd.NA, ""), ("date", pd.NaT, ""),
])
def test_each_type_writes_its_csv_text(kind, value, text):
    assert TYPES[kind].to_csv(value) == text


def test_imports_write_numbers_with_ten_digits():
    assert untyped_csv(1 / 3) == "0.3333333333" and untyped_csv(True) == "true" and untyped_csv(None) == ""
    assert untyped_csv(12) == "12" and untyped_csv("x") == "x"


def test_every_type_has_every_column_of_the_table():
    for name, kind in TYPES.items():
        assert kind.name == name and kind.sql in ("TEXT", "INTEGER", "REAL") and kind.arrow is not None
        assert kind.ordered == (name in ("integer", "year", "number"))
