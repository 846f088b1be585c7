"""``ceg summary``: what the package holds, how robust its CEGs are, the survey's headline
re-derived (with the censoring that biases it), and which comparisons give no CEG and why; and
the README's headline section, written from the derived tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ceg_calc.calc.policy import METHOD_VERSION
from ceg_calc.derive.names import EVIDENCE
from ceg_calc.derive.summary import figure, headline
from ceg_calc.gate.checks import read_valid_tables

ROBUST = ("robust-point", "robust-bound", "censored-top")


def _interval(row) -> str:
    """A representative CEG as the reader should quote it: rounded down, its interval outwards."""
    at_least = "≥ " if row["bound_cells"] else ""
    return (f"{at_least}{figure(row['representative_ceg'], 'down')} "
            f"({figure(row['representative_ceg_low'], 'down')}–{figure(row['representative_ceg_high'], 'up')})")


def headline_sentence(summary: pd.DataFrame, estimates: pd.DataFrame | None = None) -> str:
    """Whether the data support "most enhancements > 5x, some > 20x", in one sentence with counts
    from the representative CEGs, the censoring that biases them, and, given ``estimates``, how
    large the typical robust point estimate is beside it."""
    h = headline(summary)
    verdict = ("support" if h["most_above_5"] and h["some_above_20"] else "do not support")
    text = (f"Of {h['enhancements']} enhancements, {h['with_robust_evidence']} have robust evidence (a benchmark x "
            f"baseline-family cell with a robust point, a lower bound above 1 or a censored top); the representative "
            f"CEG (median over cells, each counted once) exceeds 5x for {h['above_5']} of them and 20x for "
            f"{h['above_20']} (the lower end of its bootstrap interval: {h['low_above_5']} and {h['low_above_20']}). "
            f"The data {verdict} \"most enhancements > 5x, some > 20x\" read that way. {h['censored_cells']} of "
            f"{h['cells']} cells are censored at the top (the enhanced model beats its family's largest model, so its "
            f"gain is not measurable within the family); they count at their floor, so the medians are biased low.")
    if estimates is not None:
        points = estimates.loc[estimates["evidence"] == "robust-point", "ceg"].astype(float)
        if len(points):
            text += (f" Robust points alone: the {len(points)} robust point estimates have a median of "
                     f"{figure(points.median())}; {figure(100 * (points > 5).mean(), 'down', 2)}% exceed 5x and "
                     f"{figure(100 * (points > 20).mean(), 'down', 2)}% exceed 20x.")
    return text


def _name(row, names: dict) -> str:
    if isinstance(row["components"], str) and row["components"]:
        return " + ".join(names[c] for c in row["components"].split())
    return names[row["enhancement_id"]]


def readme_headline(tables: dict) -> str:
    """The README's headline section body (between its markers), written from the derived tables:
    every number a reader may quote is read from ``enhancement_summary``, ``ceg_estimates`` or
    ``ceg_scale`` and rounded against the reader's favour (:func:`ceg_calc.derive.summary.figure`)."""
    summary, estimates, scale = tables["enhancement_summary"], tables["ceg_estimates"], tables["ceg_scale"]
    names = dict(zip(tables["enhancements"]["enhancement_id"], tables["enhancements"]["name"]))
    h = headline(summary)
    judged = summary[summary["representative_ceg"].notna()].sort_values(
        ["representative_ceg", "summary_id"], ascending=[False, True])
    lines = [
        f"As derived now (method version {METHOD_VERSION}; {len(estimates):,} rows from "
        f"{len(tables['comparisons']):,} comparisons), of {h['enhancements']} enhancements {h['with_robust_evidence']} "
        f"have robust evidence. One number per enhancement, which no single row can decide: the **representative "
        f"CEG**, the median over its (benchmark × baseline family) cells of each cell's robust value, each cell "
        f"counted once, with a bootstrap 90% interval over cells. It exceeds 5× for **{h['above_5']}** of the "
        f"{h['with_robust_evidence']} and 20× for **{h['above_20']}**; the lower end of its interval exceeds 5× for "
        f"{h['low_above_5']} and 20× for {h['low_above_20']}. So the data "
        f"{'support' if h['most_above_5'] and h['some_above_20'] else 'do not support'} \"most enhancements > 5×, "
        f"some > 20×\" as a statement about typical gains.",
        "",
        "| enhancement | representative CEG (90% interval) | cells | censored cells | median with censored cells "
        "above all | cells > 5× | cells > 20× | strongest single figure (5th percentile) | its row |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for _, r in judged.iterrows():
        strongest = ("–" if pd.isna(r["strongest_ceg"]) else
                     f"{figure(r['strongest_ceg'], 'down')} ({figure(r['strongest_ceg_low'], 'down')})")
        row_id = ("–" if pd.isna(r["strongest_comparison_id"]) else
                  f"`{r['strongest_comparison_id']}` / `{r['strongest_enhanced_model_id']}`")
        high = ("–" if not r["censored_cells"] else "unbounded" if pd.isna(r["representative_ceg_censored_high"])
                else figure(r['representative_ceg_censored_high'], 'down'))
        lines.append(f"| {_name(r, names)} | {_interval(r)} | {r['cells']} | {r['censored_cells']} | {high} | "
                     f"{figure(100 * r['share_cells_above_5'], 'down', 2)}% | "
                     f"{figure(100 * r['share_cells_above_20'], 'down', 2)}% | {strongest} | {row_id} |")
    points = estimates.loc[estimates["evidence"] == "robust-point", "ceg"].astype(float)
    extrapolated = int((estimates["evidence"] == "extrapolated").sum())
    flagged = int((estimates["crosses_eu_1e25"].fillna(False).astype(bool)
                   | estimates["crosses_us_1e26"].fillna(False).astype(bool)).sum())
    trend = scale["trend"].value_counts()
    lines += [
        "",
        f"Bound and censored cells count at their lower value, so those figures read \"at least\" (≥). "
        f"**{h['censored_cells']} of {h['cells']} cells are censored at the top**: the enhanced model, at or above "
        f"the compute of its family's largest model, beats it beyond noise, so its gain is above the ladder and "
        f"not measurable within the family (`evidence = censored-top`). Counted at their floor (a CEG of 1 for a "
        f"model compared with itself) they pull every median down, most for enhancements tried on the largest "
        f"models: `representative_ceg_censored_high` gives the median with them placed above every other value, "
        f"blank where that is unbounded (half the cells or more censored). Combined comparisons (components in "
        f"`comparison_components`) are summarised as the combination, never credited to one component. The strongest "
        f"single figure of each row is the robust point or bound with the largest 5th percentile; quote it only "
        f"with that percentile and its row. The {len(points)} robust point estimates have a median of "
        f"{figure(points.median())}; {figure(100 * (points > 5).mean(), 'down', 2)}% exceed 5× and "
        f"{figure(100 * (points > 20).mean(), 'down', 2)}% exceed 20×. Extrapolated points ({extrapolated}) never "
        f"count, and {'no row crosses' if flagged == 0 else '1 row crosses' if flagged == 1 else f'{flagged} rows cross'}"
        f" the EU or US compute threshold at the low end of {'their' if flagged > 1 else 'its'} interval. Whether gains shrink or grow with scale (`ceg_scale`, "
        f"{len(scale)} comparisons with three or more sizes): {int(trend.get('grows', 0))} slopes are positive "
        f"beyond their 90% interval, {int(trend.get('shrinks', 0))} negative, {int(trend.get('unclear', 0))} "
        f"unclear.",
    ]
    return "\n".join(lines) + "\n"


def markdown_table(frame: pd.DataFrame) -> str:
    """``frame`` as a Markdown table: a header, a rule and one line per row, values as ``str``."""
    head = "| " + " | ".join(frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
    return "\n".join([head, rule, *body])


def _table(frame: pd.DataFrame, markdown: bool) -> str:
    return markdown_table(frame) if markdown else frame.to_string(index=False)


def _representatives(summary: pd.DataFrame) -> pd.DataFrame:
    """Per summary row with cells: the representative CEG as a reader should quote it, its cells, the
    censored ones, and the median with them above every other value (what the censoring does)."""
    rows = summary[summary["cells"] > 0].sort_values(["representative_ceg", "summary_id"], ascending=[False, True])
    return pd.DataFrame({
        "summary": rows["summary_id"], "representative (90%)": [_interval(r) for _, r in rows.iterrows()],
        "cells": rows["cells"], "censored": rows["censored_cells"],
        "censored above all": ["–" if not r["censored_cells"] else "unbounded"
                               if pd.isna(r["representative_ceg_censored_high"])
                               else figure(r["representative_ceg_censored_high"], "down")
                               for _, r in rows.iterrows()]}).reset_index(drop=True)


OBSSCALING_SOURCES = ("ruan2024-obsscaling", "ruan2024-obsscaling-data")


def readme_counts(tables: dict) -> str:
    """The README's counts paragraph ("What is in the package", between its markers), from the tables."""
    comparisons, ladders = tables["comparisons"], _ladders(tables)
    scores = tables["benchmark_scores"]
    obsscaling = _ladders({**tables, "benchmark_scores": scores[scores["source_id"].isin(OBSSCALING_SOURCES)]})
    one_harness = int((obsscaling["sizes"] >= 3).sum())
    return (f"{len(comparisons):,} comparisons of {comparisons['enhancement_id'].nunique()} enhancements "
            f"({len(tables['enhancements'])} in the table) over {len(tables['models']):,} models "
            f"({len(scores):,} scores, {len(tables['compute_estimates']):,} compute estimates), giving "
            f"{len(tables['ceg_estimates']):,} derived CEG rows; {int((ladders['sizes'] >= 3).sum())} model families "
            f"have three or more sizes with both scores and compute, {one_harness} of them with three or more in "
            f"the one-harness evaluation results of Observational Scaling Laws "
            f"([docs/obsscaling.md](docs/obsscaling.md)).\n")


def _ladders(t: dict) -> pd.DataFrame:
    """Per family: base (non-enhanced) models with a score and a preferred compute estimate."""
    preferred = set(t["compute_estimates"].loc[t["compute_estimates"]["preferred"].astype(bool), "model_id"])
    models = t["models"][~t["models"]["enhanced"].astype(bool)]
    ready = models[models["model_id"].isin(preferred & set(t["benchmark_scores"]["model_id"]))]
    out = ready.groupby("family")["model_id"].nunique().rename("sizes").reset_index()
    return out.sort_values(["sizes", "family"], ascending=[False, True], ignore_index=True)


def summarise(root: str | Path = ".", markdown: bool = False) -> str:
    """A text (or Markdown) summary of the package at ``root``, computed from its tables."""
    t = read_valid_tables(root).tables
    counts = pd.DataFrame({"table": list(t), "rows": [len(f) for f in t.values()]})
    enh = t["enhancements"]
    per_enh = []
    for row in enh.sort_values(["category", "enhancement_id"]).itertuples():
        est = t["ceg_estimates"][t["ceg_estimates"]["enhancement_id"] == row.enhancement_id]
        per_enh.append({
            "category": row.category, "enhancement": row.enhancement_id,
            "scores": int((t["benchmark_scores"]["enhancement_id"] == row.enhancement_id).sum()),
            "comparisons": int((t["comparisons"]["enhancement_id"] == row.enhancement_id).sum()),
            "ceg_rows": len(est), "with_value": int((est["status"] != "none").sum()),
            "robust": int(est["evidence"].isin(ROBUST).sum()),
            "costs": int((t["costs"]["enhancement_id"] == row.enhancement_id).sum()),
            "stated": int((t["published_estimates"]["enhancement_id"] == row.enhancement_id).sum()),
        })
    per_enh = pd.DataFrame(per_enh)
    per_cat = per_enh.groupby("category", as_index=False)[["scores", "comparisons", "ceg_rows", "with_value",
                                                          "robust", "costs", "stated"]].sum()
    evidence = (t["ceg_estimates"]["evidence"].value_counts().reindex(EVIDENCE, fill_value=0)
                .rename_axis("evidence").reset_index(name="rows"))
    none = t["ceg_estimates"][t["ceg_estimates"]["status"] == "none"]
    reasons = (none.assign(reason=none["reason"].str.split(";").str[0])
               .groupby("comparison_id")["reason"].agg(lambda r: "; ".join(sorted(set(r)))).reset_index())
    ladders = _ladders(t)
    representative = _representatives(t["enhancement_summary"])
    cross = t["ceg_cross_family"]
    cross_counts = (cross.groupby(["method", "evidence"], dropna=False).size().reset_index(name="rows")
                    .fillna({"method": "(no value)"}))
    heading = (lambda s: f"### {s}") if markdown else (lambda s: f"{s}\n{'-' * len(s)}")
    parts = [heading("Rows per table"), _table(counts, markdown),
             heading(f"Evidence (method version {METHOD_VERSION})"), _table(evidence, markdown),
             heading(f"Cross-family reference curves ({int(cross['ceg'].notna().sum())} of {len(cross)} rows "
                     "with a value)"), _table(cross_counts, markdown),
             heading("The survey's headline"), headline_sentence(t["enhancement_summary"], t["ceg_estimates"]),
             heading("Representative CEG per enhancement and combination (censored cells count at their floor)"),
             _table(representative, markdown),
             heading("Per category"), _table(per_cat, markdown),
             heading("Per enhancement"), _table(per_enh, markdown),
             heading(f"Ladders: {int((ladders['sizes'] >= 3).sum())} families with three or more base models "
                     "that have scores and compute"), _table(ladders, markdown),
             heading(f"Comparison rows without a CEG ({len(none)} rows in {len(reasons)} comparisons)"),
             _table(reasons, markdown)]
    return "\n\n".join(parts) + "\n"
