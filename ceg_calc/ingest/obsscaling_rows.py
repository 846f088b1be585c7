"""The Process step of the ObsScaling import: snapshot frames in, rows of the package's tables out.

Pure functions of the loaded frames (no file is read here). A value that does not fit a rule stops
the import with :class:`ImportProblem`, naming the snapshot file, its line and the column.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from ceg_calc.ingest.save import IngestError

from ceg_calc.ingest import obsscaling_maps as maps

GSM = "gsm8k-obsscaling-500"
RAW = "data/raw/obsscaling"


class ImportProblem(IngestError):
    """The snapshot does not fit a rule of the import; the message names file, line and column."""


# --- vocabulary rows ---------------------------------------------------------------------------

def _setting(setting_id, description, prompting, shots, decoding, samples, notes=""):
    return {"setting_id": setting_id, "description": description, "prompting": prompting, "shots": shots,
            "decoding": decoding, "samples": samples, "tools": "none", "scaffold": "none", "notes": notes}


SETTINGS = [
    _setting("few-shot-5-greedy", "Few-shot prompting with five answer-only examples; greedy decoding",
             "few-shot", 5, "greedy", 1, "ObsScaling's GSM8K baseline (column gsm8k_5_exact_match)."),
    _setting("few-shot-8-cot-sampled", "Few-shot chain of thought with eight exemplars; one reasoning path "
             "sampled at temperature 0.7", "few-shot-cot", 8, "sampling", 1,
             "The first of the self-consistency samples (column ...,score-first); Sec. 4.3 of arXiv:2405.10938."),
    _setting("few-shot-8-cot-sc-5", "Few-shot chain of thought with eight exemplars; five reasoning paths "
             "sampled at temperature 0.7, answer by majority vote (self-consistency)", "few-shot-cot", 8,
             "majority-vote", 5, "Column ...,maj@5; Sec. 4.3 of arXiv:2405.10938."),
    _setting("few-shot-3-greedy", "BIG-Bench Hard with three answer-only exemplars; greedy decoding",
             "few-shot", 3, "greedy", 1, "LM Eval Harness task bbh_fewshot_* (decoding as the BBH paper)."),
    _setting("few-shot-3-cot-greedy", "BIG-Bench Hard with three chain-of-thought exemplars; greedy decoding",
             "few-shot-cot", 3, "greedy", 1, "LM Eval Harness task bbh_cot_fewshot_*."),
    _setting("openllm-leaderboard", "Open LLM Leaderboard protocol (its shots per benchmark, answers scored "
             "by likelihood); XWinograd five-shot with the LM Eval Harness", "few-shot", None, "not-stated",
             None, "As collected by ObsScaling (Appx. B.1.1 of arXiv:2405.10938)."),
    _setting("evalplus-greedy", "HumanEval with the EvalPlus harness, base tests", "not-stated", None,
             "not-stated", None, "EvalPlus leaderboard or run by ObsScaling (Appx. B.1.1)."),
    _setting("vendor-reported", "Scores the developers of a proprietary model published, as collected by "
             "ObsScaling", "not-stated", None, "not-stated", None, "Appx. B.1.2 of arXiv:2405.10938."),
]

ENHANCEMENTS = [{
    "enhancement_id": "chat-tuning", "name": "Chat and instruction tuning", "category": "data",
    "needs_finetuning": True, "surveyed": False,
    "description": "A pre-trained model fine-tuned on instructions or dialogues (and in some cases with "
                   "reinforcement learning from human feedback) to follow requests.",
    "source_id": maps.PAPER, "locator": "Appx. B.1.2 (instruction-tuned models)",
    "notes": "Compared on the base family's standard benchmarks; a CEG below 1 means the tuning cost "
             "capability there."}]


def _benchmark(benchmark_id, name, domain, metric, chance, n_items, locator, notes, source=maps.PAPER):
    return {"benchmark_id": benchmark_id, "name": name, "domain": domain, "metric": metric, "scale": "percent",
            "higher_is_better": True, "min_score": 0, "max_score": 100, "chance_score": chance,
            "n_items": n_items, "source_id": source, "locator": locator, "notes": notes}


STANDARD_NOTE = ("Open LLM Leaderboard metric as collected by ObsScaling (Appx. B.1.1); fractions there, "
                 "percent here. Chance from the number of answer options; size not read from a source.")
STANDARD_BENCHMARKS = [
    _benchmark("mmlu", "MMLU", "knowledge", "accuracy (multiple choice)", 25, None,
               "Sec. 3.2 (Benchmarks) and Appx. B.1.1", "Four answer options. " + STANDARD_NOTE),
    _benchmark("arc-challenge-leaderboard", "ARC-Challenge (Open LLM Leaderboard)", "reasoning",
               "accuracy (multiple choice, likelihood-scored)", 25, None, "Sec. 3.2 (Benchmarks) and Appx. B.1.1",
               "Four answer options for nearly all questions. " + STANDARD_NOTE),
    _benchmark("hellaswag", "HellaSwag", "reasoning", "accuracy (multiple choice, likelihood-scored)", 25, None,
               "Sec. 3.2 (Benchmarks) and Appx. B.1.1", "Four candidate endings. " + STANDARD_NOTE),
    _benchmark("winogrande", "Winogrande", "reasoning", "accuracy (two options)", 50, None,
               "Sec. 3.2 (Benchmarks) and Appx. B.1.1", "Two options. " + STANDARD_NOTE),
    _benchmark("truthfulqa-leaderboard", "TruthfulQA (Open LLM Leaderboard)", "question-answering",
               "multiple-choice score as the Open LLM Leaderboard reports it", None, None,
               "Sec. 3.2 (Benchmarks) and Appx. B.1.1",
               "Not the share of true generated answers (see truthfulqa-true); no simple chance level. "
               + STANDARD_NOTE),
    _benchmark("xwinograd", "XWinograd", "reasoning", "accuracy (two options)", 50, None,
               "Sec. 3.2 (Benchmarks) and Appx. B.1.1",
               "Multilingual Winograd schemas, five-shot with the LM Eval Harness. Two options. " + STANDARD_NOTE),
]


def _standard_benchmarks(frames: dict) -> list[dict]:
    """The leaderboard benchmarks, with the number of questions where the values' denominators show it."""
    out = []
    for row in STANDARD_BENCHMARKS:
        n = maps.STANDARD_ITEMS.get(row["benchmark_id"])
        if n:
            columns = [(f, c) for f in (maps.BASE, maps.INSTRUCT) for c, b in maps.STANDARD.items()
                       if b == row["benchmark_id"] and c in frames[f].columns]
            for file, column in columns:
                _check_denominator(frames[file], column, n, file=file, exact_only=True)
            row = row | {"n_items": n, "source_id": maps.DATA,
                         "locator": f"{maps.REPO_URL}/eval_results/{maps.BASE}, column {columns[0][1]}",
                         "notes": row["notes"].replace("size not read from a source", f"{n} questions: every "
                                                       "value given to more than three decimals is a whole "
                                                       "number of them (checked by the import)")}
        out.append(row)
    return out


