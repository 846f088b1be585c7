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
    if isinstance(p, np.ndarray) and p.ndim:  # the same arithmetic, in place of temporaries
        np.clip(p, EPS, 1 - EPS, out=p)
        odds = np.subtract(1, p)
        np.divide(p, odds, out=odds)
        return np.log(odds, out=odds)
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


def _weighted_lines(x, y, weights):
    """:func:`_line` of every row of ``weights`` (draws, points): a point counted ``w`` times."""
    total = weights.sum(axis=1)
    xm, ym = weights @ x / total, weights @ y / total
    dx = x[None, :] - xm[:, None]
    sxx = (weights * dx ** 2).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        slope = np.where(sxx > 0, (weights * dx * (y[None, :] - ym[:, None])).sum(axis=1) / sxx, np.nan)
    return np.where(sxx > 0, ym - slope * xm, np.nan), slope


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
    names, member = np.unique(family, return_inverse=True)
    k = len(names)
    # each family's mean residual, its points taken in order (a stable sort groups them)
    order = np.argsort(member, kind="stable")
    residual = (y - a - b * x)[order]
    ends = np.cumsum(np.bincount(member, minlength=k)).tolist()
    offsets = np.array([residual[lo:hi].mean() for lo, hi in zip([0] + ends[:-1], ends)])
    rng = np.random.default_rng(seed)
    # families drawn with replacement, one draw after another (the stream of the seed: one call
    # fills the rows in turn, as one call per draw would), each draw a refit with every point of a
    # drawn family counted as often as the family was drawn
    picks = rng.integers(0, k, (draws, k))
    counts = np.bincount((picks + k * np.arange(draws)[:, None]).ravel(), minlength=draws * k
                         ).reshape(draws, k).astype(float)
    boot_a, boot_b = _weighted_lines(x, y, counts[:, member])
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
    out = gains(curve, [enhanced_score], [enhanced_stderr], chance, perfect,
                None if anchor_score is None else [anchor_score], [anchor_stderr],
                None if own_log10 is None else [own_log10], [own_log10_sd], seed)
    return {key: (bool(v[0]) if key == "extrapolated" else float(v[0])) for key, v in out.items()}


def _spread(values) -> np.ndarray:
    """Standard errors as a column, ``None`` read as 0."""
    return np.array([0.0 if v is None else float(v) for v in values])[:, None]


def gains(curve: Curve, enhanced_score, enhanced_stderr, chance, perfect, anchor_score=None, anchor_stderr=None,
          own_log10=None, own_log10_sd=None, seed: int = 0) -> dict:
    """:func:`gain` of many enhanced scores along one ``curve`` at once (arrays, one entry per score;
    all in the offset form with ``anchor_score``, else all in the absolute form).

    Every score is read with the same draws of the seed's stream, as one call of :func:`gain`
    per score would draw them: its score noise, then the anchor's noise (offset form) or the
    family offset and the own compute's noise (absolute form).
    """
    score = np.asarray(enhanced_score, dtype=float)
    m = score.size
    nan = np.full(m, np.nan)
    slopes = curve.boot_slope
    if not curve.slope > 0 or np.nanmean(slopes > 0) < 0.95:
        return {"log10_ceg": nan, "log10_low": nan.copy(), "log10_high": nan.copy(), "extrapolated": np.zeros(m, bool)}
    rng = np.random.default_rng(seed)
    n = len(slopes)
    z = [rng.standard_normal(n) for _ in range(2 if anchor_score is not None else 3)]
    ye = rescaled_logit(score[:, None] + (0.0 + _spread(enhanced_stderr) * z[0]), chance, perfect)
    ok = slopes > 0
    if ok.all():  # every draw kept: the arrays themselves rather than copies of them
        ok = slice(None)
    if anchor_score is not None:
        anchor = np.asarray(anchor_score, dtype=float)
        y0 = rescaled_logit(anchor[:, None] + (0.0 + _spread(anchor_stderr) * z[1]), chance, perfect)
        draws = (ye - y0)[:, ok] / slopes[ok]
        central = (rescaled_logit(score, chance, perfect) - rescaled_logit(anchor, chance, perfect)) / curve.slope
    else:
        family_sd = curve.family_sd if np.isfinite(curve.family_sd) else 0.0
        own_x = np.asarray(own_log10, dtype=float)
        offset = 0.0 + family_sd * z[1]
        own = own_x[:, None] + (0.0 + _spread(own_log10_sd) * z[2])
        draws = ((ye - curve.boot_intercept - offset)[:, ok] / slopes[ok]) - own[:, ok]
        central = (rescaled_logit(score, chance, perfect) - curve.intercept) / curve.slope - own_x
    tail = (1 - LEVEL) / 2
    # quantiles of rows sorted first: the same values (a row's quantile is a function of its values
    # alone), and numpy sorts short rows far faster than it selects the quantiles' neighbours
    low, high = np.quantile(np.sort(draws, axis=1), [tail, 1 - tail], axis=1)
    extrapolated = ~((curve.score_min <= score) & (score <= curve.score_max))
    return {"log10_ceg": central, "log10_low": np.minimum(low, central), "log10_high": np.maximum(high, central),
            "extrapolated": extrapolated}
