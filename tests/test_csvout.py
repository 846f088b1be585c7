"""The CSV text of derived tables: the shortcuts of ceg_calc.derive.csvout write what the csv
module and the type table write."""

import csv
import io
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ceg_calc.derive.csvout import _cells, format_rows, write_rows
from ceg_calc.package.types import SIGNIFICANT_DIGITS, field_type


def _resource(*fields):
    return SimpleNamespace(fields=[SimpleNamespace(name=n, type=t) for n, t in fields])


def _by_csv_module(rows, resource):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    writer.writerows(rows)
    return buffer.getvalue()


def test_write_rows_is_the_csv_modules_text():
    resource = _resource(("a", "string"), ("b", "string"), ("c", "string"))
    cells = ["", "x", "a,b", 'say "hi"', "line\nbreak", "cr\rhere", " padded ", "1e-05", "ünï", ","]
    rng = np.random.default_rng(0)
    rows = [list(rng.choice(cells, 3)) for _ in range(500)] + [["", "", ""]]
    assert write_rows(rows, resource) == _by_csv_module(rows, resource)
    one = _resource(("a", "string"))
    single = [[""], ["x"], ["a,b"], [""]]
    assert write_rows(single, one) == _by_csv_module(single, one)
    assert write_rows([], resource) == _by_csv_module([], resource)


def test_cells_of_number_and_string_columns_are_to_csv_of_each_value():
    numbers = pd.Series([1.0, np.nan, -0.0, 1e-300, 123456789012.5, np.inf, 2 / 3], dtype="float64")
    strings = pd.Series(["a", None, "", "b,c"], dtype="str")
    for series, kind in ((numbers, "number"), (strings, "string")):
        field = SimpleNamespace(name="v", type=kind)
        assert _cells(series, field) == [field_type(kind).to_csv(v, SIGNIFICANT_DIGITS) for v in series.tolist()]
    frame = pd.DataFrame({"n": numbers[:4].to_numpy(), "s": strings})
    assert format_rows(frame, _resource(("n", "number"), ("s", "string"))) == [
        ["1", "a"], ["", ""], ["-0", ""], ["1e-300", "b,c"]]
