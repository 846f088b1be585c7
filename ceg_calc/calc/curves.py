"""The four methods of :mod:`ceg_calc.calc.estimate` on arrays shaped (tasks, draws, points).

Each method works on "planes": lists with one (tasks, draws) array per baseline point, sorted by
the central compute. Whole-plane arithmetic keeps numpy on contiguous memory. :func:`xprime`
returns log10 C' and the extrapolation flag of every cell.
"""

from __future__ import annotations

import numpy as np


def _sort_planes(x: list, q: list, w: list | None = None):
    """Sort each (task, draw) cell's points by compute, where draws swapped neighbours (in place:
    the planes must be arrays of their own, not views of the caller's data); weights ``w``
    (arrays broadcastable to the planes), when given, move with their points."""
    swapped = np.zeros(x[0].shape, dtype=bool)
    for a, b in zip(x, x[1:]):
        swapped |= b < a
    if not swapped.any():
        return x, q, w
    if w is not None:  # weights become planes of their own only when some cell needs sorting
        w = [np.broadcast_to(wk, x[0].shape).copy() for wk in w]
    cells = np.flatnonzero(swapped)
    planes = [x, q] + ([w] if w is not None else [])
    stacked = [np.empty((cells.size, len(x))) for _ in planes]
    for p, values in zip(planes, stacked):
        for k, v in enumerate(p):
            values[:, k] = v.reshape(-1).take(cells)
    order = np.argsort(stacked[0], axis=-1, kind="stable")
    for p, values in zip(planes, stacked):
        values = np.take_along_axis(values, order, axis=-1)
        for k in range(len(x)):
            np.put(p[k], cells, values[:, k])
    return x, q, w


def _isotonic_where_needed(q: list, w: list) -> list:
    """Weighted isotonic fit of the cells whose scores fall somewhere (in place); the others are
    monotone already."""
    from ceg_calc.calc.isotonic import isotonic_planes

    falls = np.zeros(q[0].shape, dtype=bool)
    for a, b in zip(q, q[1:]):
        falls |= b < a
    if not falls.any():
        return q
    cells = np.flatnonzero(falls)
    shape = q[0].shape
    fitted = isotonic_planes([qk.reshape(-1).take(cells) for qk in q],
                             [np.broadcast_to(wk, shape).reshape(-1).take(cells) for wk in w])
    for qk, fk in zip(q, fitted):
        np.put(qk, cells, fk)
    return q


def interpolate_curve(x: list, q: list, curve: str = "running-maximum", w: list | None = None):
    """The baseline's part of ``interpolate``, which no enhanced score changes: the planes sorted by
    compute, the monotone curve (running maximum, or weighted isotonic regression with weights
    ``w``), the slope of each segment [log10 FLOP per score unit] and that of the first rising one.
    Computed once, it serves every enhanced model of the same baseline (:func:`invert_curve`).
    ``x`` and ``q`` are sorted, and an isotonic ``q`` fitted, in place (arrays of their own, not
    views of the caller's data)."""
    x, q, w = _sort_planes(x, q, w if curve == "isotonic" else None)
    n = len(x)
    if curve == "isotonic":
        q = _isotonic_where_needed(q, w)
    best = [q[0]]
    for k in range(1, n):  # running maximum: the best score reached so far (identity on a monotone fit)
        best.append(np.maximum(best[-1], q[k]))
    q = best
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = [None] + [(x[k] - x[k - 1]) / (q[k] - q[k - 1]) for k in range(1, n)]
    first_step = np.full(x[0].shape, np.nan)
    for k in range(n - 1, 0, -1):
        np.copyto(first_step, steps[k], where=q[k] > q[k - 1])
    return x, q, steps, first_step


