"""``ceg derive``: every comparison of the package turned into rows of ``data/ceg_estimates.csv``.

One row per (comparison, enhanced model). The inputs are read from the package only:

- baseline points: the scores of ``baseline_family`` models on the comparison's benchmark in
  ``baseline_setting_id`` from ``baseline_source_id``, each with its model's preferred compute
  estimate; enhanced scores likewise from the enhanced side;
- uncertainty: the compute estimate's bounds when it has both (read as a 90% interval), else its
  confidence tier (:mod:`ceg_calc.uncertainty`); the score's stated standard error, else the
  binomial standard error from the benchmark's number of items;
- the stated CEG (``published_estimates``) linked by the comparison's ``published_id``, or the
  one stated for the same enhancement and benchmark;
- fine-tuning fraction and inference multiplier from ``costs``.

A comparison that cannot give a number still gets its rows, with ``status`` ``none`` and the
reason. The output is sorted by key and formatted with a fixed number of significant digits, so
deriving twice gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ceg_calc.estimate import (METHOD_VERSION, EstimationError, Task, binomial_stderr, estimate_tasks,
                               failure_reason, make_tasks)
from ceg_calc.report import Problem
from ceg_calc.uncertainty import compute_log10_sd

DERIVED = "ceg_estimates"
EU_AI_ACT_FLOP = 1e25  # Regulation (EU) 2024/1689, art. 51(2)
US_EO_14110_FLOP = 1e26  # Executive Order 14110, sec. 4.2(b)(i) (revoked 2025-01-20 by EO 14148)
PETAFLOP_DAY_FLOP = 1e15 * 86_400
SIGNIFICANT_DIGITS = 6


@dataclass
class Row:
    """One output row while it is being filled."""

    values: dict
    task: Task | None = None
    method: str = ""
    notes: list = field(default_factory=list)


def _index(frame: pd.DataFrame, key: str) -> dict:
    return {k: r for k, r in zip(frame[key], frame.to_dict("records"))}


def _present(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value)) and value is not pd.NA


def _published_for(comparison, published: list):
    """The stated CEG (a record of ``published_estimates``) for the comparison, or None."""
    if _present(comparison.get("published_id")):
        match = [r for r in published if r["published_id"] == comparison["published_id"]]
    else:
        match = [r for r in published if r["enhancement_id"] == comparison["enhancement_id"]
                 and r["benchmark_id"] == comparison["benchmark_id"]]
    return min(match, key=lambda r: r["published_id"]) if match else None


def _for_model(costs: list, enhancement_id, model_id) -> list:
    """The cost records of the enhancement that hold for the model: its own and the general ones."""
    return [r for r in costs if r["enhancement_id"] == enhancement_id
            and (not _present(r["model_id"]) or r["model_id"] == model_id)]


def _cost(costs: list, enhancement_id, model_id, quantity):
    """The stated cost (a record of ``costs``) for the enhancement: a row for this model first,
    then a general one; first-hand before second-hand; then by cost_id."""
    rows = [r for r in _for_model(costs, enhancement_id, model_id) if r["quantity"] == quantity]
    if not rows:
        return None
    return min(rows, key=lambda r: (not _present(r["model_id"]), bool(r["second_hand"]), r["cost_id"]))


def _flop(row) -> float:
    return row["value"] * (PETAFLOP_DAY_FLOP if row["unit"] == "petaflop/s-day" else 1.0)


def _finetune_fraction(costs, enhancement_id, model_id):
    """Fine-tuning compute over pre-training compute, preferring first-hand figures.

    Order: a fraction stated first-hand; one computed from the fine-tuning and pre-training
    compute one first-hand source states (stages such as supervised fine-tuning then RL add
    up); a fraction stated second-hand; one computed from second-hand compute figures.
    """
    rows = _for_model(costs, enhancement_id, model_id)
    candidates = []
    for r in rows:
        if r["quantity"] == "finetune-fraction":
            value = r["value"] / (100.0 if r["unit"] == "percent" else 1.0)
            candidates.append((bool(r["second_hand"]), 0, r["cost_id"], value))
    for source_id in sorted({r["source_id"] for r in rows}):
        tuned = [r for r in rows if r["source_id"] == source_id and r["quantity"] == "finetune-compute"]
        base = [r for r in rows if r["source_id"] == source_id and r["quantity"] == "pretraining-compute"]
        if not tuned or not base:
            continue
        hand = any(bool(r["second_hand"]) for r in tuned + base)
        total = sum(_flop(r) for r in tuned)
        candidates.append((hand, 1, source_id, total / _flop(min(base, key=lambda r: r["cost_id"]))))
    return min(candidates)[3] if candidates else None


def _score_stderr(row, benchmark) -> float:
    if _present(row["score_stderr"]):
        return float(row["score_stderr"])
    scale = 100.0 if benchmark["scale"] == "percent" else 1.0
    if not _present(benchmark["n_items"]):
        return 0.0
    return float(binomial_stderr(row["score"], benchmark["n_items"], scale))


def _compute_owner(model_id, models: dict, compute: dict):
    """The model whose training run a compute estimate measures: the base model's for an
    estimate taken from the base model (``method`` ``base-model``), else the model's own."""
    base = models.get(model_id, {}).get("base_model_id")
    return base if compute[model_id]["method"] == "base-model" and _present(base) else model_id


