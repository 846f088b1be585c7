"""Batched estimation: every task with the same number of baseline points in vectorised blocks of
(task, draw, point) arrays, and why a method gives no C' for a task."""

from __future__ import annotations

import numpy as np

from ceg_calc.calc.curves import interpolate_curve, invert_curve, xprime
from ceg_calc.calc.tasks import DRAWS, SEED, Task, standard_normal
from ceg_calc.core.parallel import cores, thread_map

CURVES = ("running-maximum", "isotonic")
PERCENTILES = (5.0, 95.0)

_CHUNK_ELEMENTS = 1_000_000  # values per (task, draw, point) block: about 8 MB of float64


def _row_percentiles(rows: np.ndarray, count: int) -> list[np.ndarray]:
    """The PERCENTILES of the first ``count`` order statistics of each row (the other values are
    larger), partitioning ``rows`` in place along its contiguous last axis.

    The arithmetic is ``np.percentile``'s linear method step by step (``(count - 1) * q`` with
    ``q = p / 100``, its index bounds, and its two-sided interpolation), so the values are the same
    (tested). ``np.percentile`` itself partitions along a strided axis at four positions at once; here
    each percentile's lower neighbour is selected alone and the upper one is the minimum of what
    follows it, several times faster."""
    q = np.true_divide(np.array(PERCENTILES), 100)
    virtual = (count - 1) * q
    previous = np.floor(virtual)
    following = previous + 1
    above = virtual >= count - 1
    previous[above], following[above] = -1, -1
    below = virtual < 0
    previous[below], following[below] = 0, 0
    previous, following = previous.astype(np.intp), following.astype(np.intp)
    gamma = virtual - previous
    at_previous, at_following = previous % count, following % count  # -1: the largest kept value
    # one selection per percentile, from the highest down, each within what the one above left
    # below it (numpy's partition at several positions at once is several times slower); the next
    # order statistic is then the smallest value after the selected one
    upper = rows.shape[-1]
    for k in sorted(set(at_previous.tolist()), reverse=True):
        rows[:, :upper].partition(k, axis=-1)
        upper = k
    out = []
    for j in range(q.size):
        a, t = rows[:, at_previous[j]], gamma[j]
        b = a if at_following[j] == at_previous[j] else rows[:, at_following[j]:].min(axis=-1)
        diff = b - a
        out.append(b - diff * (1 - t) if t >= 0.5 else a + diff * t)
    return out