def invert_curve(curve, pe, rows=None):
    """log10 C' where the curve of :func:`interpolate_curve` reaches ``pe`` (tasks, draws); NaN
    where the curve never rises.

    ``rows``, when given, is the curve (an index into the planes' first axis, non-decreasing) of
    each row of ``pe``: the enhanced models of one baseline share its curve, which is never copied
    per model. Without it the planes have ``pe``'s shape. The curve does not fall, so the number
    of its points whose score reaches ``pe`` names each cell's segment; the value is that
    segment's line through its anchoring point:

    - at or below the first score, the first rising segment at the first point:
      ``x[0] - (q[0] - pe) * first_step``;
    - inside, ``q[k-1] < pe <= q[k]``: ``x[k-1] + (pe - q[k-1]) * steps[k]``;
    - above the last score, the last rising segment (k-1, k) at point k: ``x[k] + (pe - q[k]) * steps[k]``.
    """
    x, q, steps, first_step = curve
    n = len(x)
    shape = x[0].shape if rows is not None else pe.shape
    # (count, curve, draw) tables of the anchoring point and slope: count 0 above, n below, else
    # the segment (n - count - 1, n - count)
    anchor_x, anchor_q, slope = (np.empty((n + 1,) + shape) for _ in range(3))
    for count, k in enumerate(range(n - 2, -1, -1), start=1):
        anchor_x[count], anchor_q[count], slope[count] = x[k], q[k], steps[k + 1]
    anchor_x[n], anchor_q[n], slope[n] = x[0], q[0], first_step
    anchor_x[0], anchor_q[0], slope[0] = x[0], q[0], np.nan
    for k in range(1, n):  # above: the last rising segment
        rising = np.broadcast_to(q[k] > q[k - 1], shape)
        np.copyto(anchor_x[0], x[k], where=rising)
        np.copyto(anchor_q[0], q[k], where=rising)
        np.copyto(slope[0], steps[k], where=rising)
    # the scores compared are those of the first n slots, q[n - 1] first: where the curve rises,
    # its last rise reaches q[n - 1] and the curve stays there; where it never rises, q[0] is q[n - 1]
    if rows is None:
        count = np.count_nonzero(pe <= anchor_q[:n], axis=0)
        cell = np.arange(count.size).reshape(count.shape)
    else:
        count = np.empty(pe.shape, dtype=np.intp)
        bounds = np.searchsorted(rows, np.arange(shape[0] + 1))
        for row, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
            if start < stop:
                count[start:stop] = np.count_nonzero(pe[start:stop, None, :] <= anchor_q[:n, row], axis=1)
        cell = (rows * shape[-1])[:, None] + np.arange(shape[-1])
    below = count == n
    count *= anchor_x[0].size
    count += cell
    xprime, at, slope = anchor_x.take(count), anchor_q.take(count), slope.take(count)
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.subtract(pe, at)
        some_below = below.any()
        if some_below:  # q[0] - pe, and x[0] minus the product: x - y is x + (-y) in IEEE arithmetic
            np.subtract(at, pe, out=offset, where=below)
        offset *= slope
        if some_below:
            np.negative(offset, out=offset, where=below)
        xprime += offset
    return xprime


def _interpolate(x: list, q: list, pe, curve: str = "running-maximum", w: list | None = None):
    """log10 C' and the extrapolation flag; NaN where the curve never rises. The curve is the
    running maximum of the scores, or their weighted isotonic regression (weights ``w``)."""
    fitted = interpolate_curve(x, q, curve, w)
    q = fitted[1]
    return invert_curve(fitted, pe), (pe < q[0]) | (pe > q[-1])


def _line(x: list, y: list, w: list):
    """Weighted least-squares line y = a + b x: returns (mean x, mean y, slope)."""
    total = sum(w)
    with np.errstate(divide="ignore", invalid="ignore"):
        xm = sum(wk * xk for wk, xk in zip(w, x)) / total
        ym = sum(wk * yk for wk, yk in zip(w, y)) / total
        sxy = sum(wk * (xk - xm) * (yk - ym) for wk, xk, yk in zip(w, x, y))
        sxx = sum(wk * (xk - xm) ** 2 for wk, xk in zip(w, x))
        return xm, ym, sxy / sxx


def _span(x: list):
    low, high = x[0], x[0]
    for v in x[1:]:
        low, high = np.minimum(low, v), np.maximum(high, v)
    return low, high


def _fit_linear(x: list, q: list, pe):
    xm, qm, slope = _line(x, q, [1.0] * len(x))
    with np.errstate(divide="ignore", invalid="ignore"):
        xprime = np.where(slope > 0, xm + (pe - qm) / slope, np.nan)
    low, high = _span(x)
    return xprime, (xprime < low) | (xprime > high)


def _logit(value, low, high):
    f = (value - low) / (high - low)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(f / (1.0 - f))


def _fit_sigmoid(x: list, q: list, pe, low, high):
    low, high = low[:, None], high[:, None]
    informative = [(qk > low) & (qk < high) for qk in q]
    y = [np.where(m, _logit(qk, low, high), 0.0) for m, qk in zip(informative, q)]
    w = [m.astype(float) for m in informative]
    xm, ym, slope = _line(x, y, w)
    lo = _span([np.where(m, xk, np.inf) for m, xk in zip(informative, x)])[0]
    hi = _span([np.where(m, xk, -np.inf) for m, xk in zip(informative, x)])[1]
    target = _logit(pe, low, high)
    ok = (lo < hi) & (slope > 0) & np.isfinite(target)
    with np.errstate(divide="ignore", invalid="ignore"):
        xprime = np.where(ok, xm + (target - ym) / slope, np.nan)
    a, b = _span(x)
    return xprime, (xprime < a) | (xprime > b)


def _lower_bound(x: list, q: list, pe):
    beaten = np.full(pe.shape, -np.inf)
    for xk, qk in zip(x, q):
        beaten = np.where(qk <= pe, np.maximum(beaten, xk), beaten)
    return np.where(np.isfinite(beaten), beaten, np.nan), np.zeros(beaten.shape, dtype=bool)


def xprime(method, x: list, q: list, pe, low, high, curve="running-maximum", w=None):
    if method == "interpolate":
        return _interpolate(x, q, pe, curve, w)
    if method == "fit-linear":
        return _fit_linear(x, q, pe)
    if method == "fit-sigmoid":
        return _fit_sigmoid(x, q, pe, low, high)
    return _lower_bound(x, q, pe)
