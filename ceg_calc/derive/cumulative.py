"""``cumulative_compute``: a model's training compute added up from ``compute_ledger``.

One row per (model, source of its post-training stages); a model trained from scratch with ledger
rows of its own gets one row per source too, with no base. For a fine-tuned model the rows of one
source that start from the same base (``on_model_id``) are summed into its post-training compute,
and the base model's training compute is looked up, first match wins:

1. the base's own ledger rows (``on_model_id`` blank) from the same source, in FLOP or in the
   stages' GPU type;
2. the base's own cumulative row from the same source, when the base is itself a fine-tune;
3. the base's ``compute_estimates`` row from the same source (Epoch AI's fine-tuning rows name
   base models whose Epoch estimate is already there);
4. the base's own ledger rows from any source stated in the same GPU type as the stages (a
   developer's GPU-hours against the base developer's GPU-hours);
5. the base's preferred compute estimate, when the stages are in FLOP.

The fine-tuning share is post-training over base compute: in FLOP when both sides are, else in
GPU-hours of the same GPU type (``share_basis``), which assumes equal FLOP per GPU-hour across the
stages. ``counted`` marks the one row per model :mod:`ceg_calc.derive.shares` counts: a first-hand
point or approximate share, a developer's own report before a database, then by source.
"""

from __future__ import annotations

import math

import pandas as pd

OWN_RUN = None
FORMS = ("point", "approximate", "lower-bound", "upper-bound")  # loosest last
BOUNDLESS = ("point", "approximate")
COLUMNS = ["model_id", "source_id", "base_model_id", "enhancement_id", "release_year", "stages", "ledger_ids",
           "base_compute_flop", "base_compute_ref", "post_training_flop", "cumulative_flop", "finetune_share",
           "share_basis", "share_form", "first_hand", "from_database", "counted"]


def _present(value) -> bool:
    return value is not None and value is not pd.NA and not (isinstance(value, float) and math.isnan(value))


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (v if _present(v) else None) for k, v in r.items()} for r in frame.to_dict("records")]


def _sum_flop(rows: list[dict]):
    values = [r["compute_flop"] for r in rows]
    return float(sum(values)) if values and all(v is not None for v in values) else None


def _sum_raw(rows: list[dict]):
    """(sum of raw values, unit) when every row states the same unit, else (None, None)."""
    units = {r["raw_unit"] for r in rows}
    return (float(sum(r["raw_value"] for r in rows)), units.pop()) if len(units) == 1 else (None, None)


def _loosest(rows: list[dict]) -> str:
    return max((r["form"] for r in rows), key=FORMS.index)


