"""Pandera schemas generated from the Table Schemas, and their failures turned into problems.

``pandera.io`` has a Frictionless reader, but it drops dates, URL patterns and foreign keys
and fails on blank optional integers, so this module maps the few constructs the package
uses itself: ``required`` → ``nullable``, ``unique``, ``enum`` → ``isin``, ``minimum`` /
``maximum`` → ``ge`` / ``le``, ``pattern`` → a full-string match (Table Schema semantics),
``minLength`` / ``maxLength`` → ``str_length``. Row-wise cross-field and cross-table rules
(:mod:`ceg_calc.gate.rules`) are added as DataFrame-level checks.

:func:`passes_screen` evaluates the same checks on whole columns first; Pandera validates only the
tables it cannot pass, so every problem reported is still Pandera's.

The schemas validate *typed* frames (see :mod:`ceg_calc.package.cells`): type errors are found
first, so that a cell that is not a number is not also reported as out of range.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.engines import pandas_engine
from pandera.errors import SchemaErrors

from ceg_calc.core.arrow import full_match, isin
from ceg_calc.package.descriptor import Field, Resource
from ceg_calc.core.report import Problem, capped_each
from ceg_calc.core.shown import shown


class Text(pandas_engine.STRING):
    """pandas 3's ``str`` columns, with a dtype check that answers once per column.

    Pandera's own check answers once per cell (``np.full(len, True)``) and then formats a
    message for the empty set of failures: half of the Pandera time of a small table.
    """

    def check(self, pandera_dtype, data_container=None) -> bool:
        try:
            return pandas_engine.Engine.dtype(pandera_dtype).type == self.type
        except TypeError:
            return False


DTYPES = {
    "string": Text(),
    "integer": "Int64",
    "year": "Int64",
    "number": "float64",
    "boolean": "boolean",
    "date": pa.DateTime,
}


Screen = Callable[[pd.Series, np.ndarray], bool]  # (column, its missing cells) -> every present cell passes


def _present_cells_pass(test) -> Screen:
    """The screen of a cell check: every present cell passes ``test``."""
    def passes(series: pd.Series, missing: np.ndarray) -> bool:
        return bool(np.all(test(series) | missing))

    return passes


def _cell_check(test, name: str, error: str) -> tuple[pa.Check, Screen]:
    """A check of each cell, ``test`` (Series → boolean array) being vectorised; missing cells pass.

    The check gets the whole column (``ignore_na=False``): Pandera would otherwise hand it a
    copy without the missing cells, slower to make and without the distinct values that the
    foreign-key check of the same column has already computed (:func:`ceg_calc.core.arrow.per_value`).
    """
    def passes(series: pd.Series) -> pd.Series:
        return pd.Series(test(series) | series.isna().to_numpy(), index=series.index)

    return pa.Check(passes, name=name, error=error, ignore_na=False), _present_cells_pass(test)


def _never(series: pd.Series, missing: np.ndarray) -> bool:
    """The screen of a check it does not mirror: Pandera decides."""
    return False


def _bounded(bound, compare) -> Screen:
    """The screen of Pandera's ``ge`` / ``le`` (missing cells dropped, then ``compare(values, bound)``)
    for the package's two numeric dtypes; any other bound or dtype is left to Pandera."""
    if isinstance(bound, bool) or not isinstance(bound, (int, float)):
        return _never

    def passes(series: pd.Series, missing: np.ndarray) -> bool:
        if series.dtype == "float64":
            return bool(np.all(compare(series.to_numpy(), bound) | missing))
        if series.dtype == "Int64":  # the integers themselves: exact beyond 2**53
            return bool(np.all(compare(series.to_numpy(dtype="int64", na_value=0), bound) | missing))
        return False

    return passes


def _constraint_checks(field: Field) -> list[tuple[pa.Check, Screen]]:
    """Each Pandera check of one field's constraints (type and ``required`` aside), beside its
    screen: a test of the whole column that is True only where the check would pass."""
    c = field.constraints
    checks = []
    if "enum" in c:
        allowed = c["enum"]
        checks.append(_cell_check(lambda series: isin(series, allowed), "enum",
                                  "is not one of: " + ", ".join(map(str, allowed))))
    if "minimum" in c:
        checks.append((pa.Check.ge(c["minimum"], error=f"is below the minimum {c['minimum']}"),
                       _bounded(c["minimum"], np.greater_equal)))
    if "maximum" in c:
        checks.append((pa.Check.le(c["maximum"], error=f"is above the maximum {c['maximum']}"),
                       _bounded(c["maximum"], np.less_equal)))
    if "pattern" in c:
        pattern = c["pattern"]
        checks.append(_cell_check(lambda series: full_match(series, pattern), "pattern",
                                  f"does not match the pattern {pattern}"))
    if "minLength" in c or "maxLength" in c:
        low, high = c.get("minLength"), c.get("maxLength")
        checks.append((pa.Check.str_length(low, high, error=f"length is outside [{low}, {high}]"), _never))
    return checks


def field_checks(field: Field) -> list[pa.Check]:
    """Pandera checks for one field's constraints (type and ``required`` aside)."""
    return [check for check, _ in _constraint_checks(field)]


def column_schema(field: Field) -> pa.Column:
    return pa.Column(
        DTYPES.get(field.type, DTYPES["string"]),
        checks=field_checks(field),
        nullable=not field.required,
        unique=bool(field.constraints.get("unique", False)),
        required=False,  # a missing column is a header problem, reported by the reader
        description=field.description,
    )


