"""What the package is willing to publish as a number: the rules of method version 4.

The calculator (:mod:`ceg_calc.calc.estimate`) finds C' for any inputs. These rules decide, row by
row, whether that C' is evidence, following the survey's own caution that a CEG stops being
meaningful where scaling the baseline does not improve performance:

1. **Informative points.** A baseline point anchors a curve only when its score lies more
   than ``informative_z`` standard errors above the benchmark's chance level (below it for a
   lower-is-better metric). Other points stay in the row's provenance (``baseline_score_ids``)
   but not in the curve (``anchor_score_ids``).
2. **A rising baseline.** The anchoring points must rise with compute by more than their noise:
   the weighted least-squares slope of score on log10 compute (weights 1/SE^2) must exceed
   ``informative_z`` times its standard error (any positive slope when a point has no standard
   error). Otherwise, and when fewer than two anchoring points remain, the row falls back to
   the survey's lower bound.
3. **An extrapolation limit.** C' may lie at most ``extrapolation_limit`` decades beyond the
   anchoring points' largest compute, or below their smallest. Within it a point outside the
   range is flagged ``extrapolated`` (and Monte Carlo draws are clipped to the limit); beyond it
   the row becomes the survey's lower bound, flagged ``limited`` -- never a point value.
4. **A monotone curve that averages noise.** ``interpolate`` runs through the weighted
   isotonic regression of score on log10 compute instead of the running maximum.
5. **A point inside its interval.** Where the central estimate falls outside the 5-95%
   percentiles of its draws, the interval is widened to include it (the row says so).

Version 4 adds the rules of a bound (the fallback of rules 2 and 3, and the ``lower-bound``
method), and a standard error that is never 0:

6. **A score's standard error** without a stated one is Agresti-Coull's (``score_se``; applied
   by ``ceg derive`` when it builds the tasks), which is positive at 0% and 100%.
7. **Informative bounds** (``informative_bounds``). A bound rests only on baseline models that
   score more than ``informative_z`` standard errors above chance, and only when the enhanced
   score does too; otherwise there is no bound.
8. **No contradicted bound** (``contradiction``). A bound is void when a baseline model at or
   below the beaten model's compute scores above the enhanced score by more than
   ``informative_z`` standard errors of the difference: the ladder is not monotone there.
9. **Censored tops** (``censored_top``). An enhanced model at or above the compute of its
   ladder's top that beats the top beyond noise has a gain the family cannot measure (C' lies
   above the ladder): the row is ``censored`` (no value; ``xprime`` is the top's compute, the
   floor of C'), never a trivial bound.

The fallback lower bound is the survey's rule on every baseline point with compute: the
compute of the largest baseline model the enhanced model beats, over C_E -- where "beats" means
scoring above it by more than ``informative_z`` standard errors of the difference, since the
fallback serves exactly the baselines whose scores are flat or noisy. When the enhanced model
beats none, the row has no value and the reason says why. (A comparison whose method is
``lower-bound`` keeps the survey's rule as stated: at least as well.)

:data:`LEGACY` (no rule) is what :func:`ceg_calc.calc.estimate.estimate_ceg` does by default;
:data:`DERIVE_POLICY` is what ``ceg derive`` publishes; :data:`VERSION_3` is the previous one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ceg_calc.calc.batch import CURVES, estimate_groups, failure_reason
from ceg_calc.calc.tasks import DRAWS, SEED, EstimationError, Task

CURVE_METHODS = ("interpolate", "fit-linear", "fit-sigmoid")
#: 2: a shared compute estimate is drawn once; 3: rules 1-5 of this module; 4: rules 6-9 added
METHOD_VERSION = "4"
SCORE_SE = ("wald", "agresti-coull")


@dataclass(frozen=True)
class Policy:
    """Rules applied around the calculator (see the module docstring).

    Attributes
    ----------
    informative_z : float or None
        Standard errors above chance a baseline score needs to anchor a curve, and the
        z-score its rise must reach; None: every point anchors and no rise is required.
    require_rise : bool
        Apply rule 2.
    extrapolation_limit : float or None
        Decades of compute C' may lie beyond the anchoring points [log10 FLOP]; None: no limit.
    curve : {"running-maximum", "isotonic"}
        Monotone curve of ``interpolate``.
    point_in_interval : bool
        Apply rule 5.
    score_se : {"wald", "agresti-coull"}
        Binomial standard error of a score without a stated one (rule 6; read where the tasks are
        built, :func:`ceg_calc.derive.plan.score_stderr`).
    informative_bounds, contradiction, censored_top : bool
        Apply rules 7, 8 and 9 to every bound.
    """

    informative_z: float | None = None
    require_rise: bool = False
    extrapolation_limit: float | None = None
    curve: str = "running-maximum"
    point_in_interval: bool = False
    score_se: str = "wald"
    informative_bounds: bool = False
    contradiction: bool = False
    censored_top: bool = False

    def __post_init__(self):
        if self.curve not in CURVES:
            raise EstimationError(f"unknown curve {self.curve!r}; expected one of {', '.join(CURVES)}")
        if self.score_se not in SCORE_SE:
            raise EstimationError(f"unknown score_se {self.score_se!r}; expected one of {', '.join(SCORE_SE)}")
        for name in ("informative_z", "extrapolation_limit"):
            value = getattr(self, name)
            if value is not None and not (np.isfinite(value) and value >= 0):
                raise EstimationError(f"{name} must be a non-negative number or None")


LEGACY = Policy()
#: Method version 3: rules 1-5 with z = 2 standard errors and k = 1 decade.
VERSION_3 = Policy(informative_z=2.0, require_rise=True, extrapolation_limit=1.0, curve="isotonic",
                   point_in_interval=True)
#: Method version 4, what ``ceg derive`` publishes (docs/methodology.md): rules 1-9.
DERIVE_POLICY = replace(VERSION_3, score_se="agresti-coull", informative_bounds=True, contradiction=True,
                        censored_top=True)


def informative(task: Task, z: float | None) -> np.ndarray:
    """Which baseline points (sorted order) lie more than ``z`` standard errors above chance."""
    if z is None or np.isnan(task.low):
        return np.ones(task.x.size, dtype=bool)
    return task.q > task.low + z * task.q_se


def rise_z(task: Task) -> float:
    """Weighted least-squares slope of score on log10 compute over its standard error
    (weights 1/SE^2); +inf for a positive slope when a point has no standard error, NaN when
    fewer than two compute values."""
    x, q, se = task.x, task.q, task.q_se
    if np.unique(x).size < 2:
        return float("nan")
    known = bool((se > 0).all())
    w = 1.0 / se ** 2 if known else np.ones(x.size)
    xm = np.sum(w * x) / np.sum(w)
    sxx = np.sum(w * (x - xm) ** 2)
    slope = np.sum(w * (x - xm) * q) / sxx
    if not known:
        return float("inf") if slope > 0 else float("-inf")
    return float(slope * np.sqrt(sxx))


def _kept_shared(task: Task, keep: np.ndarray) -> int:
    """The task's shared point among the points in ``keep`` (-1 when it has none or it is dropped)."""
    return int(np.cumsum(keep)[task.shared] - 1) if task.shared >= 0 and keep[task.shared] else -1


