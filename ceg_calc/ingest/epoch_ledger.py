"""Epoch AI's fine-tuning compute as rows of ``compute_ledger`` (and the ``models`` rows they need).

The Process step of the ledger import: every row of :data:`FINETUNES` is a model of Epoch AI's
export with a ``Finetune compute (FLOP)`` and a ``Base model`` whose training compute Epoch also
lists, restricted to language (and language-plus-vision) models. Each gives one ``fine-tuning``
stage (Epoch does not split stages) on its base model. The base model's training compute becomes a
``pre-training`` row unless the package already holds Epoch's estimate of that model in
``compute_estimates`` (:data:`BASES`, ``False``): then that row is the fact, and
``cumulative_compute`` reads it there rather than a copy.

Models named here that the package does not otherwise describe get a ``models`` row from Epoch's
export (``new`` in the tables below); the others keep their own rows.
"""

from __future__ import annotations

import re

import pandas as pd

from ceg_calc.ingest.save import IngestError

EPOCH = "epoch2025-ai-models"
SNAPSHOT_FILE = "data/raw/epoch-ai-models/all_ai_models.csv"

#: Epoch row name -> (model_id, enhancement_id, family, new model row?)
FINETUNES = {
    "Dolly 2.0-12b": ("dolly-v2-12b", "chat-tuning", "dolly", False),
    "LIMA": ("lima-65b", "chat-tuning", "lima", True),
    "Guanaco-65B": ("guanaco-65b", "chat-tuning", "guanaco", False),
    "Platypus-70B": ("platypus-70b", "chat-tuning", "platypus", True),
    "Hermes 3 405B": ("hermes-3-405b", "chat-tuning", "hermes-3", True),
    "Flan-PaLM 540B": ("flan-palm-540b", "chat-tuning", "flan-palm", True),
    "Flan-T5 11B": ("flan-t5-11b", "chat-tuning", "flan-t5", True),
    "BlenderBot 3": ("blenderbot-3-175b", "chat-tuning", "blenderbot-3", True),
    "OPT-IML (175B)": ("opt-iml-175b", "chat-tuning", "opt-iml", True),
    "Tk-Instruct": ("tk-instruct-11b", "chat-tuning", "tk-instruct", True),
    "mT0-13B": ("mt0-13b", "chat-tuning", "mt0", True),
    "Aya": ("aya-101", "chat-tuning", "aya", True),
    "BLOOMZ-176B": ("bloomz-176b", "chat-tuning", "bloomz", True),
    "XuanYuan 2.0": ("xuanyuan-2.0", "chat-tuning", "xuanyuan", True),
    "TigerBot-70B": ("tigerbot-70b", "chat-tuning", "tigerbot", True),
    "InstructGPT 175B": ("text-davinci-002", "instructgpt", "instructgpt-api", False),
    "UnifiedQA": ("unifiedqa-11b", "chat-tuning", "unifiedqa", True),
    "CoEdiT-xxl": ("coedit-xxl", "chat-tuning", "coedit", True),
    "Tulu V2 DPO 70B": ("tulu-2-dpo-70b", "preference-tuning", "tulu-2", True),
    "SimPO": ("gemma-2-9b-simpo", "preference-tuning", "simpo", True),
    "DeepSeek-R1": ("deepseek-r1", "reasoning-training", "deepseek-r1", False),
    "EXAONE 3.5-R 32B": ("exaone-3.5-r-32b", "reasoning-training", "exaone-3.5-r", True),
    "EXAONE 3.5-R 2.4B": ("exaone-3.5-r-2.4b", "reasoning-training", "exaone-3.5-r", True),
    "s1": ("s1-32b", "reasoning-training", "s1", True),
    "Minerva (540B)": ("minerva-540b", "minerva", "minerva", False),
    "Code Llama-7B": ("codellama-7b", "domain-training", "codellama", False),
    "Code Llama-70B": ("codellama-70b", "domain-training", "codellama", False),
    "WizardCoder-15.5B": ("wizardcoder-15b", "domain-training", "wizardcoder", True),
    "MetaMath 70B": ("metamath-70b", "domain-training", "metamath", True),
    "Swallow": ("swallow-70b", "domain-training", "swallow", True),
    "GPT-2 (AMPS)": ("gpt2-amps", "domain-training", "gpt2-amps", True),
    "U-PaLM (540B)": ("u-palm-540b", "ul2r", "u-palm", True),
    "Minitron 4B": ("minitron-4b", "distillation", "minitron", True),
    "Minitron 8B": ("minitron-8b", "distillation", "minitron", True),
    "Theseus 6/768": ("bert-of-theseus", "distillation", "bert-of-theseus", True),
    "Flan T5-XXL + BLIP-2": ("blip-2-flan-t5-xxl", "multimodal-adaptation", "blip-2", True),
    "mPLUG-Owl2": ("mplug-owl2", "multimodal-adaptation", "mplug-owl", True),
    "OneLLM": ("onellm", "multimodal-adaptation", "onellm", True),
    "Volcano 13B": ("volcano-13b", "multimodal-adaptation", "volcano", True),
    "OpenVLA": ("openvla-7b", "multimodal-adaptation", "openvla", True),
    "ColPali": ("colpali", "multimodal-adaptation", "colpali", True),
    "Phi-4-Multimodal": ("phi-4-multimodal", "multimodal-adaptation", "phi-4", True),
    "InternLM-XComposer": ("internlm-xcomposer", "multimodal-adaptation", "internlm-xcomposer", True),
}

