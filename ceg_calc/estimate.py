"""Compute-equivalent gain (CEG) of an enhanced model against a baseline family.

Definition (Davidson et al. 2023): a family of non-enhanced models with training compute
:math:`C_i` scores :math:`p_i`; an enhanced model of compute :math:`C_E` scores :math:`p^*`.
:math:`C'` is the compute a non-enhanced model of the family would need to score :math:`p^*`,
and ``CEG = C' / C_E``. All curves are drawn against ``log10(compute)``.

Methods
-------
``interpolate``
    Piecewise-linear score against log10 compute through the baseline points, sorted by
    compute. A non-monotone baseline is replaced by its running maximum (the best score the
    family reached at or below each compute), and :math:`C'` is the *least* compute at which
    that curve reaches :math:`p^*`. Beyond the baseline's scores the first (below) or last
    (above) rising segment is extended linearly and ``extrapolated`` is set.
``fit-linear``
    Least-squares line of score against log10 compute; ``extrapolated`` when :math:`C'` lies
    outside the baseline's compute range. Refused when the slope is not positive.
``fit-sigmoid``
    Logistic curve between the benchmark's chance score and its perfect score, fitted by
    least squares on the logit scale (closed form). Points at or beyond either end carry no
    information on that scale and are left out; refused when fewer than two informative
    points remain, when the slope is not positive, or when :math:`p^*` is not strictly between
    the two ends.
``lower-bound``
    The largest baseline compute whose score is at most :math:`p^*` (the enhanced model does at
    least as well as that model), divided by :math:`C_E`; ``is_lower_bound`` is set. When the
    enhanced model beats no baseline model there is no bound: ``ceg`` is NaN and ``reason``
    says so.

For lower-is-better metrics every score is negated first, so that the same code runs.

Intervals
---------
Monte Carlo: log10 compute of every model is drawn from a normal distribution (log-normal
compute) with the given standard deviation, and every score from a normal distribution with
the given standard error. ``ceg_low`` and ``ceg_high`` are the 5th and 95th percentiles of the
draws (taken on log10 CEG; draws in which the method is not identified are left out). With no
uncertainty given both equal ``ceg``. Random numbers come from fixed streams of ``seed``, one
per baseline rank and per kind of input, so the same inputs give the same bytes whatever else
is computed in the same call; all enhanced models of one call share their streams.
An enhanced model whose compute is the same quantity as a baseline model's
(``shared_compute``: the same model with and without the enhancement) takes that model's draw,
so a shared estimate's uncertainty cancels in the ratio instead of widening the interval.

The point estimate uses the central inputs; it usually lies inside the interval but need not
(a lower bound jumps from one baseline model to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ceg_calc.curves import xprime
from ceg_calc.errors import CegError
from ceg_calc.parallel import thread_map

METHODS = ("interpolate", "fit-linear", "fit-sigmoid", "lower-bound")
METHOD_VERSION = "3"  # 2: a shared compute estimate is drawn once; 3: ceg derive's rules (ceg_calc.robust)
CURVES = ("running-maximum", "isotonic")
PERCENTILES = (5.0, 95.0)

_CHUNK_ELEMENTS = 2_000_000  # values per (task, draw, point) block: about 16 MB of float64


class EstimationError(CegError, ValueError):
    """The inputs cannot give a CEG with the chosen method (the message says why)."""


@dataclass(frozen=True)
class CegResult:
    """What :func:`estimate_ceg` returns; arrays have one entry per enhanced model.

    Attributes
    ----------
    ceg, ceg_low, ceg_high : float or ndarray
        CEG (dimensionless ratio C'/C_E) and the 5th/95th percentiles of its draws.
    equivalent_flop : float or ndarray
        C', the baseline compute matching the enhanced score [FLOP].
    method : str
        The method used.
    extrapolated : bool or ndarray
        True where C' comes from outside the baseline's range.
    is_lower_bound : bool or ndarray
        True for the ``lower-bound`` method.
    reason : str or ndarray of object
        Why ``ceg`` is NaN ("" where it is not).
    """

    ceg: np.ndarray
    ceg_low: np.ndarray
    ceg_high: np.ndarray
    equivalent_flop: np.ndarray
    method: str
    extrapolated: np.ndarray
    is_lower_bound: np.ndarray
    reason: np.ndarray
    limited: np.ndarray | bool = False
    anchors: np.ndarray | None = None


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


def _vector(value, n, name):
    """``value`` as a float vector of length ``n`` (a scalar or None is broadcast; None → 0)."""
    if value is None:
        return np.zeros(n)
    array = np.asarray(value, dtype=float)
    if array.ndim == 0:
        array = np.full(n, float(array))
    if array.shape != (n,):
        raise EstimationError(f"{name} has {array.size} values; expected {n}")
    array = np.where(np.isnan(array), 0.0, array)
    if (array < 0).any() or not np.isfinite(array).all():
        raise EstimationError(f"{name} must be finite and non-negative")
    return array


def _log10_flop(values, name) -> np.ndarray:
    array = np.asarray(values, dtype=float).ravel()
    if not np.isfinite(array).all() or (array <= 0).any():
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
    if method != "lower-bound" and np.unique(x).size < 2:
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
    return [Task(x, q, x_sd, q_se, float(xe[i]), float(sign * pe[i]), float(xe_sd[i]), float(pe_se[i]),
                 low, high, int(rank[shared[i]]) if shared[i] >= 0 else -1) for i in range(xe.size)]


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


# --- batched estimation ------------------------------------------------------------------------

def _log10_quantiles(logs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The PERCENTILES of each row's draws, leaving out NaN draws; NaN for a row with none."""
    missing = np.isnan(logs)
    if not missing.any():
        return tuple(np.percentile(logs, PERCENTILES, axis=-1))
    low, high = np.full(logs.shape[0], np.nan), np.full(logs.shape[0], np.nan)
    some = ~missing.all(axis=-1)
    if some.any():
        low[some], high[some] = np.nanpercentile(logs[some], PERCENTILES, axis=-1)
    return low, high


def failure_reason(method: str, task: Task) -> str:
    """Why ``method`` gives no C' for ``task`` at its central inputs."""
    if method == "lower-bound":
        return "the enhanced model scores below every baseline model: no lower bound"
    if method == "interpolate":
        return "the baseline's score never rises with compute"
    if method == "fit-linear":
        return "the baseline's fitted score does not rise with compute"
    informative = ((task.q > task.low) & (task.q < task.high))
    if np.unique(task.x[informative]).size < 2:
        return "fewer than two baseline scores strictly between chance and perfect: sigmoid not identified"
    if not task.low < task.pe < task.high:
        return "the enhanced score is not strictly between chance and perfect: sigmoid not identified"
    return "the fitted sigmoid does not rise with compute: not identified"


def _central_curve(x: np.ndarray, q: np.ndarray, q_se: np.ndarray) -> np.ndarray:
    """Baseline scores (tasks, n) replaced by their weighted isotonic fit, with SciPy."""
    from ceg_calc.isotonic import isotonic_points, score_weights

    return np.stack([isotonic_points(qi, score_weights(si)) for qi, si in zip(q, q_se)])


def estimate_tasks(tasks: list[Task], method: str, draws: int = 10_000, seed: int = 0,
                   curve: str = "running-maximum", limit: float | None = None):
    """Estimate every task (all with the same number of baseline points) in vectorised blocks.

    ``curve`` chooses the monotone curve of ``interpolate`` (:data:`CURVES`); ``limit``
    [decades], when given, clips every draw's log10 C' to the baseline's compute range widened
    by ``limit`` on each side (the point estimate is not clipped: :mod:`ceg_calc.robust`
    decides what happens beyond the limit).

    Returns
    -------
    dict of ndarray
        ``log10_ceg``, ``log10_low``, ``log10_high``, ``xprime``, ``extrapolated``, ``identified``.
    """
    n = tasks[0].x.size
    x = np.stack([t.x for t in tasks])
    q = np.stack([t.q for t in tasks])
    xe = np.array([t.xe for t in tasks])
    pe = np.array([t.pe for t in tasks])
    low = np.array([t.low for t in tasks])
    high = np.array([t.high for t in tasks])
    x_sd = np.stack([t.x_sd for t in tasks])
    q_se = np.stack([t.q_se for t in tasks])
    isotonic = curve == "isotonic" and method == "interpolate"
    q_central = _central_curve(x, q, q_se) if isotonic else q
    point, extrapolated = xprime(method, [x[:, k, None] for k in range(n)],
                                  [q_central[:, k, None] for k in range(n)], pe[:, None], low, high)
    point, extrapolated = point[:, 0], extrapolated[:, 0]
    log10_ceg = point - xe
    log10_low, log10_high = log10_ceg.copy(), log10_ceg.copy()
    if isotonic:
        from ceg_calc.isotonic import score_weights

        weights = np.stack([score_weights(t.q_se) for t in tasks])
    xe_sd = np.array([t.xe_sd for t in tasks])
    pe_se = np.array([t.pe_se for t in tasks])
    uncertain = (x_sd.any(axis=1) | q_se.any(axis=1) | (xe_sd > 0) | (pe_se > 0)) & np.isfinite(point)
    if draws > 0 and uncertain.any():
        z_x = [standard_normal(seed, draws, "baseline-compute", k) for k in range(n)]
        z_q = [standard_normal(seed, draws, "baseline-score", k) for k in range(n)]
        z_xe = standard_normal(seed, draws, "enhanced-compute")
        z_pe = standard_normal(seed, draws, "enhanced-score")
        shared = np.array([t.shared for t in tasks])
        which = np.flatnonzero(uncertain)
        step = max(1, _CHUNK_ELEMENTS // (draws * n))

        def quantiles(idx):
            xs = [x[idx, k, None] + x_sd[idx, k, None] * z_x[k] for k in range(n)]
            qs = [q[idx, k, None] + q_se[idx, k, None] * z_q[k] for k in range(n)]
            xes = xe[idx, None] + xe_sd[idx, None] * z_xe
            for row in np.flatnonzero(shared[idx] >= 0):
                # the same compute as a baseline model: its draw, moved by the same amount
                k = shared[idx[row]]
                xes[row] = xe[idx[row]] + (xs[k][row] - x[idx[row], k])
            pes = pe[idx, None] + pe_se[idx, None] * z_pe
            ws = [weights[idx, k, None] for k in range(n)] if isotonic else None
            drawn, _ = xprime(method, xs, qs, pes, low[idx], high[idx], curve if isotonic else "running-maximum", ws)
            if limit is not None:
                drawn = np.clip(drawn, x[idx, :1] - limit, x[idx, -1:] + limit)
            return _log10_quantiles(drawn - xes)

        # numpy releases the GIL in its loops: blocks of tasks run on the machine's cores at once
        blocks = [which[start:start + step] for start in range(0, which.size, step)]
        for idx, (block_low, block_high) in zip(blocks, thread_map(quantiles, blocks)):
            log10_low[idx], log10_high[idx] = block_low, block_high
    return {"log10_ceg": log10_ceg, "log10_low": log10_low, "log10_high": log10_high,
            "xprime": point, "extrapolated": extrapolated & np.isfinite(point),
            "identified": np.isfinite(point)}


def estimate_ceg(baseline_flop, baseline_score, enhanced_flop, enhanced_score, method="interpolate",
                 higher_is_better=True, baseline_log10_sd=None, enhanced_log10_sd=None,
                 score_stderr=None, enhanced_score_stderr=None, chance_score=None, perfect_score=None,
                 shared_compute=None, draws=10_000, seed=0, *, informative_z=None, require_rise=False,
                 extrapolation_limit=None, curve="running-maximum", point_in_interval=False) -> CegResult:
    """Compute-equivalent gain of enhanced model(s) against one baseline family.

    Parameters
    ----------
    baseline_flop : array_like, shape (n,)
        Training compute of the non-enhanced models [FLOP].
    baseline_score : array_like, shape (n,)
        Their scores on the benchmark [the benchmark's own unit, e.g. percent accuracy].
    enhanced_flop : float or array_like, shape (m,)
        Training compute of each enhanced model, fine-tuning included [FLOP].
    enhanced_score : float or array_like, shape (m,)
        Score of each enhanced model [same unit as ``baseline_score``].
    method : {"interpolate", "fit-linear", "fit-sigmoid", "lower-bound"}
        How C' is found (see the module docstring).
    higher_is_better : bool
        False for perplexity, loss or error rate: the comparison runs the other way.
    baseline_log10_sd, enhanced_log10_sd : float or array_like, optional
        Standard deviation of log10 training compute per model [log10 FLOP]; None or NaN → 0.
    score_stderr : float or array_like, optional
        Standard error of the baseline scores [score unit]; a scalar also applies to the
        enhanced scores unless ``enhanced_score_stderr`` is given.
    enhanced_score_stderr : float or array_like, optional
        Standard error of the enhanced scores [score unit].
    chance_score, perfect_score : float, optional
        The benchmark's chance and perfect scores; needed by ``fit-sigmoid``.
    shared_compute : int or array_like of int, shape (m,), optional
        For each enhanced model, the index of the baseline model whose training compute is the
        same quantity (the same model with and without the enhancement, or an enhanced model
        whose compute is its base model's); -1 or None for none. Its compute is then drawn
        once, so that the uncertainty of a shared estimate does not widen the interval.
    draws : int
        Monte Carlo draws for the interval (0: no interval).
    seed : int
        Seed of the random streams.
    informative_z, require_rise, extrapolation_limit, curve, point_in_interval
        The rules of :class:`ceg_calc.robust.Policy` (``ceg derive`` publishes
        :data:`ceg_calc.robust.DERIVE_POLICY`: 2, True, 1, "isotonic", True). The defaults apply
        none of them. With any rule, a row the rules refuse falls back to the survey's lower
        bound (``is_lower_bound``; ``limited`` beyond the extrapolation limit) instead of raising.

    Returns
    -------
    CegResult
        Scalars when ``enhanced_flop`` and ``enhanced_score`` are scalars, else arrays of shape (m,).

    Raises
    ------
    EstimationError
        For invalid inputs, and when ``fit-linear`` or ``fit-sigmoid`` is not identified.

    Examples
    --------
    >>> r = estimate_ceg([1e21, 1e22, 1e23], [10, 20, 30], 1e21, 25)
    >>> round(float(r.ceg), 2)
    31.62
    """
    scalar = np.ndim(enhanced_flop) == 0 and np.ndim(enhanced_score) == 0
    tasks = make_tasks(baseline_flop, baseline_score, enhanced_flop, enhanced_score, method=method,
                       higher_is_better=higher_is_better, baseline_log10_sd=baseline_log10_sd,
                       enhanced_log10_sd=enhanced_log10_sd, score_stderr=score_stderr,
                       enhanced_score_stderr=enhanced_score_stderr, chance_score=chance_score,
                       perfect_score=perfect_score, shared_compute=shared_compute)
    from ceg_calc.robust import LEGACY, Policy

    policy = Policy(informative_z, require_rise, extrapolation_limit, curve, point_in_interval)
    if policy != LEGACY:
        from ceg_calc.robust import policy_result

        return policy_result(tasks, method, policy, draws, seed, scalar)
    out = estimate_tasks(tasks, method, draws=draws, seed=seed)
    reasons = np.array(["" if ok else failure_reason(method, t) for ok, t in zip(out["identified"], tasks)],
                       dtype=object)
    if method in ("fit-linear", "fit-sigmoid") and not out["identified"].all():
        raise EstimationError(reasons[~out["identified"]][0])
    with np.errstate(over="ignore"):  # an extreme extrapolation may overflow to inf: kept as such
        result = CegResult(
            ceg=10.0 ** out["log10_ceg"], ceg_low=10.0 ** out["log10_low"], ceg_high=10.0 ** out["log10_high"],
            equivalent_flop=10.0 ** out["xprime"], method=method, extrapolated=out["extrapolated"],
            is_lower_bound=np.full(len(tasks), method == "lower-bound"), reason=reasons)
    if scalar:
        result = CegResult(float(result.ceg[0]), float(result.ceg_low[0]), float(result.ceg_high[0]),
                           float(result.equivalent_flop[0]), method, bool(result.extrapolated[0]),
                           bool(result.is_lower_bound[0]), str(reasons[0]))
    return result

