"""``ceg_cross_family``: CEGs read along cross-family reference curves (:mod:`ceg_calc.calc.crossfamily`),
beside the within-family values of ``ceg_estimates``, never replacing them.

Rows:

- one per (comparison, enhanced score): the reference set is every non-enhanced score with a compute
  estimate on the comparison's benchmark, in its baseline setting and from its baseline source,
  whatever the family (so a ladder whose top is censored still gets a value);
- one per reasoning-trained score of Epoch AI's Benchmarking Hub runs (no comparison): the
  reference set is the hub's non-reasoning models on that benchmark at default settings, as in
  Epoch AI's own analysis of reasoning models.

The anchor (the score the gain is measured from) is the enhanced model's own score in the reference
set, else its base model's, else a sibling's with the same base model, else an assumption of
:data:`ASSUMED_ANCHORS` (named in ``compute_assumption``); without one, the absolute form uses the
model's own compute. A reference needs :data:`MIN_FAMILIES` families and :data:`MIN_POINTS` points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from ceg_calc.calc.crossfamily import fit_curve, gains
from ceg_calc.derive.plan import Tables, chance_level

TABLE = "ceg_cross_family"
MIN_FAMILIES = 3
MIN_POINTS = 4
HUB_SOURCE = "epoch2026-benchmarking-hub"
HUB_SETTING = "epoch-hub"
#: enhanced model -> (model whose score stands in for its missing base, what that assumes)
ASSUMED_ANCHORS = {"o1": ("gpt-4o", "o1 assumed to share GPT-4o's pre-training compute (Epoch AI's assumption); "
                                    "the gain is read from GPT-4o's score")}


def _references(t: Tables) -> dict:
    """(benchmark, setting, source) -> [score rows with compute], every family."""
    refs: dict = {}
    for (benchmark, setting, source, _family), scores in t.sides.items():
        refs.setdefault((benchmark, setting, source), []).extend(s for s in scores if s["model_id"] in t.compute)
    return refs


def _reference(refs: dict, key, enhancement_id, cache: dict) -> dict:
    """{model_id: score} of the reference set: the baseline setting's scores, the enhancement under study
    left out (a model's first score by id where it has several)."""
    if (key, enhancement_id) not in cache:
        out: dict = {}
        for s in sorted(refs.get(key, []), key=lambda s: s["score_id"]):
            if s.get("enhancement_id") != enhancement_id:
                out.setdefault(s["model_id"], s)
        cache[key, enhancement_id] = out
    return cache[key, enhancement_id]


def _anchor(t: Tables, model_id: str, reference: dict):
    model = t.models.get(model_id, {})
    base = model.get("base_model_id")
    if model_id in reference:
        return model_id, ""
    if base and base in reference:
        return base, f"anchored on the base model {base}"
    siblings = sorted(m for m in reference if base and t.models.get(m, {}).get("base_model_id") == base)
    if siblings:
        return siblings[0], f"anchored on {siblings[0]}, post-trained from the same base model {base}"
    if model_id in ASSUMED_ANCHORS and ASSUMED_ANCHORS[model_id][0] in reference:
        return ASSUMED_ANCHORS[model_id]
    return None, ""


def _curve(t: Tables, key, reference: dict, cache: dict):
    if key not in cache:
        rows = list(reference.values())
        families = {t.models[s["model_id"]]["family"] for s in rows}
        if len(families) < MIN_FAMILIES or len(rows) < MIN_POINTS:
            cache[key] = f"reference has {len(rows)} point(s) of {len(families)} family(ies); needs " \
                         f"{MIN_POINTS} of {MIN_FAMILIES}"
        else:
            benchmark = t.benchmarks[key[0]]
            x = [math.log10(t.compute[s["model_id"]]["training_compute_flop"]) for s in rows]
            y = [s["score"] if benchmark["higher_is_better"] else -s["score"] for s in rows]
            chance, perfect = _ends(benchmark)
            cache[key] = fit_curve(x, y, [t.models[s["model_id"]]["family"] for s in rows], chance, perfect)
    return cache[key]


def _ends(benchmark: dict):
    sign = 1.0 if benchmark["higher_is_better"] else -1.0
    perfect = benchmark["max_score" if benchmark["higher_is_better"] else "min_score"]
    return sign * chance_level(benchmark), sign * perfect


def _row(t: Tables, refs: dict, cache: dict, comparison: dict, stated, score: dict, key, asks: dict) -> dict:
    """The row of one enhanced score of ``comparison`` (``stated``: its stated CEG, :func:`published_for`);
    its gain, when there is one to read, is asked for in ``asks`` (curve key and form -> rows and
    arguments) and filled in by :func:`_read_gains`."""
    model_id = score["model_id"]
    v = {"row_id": f"{comparison.get('comparison_id') or 'epoch-hub'}.{score['score_id']}",
         "comparison_id": comparison.get("comparison_id"), "enhancement_id": comparison["enhancement_id"],
         "benchmark_id": key[0], "enhanced_model_id": model_id,
         "enhanced_family": t.models.get(model_id, {}).get("family"), "enhanced_score_id": score["score_id"],
         "enhanced_score": score["score"], "reference": "|".join(key), "evidence": "none",
         "enhanced_compute_flop": t.compute.get(model_id, {}).get("training_compute_flop")}
    if stated is not None:
        v.update(published_id=stated["published_id"], published_ceg=stated["ceg"])
    reference = _reference(refs, key, comparison["enhancement_id"], cache)
    curve_key = (*key, comparison["enhancement_id"])
    curve = _curve(t, curve_key, reference, cache)
    if isinstance(curve, str):
        v["reason"] = curve
        return v
    v.update(reference_points=curve.points, reference_families=curve.families,
             slope_logit_per_decade=curve.slope, family_sd_logit=curve.family_sd)
    benchmark = t.benchmarks[key[0]]
    sign = 1.0 if benchmark["higher_is_better"] else -1.0
    anchor, assumption = _anchor(t, model_id, reference)
    if anchor is not None:
        a = reference[anchor]
        v.update(method="cross-family-offset", anchor_model_id=anchor, anchor_score_id=a["score_id"],
                 compute_assumption=assumption or None)
        extra = (sign * a["score"], t.stderr(a))
    elif model_id in t.compute:
        v.update(method="cross-family-absolute", compute_assumption=None)
        extra = (math.log10(t.compute[model_id]["training_compute_flop"]), t.log10_sd[model_id])
    else:
        v["reason"] = f"no score of {model_id} or its base in the reference and no compute estimate"
        return v
    ask = asks.setdefault((curve_key, v["method"]), (curve, _ends(benchmark), []))
    ask[2].append((v, sign * score["score"], t.stderr(score), *extra))
    return v


def _read_gains(asks: dict) -> None:
    """Read every asked gain, one batch per curve and form (:func:`ceg_calc.calc.crossfamily.gains`)."""
    for (_key, method), (curve, (chance, perfect), asked) in asks.items():
        rows, scores, stderrs, first, second = zip(*asked)
        form = ({"anchor_score": first, "anchor_stderr": second} if method == "cross-family-offset"
                else {"own_log10": first, "own_log10_sd": second})
        out = gains(curve, scores, stderrs, chance, perfect, **form)
        for i, v in enumerate(rows):
            if not np.isfinite(out["log10_ceg"][i]):
                v["reason"] = "the reference curve does not increase with compute (slope <= 0 in over 5% of draws)"
                continue
            extrapolated = bool(out["extrapolated"][i])
            v.update(ceg=10 ** float(out["log10_ceg"][i]), ceg_low=10 ** float(out["log10_low"][i]),
                     ceg_high=10 ** float(out["log10_high"][i]), extrapolated=extrapolated,
                     evidence="extrapolated" if extrapolated else "robust-point")
            v["reason"] = "enhanced score outside the reference's score range" if extrapolated else None
            if v["enhanced_compute_flop"] is not None:
                v["effective_compute_flop"] = v["enhanced_compute_flop"] * v["ceg"]
                v["effective_compute_low_flop"] = v["enhanced_compute_flop"] * v["ceg_low"]


def cross_family(estimates: pd.DataFrame, tables: dict, resource, t: Tables | None = None) -> pd.DataFrame:
    """The ``ceg_cross_family`` table as a typed frame, sorted by ``row_id``; ``t``, when given, is
    ``Tables(tables)`` already built (a derivation reads the same tables twice)."""
    t = Tables(tables) if t is None else t
    refs, cache, rows, asks = _references(t), {}, [], {}
    for comparison in t.comparisons:
        key = (comparison["benchmark_id"], comparison["baseline_setting_id"], comparison["baseline_source_id"])
        stated, _ = t.stated(comparison)
        for score in t.side(comparison, "enhanced"):
            rows.append(_row(t, refs, cache, comparison, stated, score, key, asks))
    hub = sorted((s for (b, _st, src, _f), scores in t.sides.items() if src == HUB_SOURCE for s in scores
                  if s.get("enhancement_id") == "reasoning-training"), key=lambda s: s["score_id"])
    for score in hub:
        comparison = {"enhancement_id": "reasoning-training", "benchmark_id": score["benchmark_id"]}
        stated, _ = t.stated(comparison)
        rows.append(_row(t, refs, cache, comparison, stated, score, (score["benchmark_id"], HUB_SETTING, HUB_SOURCE),
                         asks))
    _read_gains(asks)
    within = dict(zip(zip(estimates["comparison_id"].tolist(), estimates["enhanced_model_id"].tolist()),
                      zip(estimates["ceg"].tolist(), estimates["evidence"].tolist())))
    for v in rows:
        ceg, evidence = within.get((v["comparison_id"], v["enhanced_model_id"]), (None, None))
        v["within_family_ceg"] = None if ceg is None or pd.isna(ceg) else float(ceg)
        v["within_family_evidence"] = evidence
    names = [f.name for f in resource.fields]
    frame = pd.DataFrame(rows, columns=names)
    return frame.sort_values("row_id", kind="stable").reset_index(drop=True)