#: Epoch base-model name -> (model_id, family, new model row?, pre-training ledger row?)
#: (no ledger row where compute_estimates already holds Epoch's estimate of that model)
BASES = {
    "Pythia-12b": ("pythia-12b", "pythia", True, True),
    "LLaMA-65B": ("llama-65b", "llama", False, False),
    "Qwen2.5 Instruct (72B)": ("qwen2.5-72b-instruct", "qwen2.5-instruct", False, True),  # row from the Qwen2.5 report
    "Llama 2-7B": ("llama-2-7b", "llama-2", False, False),
    "Llama 2-70B": ("llama-2-70b", "llama-2", False, False),
    "Flan-T5 11B": ("flan-t5-11b", "flan-t5", False, False),  # a fine-tune itself (FINETUNES)
    "Gemma 2 9B": ("gemma-2-9b", "gemma-2", False, False),
    "Llama 3.1-405B": ("meta-llama-3.1-405b-fp8", "llama-3.1", False, False),
    "PaLM (540B)": ("palm-540b", "palm", False, False),
    "StarCoder": ("starcoder-15b", "starcoder", True, True),
    "T5-11B": ("t5-11b", "t5", True, True),
    "Nemotron-4 15B": ("nemotron-4-15b", "nemotron-4", True, True),
    "OPT-175B": ("opt-175b", "opt", True, True),
    "InternLM": ("internlm-104b", "internlm", True, True),
    "mT5-XXL": ("mt5-xxl", "mt5", True, True),
    "PaliGemma": ("paligemma-3b", "paligemma", True, True),
    "EXAONE 3.5 32B": ("exaone-3.5-32b", "exaone-3.5", True, True),
    "EXAONE 3.5 2.4B": ("exaone-3.5-2.4b", "exaone-3.5", True, True),
    "GPT-3 175B (davinci)": ("gpt-3-davinci", "gpt-3", False, False),
    "GPT-2 (1.5B)": ("gpt2-1.5b", "gpt2-openai", True, True),
    "BLOOM-176B": ("bloom-176b", "bloom-176b", True, True),
    "Phi-4 Mini": ("phi-4-mini", "phi-4", True, True),
    "DeepSeek-V3": ("deepseek-v3", "deepseek-v3", False, False),
    "LLaVA 1.5": ("llava-1.5-13b", "llava", True, True),
    "BERT-Large": ("bert-large", "bert", True, True),
}

COLUMNS = ["Model", "Organization", "Publication date", "Parameters", "Training compute (FLOP)", "Confidence",
           "Base model", "Finetune compute (FLOP)"]


