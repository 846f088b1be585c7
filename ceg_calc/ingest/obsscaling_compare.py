"""Compute estimates and comparisons of the ObsScaling import (the second half of its Process step).

Compute: a ``six-n-d`` row from the source's ``FLOPs (1E21)`` column (C = 6ND, arXiv:2405.10938v3,
Sec. 3.3 and Appx. B.1.1) and an Epoch AI row wherever Epoch has the same model; both are kept. One
rule per family chooses the preferred row, so that a family's ladder uses one method: six-n-d when
the source gives FLOPs for any model of the family, else Epoch's. A chat model's compute is its
base model's (method ``base-model``: the source counts pre-training tokens only, Appx. B.1.2).
"""

from __future__ import annotations

import pandas as pd

from ceg_calc.ingest import obsscaling_maps as maps
from ceg_calc.ingest.obsscaling_rows import GSM, RAW, ImportProblem, _locator, bbh_id

EPOCH_WHERE = "data/raw/epoch-ai-models/all_ai_models.csv"


def _flop(value_1e21: float) -> float:
    return float(f"{value_1e21 * 1e21:.10g}")


def _six_n_d(r: dict) -> dict:
    """The source's FLOPs cell as a compute row, after checking it equals 6 x N x D."""
    expected = 6 * r["size"] * r["tokens"] if r["size"] and r["tokens"] else None
    if expected is None or abs(expected - r["flops"]) > 5e-3 * r["flops"]:
        raise ImportProblem(f"{RAW}/{r['file']}:{r['line']}: FLOPs (1E21): {r['flops']} is not 6 x "
                            f"{r['size']} x {r['tokens']}")
    chat = r["enhanced"]
    note = (f"6 x {r['size']:g}B parameters x {r['tokens']:g}T tokens, as the source computes it "
            f"(arXiv:2405.10938v3, {maps.SIX_N_D_LOCATOR}).")
    if chat:
        note += " Base model's pre-training only: instruction-tuning data are not counted (Appx. B.1.2)."
    return {"estimate_id": f"{r['model_id']}.{'base-model' if chat else 'six-n-d'}", "model_id": r["model_id"],
            "training_compute_flop": _flop(r["flops"]), "training_compute_low_flop": None,
            "training_compute_high_flop": None, "confidence": None,
            "method": "base-model" if chat else "six-n-d", "preferred": None, "source_id": maps.DATA,
            "locator": _locator(r["file"], r["model"], "FLOPs (1E21)"), "notes": note}


def _epoch(model_id: str, epoch: pd.DataFrame):
    name = maps.EPOCH_NAMES.get(model_id)
    if name is None:
        return None
    match = epoch[epoch["Model"] == name]
    if len(match) != 1:
        raise ImportProblem(f"{EPOCH_WHERE}: expected one row named {name!r}, found {len(match)}")
    e = match.iloc[0]
    if not e["Training compute (FLOP)"].strip():
        return None
    low, high = e["Training compute lower bound"].strip(), e["Training compute upper bound"].strip()
    confidence = e["Confidence"].lower()
    return {"estimate_id": f"{model_id}.epoch", "model_id": model_id,
            "training_compute_flop": float(e["Training compute (FLOP)"]),
            "training_compute_low_flop": float(low) if low and high else None,
            "training_compute_high_flop": float(high) if low and high else None,
            "confidence": confidence if confidence in ("confident", "likely", "speculative") else None,
            "method": "base-plus-finetune" if e["Finetune compute (FLOP)"].strip() else "database",
            "preferred": None, "source_id": maps.EPOCH, "locator": f"Epoch AI database, row {name}",
            "notes": "Beside the source's 6ND figure where both exist; the family's rule picks one."}


def _wanted(r: dict, six_families: set) -> str:
    """The method of the row the family rule prefers for model ``r``."""
    if r["enhanced"]:
        return "base-model"
    return "six-n-d" if r["family"] in six_families else "epoch"


AS_LISTED = ".base-model-as-listed"  # a chat model's own (not preferred) figure where it is not its base's