def benchmark_rows(frames: dict) -> pd.DataFrame:
    """The new benchmarks; the number of items of each is checked against the denominators of its values."""
    post = frames[maps.POST]
    out = _standard_benchmarks(frames)
    out.append(_benchmark(
        GSM, "GSM8K (500-question subset used by ObsScaling)", "math", "accuracy (exact match of the final answer)",
        0, maps.GSM8K_SUBSET_ITEMS, f"{maps.REPO_URL}/eval_results/{maps.POST}, gsm8k_* columns",
        "Every GSM8K value of the post-training file is a multiple of 1/500 (checked by the import); the paper "
        "(Appx. B.2) does not state the subset. Not the full 1,319-question test set (gsm8k).", source=maps.DATA))
    for task, chance in maps.BBH_CHANCE.items():
        out.append(_benchmark(
            bbh_id(task), f"BIG-Bench Hard: {task.replace('_', ' ')}", "reasoning", "accuracy (exact match)",
            round(100 * chance, 6), maps.BBH_ITEMS[task], maps.BBH_CHANCE_LOCATOR,
            "Chance level as ObsScaling normalises it (checked against the ,norm columns). Number of questions from "
            "the denominators of the values: each is a whole number of questions out of n, a question whose answer "
            "could not be parsed apparently counting for the chance fraction (checked by the import). Task of "
            "Suzgun et al. (arXiv:2210.09261).",
            source=maps.DATA))
    frame = pd.DataFrame(out)
    for task in maps.BBH_CHANCE:
        for column in [c for c in post.columns if _bbh_task(c) == task and c.endswith("flexible-extract")]:
            _check_denominator(post, column, maps.BBH_ITEMS[task], maps.BBH_CHANCE[task])
    for column in [c for c in post.columns if c.startswith("gsm8k_") and "flexible" in c]:
        _check_denominator(post, column, maps.GSM8K_SUBSET_ITEMS)
    return frame


