"""Tests of planner.queueing.erlang against published figures and independent computations.

The references here are computed in the test itself and never from the code under test:
exact rational Erlang B/C (``fractions``), an explicit continuous-time Markov chain for
Erlang A (stationary distribution by linear algebra, tagged-customer absorption by matrix
exponential and the fundamental matrix), and a Beta/digamma series for large Erlang A loads.
"""

from __future__ import annotations

import math
import warnings
from fractions import Fraction

import numpy as np
import pytest
from erlang_reference import required_agents_scalar
from scipy import special
from scipy.linalg import expm

from planner.queueing.erlang import (
    QueueStats,
    erlang_b,
    erlang_c,
    queue_stats,
    required_agents,
    staffing,
)

# --------------------------------------------------------------------------------------------
# Independent references
# --------------------------------------------------------------------------------------------


def exact_erlang_b(n: int, load: float) -> float:
    """``(A^N/N!) / Σ_{k<=N} A^k/k!`` with exact rationals (``load`` taken exactly)."""
    a = Fraction(load)
    term = Fraction(1)
    total = Fraction(1)
    for k in range(1, n + 1):
        term = term * a / k
        total += term
    return float(term / total)


def exact_erlang_c(n: int, load: float) -> float:
    """``(A^N/N!)(N/(N-A)) / (Σ_{k<N} A^k/k! + (A^N/N!)(N/(N-A)))`` exactly."""
    a = Fraction(load)
    term = Fraction(1)
    below = Fraction(0)
    for k in range(n):
        below += term
        term = term * a / (k + 1)
    top = term * n / (n - a)
    return float(top / (below + top))


def ctmc_erlang_a(s: int, lam: float, h: float, patience: float, t: float) -> dict[str, float]:
    """M/M/s+M measures from an explicit CTMC (states truncated where the tail is < 1e-15).

    Stationary distribution: solve ``pi Q = 0`` with ``pi_0`` pinned. A tagged arrival that
    finds ``n >= s`` present has ``j = n - s`` contacts ahead; its own chain moves
    ``j -> j-1`` at rate ``s mu + j theta`` (``0 -> served`` at ``s mu``) and abandons at
    ``theta`` from any ``j``. ``expm(T t)`` gives P(served by t); the fundamental matrix
    ``(-T)^-1`` gives the absorption probabilities and ``E[wait; served]``.
    """
    mu = 1.0 / h
    theta = 1.0 / patience
    log_w = [0.0]
    n = 0
    while True:
        n += 1
        death = min(n, s) * mu + max(n - s, 0) * theta
        log_w.append(log_w[-1] + math.log(lam / death))
        if n > s and log_w[-1] - max(log_w) < math.log(1e-17):
            break
    top = n
    gen = np.zeros((top + 1, top + 1))
    for i in range(top + 1):
        if i < top:
            gen[i, i + 1] = lam
        if i > 0:
            gen[i, i - 1] = min(i, s) * mu + max(i - s, 0) * theta
        gen[i, i] = -gen[i].sum()
    lhs = gen.T.copy()
    lhs[0, :] = 0.0
    lhs[0, 0] = 1.0
    rhs = np.zeros(top + 1)
    rhs[0] = 1.0
    pi = np.linalg.solve(lhs, rhs)
    pi /= pi.sum()

    ahead = top - s
    served, abandoned = ahead + 1, ahead + 2
    tag = np.zeros((ahead + 3, ahead + 3))
    for j in range(ahead + 1):
        if j == 0:
            tag[0, served] = s * mu
        else:
            tag[j, j - 1] = s * mu + j * theta
        tag[j, abandoned] = theta
        tag[j, j] = -tag[j].sum()
    at_t = expm(tag * t)
    fundamental = np.linalg.inv(-tag[: ahead + 1, : ahead + 1])
    p_served = fundamental @ tag[: ahead + 1, served]
    p_abandoned = fundamental @ tag[: ahead + 1, abandoned]
    wait_served = fundamental @ p_served

    q = pi[s : s + ahead + 1]
    p_no_wait = pi[:s].sum()
    p_answered = p_no_wait + q @ p_served
    abandon_by_t = q @ at_t[: ahead + 1, abandoned]
    return {
        "service_level": p_no_wait + q @ at_t[: ahead + 1, served],
        "p_wait": pi[s:].sum(),
        "abandon_rate": q @ p_abandoned,
        "asa_seconds": 60.0 * (q @ wait_served) / p_answered,
        "occupancy": lam * h * p_answered / s,
        "abandon_by_t": abandon_by_t,
    }