def restrict(task: Task, keep: np.ndarray) -> Task:
    """The task with only the baseline points in ``keep`` (the shared point follows, or is dropped)."""
    return replace(task, x=task.x[keep], q=task.q[keep], x_sd=task.x_sd[keep], q_se=task.q_se[keep],
                   shared=_kept_shared(task, keep))


def beaten_beyond_noise(task: Task, z: float | None) -> Task:
    """The task of a fallback lower bound: each baseline score raised by ``z`` standard errors of
    the difference, so that a model counts as beaten only when the enhanced score exceeds it by
    more than that (a flat, noisy baseline gives no bound from noise alone)."""
    if not z:
        return task
    return replace(task, q=task.q + z * np.sqrt(task.q_se ** 2 + task.pe_se ** 2))


def _run(tasks: list[Task], which: list[int], method: str, draws: int, seed: int, **options) -> dict:
    """:func:`~ceg_calc.calc.batch.estimate_groups` on ``tasks[i] for i in which``, grouped by number of
    points; results by index."""
    groups: dict = {}
    for i in which:
        groups.setdefault(tasks[i].x.size, []).append(i)
    ordered = [members for _, members in sorted(groups.items())]
    results = {}
    for members, out in zip(ordered, estimate_groups([[tasks[i] for i in members] for members in ordered],
                                                     method, draws=draws, seed=seed, **options)):
        for j, i in enumerate(members):
            results[i] = {key: value[j] for key, value in out.items()}
    return results


