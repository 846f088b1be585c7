"""``threshold_assessments``: every enhanced row and fine-tuned model against every threshold.

Compute thresholds (``training-compute``, ``cumulative-compute``) are met by a value that is
greater than (``>``) or at least (``>=``) the threshold's value, as its ``comparison`` says:

- an **enhanced row** (a ``ceg_estimates`` row with a CEG) is compared through its effective
  compute, own compute x CEG, at the central CEG and at ``ceg_low`` (the 5th percentile); a
  threshold is crossed *only through the enhancement* when the 5th-percentile effective compute
  meets it and the own compute does not. Its CEG is the effective-compute multiple compared with
  the ``effective-compute-multiple`` triggers of developers' frameworks (Anthropic's 4x, Google
  DeepMind's 6x, OpenAI's 2x);
- a **model** (a ``cumulative_compute`` row with a base) is compared through its cumulative compute
  (base + post-training: what SB 53 and the RAISE Act count), against the base's compute alone for
  "only through" the fine-tuning; its fine-tuning share is the modification share compared with the
  ``modification-share`` rules (the Commission's one-third criterion). The ledger states no
  intervals yet, so its 5th percentile is the central value.

Conservative, as the threshold flags of ``ceg_estimates``: only enhanced rows of class
:data:`FLAGGABLE` and first-hand point or approximate model shares are assessed; for every other row
each crossing column is blank (``flaggable`` false). Thresholds of other quantities (the
modification compute used when the original's compute is unknown, biological-sequence models) are
not assessed.
"""

from __future__ import annotations

import math

import pandas as pd

from ceg_calc.derive.cumulative import BOUNDLESS

#: Evidence classes whose rows may be flagged: any other class (extrapolated, limited, censored, ...) never is.
FLAGGABLE = ("robust-point", "robust-bound")
COMPUTE = ("training-compute", "cumulative-compute")
COLUMNS = ["subject", "subject_id", "model_id", "enhancement_id", "evidence", "flaggable", "own_compute_flop",
           "compute_central_flop", "compute_p5_flop", "crossed_central", "crossed_p5",
           "crossed_only_through_enhancement", "ceg", "ceg_p5", "effective_compute_triggers_central",
           "effective_compute_triggers_p5", "modification_share", "modification_share_rules"]


def _number(value):
    return None if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)) else float(value)


def meets(value, threshold: dict) -> bool:
    """Whether ``value`` meets ``threshold`` (a thresholds row: ``value``, ``comparison``)."""
    if value is None:
        return False
    return value > threshold["value"] if threshold["comparison"] == ">" else value >= threshold["value"]


def met(value, thresholds: list[dict]) -> str:
    """The ids of ``thresholds`` that ``value`` meets, space-separated (blank: none)."""
    return " ".join(t["threshold_id"] for t in thresholds if meets(value, t))


def _by_quantity(thresholds: pd.DataFrame) -> dict:
    rows = sorted(thresholds.to_dict("records"), key=lambda t: t["threshold_id"])
    return {q: [t for t in rows if t["quantity"] in q] for q in
            (COMPUTE, ("effective-compute-multiple",), ("modification-share",))}


def assess(own, central, p5, ceg, ceg_p5, share, flaggable: bool, thresholds: dict) -> dict:
    """The crossing columns of one subject (blank unless ``flaggable``); values in FLOP and ratios."""
    compute, multiple, modification = (thresholds[q] for q in
                                       (COMPUTE, ("effective-compute-multiple",), ("modification-share",)))
    out = dict.fromkeys(COLUMNS[9:12] + COLUMNS[14:16] + COLUMNS[17:], None)
    if not flaggable:
        return out
    out.update(crossed_central=met(central, compute), crossed_p5=met(p5, compute),
               crossed_only_through_enhancement=" ".join(
                   t["threshold_id"] for t in compute if meets(p5, t) and not meets(own, t)))
    if ceg is not None:
        out.update(effective_compute_triggers_central=met(ceg, multiple),
                   effective_compute_triggers_p5=met(ceg_p5, multiple))
    if share is not None:
        out["modification_share_rules"] = met(share, modification)
    return {k: (v or None) for k, v in out.items()}


def threshold_assessments(estimates: pd.DataFrame, cumulative: pd.DataFrame, thresholds: pd.DataFrame) -> pd.DataFrame:
    """Enhanced rows (with a CEG) then model rows (with a base), sorted by key."""
    grouped = _by_quantity(thresholds)
    rows = []
    read = ["comparison_id", "enhanced_model_id", "enhancement_id", "evidence", "enhanced_compute_flop", "ceg", "ceg_low",
            "effective_compute_flop", "effective_compute_low_flop"]  # the columns read, not the whole row
    for r in estimates.loc[estimates["ceg"].notna(), read].to_dict("records"):
        flaggable = r["evidence"] in FLAGGABLE
        own, ceg, low = (_number(r[c]) for c in ("enhanced_compute_flop", "ceg", "ceg_low"))
        row = {"subject": "enhanced-row", "subject_id": f"{r['comparison_id']}/{r['enhanced_model_id']}",
               "model_id": r["enhanced_model_id"], "enhancement_id": r["enhancement_id"], "evidence": r["evidence"],
               "flaggable": flaggable, "own_compute_flop": own, "compute_central_flop": _number(r["effective_compute_flop"]),
               "compute_p5_flop": _number(r["effective_compute_low_flop"]), "ceg": ceg, "ceg_p5": low,
               "modification_share": None}
        row.update(assess(own, row["compute_central_flop"], row["compute_p5_flop"], ceg, low, None, flaggable, grouped))
        rows.append(row)
    read = ["model_id", "source_id", "enhancement_id", "first_hand", "finetune_share", "share_form", "base_compute_flop",
            "cumulative_flop"]
    for r in cumulative.loc[cumulative["base_model_id"].notna(), read].to_dict("records"):
        share = _number(r["finetune_share"])
        flaggable = bool(r["first_hand"]) and share is not None and r["share_form"] in BOUNDLESS
        base, total = _number(r["base_compute_flop"]), _number(r["cumulative_flop"])
        row = {"subject": "model", "subject_id": f"{r['model_id']}/{r['source_id']}", "model_id": r["model_id"],
               "enhancement_id": r["enhancement_id"] if isinstance(r["enhancement_id"], str) else None,
               "evidence": "first-hand" if r["first_hand"] else "second-hand", "flaggable": flaggable,
               "own_compute_flop": base, "compute_central_flop": total, "compute_p5_flop": total,
               "ceg": None, "ceg_p5": None, "modification_share": share}
        row.update(assess(base, total, total, None, None, share, flaggable, grouped))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.sort_values(["subject", "subject_id"], kind="stable").reset_index(drop=True)
