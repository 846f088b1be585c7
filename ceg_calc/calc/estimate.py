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

from dataclasses import dataclass, replace

import numpy as np

from ceg_calc.calc.batch import estimate_tasks, failure_reason
from ceg_calc.calc.policy import LEGACY, Policy, estimate_with_policy
from ceg_calc.calc.tasks import DRAWS, SEED, EstimationError, make_tasks


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
    censored : bool or ndarray
        True where the enhanced model lies above its ladder (method version 4's rule 9): no value,
        ``equivalent_flop`` is the ladder top's compute, which C' exceeds.
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
    censored: np.ndarray | bool = False


def estimate_ceg(baseline_flop, baseline_score, enhanced_flop, enhanced_score, method="interpolate",
                 higher_is_better=True, baseline_log10_sd=None, enhanced_log10_sd=None,
                 score_stderr=None, enhanced_score_stderr=None, chance_score=None, perfect_score=None,
                 shared_compute=None, draws=DRAWS, seed=SEED, *, policy: Policy = LEGACY) -> CegResult:
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
    policy : Policy
        The rules applied around the calculator (:class:`ceg_calc.calc.policy.Policy`); ``ceg
        derive`` publishes :data:`ceg_calc.calc.policy.DERIVE_POLICY`. The default,
        :data:`~ceg_calc.calc.policy.LEGACY`, applies none. Under any rule, a row the rules
        refuse falls back to the survey's lower bound (``is_lower_bound``; ``limited`` beyond the
        extrapolation limit) instead of raising.

    Returns
    -------
    CegResult
        Scalars when ``enhanced_flop`` and ``enhanced_score`` are scalars, else arrays of shape (m,).

    Raises
    ------
    EstimationError
        For invalid inputs, and when ``fit-linear`` or ``fit-sigmoid`` is not identified
        (without rules).

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
    if policy != LEGACY:
        return _result(estimate_with_policy(tasks, method, policy, draws=draws, seed=seed), method, scalar)
    out = estimate_tasks(tasks, method, draws=draws, seed=seed)
    rows = [{**{key: value[i] for key, value in out.items()}, "is_lower_bound": method == "lower-bound",
             "notes": [] if out["identified"][i] else [failure_reason(method, task)]}
            for i, task in enumerate(tasks)]
    if method in ("fit-linear", "fit-sigmoid") and not out["identified"].all():
        raise EstimationError(next(r["notes"][0] for r in rows if r["notes"]))
    # without rules the result says nothing of limits or anchors
    return replace(_result(rows, method, scalar), limited=False, anchors=None)


def _result(rows: list[dict], method: str, scalar: bool) -> CegResult:
    """The :class:`CegResult` of estimated rows (one dict per enhanced model, log10 values)."""
    def column(key, dtype=float):
        return np.array([r.get(key, False) for r in rows], dtype=dtype)

    with np.errstate(over="ignore"):  # an extreme extrapolation may overflow to inf: kept as such
        values = [10.0 ** column("log10_ceg"), 10.0 ** column("log10_low"), 10.0 ** column("log10_high"),
                  10.0 ** column("xprime")]
    flags = [column("extrapolated", bool), column("is_lower_bound", bool)]
    reasons = np.array(["; ".join(r["notes"]) for r in rows], dtype=object)
    limited, censored = column("limited", bool), column("censored", bool)
    anchors = [r.get("anchors") for r in rows]
    if scalar:
        return CegResult(*(float(v[0]) for v in values), method, *(bool(f[0]) for f in flags), str(reasons[0]),
                         bool(limited[0]), anchors[0], bool(censored[0]))
    return CegResult(*values, method, *flags, reasons, limited, anchors, censored)