def _rounded(text: str) -> bool:
    """A value given to three decimals or fewer (a rounded figure, not an exact share of questions)."""
    return len(text.split(".")[-1]) <= 3 if "." in text else True


def bbh_id(task: str) -> str:
    return "bbh-" + task.replace("_", "-")


def _bbh_task(column: str):
    match = re.fullmatch(r"bbh_(?:cot_)?fewshot_(.+)_3_exact_match,.*", column)
    return match.group(1) if match else None


def _check_denominator(frame: pd.DataFrame, column: str, n: int, chance: float = 0.0, file: str = maps.POST,
                       exact_only: bool = False) -> None:
    """Every value must be a whole number of questions out of ``n``, where a question may also count
    for the chance fraction of a point (as the BBH values show for answers the extraction could not
    parse): value x n x options is whole, options = 1 / chance (1 for free-form answers)."""
    options = round(1 / chance) if chance else 1
    for line, text in zip(range(2, len(frame) + 2), frame[column]):
        units = float(text) * n * options if text and not (exact_only and _rounded(text)) else 0.0
        if abs(units - round(units)) > 1e-6 * options:
            raise ImportProblem(f"{RAW}/{file}:{line}: {column}: {text} is not a whole number of the "
                                f"{n} questions (chance {chance:.6g})")


# --- models ------------------------------------------------------------------------------------

def slug(hf_name: str) -> str:
    """model_id from a Hugging Face name: the part after the owner, lower case, '_' as '-', no '-hf'."""
    name = hf_name.split("/")[-1].lower().replace("_", "-")
    return name[:-3] if name.endswith("-hf") else name


def family_id(obs_family: str) -> str:
    return maps.FAMILY_RENAME.get(obs_family) or obs_family.lower().replace("/", "-")


def _number(text: str):
    return float(text) if text.strip() else None


