"""Cross-family reference curves: score against log10 training compute over the base models of many
families, and the compute-equivalent gain read along that curve.

The link is the observational-scaling one (Ruan et al. 2024): the score, rescaled between the
benchmark's chance level and its perfect score, is a sigmoid of log10 compute, so its logit is a
line, ``logit(p) = a + b x + u_f`` with a family offset ``u_f`` (families differ in how much a FLOP
buys). A gain is a horizontal distance along that line:

- **offset** (the enhanced model's own, or its base's, non-enhanced score ``s_0`` is in the
  reference set): ``log10 CEG = (logit p_e - logit p_0) / b``; the family offset cancels, only the
  common slope is used;
- **absolute** (no own baseline, e.g. a frontier model without a ladder): ``log10 CEG =
  (logit p_e - a) / b - x_own``; the family spread ``sd(u_f) / b`` widens the interval.

Intervals come from a bootstrap over families (slope and intercept refitted on families drawn
with replacement), the scores' standard errors and, for the absolute form, the family spread
and the own compute's uncertainty.

References
----------
Ruan, Maddison and Hashimoto (2024), Observational Scaling Laws and the Predictability of Language
Model Performance, https://arxiv.org/abs/2405.10938v3.
Epoch AI (2025), Quantifying the algorithmic improvement from reasoning models,
https://epoch.ai/gradient-updates/quantifying-the-algorithmic-improvement-from-reasoning-models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPS = 0.005  # rescaled scores are clipped to [EPS, 1 - EPS] before the logit [fraction]
BOOTSTRAP = 400
LEVEL = 0.90


def rescaled_logit(score, chance, perfect):
    """logit of the score rescaled to [0, 1] between ``chance`` and ``perfect`` [same units as score]."""
    p = (np.asarray(score, dtype=float) - chance) / (perfect - chance)
    p = np.clip(p, EPS, 1 - EPS)
    return np.log(p / (1 - p))


@dataclass(frozen=True)
class Curve:
    """A fitted reference line in logit space: ``logit p = intercept + slope * log10 C``."""

    intercept: float
    slope: float  # [logit per decade of compute]
    family_sd: float  # sd of the family offsets [logit]
    boot_intercept: np.ndarray
    boot_slope: np.ndarray
    score_min: float
    score_max: float
    x_min: float
    x_max: float
    families: int
    points: int


def _line(x, y):
    xm, ym = x.mean(), y.mean()
    sxx = ((x - xm) ** 2).sum()
    if sxx <= 0:
        return np.nan, np.nan
    slope = ((x - xm) * (y - ym)).sum() / sxx
    return ym - slope * xm, slope


def fit_curve(log10_compute, score, family, chance, perfect, seed: int = 0, draws: int = BOOTSTRAP) -> Curve:
    """Fit the pooled reference line over points of several families.

    Parameters
    ----------
    log10_compute : array [log10 FLOP]
    score : array [benchmark units]
    family : array of str, one per point
    chance, perfect : float [benchmark units]
    """
    x = np.asarray(log10_compute, dtype=float)
    y = rescaled_logit(score, chance, perfect)
    family = np.asarray(family)
    a, b = _line(x, y)
    names = np.unique(family)
    offsets = np.array([(y[family == f] - a - b * x[family == f]).mean() for f in names])
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(family == f) for f in names]
    boot_a, boot_b = np.empty(draws), np.empty(draws)
    for i in range(draws):
        pick = np.concatenate([groups[j] for j in rng.integers(0, len(groups), len(groups))])
        boot_a[i], boot_b[i] = _line(x[pick], y[pick])
    s = np.asarray(score, dtype=float)
    return Curve(float(a), float(b), float(offsets.std(ddof=1)) if len(names) > 1 else np.nan,
                 boot_a, boot_b, float(s.min()), float(s.max()), float(x.min()), float(x.max()),
                 len(names), len(x))


def gain(curve: Curve, enhanced_score, enhanced_stderr, chance, perfect, anchor_score=None, anchor_stderr=0.0,
         own_log10=None, own_log10_sd=0.0, seed: int = 0) -> dict:
    """log10 CEG (central and 90% interval) of one enhanced score along ``curve``.

    With ``anchor_score`` the offset form, else the absolute form with ``own_log10`` [log10 FLOP].
    Returns ``log10_ceg``, ``log10_low``, ``log10_high`` (NaN when the slope is not positive in
    at least 95% of the bootstrap draws: no increasing curve, no gain) and ``extrapolated``.
    """
    nan = {"log10_ceg": np.nan, "log10_low": np.nan, "log10_high": np.nan, "extrapolated": False}
    slopes = curve.boot_slope
    if not curve.slope > 0 or np.nanmean(slopes > 0) < 0.95:
        return nan
    rng = np.random.default_rng(seed)
    n = len(slopes)
    ye = rescaled_logit(enhanced_score + rng.normal(0, enhanced_stderr or 0.0, n), chance, perfect)
    ok = slopes > 0
    if anchor_score is not None:
        y0 = rescaled_logit(anchor_score + rng.normal(0, anchor_stderr or 0.0, n), chance, perfect)
        draws = (ye - y0)[ok] / slopes[ok]
        central = (rescaled_logit(enhanced_score, chance, perfect) - rescaled_logit(anchor_score, chance, perfect)
                   ) / curve.slope
    else:
        offset = rng.normal(0, curve.family_sd if np.isfinite(curve.family_sd) else 0.0, n)
        own = own_log10 + rng.normal(0, own_log10_sd, n)
        draws = ((ye - curve.boot_intercept - offset)[ok] / slopes[ok]) - own[ok]
        central = (rescaled_logit(enhanced_score, chance, perfect) - curve.intercept) / curve.slope - own_log10
    tail = (1 - LEVEL) / 2
    low, high = np.quantile(draws, [tail, 1 - tail])
    extrapolated = not (curve.score_min <= enhanced_score <= curve.score_max)
    return {"log10_ceg": float(central), "log10_low": float(min(low, central)),
            "log10_high": float(max(high, central)), "extrapolated": bool(extrapolated)}
