"""The Monte Carlo kernel of ``interpolate`` (ceg_calc.calc.curves) against a plain per-cell reading
of the method: sort the points by compute, take the running maximum, find the segment."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ceg_calc.calc.curves import _sort_planes, interpolate_curve, invert_curve


def _reference(x, q, pe):
    """log10 C' of one cell, read off the method's definition (NaN where the curve never rises)."""
    order = sorted(range(len(x)), key=lambda k: x[k])  # Python's sort is stable
    x, q = [x[k] for k in order], [q[k] for k in order]
    for k in range(1, len(q)):
        q[k] = max(q[k], q[k - 1])
    rises = [k for k in range(1, len(q)) if q[k] > q[k - 1]]
    if not rises:
        return math.nan
    slope = {k: (x[k] - x[k - 1]) / (q[k] - q[k - 1]) for k in rises}
    if pe <= q[0]:
        return x[0] - (q[0] - pe) * slope[rises[0]]
    if pe > q[-1]:
        k = rises[-1]
        return x[k] + (pe - q[k]) * slope[k]
    k = next(k for k in range(1, len(q)) if q[k - 1] < pe <= q[k])
    return x[k - 1] + (pe - q[k - 1]) * slope[k]


# few distinct values, so that computes tie and scores fall flat or fall back
_value = st.one_of(st.integers(0, 4).map(float), st.floats(0, 4))
_cell = st.integers(1, 5).flatmap(lambda n: st.tuples(st.lists(_value, min_size=n, max_size=n),
                                                      st.lists(_value, min_size=n, max_size=n),
                                                      st.lists(_value, min_size=1, max_size=3)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_cell, min_size=1, max_size=4).filter(lambda cells: len({len(c[0]) for c in cells}) == 1))
def test_kernel_equals_the_per_cell_reading(cells):
    # curves (point, curve, 1) and enhanced scores (task, 1): each task reads its curve through rows
    n = len(cells[0][0])
    x = np.array([[[c[0][k]] for c in cells] for k in range(n)])
    q = np.array([[[c[1][k]] for c in cells] for k in range(n)])
    rows = np.array([i for i, c in enumerate(cells) for _ in c[2]])
    pe = np.array([[v] for c in cells for v in c[2]])
    got = invert_curve(interpolate_curve(x, q), pe, rows)[:, 0]
    want = [_reference(cells[i][0], cells[i][1], v[0]) for i, v in zip(rows, pe)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 6), st.integers(1, 40), st.integers(0, 2 ** 32 - 1))
def test_sorting_the_planes_is_a_stable_sort(n, cells, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, (n, cells)).astype(float)  # many ties: their order must be kept
    q, w = rng.normal(size=(n, cells)), rng.uniform(1, 2, (n, 1))
    order = np.argsort(x, axis=0, kind="stable")
    want = [np.take_along_axis(a, order, axis=0) for a in (x, q, np.broadcast_to(w, x.shape))]
    xs, qs, ws = _sort_planes(list(x.copy()), list(q.copy()), list(w))
    np.testing.assert_array_equal(np.array(xs), want[0])
    np.testing.assert_array_equal(np.array(qs), want[1])
    np.testing.assert_array_equal(np.broadcast_to(np.array(ws), x.shape), want[2])
