"""Weighted isotonic (monotone non-decreasing) regression of many curves at once.

The curves are given as "planes": a list with one array per point, each holding that point's
value for every (task, draw) cell, the points sorted by compute. For a handful of points the
closed form

    fit[i] = max over j <= i of  min over k >= i of  mean(y[j..k], weights w[j..k])

(Barlow et al. 1972, "Statistical inference under order restrictions", Theorem 1.4) is
evaluated with O(n^2) whole-plane operations, which is far faster than calling
:func:`scipy.optimize.isotonic_regression` once per cell. Both give the same fit (the
weighted least-squares fit under the order restriction is unique); the tests compare them.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import isotonic_regression


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
    """Weighted isotonic regression of one curve with SciPy (``scipy.optimize.isotonic_regression``).

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
    return np.asarray(isotonic_regression(np.asarray(y, dtype=float), weights=np.asarray(w, dtype=float),
                                          increasing=True).x)


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
