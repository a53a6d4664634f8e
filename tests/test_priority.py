# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Tiers sharing agents by non-preemptive priority, checked against an exact CTMC built here,
Cobham's (1954) mean waits, the published Erlang C case and the Erlang A of planner.queueing.erlang."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from scipy import linalg, sparse
from scipy.sparse import linalg as sparse_linalg
from workbooks import run_cli, write_xlsx

from planner.inputs.load import load_scenario
from planner.queueing import erlang, priority
from planner.requirements import compute_requirements

T0 = dt.datetime(2026, 3, 23, 9, 0)


# --------------------------------------------------------------------------- the exact reference


def _stationary(c: int, lam: tuple[float, float], mu: float, theta: float, qmax: int) -> tuple[np.ndarray, np.ndarray]:
    """Stationary law of the two-tier queue on its full state space: ``(P(b busy, nobody waits) for
    b < c, P(all busy, q1, q2))``, with at most ``qmax`` waiting per tier (arrivals beyond are lost)."""
    n_busy = (qmax + 1) ** 2

    def idx(q1: int, q2: int) -> int:
        return c + q1 * (qmax + 1) + q2

    size = c + n_busy
    rows, cols, vals = [], [], []

    def add(a: int, b: int, r: float) -> None:
        if r > 0:
            rows.append(a)
            cols.append(b)
            vals.append(r)

    for b in range(c):
        add(b, b + 1 if b + 1 < c else idx(0, 0), lam[0] + lam[1])
        if b > 0:
            add(b, b - 1, b * mu)
    for q1 in range(qmax + 1):
        for q2 in range(qmax + 1):
            s = idx(q1, q2)
            if q1 < qmax:
                add(s, idx(q1 + 1, q2), lam[0])
            if q2 < qmax:
                add(s, idx(q1, q2 + 1), lam[1])
            if q1 > 0:
                add(s, idx(q1 - 1, q2), c * mu + q1 * theta)
            elif q2 > 0:
                add(s, idx(q1, q2 - 1), c * mu)
            else:
                add(s, c - 1, c * mu)
            if q2 > 0:
                add(s, idx(q1, q2 - 1), q2 * theta)
    q = sparse.csr_matrix((vals, (rows, cols)), shape=(size, size))
    q = q - sparse.diags(np.asarray(q.sum(axis=1)).ravel())
    a = q.T.tolil()
    a[0, :] = 1.0
    rhs = np.zeros(size)
    rhs[0] = 1.0
    pi = sparse_linalg.spsolve(a.tocsc(), rhs)
    return pi[:c], pi[c:].reshape(qmax + 1, qmax + 1)


def _answered_within(ahead_max: int, up: float, s_mu: float, theta: float, t: float) -> np.ndarray:
    """P(answered within t | x ahead), x = 0..ahead_max, by the matrix exponential of the tagged
    contact's chain (states 0..ahead_max, then 'answered', then 'gone')."""
    n = ahead_max + 1
    g = np.zeros((n + 2, n + 2))
    for x in range(n):
        if x + 1 < n:
            g[x, x + 1] = up
        if x > 0:
            g[x, x - 1] = s_mu + x * theta
        else:
            g[x, n] = s_mu
        g[x, n + 1] = theta + (up if x + 1 == n else 0.0)
        g[x, x] = -g[x].sum()
    return linalg.expm(g * t)[:n, n]


def exact_levels(c: int, lam: tuple[float, float], handle: float, patience: float | None, targets: tuple[float, float]):
    """Each tier's service level from the full CTMC (tier 0 served first)."""
    mu = 1.0 / handle
    theta = 0.0 if patience is None else 1.0 / patience
    qmax = 45
    idle, busy = _stationary(c, lam, mu, theta, qmax)
    q1, q2 = np.meshgrid(np.arange(qmax + 1), np.arange(qmax + 1), indexing="ij")
    top = _answered_within(2 * qmax + 1, 0.0, c * mu, theta, targets[0])
    low = _answered_within(2 * qmax + 1, lam[0], c * mu, theta, targets[1])
    return idle.sum() + (busy * top[q1]).sum(), idle.sum() + (busy * low[q1 + q2]).sum()


# --------------------------------------------------------------------------- the queueing piece


def test_one_tier_alone_is_the_published_erlang_c_case():
    # 100 contacts per 30 minutes, AHT 180 s, 20 s: 14 agents give 0.88835, 13 give 0.79559
    sl = priority.tier_service_levels(np.array([14, 13]), np.full((2, 1), 100 / 30), 3.0, np.full((2, 1), 20 / 60))
    assert sl[:, 0] == pytest.approx([0.88835, 0.79559], abs=5e-6)


