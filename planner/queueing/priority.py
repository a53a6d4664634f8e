"""Tiers sharing agents with non-preemptive priority (M/M/c, with or without patience):
each tier's service level at a given staffing, and the fewest agents meeting every tier's target.

Model
-----
Tiers ``1..K`` (1 is served first) of one channel arrive as Poisson streams ``λ_1..λ_K`` and
share ``s`` slots (agents x concurrency, as in :mod:`planner.queueing.erlang`); every contact
holds its slot ``h'`` minutes on average (exponential, the same for every tier, ``μ = 1/h'``),
and with a mean patience ``1/θ`` a waiting contact abandons at rate ``θ`` (θ = 0: nobody
abandons). A freed slot takes the longest-waiting contact of the highest tier waiting; nobody
is interrupted (non-preemptive). Cobham (1954, "Priority assignment in waiting line problems",
Operations Research 2) gives the mean waits of this queue without patience,
``E[W_k] = C(s, a) / (s μ (1 - σ_{k-1}/(s μ)) (1 - σ_k/(s μ)))`` with ``σ_k = λ_1 + ... + λ_k``;
here the whole waiting-time distribution is computed, exactly up to truncation:

1. The total number of contacts in the system does not depend on the order of service (every
   tier has the same ``μ`` and ``θ``), so ``P(wait) = P(all slots busy)`` is the Erlang C
   (Erlang A) value of the summed load.
2. While all slots are busy, the number ``Q`` of waiting contacts of tiers ``1..k`` rises at
   rate ``σ_k`` and falls at rate ``s μ + Q θ`` (a freed slot always takes one of them when
   any wait); the busy period is entered and left only at ``Q = 0``. The cut between ``Q = j``
   and ``Q = j + 1`` gives ``P(busy, Q = j+1) = P(busy, Q = j) σ_k / (s μ + (j+1) θ)``: a
   geometric law without patience, Erlang A's weights with it.
3. A tier-``k`` arrival finding ``j`` of them waiting (PASTA) is answered once those ``j``,
   and every tier ``< k`` contact arriving meanwhile (rate ``σ_{k-1}``), have been served or
   have abandoned, then one more slot frees: a birth-death passage from ``j`` to 0 and then
   out at rate ``s μ``, with downward rate ``s μ + x θ`` at ``x`` ahead, while the contact
   itself abandons at rate ``θ``. ``P(answered within t | j)`` is computed for every ``j`` at
   once by uniformisation (Grassmann 1977) on ``j <= M``, ``M`` chosen so that the geometric
   weights beyond it are below ``1e-12``; an arrival pushing the count past ``M`` counts as
   not answered in time (conservative).

``SL_k(t) = (1 - P(wait)) + Σ_j P(busy, Q = j) P(answered within t | j)``. With one tier this
is Erlang C / Erlang A exactly (the tests check it against :func:`erlang.queue_stats` and an
exact CTMC built in the test); with equal targets and one tier it is the summed load's value.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import special

from planner.queueing import erlang

#: Geometric weights of the waiting count beyond the truncation level are below this.
TRUNCATION_TAIL = 1e-12
#: Highest truncation level of the waiting count (the weights decay well before it at SL >= 1 %).
MAX_WAITING = 600
#: Waiting counts tried first (most rows' weights are negligible well before).
WAITING_CHUNK = 96
#: Rows are evaluated in up to this many batches of similar work.
BATCHES = 4
#: Poisson weights of the uniformised chain beyond the last step are below this.
POISSON_TAIL = 1e-12


@dataclass(frozen=True)
class SharedStaffing:
    """The fewest agents serving every tier of a sharing group in time, and each tier's service level."""

    agents: np.ndarray  # int64, one per group-interval
    service_level: np.ndarray  # (rows, tiers): each tier's share answered within its target
    occupancy: np.ndarray
    abandon_rate: np.ndarray
    asa_seconds: np.ndarray  # of the group as a whole


def _as_rows(value: np.ndarray | float, rows: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(value, dtype=float), (rows,)).astype(float)