def _from_base(r: dict, base: dict) -> list[dict]:
    """A chat model whose instruct-file figures are not its named base's: the base's row as its compute
    (preferred), the instruct row's own figure beside it."""
    own = _six_n_d(r) | {"estimate_id": r["model_id"] + AS_LISTED}
    own["notes"] += (f" Not the base's figure ({maps.CHAT_BASE_METADATA_DIFFER[r['model_id']]}); the base's row "
                     "is preferred.")
    row = _six_n_d(base) | {"estimate_id": f"{r['model_id']}.base-model", "model_id": r["model_id"],
                            "method": "base-model"}
    _, source, _ = maps.CHAT_BASES[r["model_id"]]
    row["notes"] += (f" The pre-training compute of the base {base['model_id']} (named by source {source}), from "
                     "the base's row: instruction-tuning data are not counted.")
    return [row, own]


def compute_rows(meta: pd.DataFrame, epoch: pd.DataFrame) -> pd.DataFrame:
    """Every estimate, with ``preferred`` set by the family rule (an error when a family would mix)."""
    usable = meta[~meta["model_id"].isin(maps.SUSPECT)]
    six_families = set(usable.loc[usable["flops"].notna() & ~usable["enhanced"], "family"])
    by_id = {r["model_id"]: r for r in meta.to_dict("records")}
    out = []
    for r in meta.to_dict("records"):
        rows = [] if pd.isna(r["flops"]) or r["model_id"] in maps.SUSPECT else [_six_n_d(r)]
        if r["model_id"] in maps.CHAT_BASE_METADATA_DIFFER:
            rows = _from_base(r, by_id[r["base"]])
        other = _epoch(r["model_id"], epoch)
        rows += [other] if other else []
        wanted = _wanted(r, six_families)
        for row in rows:
            kind = "epoch" if row["source_id"] == maps.EPOCH else row["method"]
            # GPT-J: the package's own Epoch row (another import's) stays the preferred one.
            row["preferred"] = (kind == wanted and r["model_id"] not in {"gpt-j-6b"}
                                and not row["estimate_id"].endswith(AS_LISTED))
        if rows and r["model_id"] != "gpt-j-6b" and sum(row["preferred"] for row in rows) != 1:
            raise ImportProblem(f"{RAW}/{r['file']}:{r['line']}: FLOPs (1E21): family {r['family']} uses "
                                f"{wanted} compute, which model {r['model_id']} lacks")
        out.extend(rows)
    return pd.DataFrame(out)


# --- comparisons -------------------------------------------------------------------------------

# (enhancement_id, tag, baseline setting, enhanced setting, note) on the GSM8K subset
GSM_SPECS = [
    ("chain-of-thought", "cot", "few-shot-5-greedy", "few-shot-8-cot-greedy",
     "Eight-shot chain of thought against the family's five-shot answer-only ladder (Sec. 4.3)."),
    ("zero-shot-cot", "zero-shot-cot", "few-shot-5-greedy", "zero-shot-cot-greedy",
     "Zero-shot chain of thought against the five-shot answer-only ladder (no zero-shot baseline was run)."),
    ("self-consistency", "self-consistency", "few-shot-8-cot-greedy", "few-shot-8-cot-sc-5",
     "Majority of five sampled paths against greedy chain of thought."),
    ("self-consistency", "self-consistency-vs-sample", "few-shot-8-cot-sampled", "few-shot-8-cot-sc-5",
     "Majority of five sampled paths against one sampled path, the paper's own comparison (Sec. 4.3)."),
    ("few-shot-prompting", "cot-exemplars", "zero-shot-cot-greedy", "few-shot-8-cot-greedy",
     "Eight chain-of-thought exemplars against zero-shot chain of thought."),
    ("self-consistency", "cot-sc", "few-shot-5-greedy", "few-shot-8-cot-sc-5",
     "Chain of thought and a majority of five together against the five-shot answer-only ladder (the paper's "
     "CoT + SC against Naive, Sec. 4.3); components: the chain-of-thought and self-consistency comparisons."),
]
# combined comparison tag -> the tags of its parts (comparison_components)
COMPONENTS = {"cot-sc": ("cot", "self-consistency")}