@pytest.mark.parametrize(("patience", "concurrency"), [(2.0, 1), (4.0, 2), (0.5, 3)])
def test_one_tier_alone_is_erlang_a(patience, concurrency):
    agents = np.array([4, 6, 9, 14])
    lam = np.full((4, 1), 2.5)
    sl = priority.tier_service_levels(
        agents, lam, 5.0, np.full((4, 1), 0.5), patience_minutes=patience, concurrency=concurrency
    )
    expected = erlang.queue_stats(agents, 2.5, 5.0, 0.5, patience_minutes=patience, concurrency=concurrency)
    assert sl[:, 0] == pytest.approx(expected.service_level, abs=1e-9)


@pytest.mark.parametrize("patience", [None, 2.0])
def test_two_tiers_match_the_exact_ctmc(patience):
    c, lam, handle, targets = 5, (0.3, 0.8), 3.0, (0.25, 0.5)
    ours = priority.tier_service_levels(
        np.array([c]), np.array([lam]), handle, np.array([targets]), patience_minutes=patience
    )
    assert ours[0] == pytest.approx(exact_levels(c, lam, handle, patience, targets), abs=1e-7)


def test_mean_waits_are_cobhams():
    # Cobham (1954): E[W_k] = C(c, a) / (c mu (1 - sigma_{k-1} / c mu) (1 - sigma_k / c mu))
    c, lam, handle = 6, (0.4, 1.1), 3.0
    s_mu = c / handle
    p_wait = float(erlang.erlang_c(c, sum(lam) * handle))
    cobham = [
        p_wait / (s_mu * (1 - 0 / s_mu) * (1 - lam[0] / s_mu)),
        p_wait / (s_mu * (1 - lam[0] / s_mu) * (1 - sum(lam) / s_mu)),
    ]
    t = np.linspace(0.0, 40.0, 4001)
    sl = priority.tier_service_levels(np.full(t.size, c), np.tile(lam, (t.size, 1)), handle, np.stack([t, t], axis=1))
    means = np.trapezoid(1.0 - sl, t, axis=0)
    assert means == pytest.approx(cobham, rel=1e-4)


def test_shared_staffing_is_the_fewest_agents_by_the_exact_ctmc():
    lam, handle, targets, goals = (0.15, 1.6), 3.0, (1 / 6, 1 / 3), (0.9, 0.8)
    found = priority.shared_staffing(np.array([lam]), handle, np.array([targets]), np.array([goals]), 0.85)
    n = int(found.agents[0])
    at_n = exact_levels(n, lam, handle, None, targets)
    below = exact_levels(n - 1, lam, handle, None, targets)
    assert all(a >= g for a, g in zip(at_n, goals, strict=True))
    assert any(b < g for b, g in zip(below, goals, strict=True))


def test_a_small_high_priority_tier_needs_far_fewer_extra_agents_than_a_separate_desk():
    # standard: 1.6 contacts/min, 80 % within 20 s; vip: 0.15/min, 90 % within 10 s; AHT 3 min
    lam, handle, targets, goals = (0.15, 1.6), 3.0, (1 / 6, 1 / 3), (0.9, 0.8)
    vip_desk = int(erlang.required_agents(lam[0], handle, targets[0], goals[0], 0.85))
    standard_desk = int(erlang.required_agents(lam[1], handle, targets[1], goals[1], 0.85))
    shared = int(
        priority.shared_staffing(np.array([lam]), handle, np.array([targets]), np.array([goals]), 0.85).agents[0]
    )
    assert vip_desk >= 2
    assert shared - standard_desk <= 1 < vip_desk
    # and the shared staffing is right: the exact CTMC meets both targets with it
    levels = exact_levels(shared, lam, handle, None, targets)
    assert levels[0] >= goals[0] and levels[1] >= goals[1]


# --------------------------------------------------------------------------- through the requirements


CHANNELS = [
    [
        "channel",
        "handle_minutes",
        "target_minutes",
        "service_level",
        "concurrency",
        "patience_minutes",
        "tiers_share_agents",
    ],
    ["chat", 3, 1 / 3, 0.8, 1, None, "yes"],
]


def scenario(tmp_path, demand, targets, channels=CHANNELS):
    tables = {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"], *demand],
        "channels": channels,
        "targets": [["language", "channel", "tier", "target_minutes", "service_level", "priority"], *targets],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["p", "lisbon", "en"]],
        "settings": [["setting", "value"], ["interval_minutes", 30], ["max_occupancy", 0.85]],
    }
    return tables


def table_row(req, tier):
    t = req.table
    sel = t[(t["interval"] == 18) & (t["tier"] == tier)]
    assert len(sel) == 1
    return sel.iloc[0]