def tier_service_levels(
    agents: np.ndarray,
    contacts_per_minute: np.ndarray,
    handle_minutes: np.ndarray | float,
    target_minutes: np.ndarray,
    *,
    patience_minutes: np.ndarray | float | None = None,
    concurrency: np.ndarray | float = 1,
    concurrency_efficiency: float = 0.7,
) -> np.ndarray:
    """Each tier's share of contacts answered within its target, ``(rows, tiers)``.

    ``contacts_per_minute`` and ``target_minutes`` are ``(rows, tiers)`` with the tiers in
    priority order (column 0 served first); ``agents`` and the other arguments are per row.
    """
    lam = np.atleast_2d(np.asarray(contacts_per_minute, dtype=float))
    rows, tiers = lam.shape
    target = np.broadcast_to(np.asarray(target_minutes, dtype=float), lam.shape)
    ag = np.floor(_as_rows(agents, rows) + erlang.AGENT_ROUNDING_EPS)
    handle = _as_rows(handle_minutes, rows)
    conc = _as_rows(concurrency, rows)
    pat = _as_rows(np.nan if patience_minutes is None else patience_minutes, rows)
    theta = np.where(np.isfinite(pat) & (pat > 0), 1.0 / np.where(pat > 0, pat, 1.0), 0.0)
    total = lam.sum(axis=1)
    p_wait = erlang.queue_stats(
        ag, total, handle, 1.0, patience_minutes=pat, concurrency=conc, concurrency_efficiency=concurrency_efficiency
    ).p_wait
    served_rate = ag * conc / erlang._slot_handle(handle, conc, np.full(rows, concurrency_efficiency))
    out = np.ones((rows, tiers))
    busy = total > 0
    cum = np.cumsum(lam, axis=1)
    for k in range(tiers):
        sel = busy & (lam[:, k] > 0)
        if not sel.any():
            continue
        ahead_rate = cum[sel, k - 1] if k > 0 else np.zeros(int(sel.sum()))
        out[sel, k] = _tier_level(p_wait[sel], cum[sel, k], ahead_rate, served_rate[sel], theta[sel], target[sel, k])
    return out


