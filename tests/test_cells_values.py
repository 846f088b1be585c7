"""type_frame without checks: the same typed values as with them, and no problems."""

import numpy as np
import pandas as pd

from ceg_calc.package.cells import type_frame
from ceg_calc.package.descriptor import Field


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
