"""The inputs of every derived row: one :class:`Row` per (comparison, enhanced model).

Everything is looked up in dictionaries built once from the typed tables, so planning costs
one pass over the comparisons whatever the number of scores (pandas filtering per comparison
grows with both).

- baseline points: the scores of ``baseline_family`` models on the comparison's benchmark in
  ``baseline_setting_id`` from ``baseline_source_id``, each with its model's preferred compute
  estimate; enhanced scores likewise from the enhanced side;
- uncertainty: the compute estimate's bounds when it has both (read as a 90% interval), else its
  confidence tier (:mod:`ceg_calc.calc.uncertainty`); the score's stated standard error, else the
  Agresti-Coull standard error from the benchmark's number of items (:func:`score_stderr`);
- the stated CEG (``published_estimates``), paired only where its scope names the comparison's
  benchmark (``benchmark_id`` or ``scope_benchmark_ids``), first-hand before second-hand;
- fine-tuning fraction and inference multiplier from ``costs`` and the shares of
  ``cumulative_compute`` (from ``compute_ledger``), first-hand before second-hand, with the
  second-hand fraction shown beside a first-hand one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, METHOD_VERSION
from ceg_calc.calc.tasks import EstimationError, Task, agresti_coull_stderr, binomial_stderr, make_tasks
from ceg_calc.calc.uncertainty import compute_log10_sd
from ceg_calc.derive.cumulative import cumulative_compute, ledger_fractions

PETAFLOP_DAY_FLOP = 1e15 * 86_400


@dataclass
class Row:
    """One output row while it is being filled."""

    values: dict
    task: Task | None = None
    method: str = ""
    notes: list = field(default_factory=list)
    score_ids: list = field(default_factory=list)  # baseline score ids in the task's sorted order


def present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def _records(frame: pd.DataFrame) -> list[dict]:
    """The rows as dictionaries, a missing value as None (read column by column: Arrow columns
    convert in one call rather than cell by cell)."""
    names = list(frame.columns)
    columns = [[v if present(v) else None for v in frame[name].tolist()] for name in names]
    return [dict(zip(names, values)) for values in zip(*columns)]


def _index(frame: pd.DataFrame, key: str) -> dict:
    return {r[key]: r for r in _records(frame)}


def _words(value) -> list[str]:
    return str(value).split() if present(value) else []


def published_for(comparison: dict, published: list[dict]):
    """The stated CEG paired with a comparison, and a note when a linked one is not paired.

    A stated value is paired only when its scope names the comparison's benchmark (its
    ``benchmark_id`` or one of its ``scope_benchmark_ids``); among those, the one the
    comparison links by ``published_id`` first, then first-hand before second-hand, then by id.
    """
    benchmark = comparison["benchmark_id"]
    linked = comparison.get("published_id")

    def covers(p):
        return p.get("benchmark_id") == benchmark or benchmark in _words(p.get("scope_benchmark_ids"))

    matches = [p for p in published if covers(p) and (p["published_id"] == linked
                                                      or p.get("enhancement_id") == comparison["enhancement_id"])]
    matches.sort(key=lambda p: (p["published_id"] != linked, bool(p["second_hand"]), p["published_id"]))
    note = ""
    if linked and not any(p["published_id"] == linked for p in matches):
        stated = next((p for p in published if p["published_id"] == linked), None)
        if stated is not None:
            scope = "does not name the benchmarks it covers (ambiguous)" if not (
                stated.get("benchmark_id") or stated.get("scope_benchmark_ids")) else f"does not cover {benchmark}"
            note = f"stated CEG {linked} ({stated['ceg']:g}, '{stated['scope']}') not paired: its scope {scope}"
    return (matches[0] if matches else None), note


def _flop(row) -> float:
    return row["value"] * (PETAFLOP_DAY_FLOP if row["unit"] == "petaflop/s-day" else 1.0)


def costs_for(costs: list[dict], model_id, benchmark_id=None, setting_id=None) -> list[dict]:
    """The cost rows of ``model_id`` (or general), for the benchmark and setting where a row names them."""
    return [c for c in costs if c.get("model_id") in (None, model_id) and c.get("benchmark_id") in (None, benchmark_id)
            and c.get("setting_id") in (None, setting_id)]


def inference_multiplier(costs: list[dict]):
    """The stated multiplier: a row for this model first, then a general one; first-hand first; by id."""
    rows = [c for c in costs if c["quantity"] == "inference-multiplier"]
    rows.sort(key=lambda c: (c.get("model_id") is None, bool(c["second_hand"]), c["cost_id"]))
    return rows[0]["value"] if rows else None


def finetune_fractions(costs: list[dict], model_id) -> tuple:
    """Fine-tuning compute over pre-training compute: (value used, second-hand value beside it,
    model whose figures gave the value when it is another model of the same enhancement).

    First-hand before second-hand: where this model or the enhancement in general has only a
    second-hand figure, a first-hand one the enhancement's own paper states for another of its
    models comes first (the row's reason names that model).
    Then this model's or general figures before another model's; then a stated fraction before
    one computed from the fine-tuning and pre-training compute one source states (stages such
    as supervised fine-tuning then RL add up); then by id. The second value is the best
    second-hand one when the first is first-hand (else None).
    """
    candidates = []
    for r in costs:
        other = r.get("model_id") not in (None, model_id)
        if r["quantity"] == "finetune-fraction":
            value = r["value"] / (100.0 if r["unit"] == "percent" else 1.0)
            candidates.append((bool(r["second_hand"]), other, 0, r["cost_id"], value, r.get("model_id")))
    groups: dict = {}
    for r in costs:
        groups.setdefault((r["source_id"], r.get("model_id")), []).append(r)
    for (source_id, owner), group in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        tuned = [r for r in group if r["quantity"] == "finetune-compute"]
        base = sorted((r for r in group if r["quantity"] == "pretraining-compute"), key=lambda r: r["cost_id"])
        if tuned and base:
            hand = any(r["second_hand"] for r in tuned + base[:1])
            candidates.append((hand, owner not in (None, model_id), 1, source_id,
                               sum(_flop(r) for r in tuned) / _flop(base[0]), owner))
    # another model's figures only stand in for a second-hand value of this model or the enhancement
    if not any(c[0] and not c[1] for c in candidates):
        candidates = [c for c in candidates if not c[1]]
    if not candidates:
        return None, None, None
    best = min(candidates, key=lambda c: c[:4])
    second = min((c for c in candidates if c[0]), default=None, key=lambda c: c[:4])
    return best[4], (second[4] if second is not None and not best[0] else None), (best[5] if best[1] else None)


SCORE_SE = {"wald": binomial_stderr, "agresti-coull": agresti_coull_stderr}


def score_stderr(row: dict, benchmark: dict, interval: str = DERIVE_POLICY.score_se) -> float:
    """The score's stated standard error, else the binomial one from the benchmark's number of
    items (``interval``: ``agresti-coull`` since method version 4, never 0 at 0% or 100%; ``wald``
    before), else 0 (unknown: the benchmark states no number of items)."""
    if row.get("score_stderr") is not None:
        return float(row["score_stderr"])
    if benchmark.get("n_items") is None:
        return 0.0
    scale = 100.0 if benchmark["scale"] == "percent" else 1.0
    return float(SCORE_SE[interval](row["score"], benchmark["n_items"], scale))


def chance_level(benchmark: dict):
    """The benchmark's chance score, or its worst possible score where none is given."""
    if benchmark.get("chance_score") is not None:
        return benchmark["chance_score"]
    return benchmark["min_score" if benchmark["higher_is_better"] else "max_score"]


class Tables:
    """The typed tables as dictionaries and grouped lists, built once."""

    def __init__(self, tables: dict):
        self.models = _index(tables["models"], "model_id")
        self.benchmarks = _index(tables["benchmarks"], "benchmark_id")
        self.enhancements = _index(tables["enhancements"], "enhancement_id")
        preferred = tables["compute_estimates"][tables["compute_estimates"]["preferred"].astype(bool)]
        self.compute = _index(preferred, "model_id")
        self.sides: dict = {}
        for s in sorted(_records(tables["benchmark_scores"]), key=lambda s: (s["model_id"], s["score_id"])):
            family = self.models.get(s["model_id"], {}).get("family")
            self.sides.setdefault((s["benchmark_id"], s["setting_id"], s["source_id"], family), []).append(s)
        self.costs: dict = {}
        for c in _records(tables["costs"]) + ledger_fractions(cumulative_compute(tables)):
            self.costs.setdefault(c["enhancement_id"], []).append(c)
        self.published = _records(tables["published_estimates"])
        self.comparisons = sorted(_records(tables["comparisons"]), key=lambda c: c["comparison_id"])

    def side(self, comparison: dict, side: str) -> list[dict]:
        return self.sides.get((comparison["benchmark_id"], comparison[f"{side}_setting_id"],
                               comparison[f"{side}_source_id"], comparison[f"{side}_family"]), [])

    def owner(self, model_id):
        """The model whose training run a compute estimate measures (the base model's for ``base-model``)."""
        base = self.models.get(model_id, {}).get("base_model_id")
        return base if self.compute[model_id]["method"] == "base-model" and base else model_id


def plan(loaded, score_se: str = DERIVE_POLICY.score_se, t: Tables | None = None) -> list[Row]:
    """One :class:`Row` per (comparison, enhanced model), with the estimation task where one exists;
    ``score_se`` names the binomial standard error of scores without a stated one (:data:`SCORE_SE`);
    ``t``, when given, is ``Tables(loaded.tables)`` already built."""
    t = Tables(loaded.tables) if t is None else t
    rows = []
    for comparison in t.comparisons:
        shared: dict = {}  # the baseline's inputs, built for the first enhanced model that needs them
        stated, stated_note = published_for(comparison, t.published)
        baseline = t.side(comparison, "baseline")
        with_compute = [s for s in baseline if s["model_id"] in t.compute]
        missing = sorted({s["model_id"] for s in baseline} - set(t.compute))
        costs = t.costs.get(comparison["enhancement_id"], [])
        for score in t.side(comparison, "enhanced"):
            row = _row(t, comparison, score, with_compute, costs, stated)
            if stated_note:
                row.notes.append(stated_note)
            if missing:
                row.notes.append("baseline models without a compute estimate left out: " + ", ".join(missing))
            rows.append(row)
            _add_task(t, row, comparison, score, with_compute, score_se, shared)
    return rows


def _row(t: Tables, comparison: dict, score: dict, with_compute: list, costs: list, stated) -> Row:
    model_id = score["model_id"]
    own_costs = costs_for(costs, model_id, comparison["benchmark_id"], comparison["enhanced_setting_id"])
    fraction, fraction_second_hand, fraction_model = finetune_fractions(costs, model_id)
    values = {
        "comparison_id": comparison["comparison_id"], "enhanced_model_id": model_id,
        "enhancement_id": comparison["enhancement_id"], "benchmark_id": comparison["benchmark_id"],
        "category": t.enhancements[comparison["enhancement_id"]]["category"],
        "method": comparison["method"], "method_version": METHOD_VERSION, "enhanced_score": score["score"],
        "baseline_family": comparison["baseline_family"], "baseline_points": len(with_compute),
        "baseline_score_ids": " ".join(sorted(s["score_id"] for s in with_compute)),
        "enhanced_score_id": score["score_id"], "finetune_fraction": fraction,
        "finetune_fraction_second_hand": fraction_second_hand,
        "inference_multiplier": inference_multiplier(own_costs),
    }
    if stated is not None:
        values.update(published_ceg=stated["ceg"], published_form=stated["form"], published_id=stated["published_id"])
    if with_compute:
        flops = [t.compute[s["model_id"]]["training_compute_flop"] for s in with_compute]
        values["baseline_compute_min_flop"] = float(min(flops))
        values["baseline_compute_max_flop"] = float(max(flops))
    row = Row(values, method=comparison["method"])
    if fraction_model:
        row.notes.append(f"fine-tuning fraction from the first-hand figures for {fraction_model}")
    return row


def _baseline_inputs(t: Tables, comparison: dict, with_compute: list, score_se: str) -> dict:
    """What every enhanced model of a comparison shares in its task: the baseline's compute,
    scores, compute spreads and score standard errors, the training runs the compute measures,
    and the score ids in the task's point order (by compute, then oriented score)."""
    benchmark = t.benchmarks[comparison["benchmark_id"]]
    models = [s["model_id"] for s in with_compute]
    sign = 1.0 if benchmark["higher_is_better"] else -1.0
    order = sorted(range(len(models)), key=lambda i: (math.log10(t.compute[models[i]]["training_compute_flop"]),
                                                        sign * with_compute[i]["score"]))
    return {"benchmark": benchmark, "flop": [t.compute[m]["training_compute_flop"] for m in models],
            "score": [s["score"] for s in with_compute],
            "log10_sd": [compute_log10_sd(t.compute[m]) for m in models],
            "stderr": [score_stderr(s, benchmark, score_se) for s in with_compute],
            "owners": [t.owner(m) for m in models], "score_ids": [with_compute[i]["score_id"] for i in order]}


def _add_task(t: Tables, row: Row, comparison: dict, score: dict, with_compute: list, score_se: str,
              shared: dict) -> None:
    """The estimation task of ``row``, or the reason there is none (first in its notes); ``shared``
    keeps the comparison's :func:`_baseline_inputs` from one enhanced model to the next."""
    model_id, method = score["model_id"], comparison["method"]
    if model_id not in t.compute:
        row.notes.insert(0, f"no training-compute estimate for the enhanced model {model_id}")
        return
    row.values["enhanced_compute_flop"] = t.compute[model_id]["training_compute_flop"]
    models = [s["model_id"] for s in with_compute]
    if not with_compute or (method != "lower-bound" and len(set(models)) < 2):
        row.notes.insert(0, f"{len(with_compute)} baseline point(s) with compute; "
                            f"method {method} needs at least {1 if method == 'lower-bound' else 2}")
        return
    if len(set(models)) < len(models):
        row.notes.insert(0, "a baseline model has two scores in the same source and setting")
        return
    if not shared:
        shared.update(_baseline_inputs(t, comparison, with_compute, score_se))
    benchmark, owners = shared["benchmark"], shared["owners"]
    owner = t.owner(model_id)
    try:
        row.task = make_tasks(
            shared["flop"], shared["score"],
            row.values["enhanced_compute_flop"], score["score"], method=method,
            higher_is_better=bool(benchmark["higher_is_better"]),
            baseline_log10_sd=shared["log10_sd"],
            enhanced_log10_sd=compute_log10_sd(t.compute[model_id]),
            score_stderr=shared["stderr"],
            enhanced_score_stderr=score_stderr(score, benchmark, score_se),
            chance_score=chance_level(benchmark),
            perfect_score=benchmark["max_score" if benchmark["higher_is_better"] else "min_score"],
            shared_compute=owners.index(owner) if owner in owners else -1,
        )[0]
    except EstimationError as exc:
        row.notes.insert(0, str(exc))
        return
    row.score_ids = list(shared["score_ids"])