def catalogue(frames: dict) -> pd.DataFrame:
    """One row per model of the base and instruct files, with the metadata the other steps use."""
    out = []
    for file, enhanced in ((maps.BASE, False), (maps.INSTRUCT, True)):
        for line, r in zip(range(2, len(frames[file]) + 2), frames[file].to_dict("records")):
            model_id = slug(r["Model"])
            family = "gpt-j" if model_id == "gpt-j-6b" else family_id(r["Model Family"])
            out.append({"model_id": model_id, "model": r["Model"], "file": file, "line": line,
                        "obs_family": r["Model Family"], "family": family, "enhanced": enhanced,
                        "size": _number(r["Model Size (B)"]), "tokens": _number(r["Pretraining Data Size (T)"]),
                        "flops": _number(r["FLOPs (1E21)"]),
                        "base": maps.CHAT_BASES[model_id].base if model_id in maps.CHAT_BASES else None})
    meta = pd.DataFrame(out)
    dup = meta[meta["model_id"].duplicated()]
    if not dup.empty:
        raise ImportProblem(f"{RAW}/{dup.iloc[0]['file']}:{dup.iloc[0]['line']}: Model: "
                            f"{dup.iloc[0]['model']} gives the model_id of an earlier row")
    missing = set(frames[maps.POST]["Model"]) - set(meta.loc[~meta["enhanced"], "model"])
    if missing:
        raise ImportProblem(f"{RAW}/{maps.POST}: Model: {sorted(missing)[0]} is not in {maps.BASE}")
    _check_chat_bases(meta)
    meta["base_family"] = [_base_family(r, meta) for r in meta.to_dict("records")]
    return _split_families(meta)


def _split_families(meta: pd.DataFrame) -> pd.DataFrame:
    """A chat family whose models do not all sit on one known base family is split: each model whose
    base is named (``CHAT_BASES``) gets the family ``<family>-on-<base family>``, so that each of its
    comparisons has one ladder; the others keep the family."""
    chats = meta[meta["enhanced"] & ~meta["obs_family"].isin(maps.CLOSED_FAMILIES)]
    mixed = {f for f, g in chats.groupby("family")
             if not (g["base_family"].map(lambda b: isinstance(b, str)).all() and g["base_family"].nunique() == 1)}
    split = meta["family"].isin(mixed) & meta["model_id"].isin(maps.CHAT_BASES)
    meta.loc[split, "family"] = meta.loc[split, "family"] + "-on-" + meta.loc[split, "base_family"]
    return meta


def _base_family(r: dict, meta: pd.DataFrame):
    """The family a chat model is compared with: its named base's; else, when the instruct file's size,
    tokens and FLOPs (the base's, Appx. B.1.2) equal those of models of exactly one base family, that
    family; else none."""
    if not r["enhanced"] or r["obs_family"] in maps.CLOSED_FAMILIES:
        return None
    base = meta[~meta["enhanced"]]
    if isinstance(r["base"], str):
        return base.loc[base["model_id"] == r["base"], "family"].iloc[0]
    same = base[(base["size"] == r["size"]) & (base["tokens"] == r["tokens"]) & (base["flops"] == r["flops"])]
    families = set(same["family"])
    return families.pop() if len(families) == 1 else None


def _check_chat_bases(meta: pd.DataFrame) -> None:
    by_id = meta.set_index("model_id")
    for chat, (base, _, _) in maps.CHAT_BASES.items():
        c, b = by_id.loc[chat], by_id.loc[base]
        if not c["enhanced"] or b["enhanced"]:
            raise ImportProblem(f"{RAW}/{maps.INSTRUCT}: Model: CHAT_BASES maps {chat} to {base}, which is not "
                                f"a chat model on a base model")
        if chat in maps.CHAT_BASE_METADATA_DIFFER:
            continue
        fields = ["tokens", "flops"] if chat in maps.CHAT_BASE_SIZE_MISMATCH else ["size", "tokens", "flops"]
        if any(not (c[f] == b[f] or (pd.isna(c[f]) and pd.isna(b[f]))) for f in fields):
            raise ImportProblem(f"{RAW}/{maps.INSTRUCT}:{c['line']}: Model Size (B): {chat} does not carry "
                                f"the size, tokens and FLOPs of its base {base}")


def _locator(file: str, model: str, column: str) -> str:
    return f'{maps.REPO_URL}/eval_results/{file}; row Model "{model}"; column "{column}"'


def _comparable_families(meta: pd.DataFrame) -> set:
    """Chat families whose models all have one and the same base family."""
    chats = meta[meta["enhanced"]]
    return {f for f, g in chats.groupby("family")
            if g["base_family"].map(lambda b: isinstance(b, str)).all() and g["base_family"].nunique() == 1}