def _curve_or_fallback(task: Task, method: str, policy: Policy):
    """The curve task of one row, or the reason it falls back to the lower bound."""
    z = policy.informative_z or 0.0
    anchors = informative(task, policy.informative_z)
    curve = restrict(task, anchors)
    dropped = int((~anchors).sum())
    if np.unique(curve.x).size < 2:
        return anchors, None, (f"fewer than two baseline points score more than {z:g} "
                               f"standard errors above chance ({dropped} left out): no curve")
    if policy.require_rise:
        t = rise_z(curve)
        if not t > z:
            return anchors, None, (f"the informative baseline points do not rise with compute beyond noise "
                                   f"(slope / SE = {t:.2g}, needs > {z:g}): no point estimate")
    return anchors, curve, ""


def _shared_curve_or_fallback(task: Task, method: str, policy: Policy, seen: dict):
    """:func:`_curve_or_fallback`, worked out once per baseline: the enhanced models of one
    comparison hold the same baseline arrays, and only the shared point differs between them."""
    key = (id(task.x), id(task.q), id(task.x_sd), id(task.q_se), float(task.low))
    hit = seen.get(key)
    if hit is None:
        anchors, curve, reason = _curve_or_fallback(replace(task, shared=-1), method, policy)
        hit = seen[key] = (task, anchors, curve, reason)  # the task keeps its arrays (and so the ids) alive
    _, anchors, curve, reason = hit
    if curve is not None:  # the baseline's restricted arrays, with this model's own shared point
        curve = replace(task, x=curve.x, q=curve.q, x_sd=curve.x_sd, q_se=curve.q_se,
                        shared=_kept_shared(task, anchors))
    return anchors.copy(), curve, reason


