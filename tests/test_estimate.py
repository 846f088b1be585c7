"""The CEG calculator: golden values worked by hand, error cases and properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceg_calc import EstimationError, binomial_stderr, estimate_ceg
from ceg_calc.calc.uncertainty import Z90, compute_log10_sd

FLOP = [1e21, 1e22, 1e23]
SCORE = [10.0, 20.0, 30.0]
REL = 1e-9


# Golden values: score rises 10 points per decade of compute, so a score s needs
# 10 ** (21 + (s - 10) / 10) FLOP.

def test_interpolate_between_points():
    r = estimate_ceg(FLOP, SCORE, 1e21, 25)
    assert r.ceg == pytest.approx(10 ** 1.5, rel=REL)  # 31.62
    assert r.equivalent_flop == pytest.approx(10 ** 22.5, rel=REL)
    assert not r.extrapolated and not r.is_lower_bound
    assert r.ceg_low == r.ceg_high == r.ceg  # no uncertainty given


def test_lower_bound_is_the_largest_model_beaten():
    r = estimate_ceg(FLOP, SCORE, 1e21, 25, method="lower-bound")
    assert r.ceg == pytest.approx(10.0, rel=REL)
    assert r.is_lower_bound


def test_lower_bound_counts_a_tie_as_beaten():
    assert estimate_ceg(FLOP, SCORE, 1e21, 20, method="lower-bound").ceg == pytest.approx(10.0, rel=REL)


def test_lower_bound_without_any_beaten_model_gives_a_reason():
    r = estimate_ceg(FLOP, SCORE, 1e21, 5, method="lower-bound")
    assert math.isnan(r.ceg)
    assert "below every baseline model" in r.reason


def test_above_the_baseline_is_extrapolated():
    r = estimate_ceg(FLOP, SCORE, 1e22, 35)
    assert r.extrapolated
    assert r.ceg == pytest.approx(10 ** 1.5, rel=REL)  # 35 needs 10^23.5 FLOP


def test_below_the_baseline_is_extrapolated():
    r = estimate_ceg(FLOP, SCORE, 1e21, 5)
    assert r.extrapolated
    assert r.ceg == pytest.approx(10 ** -0.5, rel=REL)


def test_an_enhancement_that_hurts_gives_a_ceg_below_one():
    assert estimate_ceg(FLOP, SCORE, 1e22, 15).ceg == pytest.approx(10 ** -0.5, rel=REL)  # 0.316


def test_fit_linear_on_collinear_points_equals_interpolation():
    r = estimate_ceg(FLOP, SCORE, 1e21, 25, method="fit-linear")
    assert r.ceg == pytest.approx(10 ** 1.5, rel=REL)
    assert not r.extrapolated


def test_fit_linear_by_hand():
    # points (21, 10), (22, 30), (23, 20): slope = ((-1)(-10) + (1)(0)) / 2 = 5, mean (22, 20);
    # score 25 → x = 22 + 5 / 5 = 23 → C' = 1e23, CEG against 1e21 = 100.
    r = estimate_ceg(FLOP, [10, 30, 20], 1e21, 25, method="fit-linear")
    assert r.ceg == pytest.approx(100.0, rel=REL)


def test_fit_linear_refuses_a_falling_baseline():
    with pytest.raises(EstimationError, match="does not rise"):
        estimate_ceg(FLOP, [30, 20, 10], 1e21, 25, method="fit-linear")


def test_fit_sigmoid_by_hand():
    # chance 0, perfect 100: logits of 10%, 50%, 90% are -ln 9, 0, ln 9 at x = 21, 22, 23:
    # a line through the origin at x = 22 with slope ln 9; 25% has logit -ln 3 → x = 22 - 0.5.
    r = estimate_ceg(FLOP, [10, 50, 90], 1e21, 25, method="fit-sigmoid", chance_score=0, perfect_score=100)
    assert r.ceg == pytest.approx(10 ** 0.5, rel=1e-9)


def test_fit_sigmoid_refuses_when_not_identified():
    with pytest.raises(EstimationError, match="fewer than two"):
        estimate_ceg(FLOP, [0, 0, 40], 1e21, 25, method="fit-sigmoid", chance_score=0, perfect_score=100)
    with pytest.raises(EstimationError, match="chance_score"):
        estimate_ceg(FLOP, SCORE, 1e21, 25, method="fit-sigmoid")
    with pytest.raises(EstimationError, match="strictly between"):
        estimate_ceg(FLOP, [10, 50, 90], 1e21, 100, method="fit-sigmoid", chance_score=0, perfect_score=100)


def test_lower_is_better_runs_the_other_way():
    # perplexity falls 10 per decade: 25 lies half-way between 30 (1e21) and 20 (1e22).
    r = estimate_ceg(FLOP, [30, 20, 10], 1e21, 25, higher_is_better=False)
    assert r.ceg == pytest.approx(10 ** 0.5, rel=REL)
    bound = estimate_ceg(FLOP, [30, 20, 10], 1e21, 19, method="lower-bound", higher_is_better=False)
    assert bound.ceg == pytest.approx(10.0, rel=REL)


def test_non_monotone_baseline_uses_the_running_maximum():
    # (21, 10), (22, 25), (23, 20), (24, 40): the curve is 10, 25, 25, 40; score 30 lies a third of
    # the way from 25 (at 23, where the best-so-far curve resumes rising) to 40 (at 24).
    r = estimate_ceg([1e21, 1e22, 1e23, 1e24], [10, 25, 20, 40], 1e21, 30)
    assert r.ceg == pytest.approx(10 ** (2 + 1 / 3), rel=REL)
    # a score on the plateau takes the least compute that reaches it
    assert estimate_ceg([1e21, 1e22, 1e23, 1e24], [10, 25, 20, 40], 1e21, 25).ceg == pytest.approx(10.0, rel=REL)


def test_flat_baseline_gives_a_reason_not_a_number():
    r = estimate_ceg(FLOP, [20, 20, 20], 1e21, 25)
    assert math.isnan(r.ceg)
    assert "never rises" in r.reason


@pytest.mark.parametrize("kwargs, message", [
    ({"baseline_flop": [1e21, -1, 1e23]}, "positive"),
    ({"baseline_flop": [1e21, 1e22]}, "expected|values"),
    ({"baseline_score": [10, float("nan"), 30]}, "finite"),
    ({"method": "guess"}, "unknown method"),
    ({"baseline_flop": [1e21, 1e21, 1e21]}, "two or more compute values"),
    ({"baseline_log10_sd": [0.1, 0.2]}, "expected 3"),
])
def test_bad_input_is_a_clear_error(kwargs, message):
    args = {"baseline_flop": FLOP, "baseline_score": SCORE, "enhanced_flop": 1e21, "enhanced_score": 25}
    args.update(kwargs)
    with pytest.raises(EstimationError, match=message):
        estimate_ceg(**args)


def test_vector_input_gives_one_result_per_enhanced_model():
    r = estimate_ceg(FLOP, SCORE, [1e21, 1e22], [25, 15])
    np.testing.assert_allclose(r.ceg, [10 ** 1.5, 10 ** -0.5], rtol=REL)
    assert r.extrapolated.tolist() == [False, False]


def test_interval_brackets_the_estimate_and_is_reproducible():
    kwargs = dict(baseline_log10_sd=0.2, enhanced_log10_sd=0.2, score_stderr=1.0, seed=7)
    a = estimate_ceg(FLOP, SCORE, 1e21, 25, **kwargs)
    b = estimate_ceg(FLOP, SCORE, 1e21, 25, **kwargs)
    assert a.ceg_low < a.ceg < a.ceg_high
    assert (a.ceg_low, a.ceg_high) == (b.ceg_low, b.ceg_high)  # same seed, same numbers
    c = estimate_ceg(FLOP, SCORE, 1e21, 25, **{**kwargs, "seed": 8})
    assert c.ceg_low != a.ceg_low


def test_interval_width_matches_compute_noise_alone():
    # Only the enhanced compute is uncertain: log10 CEG = 1.5 - e with e ~ N(0, sd), so the 90%
    # interval is 1.5 ± Z90 sd, up to Monte Carlo error (about 0.02 sd at 10,000 draws).
    sd = 0.3
    r = estimate_ceg(FLOP, SCORE, 1e21, 25, enhanced_log10_sd=sd, draws=10_000)
    assert math.log10(r.ceg_high) - 1.5 == pytest.approx(Z90 * sd, abs=0.03)
    assert 1.5 - math.log10(r.ceg_low) == pytest.approx(Z90 * sd, abs=0.03)


def test_result_of_one_model_does_not_depend_on_the_others_in_the_call():
    kwargs = dict(baseline_log10_sd=0.2, enhanced_log10_sd=0.2, score_stderr=1.0)
    alone = estimate_ceg(FLOP, SCORE, 1e21, 25, **kwargs)
    together = estimate_ceg(FLOP, SCORE, [1e22, 1e21], [15, 25], **kwargs)
    assert together.ceg_low[1] == alone.ceg_low and together.ceg_high[1] == alone.ceg_high


def test_binomial_stderr_by_hand():
    # 50% of 100 items: sqrt(0.25 / 100) = 0.05 → 5 points on the percent scale
    assert binomial_stderr(50, 100) == pytest.approx(5.0)
    assert binomial_stderr(0.5, 100, scale=1.0) == pytest.approx(0.05)
    assert np.isnan(binomial_stderr(50, float("nan")))


def test_compute_sd_from_bounds_and_tiers():
    # bounds a factor 10 apart around the estimate: log10 span 2 → sd = 1 / Z90
    assert compute_log10_sd({"training_compute_low_flop": 1e22, "training_compute_high_flop": 1e24}) == \
        pytest.approx(1 / Z90)
    assert compute_log10_sd({"confidence": "confident"}) == pytest.approx(math.log10(2) / Z90)
    assert compute_log10_sd({"confidence": None}) == compute_log10_sd({"confidence": "likely"})


# --- properties ----------------------------------------------------------------------------------

points = st.lists(
    st.tuples(st.floats(18, 26), st.floats(0, 100)), min_size=2, max_size=6,
    unique_by=lambda p: round(p[0], 3),
)


@settings(max_examples=200, deadline=None)
@given(points, st.floats(18, 26), st.floats(0, 100), st.randoms(use_true_random=False),
       st.sampled_from(["interpolate", "fit-linear", "lower-bound"]))
def test_ceg_ignores_the_order_of_baseline_points(pts, xe, pe, rnd, method):
    shuffled = pts[:]
    rnd.shuffle(shuffled)
    try:
        a = estimate_ceg([10 ** x for x, _ in pts], [s for _, s in pts], 10 ** xe, pe, method=method)
    except EstimationError:
        with pytest.raises(EstimationError):
            estimate_ceg([10 ** x for x, _ in shuffled], [s for _, s in shuffled], 10 ** xe, pe, method=method)
        return
    b = estimate_ceg([10 ** x for x, _ in shuffled], [s for _, s in shuffled], 10 ** xe, pe, method=method)
    assert a.ceg == pytest.approx(b.ceg, rel=1e-12, nan_ok=True)


@settings(max_examples=200, deadline=None)
@given(points, st.floats(18, 26), st.floats(0, 100), st.floats(-3, 3),
       st.sampled_from(["interpolate", "fit-linear", "lower-bound"]))
def test_ceg_is_invariant_to_scaling_all_compute(pts, xe, pe, shift, method):
    def run(offset):
        return estimate_ceg([10 ** (x + offset) for x, _ in pts], [s for _, s in pts], 10 ** (xe + offset),
                            pe, method=method).ceg
    try:
        a = run(0.0)
    except EstimationError:
        return
    assert run(shift) == pytest.approx(a, rel=1e-6, nan_ok=True)


@settings(max_examples=200, deadline=None)
@given(points, st.floats(18, 26), st.floats(0, 100), st.floats(0, 100),
       st.sampled_from(["interpolate", "fit-linear", "lower-bound"]))
def test_ceg_is_monotone_in_the_enhanced_score(pts, xe, p1, p2, method):
    low, high = sorted((p1, p2))
    try:
        r = estimate_ceg([10 ** x for x, _ in pts], [s for _, s in pts], [10 ** xe] * 2, [low, high], method=method)
    except EstimationError:
        return
    a, b = r.ceg
    if not (math.isnan(a) or math.isnan(b)):
        assert b >= a * (1 - 1e-12)


def test_shared_compute_cancels_in_the_ratio():
    # The enhanced model is the 1e22 baseline model itself (same training run): with only compute
    # uncertain, a lower bound against itself is exactly 1 in every draw.
    kwargs = dict(method="lower-bound", baseline_log10_sd=0.3, enhanced_log10_sd=0.3, draws=2000)
    alone = estimate_ceg([1e21, 1e22, 1e23], [10, 20, 30], 1e22, 25, **kwargs)
    shared = estimate_ceg([1e21, 1e22, 1e23], [10, 20, 30], 1e22, 25, shared_compute=1, **kwargs)
    assert alone.ceg == shared.ceg == pytest.approx(1.0)
    assert alone.ceg_low < 0.7 and alone.ceg_high > 1.4  # independent draws of one quantity: spurious spread
    assert shared.ceg_low == pytest.approx(1.0) and shared.ceg_high == pytest.approx(1.0)


def test_shared_compute_follows_the_baseline_sort_order():
    # Same inputs in another order: the index names the input point, whatever its rank.
    kwargs = dict(method="interpolate", baseline_log10_sd=0.2, enhanced_log10_sd=0.2, draws=2000)
    a = estimate_ceg([1e21, 1e22, 1e23], [10, 20, 30], 1e22, 25, shared_compute=1, **kwargs)
    b = estimate_ceg([1e23, 1e21, 1e22], [30, 10, 20], 1e22, 25, shared_compute=2, **kwargs)
    assert (a.ceg, a.ceg_low, a.ceg_high) == pytest.approx((b.ceg, b.ceg_low, b.ceg_high), rel=1e-12)


def test_shared_compute_is_checked():
    with pytest.raises(EstimationError, match="shared_compute"):
        estimate_ceg([1e21, 1e22], [10, 20], 1e22, 15, shared_compute=2)
