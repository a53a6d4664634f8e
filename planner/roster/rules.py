"""The roster integer program: problem data, and one builder function per business rule.

Decision variables (every one has a readable name):

* ``shifts[o]`` (integer): agents of a pool starting shift option ``o`` (template x local
  start at the pool's site; see :mod:`planner.roster.options`).
* ``alloc[s, g, t]`` (continuous): agents of skill set ``s`` (pools with the same languages
  and channels, at any site) working for demand group ``g`` in interval ``t``.
* ``short[g, t]`` (continuous): unmet requirement, penalised in the objective (for a
  deferrable group, per deadline class: work that misses its deadline).
* ``backlog[g, c, t]`` (continuous): open deferrable work of deadline class ``c`` at the end
  of interval ``t``; ``serve[g, c, t]``: the group's capacity given to class ``c``.
* ``people[p]`` (integer): headcount of pool ``p``, only where a headcount cap applies.
* ``block_alloc[s, g, c, b]`` (continuous): with intervals shorter than an hour, the agent-intervals
  skill set ``s`` gives deadline class ``c`` of deferrable group ``g`` in block ``b`` (one hour of
  intervals); the group's ``backlog[g, c, b]`` and ``short`` are then kept per block
  (:func:`rule_deferred_blocks`).

Aggregation that loses nothing: queues whose eligible skill sets are the same (the tiers
of a language and channel, and often several channels) form one live group - any split
of the group's staff among them is possible, so the group's total requirement is exact.
Deferrable queues with the same skill sets, window and share are merged the same way.
Pools with the same skills share allocation variables; each pool's own agents enter
through its shifts.

Rules are listed in :data:`RULES`, each a function ``rule(model)`` that adds its
constraints under a common name prefix, so a binding rule can be named in words.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner.domain import model_name
from planner.errors import ModelError
from planner.queueing.deferred import WorkClass
from planner.queueing.period import PeriodPromise
from planner.roster.tours import TourData

QueueKey = tuple[str, str, str]
TOL = 1e-6
#: Deferrable work is kept per block only where every deadline is at least this many blocks away (the
#: block model shortens deadlines by one block: at most a quarter of the window).
BLOCK_MIN_WINDOW = 4
#: Contacts answered in time per extra agent below which a service-level curve counts as flat.
FLAT_SLOPE = 1e-4
#: Breaks start on a grid of this many minutes (or of the interval, if shorter).
BREAK_SLOT_MINUTES = 15


def break_slot_minutes(interval_minutes: int) -> int:
    """Break granularity: BREAK_SLOT_MINUTES, or the interval if shorter."""
    return min(BREAK_SLOT_MINUTES, interval_minutes)


@dataclass(frozen=True)
class PoolSpec:
    """A pool as the model sees it."""

    name: str
    site: str
    skillset: str
    available: int | None = None
    holiday_caps: tuple[tuple[int, int], ...] = ()  # (local day, most people working): a reduced holiday team


@dataclass(frozen=True)
class LiveGroup:
    """Live queues that the same skill sets can serve: one coverage requirement."""

    name: str
    queues: tuple[QueueKey, ...]
    skillsets: tuple[str, ...]
    requirement: np.ndarray  # scheduled agents per interval
    period: PeriodPromise | None = None  # one queue promised over a day or week (planner.queueing.period)
    on_floor_share: float = 1.0  # agents on the floor per scheduled agent (1 - shrinkage)


@dataclass(frozen=True)
class DeferredGroup:
    """Deferrable queues with the same skill sets, window and share."""

    name: str
    queues: tuple[QueueKey, ...]
    skillsets: tuple[str, ...]
    work: np.ndarray  # scheduled agent-intervals of work arriving per interval
    classes: tuple[WorkClass, ...]  # deadline classes with their backlog caps (planner.queueing.deferred)
    window: float
    share: float
    clock: str = ""  # a working-time clock's name ("": the wall clock, deadlines a fixed window)


@dataclass(frozen=True)
class BreakChain:
    """Shift starts of one pool whose unpaid breaks (same length and window offsets) have overlapping
    windows, in start order: the model chooses how many of their agents start the break in each slot
    (the implicit formulation of Bechtold & Jacobs 1990: break variables per slot, not per shift and break).

    ``starts`` are minutes from the horizon start, ascending and unwrapped (a chain across the week's end
    goes on past the horizon's last minute); ``options[i]`` are the shift options starting at ``starts[i]``;
    ``earliest``/``latest`` the break's start window and ``fixed`` the break start the options' coverage
    arrays assume (mid-shift), in minutes after the shift start; ``length`` the break in minutes.
    ``slot_costs`` (one per slot of :meth:`slots`; empty: none) price a break starting in each slot: with the
    options' costs lowered to match (:func:`planner.roster.problem.price_breaks`), a shift costs exactly its
    minutes on duty and its break's paid share, each at the premiums of where the break was placed."""

    name: str
    pool: int
    starts: tuple[int, ...]
    options: tuple[tuple[int, ...], ...]
    length: int
    earliest: int
    latest: int
    fixed: int
    slot_costs: tuple[float, ...] = ()

    def slots(self, slot: int) -> range:
        """The chain's break-start slots (unwrapped slot numbers of ``slot`` minutes)."""
        return range((self.starts[0] + self.earliest) // slot, (self.starts[-1] + self.latest) // slot + 1)


@dataclass(frozen=True)
class RosterProblem:
    """Everything the integer program needs, independent of files and of PuLP."""

    n_intervals: int
    interval_hours: float
    pools: tuple[PoolSpec, ...]
    option_pool: np.ndarray  # index into pools, per option
    option_cost: np.ndarray  # cost per agent, per option
    option_day: np.ndarray  # local day number of the start (per-day limits)
    option_names: tuple[str, ...]
    cover_index: np.ndarray  # (options x width) intervals touched
    cover_fraction: np.ndarray  # (options x width) share of each interval on duty
    live: tuple[LiveGroup, ...] = ()
    deferred: tuple[DeferredGroup, ...] = ()
    site_caps: dict[str, int] = field(default_factory=dict)
    shifts_per_week: int = 5
    weeks: int = 1
    penalty: float = 1e4  # per scheduled agent-hour of unmet requirement
    relax_headcount: bool = False  # --full-coverage: hire beyond `available` / `max_agents`
    tours: TourData | None = None  # None: the model without tours (no days off, no rest: the price of the rules)
    breaks: tuple[BreakChain, ...] = ()  # unpaid breaks the model places (rule break_windows)
    option_start: np.ndarray | None = None  # minutes from the horizon start, per option (needed with breaks)
    option_length: np.ndarray | None = None  # shift minutes, per option (needed with breaks)
    option_break: np.ndarray | None = None  # (options x 2) the fixed break [start, end) after the shift start

    def __post_init__(self) -> None:
        n = len(self.option_cost)
        if not (len(self.option_pool) == len(self.option_day) == len(self.option_names) == n):
            raise ModelError("shift option arrays differ in length")
        if self.cover_index.shape != self.cover_fraction.shape or (n and self.cover_index.shape[0] != n):
            raise ModelError("coverage arrays do not match the shift options")
        for g in self.live:
            if len(g.requirement) != self.n_intervals:
                raise ModelError(
                    f"live group {g.name}: requirement has {len(g.requirement)} intervals, expected {self.n_intervals}"
                )
        for d in self.deferred:
            if len(d.work) != self.n_intervals or any(len(c.cap) != self.n_intervals for c in d.classes):
                raise ModelError(f"deferred group {d.name}: arrays do not span {self.n_intervals} intervals")

        if self.breaks and (self.option_start is None or self.option_length is None or self.option_break is None):
            raise ModelError("break chains need the options' start, length and break minutes")

    @property
    def binding_site_caps(self) -> dict[str, int]:
        """The sites' `max_agents` that bind the roster: none when the headcount caps are relaxed."""
        return {} if self.relax_headcount else self.site_caps

    @property
    def interval_minutes(self) -> int:
        return int(round(self.interval_hours * 60))

    @property
    def slot_minutes(self) -> int:
        """Break granularity: BREAK_SLOT_MINUTES, or the interval if shorter."""
        return break_slot_minutes(self.interval_minutes)

    @property
    def skillsets(self) -> list[str]:
        return sorted({p.skillset for p in self.pools})

    def presence(self) -> np.ndarray:
        """(options x intervals) share of each interval each option is on duty."""
        out = np.zeros((len(self.option_cost), self.n_intervals))
        rows = np.repeat(np.arange(len(self.option_cost)), self.cover_index.shape[1])
        np.add.at(out, (rows, self.cover_index.ravel()), self.cover_fraction.ravel())
        return out

    @property
    def block_length(self) -> int:
        """Intervals per block of deferrable work: one hour's intervals (1 at hourly intervals or longer),
        or 1 when the horizon does not split into whole hours."""
        length = max(1, int(round(1.0 / self.interval_hours)))
        return length if self.n_intervals % length == 0 else 1

    def blocked(self, group: DeferredGroup) -> bool:
        """Whether a deferrable group is modelled per block: blocks longer than an interval, a fixed
        window (wall clock) and every deadline class's window at least BLOCK_MIN_WINDOW blocks."""
        length = self.block_length
        return length > 1 and not group.clock and all(c.window >= BLOCK_MIN_WINDOW * length for c in group.classes)

    def skillset_presence(self) -> dict[str, np.ndarray]:
        """Per skill set, whether anyone of it could be on duty in each interval."""
        pres = self.presence() > TOL
        out: dict[str, np.ndarray] = {}
        for s in self.skillsets:
            pools = [i for i, p in enumerate(self.pools) if p.skillset == s]
            mask = np.isin(self.option_pool, pools)
            out[s] = np.asarray(pres[mask].any(axis=0)) if mask.any() else np.zeros(self.n_intervals, dtype=bool)
        return out


def safe_name(text: str) -> str:
    """A PuLP/MPS-safe readable name (see :func:`planner.domain.model_name`)."""
    return model_name(text)


@dataclass
class RosterModel:
    """The PuLP model and the variables and constraints of each rule."""

    problem: RosterProblem
    lp: pulp.LpProblem
    shifts: list[pulp.LpVariable]
    alloc: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    short: dict[tuple[str, int, int], pulp.LpVariable] = field(default_factory=dict)  # group, interval, class
    backlog: dict[tuple[str, int, int], pulp.LpVariable] = field(default_factory=dict)  # group, class, interval|block
    serve: dict[tuple[str, int, int], pulp.LpVariable] = field(default_factory=dict)  # group, class, interval
    people: dict[str, pulp.LpVariable] = field(default_factory=dict)
    block_alloc: dict[tuple[str, str, int, int], pulp.LpVariable] = field(default_factory=dict)  # s, g, class, block
    tours: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)  # (start cell, pattern)
    on_duty: dict[tuple[str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    rules: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    uncoverable: dict[tuple[str, int], float] = field(default_factory=dict)  # requirement nobody can meet
    presence: dict[str, np.ndarray] = field(default_factory=dict)
    penalties: list[tuple[pulp.LpVariable, float]] = field(default_factory=list)  # other penalised slack
    breaks: dict[tuple[int, int], pulp.LpVariable] = field(default_factory=dict)  # (chain, unwrapped slot)
    idle: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)  # skill set, interval

    def add(self, rule: str, constraint: pulp.LpConstraint, name: str) -> None:
        name = safe_name(name)
        self.lp.addConstraint(constraint, name)
        self.rules[rule].append(name)

    @property
    def decisions(self) -> list[pulp.LpVariable]:
        """The integer decisions: shift starts, and people per tour when there are tours."""
        return self.shifts + list(self.tours.values())

    @property
    def n_variables(self) -> int:
        return len(self.lp.variables())

    @property
    def n_constraints(self) -> int:
        return len(self.lp.constraints())

    def interval_alloc(self) -> dict[tuple[str, str, int], float]:
        """The solution's agents per (skill set, group, interval): a block's deferrable allocation is
        spread over the block's intervals in proportion to the skill set's agents on duty left over
        by the per-interval allocations (so no interval gives more than its agents on duty)."""
        out = {k: float(v.varValue or 0.0) for k, v in self.alloc.items()}
        if not self.block_alloc:
            return out
        length = self.problem.block_length
        used: dict[tuple[str, int], float] = defaultdict(float)
        for (s, _g, t), x in out.items():
            used[(s, t)] += x
        for (s, g, _c, b), var in sorted(self.block_alloc.items()):
            x = float(var.varValue or 0.0)
            if x <= 0.0:
                continue
            ts = range(b * length, (b + 1) * length)
            duty = [self.on_duty[(s, t)].value() if (s, t) in self.on_duty else 0.0 for t in ts]
            spare = np.maximum(np.array([(d or 0.0) - used[(s, t)] for d, t in zip(duty, ts, strict=True)]), 0.0)
            share = spare / spare.sum() if spare.sum() > TOL else np.full(length, 1.0 / length)
            for t, f in zip(ts, share, strict=True):
                out[(s, g, t)] = out.get((s, g, t), 0.0) + x * float(f)
        return out


# --------------------------------------------------------------------------- variables


def add_shift_variables(m: RosterModel) -> None:
    """shifts[o]: whole agents starting each shift option."""
    p = m.problem
    m.shifts = [m.lp.add_variable(safe_name(f"shifts__{name}"), 0, None, pulp.LpInteger) for name in p.option_names]
    by_set_t: dict[tuple[str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for o, var in enumerate(m.shifts):
        s = p.pools[int(p.option_pool[o])].skillset
        for t, f in zip(p.cover_index[o], p.cover_fraction[o], strict=True):
            if f > TOL:
                by_set_t[(s, int(t))].append((var, float(f)))
    for key, terms in by_set_t.items():
        m.on_duty[key] = pulp.LpAffineExpression(_merge(terms))


def _merge(terms: list[tuple[pulp.LpVariable, float]]) -> list[tuple[pulp.LpVariable, float]]:
    acc: dict[str, tuple[pulp.LpVariable, float]] = {}
    for v, c in terms:
        if v.name in acc:
            acc[v.name] = (v, acc[v.name][1] + c)
        else:
            acc[v.name] = (v, c)
    return list(acc.values())


def _alloc(m: RosterModel, skillset: str, group: str, t: int) -> pulp.LpVariable:
    key = (skillset, group, t)
    var = m.alloc.get(key)
    if var is None:
        var = m.lp.add_variable(safe_name(f"alloc__{skillset}__{group}__t{t:05d}"), 0)
        m.alloc[key] = var
    return var


# --------------------------------------------------------------------------- rules


def rule_live_coverage(m: RosterModel) -> None:
    """Live queues get at least their scheduled requirement in every interval (soft: `short`)."""
    p = m.problem
    for g in p.live:
        for t in map(int, np.flatnonzero(g.requirement > TOL)):
            sets = [s for s in g.skillsets if m.presence[s][t]]
            need = float(g.requirement[t])
            if not sets:
                m.uncoverable[(g.name, t)] = need
                continue
            short = m.lp.add_variable(safe_name(f"short__{g.name}__t{t:05d}"), 0)
            m.short[(g.name, t, 0)] = short
            expr = pulp.LpAffineExpression([(_alloc(m, s, g.name, t), 1.0) for s in sets] + [(short, 1.0)])
            m.add("live_coverage", expr >= need, f"cover__{g.name}__t{t:05d}")


def rule_deferred_deadlines(m: RosterModel) -> None:
    """Deferrable work is done within its window: per deadline class a cyclic backlog
    balance and a backlog no larger than the work not yet due (a bound); the group's
    capacity is split between its classes. Work that cannot be done in time is `short`.
    Groups modelled per block are :func:`rule_deferred_blocks`'s."""
    p = m.problem
    n = p.n_intervals
    for g in p.deferred:
        if g.work.sum() <= TOL or p.blocked(g):
            continue
        active = [s for s in g.skillsets if m.presence[s].any()]
        if not active:
            for t in map(int, np.flatnonzero(g.work > TOL)):
                m.uncoverable[(g.name, t)] = float(g.work[t])
            continue
        split = len(g.classes) > 1
        for c, cls in enumerate(g.classes):
            tag = f"{g.name}__c{c}"
            backlog = [
                m.lp.add_variable(safe_name(f"backlog__{tag}__t{t:05d}"), 0, max(0.0, float(cls.cap[t])))
                for t in range(n)
            ]
            for t in range(n):
                m.backlog[(g.name, c, t)] = backlog[t]
                if split:
                    serve = m.lp.add_variable(safe_name(f"serve__{tag}__t{t:05d}"), 0)
                    m.serve[(g.name, c, t)] = serve
                    done = [(serve, 1.0)]
                else:
                    done = [(_alloc(m, s, g.name, t), 1.0) for s in active if m.presence[s][t]]
                terms = [(backlog[t], 1.0), (backlog[t - 1], -1.0), *done]
                if cls.work[t] > TOL:
                    short = m.lp.add_variable(safe_name(f"short__{tag}__t{t:05d}"), 0)
                    m.short[(g.name, t, c)] = short
                    terms.append((short, 1.0))
                # work below the tolerance has no `short` to absorb it: it counts as none (else a
                # negligible amount left undone could make the model infeasible)
                m.add(
                    "deferred_deadlines",
                    pulp.LpAffineExpression(terms) >= (float(cls.work[t]) if cls.work[t] > TOL else 0.0),
                    f"backlog__{tag}__t{t:05d}",
                )
        if split:
            for t in range(n):
                terms = [(m.serve[(g.name, c, t)], 1.0) for c in range(len(g.classes))]
                terms += [(_alloc(m, s, g.name, t), -1.0) for s in active if m.presence[s][t]]
                m.add("deferred_deadlines", pulp.LpAffineExpression(terms) <= 0, f"split__{g.name}__t{t:05d}")


def _block_sums(values: np.ndarray, length: int) -> np.ndarray:
    return np.asarray(values, dtype=float).reshape(-1, length).sum(axis=1)


def rule_deferred_blocks(m: RosterModel) -> None:
    """Deferrable work on a grid of blocks (one hour of intervals; :attr:`RosterProblem.blocked`):
    per deadline class and block ``b``, ``backlog[b]`` is the work that arrived before ``b`` still
    open at its end, ``backlog[b] >= backlog[b-1] + arrived[b-1] - served[b] - short[b]`` (cyclic), so
    a block serves only work already waiting when it starts and any timing inside the block is a
    roster; and all work due within one block after the block's end is done by then,
    ``backlog[b] + arrived[b] <= cap[end + block] - arrived[b+1]`` (the deadlines shortened by one
    block: conservative). Work that cannot be done in time is `short` (keyed by the block's first
    arrival interval). Agent time per block is :func:`rule_agent_time`'s."""
    p = m.problem
    n, length = p.n_intervals, p.block_length
    nb = n // length
    for g in p.deferred:
        if g.work.sum() <= TOL or not p.blocked(g):
            continue
        active = [s for s in g.skillsets if m.presence[s].any()]
        if not active:
            for t in map(int, np.flatnonzero(g.work > TOL)):
                m.uncoverable[(g.name, t)] = float(g.work[t])
            continue
        present = {s: _block_sums(m.presence[s], length) > 0 for s in active}
        for c, cls in enumerate(g.classes):
            tag = f"{g.name}__c{c}"
            arrived = _block_sums(cls.work, length)
            ends = np.arange(nb) * length + length - 1
            bound = np.maximum(cls.cap[(ends + length) % n] - np.roll(arrived, -1) - arrived, 0.0)
            backlog = [m.lp.add_variable(safe_name(f"backlog__{tag}__b{b:05d}"), 0, float(bound[b])) for b in range(nb)]
            for b in range(nb):
                m.backlog[(g.name, c, b)] = backlog[b]
                served = []
                for s in active:
                    if present[s][b]:
                        var = m.lp.add_variable(safe_name(f"block_alloc__{s}__{tag}__b{b:05d}"), 0)
                        m.block_alloc[(s, g.name, c, b)] = var
                        served.append((var, 1.0))
                terms = [(backlog[b], 1.0), (backlog[b - 1], -1.0), *served]
                work = float(arrived[b - 1])
                if work > TOL:
                    short = m.lp.add_variable(safe_name(f"short__{tag}__b{b:05d}"), 0)
                    m.short[(g.name, ((b - 1) % nb) * length, c)] = short
                    terms.append((short, 1.0))
                m.add(
                    "deferred_blocks",
                    pulp.LpAffineExpression(terms) >= (work if work > TOL else 0.0),
                    f"backlog__{tag}__b{b:05d}",
                )


def rule_agent_time(m: RosterModel) -> None:
    """An agent-hour counts once: what a skill set gives all groups <= its agents on duty, per
    interval and, where deferrable work is kept per block, per block (the block's agents on duty
    less what its intervals give live groups: exact for capacity)."""
    by_set_t: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for (s, _g, t), var in m.alloc.items():
        by_set_t[(s, t)].append(var)
    for (s, t), allocs in sorted(by_set_t.items()):
        duty = m.on_duty.get((s, t))
        if duty is None:
            for var in allocs:
                var.upBound = 0
            continue
        expr = pulp.LpAffineExpression([(v, 1.0) for v in allocs]) - duty
        idle = m.idle.get((s, t))  # break_coverage's rows name the interval's idle time
        if idle is not None:
            m.add("agent_time", expr + idle == 0, f"agent_time__{s}__t{t:05d}")
        else:
            m.add("agent_time", expr <= 0, f"agent_time__{s}__t{t:05d}")
    by_set_b: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for (s, _g, _c, b), var in m.block_alloc.items():
        by_set_b[(s, b)].append(var)
    length = m.problem.block_length
    for (s, b), allocs in sorted(by_set_b.items()):
        terms = [(v, 1.0) for v in allocs]
        for t in range(b * length, (b + 1) * length):
            terms += [(v, 1.0) for v in by_set_t.get((s, t), [])]
            duty = m.on_duty.get((s, t))
            if duty is not None:
                terms += [(v, -c) for v, c in duty.items()]
        expr = pulp.LpAffineExpression(_merge(terms))
        m.add("agent_time", expr <= 0, f"agent_time__{s}__b{b:05d}")


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return max(0, min(a1, b1) - max(a0, b0))


def rule_break_windows(m: RosterModel) -> None:
    """Unpaid breaks placed by the model (Bechtold & Jacobs 1990): per break chain and slot ``breaks[u]``
    agents start their break. Each start's agents break within its window: with the starts in order,
    ``ahead[k]`` = breaks by start k's latest slot - agents of starts 0..k >= 0 (forward: everyone has
    broken by the end of their window; the last equals 0: every agent breaks once) and ``behind[i]`` =
    agents of starts 0..i-1 - breaks before start i's earliest slot >= 0 (backward: nobody breaks before
    their window opens). For windows in start order these conditions are exactly those under which the
    agents can be given whole breaks in their windows (Hall's condition on intervals), so one variable per
    slot replaces one per shift and break. A chain's agents on duty per interval (the time-average that
    agent_time and deferrable work use) count the breaks where the model puts them, not mid-shift."""
    p = m.problem
    if not p.breaks:
        return
    slot, step = p.slot_minutes, p.interval_minutes
    n = p.n_intervals
    for c, chain in enumerate(p.breaks):
        s = p.pools[chain.pool].skillset
        slots = chain.slots(slot)
        brk = {u: m.lp.add_variable(safe_name(f"breaks__{chain.name}__q{u:06d}"), 0) for u in slots}
        for u, var in brk.items():
            m.breaks[(c, u)] = var
        agents = [[(m.shifts[o], 1.0) for o in opts] for opts in chain.options]
        first = [(t0 + chain.earliest) // slot for t0 in chain.starts]
        last = [(t0 + chain.latest) // slot for t0 in chain.starts]
        k_last = len(chain.starts) - 1
        prev: pulp.LpVariable | None = None
        done = slots.start
        for k in range(len(chain.starts)):
            terms = [(brk[u], 1.0) for u in range(done, last[k] + 1)] + [(v, -w) for v, w in agents[k]]
            done = last[k] + 1
            if prev is not None:
                terms.append((prev, 1.0))
            if k == k_last:
                m.add("break_windows", pulp.LpAffineExpression(terms) == 0, f"break_all__{chain.name}")
                break
            ahead = m.lp.add_variable(safe_name(f"breaks_ahead__{chain.name}__k{k:03d}"), 0)
            terms.append((ahead, -1.0))
            m.add("break_windows", pulp.LpAffineExpression(terms) == 0, f"break_forward__{chain.name}__k{k:03d}")
            prev = ahead
        prev = None
        for i in range(1, len(chain.starts)):
            terms = [*agents[i - 1]] + [(brk[u], -1.0) for u in range(first[i - 1], first[i])]
            if prev is not None:
                terms.append((prev, 1.0))
            behind = m.lp.add_variable(safe_name(f"breaks_behind__{chain.name}__k{i:03d}"), 0)
            terms.append((behind, -1.0))
            m.add("break_windows", pulp.LpAffineExpression(terms) == 0, f"break_backward__{chain.name}__k{i:03d}")
            prev = behind
        # agents on duty per interval: the breaks where the model puts them instead of mid-shift
        change: dict[int, list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
        for t0, opts in zip(chain.starts, chain.options, strict=True):
            b0 = t0 + chain.fixed
            for j in range(b0 // step, (b0 + chain.length - 1) // step + 1):
                f = _overlap(j * step, (j + 1) * step, b0, b0 + chain.length) / step
                change[j % n] += [(m.shifts[o], f) for o in opts]
        for u, var in brk.items():
            b0 = u * slot
            for j in range(b0 // step, (b0 + chain.length - 1) // step + 1):
                change[j % n].append((var, -_overlap(j * step, (j + 1) * step, b0, b0 + chain.length) / step))
        for t, terms in change.items():
            duty = m.on_duty.get((s, t))
            m.on_duty[(s, t)] = pulp.LpAffineExpression(_merge(([] if duty is None else list(duty.items())) + terms))


def rule_break_coverage(m: RosterModel) -> None:
    """Live queues keep their agents through the breaks: where the model places breaks, in every slot
    (15 minutes, or the interval if shorter) of an interval with live work, the agents a skill set gives
    its live groups are at most its agents on shift in the slot less those on a break then. Deferrable
    work keeps the interval's time-average (its promise is hours, not minutes); slots no break can touch
    need no row (the interval's agent_time row implies it when shifts start on interval boundaries)."""
    p = m.problem
    if not m.breaks:
        return
    assert p.option_start is not None and p.option_length is not None and p.option_break is not None
    slot, step = p.slot_minutes, p.interval_minutes
    per = step // slot
    n_slots = p.n_intervals * per
    on_break: dict[tuple[str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for (c, u), var in m.breaks.items():
        chain = p.breaks[c]
        s = p.pools[chain.pool].skillset
        b0 = u * slot
        for q in range(u, (b0 + chain.length - 1) // slot + 1):
            on_break[(s, q % n_slots)].append((var, _overlap(q * slot, (q + 1) * slot, b0, b0 + chain.length) / slot))
    live = {g.name for g in p.live}
    live_alloc: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for (s, g, t), var in m.alloc.items():
        if g in live:
            live_alloc[(s, t)].append(var)
    rows = sorted(k for k in on_break if (k[0], k[1] // per) in live_alloc)
    if not rows:
        return
    placed = {o for chain in p.breaks for opts in chain.options for o in opts}
    wanted = {s for s, _ in rows}
    need = set(rows)
    on_shift: dict[tuple[str, int], list[tuple[pulp.LpVariable, float]]] = defaultdict(list)
    for o, var in enumerate(m.shifts):
        s = p.pools[int(p.option_pool[o])].skillset
        if s not in wanted:
            continue
        a0, length = int(p.option_start[o]), int(p.option_length[o])
        f0, f1 = (a0 + int(p.option_break[o][0]), a0 + int(p.option_break[o][1])) if o not in placed else (0, 0)
        for q in range(a0 // slot, (a0 + length - 1) // slot + 1):
            if (s, q % n_slots) not in need:
                continue
            lo, hi = q * slot, (q + 1) * slot
            f = (_overlap(lo, hi, a0, a0 + length) - _overlap(lo, hi, f0, f1)) / slot
            if f > TOL:
                on_shift[(s, q % n_slots)].append((var, f))
    other: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for (s, g, t), var in m.alloc.items():
        if g not in live:
            other[(s, t)].append(var)
    # live <= on shift - on break in slot q, written against the interval's agent_time row (live + other
    # work + idle = agents on duty, the interval's time-average): the shift terms cancel where shifts start
    # on interval boundaries, keeping the row short. Every variable is >= 0, so a slot's row is implied by
    # the interval's when none of its own terms is positive, and by another slot's of the same interval
    # when none of its terms is larger there (as at a chain's first and last slots).
    by_interval: dict[tuple[str, int], list[tuple[int, dict[str, tuple[pulp.LpVariable, float]]]]] = defaultdict(list)
    for s, q in rows:
        duty = m.on_duty[(s, q // per)]
        terms = list(duty.items()) + on_break[(s, q)] + [(v, -f) for v, f in on_shift.get((s, q), [])]
        own = {v.name: (v, c) for v, c in _merge(terms) if abs(c) > 1e-9}
        if any(c > 1e-9 for _, c in own.values()):
            by_interval[(s, q // per)].append((q, own))
    for (s, t), slots in sorted(by_interval.items()):
        kept = [(q, own) for i, (q, own) in enumerate(slots) if not _implied(own, slots, i)]
        idle = m.lp.add_variable(safe_name(f"idle__{s}__t{t:05d}"), 0)
        m.idle[(s, t)] = idle
        for q, own in kept:
            terms = [*own.values(), *((v, -1.0) for v in other.get((s, t), [])), (idle, -1.0)]
            m.add("break_coverage", pulp.LpAffineExpression(terms) <= 0, f"break_cover__{s}__q{q:05d}")


def _implied(
    own: dict[str, tuple[pulp.LpVariable, float]],
    slots: list[tuple[int, dict[str, tuple[pulp.LpVariable, float]]]],
    i: int,
) -> bool:
    """Whether another slot's row (same other terms) implies this one: none of this row's coefficients is
    larger there (all variables are >= 0); of two equal rows the first is kept."""
    for j, (_, there) in enumerate(slots):
        if j == i:
            continue
        names = own.keys() | there.keys()
        if all(own.get(n, (None, 0.0))[1] <= there.get(n, (None, 0.0))[1] + 1e-12 for n in names):
            equal = all(abs(own.get(n, (None, 0.0))[1] - there.get(n, (None, 0.0))[1]) <= 1e-12 for n in names)
            if not equal or j < i:
                return True
    return False


def rule_pool_headcount(m: RosterModel) -> None:
    """Pool `available`: each person works at most shifts_per_week shifts a week and one shift
    a local day; with site caps, the pool's headcount is a variable."""
    p = m.problem
    per_pool: dict[int, list[int]] = defaultdict(list)
    for o, k in enumerate(p.option_pool):
        per_pool[int(k)].append(o)
    capped_sites = set(p.binding_site_caps)
    for k, pool in enumerate(p.pools):
        options = per_pool.get(k, [])
        if not options:
            continue
        capped = pool.available is not None and not p.relax_headcount
        if not capped and pool.site not in capped_sites:
            continue
        week = pulp.LpAffineExpression([(m.shifts[o], 1.0) for o in options])
        days: dict[int, list[int]] = defaultdict(list)
        for o in options:
            days[int(p.option_day[o])].append(o)
        people = m.lp.add_variable(
            safe_name(f"people__{pool.name}"), 0, pool.available if capped else None, pulp.LpInteger
        )
        m.people[pool.name] = people
        m.add("pool_headcount", week - p.shifts_per_week * p.weeks * people <= 0, f"pool_week__{pool.name}")
        for d, opts in sorted(days.items()):
            expr = pulp.LpAffineExpression([(m.shifts[o], 1.0) for o in opts]) - people
            m.add("pool_headcount", expr <= 0, f"pool_day__{pool.name}__d{d:03d}")


def rule_holiday_headcount(m: RosterModel) -> None:
    """A pool's holiday team: on a holiday of its calendar at most the reduced team starts shifts
    that local day (one shift a person a day), unless headcount is relaxed."""
    p = m.problem
    if p.relax_headcount:
        return
    for k, pool in enumerate(p.pools):
        for day, cap in pool.holiday_caps:
            options = np.flatnonzero((p.option_pool == k) & (p.option_day == day))
            if len(options):
                expr = pulp.LpAffineExpression([(m.shifts[int(o)], 1.0) for o in options])
                m.add("holiday_headcount", expr <= cap, f"holiday_team__{pool.name}__d{day:03d}")


def rule_site_headcount(m: RosterModel) -> None:
    """Site `max_agents`: the pools of a site employ at most that many people."""
    p = m.problem
    for site, cap in sorted(p.binding_site_caps.items()):
        people = [m.people[pool.name] for pool in p.pools if pool.site == site and pool.name in m.people]
        if people:
            m.add("site_headcount", pulp.lpSum(people) <= cap, f"site_cap__{site}")


def objective_cost(m: RosterModel) -> None:
    """Minimise paid cost plus the penalty for unmet requirement; a break the model places is priced
    where it is placed (its chain's slot costs)."""
    p = m.problem
    weight = p.penalty * p.interval_hours
    terms = [(var, float(c)) for var, c in zip(m.shifts, p.option_cost, strict=True)]
    terms += [(var, weight) for var in m.short.values()]
    terms += m.penalties
    first = [chain.slots(p.slot_minutes).start for chain in p.breaks]
    for (c, u), var in m.breaks.items():  # each break priced where it is placed (BreakChain.slot_costs)
        costs = p.breaks[c].slot_costs
        if costs and costs[u - first[c]] != 0.0:
            terms.append((var, costs[u - first[c]]))
    m.lp.setObjective(pulp.LpAffineExpression(terms))


def add_tour_variables(m: RosterModel) -> None:
    """tours[c, k]: whole people of a pool working days-off pattern k with their starts in start cell c."""
    t = m.problem.tours
    if t is None:
        return
    for c, cell in enumerate(t.cells):
        pool = m.problem.pools[cell.pool].name
        for k, days in enumerate(t.patterns):
            label = "".join(str(d) for d in days)
            name = safe_name(f"tours__{pool}__{cell.label}__works{label}")
            m.tours[(c, k)] = m.lp.add_variable(name, 0, None, pulp.LpInteger)


def rule_tour_cover(m: RosterModel) -> None:
    """Tours: the shifts a pool starts on a local day within a start cell equal the people whose tour
    works that day in that cell - so each person works one shift a day on their pattern's days
    (shifts_per_week days, days off as the pattern has them), starts within the band and has the rest."""
    p = m.problem
    t = p.tours
    if t is None:
        return
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o in range(len(p.option_cost)):
        slots[(int(t.option_cell[o]), int(t.option_slot_day[o]))].append(o)
    for c, cell in enumerate(t.cells):
        pool = p.pools[cell.pool].name
        for d in range(t.days):
            terms = [(m.shifts[o], 1.0) for o in slots.get((c, d), [])]
            terms += [(m.tours[(c, k)], -1.0) for k in range(len(t.patterns)) if t.works(k, d)]
            if terms:
                m.add("tour_cover", pulp.LpAffineExpression(terms) == 0, f"tour__{pool}__{cell.label}__d{d:03d}")


def rule_tour_nights(m: RosterModel) -> None:
    """max_nights_per_week: with fewer nights allowed than shifts a week, no tour works night shifts
    (a person's starts lie within the band, so a week with a night is a week of nights)."""
    t = m.problem.tours
    if t is None or not t.rules.nights_forbidden:
        return
    for c, cell in enumerate(t.cells):
        if not cell.night:
            continue
        people = [m.tours[(c, k)] for k in range(len(t.patterns))]
        if people:
            pool = m.problem.pools[cell.pool].name
            m.add("tour_nights", pulp.lpSum(people) <= 0, f"nights__{pool}__{cell.label}")


def rule_tour_headcount(m: RosterModel) -> None:
    """Headcount: a pool's people are the people on its tours, at most `available` (unless relaxed)."""
    p = m.problem
    t = p.tours
    if t is None:
        return
    per_pool: dict[int, list[pulp.LpVariable]] = defaultdict(list)
    for (c, _k), var in m.tours.items():
        per_pool[t.cells[c].pool].append(var)
    for k, pool in enumerate(p.pools):
        cap = pool.available if pool.available is not None and not p.relax_headcount else None
        people = m.lp.add_variable(safe_name(f"people__{pool.name}"), 0, cap, pulp.LpInteger)
        m.people[pool.name] = people
        expr = people - pulp.lpSum(per_pool.get(k, []))
        m.add("tour_headcount", expr == 0, f"people__{pool.name}")


#: A hire (a person on a tour no named agent's columns allow) costs this many agent-hours of the shortfall
#: penalty on top of the wage: far below a shortfall, far above any difference between agents' weeks.
HIRE_PENALTY_HOURS = 0.1


def rule_tour_agents(m: RosterModel) -> None:
    """Named agents in the solve: per pool, a transport from groups of alike agents (same own columns) to
    the tours whose every week suits them (their contract hours within one shift, days off, dates, start
    window, nights: :func:`planner.roster.tours.agent_groups`), at most the group's agents; the people of a
    tour no group takes are hires, each priced ``HIRE_PENALTY_HOURS`` of the penalty above the wage, so the
    solve picks the tours the agents can work and hires only where they cannot (whole tours give whole
    agents: a transport)."""
    p = m.problem
    t = p.tours
    if t is None or not t.groups:
        return
    takers: dict[tuple[int, int], list[pulp.LpVariable]] = defaultdict(list)
    for group in t.groups:
        mine = []
        for c, k in group.fits:
            label = "".join(str(d) for d in t.patterns[k])
            var = m.lp.add_variable(safe_name(f"agents__{group.label}__{t.cells[c].label}__works{label}"), 0, None)
            takers[(c, k)].append(var)
            mine.append(var)
        if mine:
            m.add("tour_agents", pulp.lpSum(mine) <= group.agents, f"agents__{group.label}")
    named = {group.pool for group in t.groups}
    for (c, k), people in m.tours.items():
        if t.cells[c].pool not in named:
            continue
        label = f"{p.pools[t.cells[c].pool].name}__{t.cells[c].label}__works{''.join(str(d) for d in t.patterns[k])}"
        hire = m.lp.add_variable(safe_name(f"hires__{label}"), 0, None)
        m.penalties.append((hire, p.penalty * HIRE_PENALTY_HOURS))
        m.add("tour_agents", pulp.lpSum(takers[(c, k)]) + hire - people == 0, f"agents_or_hires__{label}")


def rule_period_service_level(m: RosterModel) -> None:
    """A live queue promised over a day or week answers the period's share of contacts in time:
    per interval, answered-in-time contacts below every chord of its concave curve of agents on the
    floor (planner.queueing.period) and at most the curve's value at its last breakpoint; per period,
    their sum at least the share (soft: `sl_short`, per contact at the penalty of an agent-hour). Live
    coverage already gives every interval the floor."""
    p = m.problem
    weight = p.penalty * p.interval_hours
    for g in p.live:
        promise = g.period
        if promise is None:
            continue
        by_period: dict[int, list[pulp.LpVariable]] = defaultdict(list)
        for t in map(int, np.flatnonzero(promise.period >= 0)):
            answered = m.lp.add_variable(safe_name(f"answered__{g.name}__t{t:05d}"), 0, float(promise.contacts[t]))
            by_period[int(promise.period[t])].append(answered)
            staffed = [(_alloc(m, s, g.name, t), -g.on_floor_share) for s in g.skillsets if m.presence[s][t]]
            k, f = promise.breakpoints(t)
            answered.upBound = float(f[-1])  # past the last breakpoint: no more than there (conservative)
            for j in range(len(k) - 1):
                slope = float(f[j + 1] - f[j])
                if slope < FLAT_SLOPE:  # flat from here on: more agents answer no more in time
                    answered.upBound = float(f[j])
                    break
                expr = pulp.LpAffineExpression([(answered, 1.0), *((v, c * slope) for v, c in staffed)])
                m.add("period_service_level", expr <= float(f[j] - slope * k[j]), f"chord__{g.name}__t{t:05d}__k{j}")
        for d, answered_vars in sorted(by_period.items()):
            need = promise.level * float(promise.contacts[promise.period == d].sum())
            short = m.lp.add_variable(safe_name(f"sl_short__{g.name}__p{d:03d}"), 0)
            m.penalties.append((short, weight))
            expr = pulp.LpAffineExpression([(v, 1.0) for v in answered_vars] + [(short, 1.0)])
            m.add("period_service_level", expr >= need, f"period_sl__{g.name}__p{d:03d}")


#: The business rules, in the order they are added.
RULES: tuple[Callable[[RosterModel], None], ...] = (
    rule_live_coverage,
    rule_deferred_deadlines,
    rule_deferred_blocks,
    rule_break_windows,
    rule_break_coverage,
    rule_agent_time,
    rule_pool_headcount,
    rule_holiday_headcount,
    rule_site_headcount,
    rule_period_service_level,
)

#: The business rules with weekly tours (the `weekly_tours` setting), in the order they are added.
TOUR_RULES: tuple[Callable[[RosterModel], None], ...] = (
    rule_live_coverage,
    rule_deferred_deadlines,
    rule_deferred_blocks,
    rule_break_windows,
    rule_break_coverage,
    rule_agent_time,
    rule_tour_cover,
    rule_tour_nights,
    rule_tour_headcount,
    rule_tour_agents,
    rule_holiday_headcount,
    rule_site_headcount,
    rule_period_service_level,
)

RULE_DESCRIPTIONS = {
    "live_coverage": "live queues staffed to their requirement in every interval",
    "deferred_deadlines": "deferrable work finished within its response window",
    "deferred_blocks": "deferrable work done within its window, per hour block (deadlines an hour shorter)",
    "agent_time": "an agent-hour counts once across the queues a pool serves",
    "break_windows": "every agent takes the unpaid break once, within the template's break window",
    "break_coverage": "live queues keep their agents in every 15 minutes, breaks included",
    "pool_headcount": "pool headcount: shifts_per_week per person, one shift per local day",
    "site_headcount": "site max_agents",
    "tour_cover": "weekly tours: shifts_per_week days, days off, start-time band and rest per person",
    "tour_nights": "max_nights_per_week",
    "tour_headcount": "pool headcount on tours, within available",
    "tour_agents": "named agents on tours their own columns allow; hires only where none can",
    "holiday_headcount": "a pool's reduced team on its calendar's holidays (available_share)",
    "period_service_level": "a day's or week's share of contacts answered in time (service_level_scope)",
}


def groups_by_name(p: RosterProblem) -> dict[str, LiveGroup | DeferredGroup]:
    """The problem's live and deferrable groups by name (the first key of ``RosterModel.short``)."""
    groups: dict[str, LiveGroup | DeferredGroup] = {g.name: g for g in p.live}
    groups.update({g.name: g for g in p.deferred})
    return groups


def shortfall_span(p: RosterProblem, group: LiveGroup | DeferredGroup, t: int, c: int, margin: int = 0) -> list[int]:
    """The intervals (cyclic) in which agents can serve a shortfall of ``group`` at interval ``t``
    (deadline class ``c``): the interval itself for live work, the window after the arrival interval for
    deferrable work; widened by ``margin`` intervals either side."""
    end = t + (int(np.ceil(group.classes[c].window)) if isinstance(group, DeferredGroup) else 0)
    return sorted({u % p.n_intervals for u in range(t - margin, end + margin + 1)})


def shortfall_neighbourhood(m: RosterModel, hours: float = 24.0, tol: float = TOL) -> list[int]:
    """Shift options that a repair of the current solution's shortfalls may move.

    The options of every pool whose skill set could serve a group left short, whose
    coverage falls within ``hours`` of a short interval (for a deferrable class, of its
    window after the arrival interval) - enough to move a shift to the short hour and let
    another pool take over the hour it leaves.
    """
    p = m.problem
    reach = int(round(hours / p.interval_hours))
    groups = groups_by_name(p)
    near: dict[str, set[int]] = defaultdict(set)  # skill set -> intervals near a shortfall
    for (g, t, c), var in m.short.items():
        if (var.varValue or 0.0) <= tol:
            continue
        group = groups[g]
        span = shortfall_span(p, group, t, c, reach)
        for s in group.skillsets:
            near[s] |= set(span)
    if not near:
        return []
    out = []
    for o in range(len(p.option_cost)):
        s = p.pools[int(p.option_pool[o])].skillset
        if s in near and any(
            int(t) in near[s] for t, f in zip(p.cover_index[o], p.cover_fraction[o], strict=True) if f > TOL
        ):
            out.append(o)
    return out


def _round_within_cap(
    counts: np.ndarray, down: np.ndarray, x: np.ndarray, options: np.ndarray, day: np.ndarray, cap: int, spw: int
) -> None:
    """Round a capped pool's options down, then up again one by one, largest fractional
    part first, while the pool's weekly shifts and each local day's stay within its cap."""
    counts[options] = down[options]
    week = float(counts[options].sum())
    per_day: dict[int, float] = defaultdict(float)
    for o in options:
        per_day[int(day[o])] += float(counts[o])
    frac = x[options] - down[options]
    for o in options[np.argsort(-frac, kind="stable")]:
        if x[o] - down[o] <= 1e-6:
            break
        d = int(day[o])
        if week + 1 <= cap * spw and per_day[d] + 1 <= cap:
            counts[o] += 1
            week += 1
            per_day[d] += 1


def headcount_for(shifts: float, shifts_per_person: float) -> int:
    """People needed to work ``shifts`` when each works at most ``shifts_per_person`` of them."""
    return math.ceil(shifts / shifts_per_person - 1e-9)


def people_needed(shifts: float, shifts_per_person: float, peak_daily_shifts: float) -> float:
    """Headcount, or the busiest local day's shifts when more (one shift per person a day)."""
    return max(headcount_for(shifts, shifts_per_person), peak_daily_shifts)


def rounded_start(m: RosterModel, values: dict[str, float]) -> dict[str, float]:
    """A whole-agent roster from a fractional one (the LP relaxation's), as a MIP start.

    Every shift count is rounded up, so each pool has at least the fractional roster's
    agents on duty in every interval and its allocation, backlog and shortfall values stay
    valid: the start is a roster of the model, at most one agent per used option above the
    LP. Pools whose headcount cap (or whose site's ``max_agents``) the rounded-up counts
    would break are rounded down and then up again, largest fractional part first, while the
    cap allows (all of a site's pools are rounded down where ``max_agents`` would break);
    their allocation may then exceed their agents on duty, and the solver completes the
    start itself (HiGHS and CBC fix the integer values and solve the remaining LP).
    """
    p = m.problem
    x = np.array([float(values.get(v.name, 0.0)) for v in m.shifts])
    up = np.ceil(x - 1e-6)
    down = np.floor(x + 1e-6)
    counts = np.maximum(up, 0.0)
    spw = p.shifts_per_week * p.weeks
    pools_of_site: dict[str, list[int]] = defaultdict(list)
    for k, pool in enumerate(p.pools):
        pools_of_site[pool.site].append(k)

    def people(k: int) -> float:
        sel = p.option_pool == k
        if not sel.any():
            return 0.0
        _, day = np.unique(p.option_day[sel], return_inverse=True)
        busiest = float(np.bincount(day, weights=counts[sel]).max())
        return float(people_needed(counts[sel].sum(), spw, busiest))

    headcount: dict[str, float] = {}
    for k, pool in enumerate(p.pools):
        var = m.people.get(pool.name)
        if var is None:
            continue
        need = people(k)
        if var.upBound is not None and need > var.upBound:
            _round_within_cap(counts, down, x, np.flatnonzero(p.option_pool == k), p.option_day, int(var.upBound), spw)
            need = people(k)
        headcount[pool.name] = need
    for site, cap in sorted(p.binding_site_caps.items()):
        members = [k for k in pools_of_site[site] if p.pools[k].name in headcount]
        if sum(headcount[p.pools[k].name] for k in members) > cap:
            for k in members:
                counts[p.option_pool == k] = down[p.option_pool == k]
                headcount[p.pools[k].name] = people(k)
    start = dict(values)
    for var, c in zip(m.shifts, counts, strict=True):
        start[var.name] = float(c)
    for name, need in headcount.items():
        start[m.people[name].name] = need
    return start


def build_model(problem: RosterProblem, name: str = "roster") -> RosterModel:
    """Build the PuLP model: variables, every rule in RULES, and the objective."""
    lp = pulp.LpProblem(safe_name(name), pulp.LpMinimize)
    m = RosterModel(problem=problem, lp=lp, shifts=[])
    m.presence = problem.skillset_presence()
    add_shift_variables(m)
    add_tour_variables(m)
    for rule in TOUR_RULES if problem.tours is not None else RULES:
        rule(m)
    objective_cost(m)
    return m
