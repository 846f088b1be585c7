"""The screen in front of Pandera (:func:`ceg_calc.gate.pandera_schemas.passes_screen`): where it
passes a table, Pandera finds nothing in it; on the package and the valid fixture it passes every
table, so the gate of a valid package never builds Pandera's failure reports.

The exact reports of the invalid fixtures (tests/test_validate.py) were written by Pandera alone
and are still met; here the screen is set against Pandera table by table on edited copies."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from ceg_calc.gate import checks, pandera_schemas
from ceg_calc.gate.pandera_schemas import passes_screen, run_pandera, table_schema
from ceg_calc.gate.rules import rules_for
from ceg_calc.package.descriptor import DataPackage, Field, Resource
from ceg_calc.package.tables import load_package
from conftest import REPO, VALID, assemble


def _pandera_problems(loaded, name, tables=None, frame=None):
    tables = loaded.tables if tables is None else tables
    table = loaded.typed[name]
    frame = table.frame if frame is None else frame
    rules = rules_for(name, tables)
    return run_pandera(table_schema(loaded.package.resource(name), rules), frame, table.lines, table.file, rules)


@pytest.fixture(scope="module")
def fixture_loaded(tmp_path_factory):
    return load_package(DataPackage(assemble(tmp_path_factory.mktemp("screen"))))


@pytest.fixture(scope="module")
def package_loaded():
    return load_package(DataPackage(REPO))


@pytest.mark.parametrize("which", ["package", "fixture"])
def test_every_valid_table_passes_the_screen_and_pandera(which, request):
    loaded = request.getfixturevalue(f"{which}_loaded")
    assert loaded.report.valid
    for name in loaded.typed:
        resource = loaded.package.resource(name)
        assert passes_screen(resource, loaded.tables[name], rules_for(name, loaded.tables)), name
        assert _pandera_problems(loaded, name) == [], name


def test_a_valid_package_never_calls_pandera_and_strict_always_does(fixture_loaded, monkeypatch):
    calls = []
    real = pandera_schemas.run_pandera
    monkeypatch.setattr(pandera_schemas, "run_pandera", lambda *a, **k: calls.append(a[3]) or real(*a, **k))
    checks.check_keys_and_rules(fixture_loaded)
    assert calls == []
    checks.check_keys_and_rules(fixture_loaded, full=True)
    assert sorted(calls) == sorted(t.file for t in fixture_loaded.typed.values())
    assert fixture_loaded.report.valid


def _field(name="x", type_="string", **constraints) -> Field:
    return Field(name=name, type=type_, description="a field of a test", constraints=constraints)


def _resource(*fields: Field) -> Resource:
    return Resource(name="t", path="data/t.csv", title="t", description="a table of a test", fields=fields,
                    primary_key=(), foreign_keys=(), schema_path="schemas/t.json")


@pytest.mark.parametrize("field, series, passes", [
    (_field(type_="number", minimum=0), pd.Series([0.0, math.nan, 2.5]), True),
    (_field(type_="number", minimum=0), pd.Series([0.0, -1e-300]), False),
    (_field(type_="number", maximum=1), pd.Series([math.inf]), False),
    (_field(type_="integer", minimum=2**60 + 1), pd.Series([2**60 + 1, None], dtype="Int64"), True),
    (_field(type_="integer", minimum=2**60 + 1), pd.Series([2**60], dtype="Int64"), False),  # equal as floats
    (_field(type_="integer", minimum="0"), pd.Series([1], dtype="Int64"), False),  # Pandera decides
    (_field(type_="number", minimum=0), pd.Series([1], dtype="Int64"), False),  # wrong dtype
    (_field(enum=["a", "b"]), pd.Series(["a", None, "b"], dtype="str"), True),
    (_field(enum=["a", "b"]), pd.Series(["c"], dtype="str"), False),
    (_field(pattern="[a-z]+"), pd.Series(["ab", "ab1"], dtype="str"), False),
    (_field(maxLength=5), pd.Series(["ab"], dtype="str"), False),  # a length: Pandera decides
    (_field(required=True), pd.Series(["a", None], dtype="str"), False),
    (_field(unique=True), pd.Series(["a", "a"], dtype="str"), False),
])
def test_the_screen_passes_only_what_pandera_passes(field, series, passes):
    resource = _resource(field)
    frame = pd.DataFrame({field.name: series})
    assert passes_screen(resource, frame) is passes
    pandera_found = run_pandera(table_schema(resource), frame, np.arange(len(frame)) + 2, "data/t.csv")
    assert not passes or pandera_found == []
    if field.constraints.get("maxLength") is None and not isinstance(field.constraints.get("minimum"), str):
        assert (pandera_found == []) is passes  # the screen mirrors the rest exactly


def test_a_rule_that_raises_or_answers_missing_leaves_the_table_to_pandera():
    resource = _resource(_field())
    frame = pd.DataFrame({"x": pd.Series(["a"], dtype="str")})

    class Rule:
        def __init__(self, passes):
            self.passes = passes

    def broken(frame):
        raise ZeroDivisionError

    assert passes_screen(resource, frame, [Rule(lambda f: pd.Series(True, index=f.index))])
    assert not passes_screen(resource, frame, [Rule(broken)])
    assert not passes_screen(resource, frame, [Rule(lambda f: pd.Series([pd.NA], dtype="boolean", index=f.index))])
    assert not passes_screen(resource, frame, [Rule(lambda f: True)])  # not a row-wise answer
    assert not passes_screen(resource, pd.DataFrame([["a", "b"]], columns=["x", "x"]).astype("str"))


NUMBERS = [-1.0, -1e-12, 0.0, 0.5, 1.0, 3.0, 100.0, 1e30, math.inf, -math.inf, math.nan]
INTEGERS = [-1, 0, 1, 2, 1990, 2100, 2**62]
TEXTS = ["", "x", "NaN", " a", "a ", "ceg-1", "2023-01-01", "=1+1", "\u03a9", "arxiv:2312.07413"]


@st.composite
def edits(draw, tables):
    name = draw(st.sampled_from(sorted(n for n, f in tables.items() if len(f))))
    frame = tables[name].copy()
    for _ in range(draw(st.integers(1, 3))):
        column = draw(st.sampled_from(list(frame.columns)))
        row = frame.index[draw(st.integers(0, len(frame) - 1))]
        series = frame[column]
        kind = draw(st.sampled_from(["missing", "other row", "value", "dtype"]))
        if kind == "dtype":
            frame[column] = series.astype(object) if draw(st.booleans()) else series.astype(str)
            continue
        if kind == "missing":
            value = None
        elif kind == "other row":
            value = series.iloc[draw(st.integers(0, len(series) - 1))]
        elif series.dtype == "float64":
            value = draw(st.sampled_from(NUMBERS))
        elif series.dtype == "Int64":
            value = draw(st.sampled_from(INTEGERS))
        elif series.dtype == "boolean":
            value = draw(st.booleans())
        else:
            value = draw(st.sampled_from(TEXTS + [v for v in series.dropna().unique()[:5]]))
        try:
            frame.loc[row, column] = value
        except (TypeError, ValueError):
            assume(False)
    return name, frame


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")  # a rule comparing NaN
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(data=st.data())
def test_where_the_screen_passes_an_edited_table_pandera_finds_nothing(fixture_loaded, data):
    name, frame = data.draw(edits(fixture_loaded.tables))
    tables = fixture_loaded.tables | {name: frame}
    screened = passes_screen(fixture_loaded.package.resource(name), frame, rules_for(name, tables))
    found = _pandera_problems(fixture_loaded, name, tables, frame)
    event("the screen passes" if screened else "Pandera finds something" if found else "Pandera decides: nothing")
    assert not screened or found == [], (name, found)
    assert screened or found or "object" in set(map(str, frame.dtypes)), (name, frame.dtypes)