def series_erlang_a(s: int, lam: float, h: float, patience: float, t: float) -> dict[str, float]:
    """Erlang A by summing over the number ``k`` queued ahead of an arrival.

    With ``U ~ Beta(α, k+1)`` (``exp(-θ V_k)``), ``P(answered | k) = E[U] = α/(α+k+1)``,
    ``P(answered within t | k) = α/(α+k+1) · P(Beta(α+1, k+1) >= e^{-θt})`` and
    ``E[wait; answered | k] = α/(α+k+1) · (ψ(α+k+2) - ψ(α+1)) / θ``.
    """
    theta = 1.0 / patience
    load = lam * h
    alpha = s / h / theta
    x = lam / theta
    below = np.arange(s)
    log_below = special.gammaln(s + 1) - special.gammaln(below + 1) + (below - s) * math.log(load)
    ks = np.arange(int(max(x - alpha, 0.0) + 60.0 * math.sqrt(x + alpha + 10.0) + 200))
    log_wait = ks * math.log(x) - (special.gammaln(alpha + 1 + ks) - special.gammaln(alpha + 1))
    top = max(log_below.max(), log_wait.max())
    w_below = np.exp(log_below - top)
    w_wait = np.exp(log_wait - top)
    norm = w_below.sum() + w_wait.sum()
    p_no_wait = w_below.sum() / norm
    pk = w_wait / norm
    frac = alpha / (alpha + ks + 1)
    within = frac * special.betaincc(alpha + 1, ks + 1, math.exp(-t / patience))
    wait = frac * (special.digamma(alpha + ks + 2) - special.digamma(alpha + 1)) / theta
    p_answered = p_no_wait + pk @ frac
    return {
        "service_level": p_no_wait + pk @ within,
        "p_wait": pk.sum(),
        "abandon_rate": pk @ (1.0 - frac),
        "asa_seconds": 60.0 * (pk @ wait) / p_answered,
        "occupancy": load * p_answered / s,
    }


def as_dict(stats: QueueStats) -> dict[str, float]:
    return {
        "service_level": float(stats.service_level),
        "p_wait": float(stats.p_wait),
        "abandon_rate": float(stats.abandon_rate),
        "asa_seconds": float(stats.asa_seconds),
        "occupancy": float(stats.occupancy),
    }


def assert_matches(got: dict[str, float], ref: dict[str, float], rtol: float) -> None:
    for key in ("service_level", "p_wait", "abandon_rate", "asa_seconds", "occupancy"):
        atol = 1e-9 if key == "asa_seconds" else 1e-12
        assert got[key] == pytest.approx(ref[key], rel=rtol, abs=atol), key


# --------------------------------------------------------------------------------------------
# Erlang B and C
# --------------------------------------------------------------------------------------------

# The classic example: 100 contacts per 30 minutes, 180 s handle time, 20 s target.
LAM = 100 / 30
AHT = 3.0
TARGET = 20 / 60


def test_erlang_b_textbook_value() -> None:
    # Tables print B(10, 5) = 0.018384 (truncated); to seven places it is 0.0183846.
    b = float(erlang_b(10, 5))
    assert math.floor(b * 1e6) == 18384
    assert b == pytest.approx(0.0183846, abs=5e-8)
    assert float(erlang_b(1, 1)) == pytest.approx(0.5, rel=1e-15)
    assert float(erlang_b(2, 1)) == pytest.approx(0.2, rel=1e-15)  # (1/2) / (1 + 1 + 1/2)


@pytest.mark.parametrize(
    ("n", "load"),
    [(1, 0.3), (5, 2.5), (10, 5.0), (20, 17.25), (50, 60.0), (100, 80.5), (300, 250.0), (3, 0.001)],
)
def test_erlang_b_and_c_exact(n: int, load: float) -> None:
    assert float(erlang_b(n, load)) == pytest.approx(exact_erlang_b(n, load), rel=1e-12)
    if n > load:
        assert float(erlang_c(n, load)) == pytest.approx(exact_erlang_c(n, load), rel=1e-12)
    else:
        assert float(erlang_c(n, load)) == 1.0