def _chat_note(r: dict, comparable: set) -> str:
    note = (f"Instruction-tuned or chat model (ObsScaling family {r['obs_family']}); size, tokens and FLOPs in "
            "the source are its base model's.")
    if isinstance(r["base"], str):
        return _named_note(r, note)
    if r["obs_family"] in maps.CLOSED_FAMILIES:
        return note
    if isinstance(r["base_family"], str):
        note += (f" Base model not named by the source; its size, tokens and FLOPs there equal those of a "
                 f"{r['base_family']} model and of no other family")
        return note + (f", so it is compared with the {r['base_family']} ladder." if r["family"] in comparable
                       else "; not every model of its family is identified, so no comparison is made.")
    return note + (" Base model not named by the source and not identified by its size, tokens and FLOPs (no "
                   "or several base families match), so no comparison is made.")


def _named_note(r: dict, note: str) -> str:
    """The note of a chat model whose base ``CHAT_BASES`` names, with the source and locator."""
    _, source, where = maps.CHAT_BASES[r["model_id"]]
    if source == maps.DATA:
        return note + " Base model as its name says; the source's size, tokens and FLOPs equal the base's."
    source_url = next(s["url"] for s in maps.SOURCES if s["source_id"] == source)
    note += f" Base model {r['base']} as named by {source_url} ({where})."
    differ = maps.CHAT_BASE_METADATA_DIFFER.get(r["model_id"])
    note += (f" The source's figures are not the base's ({differ}); its compute is the base's row." if differ
             else " The source's size, tokens and FLOPs equal the base's.")
    if r["family"] != family_id(r["obs_family"]):
        note += (f" Family {r['family']}: the {r['obs_family']} models do not all sit on one known base family, "
                 "so each base family has its own comparisons.")
    return note


def model_table(meta: pd.DataFrame) -> pd.DataFrame:
    comparable = _comparable_families(meta)
    out = []
    for r in meta[~meta["model_id"].isin(maps.SHARED_MODELS)].to_dict("records"):
        notes = [_chat_note(r, comparable)] if r["enhanced"] else []
        if r["model_id"] in maps.SUSPECT:
            notes.append("Parameters left blank: " + maps.SUSPECT[r["model_id"]] + ".")
        size = None if r["model_id"] in maps.SUSPECT or r["size"] is None else float(f"{r['size'] * 1e9:.10g}")
        out.append({"model_id": r["model_id"], "name": r["model"], "family": r["family"], "organization": None,
                    "release_date": None, "release_date_precision": None, "parameters": size,
                    "base_model_id": r["base"], "enhanced": r["enhanced"], "source_id": maps.DATA,
                    "locator": _locator(r["file"], r["model"], "Model Family") + ', "Model Size (B)"',
                    "notes": " ".join(notes)})
    return pd.DataFrame(out)


# --- scores ------------------------------------------------------------------------------------

# post-training column -> (benchmark_id or None for BBH, setting_id, enhancement_id)
POST_GSM8K = {
    "gsm8k_5_exact_match,flexible-extract": ("few-shot-5-greedy", ""),
    "gsm8k_cot_8_exact_match,flexible-extract": ("few-shot-8-cot-greedy", "chain-of-thought"),
    "gsm8k_cot_zeroshot_0_exact_match,flexible-extract": ("zero-shot-cot-greedy", "zero-shot-cot"),
    "gsm8k_cot_self_consistency_8_exact_match,score-first-flexible-extract": ("few-shot-8-cot-sampled",
                                                                             "chain-of-thought"),
    "gsm8k_cot_self_consistency_8_exact_match,maj@5-flexible-extract": ("few-shot-8-cot-sc-5", "self-consistency"),
}


