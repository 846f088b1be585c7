"""Import Epoch AI's Benchmarking Hub runs (snapshot ``data/raw/epoch-benchmarks``) into ``data/``.

Three steps, as in a data pipeline:

- **Load** the hub files Epoch AI ran itself (GPQA Diamond, MATH level 5, OTIS Mock AIME 2024-2025,
  FrontierMath, SWE-bench Verified) from the snapshot (hashes checked by :mod:`snapshots`), and eleven
  of its ``_external`` files, scores the hub collected from papers, model cards and leaderboards (MMLU,
  GSM8K, BBH, HellaSwag, ARC, Winogrande, PIQA, TriviaQA, BoolQ, LAMBADA, OpenBookQA; which files and
  rows are left out, and why, is said at :data:`EXTERNAL`);
- **Process** them into rows of sources, benchmarks, settings, models, compute_estimates and
  benchmark_scores. A ``Model version`` ending in an effort level (``_low`` ... ``_xhigh``) or a
  thinking budget (``_16K`` ... ``_64K``) is one model in several settings, so a model's scores
  across settings form a test-time-compute curve. Scores are Epoch's fractions times 100 (the
  package's benchmarks are percent), with Epoch's standard error likewise;
  An _external score is second-hand (``second_hand = true``): its notes name the source and link the
  hub gives, its locator the file, row id and score column, its setting the shots the hub records;
- **Save**: imported rows replace the rows with the same key in ``data/``; every other row is kept.

Compute is Epoch's ``Training compute (FLOP)`` only (a figure in the note alone is not an estimate);
a note that says the figure already includes post-training, or an assumed share of it, is flagged in
the estimate's notes (``includes post-training``). Models already in the package under another id
(:data:`ALIASES`; :data:`EXTERNAL_ALIASES` for names met in the _external files only) get their scores
and a hub compute row (preferred only where the package has no other), never a new model row.

Run ``ceg ingest epoch-hub [--check]``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ceg_calc.ingest.save import IngestError, load_csv, save
from ceg_calc.ingest.epoch_hub_external import (EXTERNAL, EXTERNAL_ALIASES, EXTERNAL_BENCHMARKS, EXTERNAL_COLUMNS,
                                                 EXTERNAL_FAMILIES)
from ceg_calc.ingest.snapshots import open_snapshot

SNAPSHOT = "epoch-benchmarks"
SOURCE = "epoch2026-benchmarking-hub"
COMMIT = "0f7432db4cfcc59c34c45630b9ea063b36c66001"
FILE_URL = f"https://github.com/hansgundlach/ScaffoldingTheory/blob/{COMMIT}/epoch_benchmark_data/{{file}}"
COLUMNS = ["Model version", "mean_score", "stderr", "Release date", "Organization", "Training compute (FLOP)",
           "Training compute notes", "Log viewer", "id"]

#: hub file -> (benchmark_id, name, domain, metric, whether the package already has the benchmark)
FILES = {
    "gpqa_diamond.csv": ("gpqa-diamond", None, None, None),
    "math_level_5.csv": ("math-level-5", "MATH level 5 (Epoch AI's run)", "math", "accuracy (mean over runs)"),
    "otis_mock_aime_2024_2025.csv": ("otis-mock-aime-2024-2025", "OTIS Mock AIME 2024-2025", "math",
                                     "accuracy (mean over runs)"),
    "frontiermath.csv": ("frontiermath", "FrontierMath (tiers 1-3, Epoch AI's run)", "math", "accuracy"),
    "swe_bench_verified.csv": ("swe-bench-verified", None, None, None),
}

#: hub ``Model version`` (effort suffix removed) -> model id already in the package
ALIASES = {"o1-2024-12-17": "o1", "gpt-4o-2024-05-13": "gpt-4o", "DeepSeek-R1": "deepseek-r1",
           "DeepSeek-V3": "deepseek-v3", "deepseek-llm-67b-chat": "deepseek-llm-67b-chat",
           "claude-2.0": "claude-2.0", "gpt-4-0314": "gpt-4-0314", "gpt-4-0613": "gpt-4-0613",
           "Llama-3.1-8B-Instruct": "llama-3.1-8b-instruct", "Llama-3.1-70B-Instruct": "llama-3.1-70b-instruct",
           "Llama-3.1-405B-Instruct": "llama-3.1-405b-instruct", "Meta-Llama-3-8B-Instruct": "meta-llama-3-8b-instruct",
           "Meta-Llama-3-70B-Instruct": "meta-llama-3-70b-instruct", "qwen3-235b-a22b": "qwen3-235b-a22b",
           "qwen2.5-72b-instruct": "qwen2.5-72b-instruct",
           "qwen2.5-32b-instruct": "qwen2.5-32b-instruct",
           "gemma-3-27b-it": "gemma-3-27b-it",
           "Llama-3.1-Tulu-3-70B-DPO": "llama-3.1-tulu-3-70b-dpo",
           "DeepSeek-R1-Distill-Llama-70B": "deepseek-r1-distill-llama-70b",
           "DeepSeek-R1-Distill-Qwen-14B": "deepseek-r1-distill-qwen-14b"}
#: Hub models grouped into one family (sizes of one release trained the same way); others are their own.
FAMILIES = [(re.compile(r"^llama-3\.1-\d+b-instruct$"), "llama-3.1-instruct"),
            (re.compile(r"^meta-llama-3-\d+b-instruct$"), "llama-3-instruct"),
            (re.compile(r"^qwen2\.5-\d+b-instruct$"), "qwen2.5-instruct"),
            (re.compile(r"^qwen1\.5-\d+b-chat$"), "qwen1.5-chat")]


def family_of(model_id: str) -> str:
    return next((family for pattern, family in FAMILIES + EXTERNAL_FAMILIES if pattern.match(model_id)), model_id)

EFFORT = re.compile(r"_(low|medium|high|xhigh|minimal|none)$")
BUDGET = re.compile(r"_(\d+)K$")
#: Models trained to reason at length (always on): their scores carry ``reasoning-training``.
REASONING = re.compile(r"(^|[/_-])(o1|o3|o4)(-|$)|deepseek-r1|deepseek-reasoner|thinking|qwq|^gpt-5|gpt-oss|"
                       r"magistral|grok-3-mini|grok-4|kimi-k2-thinking|-r1-|r1-distill|^r1", re.I)


def split_version(version: str) -> tuple[str, str]:
    """(model version without its test-time suffix, setting id)."""
    if m := EFFORT.search(version):
        return version[: m.start()], f"epoch-hub-effort-{m.group(1)}"
    if m := BUDGET.search(version):
        return version[: m.start()], f"epoch-hub-thinking-{m.group(1)}k"
    return version, "epoch-hub"


def slug(text: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9._+-]", "-", text.lower())).strip("-._+")


def model_id_of(base: str) -> str:
    return ALIASES.get(base) or EXTERNAL_ALIASES.get(base) or slug(base.split("/")[-1])


def _number(text: str):
    return float(text) if text.strip() else None


def _gist(note: str, limit: int = 220) -> str:
    note = " ".join(note.split())
    return note if len(note) <= limit else note[: limit - 1].rstrip() + "…"


POST_TRAINING = re.compile(r"post-?train|fine-?tun|\bRL\b|x ?1\.1|\*1\.1|× ?1\.1", re.I)


# --- Load ------------------------------------------------------------------------------------------

def load(root: Path = Path(".")) -> dict[str, pd.DataFrame]:
    files = open_snapshot(SNAPSHOT, root)
    return {name: load_csv(files[name], COLUMNS, f"data/raw/{SNAPSHOT}/{name}") for name in FILES}


def load_external(root: Path = Path(".")) -> dict[str, pd.DataFrame]:
    """The ``_external`` files of :data:`EXTERNAL`, rows without a ``Model version`` left out (see there)."""
    files = open_snapshot(SNAPSHOT, root)
    frames = {}
    for name, (_benchmark, column) in EXTERNAL.items():
        frame = load_csv(files[name], [*EXTERNAL_COLUMNS, column], f"data/raw/{SNAPSHOT}/{name}")
        frame.insert(0, "line", range(2, len(frame) + 2))  # the row's line in the file (header = 1)
        frame["Model version"] = frame["Model version"].str.strip()
        frames[name] = frame[frame["Model version"] != ""].reset_index(drop=True)
    return frames


# --- Process ---------------------------------------------------------------------------------------

def score_rows(frames: dict, enhancement_of: dict | None = None) -> pd.DataFrame:
    """Score rows; ``enhancement_of`` gives the enhancement of aliased models the package marks enhanced."""
    enhancement_of = enhancement_of or {}
    rows = []
    for name, frame in frames.items():
        benchmark = FILES[name][0]
        repeated = set(frame.loc[frame["Model version"].duplicated(), "Model version"])
        for line, r in enumerate(frame.to_dict("records"), start=2):
            where = f"data/raw/{SNAPSHOT}/{name}:{line}"
            base, setting = split_version(r["Model version"])
            if not base or not r["mean_score"].strip():
                raise IngestError(f"{where}: Model version or mean_score: blank")
            model_id = model_id_of(base)
            reasoning = bool(REASONING.search(base)) or setting != "epoch-hub"
            stderr = _number(r["stderr"])
            notes = f"Epoch's fraction {r['mean_score']} x 100"
            if r["Log viewer"]:
                notes += f"; run log: {r['Log viewer']}"
            run = f".run-{slug(r['id'])}" if r["Model version"] in repeated else ""
            if run:
                notes += f"; one of several runs of this model version (run id {r['id']})"
            rows.append({
                "score_id": f"epoch-hub.{model_id}.{setting}.{benchmark}{run}", "model_id": model_id,
                "benchmark_id": benchmark, "setting_id": setting,
                "enhancement_id": "reasoning-training" if reasoning else enhancement_of.get(model_id),
                "score": float(f"{100 * float(r['mean_score']):.6g}"),
                "score_stderr": None if stderr is None else float(f"{100 * stderr:.6g}"),
                "setting_label": r["Model version"], "second_hand": False, "source_id": SOURCE,
                "locator": f"{name}, row Model version {r['Model version']}" + (f" id {r['id']}" if run else "")
                           + ", column mean_score",
                "notes": notes,
            })
    return _unique_scores(rows)


def _unique_scores(rows: list) -> pd.DataFrame:
    """The score rows as a frame; two rows with one ``score_id`` are an error of the import."""
    scores = pd.DataFrame(rows)
    dup = scores[scores["score_id"].duplicated()]
    if len(dup):
        raise IngestError(f"data/raw/{SNAPSHOT}: two rows give {dup['score_id'].iloc[0]}")
    return scores


def model_and_compute_rows(frames: dict, existing: set, with_compute: set = frozenset()
                           ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One model row per hub model the package does not have yet; one compute row per model with a figure."""
    seen: dict = {}
    for name, frame in frames.items():
        for line, r in enumerate(frame.to_dict("records"), start=2):
            line = r.get("line", line)
            base, _ = split_version(r["Model version"])
            seen.setdefault(model_id_of(base), (base, name, line, r))
            if _number(r["Training compute (FLOP)"]) and not _number(seen[model_id_of(base)][3]["Training compute (FLOP)"]):
                seen[model_id_of(base)] = (base, name, line, r)
    models, compute = [], []
    for model_id, (base, name, line, r) in sorted(seen.items()):
        alias = base in ALIASES or base in EXTERNAL_ALIASES
        if not alias and model_id in existing:
            raise IngestError(f"data/raw/{SNAPSHOT}/{name}:{line}: model {base!r} would be id {model_id!r}, "
                              "which data/models.csv already has: add it to ALIASES")
        locator = f"{name}, row Model version {r['Model version']}"
        reasoning = bool(REASONING.search(base))
        if not alias:
            models.append({
                "model_id": model_id, "name": base, "family": family_of(model_id), "organization": r["Organization"] or None,
                "release_date": r["Release date"] or None, "release_date_precision": "day" if r["Release date"] else None,
                "parameters": None, "base_model_id": None, "enhanced": reasoning, "source_id": SOURCE,
                "locator": locator,
                "notes": ("Reasoning model (long chain of thought at test time)." if reasoning else
                          "Non-reasoning model as Epoch AI's hub lists it.") +
                         (" Family: the sizes of one release." if family_of(model_id) != model_id
                          else " Its own family (the hub does not group sizes)."),
            })
        flop = _number(r["Training compute (FLOP)"])
        if flop is None:
            continue
        note = r["Training compute notes"]
        flag = "includes post-training: " if POST_TRAINING.search(note) else ""
        compute.append({
            "estimate_id": f"{model_id}.epoch-hub", "model_id": model_id, "training_compute_flop": flop,
            "training_compute_low_flop": None, "training_compute_high_flop": None, "confidence": None,
            "method": "database", "preferred": not alias or model_id not in with_compute, "source_id": SOURCE,
            "locator": f"{locator}, column Training compute (FLOP)",
            "notes": (f"{flag}Epoch note: {_gist(note)}" if note else "No note.").strip(),
        })
    return pd.DataFrame(models), pd.DataFrame(compute)


