"""Weighted isotonic (monotone non-decreasing) regression of many curves at once.

The curves are given as "planes": a list with one array per point, each holding that point's
value for every (task, draw) cell, the points sorted by compute. For a handful of points the
closed form

    fit[i] = max over j <= i of  min over k >= i of  mean(y[j..k], weights w[j..k])

(Barlow et al. 1972, "Statistical inference under order restrictions", Theorem 1.4) is
evaluated with O(n^2) whole-plane operations, which is far faster than a fit per cell. Both
give the same fit (the weighted least-squares fit under the order restriction is unique); the
tests compare them.

One curve at a time (the central curve of each baseline), :func:`isotonic_points` is the
pool-adjacent-violators algorithm in the O(n) form of Busing (2022), in the arithmetic order of
:func:`scipy.optimize.isotonic_regression`, which the tests compare bit for bit; written here, it
spares every ``ceg`` command the import of ``scipy.optimize`` (a third of a second).
"""

from __future__ import annotations

import numpy as np


def isotonic_planes(y: list, w: list) -> list:
    """Weighted isotonic regression of every cell's points.

    Parameters
    ----------
    y : list of ndarray
        One array of values per point (same shape, or broadcastable), points in order.
    w : list of ndarray or float
        Positive weight of each point, broadcastable against ``y``'s arrays.

    Returns
    -------
    list of ndarray
        The fitted, non-decreasing values, one array per point.
    """
    n = len(y)
    cum_w, cum_wy = [0.0], [0.0]
    for k in range(n):
        cum_w.append(cum_w[-1] + w[k])
        cum_wy.append(cum_wy[-1] + w[k] * y[k])
    fit = [None] * n
    for j in range(n):
        suffix = None
        mins = [None] * n
        for k in range(n - 1, j - 1, -1):
            block = (cum_wy[k + 1] - cum_wy[j]) / (cum_w[k + 1] - cum_w[j])
            suffix = block if suffix is None else np.minimum(suffix, block)
            mins[k] = suffix
        for i in range(j, n):
            fit[i] = mins[i] if fit[i] is None else np.maximum(fit[i], mins[i])
    return fit


def isotonic_points(y, w) -> np.ndarray:
    """Weighted isotonic regression of one curve: the pool-adjacent-violators algorithm.

    Algorithm 1 of Busing, F. M. T. A. (2022), "Monotone regression: a simple and fast O(n)
    PAVA implementation", Journal of Statistical Software, Code Snippets 102(1),
    https://doi.org/10.18637/jss.v102.c01, with ties pooled (``>=``) so that equal values form
    one block. Each block keeps its value and weight; a block merged with the next is summed
    from those (value x weight), the order in which SciPy's ``isotonic_regression`` sums them,
    so both give the same bits.

    Parameters
    ----------
    y : array_like, shape (n,)
        Values in the order of the curve (by compute) [score unit].
    w : array_like, shape (n,)
        Positive weights [1 / score unit^2].

    Returns
    -------
    ndarray, shape (n,)
        The non-decreasing fit.
    """
    values = [float(v) for v in np.asarray(y, dtype=float)]
    weights = [float(v) for v in np.asarray(w, dtype=float)]
    n = len(values)
    if n == 0:
        return np.empty(0)
    value, weight, ends = values[:], weights[:], [0] * n  # block b: value[b], weight[b], last index ends[b]
    b, i = 0, 1
    while i < n:
        b += 1
        vb, wb = values[i], weights[i]
        if value[b - 1] >= vb:  # pool with the previous block, then with what still violates
            b -= 1
            sb = weight[b] * value[b] + wb * vb
            wb += weight[b]
            vb = sb / wb
            while i < n - 1 and vb >= values[i + 1]:
                i += 1
                sb += weights[i] * values[i]
                wb += weights[i]
                vb = sb / wb
            while b > 0 and value[b - 1] >= vb:
                b -= 1
                sb += weight[b] * value[b]
                wb += weight[b]
                vb = sb / wb
        value[b], weight[b], ends[b] = vb, wb, i
        i += 1
    fit, start = np.empty(n), 0
    for k in range(b + 1):
        fit[start:ends[k] + 1] = value[k]
        start = ends[k] + 1
    return fit


def score_weights(q_se) -> np.ndarray:
    """Weights of the fit: 1 / SE^2 when every point has a standard error, else equal weights.

    Parameters
    ----------
    q_se : array_like, shape (n,)
        Standard errors of the scores [score unit]; 0 where unknown.

    Returns
    -------
    ndarray, shape (n,)
    """
    se = np.asarray(q_se, dtype=float)
    if se.size and (se > 0).all():
        return 1.0 / se ** 2
    return np.ones(se.shape)