def estimate_with_policy(tasks: list[Task], method: str, policy: Policy = DERIVE_POLICY,
                         draws: int = DRAWS, seed: int = SEED) -> list[dict]:
    """Estimate every task under ``policy``; one dict per task.

    Returns
    -------
    list of dict
        ``log10_ceg``, ``log10_low``, ``log10_high``, ``xprime`` [log10 FLOP] (NaN when no
        value), ``extrapolated``, ``limited``, ``is_lower_bound``, ``identified`` (bool),
        ``anchors`` (bool array over the task's sorted points) and ``notes`` (list of str).
    """
    rows = [{"anchors": np.ones(t.x.size, dtype=bool), "notes": [], "limited": False, "censored": False}
            for t in tasks]
    if method == "lower-bound" and bound_rules(policy):
        return _finish(rows, _bounds(tasks, list(range(len(tasks))), policy, draws, seed, margin=False),
                       set(range(len(tasks))), method, policy)
    curves, fallback, by_baseline = {}, [], {}
    for i, task in enumerate(tasks):
        if method not in CURVE_METHODS or policy == LEGACY:
            curves[i] = task
            continue
        rows[i]["anchors"], curve, reason = _shared_curve_or_fallback(task, method, policy, by_baseline)
        if curve is None:
            rows[i]["notes"].append(reason)
            fallback.append(i)
        else:
            curves[i] = curve
    limit = policy.extrapolation_limit
    ruled = method in CURVE_METHODS and policy != LEGACY
    listed = list(curves.values())
    # the central estimates decide which rows stay points; only those get Monte Carlo draws
    central = _run(listed, list(range(len(listed))), method, 0, seed, curve=policy.curve) if ruled else {}
    kept = [j for j in range(len(listed)) if not ruled or _stays_point(listed[j], central[j], limit)]
    done = {**central, **_run(listed, kept, method, draws, seed, curve=policy.curve, limit=limit)}
    for j, (i, curve) in enumerate(curves.items()):
        out = done[j]
        if not ruled:
            rows[i].update(out)
            if not out["identified"]:
                rows[i]["notes"].append(failure_reason(method, curve))
            continue
        if not out["identified"]:
            rows[i]["notes"].append(failure_reason(method, curve))
            fallback.append(i)
            continue
        beyond = max(curve.x[0] - out["xprime"], out["xprime"] - curve.x[-1])
        if limit is not None and beyond > limit:
            rows[i]["notes"].append(f"C' would lie {beyond:.2g} decades beyond the baseline's compute "
                                    f"(limit {limit:g}): the survey's lower bound instead of a point")
            rows[i]["limited"] = True
            fallback.append(i)
            continue
        rows[i].update(out)
    if bound_rules(policy):
        return _finish(rows, _bounds(tasks, sorted(fallback), policy, draws, seed, margin=True), set(fallback),
                       method, policy)
    bound_tasks = [beaten_beyond_noise(t, policy.informative_z) for t in tasks]
    for i, out in _run(bound_tasks, sorted(fallback), "lower-bound", draws, seed).items():
        rows[i].update(out)
        if not out["identified"]:
            rows[i]["notes"].append(failure_reason("lower-bound", tasks[i]) + (
                f" by more than {policy.informative_z:g} standard errors" if policy.informative_z else ""))
    return _finish(rows, {}, set(fallback), method, policy)


def _finish(rows: list[dict], bound_rows: dict, bounds: set, method: str, policy: Policy) -> list[dict]:
    """Merge the bounds' results (their notes after the row's own), set ``is_lower_bound``, apply rule 5."""
    for i, out in bound_rows.items():
        notes = rows[i]["notes"] + out.pop("notes")
        rows[i].update(out)
        rows[i]["notes"] = notes
    for i, row in enumerate(rows):
        row["is_lower_bound"] = method == "lower-bound" or i in bounds
        if policy.point_in_interval and row.get("identified"):
            _point_inside(row)
    return rows


def bound_rules(policy: Policy) -> bool:
    """Whether any of the rules of a bound (7-9) applies."""
    return policy.informative_bounds or policy.contradiction or policy.censored_top


def _no_bound(task: Task, note: str, anchors=None, censored: bool = False, xprime: float = np.nan) -> dict:
    nan = float("nan")
    return {"log10_ceg": nan, "log10_low": nan, "log10_high": nan, "xprime": xprime, "extrapolated": False,
            "identified": False, "censored": censored, "notes": [note],
            "anchors": np.ones(task.x.size, dtype=bool) if anchors is None else anchors}


def _noise(task: Task, z: float) -> np.ndarray:
    """z standard errors of the difference between the enhanced score and each baseline score."""
    return z * np.sqrt(task.q_se ** 2 + task.pe_se ** 2)


def contradicting(task: Task, beaten_x: float, z: float) -> np.ndarray:
    """Rule 8: baseline points (sorted order) at or below ``beaten_x`` [log10 FLOP] that score above
    the enhanced score by more than ``z`` standard errors of the difference."""
    return (task.x <= beaten_x + 1e-12) & (task.q - task.pe > _noise(task, z))


def censored_at_top(task: Task, z: float) -> bool:
    """Rule 9: the enhanced model has at least the compute of the ladder's top (its largest
    compute) and beats every point there beyond noise (so a bound would be at most 1)."""
    top = task.x[-1]
    at_top = task.x >= top - 1e-12
    return bool(task.xe >= top - 1e-12 and (task.pe - task.q[at_top] > _noise(task, z)[at_top]).all())


