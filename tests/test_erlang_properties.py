"""Property-based tests of planner.queueing.erlang (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
from erlang_reference import required_agents_scalar
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.queueing.erlang import erlang_c, queue_stats, required_agents

FIELDS = ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate")

contacts = st.floats(min_value=0.0, max_value=60.0, allow_nan=False)
positive_contacts = st.floats(min_value=1e-3, max_value=60.0)
handle = st.floats(min_value=0.2, max_value=30.0)
target = st.sampled_from([0.0, 1 / 6, 1 / 3, 0.5, 1.0, 2.0, 5.0])
patience = st.one_of(
    st.none(),
    st.just(math.inf),
    st.just(0.0),
    st.floats(min_value=0.01, max_value=1e4),
)
concurrency = st.integers(min_value=1, max_value=3)
efficiency = st.floats(min_value=0.0, max_value=1.0)
goal = st.floats(min_value=0.3, max_value=0.99)
max_occupancy = st.floats(min_value=0.5, max_value=1.0)


@settings(deadline=None, max_examples=150)
@given(
    agents=st.floats(min_value=0.0, max_value=300.0),
    lam=contacts,
    h=handle,
    t=target,
    pat=patience,
    c=concurrency,
    eff=efficiency,
)
def test_measures_are_probabilities(
    agents: float, lam: float, h: float, t: float, pat: float | None, c: int, eff: float
) -> None:
    stats = queue_stats(agents, lam, h, t, patience_minutes=pat, concurrency=c, concurrency_efficiency=eff)
    for field in ("service_level", "p_wait", "occupancy", "abandon_rate"):
        value = float(getattr(stats, field))
        assert 0.0 <= value <= 1.0, field
    asa = float(stats.asa_seconds)
    assert asa >= 0.0 and not math.isnan(asa)
    # Nobody is answered within the target unless they are answered at all.
    assert float(stats.service_level) <= 1.0 - float(stats.abandon_rate) + 1e-9  # float rounding
    if pat is None or math.isinf(pat):
        assert float(stats.abandon_rate) == 0.0


@settings(deadline=None, max_examples=60)
@given(
    lam=positive_contacts,
    h=handle,
    t=target,
    pat=patience,
    c=concurrency,
    eff=efficiency,
)
def test_more_agents_never_hurt(lam: float, h: float, t: float, pat: float | None, c: int, eff: float) -> None:
    agents = np.arange(0, 120)
    stats = queue_stats(agents, lam, h, t, patience_minutes=pat, concurrency=c, concurrency_efficiency=eff)
    assert np.all(np.diff(stats.service_level) >= -1e-12)
    assert np.all(np.diff(stats.p_wait) <= 1e-12)
    assert np.all(np.diff(stats.abandon_rate) <= 1e-12)


@settings(deadline=None, max_examples=60)
@given(
    lam=st.lists(contacts, min_size=2, max_size=8),
    h=handle,
    t=target,
    sl=goal,
    occ=max_occupancy,
    pat=patience,
    c=concurrency,
    eff=efficiency,
)
def test_required_agents_never_fall_as_contacts_rise(
    lam: list[float],
    h: float,
    t: float,
    sl: float,
    occ: float,
    pat: float | None,
    c: int,
    eff: float,
) -> None:
    rising = np.sort(np.array(lam))
    n = required_agents(rising, h, t, sl, occ, patience_minutes=pat, concurrency=c, concurrency_efficiency=eff)
    assert np.all(np.diff(n) >= 0)
    assert np.all((n == 0) == (rising == 0))
    for value, got in zip(rising[:3], n[:3], strict=False):
        assert got == required_agents_scalar(float(value), h, t, sl, occ, pat, c, eff)


@settings(deadline=None, max_examples=60)
@given(
    agents=st.integers(min_value=0, max_value=80),
    lam=positive_contacts,
    h=handle,
    t=target,
    pat=patience,
    eff=efficiency,
    sl=goal,
    occ=max_occupancy,
)
def test_concurrency_one_is_plain_erlang(
    agents: int,
    lam: float,
    h: float,
    t: float,
    pat: float | None,
    eff: float,
    sl: float,
    occ: float,
) -> None:
    one = queue_stats(agents, lam, h, t, patience_minutes=pat, concurrency=1, concurrency_efficiency=eff)
    plain = queue_stats(agents, lam, h, t, patience_minutes=pat)
    for field in FIELDS:
        np.testing.assert_array_equal(getattr(one, field), getattr(plain, field))
    if (pat is None or math.isinf(pat)) and agents > lam * h:
        assert float(plain.p_wait) == float(erlang_c(agents, lam * h))
    n_one = required_agents(lam, h, t, sl, occ, patience_minutes=pat, concurrency=1, concurrency_efficiency=eff)
    assert int(n_one) == int(required_agents(lam, h, t, sl, occ, patience_minutes=pat))
