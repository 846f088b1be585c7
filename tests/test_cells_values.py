"""Typing cells: without checks the same values as with them; tables typed together as each column alone."""

from pathlib import Path

import numpy as np
import pandas as pd

from ceg_calc.package.cells import type_frame
from ceg_calc.package.descriptor import Field
from conftest import INVALID, REPO

INVALID_CASES = sorted(p.name for p in INVALID.iterdir() if p.is_dir())


def test_unchecked_typing_gives_the_checked_values():
    fields = (Field("name", "string", constraints={"required": True}), Field("note", "string"),
              Field("n", "integer"), Field("x", "number"), Field("ok", "boolean"), Field("day", "date"))
    raw = pd.DataFrame({"name": ["a", "", "=b"], "note": ["+1", "hi\x07", ""], "n": ["1", "", "x"],
                        "x": ["1.5", "1e-3", ""], "ok": ["true", "false", ""], "day": ["2024-01-02", "", "2024-13-01"]},
                       dtype="str")
    lines = np.arange(2, 5)
    checked, problems = type_frame(raw, fields, "data/t.csv", lines)
    values, none = type_frame(raw, fields, "data/t.csv", lines, checked=False)
    assert problems and none == []
    pd.testing.assert_frame_equal(values, checked, check_exact=True)


def test_empty_cells_are_the_empty_string_only():
    from ceg_calc.core.arrow import empty_cells

    text = pd.Series(["", "a", " ", None, ""], dtype="str")
    assert empty_cells(text).tolist() == [True, False, False, False, True]
    assert empty_cells(text).tolist() == (text == "").to_numpy().tolist()


def _every_table(tmp_path):
    """The tables of the package, of the valid fixture and of every bad fixture's overlay (each
    table read once), as :func:`type_frames` takes them."""
    from conftest import INVALID, VALID, assemble

    from ceg_calc.package.csvread import read_raw
    from ceg_calc.package.descriptor import DataPackage

    roots = [(REPO, None), (assemble(tmp_path / "valid"), None)]
    for case in INVALID_CASES:
        overlay = INVALID / case / "data"
        if overlay.is_dir():
            roots.append((assemble(tmp_path / case, INVALID / case), {f.name for f in overlay.iterdir()}))
    tables = []
    for root, only in roots:
        package = DataPackage(root)
        for resource in package.resources.values():
            if only is None or Path(resource.path).name in only:
                raw = read_raw(package.root, resource)
                if raw.readable:
                    tables.append((raw.frame, resource.fields, f"{root.name}/{resource.path}", raw.lines))
    return tables


def _typed_alone(raw_frame, fields, file, lines, checked):
    """Each column typed by itself (what typing several tables at once must give)."""
    from ceg_calc.package.cells import type_column

    results = [(field.name, type_column(raw_frame[field.name], field, file, lines, checked))
               for field in fields if field.name in raw_frame.columns]
    return {name: values for name, (values, _) in results}, [p for _, (_, found) in results for p in found]


def test_tables_typed_together_equal_columns_typed_alone(tmp_path):
    """Typing the short tables' columns together (one kernel call per kind of column) gives each
    column the values, dtype and problems it gets alone, on the package, the valid fixture and
    every bad fixture's tables, all typed in one call, with and without checks."""
    from ceg_calc.package.cells import type_frames

    for case in INVALID_CASES:
        (tmp_path / case).mkdir()
    (tmp_path / "valid").mkdir()
    tables = _every_table(tmp_path)
    assert len(tables) > 2 * len(INVALID_CASES)
    for checked in (True, False):
        together = type_frames(tables, checked)
        for table, (frame, problems) in zip(tables, together, strict=True):
            columns, alone = _typed_alone(*table, checked)
            assert list(frame.columns) == list(columns)
            for name, values in columns.items():
                pd.testing.assert_series_equal(frame[name], values, check_names=False, check_exact=True)
            assert problems == alone, table[2]
            assert checked or not problems


def test_columns_that_parse_differently_are_not_typed_together():
    """Booleans with other true values, text with and without a pattern: typed together, each
    column still gets what it gets alone."""
    from ceg_calc.package.cells import type_frames

    yes = (Field("ok", "boolean", true_values=("yes",), false_values=("no",)),
           Field("id", "string", constraints={"pattern": "[a-z=]+"}))
    plain = (Field("ok", "boolean"), Field("id", "string"))
    tables = [(pd.DataFrame({"ok": ["yes", "true"], "id": ["=a", "b"]}, dtype="str"), yes, "data/a.csv", np.arange(2, 4)),
              (pd.DataFrame({"ok": ["yes", "true"], "id": ["=a", "b"]}, dtype="str"), plain, "data/b.csv", np.arange(2, 4))]
    (a, a_problems), (b, b_problems) = type_frames(tables)
    assert a["ok"].tolist() == [True, pd.NA] and b["ok"].tolist() == [pd.NA, True]
    assert [(p.file, p.column, p.check) for p in a_problems] == [("data/a.csv", "ok", "type")]
    assert [(p.file, p.column, p.check) for p in b_problems] == [("data/b.csv", "ok", "type"), ("data/b.csv", "id", "type")]
    for table, (frame, problems) in zip(tables, ((a, a_problems), (b, b_problems))):
        columns, alone = _typed_alone(*table, True)
        assert problems == alone
        for name, values in columns.items():
            pd.testing.assert_series_equal(frame[name], values, check_names=False, check_exact=True)