def _void(task: Task, beaten: float, z: float) -> str:
    """Rule 8's reason, naming the largest contradicting baseline point."""
    j = int(np.flatnonzero(contradicting(task, beaten, z))[-1])
    return (f"void: a baseline model of 10^{task.x[j]:.2f} FLOP, at or below the beaten model's 10^{beaten:.2f}, "
            f"scores above the enhanced model by more than {z:g} standard errors of the difference (the ladder "
            f"is not monotone there): no bound")


def _bounds(tasks: list[Task], which: list[int], policy: Policy, draws: int, seed: int, margin: bool) -> dict:
    """Rules 7-9 around the survey's lower bound of ``tasks[i] for i in which``; one dict by index.

    ``margin``: a model counts as beaten only beyond ``informative_z`` standard errors of the
    difference (the fallback of the curve methods); without it, at least as well (the survey's rule).
    """
    z = policy.informative_z or 0.0
    out, prepared, masks = {}, {}, {}
    for i in which:
        task = tasks[i]
        keep = np.ones(task.x.size, dtype=bool)
        if policy.informative_bounds and not np.isnan(task.low):
            if not task.pe > task.low + z * task.pe_se:
                out[i] = _no_bound(task, f"the enhanced score lies within {z:g} standard errors of chance: "
                                         f"no bound rests on it")
                continue
            keep = informative(task, z)
        top = float(task.x[-1])
        if policy.censored_top and censored_at_top(task, z):
            if policy.contradiction and contradicting(task, top, z).any():
                out[i] = _no_bound(task, _void(task, top, z), keep)
            else:
                out[i] = _no_bound(task, f"above the ladder: the enhanced model, at or above the compute of the "
                                         f"family's largest model (10^{top:.2f} FLOP), beats it beyond noise, so C' "
                                         f"exceeds the ladder; the CEG (> {10 ** (top - task.xe):.3g}) is not "
                                         f"measurable within the family", keep, censored=True, xprime=top)
            continue
        if not keep.any():
            out[i] = _no_bound(task, f"no baseline model scores more than {z:g} standard errors above chance: "
                                     f"no bound", keep)
            continue
        masks[i] = keep
        restricted = restrict(task, keep)
        prepared[i] = beaten_beyond_noise(restricted, z) if margin else restricted
    central = _run(prepared, list(prepared), "lower-bound", 0, seed)
    survivors = []
    for i, result in central.items():
        task, keep = tasks[i], masks[i]
        if not result["identified"]:
            left_out = int((~keep).sum())
            out[i] = _no_bound(task, failure_reason("lower-bound", task) + (
                f" by more than {z:g} standard errors" if margin and z else "") + (
                f" (among the baseline models more than {z:g} standard errors above chance; {left_out} left out)"
                if left_out else ""), keep)
            continue
        beaten = float(result["xprime"])
        if policy.contradiction and contradicting(task, beaten, z).any():
            out[i] = _no_bound(task, _void(task, beaten, z), keep)
            continue
        survivors.append(i)
    for i, result in _run(prepared, survivors, "lower-bound", draws, seed).items():
        out[i] = {**result, "notes": [], "anchors": masks[i], "censored": False}
    return out


def _stays_point(curve: Task, central: dict, limit: float | None) -> bool:
    """Whether the central estimate is a point within the extrapolation limit."""
    if not central["identified"]:
        return False
    return limit is None or max(curve.x[0] - central["xprime"], central["xprime"] - curve.x[-1]) <= limit


def _point_inside(row: dict) -> None:
    """Rule 5: widen the percentiles to include the central estimate, saying so."""
    point, low, high = row["log10_ceg"], row["log10_low"], row["log10_high"]
    if np.isnan(low) or np.isnan(high):
        row["log10_low"] = row["log10_high"] = point
        row["notes"].append("no draw identified the method: interval collapsed to the point")
    elif point < low or point > high:
        row["log10_low"], row["log10_high"] = min(low, point), max(high, point)
        row["notes"].append("the 5-95% interval of the draws did not contain the central estimate: widened to it")
