"""Before/after counts of method version 4, rule by rule (the tables in docs/methodology.md).

Load the package's source tables; derive ceg_estimates under method version 3 and then with the
rules of version 4 added one at a time (:mod:`ceg_calc.calc.policy`); print two Markdown tables:
what the published table holds at each step, and an audit of its bounds against the scores
(:func:`audit`, the checks the acceptance tests run on the committed data).

    .venv/bin/python scripts/method_v4_counts.py [PACKAGE]
"""

from __future__ import annotations

import math
import sys
from dataclasses import replace

import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, VERSION_3
from ceg_calc.derive.estimates import derive_frame
from ceg_calc.derive.names import DERIVED_TABLES
from ceg_calc.derive.plan import chance_level, score_stderr
from ceg_calc.gate.checks import read_valid_tables
from ceg_calc.verbs.summary import markdown_table

Z = 2.0
STEPS = [  # (step, policy, evidence as version 3 classed it)
    ("version 3 (as published)", VERSION_3, True),
    ("+ a bound of at most 1 is trivial-bound, limited or not", VERSION_3, False),
    ("+ Agresti-Coull standard error", replace(VERSION_3, score_se="agresti-coull"), False),
    ("+ informative bounds", replace(VERSION_3, score_se="agresti-coull", informative_bounds=True), False),
    ("+ contradiction check", replace(VERSION_3, score_se="agresti-coull", informative_bounds=True,
                                      contradiction=True), False),
    ("+ censored tops (version 4)", DERIVE_POLICY, False),
]
BOUNDS = ("robust-bound", "limited")
ROBUST = ("robust-point", "robust-bound", "limited")


def version_3_evidence(row) -> str:
    """The evidence class as version 3 published it (a limited row kept its class at any CEG)."""
    if pd.isna(row["ceg"]):
        return "none"
    if row["limited"] is True:
        return "limited"
    if row["is_lower_bound"] is True:
        return "robust-bound" if row["ceg"] > 1 else "trivial-bound"
    return "extrapolated" if row["extrapolated"] is True else "robust-point"


def _clean(record: dict) -> dict:
    return {k: (None if (v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v))) else v)
            for k, v in record.items()}


class Scores:
    """Each score with its oriented value and Agresti-Coull standard error, and each model's compute."""

    def __init__(self, tables: dict):
        self.benchmarks = {b["benchmark_id"]: _clean(b) for b in tables["benchmarks"].to_dict("records")}
        self.scores = {s["score_id"]: _clean(s) for s in tables["benchmark_scores"].to_dict("records")}
        compute = tables["compute_estimates"]
        self.flop = compute[compute["preferred"].astype(bool)].set_index("model_id")["training_compute_flop"].to_dict()

    def point(self, score_id: str, benchmark: dict) -> tuple[float, float, float]:
        """(log10 compute or NaN, oriented score, standard error) of one score."""
        s = self.scores[score_id]
        sign = 1.0 if benchmark["higher_is_better"] else -1.0
        flop = self.flop.get(s["model_id"])
        return (math.log10(flop) if flop else math.nan, sign * s["score"], score_stderr(s, benchmark, "agresti-coull"))


def audit(frame: pd.DataFrame, tables: dict, evidence: pd.Series | None = None) -> dict:
    """Counts of what version 4 forbids, checked against the scores (z = 2, Agresti-Coull SEs).

    - ``enhanced at chance``: robust rows (robust points, robust or limited bounds) whose enhanced
      score is within z standard errors of the benchmark's chance level;
    - ``beaten at chance``: robust or limited bounds whose beaten model (the baseline point at
      ``equivalent_compute_flop``) scores within z standard errors of chance;
    - ``contradicted``: robust or limited bounds below which a baseline model (at or below the beaten
      model's compute) scores above the enhanced score by more than z standard errors of the difference;
    - ``top beaten, bound <= 1``: rows published as a bound of at most 1 whose enhanced model, above
      chance and at or above its ladder's largest compute, beats every model there beyond noise;
    - ``limited, CEG <= 1``: rows of class limited with a CEG of at most 1.
    """
    data = Scores(tables)
    evidence = frame["evidence"] if evidence is None else evidence
    counts = {"enhanced at chance": 0, "beaten at chance": 0, "contradicted": 0, "top beaten, bound <= 1": 0,
              "limited, CEG <= 1": int(((evidence == "limited") & (frame["ceg"] <= 1)).sum())}
    for row, cls in zip(frame.to_dict("records"), evidence):
        row = _clean(row)
        bound_le_1 = row["is_lower_bound"] is True and row["ceg"] is not None and row["ceg"] <= 1
        if cls not in ROBUST and not bound_le_1:
            continue
        benchmark = data.benchmarks[row["benchmark_id"]]
        sign = 1.0 if benchmark["higher_is_better"] else -1.0
        chance = sign * chance_level(benchmark)
        _, pe, pe_se = data.point(row["enhanced_score_id"], benchmark)
        base = [data.point(s, benchmark) for s in row["baseline_score_ids"].split()]
        base = [b for b in base if not math.isnan(b[0])]
        above_chance = pe > chance + Z * pe_se
        if cls in ROBUST and not above_chance:
            counts["enhanced at chance"] += 1
        if cls in BOUNDS and row["equivalent_compute_flop"] is not None:
            beaten = math.log10(row["equivalent_compute_flop"])
            at = [b for b in base if abs(b[0] - beaten) < 1e-6]
            if at and all(q <= chance + Z * se for _, q, se in at):
                counts["beaten at chance"] += 1
            if any(x <= beaten + 1e-6 and q - pe > Z * math.hypot(se, pe_se) for x, q, se in base):
                counts["contradicted"] += 1
        if bound_le_1 and base and above_chance:
            top = max(x for x, _, _ in base)
            own = math.log10(row["enhanced_compute_flop"])
            if own >= top - 1e-6 and all(pe - q > Z * math.hypot(se, pe_se) for x, q, se in base if x >= top - 1e-6):
                counts["top beaten, bound <= 1"] += 1
    return counts


def load(root: str):
    return read_valid_tables(root, skip=DERIVED_TABLES)


def process(loaded) -> tuple[pd.DataFrame, pd.DataFrame]:
    published, audited, previous, frames = [], [], None, {}
    for name, policy, as_version_3 in STEPS:
        if policy not in frames:
            frames = {policy: derive_frame(loaded, policy=policy)}
        frame = frames[policy]
        evidence = frame.apply(version_3_evidence, axis=1) if as_version_3 else frame["evidence"]
        key = frame["status"] + "|" + frame["ceg"].map(lambda v: "" if pd.isna(v) else f"{v:.6g}") + "|" + evidence
        row = {"step": name, "class or CEG changed": 0 if previous is None else int((key != previous).sum())}
        for cls in ("robust-point", "robust-bound", "censored-top", "extrapolated", "limited", "trivial-bound",
                    "none"):
            row[cls] = int((evidence == cls).sum())
        published.append(row)
        audited.append({"step": name, **audit(frame, loaded.tables, evidence)})
        previous = key
    return pd.DataFrame(published), pd.DataFrame(audited)


def save(table: pd.DataFrame) -> None:
    print(markdown_table(table))


if __name__ == "__main__":
    tables = process(load(sys.argv[1] if len(sys.argv) > 1 else "."))
    for table in tables:
        save(table)
        print()