def _shared_point(model_id, baseline_ids, models: dict, compute: dict) -> int:
    """Index of the baseline model whose compute is the same quantity as ``model_id``'s, or -1."""
    owners = [_compute_owner(m, models, compute) for m in baseline_ids]
    owner = _compute_owner(model_id, models, compute)
    return owners.index(owner) if owner in owners else -1


class _Groups:
    """The rows of a table (as records) by the values of ``keys``, grouped once: each comparison
    then looks its rows up instead of scanning the whole table, which made assembly grow with
    comparisons x rows, and plain records instead of pandas selections on every comparison,
    which cost milliseconds each."""

    def __init__(self, frame: pd.DataFrame, keys: list):
        self.groups: dict = {}
        for record in frame.to_dict("records"):
            self.groups.setdefault(tuple(record[k] for k in keys), []).append(record)

    def get(self, *key) -> list:
        return self.groups.get(key, [])


class _Costs:
    """Fine-tuning fraction and inference multiplier of (enhancement, model), looked up once
    per pair (many comparisons share one)."""

    def __init__(self, costs: pd.DataFrame):
        self.by_enhancement = _Groups(costs, ["enhancement_id"])
        self.known: dict = {}

    def of(self, enhancement_id, model_id) -> tuple:
        key = (enhancement_id, model_id)
        if key not in self.known:
            costs = self.by_enhancement.get(enhancement_id)
            inference = _cost(costs, enhancement_id, model_id, "inference-multiplier")
            self.known[key] = (_finetune_fraction(costs, enhancement_id, model_id),
                               None if inference is None else inference["value"])
        return self.known[key]


def _side(scores: _Groups, models, comparison, side) -> list:
    """The score records of one side of a comparison, sorted by model and score id."""
    family = comparison[f"{side}_family"]
    chosen = scores.get(comparison["benchmark_id"], comparison[f"{side}_setting_id"],
                        comparison[f"{side}_source_id"])
    return sorted((r for r in chosen if models.get(r["model_id"], {}).get("family") == family),
                  key=lambda r: (r["model_id"], r["score_id"]))


