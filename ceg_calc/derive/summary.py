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
from scipy.special import stdtrit

from ceg_calc.calc.uncertainty import Z90

MIN_SIZES = 3
BOUNDS = ("robust-bound", "limited")
POINTS = ("robust-point", "extrapolated")
EVIDENCE_COUNTS = {"robust_points": "robust-point", "robust_bounds": "robust-bound",
                   "extrapolated_points": "extrapolated", "limited_bounds": "limited",
                   "trivial_bounds": "trivial-bound", "no_value": "none"}


def _range(values: np.ndarray) -> tuple:
    values = values[~np.isnan(values)]
    return (float(values.min()), float(values.max())) if values.size else (None, None)


def _share(robust: np.ndarray, above: float):
    """Share of robust values showing more than ``above``: a point above it, or a bound above it."""
    return None if robust.size == 0 else float((robust > above).mean())


def summary_row(enhancement: dict, rows, comparisons: int) -> dict:
    """The ``enhancement_summary`` row of one enhancement.

    ``rows`` maps ``evidence``, ``baseline_family``, ``benchmark_id`` (object arrays) and ``ceg``,
    ``finetune_fraction``, ``inference_multiplier`` (float arrays, NaN for missing) to the values
    of the enhancement's derived rows (a DataFrame works too); ``comparisons`` is its count of
    comparisons.
    """
    evidence = np.asarray(rows["evidence"], dtype=object)
    ceg = np.asarray(rows["ceg"], dtype=float)
    points = ceg[evidence == "robust-point"]
    bounds = ceg[np.isin(evidence, BOUNDS) & (ceg > 1)]
    median = float(np.median(points)) if points.size else None
    largest = float(bounds.max()) if bounds.size else None
    robust = np.concatenate([points, bounds])
    out = {"enhancement_id": enhancement["enhancement_id"], "category": enhancement["category"],
           "comparisons": int(comparisons),
           "baseline_families": len(set(np.asarray(rows["baseline_family"], dtype=object))),
           "benchmarks": len(set(np.asarray(rows["benchmark_id"], dtype=object))), "rows": int(evidence.size)}
    for column, name in EVIDENCE_COUNTS.items():
        out[column] = int((evidence == name).sum())
    out.update(median_ceg=median,
               ceg_q1=float(np.quantile(points, 0.25)) if points.size else None,
               ceg_q3=float(np.quantile(points, 0.75)) if points.size else None,
               share_above_5=_share(robust, 5.0), share_above_20=_share(robust, 20.0),
               largest_lower_bound=largest,
               best_robust_ceg=max((v for v in (median, largest) if v is not None), default=None))
    out["finetune_fraction_min"], out["finetune_fraction_max"] = _range(np.asarray(rows["finetune_fraction"], float))
    out["inference_multiplier_min"], out["inference_multiplier_max"] = _range(
        np.asarray(rows["inference_multiplier"], float))
    return out


SUMMARY_INPUTS = ("evidence", "baseline_family", "benchmark_id", "ceg", "finetune_fraction", "inference_multiplier")


def enhancement_summary(estimates: pd.DataFrame, tables: dict) -> pd.DataFrame:
    """One row per enhancement of ``tables["enhancements"]``, sorted by ``enhancement_id``."""
    columns = {name: estimates[name].to_numpy(dtype=float if name in ("ceg", "finetune_fraction",
                                                                       "inference_multiplier") else object,
                                              na_value=np.nan if name in ("ceg", "finetune_fraction",
                                                                          "inference_multiplier") else None)
               for name in SUMMARY_INPUTS}
    positions: dict = {}
    for i, enhancement_id in enumerate(estimates["enhancement_id"].to_numpy(dtype=object)):
        positions.setdefault(enhancement_id, []).append(i)
    comparisons = tables["comparisons"]["enhancement_id"].value_counts().to_dict()
    out = []
    for e in tables["enhancements"].sort_values("enhancement_id").to_dict("records"):
        at = np.asarray(positions.get(e["enhancement_id"], []), dtype=int)
        out.append(summary_row(e, {name: values[at] for name, values in columns.items()},
                               comparisons.get(e["enhancement_id"], 0)))
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
    spread = np.sqrt(np.sum(w * residual ** 2) / (n - 2) / sxx) * stdtrit(n - 2, 0.95) if n > 2 else np.inf
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
