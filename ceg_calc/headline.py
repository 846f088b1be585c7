"""Derived tables built from ``ceg_estimates``: the survey's headline and CEG against scale.

``enhancement_summary``
    One row per enhancement: how much evidence there is (comparisons, baseline families,
    benchmarks, rows by ``evidence``), the median CEG of its robust points with the quartiles,
    the share of its robust rows showing more than 5x and 20x, its largest robust lower bound,
    and the ranges of its fine-tuning fraction and inference multiplier. ``best_robust_ceg``,
    the larger of the median robust point and the largest lower bound, is what the survey's
    "most enhancements > 5x, some > 20x" is checked against.
``ceg_scale``
    For every comparison with point CEGs (robust or extrapolated within the limit) for at least
    :data:`MIN_SIZES` enhanced models of distinct compute: the slope of log10 CEG against log10
    C_E, by weighted least squares (weights 1 / sd^2, sd of log10 CEG read from the 5-95%
    interval), with a 90% interval that takes the larger of the measurement-error spread and
    the residual spread (Student t with n - 2 degrees of freedom). ``trend`` says whether the
    interval lies above zero (gains grow with scale), below (shrink) or straddles it (unclear).

Both are pure functions of the derived rows and the source tables, sorted by key.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from ceg_calc.uncertainty import Z90

MIN_SIZES = 3
BOUNDS = ("robust-bound", "limited")
POINTS = ("robust-point", "extrapolated")
EVIDENCE_COUNTS = {"robust_points": "robust-point", "robust_bounds": "robust-bound",
                   "extrapolated_points": "extrapolated", "limited_bounds": "limited",
                   "trivial_bounds": "trivial-bound", "no_value": "none"}


def _range(series: pd.Series) -> tuple:
    values = series.dropna()
    return (float(values.min()), float(values.max())) if len(values) else (None, None)


def _robust(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows whose value is evidence: robust points, and robust or limited bounds above 1."""
    return rows[(rows["evidence"] == "robust-point") | (rows["evidence"].isin(BOUNDS) & (rows["ceg"] > 1))]


def _share(rows: pd.DataFrame, above: float):
    """Share of robust rows whose value shows more than ``above``: a point above it, or a bound above it."""
    robust = _robust(rows)
    return None if robust.empty else float((robust["ceg"] > above).mean())


def summary_row(enhancement: dict, rows: pd.DataFrame, comparisons: pd.DataFrame) -> dict:
    """The ``enhancement_summary`` row of one enhancement from its derived rows."""
    points = rows.loc[rows["evidence"] == "robust-point", "ceg"]
    bounds = rows.loc[rows["evidence"].isin(BOUNDS) & (rows["ceg"] > 1), "ceg"]
    median = float(points.median()) if len(points) else None
    largest = float(bounds.max()) if len(bounds) else None
    out = {"enhancement_id": enhancement["enhancement_id"], "category": enhancement["category"],
           "comparisons": int((comparisons["enhancement_id"] == enhancement["enhancement_id"]).sum()),
           "baseline_families": int(rows["baseline_family"].nunique()),
           "benchmarks": int(rows["benchmark_id"].nunique()), "rows": len(rows)}
    for column, evidence in EVIDENCE_COUNTS.items():
        out[column] = int((rows["evidence"] == evidence).sum())
    out.update(median_ceg=median,
               ceg_q1=float(points.quantile(0.25)) if len(points) else None,
               ceg_q3=float(points.quantile(0.75)) if len(points) else None,
               share_above_5=_share(rows, 5.0), share_above_20=_share(rows, 20.0),
               largest_lower_bound=largest,
               best_robust_ceg=max((v for v in (median, largest) if v is not None), default=None))
    out["finetune_fraction_min"], out["finetune_fraction_max"] = _range(rows["finetune_fraction"])
    out["inference_multiplier_min"], out["inference_multiplier_max"] = _range(rows["inference_multiplier"])
    return out