class Ledger:
    """The ledger grouped by model, source and base, with the estimates it falls back on."""

    def __init__(self, tables: dict):
        self.rows = sorted(_records(tables["compute_ledger"]), key=lambda r: r["ledger_id"])
        self.estimates = _records(tables["compute_estimates"])
        dates = pd.to_datetime(tables["models"]["release_date"])
        self.years = {m: (None if pd.isna(d) else int(d.year)) for m, d in zip(tables["models"]["model_id"], dates)}
        self.groups: dict = {}
        for r in self.rows:
            self.groups.setdefault((r["model_id"], r["source_id"], r["on_model_id"]), []).append(r)
        self.memo: dict = {}

    def own(self, model_id, source_id=None, unit=None) -> list[dict]:
        """The model's own-run rows (no base), from one source or in one raw unit."""
        return [r for r in self.rows if r["model_id"] == model_id and r["on_model_id"] is None
                and (source_id is None or r["source_id"] == source_id) and (unit is None or r["raw_unit"] == unit)]

    def estimate(self, model_id, source_id=None):
        rows = [e for e in self.estimates if e["model_id"] == model_id and (
            e["source_id"] == source_id if source_id else e["preferred"])]
        return sorted(rows, key=lambda e: e["estimate_id"])[0] if rows else None

    def base(self, base_id, source_id, unit, stages_in_flop: bool) -> dict:
        """Base compute (flop, raw, unit), its reference and the rows used (see the module docstring)."""
        rows = self.own(base_id, source_id)
        if rows and (_sum_flop(rows) is not None or _sum_raw(rows)[1] == unit):
            raw, raw_unit = _sum_raw(rows)
            return {"flop": _sum_flop(rows), "raw": raw, "unit": raw_unit, "rows": rows,
                    "ref": "ledger:" + " ".join(r["ledger_id"] for r in rows)}
        inner = [k for k in self.groups if k[0] == base_id and k[1] == source_id and k[2] is not None]
        if inner:
            row = self.cumulative(*sorted(inner)[0])
            if row["cumulative_flop"] is not None:
                return {"flop": row["cumulative_flop"], "raw": None, "unit": None, "rows": row["_rows"],
                        "ref": f"cumulative_compute:{base_id}/{source_id}"}
        found = self.estimate(base_id, source_id)
        if found is not None:
            return {"flop": found["training_compute_flop"], "raw": None, "unit": None, "rows": [],
                    "ref": f"compute_estimates:{found['estimate_id']}"}
        if unit not in (None, "FLOP", "petaflop/s-day"):
            rows = self.own(base_id, unit=unit)
            if rows:
                return {"flop": _sum_flop(rows), "raw": sum(r["raw_value"] for r in rows), "unit": unit,
                        "rows": rows, "ref": "ledger:" + " ".join(r["ledger_id"] for r in rows)}
        found = self.estimate(base_id) if stages_in_flop else None
        if found is not None:
            return {"flop": found["training_compute_flop"], "raw": None, "unit": None, "rows": [],
                    "ref": f"compute_estimates:{found['estimate_id']}"}
        return {"flop": None, "raw": None, "unit": None, "rows": [], "ref": None}

    def cumulative(self, model_id, source_id, base_id) -> dict:
        key = (model_id, source_id, base_id)
        if key in self.memo:
            return self.memo[key]
        stages = self.groups[key]
        post_flop = _sum_flop(stages)
        raw, unit = _sum_raw(stages)
        out = {"model_id": model_id, "source_id": source_id, "base_model_id": base_id,
               "enhancement_id": next((r["enhancement_id"] for r in stages if r["enhancement_id"]), None),
               "release_year": self.years.get(model_id), "stages": " ".join(r["stage"] for r in stages),
               "base_compute_flop": None, "base_compute_ref": None, "finetune_share": None, "share_basis": None,
               "from_database": all(r["basis"] == "database" for r in stages)}
        used = list(stages)
        if base_id is None:  # a model's own run: its total, no share
            out.update(post_training_flop=None, cumulative_flop=post_flop)
        else:
            base = self.base(base_id, source_id, unit, post_flop is not None)
            used += base["rows"]
            out.update(base_compute_flop=base["flop"], base_compute_ref=base["ref"], post_training_flop=post_flop,
                       cumulative_flop=(base["flop"] + post_flop) if base["flop"] is not None and post_flop is not None
                       else None)
            if post_flop is not None and base["flop"]:
                out.update(finetune_share=post_flop / base["flop"], share_basis="flop")
            elif raw is not None and base["raw"] and base["unit"] == unit:
                out.update(finetune_share=raw / base["raw"], share_basis="gpu-hours")
        out.update(ledger_ids=" ".join(r["ledger_id"] for r in used), share_form=_loosest(used),
                   first_hand=not any(r["second_hand"] for r in used), _rows=used)
        if out["finetune_share"] is None:
            out["share_form"] = None
        self.memo[key] = out
        return out


def cumulative_compute(tables: dict) -> pd.DataFrame:
    """One row per (model, source), sorted by key (see the module docstring)."""
    ledger = Ledger(tables)
    keys = sorted({(m, s) for m, s, _ in ledger.groups})
    rows = []
    for model_id, source_id in keys:
        bases = sorted((b for m, s, b in ledger.groups if (m, s) == (model_id, source_id) and b is not None))
        if bases:
            rows.append(ledger.cumulative(model_id, source_id, bases[0]))
        else:
            rows.append(ledger.cumulative(model_id, source_id, None))
    candidates: dict = {}
    for row in rows:
        row["counted"] = False
        if row["finetune_share"] is not None and row["first_hand"] and row["share_form"] in BOUNDLESS:
            candidates.setdefault(row["model_id"], []).append(row)
    for group in candidates.values():
        min(group, key=lambda r: (r["from_database"], r["source_id"]))["counted"] = True
    return pd.DataFrame(rows, columns=COLUMNS)


def ledger_fractions(frame: pd.DataFrame) -> list[dict]:
    """The shares of ``cumulative_compute`` as ``costs``-like rows (quantity finetune-fraction) for the
    ``finetune_fraction`` of ``ceg_estimates``: a developer's report sorts before a database."""
    out = []
    for r in _records(frame):
        if r["finetune_share"] is None or r["enhancement_id"] is None:
            continue
        out.append({"cost_id": f"ledger.{int(bool(r['from_database']))}.{r['model_id']}.{r['source_id']}",
                    "enhancement_id": r["enhancement_id"], "model_id": r["model_id"],
                    "quantity": "finetune-fraction", "value": float(r["finetune_share"]), "unit": "fraction",
                    "form": r["share_form"], "second_hand": not r["first_hand"], "source_id": r["source_id"]})
    return out
