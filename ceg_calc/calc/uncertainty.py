"""Uncertainty of a training-compute estimate, as a standard deviation of log10 compute.

Compute estimates are read as log-normal: log10(C) ~ Normal(log10(estimate), sd).

- An estimate with both bounds: the bounds are read as a central 90% interval, so
  ``sd = (log10(high) - log10(low)) / (2 * 1.6449)``.
- Otherwise the confidence tier gives the spread: a tier promises the true value lies within a
  factor ``F`` of the estimate, read as a 90% interval, so ``sd = log10(F) / 1.6449``. The factors
  are in :data:`TIER_FACTOR` (see docs/methodology.md for their source).
- An estimate with neither bounds nor tier (a value the developers report, or one we compute
  from parameters and tokens) gets :data:`UNTIERED_TIER`'s spread.

All of these are parameters of :func:`compute_log10_sd`, so a user can rerun with other choices.
"""

from __future__ import annotations

import math
from statistics import NormalDist

Z90 = 1.6448536269514722  # standard-normal quantile of 0.95: a central 90% interval is ±Z90 sd

#: Factor within which the true compute lies (90% interval) for each confidence tier.
#: Epoch AI's own definition of its tiers was not found in any text we could read. The only
#: Epoch-attributed statement found says most estimates are "correct within a factor of 2", and
#: within a factor of 5 for recent models whose numbers were not disclosed (TIME chart "Source:
#: Epoch", https://datawrapper.dwcdn.net/xinqH/7). We map confident → 2 and speculative → 5 from
#: it, and likely → 3.2 (their geometric mean). This is an assumption: pass another mapping to
#: :func:`compute_log10_sd` (or ``ceg derive``'s library call) to test its effect.
TIER_FACTOR = {"confident": 2.0, "likely": 3.2, "speculative": 5.0}
#: Tier whose spread applies to an estimate that has no tier and no bounds.
UNTIERED_TIER = "likely"


def _present(value) -> bool:
    try:
        return value is not None and not math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def compute_log10_sd(estimate, tier_factor: dict = TIER_FACTOR, untiered: str = UNTIERED_TIER) -> float:
    """Standard deviation of log10 training compute for one row of ``compute_estimates``.

    Parameters
    ----------
    estimate : mapping
        A row with ``training_compute_low_flop``, ``training_compute_high_flop`` [FLOP] and
        ``confidence`` (any may be missing).
    tier_factor : dict
        Factor of the 90% interval per tier.
    untiered : str
        Tier used when the row has neither bounds nor a tier.

    Returns
    -------
    float
        Standard deviation [log10 FLOP].
    """
    low, high = estimate.get("training_compute_low_flop"), estimate.get("training_compute_high_flop")
    if _present(low) and _present(high) and 0 < float(low) < float(high):
        return (math.log10(float(high)) - math.log10(float(low))) / (2 * Z90)
    tier = estimate.get("confidence")
    if not isinstance(tier, str) or tier not in tier_factor:
        tier = untiered
    return math.log10(tier_factor[tier]) / Z90


def _student_t_cdf(t: float, nu: int) -> float:
    """P(T <= t) for Student's t with integer ``nu`` >= 1 degrees of freedom, in closed form
    (Abramowitz & Stegun 1964, 26.7.3 and 26.7.4: a finite series in cos^2 of atan(t / sqrt(nu)))."""
    theta = math.atan(t / math.sqrt(nu))
    s, c2 = math.sin(theta), math.cos(theta) ** 2
    if nu % 2 == 0:
        term, total = 1.0, 1.0
        for k in range(1, nu // 2):
            term *= c2 * (2 * k - 1) / (2 * k)
            total += term
        return 0.5 + 0.5 * s * total
    total = 0.0
    if nu > 1:
        term, total = 1.0, 1.0
        for k in range(1, (nu - 1) // 2):
            term *= c2 * (2 * k) / (2 * k + 1)
            total += term
        total *= s * math.cos(theta)
    return 0.5 + (theta + total) / math.pi


def student_t_quantile(p: float, nu: int) -> float:
    """The ``p`` quantile of Student's t with integer ``nu`` >= 1 degrees of freedom.

    Newton's method on the closed-form distribution function :func:`_student_t_cdf`, from the
    normal quantile, to the last bits of a double (the tests compare it with SciPy's ``stdtrit``
    to 1e-13). Written here so that deriving the package does not import ``scipy.special``.
    """
    if not 0.0 < p < 1.0 or nu < 1 or int(nu) != nu:
        raise ValueError(f"student_t_quantile needs 0 < p < 1 and an integer nu >= 1, not p={p}, nu={nu}")
    nu = int(nu)
    if p < 0.5:
        return -student_t_quantile(1.0 - p, nu)
    if nu == 1:
        return math.tan(math.pi * (p - 0.5))
    log_norm = math.lgamma((nu + 1) / 2) - math.lgamma(nu / 2) - 0.5 * math.log(nu * math.pi)
    t = NormalDist().inv_cdf(p)  # below the t quantile: Newton rises to it on the concave distribution function
    for _ in range(100):
        density = math.exp(log_norm - (nu + 1) / 2 * math.log1p(t * t / nu))
        step = (_student_t_cdf(t, nu) - p) / density
        t -= step
        if abs(step) <= 1e-15 * abs(t):
            break
    return t

