"""``ceg derive``: every comparison of the package turned into rows of ``data/ceg_estimates.csv``.

One row per (comparison, enhanced model). The inputs are read from the package only; which
scores, compute estimates, uncertainties, stated CEGs and costs each row uses is decided by
:mod:`ceg_calc.derive.plan`.

The rules of method version 4 (:mod:`ceg_calc.calc.policy`, :data:`ceg_calc.calc.policy.DERIVE_POLICY`)
decide what is published as a point, a bound or nothing; ``evidence`` says which, and the
threshold flags use only robust rows at ``ceg_low``. :data:`DERIVED_TABLES` lists every table
written here (:mod:`ceg_calc.derive.summary` builds the two summaries).

A comparison that cannot give a number still gets its rows, with ``status`` ``none`` and the
reason. The output is sorted by key and formatted with a fixed number of significant digits, so
deriving twice gives the same bytes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, Policy, estimate_with_policy
from ceg_calc.calc.tasks import DRAWS, SEED
from ceg_calc.derive.names import DERIVED, EU_AI_ACT_FLOP, EVIDENCE, US_EO_14110_FLOP
from ceg_calc.derive.plan import Row, plan


def evidence_of(values: dict) -> str:
    """The robustness class of one derived row (see docs/methodology.md). A bound of at most 1 is
    ``trivial-bound`` whatever the reason it is a bound (a ``limited`` row is always above 1)."""
    if values.get("censored"):
        return "censored-top"
    if values.get("ceg") is None:
        return "none"
    if values.get("is_lower_bound") and values["ceg"] <= 1:
        return "trivial-bound"
    if values.get("limited"):
        return "limited"
    if values.get("is_lower_bound"):
        return "robust-bound"
    return "extrapolated" if values.get("extrapolated") else "robust-point"


def status_of(values: dict) -> str:
    """``estimated`` (a CEG), ``lower-bound``, ``censored`` (above the ladder: no value) or ``none``."""
    if values.get("censored"):
        return "censored"
    if values.get("ceg") is None:
        return "none"
    return "lower-bound" if values.get("is_lower_bound") else "estimated"


def evidence_order(values: dict) -> float:
    """Sort key of the site, from this row alone: evidence class first, then larger CEG first."""
    rank = EVIDENCE.index(values["evidence"]) + 1
    ceg = values.get("ceg")
    shift = 0.0 if ceg is None or ceg <= 0 else min(max(math.log10(ceg), -49.0), 49.0)
    return rank * 100.0 - shift


def _fill(row: Row, out: dict) -> None:
    v = row.values
    row.notes.extend(out["notes"])
    v["anchor_score_ids"] = " ".join(i for i, keep in zip(row.score_ids, out["anchors"]) if keep)
    v["limited"] = bool(out["limited"])
    if out.get("censored"):  # above the ladder: C' exceeds the top's compute, the CEG is not measured
        v["censored"] = v["is_lower_bound"] = True
        v["equivalent_compute_flop"] = 10.0 ** out["xprime"]
    if not out["identified"]:
        return
    v["ceg"] = 10.0 ** out["log10_ceg"]
    v["ceg_low"] = 10.0 ** out["log10_low"]
    v["ceg_high"] = 10.0 ** out["log10_high"]
    v["equivalent_compute_flop"] = 10.0 ** out["xprime"]
    v["extrapolated"] = bool(out["extrapolated"]) and not out["is_lower_bound"]
    v["is_lower_bound"] = bool(out["is_lower_bound"])
    if v["extrapolated"]:
        row.notes.append("extrapolated beyond the baseline's scores")


def _thresholds(v: dict) -> None:
    """Effective compute (central and at ceg_low) and the conservative threshold flags."""
    own = v["enhanced_compute_flop"]
    v["effective_compute_flop"] = own * v["ceg"]
    v["effective_compute_low_flop"] = own * v["ceg_low"]
    robust = not v.get("extrapolated") and not v.get("limited")
    v["crosses_eu_1e25"] = bool(robust and own < EU_AI_ACT_FLOP <= v["effective_compute_low_flop"])
    v["crosses_us_1e26"] = bool(robust and own < US_EO_14110_FLOP <= v["effective_compute_low_flop"])


def derive_frame(loaded, draws: int = DRAWS, seed: int = SEED, policy: Policy = DERIVE_POLICY,
                 t=None) -> pd.DataFrame:
    """The derived table as a typed frame, one row per (comparison, enhanced model), sorted by key;
    ``t``, when given, is :class:`~ceg_calc.derive.plan.Tables` of ``loaded.tables`` already built."""
    rows = plan(loaded, policy.score_se, t)
    groups: dict = {}
    for row in rows:
        if row.task is not None:
            groups.setdefault(row.method, []).append(row)
    for method, group in sorted(groups.items()):
        for row, out in zip(group, estimate_with_policy([r.task for r in group], method, policy, draws, seed)):
            _fill(row, out)
    # Combined comparisons: the product of the component CEGs for the same enhanced model.
    by_key = {(r.values["comparison_id"], r.values["enhanced_model_id"]): r.values for r in rows}
    by_comparison: dict = {}
    for (comparison_id, model_id), values in by_key.items():
        by_comparison.setdefault(comparison_id, []).append((model_id, values))
    components = loaded.tables["comparison_components"]
    for comparison_id, group in components.groupby("comparison_id", sort=True):
        part_ids = group["component_comparison_id"].tolist()
        for model_id, values in by_comparison.get(comparison_id, []):
            parts = [by_key.get((c, model_id), {}).get("ceg") for c in part_ids]
            if parts and all(p is not None for p in parts):
                values["component_ceg_product"] = float(np.prod(parts))
    for row in rows:
        v = row.values
        v["status"] = status_of(v)
        v["reason"] = "; ".join(row.notes)
        if v.get("ceg") is not None:
            _thresholds(v)
        v["evidence"] = evidence_of(v)
        v["evidence_order"] = evidence_order(v)
    resource = loaded.package.resource(DERIVED)
    names = [f.name for f in resource.fields]
    frame = pd.DataFrame([r.values for r in rows], columns=names)
    return frame.sort_values(["comparison_id", "enhanced_model_id"], kind="stable").reset_index(drop=True)


