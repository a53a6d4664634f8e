"""Deferrable work: window sums, backlog caps, the smoothest profile, on-time shares.

Expected values are worked out by hand in the comments.
"""

from __future__ import annotations

import numpy as np
import pytest

from planner.deferred import (
    LATE_FACTOR,
    backlog,
    deferred_work,
    on_time_share,
    smooth_profile,
    smooth_requirement,
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