def used_columns(frames: dict) -> list[tuple[str, str, str, str, str]]:
    """Every (file, column, benchmark_id, setting_id, enhancement_id) the import reads scores from."""
    out = [(maps.POST, c, GSM, s, e) for c, (s, e) in POST_GSM8K.items()]
    for column in frames[maps.POST].columns:
        task = _bbh_task(column)
        if task in maps.BBH_CHANCE and column.endswith(",flexible-extract"):
            cot = column.startswith("bbh_cot_")
            out.append((maps.POST, column, bbh_id(task), "few-shot-3-cot-greedy" if cot else "few-shot-3-greedy",
                        "chain-of-thought" if cot else ""))
    for file in (maps.BASE, maps.INSTRUCT):
        for column in frames[file].columns:
            if column in maps.STANDARD:
                setting = "evalplus-greedy" if column == "HumanEval" else "openllm-leaderboard"
                out.append((file, column, maps.STANDARD[column], setting,
                            "chat-tuning" if file == maps.INSTRUCT else ""))
    missing = [c for c in POST_GSM8K if c not in frames[maps.POST].columns]
    if missing or sum(1 for u in out if u[2].startswith("bbh-")) != 2 * len(maps.BBH_CHANCE):
        raise ImportProblem(f"{RAW}/{maps.POST}: expected columns missing: {missing or 'BBH tasks'}")
    return out


def _fraction(text: str, where: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ImportProblem(f"{where}: {text!r} is not a number") from None
    if not 0.0 <= value <= 1.0 or math.isnan(value):
        raise ImportProblem(f"{where}: {text} is not a fraction between 0 and 1")
    return value


def _check_norm(frame: pd.DataFrame, column: str, task: str) -> None:
    """The ``,norm`` column beside a BBH column must equal (accuracy - chance) / (1 - chance)."""
    chance = maps.BBH_CHANCE[task]
    for line, acc, norm in zip(range(2, len(frame) + 2), frame[column], frame[column + ",norm"]):
        if acc and norm and abs((float(acc) - chance) / (1 - chance) - float(norm)) > 1e-6:
            raise ImportProblem(f"{RAW}/{maps.POST}:{line}: {column},norm: {norm} does not match chance "
                                f"{chance:.6g} of utils/constants.py")


ROUNDED_NOTE = ("Given to three decimals in the source, unlike the exact shares of questions of most rows: a "
                "rounded figure reported elsewhere (e.g. by the developers), possibly under another protocol.")


def score_rows(frames: dict, meta: pd.DataFrame) -> pd.DataFrame:
    """One row per used, non-empty cell; values in percent; the locator names file, row and column."""
    ids = dict(zip(meta["model"], meta["model_id"]))
    closed = set(meta.loc[meta["obs_family"].isin(maps.CLOSED_FAMILIES), "model"])
    out = []
    for file, column, benchmark, setting, enhancement in used_columns(frames):
        frame = frames[file]
        if benchmark.startswith("bbh-"):
            _check_norm(frame, column, _bbh_task(column))
        for line, model, text in zip(range(2, len(frame) + 2), frame["Model"], frame[column]):
            if not text.strip():
                continue
            value = _fraction(text, f"{RAW}/{file}:{line}: {column}")
            run = "vendor-reported" if model in closed and setting == "openllm-leaderboard" else setting
            out.append({
                "score_id": f"{maps.DATA}.{ids[model]}.{run}.{benchmark}", "model_id": ids[model],
                "benchmark_id": benchmark, "setting_id": run, "enhancement_id": enhancement,
                "score": float(f"{100 * value:.10g}"), "score_stderr": None, "setting_label": column,
                "second_hand": file != maps.POST, "source_id": maps.DATA,
                "locator": _locator(file, model, column),
                "notes": ROUNDED_NOTE if file != maps.POST and _rounded(text) and 0 < value < 1 else None})
    frame = pd.DataFrame(out)
    dup = frame[frame["score_id"].duplicated()]
    if not dup.empty:
        raise ImportProblem(f"{RAW}: two cells give score {dup.iloc[0]['score_id']}")
    return frame
