"""The Monte Carlo kernel of ``interpolate`` (ceg_calc.calc.curves) against a plain per-cell reading
of the method: sort the points by compute, take the running maximum, find the segment."""

from __future__ import annotations

import math

import numpy as np
import pytest
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


# --- the interval's percentiles -------------------------------------------------------------------

@st.composite
def _draw_rows(draw):
    """Rows of draws as the kernel leaves them: runs of rows with the same draws missing (the models
    of one baseline), values with ties and a few infinities; up to 60 draws a row (made by a
    seeded generator: hypothesis picks the shape, the seed and how much is missing)."""
    width = draw(st.integers(1, 60))
    rng = np.random.default_rng(draw(st.integers(0, 2 ** 32 - 1)))
    runs = []
    for _ in range(draw(st.integers(1, 5))):
        missing = rng.random(width) < draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
        values = np.where(rng.random((draw(st.integers(1, 3)), width)) < 0.5,
                          rng.integers(-5, 6, (1, width)).astype(float), rng.normal(0, 10, (1, width)))
        values[rng.random(values.shape) < 0.05] = np.inf
        values[rng.random(values.shape) < 0.05] = -np.inf
        values[:, missing] = np.nan
        runs.append(values)
    return np.concatenate(runs)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # inf - inf, as in numpy's own interpolation
@settings(max_examples=300, deadline=None)
@given(_draw_rows())
def test_interval_percentiles_are_numpys_row_by_row(logs):
    """The kernel's percentiles equal ``np.nanpercentile`` of each row (NaN for a row with no draw
    left), though it selects order statistics its own way and reorders the rows in place."""
    import warnings

    from ceg_calc.calc.batch import PERCENTILES, _log10_quantiles

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows; inf - inf
        expected = np.nanpercentile(logs, PERCENTILES, axis=-1)
    low, high = _log10_quantiles(logs.copy())
    assert np.array_equal(low, expected[0], equal_nan=True), (low, expected[0])
    assert np.array_equal(high, expected[1], equal_nan=True), (high, expected[1])


def test_interval_percentiles_of_10000_draws_by_hand():
    """0, 1, ..., 9999 shuffled: the 5th percentile lies at (10000 - 1) * 0.05 = 499.95, so
    499 + 0.95 = 499.95; the 95th at 9499.05. With the top 1,000 draws missing, 9000 are left:
    8999 * 0.05 = 449.95 and 8999 * 0.95 = 8549.05."""
    from ceg_calc.calc.batch import _log10_quantiles

    rows = np.stack([np.random.default_rng(1).permutation(10_000).astype(float) for _ in range(2)])
    rows[1][rows[1] >= 9000] = np.nan
    low, high = _log10_quantiles(rows)
    assert low == pytest.approx([499.95, 449.95], abs=1e-9)
    assert high == pytest.approx([9499.05, 8549.05], abs=1e-9)


# --- groups of tasks on the cores together --------------------------------------------------------

def _ladder(points: int, models: int, seed: int):
    """Tasks of one baseline of ``points`` models (noisy scores and compute) and ``models`` enhanced ones."""
    from ceg_calc.calc.tasks import make_tasks

    rng = np.random.default_rng(seed)
    flop = np.sort(10 ** rng.uniform(20, 25, points))
    score = np.sort(rng.uniform(20, 80, points))
    return make_tasks(flop, score, 10 ** rng.uniform(20, 25, models), rng.uniform(20, 90, models),
                      method="interpolate", baseline_log10_sd=rng.uniform(0.05, 0.4, points),
                      enhanced_log10_sd=rng.uniform(0.05, 0.4, models), score_stderr=rng.uniform(0.5, 4, points),
                      enhanced_score_stderr=rng.uniform(0.5, 4, models), chance_score=0.0, perfect_score=100.0)


@pytest.mark.parametrize("curve", ["running-maximum", "isotonic"])
def test_groups_on_the_cores_together_give_what_each_gives_alone(curve, monkeypatch):
    from ceg_calc.calc import batch

    monkeypatch.setattr(batch, "_CHUNK_ELEMENTS", 20_000)  # several blocks a group, of unequal sizes
    groups = [_ladder(2, 5, 1), _ladder(3, 1, 2) + _ladder(3, 4, 3), _ladder(6, 7, 4)]
    together = batch.estimate_groups(groups, "interpolate", draws=2_000, seed=7, curve=curve, limit=1.0)
    for tasks, got in zip(groups, together):
        alone = batch.estimate_tasks(tasks, "interpolate", draws=2_000, seed=7, curve=curve, limit=1.0)
        assert set(got) == set(alone)
        for key in alone:
            np.testing.assert_array_equal(got[key], alone[key])
        assert np.isfinite(got["log10_low"]).any() and (got["log10_low"] < got["log10_high"]).any()