def enhancement_summary(estimates: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """One row per enhancement of ``tables["enhancements"]``, sorted by ``enhancement_id``."""
    by_enhancement = dict(tuple(estimates.groupby("enhancement_id", sort=False)))
    empty = estimates.iloc[0:0]
    out = [summary_row(e, by_enhancement.get(e["enhancement_id"], empty), tables["comparisons"])
           for e in tables["enhancements"].sort_values("enhancement_id").to_dict("records")]
    return pd.DataFrame(out)


def scale_slope(log_compute, log_ceg, sd) -> tuple[float, float, float]:
    """Slope of log10 CEG on log10 C_E and its 90% interval.

    Parameters
    ----------
    log_compute : array_like
        log10 of each enhanced model's training compute [log10 FLOP].
    log_ceg : array_like
        log10 CEG of each [log10 ratio].
    sd : array_like
        Standard deviation of each log10 CEG [log10 ratio]; weights 1/sd^2 when all are positive,
        else equal weights.

    Returns
    -------
    slope, low, high : float
        [log10 CEG per log10 FLOP].
    """
    x, y, sd = (np.asarray(a, dtype=float) for a in (log_compute, log_ceg, sd))
    n = x.size
    w = 1.0 / sd ** 2 if (sd > 0).all() else np.ones(n)
    xm, ym = np.sum(w * x) / np.sum(w), np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * (y - ym)) / sxx
    residual = y - ym - slope * (x - xm)
    spread = np.sqrt(np.sum(w * residual ** 2) / (n - 2) / sxx) * stats.t.ppf(0.95, n - 2) if n > 2 else np.inf
    measured = Z90 / np.sqrt(sxx) if (sd > 0).all() else 0.0
    half = max(spread, measured)
    return float(slope), float(slope - half), float(slope + half)


def _trend(low: float, high: float) -> str:
    return "grows" if low > 0 else "shrinks" if high < 0 else "unclear"


def ceg_scale(estimates: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """One row per comparison with point CEGs for at least :data:`MIN_SIZES` enhanced models of distinct compute."""
    comparisons = tables["comparisons"].set_index("comparison_id")
    points = estimates[estimates["evidence"].isin(POINTS)]
    out = []
    for comparison_id, rows in points.groupby("comparison_id", sort=True):
        if rows["enhanced_compute_flop"].nunique() < MIN_SIZES:
            continue
        low, high = np.log10(rows["ceg_low"].to_numpy(float)), np.log10(rows["ceg_high"].to_numpy(float))
        slope, slope_low, slope_high = scale_slope(np.log10(rows["enhanced_compute_flop"].to_numpy(float)),
                                                   np.log10(rows["ceg"].to_numpy(float)), (high - low) / (2 * Z90))
        robust = int((rows["evidence"] == "robust-point").sum())
        out.append({"comparison_id": comparison_id, "enhancement_id": rows["enhancement_id"].iloc[0],
                    "benchmark_id": rows["benchmark_id"].iloc[0],
                    "enhanced_family": comparisons.loc[comparison_id, "enhanced_family"],
                    "evidence": "robust-point" if robust == len(rows) else "extrapolated",
                    "points": len(rows), "robust_points": robust,
                    "enhanced_compute_min_flop": float(rows["enhanced_compute_flop"].min()),
                    "enhanced_compute_max_flop": float(rows["enhanced_compute_flop"].max()),
                    "ceg_min": float(rows["ceg"].min()), "ceg_max": float(rows["ceg"].max()),
                    "slope": slope, "slope_low": slope_low, "slope_high": slope_high,
                    "trend": _trend(slope_low, slope_high)})
    columns = ["comparison_id", "enhancement_id", "benchmark_id", "enhanced_family", "evidence", "points",
               "robust_points", "enhanced_compute_min_flop", "enhanced_compute_max_flop", "ceg_min", "ceg_max",
               "slope", "slope_low", "slope_high", "trend"]
    return pd.DataFrame(out, columns=columns)


def headline(summary: pd.DataFrame) -> dict:
    """Counts for the survey's "most enhancements > 5x, some > 20x", from ``enhancement_summary``."""
    judged = summary[summary["best_robust_ceg"].notna()]
    above5 = int((judged["best_robust_ceg"] > 5).sum())
    above20 = int((judged["best_robust_ceg"] > 20).sum())
    return {"enhancements": len(summary), "with_robust_evidence": len(judged), "above_5": above5,
            "above_20": above20, "most_above_5": above5 > len(judged) / 2, "some_above_20": above20 > 0}
