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
from functools import cached_property

import numpy as np
import pandas as pd

from ceg_calc.calc.policy import DERIVE_POLICY, METHOD_VERSION
from ceg_calc.calc.tasks import EstimationError, Task, agresti_coull_stderr, binomial_stderr, make_tasks
from ceg_calc.calc.uncertainty import compute_log10_sd
from ceg_calc.core.arrow import column_values
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
    """The rows as dictionaries, a missing value as None (read column by column, :func:`~ceg_calc.core.arrow.column_values`)."""
    names = list(frame.columns)
    return [dict(zip(names, values)) for values in zip(*(column_values(frame[name]) for name in names))]


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


def score_stderrs(scores: list[dict], benchmarks: list[dict], interval: str = DERIVE_POLICY.score_se) -> list[float]:
    """Each score's stated standard error, else the binomial one from its benchmark's number of
    items (``interval``: ``agresti-coull`` since method version 4, never 0 at 0% or 100%; ``wald``
    before), else 0 (unknown: the benchmark states no number of items). ``benchmarks`` holds the
    benchmark of each score; the binomial ones are computed in one array call."""
    n_items = [b.get("n_items") for b in benchmarks]
    binomial = SCORE_SE[interval](np.array([s["score"] for s in scores], dtype=float),
                                  np.array([np.nan if n is None else n for n in n_items], dtype=float),
                                  np.array([100.0 if b.get("scale") == "percent" else 1.0 for b in benchmarks]))
    return [float(s["score_stderr"]) if s.get("score_stderr") is not None else 0.0 if n is None else se
            for s, n, se in zip(scores, n_items, binomial.tolist())]


def score_stderr(row: dict, benchmark: dict, interval: str = DERIVE_POLICY.score_se) -> float:
    """:func:`score_stderrs` of one score."""
    return score_stderrs([row], [benchmark], interval)[0]


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
        self.log10_sd = {m: compute_log10_sd(c) for m, c in self.compute.items()}
        self.scores = sorted(_records(tables["benchmark_scores"]), key=lambda s: (s["model_id"], s["score_id"]))
        self.sides: dict = {}
        for s in self.scores:
            family = self.models.get(s["model_id"], {}).get("family")
            self.sides.setdefault((s["benchmark_id"], s["setting_id"], s["source_id"], family), []).append(s)
        self._tables = tables
        self.published = _records(tables["published_estimates"])
        self.comparisons = sorted(_records(tables["comparisons"]), key=lambda c: c["comparison_id"])
        self._stderrs: dict = {}
        self._stated: dict = {}

    @cached_property
    def cumulative(self) -> pd.DataFrame:
        """The ``cumulative_compute`` table of these tables (the plan's shares and the derivation's
        own table both read it)."""
        return cumulative_compute(self._tables)

    @cached_property
    def costs(self) -> dict:
        """Enhancement id -> its rows of ``costs`` and the shares of ``cumulative_compute`` (built
        when first asked: the cross-family table needs none)."""
        costs: dict = {}
        for c in _records(self._tables["costs"]) + ledger_fractions(self.cumulative):
            costs.setdefault(c["enhancement_id"], []).append(c)
        return costs

    def side(self, comparison: dict, side: str) -> list[dict]:
        return self.sides.get((comparison["benchmark_id"], comparison[f"{side}_setting_id"],
                               comparison[f"{side}_source_id"], comparison[f"{side}_family"]), [])

    def owner(self, model_id):
        """The model whose training run a compute estimate measures (the base model's for ``base-model``)."""
        base = self.models.get(model_id, {}).get("base_model_id")
        return base if self.compute[model_id]["method"] == "base-model" and base else model_id

    def stated(self, comparison: dict):
        """:func:`published_for` of ``comparison`` against ``published``, once per benchmark, linked
        stated CEG and enhancement (all that it reads of the comparison)."""
        key = (comparison["benchmark_id"], comparison.get("published_id"), comparison["enhancement_id"])
        if key not in self._stated:
            self._stated[key] = published_for(comparison, self.published)
        return self._stated[key]

    def stderr(self, score: dict, interval: str = DERIVE_POLICY.score_se) -> float:
        """:func:`score_stderr` of a score of ``benchmark_scores``, from one :func:`score_stderrs`
        call over every score per ``interval``."""
        if interval not in self._stderrs:
            values = score_stderrs(self.scores, [self.benchmarks.get(s["benchmark_id"], {}) for s in self.scores],
                                   interval)
            self._stderrs[interval] = {s["score_id"]: v for s, v in zip(self.scores, values)}
        return self._stderrs[interval][score["score_id"]]


def plan(loaded, score_se: str = DERIVE_POLICY.score_se, t: Tables | None = None) -> list[Row]:
    """One :class:`Row` per (comparison, enhanced model), with the estimation task where one exists;
    ``score_se`` names the binomial standard error of scores without a stated one (:data:`SCORE_SE`);
    ``t``, when given, is ``Tables(loaded.tables)`` already built."""
    t = Tables(loaded.tables) if t is None else t
    rows, fractions = [], {}
    for comparison in t.comparisons:
        stated, stated_note = t.stated(comparison)
        baseline = t.side(comparison, "baseline")
        with_compute = [s for s in baseline if s["model_id"] in t.compute]
        missing = sorted({s["model_id"] for s in baseline} - set(t.compute))
        costs = t.costs.get(comparison["enhancement_id"], [])
        enhanced = t.side(comparison, "enhanced")
        shared = _comparison_values(t, comparison, with_compute, stated)
        own = []
        for score in enhanced:
            key = (comparison["enhancement_id"], score["model_id"])
            if key not in fractions:
                fractions[key] = finetune_fractions(costs, score["model_id"])
            row = _row(comparison, score, shared, costs, fractions[key])
            if stated_note:
                row.notes.append(stated_note)
            if missing:
                row.notes.append("baseline models without a compute estimate left out: " + ", ".join(missing))
            own.append(row)
        _add_tasks(t, comparison, own, enhanced, with_compute, score_se)
        rows += own
    return rows


