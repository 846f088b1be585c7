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
    values = [[v.reshape(-1).take(cells) for v in p] for p in planes]  # each plane's swapped cells
    # bubble passes over the cells still out of order: a swap only where a point's compute is
    # strictly above the next one's keeps equal computes in their order (a stable sort); the
    # draws rarely move a point more than a place or two, so few passes run, on fewer cells each
    keys, active = values[0], np.arange(cells.size)
    while active.size:
        moved = np.zeros(active.size, dtype=bool)
        for k in range(len(x) - 1):
            ahead, behind = keys[k].take(active), keys[k + 1].take(active)
            swap = behind < ahead
            if not swap.any():
                continue
            moved |= swap
            at = active[swap]
            for p in values:
                lower = p[k][at]
                p[k][at] = p[k + 1][at]
                p[k + 1][at] = lower
        active = active[moved]
    for p, v in zip(planes, values):
        for k in range(len(x)):
            np.put(p[k], cells, v[k])
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


def interpolate_curve(x, q, curve: str = "running-maximum", w: list | None = None):
    """The baseline's part of ``interpolate``, which no enhanced score changes, as three stacked
    (point, ...) tables from which :func:`invert_curve` reads each cell's segment with one lookup.

    ``x`` and ``q`` are the planes (sorted here by compute, where draws swapped neighbours), as
    lists or as stacked arrays; a stacked float array is worked on in place (then it must be an
    array of its own, not a view of the caller's data), a list is copied. The curve is the running
    maximum of the scores, or (``curve="isotonic"``) their weighted isotonic regression with
    weights ``w``. Computed once, it serves every enhanced model of the same baseline.

    Returns ``(anchor_x, q, slope)``, each shaped (n, ...), laid out by segment:

    - ``q``: the curve's scores, non-decreasing along the first axis;
    - slot ``k`` < n - 1: the segment (k, k + 1) anchored at point k, ``anchor_x[k] = x[k]`` and
      ``slope[k]`` its slope [log10 FLOP per score unit];
    - slot 0's slope is that of the first rising segment (the line below the first score; where
      segment (0, 1) rises, the two are the same);
    - slot n - 1: the line above the last score, the last rising segment at its upper point.
    """
    x = np.array(x, dtype=float) if isinstance(x, list) else x
    q = np.array(q, dtype=float) if isinstance(q, list) else q
    xs, qs, w = _sort_planes(list(x), list(q), w if curve == "isotonic" else None)
    n = len(xs)
    if curve == "isotonic":
        _isotonic_where_needed(qs, w)
    for k in range(1, n):  # running maximum: the best score reached so far (identity on a monotone fit)
        np.maximum(q[k - 1], q[k], out=q[k])
    slope = np.empty_like(x)
    first, above = slope[0], slope[n - 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        # segment (k - 1, k) for k >= 2 goes to its slot k - 1; that of (0, 1) is needed only to
        # find the first and last rising segments, which slots 0 and n - 1 hold
        steps = [None, (x[1] - x[0]) / (q[1] - q[0]) if n > 1 else None]
        for k in range(2, n):
            steps.append(np.divide(x[k] - x[k - 1], q[k] - q[k - 1], out=slope[k - 1]))
    rising = [None] + [q[k] > q[k - 1] for k in range(1, n)]
    first.fill(np.nan)
    for k in range(n - 1, 0, -1):  # the lowest rising segment
        np.copyto(first, steps[k], where=rising[k])
    above.fill(np.nan)
    above_x = x[0].copy()
    for k in range(1, n):  # the highest rising segment, at its upper point
        np.copyto(above, steps[k], where=rising[k])
        np.copyto(above_x, x[k], where=rising[k])
    x[n - 1] = above_x
    return x, q, slope


def invert_curve(curve, pe, rows=None):
    """log10 C' where the curve of :func:`interpolate_curve` reaches ``pe`` (tasks, draws); NaN
    where the curve never rises.

    ``rows``, when given, is the curve (an index into the tables' second axis, non-decreasing) of
    each row of ``pe``: the enhanced models of one baseline share its curve, which is never copied
    per model. Without it the tables' cells have ``pe``'s shape. The curve does not fall, so the
    number ``c`` of its points whose score reaches ``pe`` names each cell's slot, ``n - 1 - c``
    (0 below the first score); the value is that slot's line through its anchoring point:

    - at or below the first score: ``x[0] - (q[0] - pe) * slope[0]``;
    - otherwise ``anchor_x + (pe - q) * slope`` of the slot (inside, the segment the score falls
      in; above the last score, the last rising segment at its upper point).
    """
    anchor_x, q, slope = curve
    n = q.shape[0]
    shape = q.shape[1:]
    if rows is None:
        count = np.count_nonzero(pe <= q, axis=0)
        cell = np.arange(count.size).reshape(count.shape)
    else:
        count = np.empty(pe.shape, dtype=np.intp)
        bounds = np.searchsorted(rows, np.arange(shape[0] + 1))
        for row, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:])):
            if start < stop:
                count[start:stop] = np.count_nonzero(pe[start:stop, None, :] <= q[:, row], axis=1)
        cell = (rows * shape[-1])[:, None] + np.arange(shape[-1])
    below = count == n
    np.subtract(n - 1, count, out=count)
    np.maximum(count, 0, out=count)
    count *= q[0].size
    count += cell
    xprime, at, slope = anchor_x.take(count), q.take(count), slope.take(count)
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
    beaten = np.full(np.broadcast_shapes(pe.shape, *(xk.shape for xk in x)), -np.inf)
    for xk, qk in zip(x, q):  # the largest compute of a point scoring at most pe (in place)
        np.maximum(beaten, xk, out=beaten, where=qk <= pe)
    beaten[~np.isfinite(beaten)] = np.nan
    return beaten, np.zeros(beaten.shape, dtype=bool)


def xprime(method, x: list, q: list, pe, low, high, curve="running-maximum", w=None):
    if method == "interpolate":
        return _interpolate(x, q, pe, curve, w)
    if method == "fit-linear":
        return _fit_linear(x, q, pe)
    if method == "fit-sigmoid":
        return _fit_sigmoid(x, q, pe, low, high)
    return _lower_bound(x, q, pe)
