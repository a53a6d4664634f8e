"""One replication of the floor: a hand-written event loop over arrivals, completions and roster events.

Why not SimPy: a SimPy process per contact costs a generator, several events and a resource
request. On the plain M/M/14 queue of the Erlang C test (no skills, no abandonment), SimPy ran
about 47,000 contacts a second on the development machine and this loop about 275,000; the
sample week is about 400,000 contacts per replication (with warm-up) and 10 replications must
fit in 60 s on 2 cores. Correctness is checked the same way for either choice: against exact
queueing results (tests/test_simulation.py). This loop keeps three time-ordered sources: the
arrivals (drawn up front with numpy, sorted), the roster events (shift starts and ends, breaks,
absences, activity changes; drawn up front, sorted) and a heap of completions. Abandonment needs
no events: a contact's abandonment time is drawn at arrival, and a contact found at the head of
a queue past that time is dropped there (it left at that time whatever else happened).

The floor: each agent belongs to a *desk* (its pool, or its pool's activity for the interval)
whose routing levels say what it serves and in which order. An arriving contact goes to the
first desk in its preference list (desks ranking its queue highest) with a free slot: an agent
already working that channel with a free concurrent slot, else an idle agent. A freed agent
takes the oldest waiting contact of its first level that has one (for deferred work the
least slack: the latest start that still finishes within the window; one past it, in its own queue
too, is due by twice the window, the model's deadline for late work);
live levels come before deferred ones, and nothing is pre-empted. Desks are
seated by MOVE roster events, computed up front: at every interval start and whenever a pool's
agents on the floor change (breaks, shift starts and ends), the agents present fill the activity
plan's desks (see :func:`_moves`), so an agent on break hands its desk over and takes it back.
"""

from __future__ import annotations

import heapq
import math
import time
from collections import deque
from dataclasses import dataclass

import numpy as np

from planner.errors import ModelError
from planner.queueing.deferred import LATE_FACTOR
from planner.simulation.floor import FloorPlan
from planner.simulation.model import Absence, SimInput

_INF = math.inf
_MOVE, _OFF, _ON = 0, 1, 2  # roster event kinds, in the order they apply at one instant
#: The horizon's end is followed by at least this much simulated time, so contacts arriving just
#: before it get their answer (or abandon) as they would in the middle of the week.
LIVE_TAIL_MINUTES = 60.0
#: Most contacts one replication may expect (they are held in memory).
MAX_CONTACTS = 50_000_000


@dataclass(frozen=True, eq=False)
class Compiled:
    """The floor plan and queues as flat indices (built once, shared by every replication)."""

    sim: SimInput
    channel_of: list[int]  # per queue
    capacity: list[int]  # slots per channel
    # per queue, minutes after arrival: live 0 (oldest first); deferred, the latest start that finishes
    # within the window at the mean slot time (least slack first), and the same for a contact that can
    # no longer finish within it (due by LATE_FACTOR x the window)
    key_offset: list[float]
    late_offset: list[float]
    desk_pool: list[int]
    desk_family: list[int]  # per desk: desks of one pool with the same queues (levels aside) share a family
    desk_levels: list[list[list[int]]]  # per desk: levels of queue indices
    desk_channel_levels: list[list[list[int]]]  # per desk x channel: the levels of that channel only
    preference: list[list[int]]  # per queue: desks that serve it, preferred first
    activity_desk: dict[tuple[int, int], list[tuple[int, int]]]  # (pool, interval) -> [(desk, agents)]
    warmup: float
    tail: float


@dataclass(frozen=True, eq=False)
class Tally:
    """One replication's counts per queue and interval (measured contacts: arrivals in the horizon)."""

    arrivals: np.ndarray
    within: np.ndarray  # answered (live) or finished (deferred) within the target
    answered: np.ndarray
    abandoned: np.ndarray
    wait_seconds: np.ndarray  # sum of waits of answered contacts
    pool_busy_minutes: np.ndarray  # per pool: busy slot-minutes / concurrency, of contacts started in the horizon
    pool_available_minutes: np.ndarray  # per pool: agent-minutes on the floor in the horizon
    served: np.ndarray  # pools x queues: measured contacts each pool answered
    contacts_simulated: int
    seconds: float