def _plan(loaded) -> list[Row]:
    """One :class:`Row` per (comparison, enhanced model), with the estimation task where one exists."""
    t = loaded.tables
    models = _index(t["models"], "model_id")
    benchmarks = _index(t["benchmarks"], "benchmark_id")
    enhancements = _index(t["enhancements"], "enhancement_id")
    preferred = t["compute_estimates"][t["compute_estimates"]["preferred"].astype(bool)]
    compute = _index(preferred, "model_id")
    scores = _Groups(t["benchmark_scores"], ["benchmark_id", "setting_id", "source_id"])
    costs = _Costs(t["costs"])
    published = t["published_estimates"].to_dict("records")

    rows = []
    for comparison in t["comparisons"].sort_values("comparison_id").to_dict("records"):
        benchmark = benchmarks[comparison["benchmark_id"]]
        baseline = _side(scores, models, comparison, "baseline")
        enhanced = _side(scores, models, comparison, "enhanced")
        stated = _published_for(comparison, published)
        with_compute = [r for r in baseline if r["model_id"] in compute]
        baseline_ids = [r["model_id"] for r in with_compute]
        missing = sorted({r["model_id"] for r in baseline} - set(compute))
        method = comparison["method"]
        for score in enhanced:
            model_id = score["model_id"]
            values = {
                "comparison_id": comparison["comparison_id"], "enhanced_model_id": model_id,
                "enhancement_id": comparison["enhancement_id"], "benchmark_id": comparison["benchmark_id"],
                "category": enhancements[comparison["enhancement_id"]]["category"],
                "method": method, "method_version": METHOD_VERSION, "enhanced_score": score["score"],
                "baseline_family": comparison["baseline_family"], "baseline_points": len(with_compute),
                "baseline_score_ids": " ".join(sorted(r["score_id"] for r in with_compute)),
                "enhanced_score_id": score["score_id"],
            }
            values["finetune_fraction"], values["inference_multiplier"] = costs.of(comparison["enhancement_id"],
                                                                                  model_id)
            if stated is not None:
                values.update(published_ceg=stated["ceg"], published_form=stated["form"],
                              published_id=stated["published_id"])
            if with_compute:
                flops = np.array([compute[m]["training_compute_flop"] for m in baseline_ids], dtype=float)
                values["baseline_compute_min_flop"] = float(flops.min())
                values["baseline_compute_max_flop"] = float(flops.max())
            row = Row(values, method=method)
            if missing:
                row.notes.append("baseline models without a compute estimate left out: " + ", ".join(missing))
            rows.append(row)
            if model_id not in compute:
                row.notes.insert(0, f"no training-compute estimate for the enhanced model {model_id}")
                continue
            values["enhanced_compute_flop"] = compute[model_id]["training_compute_flop"]
            if not with_compute or (method != "lower-bound" and len(set(baseline_ids)) < 2):
                row.notes.insert(0, f"{len(with_compute)} baseline point(s) with compute; "
                                    f"method {method} needs at least {1 if method == 'lower-bound' else 2}")
                continue
            if len(set(baseline_ids)) < len(baseline_ids):
                row.notes.insert(0, "a baseline model has two scores in the same source and setting")
                continue
            try:
                row.task = make_tasks(
                    flops, np.array([r["score"] for r in with_compute], dtype=float),
                    values["enhanced_compute_flop"], score["score"], method=method,
                    higher_is_better=bool(benchmark["higher_is_better"]),
                    baseline_log10_sd=[compute_log10_sd(compute[m]) for m in baseline_ids],
                    enhanced_log10_sd=compute_log10_sd(compute[model_id]),
                    score_stderr=[_score_stderr(r, benchmark) for r in with_compute],
                    enhanced_score_stderr=_score_stderr(score, benchmark),
                    chance_score=benchmark["chance_score"] if _present(benchmark["chance_score"]) else None,
                    perfect_score=benchmark["max_score" if benchmark["higher_is_better"] else "min_score"],
                    shared_compute=_shared_point(model_id, baseline_ids, models, compute),
                )[0]
            except EstimationError as exc:
                row.notes.insert(0, str(exc))
    return rows


def derive_frame(loaded, draws: int = 10_000, seed: int = 0) -> pd.DataFrame:
    """The derived table as a typed frame, one row per (comparison, enhanced model), sorted by key."""
    rows = _plan(loaded)
    groups: dict = {}
    for row in rows:
        if row.task is not None:
            groups.setdefault((row.method, row.task.x.size), []).append(row)
    for (method, _), group in sorted(groups.items()):
        out = estimate_tasks([r.task for r in group], method, draws=draws, seed=seed)
        for i, row in enumerate(group):
            if not out["identified"][i]:
                row.notes.insert(0, failure_reason(method, row.task))
                continue
            v = row.values
            v["ceg"] = 10.0 ** out["log10_ceg"][i]
            v["ceg_low"] = 10.0 ** out["log10_low"][i]
            v["ceg_high"] = 10.0 ** out["log10_high"][i]
            v["equivalent_compute_flop"] = 10.0 ** out["xprime"][i]
            v["extrapolated"] = bool(out["extrapolated"][i])
            v["is_lower_bound"] = method == "lower-bound"
            if v["extrapolated"]:
                row.notes.append("extrapolated beyond the baseline's scores")
    # Combined comparisons: the product of the component CEGs for the same enhanced model.
    by_key = {(r.values["comparison_id"], r.values["enhanced_model_id"]): r.values for r in rows}
    components = loaded.tables["comparison_components"]
    for comparison_id, group in components.groupby("comparison_id", sort=True):
        for (cid, model_id), values in by_key.items():
            if cid != comparison_id:
                continue
            parts = [by_key.get((c, model_id), {}).get("ceg") for c in group["component_comparison_id"]]
            if parts and all(p is not None for p in parts):
                values["component_ceg_product"] = float(np.prod(parts))
    for row in rows:
        v = row.values
        v["status"] = ("none" if v.get("ceg") is None else "lower-bound" if v.get("is_lower_bound")
                       else "estimated")
        v["reason"] = "; ".join(row.notes)
        if v.get("ceg") is not None:
            v["effective_compute_flop"] = v["enhanced_compute_flop"] * v["ceg"]
            own = v["enhanced_compute_flop"]
            v["crosses_eu_1e25"] = bool(own < EU_AI_ACT_FLOP <= v["effective_compute_flop"])
            v["crosses_us_1e26"] = bool(own < US_EO_14110_FLOP <= v["effective_compute_flop"])
    resource = loaded.package.resource(DERIVED)
    names = [f.name for f in resource.fields]
    frame = pd.DataFrame([r.values for r in rows], columns=names)
    return frame.sort_values(["comparison_id", "enhanced_model_id"], kind="stable").reset_index(drop=True)