def test_erlang_b_c_vectorised_and_edges() -> None:
    servers = np.array([[0, 1, 7], [12, 3, 40]])
    loads = np.array([[2.0, 0.0, 3.5], [11.0, 4.0, 30.0]])
    b = erlang_b(servers, loads)
    assert b.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert b[i, j] == pytest.approx(exact_erlang_b(servers[i, j], loads[i, j]), rel=1e-12)
    assert b[0, 0] == 1.0  # no servers: everything blocked
    assert b[0, 1] == 0.0  # no load
    c = erlang_c(servers, loads)
    assert c[0, 0] == 1.0 and c[1, 1] == 1.0  # servers <= load
    assert c[0, 1] == 0.0
    assert erlang_b(np.arange(6), 2.0).shape == (6,)
    with pytest.raises(ValueError):
        erlang_b(2.5, 1.0)
    with pytest.raises(ValueError):
        erlang_c(3, -1.0)


def test_published_erlang_c_example() -> None:
    stats = queue_stats(np.array([13, 14]), LAM, AHT, TARGET)
    assert stats.service_level[1] == pytest.approx(0.888350, abs=5e-7)
    assert stats.p_wait[1] == pytest.approx(0.174132, abs=5e-7)
    assert stats.asa_seconds[1] == pytest.approx(7.8359, abs=5e-5)
    assert stats.service_level[0] == pytest.approx(0.795595, abs=5e-7)
    np.testing.assert_array_equal(stats.abandon_rate, [0.0, 0.0])
    np.testing.assert_allclose(stats.occupancy, [10 / 13, 10 / 14], rtol=1e-15)
    # The same figures from exact rational Erlang C and the textbook formulas.
    for i, n in enumerate((13, 14)):
        c = exact_erlang_c(n, 10.0)
        assert stats.p_wait[i] == pytest.approx(c, rel=1e-12)
        assert stats.service_level[i] == pytest.approx(1 - c * math.exp(-(n - 10) * TARGET / AHT), rel=1e-12)
        assert stats.asa_seconds[i] == pytest.approx(60 * c * AHT / (n - 10), rel=1e-12)


def test_published_erlang_c_staffing() -> None:
    assert int(required_agents(LAM, AHT, TARGET, 0.8, 1.0)) == 14
    assert int(required_agents(LAM, AHT, TARGET, 0.8, 0.85)) == 14
    assert required_agents_scalar(LAM, AHT, TARGET, 0.8, 1.0) == 14
    assert required_agents_scalar(LAM, AHT, TARGET, 0.8, 0.85) == 14
    # Occupancy alone can bind: 10 Erlangs at 70% needs ceil(10 / 0.7) = 15 agents.
    assert int(required_agents(LAM, AHT, TARGET, 0.8, 0.7)) == 15