def compile_input(sim: SimInput) -> Compiled:
    """Index queues, channels, desks and preferences of a simulation input."""
    floor = sim.floor
    qpos = {q.key: i for i, q in enumerate(sim.queues)}
    channels = sorted({q.channel for q in sim.queues})
    cpos = {c: i for i, c in enumerate(channels)}
    capacity = [1] * len(channels)
    for q in sim.queues:
        capacity[cpos[q.channel]] = max(capacity[cpos[q.channel]], q.concurrency)
    channel_of = [cpos[q.channel] for q in sim.queues]
    desks: list[tuple[int, frozenset[int] | None, tuple[int, ...]]] = [(p, None, ()) for p in range(len(floor.pools))]
    desk_index = {desk: d for d, desk in enumerate(desks)}
    ppos = {p: i for i, p in enumerate(floor.pools)}
    activity_desk: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for act in floor.activities:
        first = tuple(sorted(qpos[k] for k in act.first if k in qpos))
        desk = (ppos[act.pool], frozenset(qpos[k] for k in act.queues if k in qpos), first)
        if desk not in desk_index:
            desk_index[desk] = len(desks)
            desks.append(desk)
        activity_desk.setdefault((desk[0], act.interval), []).append((desk_index[desk], act.agents))
    levels = [_desk_levels(floor, floor.pools[p], allowed, qpos, first) for p, allowed, first in desks]
    per_channel = [
        [lv for lv in ([q for q in level if channel_of[q] == c] for level in desk) if lv]
        for desk in levels
        for c in range(len(channels))
    ]
    preference = []
    for qi in range(len(sim.queues)):
        ranked = [(_rank(desk, qi), sum(map(len, desk)), d) for d, desk in enumerate(levels) if _rank(desk, qi) >= 0]
        preference.append([d for _, _, d in sorted(ranked)])
    windows = [q.target_minutes for q in sim.queues if not q.live]
    longest = max(windows, default=0.0)
    warmup = sim.warmup_minutes if sim.warmup_minutes is not None else min(1440.0, max(120.0, longest))
    tail = max(longest, LIVE_TAIL_MINUTES)
    comp = Compiled(
        sim=sim,
        channel_of=channel_of,
        capacity=capacity,
        key_offset=[0.0 if q.live else q.target_minutes - q.slot_minutes for q in sim.queues],
        late_offset=[0.0 if q.live else LATE_FACTOR * q.target_minutes - q.slot_minutes for q in sim.queues],
        desk_pool=[p for p, _, _ in desks],
        desk_family=_families(desks),
        desk_levels=levels,
        desk_channel_levels=per_channel,
        preference=preference,
        activity_desk=activity_desk,
        warmup=min(warmup, sim.horizon_minutes),
        tail=min(tail, sim.horizon_minutes),
    )
    _check_size(comp)
    return comp


def _check_size(comp: Compiled) -> None:
    """Refuse inputs whose replication would not fit in memory."""
    sim = comp.sim
    weeks = (comp.warmup + sim.horizon_minutes + comp.tail) / max(sim.horizon_minutes, 1.0)
    expected = float(sim.rates.sum()) * weeks
    if not math.isfinite(expected) or expected > MAX_CONTACTS:
        raise ModelError(
            f"a simulated week would hold {expected:,.0f} contacts; at most {MAX_CONTACTS:,} are simulated"
        )


def _desk_levels(
    floor: FloorPlan,
    pool: str,
    allowed: frozenset[int] | None,
    qpos: dict[tuple[str, str, str], int],
    first: tuple[int, ...] = (),
) -> list[list[int]]:
    """A desk's queues by level: ``first`` as one level (earliest deadline first), then the pool's routing
    levels, each cut to the desk's ``allowed`` queues."""
    out = [list(first)] if first else []
    for level in floor.routing.get(pool, ()):
        ids = [qpos[k] for k in level if k in qpos and (allowed is None or qpos[k] in allowed) and qpos[k] not in first]
        if ids:
            out.append(ids)
    return out


def _families(desks: list[tuple[int, frozenset[int] | None, tuple[int, ...]]]) -> list[int]:
    """Per desk, the first desk of its pool with the same queues: a pool's deferred desks of successive
    intervals differ only in which queues come first, and an agent at one stays at the next."""
    seen: dict[tuple[int, frozenset[int] | None], int] = {}
    return [seen.setdefault((p, allowed), d) for d, (p, allowed, _) in enumerate(desks)]