def _comparison_values(t: Tables, comparison: dict, with_compute: list, stated) -> dict:
    """The values every row of ``comparison`` shares (``stated``: its stated CEG, :func:`published_for`)."""
    values = {
        "comparison_id": comparison["comparison_id"], "enhancement_id": comparison["enhancement_id"],
        "benchmark_id": comparison["benchmark_id"],
        "category": t.enhancements[comparison["enhancement_id"]]["category"],
        "method": comparison["method"], "method_version": METHOD_VERSION,
        "baseline_family": comparison["baseline_family"], "baseline_points": len(with_compute),
        "baseline_score_ids": " ".join(sorted(s["score_id"] for s in with_compute)),
    }
    if stated is not None:
        values.update(published_ceg=stated["ceg"], published_form=stated["form"], published_id=stated["published_id"])
    if with_compute:
        flops = [t.compute[s["model_id"]]["training_compute_flop"] for s in with_compute]
        values["baseline_compute_min_flop"] = float(min(flops))
        values["baseline_compute_max_flop"] = float(max(flops))
    return values


def _row(comparison: dict, score: dict, shared: dict, costs: list, fractions: tuple) -> Row:
    """The row of one enhanced score: the comparison's ``shared`` values (:func:`_comparison_values`)
    and the model's own; ``fractions`` is :func:`finetune_fractions` of its model."""
    model_id = score["model_id"]
    own_costs = costs_for(costs, model_id, comparison["benchmark_id"], comparison["enhanced_setting_id"])
    fraction, fraction_second_hand, fraction_model = fractions
    values = dict(shared, enhanced_model_id=model_id, enhanced_score=score["score"],
                  enhanced_score_id=score["score_id"], finetune_fraction=fraction,
                  finetune_fraction_second_hand=fraction_second_hand,
                  inference_multiplier=inference_multiplier(own_costs))
    row = Row(values, method=comparison["method"])
    if fraction_model:
        row.notes.append(f"fine-tuning fraction from the first-hand figures for {fraction_model}")
    return row


def _add_tasks(t: Tables, comparison: dict, rows: list, scores: list, with_compute: list, score_se: str) -> None:
    """The estimation task of each of a comparison's ``rows`` (one per enhanced score of ``scores``),
    or the reason a row has none (first in its notes).

    The rows share the baseline, so their tasks come from one :func:`make_tasks` call; when it
    refuses, each model is asked alone, so that a reason lands only on the rows it concerns.
    """
    method = comparison["method"]
    todo = []
    for row, score in zip(rows, scores):
        if score["model_id"] not in t.compute:
            row.notes.insert(0, f"no training-compute estimate for the enhanced model {score['model_id']}")
        else:
            row.values["enhanced_compute_flop"] = t.compute[score["model_id"]]["training_compute_flop"]
            todo.append((row, score))
    models = [s["model_id"] for s in with_compute]
    reason = ""
    if not with_compute or (method != "lower-bound" and len(set(models)) < 2):
        reason = (f"{len(with_compute)} baseline point(s) with compute; "
                  f"method {method} needs at least {1 if method == 'lower-bound' else 2}")
    elif len(set(models)) < len(models):
        reason = "a baseline model has two scores in the same source and setting"
    if reason or not todo:
        for row, _ in todo:
            row.notes.insert(0, reason)
        return
    benchmark = t.benchmarks[comparison["benchmark_id"]]
    owners = [t.owner(m) for m in models]
    baseline = dict(
        baseline_flop=[t.compute[m]["training_compute_flop"] for m in models],
        baseline_score=[s["score"] for s in with_compute], method=method,
        higher_is_better=bool(benchmark["higher_is_better"]),
        baseline_log10_sd=[t.log10_sd[m] for m in models],
        score_stderr=[t.stderr(s, score_se) for s in with_compute],
        chance_score=chance_level(benchmark),
        perfect_score=benchmark["max_score" if benchmark["higher_is_better"] else "min_score"])

    def tasks(part: list) -> list:
        owned = [t.owner(s["model_id"]) for _, s in part]
        return make_tasks(enhanced_flop=[row.values["enhanced_compute_flop"] for row, _ in part],
                          enhanced_score=[s["score"] for _, s in part],
                          enhanced_log10_sd=[t.log10_sd[s["model_id"]] for _, s in part],
                          enhanced_score_stderr=[t.stderr(s, score_se) for _, s in part],
                          shared_compute=[owners.index(o) if o in owners else -1 for o in owned], **baseline)

    try:
        made = tasks(todo)
    except EstimationError:
        made = []
        for item in todo:
            try:
                made += tasks([item])
            except EstimationError as exc:
                item[0].notes.insert(0, str(exc))
                made.append(None)
    # the task's points are sorted by compute, then oriented score: the same order for the ids
    sign = 1.0 if benchmark["higher_is_better"] else -1.0
    order = sorted(range(len(models)), key=lambda i: (math.log10(t.compute[models[i]]["training_compute_flop"]),
                                                        sign * with_compute[i]["score"]))
    for (row, _), task in zip(todo, made):
        if task is not None:
            row.task = task
            row.score_ids = [with_compute[i]["score_id"] for i in order]