_COLUMNS: dict = {}  # repr of a resource's name and fields -> its schema without rules, and its screens
COLUMNS_KEPT = 256  # schemas kept; the gate of one package needs one a table


def _columns(resource: Resource) -> tuple[pa.DataFrameSchema, tuple]:
    """The schema of ``resource``'s columns and their screens (name, column, constraint screens),
    made once per distinct name and fields: Pandera deep-copies every column into a new schema,
    0.4 ms a table, more than checking a small one."""
    key = repr((resource.name, resource.fields))
    made = _COLUMNS.get(key)
    if made is None:
        if len(_COLUMNS) >= COLUMNS_KEPT:
            _COLUMNS.clear()
        schema = pa.DataFrameSchema(
            {f.name: column_schema(f) for f in resource.fields},
            name=resource.name,
            strict=False,
            coerce=False,
        )
        screens = tuple((f.name, schema.columns[f.name], tuple(screen for _, screen in _constraint_checks(f)))
                        for f in resource.fields)
        made = _COLUMNS[key] = (schema, screens)
    return made


_ENGINE_DTYPES: dict = {}  # a column's dtype -> Pandera's (a few distinct ones a package)


def _engine_dtype(dtype):
    found = _ENGINE_DTYPES.get(dtype)
    if found is None:
        if len(_ENGINE_DTYPES) >= COLUMNS_KEPT:
            _ENGINE_DTYPES.clear()
        found = _ENGINE_DTYPES[dtype] = pandas_engine.Engine.dtype(dtype)
    return found


def passes_screen(resource: Resource, frame: pd.DataFrame, rules=()) -> bool:
    """True only when Pandera's validation of ``frame`` by :func:`table_schema` would find nothing.

    The screen evaluates what that validation evaluates — each column's dtype check (Pandera's
    own), ``nullable``, ``unique``, every constraint, every rule — on the whole columns, without
    the failure-case frames Pandera builds for each check: a valid table of a few rows costs a
    tenth of its validation. Anything it does not mirror exactly (a length constraint, a bound on
    another dtype, a rule's answer with missing values, an exception) answers False, and Pandera
    decides; so a False is no finding, only the call for one, and every problem the gate reports
    is Pandera's.
    """
    try:
        if not frame.columns.is_unique:
            return False
        for name, column, screens in _columns(resource)[1]:
            if name not in frame.columns:
                continue  # not required: Pandera skips it too (the reader reports the header)
            series = frame[name]
            if column.dtype is not None and column.dtype.check(_engine_dtype(series.dtype), series) is not True:
                return False
            missing = np.asarray(series.array.isna(), dtype=bool)
            if (not column.nullable and missing.any()) or (column.unique and not series.is_unique):
                return False
            if not all(screen(series, missing) for screen in screens):
                return False
        for rule in rules:
            result = rule.passes(frame)
            if not (isinstance(result, pd.Series) and (result.dtype == bool or result.dtype == "boolean")
                    and not result.hasnans and result.all()):
                return False
        return True
    except Exception:  # noqa: BLE001 - whatever the screen cannot answer, Pandera does
        return False


def table_schema(resource: Resource, rules=()) -> pa.DataFrameSchema:
    """The Pandera schema of ``resource``, with ``rules`` as DataFrame-level checks.

    Parameters
    ----------
    resource : Resource
        A resource of the package.
    rules : iterable of ceg_calc.gate.rules.Rule
        Row-wise rules already bound to the other tables they need.

    Returns
    -------
    pandera.DataFrameSchema
        A shallow copy of the columns' schema (shared, never modified) with its own checks.
    """
    schema = copy.copy(_columns(resource)[0])
    schema.checks = [pa.Check(rule.passes, name=rule.name, error=rule.name) for rule in rules]
    return schema


def _message(row, rules_by_name: dict) -> tuple[str, str, str]:
    check = str(row.check)
    value = row.failure_case
    if check in rules_by_name:
        rule = rules_by_name[check]
        return rule.column, rule.name, rule.describe(row.index) if rule.describe else rule.message
    if check == "not_nullable":
        return row.column, "required", "required value is missing"
    if check.startswith("field_uniqueness"):
        return row.column, "unique", f"{shown(value) if isinstance(value, str) else value!r} is not unique in this column"
    if check.startswith("column_in_dataframe") or check.startswith("dtype"):
        return row.column, "type", f"unexpected column type ({check})"
    text = shown(value) if isinstance(value, str) else f"{value:g}" if isinstance(value, float) else str(value)
    return row.column, "constraint", f"{text} {check}"


def run_pandera(schema: pa.DataFrameSchema, frame: pd.DataFrame, lines: np.ndarray, file: str,
                rules=()) -> list[Problem]:
    """Validate a typed frame and return its failures as problems on physical lines."""
    try:
        schema.validate(frame, lazy=True)
        return []
    except SchemaErrors as exc:
        cases = exc.failure_cases
    rules_by_name = {rule.name: rule for rule in rules}
    found: dict = {}
    for row in cases.itertuples(index=False):
        index = row.index
        line = None if pd.isna(index) else int(lines[int(index)])
        column, check, message = _message(row, rules_by_name)
        found.setdefault((None if pd.isna(column) else column, check), []).append((line, message))
    return capped_each(file, found)  # a million failures cost a thousand problems
