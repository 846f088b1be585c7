"""The calculator's inputs: one :class:`Task` per (baseline family, enhanced model), in log10 compute
and oriented scores, checked by :func:`make_tasks`; the binomial standard error of an accuracy; and the
fixed random streams the Monte Carlo intervals draw from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ceg_calc.core.errors import CegError

METHODS = ("interpolate", "fit-linear", "fit-sigmoid", "lower-bound")
DRAWS = 10_000  # Monte Carlo draws of a published interval
SEED = 0  # seed of the random streams of a published interval


class EstimationError(CegError, ValueError):
    """The inputs cannot give a CEG with the chosen method (the message says why)."""


@dataclass(frozen=True)
class Task:
    """One baseline family and one enhanced model, in log10 compute and oriented scores."""

    x: np.ndarray  # (n,) log10 baseline compute, sorted
    q: np.ndarray  # (n,) baseline scores, higher is better
    x_sd: np.ndarray  # (n,) log10 standard deviation of baseline compute
    q_se: np.ndarray  # (n,) standard error of baseline scores
    xe: float  # log10 enhanced compute
    pe: float  # enhanced score, higher is better
    xe_sd: float
    pe_se: float
    low: float = np.nan  # oriented chance score (fit-sigmoid)
    high: float = np.nan  # oriented perfect score (fit-sigmoid)
    shared: int = -1  # baseline point (sorted order) whose compute draw the enhanced model shares


def binomial_stderr(score, n_items, scale=100.0):
    """Binomial standard error of an accuracy.

    Parameters
    ----------
    score : float or array_like
        Accuracy on a scale whose maximum is ``scale`` (100 for percent, 1 for a fraction).
    n_items : int or array_like
        Number of items in the benchmark; missing (NaN) gives NaN.
    scale : float
        Score of a perfect run.

    Returns
    -------
    ndarray
        ``scale * sqrt(f (1 - f) / n)`` with ``f = score / scale`` clipped to [0, 1].
    """
    f = np.clip(np.asarray(score, dtype=float) / scale, 0.0, 1.0)
    n = np.asarray(n_items, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return scale * np.sqrt(f * (1.0 - f) / n)


#: z of the Agresti-Coull interval behind :func:`agresti_coull_stderr` (about 95%): add z^2 / 2 = 2
#: successes and 2 failures before taking the binomial standard error.
AGRESTI_COULL_Z = 2.0


def agresti_coull_stderr(score, n_items, scale=100.0, z=AGRESTI_COULL_Z):
    """Standard error of an accuracy that is never 0, even at 0% or 100% (Agresti & Coull 1998).

    Parameters
    ----------
    score : float or array_like
        Accuracy on a scale whose maximum is ``scale`` (100 for percent, 1 for a fraction).
    n_items : int or array_like
        Number of items in the benchmark; missing (NaN) gives NaN.
    scale : float
        Score of a perfect run.
    z : float
        z of the interval the estimator is centred for; 2 gives the "plus four" rule.

    Returns
    -------
    ndarray
        ``scale * sqrt(p (1 - p) / (n + z^2))`` with ``p = (f n + z^2 / 2) / (n + z^2)`` and
        ``f = score / scale`` clipped to [0, 1]: 0 of 250 items gives ``p = 2 / 254`` and a
        standard error of 0.556 percentage points instead of 0.

    References
    ----------
    Agresti, A. and Coull, B. A. (1998). Approximate is better than "exact" for interval estimation
    of binomial proportions. The American Statistician 52(2), 119-126. https://doi.org/10.2307/2685469
    """
    f = np.clip(np.asarray(score, dtype=float) / scale, 0.0, 1.0)
    n = np.asarray(n_items, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        adjusted = n + z * z
        p = (f * n + z * z / 2.0) / adjusted
        return scale * np.sqrt(p * (1.0 - p) / adjusted)


def _vector(value, n, name):
    """``value`` as a float vector of length ``n`` (a scalar or None is broadcast; None → 0)."""
    if value is None:
        return np.zeros(n)
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        array = np.full(n, float(array))
    if array.shape != (n,):
        raise EstimationError(f"{name} has {array.size} values; expected {n}")
    # NaN -> 0, checked in one pass over a list: for a few values cheaper than a ufunc call per step
    values = [0.0 if v != v else v for v in array.tolist()]
    if not all(0.0 <= v < math.inf for v in values):
        raise EstimationError(f"{name} must be finite and non-negative")
    return np.array(values)


def _log10_flop(values, name) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if not all(0.0 < v < math.inf for v in array.tolist()):
        raise EstimationError(f"{name} must be finite and positive (FLOP)")
    return np.log10(array)


def make_tasks(baseline_flop, baseline_score, enhanced_flop, enhanced_score, *, method,
               higher_is_better=True, baseline_log10_sd=None, enhanced_log10_sd=None,
               score_stderr=None, enhanced_score_stderr=None, chance_score=None,
               perfect_score=None, shared_compute=None) -> list[Task]:
    """Check the inputs of one baseline family and turn them into one :class:`Task` per enhanced model."""
    if method not in METHODS:
        raise EstimationError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    x = _log10_flop(baseline_flop, "baseline_flop")
    q = np.asarray(baseline_score, dtype=float).ravel()
    n = x.size
    if q.size != n:
        raise EstimationError(f"baseline_flop has {n} values but baseline_score has {q.size}")
    if n == 0:
        raise EstimationError("the baseline has no points")
    if not np.isfinite(q).all():
        raise EstimationError("baseline_score must be finite")
    if method != "lower-bound" and x.min() == x.max():
        raise EstimationError(f"method {method!r} needs baseline points at two or more compute values")
    xe = _log10_flop(enhanced_flop, "enhanced_flop")
    pe = np.asarray(enhanced_score, dtype=float).ravel()
    if pe.size != xe.size:
        raise EstimationError(f"enhanced_flop has {xe.size} values but enhanced_score has {pe.size}")
    if not np.isfinite(pe).all():
        raise EstimationError("enhanced_score must be finite")
    x_sd = _vector(baseline_log10_sd, n, "baseline_log10_sd")
    q_se = _vector(score_stderr, n, "score_stderr")
    xe_sd = _vector(enhanced_log10_sd, xe.size, "enhanced_log10_sd")
    if enhanced_score_stderr is None and np.ndim(score_stderr) == 0:
        enhanced_score_stderr = score_stderr
    pe_se = _vector(enhanced_score_stderr, xe.size, "enhanced_score_stderr")

    sign = 1.0 if higher_is_better else -1.0
    low = np.nan if chance_score is None else sign * float(chance_score)
    high = np.nan if perfect_score is None else sign * float(perfect_score)
    if method == "fit-sigmoid":
        if chance_score is None or perfect_score is None:
            raise EstimationError("fit-sigmoid needs the benchmark's chance_score and perfect_score")
        if not low < high:
            raise EstimationError("fit-sigmoid needs a perfect score better than the chance score")
    shared = _shared_points(shared_compute, n, xe.size)
    order = np.lexsort((sign * q, x))  # by compute, then score: the result ignores input order
    x, q, x_sd, q_se = x[order], sign * q[order], x_sd[order], q_se[order]
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(n)
    rank = rank.tolist()
    return [Task(x, q, x_sd, q_se, xe_i, pe_i, xe_sd_i, pe_se_i, low, high, rank[at] if at >= 0 else -1)
            for xe_i, pe_i, xe_sd_i, pe_se_i, at in zip(xe.tolist(), (sign * pe).tolist(), xe_sd.tolist(),
                                                        pe_se.tolist(), shared.tolist())]


def _shared_points(shared_compute, n: int, m: int) -> np.ndarray:
    """``shared_compute`` as m baseline indices (-1: none), checked."""
    if shared_compute is None:
        return np.full(m, -1)
    shared = np.asarray(shared_compute).ravel()
    if shared.size == 1:
        shared = np.full(m, shared[0])
    if shared.size != m or not np.issubdtype(shared.dtype, np.integer) or (shared < -1).any() or (shared >= n).any():
        raise EstimationError(f"shared_compute must hold {m} baseline indices from 0 to {n - 1} (or -1 for none)")
    return shared.astype(int)


# --- random streams ----------------------------------------------------------------------------

_STREAMS = {"baseline-compute": 1, "baseline-score": 2, "enhanced-compute": 3, "enhanced-score": 4}


@lru_cache(maxsize=256)
def standard_normal(seed: int, draws: int, stream: str, rank: int = 0) -> np.ndarray:
    """Read-only standard-normal draws of one input: the stream is fixed by (seed, kind, rank)."""
    rng = np.random.default_rng([int(seed), _STREAMS[stream], int(rank)])
    values = rng.standard_normal(draws)
    values.flags.writeable = False
    return values