def _rank(levels: list[list[int]], q: int) -> int:
    for i, level in enumerate(levels):
        if q in level:
            return i
    return -1


# --------------------------------------------------------------------------- random inputs


@dataclass(frozen=True, eq=False)
class _Arrivals:
    time: np.ndarray
    queue: np.ndarray
    service: np.ndarray
    abandon_at: np.ndarray


def draw_arrivals(comp: Compiled, rng: np.random.Generator) -> _Arrivals:
    """Poisson arrivals per queue and interval over warm-up + horizon + tail, with their handle
    (slot) times and abandonment times, sorted by time."""
    sim = comp.sim
    step = sim.interval_minutes
    n = sim.n_intervals
    first = -math.ceil(comp.warmup / step)
    last = math.ceil((sim.horizon_minutes + comp.tail) / step)
    ks = np.arange(first, last)
    counts = rng.poisson(sim.rates[:, ks % n])
    q_idx, k_idx = np.nonzero(counts)
    reps = counts[q_idx, k_idx]
    queue = np.repeat(q_idx, reps)
    times = (np.repeat(ks[k_idx], reps) + rng.random(queue.size)) * step
    order = np.argsort(times, kind="stable")
    queue, times = queue[order], times[order]
    slot = np.array([q.slot_minutes for q in sim.queues])
    patience = np.array([_INF if q.patience_minutes is None else q.patience_minutes for q in sim.queues])
    service = rng.exponential(1.0, queue.size) * slot[queue]
    with np.errstate(invalid="ignore"):
        wait_limit = np.where(np.isfinite(patience[queue]), rng.exponential(1.0, queue.size) * patience[queue], _INF)
    return _Arrivals(times, queue, service, times + wait_limit)


@dataclass(frozen=True, eq=False)
class _Staff:
    pool: np.ndarray  # per agent
    events: list[tuple[float, int, int, int]]  # (time, kind, agent, desk)
    available: np.ndarray  # per pool: agent-minutes on the floor within the horizon


def draw_staff(comp: Compiled, rng: np.random.Generator) -> _Staff:
    """Agents of every shift (with copies a week earlier and later for the cyclic horizon), their
    breaks, random absences (shrinkage) and activity moves, as time-ordered roster events."""
    sim = comp.sim
    floor = sim.floor
    horizon = sim.horizon_minutes
    lo, hi = -comp.warmup, horizon + comp.tail
    ppos = {p: i for i, p in enumerate(floor.pools)}
    starts, ends, pools, breaks = [], [], [], []
    for block in floor.shifts:
        for shift in (-horizon, 0.0, horizon):
            s, e = block.start_minute + shift, block.end_minute + shift
            if e > lo and s < hi:
                for _ in range(block.agents):
                    starts.append(s)
                    ends.append(e)
                    pools.append(ppos[block.pool])
                    breaks.append(block.breaks)
    agent_pool = np.array(pools, dtype=np.int64)
    absent = _absences(comp, rng, np.array(starts, dtype=float), np.array(ends, dtype=float), agent_pool)
    events: list[tuple[float, int, int, int]] = []
    available = np.zeros(len(floor.pools))
    step = sim.interval_minutes
    on_floor: list[list[tuple[float, float]]] = []
    for a in range(len(starts)):
        offs = sorted(
            [(starts[a] + b0, starts[a] + b1) for b0, b1 in breaks[a]]
            + [(k * step, (k + 1) * step) for k in absent.get(a, ())]
        )
        mine = []
        for s, e in _segments(starts[a], ends[a], offs):
            s, e = max(s, lo), min(e, hi)
            if e > s:
                mine.append((s, e))
                events.append((s, _ON, a, 0))
                events.append((e, _OFF, a, 0))
                available[pools[a]] += max(0.0, min(e, horizon) - max(s, 0.0))
        on_floor.append(mine)
    events.extend(_moves(comp, on_floor, agent_pool, lo, hi))
    events.sort()
    return _Staff(agent_pool, events, available)


