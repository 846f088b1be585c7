"""Plots of the derived table, written as PNG files that Datasette serves as static files.

- ``ceg_vs_cost.png``: CEG against fine-tuning cost (fraction of pre-training), by category,
  with the 5-95% interval as error bars — the survey's main figure, now with intervals;
- ``effective_compute.png``: each enhanced model's own compute and its effective compute
  (compute × CEG) against the EU AI Act (1e25 FLOP) and US EO 14110 (1e26 FLOP) thresholds;
- ``ceg_vs_scale.png``: CEG against scale for the comparisons of ``ceg_scale``
  (:mod:`ceg_calc.scale_figure`);
- ``comparisons/<comparison_id>.png``: the baseline curve, the enhanced points and C'.

The summary plots show robust rows only (``evidence`` robust-point or robust-bound).

Files carry no timestamp or software tag, so the same data give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ceg_calc.derive import EU_AI_ACT_FLOP, US_EO_14110_FLOP  # noqa: E402

CATEGORY_COLOURS = {"tool-use": "#1b9e77", "prompting": "#d95f02", "scaffolding": "#7570b3",
                    "solution-choice": "#e7298a", "data": "#66a61e"}
PNG_METADATA = {"Software": None}
ROBUST_EVIDENCE = ("robust-point", "robust-bound")  # the evidence classes the summary plots show


def _save(fig, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata=PNG_METADATA)
    plt.close(fig)
    return path


def _empty(ax, text="no estimates yet"):
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])


def ceg_vs_cost(estimates: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    rows = estimates[estimates["ceg"].notna() & (estimates["ceg"] > 0)
                     & estimates["evidence"].isin(ROBUST_EVIDENCE)]
    if rows.empty:
        _empty(ax)
    else:
        cost = rows["finetune_fraction"].fillna(0.0).clip(lower=1e-5)
        for category, colour in CATEGORY_COLOURS.items():
            part = rows[rows["category"] == category]
            if part.empty:
                continue
            x = cost[part.index].to_numpy(float)
            y = part["ceg"].to_numpy(float)
            low = np.clip(y - part["ceg_low"].fillna(part["ceg"]).to_numpy(float), 0, None)
            high = np.clip(part["ceg_high"].fillna(part["ceg"]).to_numpy(float) - y, 0, None)
            ax.errorbar(x, y, yerr=[low, high], fmt="o", color=colour, alpha=0.7, ms=4, elinewidth=0.8,
                        label=f"{category} ({len(part)})")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.axhline(1, color="grey", lw=0.8)
        ax.set_ylim(1e-3, 1e5)
        ax.set_xlabel("fine-tuning compute / pre-training compute (1e-5 where none is stated)")
        ax.set_ylabel("compute-equivalent gain (ratio)")
        ax.legend(fontsize=8)
    ax.set_title("CEG against fine-tuning cost (robust points and bounds), 5-95% intervals")
    fig.tight_layout()
    return _save(fig, path)


def effective_compute(estimates: pd.DataFrame, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(7, 4.5))
    rows = estimates[estimates["effective_compute_flop"].notna()
                     & estimates["evidence"].isin(ROBUST_EVIDENCE)].sort_values("effective_compute_flop")
    if rows.empty:
        _empty(ax)
    else:
        y = np.arange(len(rows))
        ax.hlines(y, rows["enhanced_compute_flop"], rows["effective_compute_flop"], color="#999999", lw=0.8)
        ax.plot(rows["enhanced_compute_flop"], y, "o", ms=3, color="#444444", label="own training compute")
        colours = rows["category"].map(CATEGORY_COLOURS).fillna("#000000")
        ax.scatter(rows["effective_compute_flop"], y, s=12, c=colours, label="effective compute (x CEG)")
        ax.axvline(EU_AI_ACT_FLOP, color="#1f78b4", ls="--", lw=1, label="EU AI Act art. 51(2): 1e25 FLOP")
        ax.axvline(US_EO_14110_FLOP, color="#e31a1c", ls=":", lw=1, label="US EO 14110: 1e26 FLOP")
        ax.set_xscale("log")
        ax.set_yticks([])
        ax.set_xlabel("training compute (FLOP)")
        ax.legend(fontsize=7, loc="lower right")
    ax.set_title("Effective compute against thresholds (robust points and bounds)")
    fig.tight_layout()
    return _save(fig, path)


def comparison_plot(comparison_id: str, rows: pd.DataFrame, scores: pd.DataFrame, compute: dict,
                    path: Path) -> Path:
    """Baseline scores against compute, the enhanced scores, and C' for one comparison."""
    fig, ax = plt.subplots(figsize=(5, 3.5))
    ids = sorted({i for text in rows["baseline_score_ids"].dropna() for i in str(text).split()})
    base = scores[scores["score_id"].isin(ids)].copy()
    base["flop"] = base["model_id"].map(compute)
    base = base.dropna(subset=["flop"]).sort_values("flop")
    if not base.empty:
        ax.plot(base["flop"], base["score"], "o-", color="#444444", label="baseline")
    shown = rows[rows["enhanced_compute_flop"].notna()]
    ax.plot(shown["enhanced_compute_flop"], shown["enhanced_score"], "s", color="#d95f02", label="enhanced")
    with_c = shown[shown["equivalent_compute_flop"].notna()]
    for _, r in with_c.iterrows():  # solid: robust point or bound; dashed: extrapolated or limited
        robust = r["evidence"] in ROBUST_EVIDENCE
        ax.annotate("", xy=(r["equivalent_compute_flop"], r["enhanced_score"]),
                    xytext=(r["enhanced_compute_flop"], r["enhanced_score"]),
                    arrowprops={"arrowstyle": "->", "color": "#d95f02", "lw": 0.8, "ls": "-" if robust else "--"})
        ax.annotate(r["evidence"], xy=(r["equivalent_compute_flop"], r["enhanced_score"]), fontsize=6,
                    xytext=(2, 2), textcoords="offset points", color="#d95f02" if robust else "#999999")
    if base.empty and shown.empty:
        _empty(ax, "no points with compute")
    else:
        ax.set_xscale("log")
        ax.set_xlabel("training compute (FLOP)")
        ax.set_ylabel("score")
        ax.legend(fontsize=7)
    ax.set_title(comparison_id, fontsize=9)
    fig.tight_layout()
    return _save(fig, path)


def draw_all(tables: dict, static: Path, progress=None) -> list[Path]:
    """Every plot of the package into ``static``; returns the files written."""
    estimates = tables["ceg_estimates"]
    from ceg_calc.scale_figure import ceg_vs_scale

    out = [ceg_vs_cost(estimates, static / "ceg_vs_cost.png"),
           effective_compute(estimates, static / "effective_compute.png"),
           ceg_vs_scale(tables["ceg_scale"], estimates, static / "ceg_vs_scale.png")]
    preferred = tables["compute_estimates"]
    preferred = preferred[preferred["preferred"].astype(bool)]
    compute = dict(zip(preferred["model_id"], preferred["training_compute_flop"]))
    groups = list(estimates.groupby("comparison_id", sort=True))
    for i, (comparison_id, rows) in enumerate(groups):
        if progress and i % 20 == 0:
            progress(f"plots {i}/{len(groups)}")
        out.append(comparison_plot(comparison_id, rows, tables["benchmark_scores"], compute,
                                   static / "comparisons" / f"{comparison_id}.png"))
    return out