def _tier_level(
    p_wait: np.ndarray, sigma: np.ndarray, sigma_ahead: np.ndarray, s_mu: np.ndarray, theta: np.ndarray, t: np.ndarray
) -> np.ndarray:
    """``SL_k(t)`` for rows of one tier (see the module docstring, steps 2 and 3)."""
    level = np.zeros(p_wait.size)
    stable = (s_mu > 0) & ((theta > 0) | (sigma < s_mu))
    if not stable.any():
        return level
    p_wait, sigma, sigma_ahead, s_mu, theta, t = (x[stable] for x in (p_wait, sigma, sigma_ahead, s_mu, theta, t))
    busy_part = np.empty(p_wait.size)
    # rows in batches of similar work (uniformisation steps x waiting counts), so no row pays for the largest
    order = np.argsort((s_mu + sigma_ahead) * t + sigma / np.maximum(s_mu - sigma, 1e-9 * s_mu), kind="stable")
    for part in np.array_split(order, max(1, min(BATCHES, order.size // 64))):
        weights = _waiting_weights(sigma[part], s_mu[part], theta[part])
        answered = _answered_within(weights.shape[1] - 1, sigma_ahead[part], s_mu[part], theta[part], t[part])
        busy_part[part] = (weights * answered).sum(axis=1) / weights.sum(axis=1)
    level[stable] = (1.0 - p_wait) + p_wait * busy_part
    return np.clip(level, 0.0, 1.0)


def _waiting_weights(sigma: np.ndarray, s_mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """Unnormalised ``P(busy, Q = j)``, ``j = 0..M``, truncated where every row's tail is negligible."""
    for width in (WAITING_CHUNK, MAX_WAITING):
        w = _weights_up_to(width, sigma, s_mu, theta)
        if width == MAX_WAITING or (w[:, -1] / w.sum(axis=1)).max() < TRUNCATION_TAIL * 1e-3:
            break
    share = w / w.sum(axis=1, keepdims=True)
    tail = np.cumsum(share[:, ::-1], axis=1)[:, ::-1]  # tail[:, m] = share of j >= m
    needed = (tail > TRUNCATION_TAIL).sum(axis=1)  # first m whose tail is negligible, per row
    m = int(min(w.shape[1] - 1, max(1, needed.max())))
    return w[:, : m + 1]


def _weights_up_to(width: int, sigma: np.ndarray, s_mu: np.ndarray, theta: np.ndarray) -> np.ndarray:
    """``P(busy, Q = j)`` up to a constant for ``j = 0..width``, the largest scaled to 1 per row."""
    j = np.arange(1, width + 1)
    ratios = sigma[:, None] / (s_mu[:, None] + j[None, :] * theta[:, None])
    with np.errstate(under="ignore"):
        log_w = np.concatenate([np.zeros((sigma.size, 1)), np.cumsum(np.log(ratios), axis=1)], axis=1)
    log_w -= log_w.max(axis=1, keepdims=True)
    with np.errstate(under="ignore"):
        return np.exp(log_w)


def _answered_within(m: int, sigma_ahead: np.ndarray, s_mu: np.ndarray, theta: np.ndarray, t: np.ndarray) -> np.ndarray:
    """``P(answered within t | j waiting ahead)`` for ``j = 0..m`` (rows x (m+1)), by uniformisation."""
    x = np.arange(m + 1)[None, :]
    down = s_mu[:, None] + x * theta[:, None]  # at x = 0: the contact itself is taken
    up = np.where(x < m, sigma_ahead[:, None], 0.0)
    lost = theta[:, None] + np.where(x == m, sigma_ahead[:, None], 0.0)  # abandons, or pushed past M
    rate = (down + up + lost).max(axis=1)  # uniformisation rate per row
    p_down, p_up, p_lost = down / rate[:, None], up / rate[:, None], lost / rate[:, None]
    p_stay = 1.0 - p_down - p_up - p_lost
    mean = rate * t
    steps = int(np.ceil(mean.max() + 10.0 * np.sqrt(mean.max()) + 20.0))
    with np.errstate(divide="ignore"):
        log_mean = np.log(mean)
    g = np.zeros_like(down)  # P(answered within n steps | x)
    result = np.zeros_like(down)
    for n in range(1, steps + 1):
        shifted_down = np.concatenate([np.ones((g.shape[0], 1)), g[:, :-1]], axis=1)  # x-1, or answered at 0
        shifted_up = np.concatenate([g[:, 1:], np.zeros((g.shape[0], 1))], axis=1)
        g = p_down * shifted_down + p_up * shifted_up + p_stay * g
        result += np.exp(n * log_mean - mean - special.gammaln(n + 1))[:, None] * g
    return result


def shared_staffing(
    contacts_per_minute: np.ndarray,
    handle_minutes: np.ndarray | float,
    target_minutes: np.ndarray,
    service_level: np.ndarray,
    max_occupancy: float,
    *,
    start_agents: np.ndarray | None = None,
    patience_minutes: np.ndarray | float | None = None,
    concurrency: np.ndarray | float = 1,
    concurrency_efficiency: float = 0.7,
) -> SharedStaffing:
    """The fewest whole agents with every tier's ``SL_k >= service_level_k`` and the group's
    occupancy at most ``max_occupancy`` (arrays ``(rows, tiers)`` in priority order).

    The search starts at the largest of ``start_agents`` (a lower bound such as the largest
    requirement of any tier alone) and the Erlang requirement of the summed load at the last tier's
    target and level - a lower bound, because the last tier waits for everyone waiting when it arrives
    (as under first come, first served) and also for higher tiers arriving meanwhile - and adds one
    agent to every row still failing.
    """
    lam = np.atleast_2d(np.asarray(contacts_per_minute, dtype=float))
    rows = lam.shape[0]
    target = np.broadcast_to(np.asarray(target_minutes, dtype=float), lam.shape)
    goal = np.broadcast_to(np.asarray(service_level, dtype=float), lam.shape)
    handle = _as_rows(handle_minutes, rows)
    conc = _as_rows(concurrency, rows)
    pat = _as_rows(np.nan if patience_minutes is None else patience_minutes, rows)
    last = lam.shape[1] - 1 - np.argmax(lam[:, ::-1] > 0, axis=1)  # the last tier with demand
    fcfs = erlang.required_agents(
        lam.sum(axis=1), handle, target[np.arange(rows), last], goal[np.arange(rows), last], max_occupancy,
        patience_minutes=pat, concurrency=conc, concurrency_efficiency=concurrency_efficiency,
    )  # fmt: skip
    start = fcfs if start_agents is None else np.maximum(fcfs, start_agents.astype(np.int64))
    agents = np.maximum(1, start)
    agents[lam.sum(axis=1) <= 0] = 0
    levels = np.ones(lam.shape)
    todo = np.flatnonzero(agents > 0)
    while todo.size:
        p, c, e = pat[todo], conc[todo], concurrency_efficiency
        sl = tier_service_levels(
            agents[todo], lam[todo], handle[todo], target[todo], patience_minutes=p, concurrency=c,
            concurrency_efficiency=e,
        )  # fmt: skip
        occ = erlang.queue_stats(
            agents[todo], lam[todo].sum(axis=1), handle[todo], 1.0, patience_minutes=p, concurrency=c,
            concurrency_efficiency=e,
        ).occupancy  # fmt: skip
        ok = np.all(sl >= goal[todo] - erlang.CRITERIA_TOLERANCE, axis=1) & (
            occ <= max_occupancy + erlang.CRITERIA_TOLERANCE
        )
        levels[todo[ok]] = sl[ok]
        agents[todo[~ok]] += 1
        todo = todo[~ok]
    group = erlang.queue_stats(
        agents,
        lam.sum(axis=1),
        handle,
        1.0,
        patience_minutes=pat,
        concurrency=conc,
        concurrency_efficiency=concurrency_efficiency,
    )
    return SharedStaffing(agents, levels, group.occupancy, group.abandon_rate, group.asa_seconds)
