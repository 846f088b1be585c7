"""Import model metadata and training compute from in-repo snapshots into ``data/``.

Three steps, as in a data pipeline:

- **Load** Epoch AI's All AI Models export from its snapshot, ``data/raw/epoch-ai-models``
  (:func:`snapshots.open_snapshot` checks its SHA-256 first), checking that every column used is
  there, and the model ids of ``data/benchmark_scores.csv`` that :mod:`model_info` describes;
- **Process** them into rows of ``models`` and ``compute_estimates``, and Epoch's fine-tuning compute into
  ``compute_ledger`` (:mod:`ceg_calc.ingest.epoch_ledger`): Epoch's estimates and
  metadata, and the 6·N·D estimates of PaLM and LaMDA from their papers' own numbers (kept here,
  with locators);
- **Save**: rows whose key the import produces replace the rows with that key in ``data/``;
  every other row (added by hand from another source) is kept. Files are rewritten atomically,
  sorted by key.

Scores are not imported: ``data/benchmark_scores.csv`` is maintained by hand, each row citing its
paper and locator. Nothing outside the repository is read.

Run ``ceg ingest epoch [--check]``; ``--check`` writes nothing and exits 1 when ``data/`` differs
from what the import would write.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ceg_calc.ingest import snapshots
from ceg_calc.ingest.epoch_ledger import process_ledger
from ceg_calc.ingest.model_info import BASE_MODEL_COMPUTE, EPOCH_ROWS, MODEL_INFO
from ceg_calc.ingest.save import IngestError, load_csv, save

EPOCH_SNAPSHOT = "epoch-ai-models"
EPOCH = "epoch2025-ai-models"
PALM = "chowdhery2022-palm"


# --- Load ------------------------------------------------------------------------------------------

EPOCH_COLUMNS = ["Model", "Organization", "Publication date", "Parameters", "Training compute (FLOP)",
                 "Training compute lower bound", "Training compute upper bound", "Training compute notes",
                 "Confidence", "Base model", "Finetune compute (FLOP)"]


def _epoch_row(epoch: pd.DataFrame, name: str) -> pd.Series:
    match = epoch[epoch["Model"] == name]
    if len(match) != 1:
        raise IngestError(f"data/raw/epoch-ai-models/all_ai_models.csv: expected one row named {name!r}, found {len(match)}")
    return match.iloc[0]


def _number(text: str):
    return float(text) if text.strip() else None


def _gist(note: str, limit: int = 160) -> str:
    note = " ".join(note.split())
    return note if len(note) <= limit else note[: limit - 1].rstrip() + "…"


# Bounds that Epoch states only in the note of a row: (low, high) and the text that must be there.
EPOCH_NOTE_BOUNDS = {"GPT-4": (8.2e24, 4.4e25, "8.2E+24 to 4.4E+25")}


PALM_PARAMETERS = {"palm-8b": 8.63e9, "palm-62b": 62.50e9, "palm-540b": 540.35e9}
PALM_TOKENS = 780e9
PALM_LOCATOR = "Table 1 (parameters) and Sec. 3 (780 billion training tokens, one epoch)"
LAMDA = "thoppilan2022-lamda"
# Table 27 of the LaMDA paper: nominal size and pre-training steps; every model saw 256K tokens a step.
LAMDA_SIZES = {"lamda-2b": (2e9, 501e3), "lamda-8b": (8e9, 521e3), "lamda-137b": (137e9, 3e6)}
LAMDA_BATCH_TOKENS = 256e3
LAMDA_LOCATOR = "Appendix D, Table 27 (sizes, pre-training steps, 256K tokens per batch)"
LAMDA_NOTE = ("{steps:,.0f} steps x 256,000 tokens (read as 256 x 1000; 2.4% fewer than 256 x 1024); parameters "
              "are the nominal sizes naming Table 27's rows. For 137B this is 1.8 times Epoch AI's "
              "hardware-based 3.55e23 FLOP, so the whole family uses this one method: the CEG depends on "
              "the ratios within a family.")


def _six_n_d_row(model_id, parameters, tokens, source_id, locator, preferred, notes=""):
    """A ``six-n-d`` compute estimate: 6 x parameters x training tokens."""
    return {
        "estimate_id": f"{model_id}.six-n-d", "model_id": model_id,
        "training_compute_flop": float(f"{6 * parameters * tokens:.4g}"),
        "training_compute_low_flop": None, "training_compute_high_flop": None, "confidence": None,
        "method": "six-n-d", "preferred": preferred, "source_id": source_id, "locator": locator,
        "notes": f"6 x {parameters:.4g} parameters x {tokens:.4g} tokens. {notes}".strip(),
    }


def process_compute(epoch: pd.DataFrame, model_ids: set) -> pd.DataFrame:
    rows = []
    for model_id, name in sorted(EPOCH_ROWS.items()):
        if model_id not in model_ids:
            continue
        e = _epoch_row(epoch, name)
        flop = _number(e["Training compute (FLOP)"])
        if flop is None:
            raise IngestError(f"data/raw/epoch-ai-models/all_ai_models.csv: row {name!r} has no training compute")
        low, high = _number(e["Training compute lower bound"]), _number(e["Training compute upper bound"])
        notes = f"Epoch note: {_gist(e['Training compute notes'])}" if e["Training compute notes"] else ""
        if name in EPOCH_NOTE_BOUNDS:
            low, high, text = EPOCH_NOTE_BOUNDS[name]
            if text not in e["Training compute notes"]:
                raise IngestError(f"data/raw/epoch-ai-models/all_ai_models.csv: row {name!r} no longer states {text!r}")
            notes += " Bounds are the 90% interval stated in that note."
        if low is None or high is None:  # a single bound is kept in the notes, not used as an interval
            if low is not None or high is not None:
                notes += f" Epoch gives only a {'lower' if low else 'upper'} bound: {low or high:.4g} FLOP."
            low = high = None
        if _number(e["Finetune compute (FLOP)"]):
            notes += (f" Includes fine-tuning of {float(e['Finetune compute (FLOP)']):.4g} FLOP on base "
                      f"model {e['Base model']}.")
        rows.append({
            "estimate_id": f"{model_id}.epoch", "model_id": model_id, "training_compute_flop": flop,
            "training_compute_low_flop": low, "training_compute_high_flop": high,
            "confidence": e["Confidence"].lower() if e["Confidence"].lower() in ("confident", "likely", "speculative")
            else None,
            "method": "base-plus-finetune" if _number(e["Finetune compute (FLOP)"]) else "database",
            "preferred": model_id not in LAMDA_SIZES, "source_id": EPOCH,
            "locator": f"Epoch AI database, row {name}", "notes": notes.strip(),
        })
    for model_id, name in sorted(BASE_MODEL_COMPUTE.items()):
        if model_id not in model_ids:
            continue
        e = _epoch_row(epoch, name)
        rows.append({
            "estimate_id": f"{model_id}.base-model", "model_id": model_id,
            "training_compute_flop": float(e["Training compute (FLOP)"]),
            "training_compute_low_flop": None, "training_compute_high_flop": None,
            "confidence": e["Confidence"].lower() or None, "method": "base-model", "preferred": True,
            "source_id": EPOCH, "locator": f"Epoch AI database, row {name}",
            "notes": f"Pre-training compute of the base model {name}; the fine-tuning compute is not stated "
                     "by any source read, so the total is somewhat higher.",
        })
    # PaLM: six times parameters times tokens, from the PaLM paper (Table 1 and Sec. 3).
    for model_id, parameters in PALM_PARAMETERS.items():
        if model_id in model_ids:
            rows.append(_six_n_d_row(model_id, parameters, PALM_TOKENS, PALM, PALM_LOCATOR,
                                     preferred=model_id != "palm-540b"))
    # LaMDA: the pre-training steps of Table 27 times its 256K tokens per batch.
    for model_id, (parameters, steps) in LAMDA_SIZES.items():
        if model_id in model_ids:
            rows.append(_six_n_d_row(model_id, parameters, steps * LAMDA_BATCH_TOKENS, LAMDA, LAMDA_LOCATOR,
                                     preferred=True, notes=LAMDA_NOTE.format(steps=steps)))
    # Minerva 8B and 62B: their base PaLM models' 6ND compute (fine-tuning compute not stated).
    for model_id, base in {"minerva-8b": "palm-8b", "minerva-62b": "palm-62b"}.items():
        if model_id not in model_ids:
            continue
        flop = float(f"{6 * PALM_PARAMETERS[base] * PALM_TOKENS:.4g}")
        rows.append({
            "estimate_id": f"{model_id}.base-model", "model_id": model_id, "training_compute_flop": flop,
            "training_compute_low_flop": None, "training_compute_high_flop": None, "confidence": None,
            "method": "base-model", "preferred": True, "source_id": PALM, "locator": PALM_LOCATOR,
            "notes": f"6ND pre-training compute of the base model {base}; the fine-tuning compute is not stated "
                     "(for Minerva 540B it added about 8.5%, per Epoch AI).",
        })
    return pd.DataFrame(rows)


def process_models(epoch: pd.DataFrame, model_ids: set) -> pd.DataFrame:
    rows = []
    for model_id in sorted(model_ids):
        info = MODEL_INFO[model_id]
        row = {"model_id": model_id, "organization": None, "release_date": None, "release_date_precision": None,
               "parameters": info.get("parameters"), "base_model_id": info.get("base"),
               "enhanced": info.get("enhanced", False), "notes": info.get("notes", "")}
        row["organization"] = info.get("organization")
        row.update(name=info["name"], family=info["family"], source_id=info["source"], locator=info["locator"])
        if info.get("epoch"):
            e = _epoch_row(epoch, info["epoch"])
            row.update(organization=e["Organization"] or None, release_date=e["Publication date"] or None,
                       release_date_precision="day" if e["Publication date"] else None,
                       source_id=EPOCH, locator=f"Epoch AI database, row {info['epoch']}")
            if row["parameters"] is None and e["Parameters"]:
                row["parameters"] = float(e["Parameters"])
        rows.append(row)
    return pd.DataFrame(rows)


# --- Load, Process, Save ---------------------------------------------------------------------------

def load_epoch(root: Path) -> pd.DataFrame:
    """Epoch AI's export, from its snapshot (hash checked)."""
    files = snapshots.open_snapshot(EPOCH_SNAPSHOT, root)
    return load_csv(files["all_ai_models.csv"], EPOCH_COLUMNS, f"data/raw/{EPOCH_SNAPSHOT}/all_ai_models.csv")


def model_ids(root: Path) -> set:
    """The models of ``benchmark_scores`` that :mod:`model_info` describes (others are added by hand)."""
    scores = load_csv(Path(root) / "data" / "benchmark_scores.csv", ["model_id"], "data/benchmark_scores.csv")
    return set(scores["model_id"]) & set(MODEL_INFO)


def run(root: Path, check: bool) -> tuple[int, list[str]]:
    """Load, process and save the import into the package at ``root`` (:func:`ceg_calc.ingest.save.save`)."""
    epoch, ids = load_epoch(root), model_ids(root)
    ledger, ledger_models = process_ledger(epoch)
    models = process_models(epoch, ids)
    both = sorted(set(models["model_id"]) & set(ledger_models["model_id"]))
    if both:
        raise IngestError("ceg_calc/ingest/epoch_ledger.py: models also described by model_info: " + ", ".join(both))
    tables = {
        "models": (pd.concat([models, ledger_models], ignore_index=True), "model_id"),
        "compute_ledger": (ledger, "ledger_id"),
        "compute_estimates": (process_compute(epoch, ids), "estimate_id"),
    }
    return save(root, tables, check, "the snapshot import")
