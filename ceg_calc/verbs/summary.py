"""``ceg summary``: what the package holds, how robust its CEGs are, the survey's headline
re-derived, and which comparisons give no CEG and why."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ceg_calc.derive.names import EVIDENCE
from ceg_calc.derive.summary import headline
from ceg_calc.gate.checks import read_valid_tables


def headline_sentence(summary: pd.DataFrame, estimates: pd.DataFrame | None = None) -> str:
    """Whether the data support "most enhancements > 5x, some > 20x", in one sentence with counts,
    and, given ``estimates``, how large the typical robust point estimate is beside it."""
    h = headline(summary)
    verdict = ("support" if h["most_above_5"] and h["some_above_20"] else "do not support")
    text = (f"Of {h['enhancements']} enhancements, {h['with_robust_evidence']} have robust evidence (a robust point "
            f"or a lower bound above 1); {h['above_5']} of them show more than 5x and {h['above_20']} more than 20x "
            f"(median robust point or largest lower bound). The data {verdict} \"most enhancements > 5x, some > 20x\" "
            f"for the enhancements with robust evidence, read as each one's best robust figure.")
    if estimates is not None:
        points = estimates.loc[estimates["evidence"] == "robust-point", "ceg"].astype(float)
        if len(points):
            text += (f" Typical gains are smaller: the {len(points)} robust point estimates have a median of "
                     f"{points.median():.3g}; {100 * (points > 5).mean():.0f}% exceed 5x and "
                     f"{100 * (points > 20).mean():.0f}% exceed 20x.")
    return text


def _table(frame: pd.DataFrame, markdown: bool) -> str:
    if markdown:
        head = "| " + " | ".join(frame.columns) + " |"
        rule = "|" + "|".join("---" for _ in frame.columns) + "|"
        body = ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(index=False)]
        return "\n".join([head, rule, *body])
    return frame.to_string(index=False)


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
            "robust": int(est["evidence"].isin(["robust-point", "robust-bound"]).sum()),
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
    cross = t["ceg_cross_family"]
    cross_counts = (cross.groupby(["method", "evidence"], dropna=False).size().reset_index(name="rows")
                    .fillna({"method": "(no value)"}))
    heading = (lambda s: f"### {s}") if markdown else (lambda s: f"{s}\n{'-' * len(s)}")
    parts = [heading("Rows per table"), _table(counts, markdown),
             heading("Evidence (method version 3)"), _table(evidence, markdown),
             heading(f"Cross-family reference curves ({int(cross['ceg'].notna().sum())} of {len(cross)} rows "
                     "with a value)"), _table(cross_counts, markdown),
             heading("The survey's headline"), headline_sentence(t["enhancement_summary"], t["ceg_estimates"]),
             heading("Per category"), _table(per_cat, markdown),
             heading("Per enhancement"), _table(per_enh, markdown),
             heading(f"Ladders: {int((ladders['sizes'] >= 3).sum())} families with three or more base models "
                     "that have scores and compute"), _table(ladders, markdown),
             heading(f"Comparison rows without a CEG ({len(none)} rows in {len(reasons)} comparisons)"),
             _table(reasons, markdown)]
    return "\n\n".join(parts) + "\n"
