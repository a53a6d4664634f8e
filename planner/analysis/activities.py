"""The activity plan (how many of each pool's on-duty agents work each demand group, per interval) and the
routing guidance (the order in which each pool takes queues), both derived from the model's allocation."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.analysis.breaks import duty_change
from planner.domain import Pool, Scenario
from planner.queueing.deferred import PLANNED_WINDOW_SHARE
from planner.requirements import QueueKey, QueueSpec, Requirements
from planner.roster.rules import TOL, DeferredGroup, PoolSpec, RosterProblem
from planner.simulation.floor import tier_ranks
from planner.timezones import utc_to_local

ACTIVITY_COLUMNS = [
    "pool",
    "site",
    "interval_start",
    "local_start",
    "group",
    "kind",
    "languages",
    "channels",
    "queues",
    "agents",
    "on_floor",
    "planned",
]
ROUTING_COLUMNS = ["pool", "site", "rank", "group", "kind", "queues", "planned_agent_hours"]
UNKEPT_COLUMNS = ["interval_start", "group", "required_on_floor", "planned_on_floor", "reason"]
#: ``reason`` of an activity gap: every agent of the pools that plan the group has work the plan needs more
NO_AGENT_FREE = "no agent free"
#: ``reason`` of an activity gap: a pool's agent works deferred work that falls due (see DeferredBacklog)
DEFERRED_DUE = "an agent works deferred work that falls due"

#: planned[pool, interval][group] = fractional scheduled agents the model allocated to the group.
PoolAlloc = dict[tuple[int, int], dict[str, float]]
#: whole[pool][group] = whole agents of the pool on the group in one interval.
WholePlan = dict[int, dict[str, int]]


@dataclass(frozen=True)
class GroupInfo:
    """A demand group as the activity plan names it."""

    name: str
    live: bool
    queues: tuple[QueueKey, ...]
    skillsets: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActivityPlan:
    """The activity plan, the routing guidance and the intervals where whole agents cannot keep a live
    target (``unkept``)."""

    activities: pd.DataFrame
    routing: pd.DataFrame
    unkept: pd.DataFrame
    live_need: np.ndarray  # (pools x intervals) fractional scheduled agents planned for live work


def queue_text(queues: tuple[QueueKey, ...]) -> str:
    """Queues as 'language/channel/tier' joined by '; ' (read back by :func:`parse_queues`)."""
    return "; ".join("/".join(q) for q in queues)


def parse_queues(text: str) -> tuple[QueueKey, ...] | None:
    """The inverse of :func:`queue_text`; None when the text is not in that form."""
    out = []
    for part in str(text).split(";"):
        bits = [b.strip() for b in part.split("/")]
        if len(bits) != 3 or not all(bits):
            return None
        out.append((bits[0], bits[1], bits[2]))
    return tuple(out) if out else None


def pool_on_duty(
    problem: RosterProblem, agents: np.ndarray, placed: dict[int, list[tuple[int, int]]] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Per pool and interval: (on-duty agents as the model counts them: shift counts x presence, with the
    breaks the model placed where it placed them; people on shift in the interval and not on break for all of
    it, each break where it was placed, else mid-shift)."""
    n_pools, n = len(problem.pools), problem.n_intervals
    duty, people = np.zeros((n_pools, n)), np.zeros((n_pools, n))
    chosen = np.flatnonzero(agents > 0)
    placed = placed or {}
    for o in chosen:
        p = int(problem.option_pool[o])
        idx, frac = problem.cover_index[o], problem.cover_fraction[o]
        np.add.at(duty[p], idx, frac * agents[o])
        if problem.option_start is None or problem.option_length is None or problem.option_break is None:
            people[p, np.unique(idx[frac > TOL])] += agents[o]
            continue
        _add_people(people[p], problem, int(o), float(agents[o]), placed.get(int(o), []))
    return duty + duty_change(problem, agents, placed), people


