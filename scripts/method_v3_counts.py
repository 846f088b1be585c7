"""Before/after counts of method version 3, rule by rule (the table in docs/methodology.md).

Load the package's source tables; derive ceg_estimates under the rules added one at a time
(version 2's running maximum first, then each rule of :mod:`ceg_calc.calc.policy`); print a Markdown
table of how many rows each step changed and what the published table then holds.

    .venv/bin/python scripts/method_v3_counts.py [PACKAGE]
"""

from __future__ import annotations

import sys
from dataclasses import replace

import pandas as pd

from ceg_calc.derive.estimates import derive_frame
from ceg_calc.derive.names import DERIVED_TABLES, EU_AI_ACT_FLOP, US_EO_14110_FLOP
from ceg_calc.calc.policy import DERIVE_POLICY, LEGACY
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.summary import markdown_table

STEPS = [
    ("version 2 (running maximum, no rule)", LEGACY),
    ("+ weighted isotonic curve", replace(LEGACY, curve="isotonic")),
    ("+ informative points (z = 2)", replace(LEGACY, curve="isotonic", informative_z=2.0)),
    ("+ rising baseline", replace(LEGACY, curve="isotonic", informative_z=2.0, require_rise=True)),
    ("+ extrapolation limit (k = 1)", replace(DERIVE_POLICY, point_in_interval=False)),
    ("+ point inside its interval (version 3)", DERIVE_POLICY),
]


def load(root: str):
    return read_valid_tables(root, skip=DERIVED_TABLES)


def process(loaded) -> pd.DataFrame:
    out, previous = [], None
    for name, policy in STEPS:
        frame = derive_frame(loaded, policy=policy)
        key = frame["status"] + "|" + frame["ceg"].map(lambda v: "" if pd.isna(v) else f"{v:.6g}")
        interval = frame["ceg_low"].map(lambda v: "" if pd.isna(v) else f"{v:.6g}") + "|" + \
            frame["ceg_high"].map(lambda v: "" if pd.isna(v) else f"{v:.6g}")
        own, low, mid = frame["enhanced_compute_flop"], frame["ceg_low"], frame["ceg"]
        central = ((own < EU_AI_ACT_FLOP) & (own * mid >= EU_AI_ACT_FLOP)) | \
            ((own < US_EO_14110_FLOP) & (own * mid >= US_EO_14110_FLOP))
        flagged = frame["crosses_eu_1e25"].fillna(False).astype(bool) | frame["crosses_us_1e26"].fillna(False).astype(bool)
        out.append({"step": name, "status or CEG changed": 0 if previous is None else int((key != previous[0]).sum()),
                    "interval changed": 0 if previous is None else int((interval != previous[1]).sum()),
                    "estimated": int((frame["status"] == "estimated").sum()),
                    "of which extrapolated": int(frame["extrapolated"].fillna(False).astype(bool).sum()),
                    "lower bound": int((frame["status"] == "lower-bound").sum()),
                    "of which limited": int(frame["limited"].fillna(False).astype(bool).sum()),
                    "none": int((frame["status"] == "none").sum()),
                    "CEG > 1000": int((mid > 1000).sum()),
                    "central value crosses 1e25/1e26": int(central.sum()),
                    "flagged (robust, at ceg_low)": int(flagged.sum())})
        previous = (key, interval)
    return pd.DataFrame(out)


def save(table: pd.DataFrame) -> None:
    print(markdown_table(table))


if __name__ == "__main__":
    save(process(load(sys.argv[1] if len(sys.argv) > 1 else ".")))