def _comparison(cid, enhancement, benchmark, base_family, base_setting, family, setting, note):
    return {"comparison_id": cid, "enhancement_id": enhancement, "benchmark_id": benchmark,
            "baseline_family": base_family, "baseline_setting_id": base_setting, "baseline_source_id": maps.DATA,
            "enhanced_family": family, "enhanced_setting_id": setting, "enhanced_source_id": maps.DATA,
            "method": "interpolate", "published_id": None, "notes": note}


def comparison_rows(meta: pd.DataFrame, scores: pd.DataFrame) -> pd.DataFrame:
    """Prompting comparisons per base family and benchmark, chat tuning per chat family and benchmark;
    a comparison is made only where both sides have scores."""
    family = dict(zip(meta["model_id"], meta["family"]))
    have = set(zip(scores["model_id"].map(family), scores["setting_id"], scores["benchmark_id"]))
    specs = [(e, t, GSM, b, s, n) for e, t, b, s, n in GSM_SPECS]
    specs += [("chain-of-thought", "cot", bbh_id(task), "few-shot-3-greedy", "few-shot-3-cot-greedy",
               "Three-shot chain of thought against the family's three-shot answer-only ladder.")
              for task in maps.BBH_CHANCE]
    out = []
    for fam in sorted(set(meta.loc[~meta["enhanced"], "family"])):
        for enhancement, tag, benchmark, base_setting, setting, note in specs:
            if (fam, base_setting, benchmark) in have and (fam, setting, benchmark) in have:
                out.append(_comparison(f"obsscaling.{tag}.{fam}.{benchmark}", enhancement, benchmark, fam,
                                       base_setting, fam, setting, note))
    out.extend(_chat_comparisons(meta, have, family))
    return pd.DataFrame(out)


def component_rows(comparisons: pd.DataFrame) -> pd.DataFrame:
    """The parts of each combined comparison, where every part exists."""
    ids = set(comparisons["comparison_id"])
    out = []
    for cid in sorted(ids):
        _, tag, rest = cid.split(".", 2)
        parts = [f"obsscaling.{part}.{rest}" for part in COMPONENTS.get(tag, ())]
        if parts and all(p in ids for p in parts):
            out += [{"comparison_id": cid, "component_comparison_id": p, "notes": None} for p in parts]
    return pd.DataFrame(out, columns=["comparison_id", "component_comparison_id", "notes"])


def _chat_comparisons(meta, have, family) -> list[dict]:
    """Chat tuning per chat family whose models all have the same base family."""
    out = []
    chats = meta[meta["enhanced"] & ~meta["obs_family"].isin(maps.CLOSED_FAMILIES)]
    for chat_family, group in sorted(chats.groupby("family")):
        bases = set(group["base_family"])
        if len(bases) != 1 or None in bases or any(pd.isna(b) for b in bases):
            continue
        base_family = bases.pop()
        how = _how(group)
        for benchmark in sorted(set(maps.STANDARD.values())):
            setting = "evalplus-greedy" if benchmark == "humaneval" else "openllm-leaderboard"
            if (base_family, setting, benchmark) in have and (chat_family, setting, benchmark) in have:
                out.append(_comparison(
                    f"obsscaling.chat-tuning.{chat_family}.{benchmark}", "chat-tuning", benchmark, base_family,
                    setting, chat_family, setting,
                    f"Chat models against their base family's ladder ({base_family}, {how}) on the same "
                    "benchmark; a CEG below 1 means the tuning lowered the score."))
    return out


def _how(group: pd.DataFrame) -> str:
    """How the base of a chat family's models is known: their names, cited sources, or the source's metadata."""
    if not group["model_id"].isin(maps.CHAT_BASES).all():
        return "identified by the size, tokens and FLOPs the source gives"
    sources = sorted({maps.CHAT_BASES[m].source_id for m in group["model_id"]})
    if sources == [maps.DATA]:
        return "named by the chat models' names"
    return "named by source " + ", ".join(s for s in sources if s != maps.DATA)