def _add_people(row: np.ndarray, problem: RosterProblem, o: int, count: float, breaks: list[tuple[int, int]]) -> None:
    """Add option ``o``'s ``count`` agents to the intervals of its shift, less those on break for a whole
    interval: ``breaks`` (minutes after the start, agents) where the model placed them, the rest mid-shift."""
    assert problem.option_start is not None and problem.option_length is not None and problem.option_break is not None
    step, n = problem.interval_minutes, problem.n_intervals
    start, length = int(problem.option_start[o]), int(problem.option_length[o])
    b0, b1 = (int(x) for x in problem.option_break[o])
    span = np.arange(start // step, (start + length - 1) // step + 1)
    np.add.at(row, span % n, count)
    pieces = list(breaks) + [(b0, count - sum(c for _, c in breaks))]
    for offset, agents in pieces:
        lo, hi = start + offset, start + offset + (b1 - b0)
        whole = np.arange(-(-lo // step), hi // step)  # intervals inside the break
        if agents > 0 and len(whole):
            np.add.at(row, whole % n, -float(agents))


def split_allocation(problem: RosterProblem, alloc: dict[tuple[str, str, int], float], duty: np.ndarray) -> PoolAlloc:
    """Each skill set's allocation split over its pools in proportion to their on-duty agents."""
    by_set: dict[str, list[int]] = defaultdict(list)
    for i, spec in enumerate(problem.pools):
        by_set[spec.skillset].append(i)
    out: PoolAlloc = defaultdict(dict)
    for (s, g, t), value in alloc.items():
        if value <= TOL:
            continue
        members = by_set.get(s, [])
        total = float(sum(duty[p, t] for p in members))
        for p in members:
            share = float(duty[p, t]) / total if total > TOL else 1.0 / len(members)
            if value * share > TOL:
                out[(p, t)][g] = out[(p, t)].get(g, 0.0) + value * share
    return out


def round_interval(
    planned: dict[int, dict[str, float]],
    required: dict[str, float],
    capacity: dict[int, int],
    live: set[str],
    urgent: Mapping[int, float] | None = None,
) -> tuple[WholePlan, list[str]]:
    """Whole agents per pool and group in one interval.

    ``planned[pool][group]`` are the model's fractional agents, ``required[group]`` each live group's
    requirement, ``capacity[pool]`` the whole agents on duty. Live first: every live allocation is
    rounded down, then each live group whose plan met its requirement gets back the whole agents it
    needs to meet it again, from pools that planned it and have a free agent (a maximum flow, so a
    pool's free agents go where only they can help); then live allocations whose target is still not
    kept, or in a pool with no deferred work planned, are rounded up while agents are free; deferred
    groups share what is left of each pool in proportion to their plan (largest remainder). A live group
    whose target is kept is not rounded up past it at the deferred work's expense: the model planned
    those fractions of agents on deferred work, and short deferred windows (an hour, four hours) need
    them where they are. ``urgent[pool]`` is deferred work (in agents) that must be worked in this interval
    (see :class:`DeferredBacklog`): as many whole agents as it needs, rounded up, are held for the pool's
    deferred groups before any free agent goes to a live group beyond its rounded-down plan: work that
    falls due now is never worked later, while a live group one whole agent short of its requirement in an
    interval is a little under its target there (and is listed). Returns the whole plan and the live
    groups it cannot keep."""
    out = {p: {g: int(math.floor(v + 1e-6)) for g, v in plan.items() if g in live} for p, plan in planned.items()}
    free = {p: capacity.get(p, 0) - sum(out[p].values()) for p in planned}
    for p in planned:  # round-downs past capacity (capacity below the plan) are cut first
        while free[p] < 0:
            g = min((g for g in out[p] if out[p][g] > 0), key=lambda g: (out[p][g], g))
            out[p][g] -= 1
            free[p] += 1
    held = {p: min(free[p], max(0, math.ceil((urgent or {}).get(p, 0.0) - 1e-6))) for p in planned}
    for p in planned:
        free[p] -= held[p]
    deficit = {}
    for g, need in required.items():
        plan_total = sum(planned[p].get(g, 0.0) for p in planned)
        if plan_total >= need - 1e-6:  # else the fractional plan itself falls short (the roster's gaps)
            deficit[g] = max(0, int(math.ceil(need - 1e-6)) - sum(out[p].get(g, 0) for p in planned))
    edges = {(g, p) for p in planned for g in planned[p] if g in deficit}
    for (g, p), extra in assign_extra(deficit, free, edges).items():
        out[p][g] = out[p].get(g, 0) + extra
        free[p] -= extra
    unkept = sorted(g for g in deficit if sum(out[p].get(g, 0) for p in planned) < required[g] - 1e-6)
    kept = set(deficit) - set(unkept)
    for p, plan in planned.items():
        deferred = any(g not in live and v > TOL for g, v in plan.items())
        for g in sorted((g for g in plan if g in live), key=lambda g: -(plan[g] - out[p][g])):
            if deferred and g in kept:
                continue  # the target is kept: the pool's free agents do the deferred work planned on them
            if free[p] > 0 and out[p][g] < plan[g] - 1e-6:
                out[p][g] += 1
                free[p] -= 1
        out[p].update(_share(plan, live, free[p] + held[p]))
    return {p: {g: v for g, v in plan.items() if v > 0} for p, plan in out.items()}, unkept


def assign_extra(
    deficit: dict[str, int], free: dict[int, int], edges: set[tuple[str, int]]
) -> dict[tuple[str, int], int]:
    """Whole agents moved from pools' free agents to groups short of agents (``edges``: which pool may
    give to which group): a maximum flow (shortest augmenting paths), so as many deficits as possible close."""
    flow: dict[tuple[str, int], int] = defaultdict(int)
    left, spare = dict(deficit), dict(free)
    by_group: dict[str, list[int]] = defaultdict(list)
    for g, p in sorted(edges):
        by_group[g].append(p)
    by_pool: dict[int, list[str]] = defaultdict(list)
    for g, p in sorted(edges):
        by_pool[p].append(g)
    for g0 in sorted(deficit):
        while left[g0] > 0:
            path = _augmenting_path(g0, spare, by_group, by_pool, flow)
            if path is None:
                break
            for k, (g, p) in enumerate(path):
                flow[(g, p)] += 1
                if k + 1 < len(path):  # the next group takes this pool's unit: g's unit moves from p
                    flow[(path[k + 1][0], p)] -= 1
            spare[path[-1][1]] -= 1
            left[g0] -= 1
    return {k: v for k, v in flow.items() if v > 0}


def _augmenting_path(
    g0: str,
    spare: dict[int, int],
    by_group: dict[str, list[int]],
    by_pool: dict[int, list[str]],
    flow: dict[tuple[str, int], int],
) -> list[tuple[str, int]] | None:
    """Breadth-first: group g0 takes a unit at pool p; if p has no spare agent, a group holding an extra
    unit at p gives it up and takes one elsewhere. Returns the (group, pool) steps."""
    parent: dict[int, tuple[str, int | None]] = {}
    frontier: list[tuple[str, int | None]] = [(g0, None)]
    seen_groups = {g0}
    while frontier:
        nxt: list[tuple[str, int | None]] = []
        for g, via in frontier:
            for p in by_group.get(g, ()):
                if p in parent:
                    continue
                parent[p] = (g, via)
                if spare.get(p, 0) > 0:
                    steps: list[tuple[str, int]] = []
                    cur: int | None = p
                    while cur is not None:
                        grp, prev = parent[cur]
                        steps.append((grp, cur))
                        cur = prev
                    steps.reverse()
                    return steps
                for g2 in by_pool.get(p, ()):
                    if g2 not in seen_groups and flow.get((g2, p), 0) > 0:
                        seen_groups.add(g2)
                        nxt.append((g2, p))
        frontier = nxt
    return None


def _share(plan: dict[str, float], live: set[str], rest: int) -> dict[str, int]:
    """``rest`` whole agents over the deferred groups of ``plan``, in proportion (largest remainder)."""
    deferred = {g: v for g, v in plan.items() if g not in live and v > TOL}
    total = sum(deferred.values())
    if rest <= 0 or total <= TOL:
        return {}
    quota = {g: rest * v / total for g, v in deferred.items()}
    whole = {g: int(math.floor(q)) for g, q in quota.items()}
    for g in sorted(quota, key=lambda g: (-(quota[g] - whole[g]), g))[: rest - sum(whole.values())]:
        whole[g] += 1
    return whole


class DeferredBacklog:
    """Deferred work a pool's plan put in an interval that its whole agents have not yet taken, per pool and
    group, each part with the interval by which it must be worked.

    The model plans each deferred group's capacity interval by interval, in fractions of an agent (0.2 of an
    agent an hour for a small social queue in the evening); whole agents cannot follow it. Rounded interval
    by interval, such fractions lose to the live groups' rounding every time, and a small queue whose only
    speakers also take a large live queue was not worked all evening (a simulation of the floor: 0-40 %
    within a two-hour target the roster predicted at 95 %). So what an interval's agents do not take is
    carried: the plan's work is done within the window to spare, the quarter of the target the roster keeps
    for arrivals that bunch (``PLANNED_WINDOW_SHARE``), which is the interval itself for targets under
    four intervals; work still open at that interval is urgent and gets whole agents before the live
    groups' round-ups, unless a pool's deferred agents take its group in that interval anyway (see
    :func:`round_with_backlog`); work open a whole window past it is dropped (late whatever the floor
    does)."""

    def __init__(self, groups: Iterable[DeferredGroup]) -> None:
        self.spare = {g.name: int(math.floor(g.window * (1.0 / PLANNED_WINDOW_SHARE - 1.0) + 1e-9)) for g in groups}
        self.late = {g.name: int(math.ceil(g.window - 1e-9)) for g in groups}
        # open[pool][group] = [due interval, agents] parts, oldest first; no empty lists or pools
        self.open: dict[int, dict[str, list[list[float]]]] = {}

    def add(self, t: int, plans: Mapping[int, Mapping[str, float]]) -> None:
        """Interval ``t``'s plan joins the open work; parts a window past their interval are dropped."""
        for p, plan in plans.items():
            for g, v in plan.items():
                if g in self.spare and v > TOL:
                    self.open.setdefault(p, {}).setdefault(g, []).append([float(t + self.spare[g]), float(v)])
        for p in list(self.open):
            self._keep(p, lambda g, part: part[0] + self.late[g] >= t)

    def _keep(self, p: int, keep: Callable[[str, list[float]], bool]) -> None:
        groups = self.open[p]
        for g in list(groups):
            groups[g] = [part for part in groups[g] if part[1] > TOL and keep(g, part)]
            if not groups[g]:
                del groups[g]
        if not groups:
            del self.open[p]

    def wrap(self, n: int) -> None:
        """Carry the open work into the next copy of an ``n``-interval horizon (the week repeats)."""
        for groups in self.open.values():
            for parts in groups.values():
                for part in parts:
                    part[0] -= n

    def pools(self) -> set[int]:
        return set(self.open)

    def taken(self, t: int, groups: set[str]) -> None:
        """Work of ``groups`` that falls due in interval ``t`` is worked then by the agents who take those groups
        (any pool's), so it is no longer urgent for the pool whose plan it came from."""
        for p in list(self.open):
            self._keep(p, lambda g, part: g not in groups or part[0] > t)

    def due(self, p: int) -> dict[str, float]:
        """The pool's open deferred work per group, in agents."""
        return {g: sum(v for _, v in parts) for g, parts in self.open.get(p, {}).items()}

    def urgent(self, t: int) -> dict[int, float]:
        """Per pool, the open work that must be worked in interval ``t``."""
        out = {p: sum(v for parts in gs.values() for due, v in parts if due <= t) for p, gs in self.open.items()}
        return {p: v for p, v in out.items() if v > 0.0}

    def work(self, p: int, given: Mapping[str, int]) -> None:
        """Whole agents the interval gave the pool's deferred groups take their open work, oldest first."""
        groups = self.open.get(p)
        if groups is None:
            return
        for g, agents in given.items():
            left = float(agents)
            for part in groups.get(g, []):
                take = min(left, part[1])
                part[1] -= take
                left -= take
        self._keep(p, lambda _g, _part: True)


def plan_activities(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    agents: np.ndarray,
    alloc: dict[tuple[str, str, int], float],
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> ActivityPlan:
    """The activity plan and routing guidance of a solved roster.

    ``agents`` are whole scheduled agents per group (people on duty in the interval, breaks included);
    ``on_floor`` the same plan for the agents left after shrinkage (the roster's own assumption), which
    is what a simulation of the floor assigns."""
    h = scenario.horizon
    groups = {g.name: GroupInfo(g.name, True, g.queues, g.skillsets) for g in problem.live}
    groups.update({d.name: GroupInfo(d.name, False, d.queues, d.skillsets) for d in problem.deferred})
    live = {g.name for g in problem.live}
    duty, people = pool_on_duty(problem, agents, placed)
    planned = split_allocation(problem, alloc, duty)
    keep = 1.0 - scenario.settings.shrinkage
    by_t: dict[int, dict[int, dict[str, float]]] = defaultdict(dict)
    for (p, t), plan in planned.items():
        by_t[t][p] = plan
    live_need = np.zeros_like(duty)
    rows, unkept = [], []
    open_scheduled, open_floor = DeferredBacklog(problem.deferred), DeferredBacklog(problem.deferred)

    def round_at(t: int) -> tuple[WholePlan, WholePlan, dict[str, str], dict[str, float]]:
        plans = by_t[t]
        required = {g.name: float(g.requirement[t]) for g in problem.live if g.requirement[t] > TOL}
        scheduled, _ = round_with_backlog(
            open_scheduled, t, plans, required, {p: int(people[p, t]) for p in range(len(problem.pools))}, live
        )
        on_floor, missed = round_with_backlog(
            open_floor,
            t,
            {p: {g: v * keep for g, v in plan.items()} for p, plan in plans.items()},
            {g: v * keep for g, v in required.items()},
            {p: int(math.floor(people[p, t] * keep + 0.5)) for p in range(len(problem.pools))},
            live,
        )
        return scheduled, on_floor, missed, required

    for t in sorted(by_t):  # the week repeats: what is open at its end is open at its start
        round_at(t)
    open_scheduled.wrap(problem.n_intervals)
    open_floor.wrap(problem.n_intervals)
    for t in sorted(by_t):
        plans = by_t[t]
        scheduled, on_floor, missed, required = round_at(t)
        when = pd.Timestamp(h.start).tz_convert("UTC") + pd.Timedelta(minutes=t * h.interval_minutes)
        for g, reason in missed.items():
            whole = sum(n.get(g, 0) for n in on_floor.values())
            unkept.append((when, g, round(required[g] * keep, 3), whole, reason))
        for p in sorted(set(plans) | set(scheduled) | set(on_floor)):
            plan = plans.get(p, {})
            live_need[p, t] = sum(v for g, v in plan.items() if g in live)
            # every deferred group the model planned here gets a row, whole agents or not: the floor's
            # deferred agents take the interval's planned groups before the pool's other deferred queues
            mine = scheduled.get(p, {}), on_floor.get(p, {})
            names = set(mine[0]) | set(mine[1]) | {g for g, v in plan.items() if g not in live and v > TOL}
            for g in sorted(names, key=lambda g: (g not in live, g)):
                rows.append(_activity_row(scenario, problem, p, when, groups[g], mine[0], mine[1], plan))
    return ActivityPlan(
        activities=pd.DataFrame(rows, columns=ACTIVITY_COLUMNS),
        routing=routing_table(scenario.pools, problem.pools, req.queues.values(), groups, _hours(problem, planned)),
        unkept=pd.DataFrame(unkept, columns=UNKEPT_COLUMNS),
        live_need=live_need,
    )


def round_with_backlog(
    backlog: DeferredBacklog,
    t: int,
    plans: dict[int, dict[str, float]],
    required: dict[str, float],
    capacity: dict[int, int],
    live: set[str],
) -> tuple[WholePlan, dict[str, str]]:
    """:func:`round_interval` of interval ``t`` with each pool's deferred plan replaced by its open deferred
    work (this interval's plan and what earlier intervals' whole agents did not take); the whole agents
    given to deferred groups then take that work. Work falling due is urgent (agents are held for it) only
    when, rounded without holding anyone, no pool with open work of its group has a deferred agent: such
    an agent takes every group the pool has open work of, earliest deadline first. Returns the whole plan
    and the live groups it does not keep, each with its reason: ``DEFERRED_DUE`` when the group would be
    kept if no agent were held for deferred work falling due, else ``NO_AGENT_FREE``."""
    backlog.add(t, plans)
    pools = set(plans) | {p for p in backlog.pools() if capacity.get(p, 0) > 0}
    with_open = {p: {**{g: v for g, v in plans.get(p, {}).items() if g in live}, **backlog.due(p)} for p in pools}
    cap = {p: capacity.get(p, 0) for p in pools}
    unheld, unheld_gaps = round_interval(with_open, required, cap, live)
    # a pool's deferred agents take, earliest deadline first, every deferred group the pool has open work of
    # (its rows): urgent work of such a group is worked now, whichever pool's plan it came from
    working = [p for p, plan in unheld.items() if any(n > 0 for g, n in plan.items() if g not in live)]
    taken = {g for p in working for g in with_open[p] if g not in live}
    backlog.taken(t, taken)
    urgent = backlog.urgent(t)
    whole, unkept = round_interval(with_open, required, cap, live, urgent) if urgent else (unheld, unheld_gaps)
    for p, plan in whole.items():
        backlog.work(p, {g: v for g, v in plan.items() if g not in live})
    return whole, {g: NO_AGENT_FREE if g in unheld_gaps else DEFERRED_DUE for g in unkept}


def _hours(problem: RosterProblem, planned: PoolAlloc) -> dict[int, dict[str, float]]:
    """Planned agent-hours per pool index and group."""
    hours: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for (p, _t), plan in planned.items():
        for g, v in plan.items():
            hours[p][g] += v * problem.interval_hours
    return hours


def _activity_row(
    scenario: Scenario,
    problem: RosterProblem,
    p: int,
    when: pd.Timestamp,
    info: GroupInfo,
    scheduled: dict[str, int],
    on_floor: dict[str, int],
    plan: dict[str, float],
) -> tuple[object, ...]:
    pool = problem.pools[p]
    tz = scenario.sites[pool.site].timezone
    return (
        pool.name,
        pool.site,
        when,
        utc_to_local(tz, when.to_pydatetime()).strftime("%a %H:%M"),
        info.name,
        "live" if info.live else "deferred",
        "+".join(sorted({q[0] for q in info.queues})),
        "+".join(sorted({q[1] for q in info.queues})),
        queue_text(info.queues),
        scheduled.get(info.name, 0),
        on_floor.get(info.name, 0),
        round(plan.get(info.name, 0.0), 3),
    )


def routing_table(
    pools: Mapping[str, Pool],
    specs: tuple[PoolSpec, ...],
    queues: Iterable[QueueSpec],
    groups: Mapping[str, GroupInfo],
    hours: Mapping[int, Mapping[str, float]],
) -> pd.DataFrame:
    """Per pool, the order in which it takes queues: live before deferred; within each, the groups it was
    planned for by planned agent-hours (``hours[pool index][group]``, most first), then groups its skill
    set may serve but was not planned for. A live group's queues are split by tier, each tier one rank,
    named (stricter) tiers first across the pool's live groups. The pool's deferred queues form the last
    ranks, each taken earliest deadline first: first those of the deferred groups it was planned for
    (listed by planned agent-hours), then the rest its skills allow. (With one rank for all, a pool's
    deferred agents took another pool's old backlog, e.g. English email worked in bursts in Manila, by
    its early deadlines, and left the small windows of their own vip email short.)"""
    ranks = tier_ranks(queues)
    rows = []
    for p, spec in enumerate(specs):
        pool = pools[spec.name]
        mine = hours.get(p, {})
        order = sorted(
            (g for g in groups.values() if spec.skillset in g.skillsets),
            key=lambda g: (not g.live, -mine.get(g.name, 0.0), g.name),
        )
        levels: list[tuple[str, bool, tuple[QueueKey, ...], float]] = []
        for g in order:
            tiers = sorted({q[2] for q in g.queues}, key=lambda tier: (ranks.get(tier, 0), tier)) if g.live else [""]
            for tier in tiers:
                qs = tuple(q for q in g.queues if (not g.live or q[2] == tier) and pool.serves(q[0], q[1]))
                if qs:
                    levels.append((g.name, g.live, qs, round(mine.get(g.name, 0.0), 2)))
        live_levels = sorted((lv for lv in levels if lv[1]), key=lambda lv: ranks.get(lv[2][0][2], 0))  # stable
        for rank, (name, _live, qs, hrs) in enumerate(live_levels, start=1):
            rows.append((spec.name, spec.site, rank, name, "live", queue_text(qs), hrs))
        deferred = [lv for lv in levels if not lv[1]]
        planned = [lv for lv in deferred if mine.get(lv[0], 0.0) > TOL]
        others = [lv for lv in deferred if mine.get(lv[0], 0.0) <= TOL]
        rank = len(live_levels)
        for part in (planned, others):  # each one level, taken earliest deadline first, whatever its group
            if part:
                rank += 1
                rows.append(
                    (
                        spec.name,
                        spec.site,
                        rank,
                        " + ".join(lv[0] for lv in part),
                        "deferred",
                        queue_text(tuple(q for lv in part for q in lv[2])),
                        round(sum(lv[3] for lv in part), 2),
                    )
                )
    return pd.DataFrame(rows, columns=ROUTING_COLUMNS)
