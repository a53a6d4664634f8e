"""Gaps after the solve: every queue-interval left short, whether any pool could cover it, and why
not (no pool serves it, a time-zone gap, a tour rule that forbids the only shifts covering it, a binding
headcount cap, or priced out by the penalty)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.analysis.reach import coverable, on_duty_within, unservable_reason
from planner.domain import Scenario
from planner.requirements import QueueKey
from planner.roster.options import ShiftOptions
from planner.roster.rules import TOL, DeferredGroup, LiveGroup, RosterProblem, people_needed
from planner.roster.solve import SolveInfo

GAP_COLUMNS = [
    "interval_start",
    "language",
    "channel",
    "tier",
    "kind",
    "contacts",
    "required",
    "staffed",
    "shortfall",
    "coverable",
    "reason",
]


def priced_out_reason(problem: RosterProblem, currency: str, info: SolveInfo) -> str:
    """Why a coverable interval with no binding cap is still short: the penalty, or an unproven optimum."""
    penalty = f"{problem.penalty:,.0f} {currency} per agent-hour"
    if info.status == "optimal":
        return f"covering it costs more than the under-coverage penalty ({penalty})"
    # only a proven optimum shows that covering costs more than the penalty
    return (
        f"left uncovered by the solver's roster ({info.status}, {info.gap:.2%} above its best bound): "
        f"either covering it costs more than the under-coverage penalty ({penalty}), or a longer "
        f"time limit or a smaller relative gap would cover it"
    )


@dataclass(frozen=True)
class HeadcountLimits:
    """Which headcount caps bind in the chosen roster: pools with every available person on shift
    (over the week, or on a local day that could cover an interval) and sites at ``max_agents``."""

    problem: RosterProblem
    weekly: np.ndarray  # shifts per pool over the horizon
    day_count: dict[tuple[int, int], float]  # (pool, local day) -> shifts
    covering_days: dict[tuple[int, int], set[int]]  # (pool, interval) -> local days of options covering it
    full_sites: frozenset[str]

    @classmethod
    def of(cls, problem: RosterProblem, agents: np.ndarray) -> HeadcountLimits:
        spw_weeks = problem.shifts_per_week * problem.weeks
        weekly = np.zeros(len(problem.pools))
        np.add.at(weekly, problem.option_pool, agents)
        day_count: dict[tuple[int, int], float] = defaultdict(float)
        for chosen in np.flatnonzero(agents > 0):
            day_count[(int(problem.option_pool[chosen]), int(problem.option_day[chosen]))] += float(agents[chosen])
        covering_days: dict[tuple[int, int], set[int]] = defaultdict(set)
        for o in range(len(problem.option_pool)):
            k = int(problem.option_pool[o])
            if problem.pools[k].available is None:
                continue
            for u, f in zip(problem.cover_index[o], problem.cover_fraction[o], strict=True):
                if f > TOL:
                    covering_days[(k, int(u))].add(int(problem.option_day[o]))
        need: dict[str, float] = defaultdict(float)
        for k, pp in enumerate(problem.pools):
            peak = max((v for (kk, _d), v in day_count.items() if kk == k), default=0.0)
            need[pp.site] += people_needed(weekly[k], spw_weeks, peak)
        full = frozenset(
            s for s, cap in problem.site_caps.items() if not problem.relax_headcount and need[s] >= cap - 0.5
        )
        return cls(problem, weekly, day_count, covering_days, full)

    def exhausted(self, pool: str, intervals: list[int]) -> bool:
        """Is every available person of ``pool`` (its reduced team on a holiday) on shift when it could
        cover ``intervals``?"""
        p = self.problem
        k = next(i for i, pp in enumerate(p.pools) if pp.name == pool)
        cap = p.pools[k].available
        if cap is None or p.relax_headcount:
            return False
        if self.weekly[k] >= cap * p.shifts_per_week * p.weeks - 0.5:
            return True
        return bool(self._full_days(k, intervals, cap))

    def holiday_team(self, pool: str, intervals: list[int]) -> int | None:
        """The reduced holiday team of ``pool`` that is all on shift when it could cover ``intervals``, or None."""
        p = self.problem
        k = next(i for i, pp in enumerate(p.pools) if pp.name == pool)
        cap = p.pools[k].available
        if cap is None or p.relax_headcount:
            return None
        holidays = dict(p.pools[k].holiday_caps)
        full = [holidays[d] for d in self._full_days(k, intervals, cap) if d in holidays]
        return min(full) if full else None

    def _full_days(self, k: int, intervals: list[int], cap: int) -> list[int]:
        """Local days covering ``intervals`` on which pool ``k`` has everyone it may staff on shift."""
        day_cap = dict(self.problem.pools[k].holiday_caps)
        days = set().union(*(self.covering_days[(k, u)] for u in intervals)) if intervals else set()
        return sorted(d for d in days if self.day_count[(k, d)] >= day_cap.get(d, cap) - 0.5)


def _group_of(problem: RosterProblem) -> dict[QueueKey, LiveGroup | DeferredGroup]:
    out: dict[QueueKey, LiveGroup | DeferredGroup] = {}
    groups: list[LiveGroup | DeferredGroup] = [*problem.live, *problem.deferred]
    for g in groups:
        for q in g.queues:
            out[q] = g
    return out


def _pool_part(scenario: Scenario, limits: HeadcountLimits, name: str, span: list[int]) -> str:
    team = limits.holiday_team(name, span)
    if team is not None:
        return f"pool {name} has its holiday team of {team} on shift"
    return f"pool {name} has all {scenario.pools[name].available} available people on shift"


def _cap_reason(
    scenario: Scenario, problem: RosterProblem, limits: HeadcountLimits, serving: list[str], span: list[int]
) -> str | None:
    """'headcount cap: ...' naming the exhausted pools and full sites among those serving, or None."""
    pools = sorted(name for name in serving if limits.exhausted(name, span))
    sites = sorted({scenario.pools[name].site for name in serving} & limits.full_sites)
    if not pools and not sites:
        return None
    parts = [_pool_part(scenario, limits, name, span) for name in pools]
    parts += [f"site {s} is at max_agents ({problem.site_caps[s]})" for s in sites]
    return "headcount cap: " + "; ".join(parts)


def tour_rule_reach(problem: RosterProblem, serving: list[str], window: int) -> np.ndarray | None:
    """Per interval: can a serving pool be on duty within ``window`` on a shift some tour may work? None
    when every shift may be worked (no tours, or nights allowed)."""
    tours = problem.tours
    if tours is None or not tours.rules.nights_forbidden:
        return None
    pools = [k for k, p in enumerate(problem.pools) if p.name in serving]
    usable = np.isin(problem.option_pool, pools) & ~tours.option_night
    on_duty = np.zeros(problem.n_intervals, dtype=bool)
    touched = problem.cover_index[usable][problem.cover_fraction[usable] > TOL]
    on_duty[touched] = True
    return on_duty_within(on_duty, window)


def nights_reason(problem: RosterProblem) -> str:
    rules = problem.tours.rules if problem.tours is not None else None
    assert rules is not None
    return (
        f"tour rule: max_nights_per_week ({rules.max_nights_per_week}) is below shifts_per_week "
        f"({rules.shifts_per_week}), so no one works the night shifts that could cover it"
    )


def gaps_table(
    scenario: Scenario,
    problem: RosterProblem,
    options: ShiftOptions,
    coverage: pd.DataFrame,
    agents: np.ndarray,
    info: SolveInfo,
) -> pd.DataFrame:
    """One row per short queue-interval: the coverage figures, whether it is coverable at all, and why it is short."""
    n = scenario.horizon.n_intervals
    priced_out = priced_out_reason(problem, scenario.settings.currency, info)
    group_of = _group_of(problem)
    limits = HeadcountLimits.of(problem, agents)
    reachable: dict[tuple[str, str, int], np.ndarray] = {}
    tour_reach: dict[tuple[tuple[str, ...], int], np.ndarray | None] = {}
    out = []
    for r in coverage[coverage["shortfall"] > 1e-6].itertuples(index=False):
        g = group_of.get((r.language, r.channel, r.tier))
        t = int(r.interval)
        window = max(1, math.ceil(g.window)) if isinstance(g, DeferredGroup) else 1
        span = [(t + k) % n for k in range(window)]
        reason = unservable_reason(scenario, r.language, (r.channel,))
        coverable_now = reason is None
        if reason is None:
            key = (r.language, r.channel, window)
            if key not in reachable:
                reachable[key] = coverable(scenario, options, r.language, r.channel, window)
            serving = [p.name for p in scenario.pools.values() if p.serves(r.language, r.channel)]
            if g is None or not reachable[key][t]:
                sites = ", ".join(sorted({scenario.pools[p].site for p in serving}))
                reason = (
                    f"time-zone gap: no pool that speaks '{r.language}' and works {r.channel} can be on shift then "
                    f"under the shift windows (sites: {sites})"
                )
                coverable_now = False
            elif _tour_blocked(problem, serving, window, t, tour_reach):
                reason = nights_reason(problem)
                coverable_now = False
            else:
                reason = _cap_reason(scenario, problem, limits, serving, span) or priced_out
        out.append({c: getattr(r, c) for c in GAP_COLUMNS[:-2]} | {"coverable": coverable_now, "reason": reason})
    return pd.DataFrame(out, columns=GAP_COLUMNS).astype({"coverable": bool})


def _tour_blocked(
    problem: RosterProblem,
    serving: list[str],
    window: int,
    t: int,
    cache: dict[tuple[tuple[str, ...], int], np.ndarray | None],
) -> bool:
    """Is interval ``t`` reachable only by shifts a tour rule forbids?"""
    key = (tuple(serving), window)
    if key not in cache:
        cache[key] = tour_rule_reach(problem, serving, window)
    reach = cache[key]
    return reach is not None and not bool(reach[t])