def _log10_quantiles(logs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The PERCENTILES of each row's draws, leaving out NaN draws; NaN for a row with none.
    ``logs`` is reordered along each row (partitioned in place: no copy of the draws).

    What ``np.nanpercentile`` gives row by row: a percentile depends only on the values kept, not
    on their order. Missing draws become +inf, so that they follow every kept value; each run of
    consecutive rows with the same count kept (the models of one baseline, usually) then takes
    its percentiles from its first order statistics (:func:`_row_percentiles`)."""
    missing = np.isnan(logs)
    draws = logs.shape[-1]
    if not missing.any():
        return tuple(_row_percentiles(logs, draws))
    low, high = np.full(logs.shape[0], np.nan), np.full(logs.shape[0], np.nan)
    left = draws - np.count_nonzero(missing, axis=-1)
    logs[missing] = np.inf
    edges = np.flatnonzero(np.diff(left)) + 1
    for start, stop in zip([0, *edges.tolist()], [*edges.tolist(), left.size]):
        count = int(left[start])
        if count:
            low[start:stop], high[start:stop] = _row_percentiles(logs[start:stop], count)
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


def _baseline_groups(tasks: list[Task]) -> np.ndarray:
    """For each task, the number of its baseline (the same points, spreads and score range share one)."""
    seen: dict = {}
    return np.array([seen.setdefault((t.x.tobytes(), t.q.tobytes(), t.x_sd.tobytes(), t.q_se.tobytes(),
                                      float(t.low), float(t.high)), len(seen)) for t in tasks], dtype=np.int64)


def _central_curve(q: np.ndarray, q_se: np.ndarray, baseline_of: np.ndarray) -> np.ndarray:
    """Baseline scores (tasks, n) replaced by their weighted isotonic fit (PAVA): one fit per
    baseline (``baseline_of``, :func:`_baseline_groups`), which its tasks share."""
    from ceg_calc.calc.isotonic import isotonic_points, score_weights

    _, first, inverse = np.unique(baseline_of, return_index=True, return_inverse=True)
    return np.stack([isotonic_points(q[i], score_weights(q_se[i])) for i in first])[inverse]


def estimate_tasks(tasks: list[Task], method: str, draws: int = DRAWS, seed: int = SEED,
                   curve: str = "running-maximum", limit: float | None = None):
    """Estimate every task (all with the same number of baseline points) in vectorised blocks.

    ``curve`` chooses the monotone curve of ``interpolate`` (:data:`CURVES`); ``limit``
    [decades], when given, clips every draw's log10 C' to the baseline's compute range widened
    by ``limit`` on each side (the point estimate is not clipped: :mod:`ceg_calc.calc.policy`
    decides what happens beyond the limit).

    Returns
    -------
    dict of ndarray
        ``log10_ceg``, ``log10_low``, ``log10_high``, ``xprime``, ``extrapolated``, ``identified``.
    """
    return estimate_groups([tasks], method, draws, seed, curve, limit)[0]


def estimate_groups(groups: list[list[Task]], method: str, draws: int = DRAWS, seed: int = SEED,
                    curve: str = "running-maximum", limit: float | None = None) -> list[dict]:
    """:func:`estimate_tasks` of each group of tasks (each group's tasks with the same number of
    baseline points), the blocks of every group on the machine's cores at once, largest first: no
    core waits for the end of one group before the next begins. The same values as group by group."""
    prepared = [_prepare(tasks, method, draws, seed, curve, limit) for tasks in groups]
    jobs = [(out, quantiles, idx, idx.size * tasks[0].x.size)  # a block's cost: its tasks times their points
            for tasks, (out, quantiles, blocks) in zip(groups, prepared) for idx in blocks]
    jobs.sort(key=lambda job: -job[3])
    # numpy releases the GIL in its loops: blocks of tasks run on the machine's cores at once
    for (out, _, idx, _), (block_low, block_high) in zip(jobs, thread_map(lambda job: job[1](job[2]), jobs)):
        out["log10_low"][idx], out["log10_high"][idx] = block_low, block_high
    return [out for out, _, _ in prepared]


def _prepare(tasks: list[Task], method: str, draws: int, seed: int, curve: str, limit: float | None):
    """The central estimates of ``tasks``, the blocks of tasks that need draws and the function that
    gives a block's percentiles; the percentiles go into the result's ``log10_low`` and ``log10_high``."""
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
    baseline_of = _baseline_groups(tasks)
    q_central = _central_curve(q, q_se, baseline_of) if isotonic else q
    point, extrapolated = xprime(method, [x[:, k, None] for k in range(n)],
                                  [q_central[:, k, None] for k in range(n)], pe[:, None], low, high)
    point, extrapolated = point[:, 0], extrapolated[:, 0]
    log10_ceg = point - xe
    log10_low, log10_high = log10_ceg.copy(), log10_ceg.copy()
    if isotonic:
        from ceg_calc.calc.isotonic import score_weights

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
        # tasks with the same baseline (every enhanced model of a comparison) share its draws and,
        # for interpolate, its sorted and fitted curve: one per distinct baseline in a block
        which = np.flatnonzero(uncertain)
        which = which[np.argsort(baseline_of[which], kind="stable")]
        # blocks of at most _CHUNK_ELEMENTS values, as many as a multiple of the cores (so that a
        # small group of tasks is not left to one core)
        count = -(-which.size * draws * n // _CHUNK_ELEMENTS)
        count = -(-count // cores()) * cores()
        step = max(1, -(-which.size // count))

        def quantiles(idx):
            groups, inverse = np.unique(baseline_of[idx], return_inverse=True)
            first = idx[np.searchsorted(baseline_of[idx], groups)]  # one task of each baseline
            xs, qs = np.empty((n, first.size, draws)), np.empty((n, first.size, draws))
            for k in range(n):  # stacked (point, baseline, draw): the curve is built in place
                np.multiply(x_sd[first, k, None], z_x[k], out=xs[k])
                xs[k] += x[first, k, None]
                np.multiply(q_se[first, k, None], z_q[k], out=qs[k])
                qs[k] += q[first, k, None]
            xes = np.empty((idx.size, draws))
            own = np.flatnonzero(shared[idx] < 0)
            xes[own] = xe[idx[own], None] + xe_sd[idx[own], None] * z_xe
            for k in range(n):
                # the same compute as baseline point k: its draw, moved by the same amount (per baseline)
                rows = np.flatnonzero(shared[idx] == k)
                if rows.size:  # only the baselines of those rows: xs[k][b] - x[b, k] for each
                    of = inverse[rows]
                    xes[rows] = xe[idx[rows], None] + (xs[k][of] - x[first[of], k, None])
            pes = pe[idx, None] + pe_se[idx, None] * z_pe
            if method == "interpolate":
                ws = [weights[first, k, None] for k in range(n)] if isotonic else None
                fitted = interpolate_curve(xs, qs, curve if isotonic else "running-maximum", ws)
                drawn = invert_curve(fitted, pes, inverse)
            else:
                drawn, _ = xprime(method, [v[inverse] for v in xs], [v[inverse] for v in qs], pes,
                                  low[idx], high[idx])
            if limit is not None:
                np.clip(drawn, x[idx, :1] - limit, x[idx, -1:] + limit, out=drawn)
            drawn -= xes
            return _log10_quantiles(drawn)

        blocks = [which[start:start + step] for start in range(0, which.size, step)]
    else:
        quantiles, blocks = None, []
    out = {"log10_ceg": log10_ceg, "log10_low": log10_low, "log10_high": log10_high,
           "xprime": point, "extrapolated": extrapolated & np.isfinite(point),
           "identified": np.isfinite(point)}
    return out, quantiles, blocks