def _cell(value, kind: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "number":
        return format(float(value), f".{SIGNIFICANT_DIGITS}g")
    if kind == "integer":
        return str(int(value))
    return str(value)


def format_rows(frame: pd.DataFrame, resource) -> list[list[str]]:
    """Cells as written to the CSV (fixed significant digits, ``true``/``false``, blank for missing)."""
    kinds = [f.type for f in resource.fields]
    names = [f.name for f in resource.fields]
    return [[_cell(v, k) for v, k in zip(row, kinds)] for row in frame[names].itertuples(index=False)]


def render_csv(frame: pd.DataFrame, resource) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([f.name for f in resource.fields])
    writer.writerows(format_rows(frame, resource))
    return buffer.getvalue()


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder: all or nothing."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _source_tables(root):
    """The package's typed tables, validated unless the sources are those the last derivation
    validated (:func:`ceg_calc.fingerprint.sources_are_unchanged`); then only read and typed."""
    from ceg_calc.fingerprint import derived_paths, sources_are_unchanged
    from ceg_calc.package import DataPackage
    from ceg_calc.validate import load_package, read_valid_tables

    package = DataPackage(root)
    if sources_are_unchanged(package):
        loaded = load_package(package)
        skip = derived_paths(package)
        if all(p.file in skip for p in loaded.report.problems):
            return loaded
    return read_valid_tables(root, skip=(DERIVED,))


def derive_package(root: str | Path = ".", draws: int = 10_000, seed: int = 0) -> tuple[Path, pd.DataFrame]:
    """Derive ``data/ceg_estimates.csv`` of the package at ``root`` and write it atomically.

    Raises
    ------
    ValidationFailed
        When the package's source tables do not pass validation (nothing is written).
    """
    loaded = _source_tables(root)
    frame = derive_frame(loaded, draws=draws, seed=seed)
    resource = loaded.package.resource(DERIVED)
    path = loaded.package.root / resource.path
    write_atomic(path, render_csv(frame, resource))
    from ceg_calc.fingerprint import write_fingerprint

    write_fingerprint(loaded.package, draws, seed)  # written last: it vouches for the tables above
    return path, frame


def drift_problems(loaded) -> list[Problem]:
    """Differences between the committed derived table and a fresh derivation, cell by cell."""
    resource = loaded.package.resource(DERIVED)
    fresh = derive_frame(loaded)
    names = [f.name for f in resource.fields]
    derived = {tuple(r[:2]): r for r in format_rows(fresh, resource)}
    committed_frame = loaded.tables[DERIVED]
    committed = format_rows(committed_frame, resource)
    lines = loaded.lines[DERIVED]
    file = resource.path
    problems = []
    seen = set()
    for line, row in zip(lines, committed):
        key = tuple(row[:2])
        seen.add(key)
        if key not in derived:
            problems.append(Problem(file, int(line), "comparison_id", "drift",
                                    f"row {key[0]} / {key[1]} is not produced by a fresh derivation; run `ceg derive`"))
            continue
        for name, old, new in zip(names, row, derived[key]):
            if old != new:
                problems.append(Problem(file, int(line), name, "drift",
                                        f"published {old or '(blank)'}, derived {new or '(blank)'}; run `ceg derive`"))
    last = int(lines[-1]) + 1 if len(lines) else 2
    for key in sorted(set(derived) - seen):
        problems.append(Problem(file, last, "comparison_id", "drift",
                                f"derived row {key[0]} / {key[1]} is missing; run `ceg derive`"))
    return problems
