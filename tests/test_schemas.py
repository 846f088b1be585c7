"""The descriptor, the Table Schemas and everything generated from them agree."""

from __future__ import annotations

import json
import re
import tomllib

import pandera.pandas as pa
import pytest

from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.package.descriptor import DataPackage
from ceg_calc.gate.pandera_schemas import DTYPES, table_schema
from conftest import REPO

PACKAGE = DataPackage(REPO)
RESOURCES = sorted(PACKAGE.resources)
UNIT_WORDS = re.compile(r"\[|FLOP|count|ratio|fraction|percent|YYYY|scale|multiplier|units")


@pytest.mark.parametrize("name", RESOURCES)
def test_every_field_has_a_description(name):
    for field in PACKAGE.resource(name).fields:
        assert len(field.description) >= 10, f"{name}.{field.name} lacks a description"


@pytest.mark.parametrize("name", RESOURCES)
def test_numeric_fields_state_their_unit(name):
    for field in PACKAGE.resource(name).fields:
        if field.type in ("number", "integer"):
            assert UNIT_WORDS.search(field.description), f"{name}.{field.name}: no unit in its description"


UNSOURCED = {"sources", "settings", "comparisons", "comparison_components"} | set(DERIVED_TABLES)


@pytest.mark.parametrize("name", sorted(set(RESOURCES) - UNSOURCED))
def test_every_sourced_table_has_source_and_locator(name):
    names = PACKAGE.resource(name).field_names
    assert "source_id" in names and "locator" in names
    assert PACKAGE.resource(name).field("locator").required


@pytest.mark.parametrize("name", RESOURCES)
def test_pandera_schema_agrees_with_table_schema(name):
    resource = PACKAGE.resource(name)
    schema = table_schema(resource)
    assert list(schema.columns) == resource.field_names
    for field in resource.fields:
        column = schema.columns[field.name]
        assert column.nullable == (not field.required), field.name
        assert str(column.dtype) == str(pa.DataFrameSchema({"x": pa.Column(DTYPES[field.type])}).columns["x"].dtype)
        c = field.constraints
        errors = [check.error for check in column.checks]
        if "enum" in c:
            assert "is not one of: " + ", ".join(c["enum"]) in errors
        if "minimum" in c:
            assert f"is below the minimum {c['minimum']}" in errors
        if "maximum" in c:
            assert f"is above the maximum {c['maximum']}" in errors
        if "pattern" in c:
            assert f"does not match the pattern {c['pattern']}" in errors
        expected = sum(k in c for k in ("enum", "minimum", "maximum", "pattern")) + (
            "minLength" in c or "maxLength" in c)
        assert len(column.checks) == expected, field.name


def test_descriptor_resources_match_files():
    for resource in PACKAGE.resources.values():
        assert (REPO / resource.path).is_file()
        assert (REPO / resource.schema_path).is_file()
    assert sorted(p.stem for p in (REPO / "schemas").glob("*.json")) == RESOURCES


def test_foreign_keys_point_at_primary_keys():
    for resource in PACKAGE.resources.values():
        for fk in resource.foreign_keys:
            target = PACKAGE.resource(fk.ref_resource)
            assert tuple(fk.ref_fields) == target.primary_key, (resource.name, fk)


def test_data_licence_is_cc_by_4():
    assert [lic["name"] for lic in PACKAGE.descriptor["licenses"]] == ["CC-BY-4.0"]


def test_versions_agree():
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["version"]
    citation = re.search(r"^version:\s*\"?([^\"\n]+)\"?$", (REPO / "CITATION.cff").read_text(), re.M).group(1)
    from ceg_calc import __version__

    assert pyproject == PACKAGE.version == citation == __version__


def test_citation_references_the_survey():
    text = (REPO / "CITATION.cff").read_text()
    assert "2312.07413" in text and "cff-version: 1.2.0" in text
    assert json.loads((REPO / "datapackage.json").read_text())["licenses"][0]["name"] in text


def test_a_cached_columns_schema_carries_no_rules_from_an_earlier_table():
    """The columns' schema is made once and shared: each call gets its own rule checks."""
    from ceg_calc.gate.rules import rules_for
    from conftest import table

    tables = {name: table(name) for name in ("benchmark_scores", "comparisons", "benchmarks", "models")}
    resource = PACKAGE.resource("comparisons")
    with_rules = table_schema(resource, rules_for("comparisons", tables))
    assert with_rules.checks
    bare = table_schema(resource)
    assert bare.checks == [] and bare.columns is with_rules.columns
    assert with_rules.checks  # unchanged by the later call


def test_a_changed_field_gets_its_own_schema_and_the_cache_is_bounded(monkeypatch):
    from dataclasses import replace

    from ceg_calc.gate import pandera_schemas

    monkeypatch.setattr(pandera_schemas, "_COLUMNS", {})
    resource = PACKAGE.resource("settings")
    field = resource.fields[1]
    narrowed = replace(resource, fields=(resource.fields[0], replace(field, constraints={**field.constraints, "maxLength": 5}),
                                         *resource.fields[2:]))
    assert table_schema(narrowed).columns[field.name].checks[-1].error == "length is outside [None, 5]"
    assert not any("length" in c.error for c in table_schema(resource).columns[field.name].checks)
    monkeypatch.setattr(pandera_schemas, "COLUMNS_KEPT", 2)
    table_schema(PACKAGE.resource("models"))
    assert len(pandera_schemas._COLUMNS) <= 2
