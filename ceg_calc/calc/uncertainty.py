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
