"""Method version 3: each rule with values worked by hand, and properties of the published rows."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceg_calc import estimate_ceg
from ceg_calc.derive.estimates import _thresholds, evidence_of, evidence_order
from ceg_calc.calc.tasks import make_tasks
from ceg_calc.calc.isotonic import isotonic_planes, isotonic_points
from ceg_calc.calc.policy import DERIVE_POLICY, LEGACY, VERSION_3, Policy, informative, rise_z

FLOP = [1e21, 1e22, 1e23]
V3 = dict(informative_z=2.0, require_rise=True, extrapolation_limit=1.0, curve="isotonic", point_in_interval=True)
REL = 1e-9


def test_version_3_is_the_documented_one():
    assert VERSION_3 == Policy(**V3)
    assert DERIVE_POLICY != VERSION_3  # version 4 adds the rules of a bound (tests/test_method_v4.py)
    assert LEGACY == Policy()


# --- rule 1: informative points ---------------------------------------------------------------

def test_points_within_two_standard_errors_of_chance_do_not_anchor():
    # chance 20, SE 2: a point must score above 20 + 2 * 2 = 24
    task = make_tasks([1e21, 1e22, 1e23, 1e24], [15, 23.9, 30, 40], 1e22, 35, method="interpolate",
                      score_stderr=2.0, chance_score=20)[0]
    assert informative(task, 2.0).tolist() == [False, False, True, True]


def test_curve_is_anchored_on_the_informative_points_only():
    # AQuA-like: the two smallest models score below chance (20). The curve runs from (23, 30) to
    # (24, 40), so 35 needs 10^23.5 FLOP: CEG against 1e22 = 10^1.5.
    r = estimate_ceg([1e21, 1e22, 1e23, 1e24], [12.6, 18.6, 30, 40], 1e22, 35, score_stderr=2.0,
                     chance_score=20, draws=0, policy=Policy(**V3))
    assert r.anchors.tolist() == [False, False, True, True]
    assert r.ceg == pytest.approx(10 ** 1.5, rel=REL) and not r.is_lower_bound


def test_fewer_than_two_informative_points_fall_back_to_the_bound():
    # a fallback bound counts a model as beaten only beyond 2 SE of the difference: 2 * sqrt(2^2 + 2^2) = 5.66
    r = estimate_ceg([1e21, 1e22, 1e23], [12, 18, 30], 1e21, 36, score_stderr=2.0, chance_score=20, draws=0, policy=Policy(**V3))
    assert r.is_lower_bound and r.ceg == pytest.approx(100.0, rel=REL)  # 36 > 30 + 5.66: 1e23 / 1e21
    assert "fewer than two baseline points" in r.reason
    r = estimate_ceg([1e21, 1e22, 1e23], [12, 18, 30], 1e21, 35, score_stderr=2.0, chance_score=20, draws=0, policy=Policy(**V3))
    assert r.ceg == pytest.approx(10.0, rel=REL)  # 35 < 35.66: only the 1e22 model (18) is beaten


# --- rule 2: a rising baseline ----------------------------------------------------------------

def test_rise_z_by_hand():
    # two points 10 apart, SE 2 each: slope 10 per decade, its SE sqrt(2^2 + 2^2) / 1 = sqrt(8)
    task = make_tasks([1e21, 1e22], [10, 20], 1e21, 15, method="interpolate", score_stderr=2.0)[0]
    assert rise_z(task) == pytest.approx(10 / math.sqrt(8), rel=REL)
    flat = make_tasks([1e21, 1e22], [10, 10], 1e21, 15, method="interpolate")[0]  # no SE: the sign decides
    assert rise_z(flat) == -math.inf


def test_a_baseline_that_does_not_rise_beyond_noise_gives_the_bound():
    r = estimate_ceg(FLOP, [20, 21, 20.5], 1e21, 25, score_stderr=1.0, draws=0, policy=Policy(**V3))
    assert r.is_lower_bound and r.ceg == pytest.approx(100.0, rel=REL)
    assert "do not rise with compute beyond noise" in r.reason
    below = estimate_ceg(FLOP, [20, 21, 20.5], 1e21, 15, score_stderr=1.0, draws=0, policy=Policy(**V3))
    assert math.isnan(below.ceg) and "no lower bound" in below.reason


# --- rule 3: the extrapolation limit ----------------------------------------------------------

def test_within_the_limit_the_point_stays_flagged_extrapolated():
    r = estimate_ceg(FLOP, [10, 20, 30], 1e21, 35, draws=0, policy=Policy(**V3))  # C' = 10^23.5: half a decade beyond
    assert r.extrapolated and not r.limited and r.ceg == pytest.approx(10 ** 2.5, rel=REL)


def test_beyond_the_limit_the_row_is_the_surveys_lower_bound():
    r = estimate_ceg(FLOP, [10, 20, 30], 1e21, 45, draws=0, policy=Policy(**V3))  # C' = 10^24.5: 1.5 decades beyond
    assert r.limited and r.is_lower_bound and not r.extrapolated
    assert r.ceg == pytest.approx(100.0, rel=REL)  # largest model beaten: 1e23, over 1e21
    below = estimate_ceg(FLOP, [10, 20, 30], 1e22, -5, draws=0, policy=Policy(**V3))  # C' = 10^19.5: 1.5 below
    assert below.limited and math.isnan(below.ceg)


def test_each_rule_can_be_used_alone():
    # without informative_z the rise needs only a positive slope: 0.25 per decade rises, -0.5 does not
    rising = estimate_ceg(FLOP, [20, 21, 20.5], 1e21, 25, score_stderr=1.0, draws=0, policy=Policy(require_rise=True))
    assert not rising.is_lower_bound and rising.extrapolated
    falling = estimate_ceg(FLOP, [21, 20.5, 20], 1e21, 25, score_stderr=1.0, draws=0, policy=Policy(require_rise=True))
    assert falling.is_lower_bound and "needs > 0" in falling.reason
    assert falling.ceg == pytest.approx(100.0, rel=REL)  # no margin without informative_z
    limited = estimate_ceg(FLOP, [10, 20, 30], 1e21, 45, draws=0, policy=Policy(extrapolation_limit=1.0))
    assert limited.limited and limited.ceg == pytest.approx(100.0, rel=REL)


def test_draws_are_clipped_to_the_limit():
    r = estimate_ceg(FLOP, [10, 20, 30], 1e21, 39, score_stderr=3.0, seed=3, policy=Policy(**V3))  # C' = 10^23.9
    assert not r.limited and r.ceg_high <= 10 ** (24 - 21) * (1 + 1e-9)


# --- rule 4: weighted isotonic regression -----------------------------------------------------

def test_isotonic_curve_by_hand():
    # (21, 10), (22, 25), (23, 20), (24, 40), equal weights: 25 and 20 pool to 22.5;
    # 30 lies (30 - 22.5) / 17.5 of the way from x = 23 to 24.
    scores = [10, 25, 20, 40]
    r = estimate_ceg([1e21, 1e22, 1e23, 1e24], scores, 1e21, 30, policy=Policy(curve="isotonic"), draws=0)
    assert r.ceg == pytest.approx(10 ** (2 + 7.5 / 17.5), rel=REL)
    # weights 1/SE^2 with SE (1, 1, 2, 1): (25 * 1 + 20 * 0.25) / 1.25 = 24 → x = 23 + 6 / 16
    r = estimate_ceg([1e21, 1e22, 1e23, 1e24], scores, 1e21, 30, policy=Policy(curve="isotonic"), draws=0,
                     score_stderr=[1, 1, 2, 1], enhanced_score_stderr=1)
    assert r.ceg == pytest.approx(10 ** (2 + 6 / 16), rel=REL)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(-50, 50), st.floats(0.1, 10)), min_size=1, max_size=8))
def test_vectorised_isotonic_equals_pava(points):
    y, w = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    planes = isotonic_planes([np.array([v]) for v in y], list(w))
    np.testing.assert_allclose([p[0] for p in planes], isotonic_points(y, w), rtol=1e-9, atol=1e-9)


# ties and runs of equal values (integers, few distinct), as well as arbitrary floats
_CURVE_VALUES = st.one_of(st.floats(-50, 50), st.integers(0, 3).map(float))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_CURVE_VALUES, st.floats(0.1, 10)), min_size=1, max_size=10))
def test_pava_gives_scipys_bits(points):
    # the central curve must be what SciPy's isotonic_regression gave, to the bit: the published
    # intervals were derived with it
    from scipy.optimize import isotonic_regression

    y, w = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    expected = isotonic_regression(y, weights=w, increasing=True).x
    assert isotonic_points(y, w).tobytes() == np.asarray(expected, dtype=float).tobytes()


def test_pava_by_hand():
    # 3, 1 pool to 2 (weights 1, 1); then 2 >= 2 pools again with weight 2: (2 * 2 + 1 * 2) / 3 = 2
    assert isotonic_points([3, 1, 2, 5], [1, 1, 1, 1]).tolist() == [2, 2, 2, 5]
    # weights 3 and 1: (3 * 4 + 1 * 0) / 4 = 3
    assert isotonic_points([4, 0, 7], [3, 1, 1]).tolist() == [3, 3, 7]
    assert isotonic_points([], []).size == 0


def test_an_enhanced_model_within_noise_of_its_own_baseline_has_an_interval_containing_one():
    # the enhanced model is the 1e22 baseline model (shared compute) scoring 20.5 against its 20
    r = estimate_ceg(FLOP, [10, 20, 30], 1e22, 20.5, score_stderr=2.0, baseline_log10_sd=0.2,
                     enhanced_log10_sd=0.2, shared_compute=1, seed=1, policy=Policy(**V3))
    assert r.ceg_low < 1 < r.ceg_high


# --- rule 5 and the published guarantees, as properties ----------------------------------------

@settings(max_examples=40, deadline=None)
@given(scores=st.lists(st.floats(0, 100), min_size=2, max_size=5), enhanced=st.floats(0, 100),
       at=st.integers(0, 4), se=st.floats(0.5, 5))
def test_published_rows_keep_their_promises(scores, enhanced, at, se):
    flop = [10.0 ** (20 + k) for k in range(len(scores))]
    own = flop[min(at, len(flop) - 1)]
    r = estimate_ceg(flop, scores, own, enhanced, score_stderr=se, chance_score=10, baseline_log10_sd=0.1,
                     enhanced_log10_sd=0.1, draws=300, seed=5, policy=Policy(**V3))
    if math.isnan(r.ceg):
        return
    assert r.ceg_low <= r.ceg * (1 + 1e-9) and r.ceg <= r.ceg_high * (1 + 1e-9)  # point inside its interval
    anchored = np.log10(flop)[r.anchors]
    if not r.is_lower_bound:  # a point never lies beyond the limit, nor rests on a chance-level score
        assert anchored[0] - 1 - 1e-9 <= math.log10(r.equivalent_flop) <= anchored[-1] + 1 + 1e-9
        assert all(s > 10 + 2 * se for s, keep in zip(scores, r.anchors) if keep)
    assert not (r.limited and r.extrapolated)


# --- the published row: evidence and conservative threshold flags -----------------------------

@pytest.mark.parametrize("values, expected", [
    ({"ceg": None}, "none"),
    ({"ceg": 3.0, "limited": True, "is_lower_bound": True}, "limited"),
    ({"ceg": 8.0, "is_lower_bound": True}, "robust-bound"),
    ({"ceg": 1.0, "is_lower_bound": True}, "trivial-bound"),
    ({"ceg": 300.0, "extrapolated": True}, "extrapolated"),
    ({"ceg": 3.0, "extrapolated": False}, "robust-point"),
])
def test_evidence_classes(values, expected):
    assert evidence_of(values) == expected


def test_evidence_order_sorts_robust_first_then_larger_ceg():
    rows = [{"evidence": "robust-point", "ceg": 2.0}, {"evidence": "robust-point", "ceg": 200.0},
            {"evidence": "extrapolated", "ceg": 1e6}, {"evidence": "none", "ceg": None}]
    keys = [evidence_order(r) for r in rows]
    assert keys[1] < keys[0] < keys[2] < keys[3]
    assert keys[1] == pytest.approx(100 - 2.30103, abs=1e-5)


@pytest.mark.parametrize("row, eu, us", [
    # own 5e24; ceg_low 3 → 1.5e25 at the interval's lower end: crosses 1e25, not 1e26
    ({"ceg": 30.0, "ceg_low": 3.0}, True, False),
    # the central value crosses (1.5e26) but the lower end (7.5e24) does not
    ({"ceg": 30.0, "ceg_low": 1.5}, False, False),
    # an extrapolated or limited row never crosses
    ({"ceg": 300.0, "ceg_low": 100.0, "extrapolated": True}, False, False),
    ({"ceg": 300.0, "ceg_low": 100.0, "limited": True}, False, False),
])
def test_threshold_flags_use_robust_rows_at_ceg_low(row, eu, us):
    values = {"enhanced_compute_flop": 5e24, **row}
    _thresholds(values)
    assert values["crosses_eu_1e25"] is eu and values["crosses_us_1e26"] is us
    assert values["effective_compute_flop"] == pytest.approx(5e24 * row["ceg"], rel=REL)  # central kept
    assert values["effective_compute_low_flop"] == pytest.approx(5e24 * row["ceg_low"], rel=REL)