def _row(epoch: pd.DataFrame, name: str) -> pd.Series:
    match = epoch[epoch["Model"] == name]
    if len(match) != 1:
        raise IngestError(f"{SNAPSHOT_FILE}: expected one row named {name!r}, found {len(match)}")
    return match.iloc[0]


def _number(epoch_row: pd.Series, column: str, name: str) -> float:
    text = epoch_row[column].strip()
    if not text:
        raise IngestError(f"{SNAPSHOT_FILE}: row {name!r} has no {column!r}")
    return float(text)


def _ledger(ledger_id, model_id, stage, on_model_id, enhancement_id, flop, locator, notes) -> dict:
    return {"ledger_id": ledger_id, "model_id": model_id, "stage": stage, "on_model_id": on_model_id,
            "enhancement_id": enhancement_id, "basis": "database", "compute_flop": flop,
            "compute_low_flop": None, "compute_high_flop": None, "raw_value": flop, "raw_unit": "FLOP",
            "conversion": "as stated", "form": "point", "second_hand": False, "source_id": EPOCH,
            "locator": locator, "notes": notes}


def _model(epoch_row: pd.Series, name: str, model_id: str, family: str, base_id, enhanced: bool) -> dict:
    parameters = epoch_row["Parameters"].strip()
    date = epoch_row["Publication date"].strip()
    return {"model_id": model_id, "name": name.strip(), "family": family,
            "organization": epoch_row["Organization"].strip() or None,
            "release_date": date or None, "release_date_precision": "day" if date else None,
            "parameters": float(parameters) if parameters else None, "base_model_id": base_id,
            "enhanced": enhanced, "source_id": EPOCH, "locator": f"Epoch AI database, row {name.strip()}",
            "notes": "Added for its fine-tuning compute in compute_ledger." if enhanced
            else "Added as the base model of a compute_ledger row."}


def _slug_check(model_id: str) -> None:
    if not re.fullmatch(r"[a-z0-9][a-z0-9._+-]*", model_id):
        raise IngestError(f"ceg_calc/ingest/epoch_ledger.py: {model_id!r} is not a slug")


def process_ledger(epoch: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The imported ``compute_ledger`` rows and the new ``models`` rows, from Epoch AI's export."""
    ledger, models = [], {}
    for name, (model_id, enhancement_id, family, new) in sorted(FINETUNES.items()):
        _slug_check(model_id)
        e = _row(epoch, name)
        base_name = e["Base model"].strip()
        if base_name not in BASES:
            raise IngestError(f"{SNAPSHOT_FILE}: row {name!r} names base model {base_name!r}, which "
                              "ceg_calc/ingest/epoch_ledger.py BASES does not map")
        base_id = BASES[base_name][0]
        flop = _number(e, "Finetune compute (FLOP)", name)
        ledger.append(_ledger(f"{model_id}.epoch-finetune", model_id, "fine-tuning", base_id, enhancement_id, flop,
                              f"Epoch AI database, row {name.strip()}, column Finetune compute (FLOP)",
                              f"Epoch's base model: {base_name}. Epoch does not split the stages."))
        if new:
            models[model_id] = _model(e, name, model_id, family, base_id, True)
    for name, (model_id, family, new, pretraining) in sorted(BASES.items()):
        _slug_check(model_id)
        e = _row(epoch, name)
        if pretraining:
            flop = _number(e, "Training compute (FLOP)", name)
            ledger.append(_ledger(f"{model_id}.epoch-pretraining", model_id, "pre-training", None, None, flop,
                                  f"Epoch AI database, row {name}, column Training compute (FLOP)",
                                  "The whole training compute Epoch lists for the model (for a model that is itself "
                                  "fine-tuned, its fine-tuning included), as Epoch's fine-tuned rows add it."))
        if new and model_id not in models:
            models[model_id] = _model(e, name, model_id, family, None, False)
    return pd.DataFrame(ledger), pd.DataFrame(list(models.values()))