def _segments(start: float, end: float, offs: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """[start, end) minus the (sorted) off periods."""
    out = []
    cur = start
    for a, b in offs:
        if a > cur:
            out.append((cur, min(a, end)))
        cur = max(cur, b)
        if cur >= end:
            break
    if cur < end:
        out.append((cur, end))
    return out


def _duty_pairs(comp: Compiled, starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(agent, interval) for every interval an agent's shift touches (unwrapped interval numbers)."""
    step = comp.sim.interval_minutes
    k0 = np.floor(starts / step).astype(np.int64)
    k1 = np.ceil(ends / step).astype(np.int64)
    counts = np.maximum(k1 - k0, 0)
    agent = np.repeat(np.arange(starts.size), counts)
    offset = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return agent, np.repeat(k0, counts) + offset


def _absences(
    comp: Compiled, rng: np.random.Generator, starts: np.ndarray, ends: np.ndarray, pool: np.ndarray
) -> dict[int, list[int]]:
    """Intervals each agent is away (shrinkage), by the input's absence model."""
    s = comp.sim.shrinkage
    if s <= 0 or starts.size == 0:
        return {}
    agent, interval = _duty_pairs(comp, starts, ends)
    if comp.sim.absence is Absence.RANDOM:
        away = rng.random(agent.size) < s
    else:
        # per (pool, interval): exactly floor(n s + v) agents away, v uniform: mean n s; the
        # agents with the lowest (random) rank are the ones away, so the same people stay away
        # while a pool's on-duty set does not change (no churn at every interval boundary)
        u = rng.random(starts.size)[agent]
        group = pool[agent] * (interval.max() - interval.min() + 1) + (interval - interval.min())
        order = np.lexsort((u, group))
        g_sorted = group[order]
        first = np.r_[True, g_sorted[1:] != g_sorted[:-1]]
        starts_idx = np.flatnonzero(first)
        sizes = np.diff(np.r_[starts_idx, g_sorted.size])
        quota = np.floor(sizes * s + rng.random(sizes.size)).astype(np.int64)
        rank = np.arange(g_sorted.size) - np.repeat(starts_idx, sizes)
        away = np.zeros(agent.size, dtype=bool)
        away[order] = rank < np.repeat(quota, sizes)
    out: dict[int, list[int]] = {}
    for a, k in zip(agent[away].tolist(), interval[away].tolist(), strict=True):
        out.setdefault(a, []).append(k)
    return out


def _moves(
    comp: Compiled, on_floor: list[list[tuple[float, float]]], pool: np.ndarray, lo: float, hi: float
) -> list[tuple[float, int, int, int]]:
    """Activity-plan seating as MOVE events. A pool's desks are re-seated at every interval start and
    whenever its agents on the floor change (a shift starts or ends, a break starts or ends, an
    absence): the plan's counts for the interval apply to the agents actually present
    (``on_floor[a]``: agent ``a``'s ``[start, end)`` periods on the floor), see :func:`_reseat`."""
    if not comp.activity_desk:
        return []
    n = comp.sim.n_intervals
    step = comp.sim.interval_minutes
    changes: list[dict[float, list[tuple[int, bool]]]] = [{} for _ in comp.sim.floor.pools]
    for a, periods in enumerate(on_floor):
        for s, e in periods:
            changes[int(pool[a])].setdefault(s, []).append((a, True))
            changes[int(pool[a])].setdefault(e, []).append((a, False))
    boundaries = [float(k * step) for k in range(math.floor(lo / step), math.ceil(hi / step))]
    desk_now = [int(p) for p in pool.tolist()]  # default desk index = pool index
    out: list[tuple[float, int, int, int]] = []
    for p, moments in enumerate(changes):
        present: set[int] = set()
        seat_of_interval: dict[int, int] = {}
        for t in sorted(set(moments).union(boundaries)):
            for a, on in moments.get(t, ()):
                if on:
                    present.add(a)
                else:
                    present.discard(a)
            k = math.floor(t / step)
            boundary = t == k * step
            if not present:
                if boundary:
                    seat_of_interval = {}
                continue
            seats = _reseat(
                comp.activity_desk.get((p, k % n), []),
                present,
                desk_now,
                p,
                None if boundary else seat_of_interval,
                comp.desk_family,
            )
            if boundary:
                seat_of_interval = seats
            for a, d in seats.items():
                if desk_now[a] != d:
                    desk_now[a] = d
                    out.append((t, _MOVE, a, d))
    return out


def _reseat(
    plan: list[tuple[int, int]],
    present: set[int],
    desk_now: list[int],
    pool: int,
    seat_of_interval: dict[int, int] | None,
    family: list[int] | None = None,
) -> dict[int, int]:
    """The desks of a pool's present agents at one moment.

    At an interval start (``seat_of_interval`` None) the present agents fill the interval's plan by
    :func:`_fill_desks`, in agent order. Within the interval (after a break, a shift start or end),
    agents still at the desk they were given at the interval start keep it first; so an agent back
    from a break takes its desk back from whoever covered it, who returns to the desk the plan still
    has for it, and an agent leaving hands its desk to the pool's unplanned agents or, failing
    those, to the agents of the last planned desks (deferred work) in the plan's order."""
    agents = sorted(present)
    if seat_of_interval is not None:
        agents.sort(key=lambda a: seat_of_interval.get(a, -1) != desk_now[a])
    return _fill_desks(plan, agents, desk_now, pool, family)


def _fill_desks(
    plan: list[tuple[int, int]], agents: list[int], desk_now: list[int], pool: int, family: list[int] | None = None
) -> dict[int, int]:
    """The desk of each on-duty agent of a pool for one interval: the planned desks are filled in plan
    order (live work first); an agent stays at its desk while that desk still wants agents (so agents do
    not swap desks, carrying a contact in hand, at every interval boundary; a desk of the same ``family``,
    the pool's deferred desk of the next interval, counts as the same desk); agents not needed by the plan
    serve the pool's whole routing order."""
    want: dict[int, int] = {}
    for d, count in plan:
        want[d] = want.get(d, 0) + count
    order = list(want)
    seats: dict[int, list[int]] = {d: [] for d in order}
    kin = {} if family is None else {family[d]: d for d in reversed(order)}
    free: list[int] = []
    for a in agents:
        d = desk_now[a]
        if d not in seats and family is not None:
            d = kin.get(family[d], d)
        if d in seats and len(seats[d]) < want[d]:
            seats[d].append(a)
        else:
            free.append(a)
    for i, d in enumerate(order):
        while len(seats[d]) < want[d]:
            if free:
                seats[d].append(free.pop(0))
                continue
            donor = next((e for e in reversed(order[i + 1 :]) if seats[e]), None)
            if donor is None:
                break
            seats[d].append(seats[donor].pop())
    out = {a: d for d in order for a in seats[d]}
    out.update({a: pool for a in free})
    return out


# --------------------------------------------------------------------------- the event loop


class _Floor:
    """The state of the floor during one replication (agents, desks, waiting contacts)."""

    def __init__(self, comp: Compiled, arr: _Arrivals, staff: _Staff) -> None:
        self.roster_events = staff.events
        n_agents = staff.pool.size
        n_channels = len(comp.capacity)
        self.comp = comp
        self.n_channels = n_channels
        self.arrival = arr.time.tolist()
        self.queue = arr.queue.tolist()
        self.service = arr.service.tolist()
        self.abandon_at = arr.abandon_at.tolist()
        self.start = [_INF] * len(self.arrival)
        self.end = [_INF] * len(self.arrival)
        self.server = [-1] * len(self.arrival)
        self.agent_pool = staff.pool.tolist()
        self.desk = list(self.agent_pool)  # default desk of pool p is desk p
        self.on = [False] * n_agents
        self.used = [0] * n_agents
        self.chan = [-1] * n_agents
        self.idle: list[dict[int, None]] = [{} for _ in comp.desk_levels]
        self.partial: list[dict[int, None]] = [{} for _ in range(len(comp.desk_levels) * n_channels)]
        self.waiting: list[deque[int]] = [deque() for _ in comp.channel_of]
        # per deferred queue: its waiting contacts that can no longer finish within their window, oldest
        # first (moved there from ``waiting`` when found at its head)
        self.overdue: list[deque[int]] = [deque() for _ in comp.channel_of]
        self.heap: list[tuple[float, int, int]] = []

    def pull(self, levels: list[list[int]], t: float) -> int:
        """Take the next contact for a free slot: first level with one waiting; oldest (or, for
        deferred work, least slack) within it; contacts found past their patience are dropped.

        A deferred contact is on time when it finishes within its window, so it is due to start by
        arrival + window - its mean slot time, and deferred work is taken by that latest start. One
        already past it can no longer be expected on time: it is late whatever happens next, due by
        the model's deadline for the work not promised within the window (LATE_FACTOR x the window,
        see planner.queueing.deferred), and gives way to work that can still be on time, in its own
        queue too. That is the model's plan: each deferred queue's promised share is served within
        the window, oldest first, and the rest later; a floor that served each queue strictly oldest
        first would, once behind, make every later contact of the queue late in turn. Within each of
        the two (can be on time, late) each queue keeps its own order, oldest first."""
        waiting, overdue, abandon_at, arrival = self.waiting, self.overdue, self.abandon_at, self.arrival
        offset, late = self.comp.key_offset, self.comp.late_offset
        for level in levels:
            best, best_key, best_dq = -1, _INF, waiting[0]
            for q in level:
                dq = waiting[q]
                while dq:
                    head = dq[0]
                    if abandon_at[head] <= t:
                        dq.popleft()
                        continue
                    key = arrival[head] + offset[q]
                    if key >= t or late[q] <= offset[q]:
                        if key < best_key:
                            best, best_key, best_dq = head, key, dq
                        break
                    overdue[q].append(dq.popleft())
                od = overdue[q]
                if od:
                    head = od[0]
                    key = arrival[head] + late[q]
                    if key < best_key:
                        best, best_key, best_dq = head, key, od
            if best >= 0:
                best_dq.popleft()
                return best
        return -1

    def begin(self, a: int, i: int, t: float) -> None:
        """Agent ``a`` starts contact ``i`` at ``t``."""
        comp = self.comp
        ch = comp.channel_of[self.queue[i]]
        cap = comp.capacity[ch]
        self.used[a] += 1
        self.chan[a] = ch
        self.start[i] = t
        self.server[i] = self.agent_pool[a]
        heapq.heappush(self.heap, (t + self.service[i], i, a))
        if cap > 1:
            slots = self.partial[self.desk[a] * self.n_channels + ch]
            if self.used[a] < cap:
                slots[a] = None
            else:
                slots.pop(a, None)

    def free(self, a: int, t: float) -> None:
        """Agent ``a`` (on the floor, nothing in hand) looks for work, else goes idle."""
        d = self.desk[a]
        i = self.pull(self.comp.desk_levels[d], t)
        if i < 0:
            self.idle[d][a] = None
            return
        self.begin(a, i, t)
        self.fill(a, t)

    def fill(self, a: int, t: float) -> None:
        """Agent ``a`` working concurrent contacts takes more of its channel while it has free slots."""
        ch = self.chan[a]
        cap = self.comp.capacity[ch]
        levels = self.comp.desk_channel_levels[self.desk[a] * self.n_channels + ch]
        while self.used[a] < cap:
            j = self.pull(levels, t)
            if j < 0:
                self.partial[self.desk[a] * self.n_channels + ch][a] = None
                return
            self.begin(a, j, t)

    def arrive(self, i: int, t: float) -> None:
        q = self.queue[i]
        ch = self.comp.channel_of[q]
        multi = self.comp.capacity[ch] > 1
        for d in self.comp.preference[q]:
            if multi:
                slots = self.partial[d * self.n_channels + ch]
                if slots:
                    self.begin(next(iter(slots)), i, t)
                    return
            idle = self.idle[d]
            if idle:
                a, _ = idle.popitem()
                self.begin(a, i, t)
                return
        self.waiting[q].append(i)

    def complete(self, i: int, a: int, t: float) -> None:
        self.used[a] -= 1
        self.end[i] = t
        if not self.on[a]:
            if self.used[a] == 0:
                self.chan[a] = -1
            return
        if self.used[a] > 0:
            self.fill(a, t)
            return
        ch = self.chan[a]
        self.chan[a] = -1
        self.partial[self.desk[a] * self.n_channels + ch].pop(a, None)
        self.free(a, t)

    def roster(self, kind: int, a: int, d: int, t: float) -> None:
        """A roster event for agent ``a``: MOVE to desk ``d`` (and, when on the floor, look for work
        there), OFF (keep what is in hand, take nothing new) or ON (look for work)."""
        if kind == _MOVE:
            old = self.desk[a]
            if old == d:
                return
            self.idle[old].pop(a, None)
            if self.chan[a] >= 0:
                self.partial[old * self.n_channels + self.chan[a]].pop(a, None)
            self.desk[a] = d
            if not self.on[a]:
                return
        elif kind == _OFF:
            self.on[a] = False
            self.idle[self.desk[a]].pop(a, None)
            if self.chan[a] >= 0:
                self.partial[self.desk[a] * self.n_channels + self.chan[a]].pop(a, None)
            return
        self.on[a] = True
        if self.used[a] == 0:
            self.free(a, t)
        else:
            self.fill(a, t)

    def run(self, until: float) -> None:
        """Process every event up to ``until``, in time order (completions, then roster events,
        then arrivals at the same instant)."""
        arrival, heap, events = self.arrival, self.heap, self.roster_events
        n_arr, n_ev = len(arrival), len(events)
        ai = ri = 0
        while True:
            ta = arrival[ai] if ai < n_arr else _INF
            tr = events[ri][0] if ri < n_ev else _INF
            tc = heap[0][0] if heap else _INF
            if tc <= tr and tc <= ta:
                if tc > until:
                    return
                _, i, a = heapq.heappop(heap)
                self.complete(i, a, tc)
            elif tr <= ta:
                if tr > until:
                    return
                _, kind, a, d = events[ri]
                ri += 1
                self.roster(kind, a, d, tr)
            else:
                if ta > until:
                    return
                self.arrive(ai, ta)
                ai += 1


def run_replication(comp: Compiled, seed: np.random.SeedSequence) -> Tally:
    """Simulate warm-up + horizon + tail once and count what happened to contacts arriving in the horizon."""
    t0 = time.perf_counter()
    rng = np.random.Generator(np.random.PCG64(seed))
    arr = draw_arrivals(comp, rng)
    staff = draw_staff(comp, rng)
    floor = _Floor(comp, arr, staff)
    floor.run(comp.sim.horizon_minutes + comp.tail)
    return _tally(comp, arr, staff, floor, time.perf_counter() - t0)


def _tally(comp: Compiled, arr: _Arrivals, staff: _Staff, floor: _Floor, started: float) -> Tally:
    sim = comp.sim
    n, nq, npools = sim.n_intervals, len(sim.queues), len(sim.floor.pools)
    t = arr.time
    measured = (t >= 0) & (t < sim.horizon_minutes)
    q = arr.queue[measured]
    cell = q * n + (t[measured] // sim.interval_minutes).astype(np.int64)
    start_all = np.array(floor.start)
    start = start_all[measured]
    end = np.array(floor.end)[measured]
    live = np.array([x.live for x in sim.queues])[q]
    target = np.array([x.target_minutes for x in sim.queues])[q]
    answered = np.isfinite(start)
    wait = np.where(answered, start - t[measured], 0.0)
    within = np.where(live, answered & (wait <= target + 1e-9), np.isfinite(end) & (end - t[measured] <= target + 1e-9))
    abandoned = ~answered & np.isfinite(arr.abandon_at[measured])
    size = nq * n

    def grid(weights: np.ndarray | None = None) -> np.ndarray:
        return np.bincount(cell, weights=weights, minlength=size).reshape(nq, n)

    server = np.array(floor.server)
    started_in = np.isfinite(start_all) & (start_all >= 0) & (start_all < sim.horizon_minutes)
    cap = np.array([x.concurrency for x in sim.queues], dtype=float)[arr.queue]
    busy = np.bincount(server[started_in], weights=(arr.service / cap)[started_in], minlength=npools)
    served = np.bincount(server[measured][answered] * nq + q[answered], minlength=npools * nq).reshape(npools, nq)
    return Tally(
        arrivals=grid(),
        within=grid(within.astype(float)),
        answered=grid(answered.astype(float)),
        abandoned=grid(abandoned.astype(float)),
        wait_seconds=grid(wait * 60.0),
        pool_busy_minutes=busy,
        pool_available_minutes=staff.available,
        served=served,
        contacts_simulated=int(t.size),
        seconds=started,
    )