def setting_rows(scores: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for setting in sorted(set(scores["setting_id"])):
        if setting == "epoch-hub":
            text, note = "Epoch AI's Benchmarking Hub run at the model's default settings", ""
        elif "effort" in setting:
            level = setting.rsplit("-", 1)[1]
            text, note = f"Epoch AI's hub run at reasoning effort {level}", "The API's reasoning-effort parameter."
        else:
            budget = setting.rsplit("-", 1)[1].upper()
            text, note = f"Epoch AI's hub run with a thinking budget of {budget} tokens", "Extended-thinking budget."
        rows.append({"setting_id": setting, "description": text, "prompting": "not-stated", "shots": None,
                     "decoding": "not-stated", "samples": None, "tools": "none", "scaffold": "none",
                     "notes": note or "Prompt and decoding as in Epoch's logs (not read here)."})
    return pd.DataFrame(rows)


BENCHMARK_NOTE = "Epoch AI's own run; scores are Epoch's fractions times 100."


def benchmark_rows() -> pd.DataFrame:
    rows = []
    for name, (benchmark, title, domain, metric) in FILES.items():
        if title is None:
            continue
        rows.append({"benchmark_id": benchmark, "name": title, "domain": domain, "metric": metric,
                     "scale": "percent", "higher_is_better": True, "min_score": 0, "max_score": 100,
                     "chance_score": 0, "n_items": None, "source_id": SOURCE, "locator": name,
                     "notes": BENCHMARK_NOTE + " Free-form answers: chance taken as 0."})
    return pd.DataFrame(rows)


SOURCES = [{
    "source_id": SOURCE, "title": "AI Benchmarking Hub (data download)", "authors": "Epoch AI", "year": 2026,
    "source_type": "database", "arxiv_id": None, "doi": None, "url": "https://epoch.ai/benchmarks",
    "licence": "CC-BY-4.0", "accessed": "2026-12-02",
    "read_from": FILE_URL.format(file="gpqa_diamond.csv"),
    "notes": "Read from a third party's copy of Epoch's download pinned to commit "
             f"{COMMIT} (folder epoch_benchmark_data/; removed there later); snapshot data/raw/{SNAPSHOT}.",
}]
KEYS = {"sources": "source_id", "benchmarks": "benchmark_id", "settings": "setting_id", "models": "model_id",
        "compute_estimates": "estimate_id", "benchmark_scores": "score_id"}


def process(frames: dict, existing: set, with_compute: set = frozenset(), enhancement_of: dict | None = None,
            external: dict | None = None, external_of: dict | None = None) -> dict[str, pd.DataFrame]:
    """The import's rows; ``external`` holds the _external files (:func:`load_external`), read after Epoch's
    own runs (a model's row and compute come from the first file that has them)."""
    external = external or {}
    scores = score_rows(frames, enhancement_of)
    models, compute = model_and_compute_rows({**frames, **external}, existing, with_compute)
    settings, benchmarks = setting_rows(scores), benchmark_rows()
    if external:
        outside = external_score_rows(external, enhancement_of if external_of is None else external_of)
        scores = pd.concat([scores, outside], ignore_index=True)
        settings = pd.concat([settings, external_setting_rows(outside)], ignore_index=True)
        benchmarks = pd.concat([benchmarks, external_benchmark_rows()], ignore_index=True)
    return {"sources": pd.DataFrame(SOURCES), "benchmarks": benchmarks, "settings": settings,
            "models": models, "compute_estimates": compute, "benchmark_scores": scores}


def run(root: Path, check: bool) -> tuple[int, list[str]]:
    """Load, process and save the import into the package at ``root`` (:func:`ceg_calc.ingest.save.save`)."""
    models = load_csv(Path(root) / "data" / "models.csv", ["model_id", "source_id"], "data/models.csv")
    existing = set(models.loc[models["source_id"] != SOURCE, "model_id"])
    compute = load_csv(Path(root) / "data" / "compute_estimates.csv", ["model_id", "preferred", "source_id"],
                       "data/compute_estimates.csv")
    with_compute = set(compute.loc[(compute["preferred"] == "true") & (compute["source_id"] != SOURCE), "model_id"])
    scores = load_csv(Path(root) / "data" / "benchmark_scores.csv", ["model_id", "enhancement_id", "source_id"],
                      "data/benchmark_scores.csv")
    enhanced = set(models.loc[models["enhanced"] == "true", "model_id"]) & {*ALIASES.values(), *EXTERNAL_ALIASES.values()}
    own = scores[(scores["source_id"] != SOURCE) & scores["model_id"].isin(enhanced) & (scores["enhancement_id"] != "")]
    enhancement_of = {m: g["enhancement_id"].mode().iloc[0] for m, g in own.groupby("model_id")}
    # An _external score is the model as released, never under a prompting or scaffolding technique studied
    # elsewhere: it carries the model's training enhancement (category data), where its other rows name one.
    kinds = load_csv(Path(root) / "data" / "enhancements.csv", ["enhancement_id", "category"], "data/enhancements.csv")
    trained = own[own["enhancement_id"].isin(set(kinds.loc[kinds["category"] == "data", "enhancement_id"]))]
    external_of = {**enhancement_of, **{m: g["enhancement_id"].mode().iloc[0] for m, g in trained.groupby("model_id")}}
    tables = process(load(root), existing, with_compute, enhancement_of, load_external(root), external_of)
    return save(root, {name: (frame, KEYS[name]) for name, frame in tables.items()}, check,
                "the Epoch Benchmarking Hub import")


# --- The hub's _external files (tables in :mod:`ceg_calc.ingest.epoch_hub_external`) ---------------

SHOTS = re.compile(r"^(\d+)(-shot)?$")


def external_setting(shots: str) -> str:
    shots = shots.strip()
    if m := SHOTS.match(shots):
        return f"epoch-hub-external-{int(m.group(1))}-shot"
    if shots == "few":
        return "epoch-hub-external-few-shot"
    if not shots:
        return "epoch-hub-external-shots-not-stated"
    raise IngestError(f"Shots {shots!r}: not a shot count the import knows")


def external_score_rows(frames: dict, enhancement_of: dict | None = None) -> pd.DataFrame:
    """One score per row of an _external file with a ``Model version`` and a score (:func:`load_external`)."""
    enhancement_of = enhancement_of or {}
    rows = []
    for name, frame in frames.items():
        benchmark, column = EXTERNAL[name]
        for r in frame.to_dict("records"):
            where = f"data/raw/{SNAPSHOT}/{name}:{r['line']}"
            value = _number(r[column])
            if value is None:
                continue
            if not 0 <= value <= 1:
                raise IngestError(f"{where}: {column}: {r[column]} is not a fraction")
            try:
                setting = external_setting(r["Shots"])
            except IngestError as exc:
                raise IngestError(f"{where}: {exc}") from None
            model_id = model_id_of(r["Model version"])
            link = r["Source link"].strip()
            notes = (f"Second-hand: the hub gives its source as '{r['Source'].strip() or 'not named'}'"
                     + (f" ({link})" if link else " (no link)")
                     + f"; the hub's fraction {r[column]} x 100; shots as the hub gives them: "
                     + (" ".join(r["Shots"].split()) or "blank"))
            if r["Name"].strip():
                notes += f"; hub name {' '.join(r['Name'].split())}"
            if r["Notes"].strip():
                notes += f"; hub note: {_gist(r['Notes'])}"
            rows.append({
                "score_id": f"epoch-hub.{model_id}.{setting}.{benchmark}.{slug(r['id'])}", "model_id": model_id,
                "benchmark_id": benchmark, "setting_id": setting,
                "enhancement_id": "reasoning-training" if REASONING.search(r["Model version"])
                                  else enhancement_of.get(model_id),
                "score": float(f"{100 * value:.6g}"), "score_stderr": None, "setting_label": r["Model version"],
                "second_hand": True, "source_id": SOURCE,
                "locator": f"{name}, row id {r['id']} (line {r['line']}, Model version {r['Model version']}), "
                           f"column {column}",
                "notes": notes,
            })
    return _unique_scores(rows)


def external_setting_rows(scores: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for setting in sorted(set(scores["setting_id"])):
        shots = setting.removeprefix("epoch-hub-external-").removesuffix("-shot")
        if shots == "shots-not-stated":
            text, prompting, n = "Score collected by Epoch AI's hub from another source; shots not given", "not-stated", None
        elif shots == "few":
            text, prompting, n = "Score collected by Epoch AI's hub from another source; few-shot (count not given)", \
                "few-shot", None
        else:
            n = int(shots)
            text = f"Score collected by Epoch AI's hub from another source; {n}-shot"
            prompting = "zero-shot" if n == 0 else "few-shot"
        rows.append({"setting_id": setting, "description": text, "prompting": prompting, "shots": n,
                     "decoding": "not-stated", "samples": None, "tools": "none", "scaffold": "none",
                     "notes": "The hub records shots only: prompt format, metric variant (likelihood or generation, "
                              "chain of thought) and decoding follow each row's source, named in the score's notes, "
                              "and differ between rows of this setting."})
    return pd.DataFrame(rows)


def external_benchmark_rows() -> pd.DataFrame:
    rows = []
    files = {benchmark: name for name, (benchmark, _column) in EXTERNAL.items()}
    for benchmark, (title, domain, metric, chance, note) in EXTERNAL_BENCHMARKS.items():
        rows.append({"benchmark_id": benchmark, "name": title, "domain": domain, "metric": metric,
                     "scale": "percent", "higher_is_better": True, "min_score": 0, "max_score": 100,
                     "chance_score": chance, "n_items": None, "source_id": SOURCE, "locator": files[benchmark],
                     "notes": "Scores Epoch AI's hub collected from other sources; fractions there, percent here. "
                              + note})
    return pd.DataFrame(rows)