def test_two_tiers_of_one_rank_with_equal_targets_are_erlang_on_the_summed_load(tmp_path):
    demand = [[T0, "en", "chat", "standard", 70], [T0, "en", "chat", "gold", 30]]
    targets = [[None, "chat", "standard", None, None, 1], [None, "chat", "gold", None, None, 1]]
    req = compute_requirements(load_scenario(write_xlsx(scenario(tmp_path, demand, targets), tmp_path / "in.xlsx")))
    gold, standard = table_row(req, "gold"), table_row(req, "standard")
    assert gold["agents_required"] + standard["agents_required"] == 14  # the published case: 100 per 30 min
    assert gold["service_level"] == pytest.approx(0.88835, abs=5e-6)
    assert standard["service_level"] == pytest.approx(0.88835, abs=5e-6)


def test_sharing_tiers_carry_what_each_adds_and_their_own_service_level(tmp_path):
    demand = [[T0, "en", "chat", "standard", 48], [T0, "en", "chat", "vip", 4.5]]  # 1.6 and 0.15 per minute
    targets = [[None, "chat", "vip", 1 / 6, 0.9, 1]]
    req = compute_requirements(load_scenario(write_xlsx(scenario(tmp_path, demand, targets), tmp_path / "in.xlsx")))
    vip, standard = table_row(req, "vip"), table_row(req, "standard")
    vip_desk = int(erlang.required_agents(0.15, 3.0, 1 / 6, 0.9, 0.85))
    assert vip["agents_required"] == vip_desk  # the first rank: what it needs alone
    total = vip["agents_required"] + standard["agents_required"]
    levels = exact_levels(int(total), (0.15, 1.6), 3.0, None, (1 / 6, 1 / 3))
    assert (vip["service_level"], standard["service_level"]) == pytest.approx(levels, abs=1e-7)
    assert min(levels[0] - 0.9, levels[1] - 0.8) >= 0
    assert exact_levels(int(total) - 1, (0.15, 1.6), 3.0, None, (1 / 6, 1 / 3))[1] < 0.8 or (
        exact_levels(int(total) - 1, (0.15, 1.6), 3.0, None, (1 / 6, 1 / 3))[0] < 0.9
    )


def test_without_sharing_tiers_stay_separate_desks(tmp_path):
    channels = [CHANNELS[0], ["chat", 3, 1 / 3, 0.8, 1, None, None]]
    demand = [[T0, "en", "chat", "standard", 48], [T0, "en", "chat", "vip", 4.5]]
    targets = [[None, "chat", "vip", 1 / 6, 0.9, None]]
    req = compute_requirements(
        load_scenario(write_xlsx(scenario(tmp_path, demand, targets, channels), tmp_path / "in.xlsx"))
    )
    assert table_row(req, "vip")["agents_required"] == int(erlang.required_agents(0.15, 3.0, 1 / 6, 0.9, 0.85))
    assert table_row(req, "standard")["agents_required"] == int(erlang.required_agents(1.6, 3.0, 1 / 3, 0.8, 0.85))


# --------------------------------------------------------------------------- bad input


def test_bad_priorities_are_each_reported(tmp_path):
    channels = [CHANNELS[0], ["chat", 3, 1 / 3, 0.8, 1, None, "yes"], ["phone", 3, 1 / 3, 0.8, 1, None, None]]
    demand = [
        [T0, "en", "chat", "standard", 48],
        [T0, "en", "chat", "vip", 4.5],
        [T0, "en", "chat", "gold", 2],
        [T0, "en", "phone", "vip", 2],
    ]
    targets = [
        [None, "chat", "vip", 1 / 6, 0.9, 1.5],  # row 2: not a whole number
        [None, "chat", None, None, None, 2],  # row 3: names no tier
        [None, "phone", "vip", None, None, 1],  # row 4: phone's tiers do not share agents
        [None, "chat", "gold", 0.25, None, 3],  # row 5: fine
        ["en", "chat", "standard", None, None, 3],  # row 6: same rank as gold with another target
    ]
    path = write_xlsx(scenario(tmp_path, demand, targets, channels), tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    lines = run.stderr_lines
    assert lines[0] == f"Error: {path}: 4 problems found"
    assert (
        lines[1] == f"{path}, sheet 'targets', row 2, column 'priority': got 1.5; expected blank or a whole number >= 1"
    )
    assert (
        lines[2]
        == f"{path}, sheet 'targets', row 3, column 'tier': got blank; expected a tier name on a row that sets a priority"
    )
    assert lines[3] == (
        f"{path}, sheet 'targets', row 4, column 'priority': got 1; expected blank, or a channel whose tiers share "
        "agents (tiers_share_agents = yes in the channels sheet: chat)"
    )
    assert lines[4] == (
        f"{path}, sheet 'targets', row 6, column 'priority': got 3; expected a rank other than 3, which tier 'gold' "
        "of en chat already has with target 0.25 minutes (tiers of one rank wait in one line: they need the same target)"
    )