def test_erlang_c_unstable_and_zero_staff() -> None:
    stats = queue_stats(np.array([0, 5, 10]), LAM, AHT, TARGET)
    np.testing.assert_array_equal(stats.service_level, [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(stats.p_wait, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(stats.asa_seconds, [np.inf] * 3)
    np.testing.assert_array_equal(stats.occupancy, [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(stats.abandon_rate, [0.0, 0.0, 0.0])


# --------------------------------------------------------------------------------------------
# Erlang A
# --------------------------------------------------------------------------------------------

ERLANG_A_CASES = [
    # (agents, contacts/min, handle min, patience min, target min)
    (5, 10 / 3, 3.0, 2.0, 1 / 3),  # 10 Erlangs on 5 agents: N < load
    (8, 10 / 3, 3.0, 2.0, 1 / 3),
    (10, 10 / 3, 3.0, 2.0, 1 / 3),
    (15, 10 / 3, 3.0, 2.0, 1 / 3),
    (1, 0.001, 3.0, 0.5, 0.2),  # tiny load
    (3, 0.5, 1.0, 10.0, 0.5),
    (90, 100 / 3, 3.0, 0.5, 0.3),  # 100 Erlangs, under-staffed
    (110, 100 / 3, 3.0, 0.5, 0.3),
    (100, 100 / 3, 3.0, 5.0, 1.0),
    (20, 2.0, 5.0, 0.05, 0.1),  # very impatient
    (30, 2.0, 5.0, 50.0, 2.0),  # very patient
    (2, 5.0, 1.0, 1.0, 0.0),  # zero target: SL = P(no wait)
    (3, 0.2, 4.0, 0.01, 0.05),
]


@pytest.mark.parametrize(("n", "lam", "h", "patience", "t"), ERLANG_A_CASES)
def test_erlang_a_matches_ctmc(n: int, lam: float, h: float, patience: float, t: float) -> None:
    ref = ctmc_erlang_a(n, lam, h, patience, t)
    got = as_dict(queue_stats(n, lam, h, t, patience_minutes=patience))
    assert_matches(got, ref, rtol=1e-8)


@pytest.mark.parametrize(
    ("n", "lam", "h", "patience", "t"),
    [
        (450, 100.0, 5.0, 2.0, 0.5),  # 500 Erlangs
        (520, 100.0, 5.0, 30.0, 0.5),
        (4700, 1000.0, 5.0, 2.0, 0.3),  # 5,000 Erlangs, N < load
        (5100, 1000.0, 5.0, 2.0, 0.3),
        (5200, 1000.0, 5.0, 50.0, 0.3),
        (300, 100.0, 5.0, 0.02, 0.01),
        (400, 100.0, 5.0, 20.0, 1.0),  # heavily overloaded
        (70, 10.0, 5.0, 500.0, 0.5),  # patience far above handle time
        (100, 10.0, 5.0, 500.0, 0.5),
    ],
)
def test_erlang_a_large_loads_match_series(n: int, lam: float, h: float, patience: float, t: float) -> None:
    ref = series_erlang_a(n, lam, h, patience, t)
    got = as_dict(queue_stats(n, lam, h, t, patience_minutes=patience))
    assert_matches(got, ref, rtol=1e-8)


def test_erlang_a_with_concurrency_matches_ctmc_on_slots() -> None:
    # 6 agents x 2 chats = 12 slots; each chat holds its slot h * 2 / 1.7 minutes.
    n, c, lam, h, patience, t = 6, 2, 1.5, 6.0, 3.0, 1.0
    ref = ctmc_erlang_a(n * c, lam, h * c / 1.7, patience, t)
    got = as_dict(queue_stats(n, lam, h, t, patience_minutes=patience, concurrency=c))
    assert_matches(got, ref, rtol=1e-8)


def test_service_level_counts_every_abandonment_as_a_miss() -> None:
    n, lam, h, patience, t = 8, 10 / 3, 3.0, 2.0, 1 / 3
    ref = ctmc_erlang_a(n, lam, h, patience, t)
    sl = float(queue_stats(n, lam, h, t, patience_minutes=patience).service_level)
    # The other definition removes contacts that abandoned before t from the denominator.
    alternative = ref["service_level"] / (1 - ref["abandon_by_t"])
    assert sl == pytest.approx(ref["service_level"], rel=1e-9)
    assert alternative > sl + 0.01


def test_erlang_a_tends_to_erlang_c() -> None:
    c_stats = queue_stats(14, LAM, AHT, TARGET)
    gaps = []
    for patience in (1e4, 1e5, 1e6, 1e7):
        a_stats = queue_stats(14, LAM, AHT, TARGET, patience_minutes=patience)
        gaps.append(float(abs(a_stats.service_level - c_stats.service_level)))
        assert float(a_stats.abandon_rate) < 2.0 / patience
        assert float(a_stats.asa_seconds) == pytest.approx(float(c_stats.asa_seconds), rel=1e3 / patience)
        assert float(a_stats.p_wait) == pytest.approx(float(c_stats.p_wait), rel=1e3 / patience)
    assert gaps[-1] < 1e-7
    for bigger, smaller in zip(gaps, gaps[1:], strict=False):
        assert 5 < bigger / smaller < 20  # first-order convergence in 1/patience
    # Staffing converges too.
    assert int(required_agents(LAM, AHT, TARGET, 0.8, 1.0, patience_minutes=1e7)) == 14


def test_zero_patience_is_erlang_b_loss_system() -> None:
    n, lam, h = np.array([3, 6, 9]), 2.0, 2.5
    stats = queue_stats(n, lam, h, 0.5, patience_minutes=0.0)
    b = np.array([exact_erlang_b(int(k), 5.0) for k in n])
    np.testing.assert_allclose(stats.p_wait, b, rtol=1e-12)
    np.testing.assert_allclose(stats.abandon_rate, b, rtol=1e-12)
    np.testing.assert_allclose(stats.service_level, 1 - b, rtol=1e-12)
    np.testing.assert_allclose(stats.occupancy, 5.0 * (1 - b) / n, rtol=1e-12)
    np.testing.assert_array_equal(stats.asa_seconds, [0.0, 0.0, 0.0])


def test_erlang_a_no_agents() -> None:
    stats = queue_stats(0, 1.0, 3.0, 0.5, patience_minutes=2.0)
    assert float(stats.service_level) == 0.0
    assert float(stats.p_wait) == 1.0
    assert float(stats.abandon_rate) == 1.0
    assert float(stats.occupancy) == 1.0
    assert float(stats.asa_seconds) == np.inf


# --------------------------------------------------------------------------------------------
# Staffing
# --------------------------------------------------------------------------------------------


def brute_force_agents(lam: float, h: float, t: float, goal: float, max_occ: float, patience: float, c: int) -> int:
    """First N >= 1 that queue_stats says meets both criteria, scanning N = 1, 2, ..."""
    agents = np.arange(1, 400)
    stats = queue_stats(agents, lam, h, t, patience_minutes=patience, concurrency=c)
    ok = (stats.service_level >= goal - 1e-12) & (stats.occupancy <= max_occ + 1e-12)
    assert ok.any()
    return int(agents[np.argmax(ok)])


def random_cases(count: int, seed: int) -> list[tuple[float, float, float, float, float, float, int]]:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(count):
        load = float(10 ** rng.uniform(-1.5, 2))
        h = float(rng.uniform(1.0, 12.0))
        patience = float(rng.choice([np.nan, rng.uniform(0.2, 20.0), 0.0], p=[0.45, 0.45, 0.1]))
        cases.append(
            (
                load / h,
                h,
                float(rng.choice([0.0, 1 / 3, 1.0, 3.0])),
                float(rng.choice([0.5, 0.8, 0.9, 0.95])),
                float(rng.choice([0.75, 0.85, 0.95, 1.0])),
                patience,
                int(rng.choice([1, 2, 3])),
            )
        )
    return cases


def test_required_agents_is_minimal() -> None:
    cases = random_cases(150, seed=7)
    lam, h, t, goal, max_occ, patience, c = (np.array(col) for col in zip(*cases, strict=True))
    got = required_agents(lam, h, t, goal, max_occ, patience_minutes=patience, concurrency=c)
    assert got.dtype == np.int64
    at_n = queue_stats(got, lam, h, t, patience_minutes=patience, concurrency=c)
    below = queue_stats(got - 1, lam, h, t, patience_minutes=patience, concurrency=c)
    assert np.all(at_n.service_level >= goal - 1e-12)
    assert np.all(at_n.occupancy <= max_occ + 1e-12)
    fails_below = (below.service_level < goal - 1e-12) | (below.occupancy > max_occ + 1e-12)
    assert np.all(fails_below | (got == 1))
    for i, case in enumerate(cases[:60]):
        assert brute_force_agents(*case) == got[i], case
    scalar = [required_agents_scalar(*case) for case in cases]
    np.testing.assert_array_equal(got, scalar)


KNIFE_EDGE_CASES = [
    (5, 10 / 3, 3.0, 2.0, 1 / 3),
    (15, 10 / 3, 3.0, 2.0, 1 / 3),
    (3, 0.5, 1.0, 10.0, 0.5),
    (90, 100 / 3, 3.0, 0.5, 0.3),
    (110, 100 / 3, 3.0, 0.5, 0.3),
    (20, 2.0, 5.0, 0.05, 0.1),
]


@pytest.mark.parametrize(("n", "lam", "h", "patience", "t"), KNIFE_EDGE_CASES)
def test_staffing_on_a_knife_edge(n: int, lam: float, h: float, patience: float, t: float) -> None:
    """Targets 1e-9 either side of the CTMC's SL/occupancy at N must give N and N + 1.

    This pins the service level and occupancy used inside both staffing searches (vectorised
    and pure Python) to the independent reference, to about 1e-9.
    """
    ref = ctmc_erlang_a(n, lam, h, patience, t)
    for impl in ("vectorised", "scalar"):

        def solve(goal: float, max_occ: float, impl: str = impl) -> int:
            if impl == "scalar":
                return required_agents_scalar(lam, h, t, goal, max_occ, patience)
            return int(required_agents(lam, h, t, goal, max_occ, patience_minutes=patience))

        assert solve(ref["service_level"] - 1e-9, 1.0) == n, impl
        assert solve(ref["service_level"] + 1e-9, 1.0) == n + 1, impl
        assert solve(0.0, ref["occupancy"] + 1e-9) == n, impl
        assert solve(0.0, ref["occupancy"] - 1e-9) == n + 1, impl


def test_erlang_c_staffing_on_a_knife_edge() -> None:
    for n, load in ((14, 10.0), (3, 0.7), (60, 51.3)):
        c = exact_erlang_c(n, load)
        sl = 1 - c * math.exp(-(n - load) * TARGET / AHT)
        lam = load / AHT
        for goal, expected in ((sl - 1e-9, n), (sl + 1e-9, n + 1)):
            assert int(required_agents(lam, AHT, TARGET, goal, 1.0)) == expected
            assert required_agents_scalar(lam, AHT, TARGET, goal, 1.0) == expected


def test_erlang_a_can_need_fewer_agents_than_the_load() -> None:
    # 10 Erlangs, patience 0.5 min, 50% in 1 minute: abandonment relieves the queue.
    lam, h, t, goal, max_occ, patience = 10 / 3, 3.0, 1.0, 0.5, 1.0, 0.5
    n = int(required_agents(lam, h, t, goal, max_occ, patience_minutes=patience))
    assert n < 10
    assert n == brute_force_agents(lam, h, t, goal, max_occ, patience, 1)
    assert n == required_agents_scalar(lam, h, t, goal, max_occ, patience)


def test_required_agents_zero_and_fractional_demand() -> None:
    got = required_agents(np.array([0.0, 0.0, 0.001, 0.37]), 4.0, 0.5, 0.8, 0.85)
    np.testing.assert_array_equal(got, [0, 0, 1, 3])
    assert required_agents_scalar(0.0, 4.0, 0.5, 0.8, 0.85, 2.0) == 0
    stats = queue_stats(np.array([0, 3]), 0.0, 4.0, 0.5, patience_minutes=np.array([np.nan, 2.0]))
    np.testing.assert_array_equal(stats.service_level, [1.0, 1.0])
    np.testing.assert_array_equal(stats.occupancy, [0.0, 0.0])
    np.testing.assert_array_equal(stats.p_wait, [0.0, 0.0])
    np.testing.assert_array_equal(stats.abandon_rate, [0.0, 0.0])
    np.testing.assert_array_equal(stats.asa_seconds, [0.0, 0.0])


def test_fractional_agents_round_down() -> None:
    stats = queue_stats(np.array([13.999999999999, 14.0, 14.7, 13.6]), LAM, AHT, TARGET)
    expected = queue_stats(np.array([14, 14, 14, 13]), LAM, AHT, TARGET)
    np.testing.assert_array_equal(stats.service_level, expected.service_level)


def test_shapes_and_broadcasting() -> None:
    lam = np.array([[0.5], [2.0]])
    patience = np.array([np.nan, 1.0, 5.0])
    got = required_agents(lam, 4.0, 0.5, 0.8, 0.85, patience_minutes=patience)
    assert got.shape == (2, 3)
    for i in range(2):
        for j in range(3):
            assert got[i, j] == required_agents_scalar(float(lam[i, 0]), 4.0, 0.5, 0.8, 0.85, patience[j])
    stats = queue_stats(got, lam, 4.0, 0.5, patience_minutes=patience)
    assert stats.service_level.shape == (2, 3)
    scalar = queue_stats(3, 0.5, 4.0, 0.5)
    assert scalar.service_level.shape == ()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"contacts_per_minute": -1.0},
        {"handle_minutes": 0.0},
        {"service_level": 1.2},
        {"max_occupancy": 0.0},
        {"concurrency": 1.5},
        {"concurrency": 0},
        {"concurrency_efficiency": 1.5},
        {"patience_minutes": -2.0},
        {"target_minutes": np.nan},
    ],
)
def test_invalid_input_raises(kwargs: dict[str, float]) -> None:
    args = {
        "contacts_per_minute": 1.0,
        "handle_minutes": 4.0,
        "target_minutes": 0.5,
        "service_level": 0.8,
        "max_occupancy": 0.85,
    }
    args.update(kwargs)
    with pytest.raises(ValueError):
        required_agents(**args)
    with pytest.raises(ValueError):
        required_agents_scalar(**args)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Concurrency (slot model)
# --------------------------------------------------------------------------------------------


def test_concurrency_one_is_exactly_erlang() -> None:
    agents = np.arange(0, 30)
    for patience in (None, 2.0):
        base = queue_stats(agents, 2.0, 5.0, 0.5, patience_minutes=patience)
        for eff in (0.0, 0.3, 0.7, 1.0):
            other = queue_stats(
                agents,
                2.0,
                5.0,
                0.5,
                patience_minutes=patience,
                concurrency=1,
                concurrency_efficiency=eff,
            )
            for field in ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate"):
                np.testing.assert_array_equal(getattr(other, field), getattr(base, field))
    erlang = queue_stats(agents, 2.0, 5.0, 0.5)
    stable = agents > 10
    np.testing.assert_array_equal(erlang.p_wait[stable], erlang_c(agents, 10.0)[stable])
    expected_sl = 1 - erlang_c(agents, 10.0) * np.exp(-(agents - 10.0) * 0.5 / 5.0)
    np.testing.assert_allclose(erlang.service_level[stable], expected_sl[stable], rtol=1e-14)


def test_concurrency_without_efficiency_gain_is_slower_slots() -> None:
    # Efficiency 0: two chats at once each take twice as long -> 2N servers, handle 2h.
    agents = np.arange(1, 25)
    for patience in (None, 1.5):
        chat = queue_stats(
            agents,
            3.0,
            4.0,
            1.0,
            patience_minutes=patience,
            concurrency=2,
            concurrency_efficiency=0.0,
        )
        plain = queue_stats(2 * agents, 3.0, 8.0, 1.0, patience_minutes=patience)
        for field in ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate"):
            np.testing.assert_array_equal(getattr(chat, field), getattr(plain, field))


def test_default_concurrency_efficiency_is_one_point_seven() -> None:
    agents, lam, h = 9, 2.0, 6.0
    chat = queue_stats(agents, lam, h, 1.0, concurrency=2)
    plain = queue_stats(2 * agents, lam, h * 2 / 1.7, 1.0)
    assert float(chat.service_level) == pytest.approx(float(plain.service_level), rel=1e-13)
    # Busy slots / slots: a load of lam * h * 2 / 1.7 Erlangs on 18 slots.
    assert float(chat.occupancy) == pytest.approx(lam * h * 2 / 1.7 / 18, rel=1e-14)


def test_concurrency_staffing_equivalence() -> None:
    # With c concurrent contacts, N agents are c*N slots holding each contact
    # h' = h c / e(c): the answer is ceil(minimal Erlang servers for h' / c), because the
    # criteria improve with every extra server.
    rng = np.random.default_rng(11)
    n = 300
    lam = 10 ** rng.uniform(-1.5, 1.3, n)
    h = rng.uniform(1.0, 10.0, n)
    t = rng.choice([0.5, 1.0, 2.0], n)
    goal = rng.choice([0.7, 0.8, 0.9], n)
    max_occ = rng.choice([0.8, 0.9, 1.0], n)
    patience = np.where(rng.random(n) < 0.5, np.nan, rng.uniform(0.5, 10.0, n))
    c = rng.choice([2, 3, 4], n)
    eff = rng.choice([1.0, 0.7, 0.4], n)
    eff[c == 2] = 1.0  # with e(2) = 2 the slot keeps the plain handle time: h' == h
    chat = required_agents(
        lam,
        h,
        t,
        goal,
        max_occ,
        patience_minutes=patience,
        concurrency=c,
        concurrency_efficiency=eff,
    )
    h_slot = h * c / (1 + (c - 1) * eff)
    servers = required_agents(lam, h_slot, t, goal, max_occ, patience_minutes=patience)
    np.testing.assert_array_equal(chat, -(-servers // c))
    two = c == 2
    np.testing.assert_array_equal(
        chat[two],
        -(-required_agents(lam, h, t, goal, max_occ, patience_minutes=patience)[two] // 2),
    )


# --------------------------------------------------------------------------------------------
# Numerics
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("patience", [None, 0.5, 3.0, 60.0, 1e5])
@pytest.mark.parametrize("concurrency", [1, 2])
def test_extreme_loads_are_finite_and_monotone(patience: float | None, concurrency: int) -> None:
    loads = np.array([0.001, 0.5, 50.0, 500.0, 5000.0])
    h = 4.0
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        n = required_agents(loads / h, h, 0.5, 0.8, 0.85, patience_minutes=patience, concurrency=concurrency)
        stats = queue_stats(n, loads / h, h, 0.5, patience_minutes=patience, concurrency=concurrency)
        worse = queue_stats(
            np.maximum(n - 5, 1),
            loads / h,
            h,
            0.5,
            patience_minutes=patience,
            concurrency=concurrency,
        )
    assert np.all(np.diff(n) >= 0)
    assert np.all(np.diff(n[1:]) > 0)
    assert np.all(n >= 1)
    for s in (stats, worse):
        for field in ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate"):
            values = getattr(s, field)
            assert np.all(np.isfinite(values)), field
            assert np.all(values >= 0), field
    assert np.all(stats.service_level >= 0.8 - 1e-12)
    assert np.all(stats.occupancy <= 0.85 + 1e-12)
    # Big queues are efficient: from 500 Erlangs up the occupancy cap is what binds.
    assert np.all(stats.occupancy[3:] > 0.84)


def test_tiny_and_huge_parameters_do_not_overflow() -> None:
    with warnings.catch_warnings(), np.errstate(divide="raise", over="raise", invalid="raise"):
        warnings.simplefilter("error")
        stats = queue_stats(
            np.array([1, 1, 2, 6000, 4000, 20, 1]),
            np.array([1e-3, 1e-3, 1e-3, 1250.0, 1250.0, 1.0, 50.0]),
            np.array([4.0, 4.0, 1.0, 4.0, 4.0, 10.0, 4.0]),
            np.array([0.5, 1e3, 0.5, 0.1, np.inf, 0.5, 0.5]),
            patience_minutes=np.array([1e-3, 1e6, 0.2, 1e4, 3.0, 1e-4, 0.1]),
        )
    for field in ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate"):
        values = getattr(stats, field)
        assert np.all(np.isfinite(values)), field
        assert np.all((values >= 0) & ((values <= 1) | (field == "asa_seconds"))), field


def test_staffing_reports_what_queue_stats_reports_at_its_answer() -> None:
    """erlang.staffing keeps the measures its search computed when it accepted each answer;
    they must be the very numbers queue_stats gives for that staffing (Erlang C, Erlang A,
    the loss system, chat concurrency, no demand), and the agents those of required_agents."""
    cases = random_cases(300, seed=11)
    lam, h, t, goal, max_occ, patience, c = (np.array(col) for col in zip(*cases, strict=True))
    lam[::17] = 0.0  # some intervals without demand
    kw = dict(patience_minutes=patience, concurrency=c)
    found = staffing(lam, h, t, goal, max_occ, **kw)
    np.testing.assert_array_equal(found.agents, required_agents(lam, h, t, goal, max_occ, **kw))
    direct = queue_stats(found.agents, lam, h, t, **kw)
    for name in ("service_level", "p_wait", "asa_seconds", "occupancy", "abandon_rate"):
        np.testing.assert_array_equal(getattr(found.stats, name), getattr(direct, name), err_msg=name)
    # and they are the published Erlang C figures on the textbook case
    book = staffing(LAM, AHT, TARGET, 0.8, 0.85)
    assert int(book.agents) == 14
    assert float(book.stats.service_level) == pytest.approx(0.888350, abs=5e-7)
    assert float(book.stats.asa_seconds) == pytest.approx(7.8359, abs=5e-5)
