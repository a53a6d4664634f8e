"""Deferrable work: window sums, backlog caps, the smoothest profile, on-time shares.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pytest
from deferred_reference import deferred_work, on_time_share_scalar, smooth_profile, smooth_requirement

from planner.queueing.deferred import (
    LATE_FACTOR,
    backlog,
    deferred_works,
    on_time_share,
    smooth_requirements,
    taut_string,
    window_sums,
)


def test_window_sums_by_hand():
    w = np.array([1.0, 2.0, 3.0, 4.0])
    # window 2: w[t] + w[t-1], cyclic
    assert window_sums(w, 2) == pytest.approx([1 + 4, 2 + 1, 3 + 2, 4 + 3])
    # window 1.5: w[t] + 0.5 w[t-1]
    assert window_sums(w, 1.5) == pytest.approx([1 + 2, 2 + 0.5, 3 + 1, 4 + 1.5])
    # window 0.5: half of the interval's own work may still be open
    assert window_sums(w, 0.5) == pytest.approx(w / 2)
    # a window as long as the horizon or longer: everything may be open
    assert window_sums(w, 10) == pytest.approx([10.0] * 4)


def test_work_splits_into_two_deadline_classes():
    w = np.array([1.0, 2.0, 3.0, 4.0, 0.0, 0.0, 0.0, 0.0])
    dw = deferred_work(w, 1, 0.9)
    first, rest = dw.classes
    assert first.work == pytest.approx(0.9 * w) and first.window == 1
    assert first.cap == pytest.approx(0.9 * w)  # only the last interval's work may be open
    assert rest.work == pytest.approx(0.1 * w) and rest.window == LATE_FACTOR
    assert rest.cap == pytest.approx(window_sums(0.1 * w, LATE_FACTOR))
    # share 1: a single class
    assert len(deferred_work(w, 1, 1.0).classes) == 1


def test_taut_string_straight_when_nothing_binds():
    y = taut_string(np.array([0.0, 0.0, 2.0, 3.0]), np.array([0.0, 1.0, 3.0, 3.0]))
    assert y == pytest.approx([0, 1, 2, 3])


def test_taut_string_bends_at_a_binding_bound():
    # must be at least 2 by x=1, and end at 2: the string goes 0 -> 2 and stays
    y = taut_string(np.array([0.0, 2.0, 2.0, 2.0]), np.array([0.0, 5.0, 5.0, 2.0]))
    assert y == pytest.approx([0, 2, 2, 2])
    # must stay below 0.5 until x=2, end at 3: 0 -> 0.25 -> 0.5 then slope 2.5
    y = taut_string(np.array([0.0, 0.0, 0.0, 3.0]), np.array([0.0, 9.0, 0.5, 3.0]))
    assert y == pytest.approx([0, 0.25, 0.5, 3.0])


def test_smooth_profile_spreads_a_spike_over_its_window():
    # 12 units arrive in interval 2, all due within 3 intervals: the smoothest way is 4, 4, 4
    work = np.array([0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 0.0, 0.0])
    # (the last contacts of interval 2 arrive at its end, so they are due at the end of interval 5)
    dw = deferred_work(work, window=3, share=1.0)
    profile = smooth_requirement(dw)
    assert profile == pytest.approx([0, 0, 3, 3, 3, 3, 0, 0])
    assert on_time_share(work, profile, 3, 1.0) == pytest.approx([1.0] * 8)


def test_smooth_profile_is_level_when_work_is_level():
    work = np.full(24, 3.0)
    dw = deferred_work(work, window=5, share=0.95)
    assert smooth_requirement(dw) == pytest.approx(work)


def test_smooth_profile_carries_work_over_the_horizon_end():
    # work arrives in the last interval; the cyclic horizon lets it be done at the start
    work = np.zeros(10)
    work[9] = 6.0
    dw = deferred_work(work, window=3, share=1.0)
    profile = smooth_requirement(dw)
    assert profile == pytest.approx([1.5, 1.5, 1.5, 0, 0, 0, 0, 0, 0, 1.5])
    assert profile.sum() == pytest.approx(6.0)


@pytest.mark.parametrize("seed", range(5))
def test_smooth_profile_meets_every_cap_and_conserves_work(seed):
    rng = np.random.default_rng(seed)
    work = rng.gamma(2.0, 1.0, 168) * (1 + np.sin(np.arange(168) / 24 * 2 * np.pi))
    for window, share in ((24, 0.95), (2, 0.9), (4, 1.0)):
        dw = deferred_work(work, window, share)
        profile = smooth_requirement(dw)
        assert profile.sum() == pytest.approx(work.sum(), rel=1e-9)
        for cls in dw.classes:
            own = smooth_profile(cls.work, cls.cap)
            assert np.all(backlog(cls.work, own) <= cls.cap + 1e-7)
        # smoother than the arrivals: a lower peak
        assert profile.max() <= work.max() + 1e-9
        assert np.all(on_time_share(work, profile, window, share) >= share - 1e-6)


def test_backlog_matches_lindley_recursion():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 30))
        w = rng.uniform(0, 3, n)
        d = rng.uniform(0, 3, n)
        d *= max(1.0, w.sum() / max(d.sum(), 1e-9)) * 1.01
        b, out = 0.0, np.zeros(n)
        for _cycle in range(3):
            for t in range(n):
                b = max(0.0, b + w[t] - d[t])
                out[t] = b
        assert backlog(w, d) == pytest.approx(out)


def test_on_time_share_drops_when_capacity_is_late():
    # 4 units arrive in interval 0, due within 2 intervals; capacity only arrives in interval 3
    work = np.array([4.0, 0, 0, 0, 0, 0])
    late = np.array([0.0, 0, 0, 4, 0, 0])
    assert on_time_share(work, late, 2, 1.0)[0] == pytest.approx(0.0)
    # half the capacity in time: half the work on time
    half = np.array([0.0, 2.0, 0, 2, 0, 0])
    assert on_time_share(work, half, 2, 1.0, substeps=8)[0] == pytest.approx(0.5, abs=0.07)
    # intervals without work report 1.0
    assert on_time_share(work, late, 2, 1.0)[1] == 1.0


def test_taut_string_is_shortest_by_its_optimality_conditions():
    """Feasible, pinned at both ends, and bending only where a bound holds it: where the
    slope rises the string lies on the upper bound, where it falls on the lower one (the
    KKT conditions of the shortest path in the tube)."""
    rng = np.random.default_rng(5)
    for _ in range(40):
        n = int(rng.integers(2, 120))
        arrived = np.concatenate([[0.0], np.cumsum(rng.gamma(0.6, 1.0, n) * (rng.random(n) < 0.8))])
        lower = arrived - rng.uniform(0.0, 2.0, n + 1)
        upper = arrived.copy()
        lower[0] = upper[0] = 0.0
        lower[-1] = upper[-1] = arrived[-1] - 0.3
        y = taut_string(lower, upper)
        assert y[0] == 0.0 and y[-1] == lower[-1]
        assert np.all(y >= lower - 1e-9) and np.all(y <= upper + 1e-9)
        turn = np.diff(np.diff(y))
        rises, falls = np.flatnonzero(turn > 1e-7) + 1, np.flatnonzero(turn < -1e-7) + 1
        np.testing.assert_allclose(y[rises], upper[rises], atol=1e-9)
        np.testing.assert_allclose(y[falls], lower[falls], atol=1e-9)
        # stopping the walk early leaves the start exactly as it was
        cut = int(rng.integers(0, n + 1))
        np.testing.assert_array_equal(taut_string(lower, upper, until=cut)[: cut + 1], y[: cut + 1])


def test_batched_deferred_work_equals_one_queue_at_a_time():
    rng = np.random.default_rng(8)
    work = rng.gamma(1.0, 1.0, (6, 48)) * (rng.random((6, 48)) < 0.7)
    work[2] = 0.0  # a queue without work
    windows = np.array([2.0, 1.5, 4.0, 60.0, 0.5, 12.25])
    shares = np.array([0.9, 1.0, 0.8, 0.95, 1.0, 0.5])
    batch = deferred_works(work, windows, shares)
    profiles = smooth_requirements(batch)
    for i in range(6):
        one = deferred_work(work[i], windows[i], shares[i])
        assert len(one.classes) == len(batch[i].classes)
        for a, b in zip(one.classes, batch[i].classes, strict=True):
            np.testing.assert_array_equal(a.work, b.work)
            np.testing.assert_array_equal(a.cap, b.cap)
            assert a.window == b.window
            np.testing.assert_array_equal(a.cap, window_sums(a.work, a.window))
        np.testing.assert_array_equal(profiles[i], smooth_requirement(one))
    np.testing.assert_array_equal(profiles[2], np.zeros(48))


def test_on_time_share_matches_a_slice_by_slice_simulation():
    rng = np.random.default_rng(9)
    work = rng.gamma(1.0, 1.0, (5, 30)) * (rng.random((5, 30)) < 0.8)
    capacity = work.sum(axis=1, keepdims=True) / 30 * rng.uniform(0.3, 1.8, (5, 30))
    windows = np.array([1.0, 2.5, 6.0, 0.5, 3.0])
    shares = np.array([1.0, 0.9, 0.8, 0.95, 0.5])
    got = on_time_share(work, capacity, windows, shares)
    for i in range(5):
        expected = on_time_share_scalar(work[i].tolist(), capacity[i].tolist(), windows[i], shares[i])
        np.testing.assert_allclose(got[i], expected, atol=1e-12)
    assert (got < 1.0).sum() > 10  # the cases include plenty of late work


def test_oldest_open_age_by_hand():
    # 2 units arrive in interval 0, 1 unit is done in each of intervals 1 and 2 (served in order):
    # at the end of 0 all is open, the oldest from its start (age 1); at the end of 1 the second
    # unit is open, arrived halfway through interval 0 (age 2 - 0.5); then nothing is open
    from planner.queueing.deferred import oldest_open_age

    age = oldest_open_age(np.array([2.0, 0, 0, 0]), np.array([0.0, 1, 1, 0]))
    assert age.tolist() == pytest.approx([1.0, 1.5, 0.0, 0.0])
