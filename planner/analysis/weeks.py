"""Concrete weeks from a tour roster: each person on a tour is given one of the shifts of their start cell
on each working day (earliest start to the first person, so starts stay alike), and people with the same
week form a tour group ("pool X, tour 7, 12 people")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from planner.analysis.roster_tables import RosterSolution
from planner.analysis.summary import PoolFairness
from planner.domain import Agent, Scenario
from planner.roster.check import PersonWeek, RosterFrame, WorkedShift
from planner.roster.options import ShiftOptions
from planner.roster.rules import RosterProblem
from planner.roster.tours import TourData


def person_weeks(options: ShiftOptions, problem: RosterProblem, solution: RosterSolution) -> list[list[int]]:
    """Per person on a tour, the shift options of their week (in day order); people in pool, cell order."""
    tours = problem.tours
    if tours is None or solution.tours is None:
        return []
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for chosen in np.flatnonzero(solution.agents > 0):
        o = int(chosen)
        slots[(int(tours.option_cell[o]), int(tours.option_slot_day[o]))] += [o] * int(solution.agents[o])
    clock = [ts.hour * 60 + ts.minute for ts in options.table["local_start"]]
    out: list[list[int]] = []
    people_of_cell: dict[int, list[int]] = defaultdict(list)  # cell -> pattern per person
    for (c, k), n in sorted(solution.tours.items()):
        people_of_cell[c] += [k] * n
    for c in sorted(people_of_cell, key=lambda c: (tours.cells[c].pool, tours.cells[c].start)):
        patterns = people_of_cell[c]
        weeks: list[list[int]] = [[] for _ in patterns]
        for d in range(tours.days):
            working = [i for i, k in enumerate(patterns) if tours.works(k, d)]
            given = sorted(slots.get((c, d), []), key=lambda o: (clock[o], o))
            for i, o in zip(working, given, strict=True):
                weeks[i].append(o)
        out += weeks
    return out


def tour_groups(
    scenario: Scenario, options: ShiftOptions, problem: RosterProblem, solution: RosterSolution
) -> tuple[PersonWeek, ...]:
    """The roster as tour groups: people with identical weeks, numbered per pool."""
    counts: dict[tuple[int, ...], int] = defaultdict(int)
    for week in person_weeks(options, problem, solution):
        counts[tuple(week)] += 1
    tab = options.table
    tours = problem.tours
    assert tours is not None
    out: list[PersonWeek] = []
    number: dict[str, int] = defaultdict(int)
    for options_of_week, n in counts.items():
        first = tab.iloc[options_of_week[0]]
        pool = str(first["pool"])
        number[pool] += 1
        shifts = tuple(worked_shift(tab, tours, o) for o in options_of_week)
        out.append(PersonWeek(f"pool {pool}, tour {number[pool]}", pool, str(first["site"]), shifts, people=n))
    return tuple(out)


def worked_shift(tab: pd.DataFrame, tours: TourData, o: int) -> WorkedShift:
    """Shift option ``o`` as a worked shift."""
    r = tab.iloc[o]
    return WorkedShift(
        local_day=int(tours.option_slot_day[o]),
        local_start=r["local_start"],
        start_minute=int(r["start_minute"]),
        length_minutes=int(r["length_minutes"]),
        paid_minutes=int(r["paid_minutes"]),
        template=str(r["template"]),
        night=bool(tours.option_night[o]),
        cost=float(r["cost"]),
    )


def roster_frame(scenario: Scenario, problem: RosterProblem) -> RosterFrame:
    """The rules and caps a roster of this problem is checked against."""
    assert problem.tours is not None
    relax = problem.relax_headcount
    return RosterFrame(
        rules=problem.tours.rules,
        weeks=scenario.horizon.weeks,
        pool_caps={} if relax else {p.name: p.available for p in problem.pools if p.available is not None},
        site_caps={} if relax else dict(problem.site_caps),
        longest_paid_minutes=max((t.paid_minutes for t in scenario.shifts), default=0),
    )


def agents_table(groups: tuple[PersonWeek, ...] | list[PersonWeek]) -> pd.DataFrame:
    """One row per person or tour group: where, which days and starts, paid hours, nights, weekends, cost."""
    rows = []
    for g in sorted(groups, key=schedule_order):
        shifts = sorted(g.shifts, key=lambda s: s.start_minute)
        rows.append(
            {
                "agent": g.name,
                "people": g.people,
                "site": g.site,
                "pool": g.pool,
                "working_days": ", ".join(s.local_start.strftime("%a") for s in shifts) or "none (not needed)",
                "start_times": ", ".join(sorted({s.local_start.strftime("%H:%M") for s in shifts})),
                "paid_hours": g.paid_hours,
                "nights": g.nights,
                "weekend_days": g.weekend_days,
                "cost_per_person": round(g.cost, 2),
                "cost": round(g.cost * g.people, 2),
                "note": g.note,
            }
        )
    return pd.DataFrame(rows, columns=AGENT_COLUMNS)


AGENT_COLUMNS = [
    "agent",
    "people",
    "site",
    "pool",
    "working_days",
    "start_times",
    "paid_hours",
    "nights",
    "weekend_days",
    "cost_per_person",
    "cost",
    "note",
]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def schedule_table(groups: tuple[PersonWeek, ...] | list[PersonWeek], weeks: int = 1) -> pd.DataFrame:
    """The grid a team lead posts: one row per person (or tour group), one column per local weekday, each
    cell the local shift time ("09:00-18:00") or "off"; rows grouped by site and pool."""
    days = [d if weeks == 1 else f"{d} w{w + 1}" for w in range(weeks) for d in WEEKDAYS]
    rows = []
    for g in sorted(groups, key=schedule_order):
        row: dict[str, object] = {"site": g.site, "pool": g.pool, "agent": g.name, "people": g.people}
        row.update({d: "off" for d in days})
        for s in g.shifts:
            end = s.local_start + dt.timedelta(minutes=s.length_minutes)
            row[day_column(s, weeks)] = f"{s.local_start:%H:%M}-{end:%H:%M}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["site", "pool", "agent", "people", *days])


def day_column(shift: WorkedShift, weeks: int = 1) -> str:
    """The schedule grid's column of a shift: its local weekday ("Mon"; "Mon w2" over several weeks)."""
    day = WEEKDAYS[shift.local_start.weekday()]
    return day if weeks == 1 else f"{day} w{shift.local_day // 7 + 1}"


def schedule_order(g: PersonWeek) -> tuple[str, str, int, str]:
    """The order of the agents and schedule sheets: site, pool, first start, name."""
    first = min((s.start_minute for s in g.shifts), default=10**9)
    return (g.site, g.pool, first, g.name)


def named_weeks(
    named: tuple[Agent, ...],
    groups: tuple[PersonWeek, ...],
    longest_paid_minutes: int,
    weeks: int = 1,
    notes: Mapping[str, str] | None = None,
) -> tuple[PersonWeek, ...]:
    """With an agents sheet: the person-weeks of each pool derived from agents go to its agents by a
    minimum-cost assignment (scipy's linear_sum_assignment): an agent can take a week that meets their
    contract hours within one shift, leaves their days off and unavailable dates free, starts within their
    window and has at most their nights; among those, weeks whose days off match the agent's preferred
    days off cost less. A week no agent can take is a hire ("hire 1 (pool)"); agents not needed get an
    empty week. Each agent's week carries their restrictions, for the checker, and when they work their
    entry of ``notes`` (by name: :func:`rate_notes`). Pools from the pools sheet keep their tour groups."""
    agents: dict[str, list[Agent]] = defaultdict(list)
    for a in sorted(named, key=lambda a: a.name):
        agents[a.pool_name].append(a)
    out = [g for g in groups if g.pool not in agents]
    for pool, members in agents.items():
        pool_weeks = [replace(g, people=1) for g in groups if g.pool == pool for _ in range(g.people)]
        pool_weeks.sort(key=lambda w: (-w.weekend_days, -w.nights, w.name))
        given = assign_weeks(pool_weeks, members, longest_paid_minutes, weeks)
        hires = 0
        taken = {a.name for a in given if a is not None}
        for w, fit in zip(pool_weeks, given, strict=True):
            if fit is None:
                hires += 1
                note = hire_note(w, members, longest_paid_minutes, weeks)
                out.append(replace(w, name=f"hire {hires} ({pool})", hire=True, note=note))
            else:
                out.append(restricted(replace(w, name=fit.name, note=(notes or {}).get(fit.name, "")), fit))
        out += [restricted(PersonWeek(a.name, pool, a.site, ()), a) for a in members if a.name not in taken]
    return tuple(out)


def rate_notes(scenario: Scenario) -> dict[str, str]:
    """Per named agent whose own rate (`hourly_cost`, else the site's) is not the rate their pool is priced
    at (the mean of its agents' rates), a note saying so: the cost shown for them is at the pool's rate."""
    out = {}
    for a in scenario.agents:
        if a.pool_name not in scenario.pools:
            continue
        priced = scenario.pool_hourly_cost(scenario.pools[a.pool_name])
        own = a.hourly_cost if a.hourly_cost is not None else scenario.sites[a.site].hourly_cost
        if abs(own - priced) > 1e-9:
            out[a.name] = f"costed at the pool's rate {priced:.2f} an hour, its agents' mean (own rate {own:g})"
    return out


#: Cost of giving an agent a week they cannot work: above any preference penalty, so it is never chosen
#: while an allowed pairing exists.
_FORBIDDEN = 1_000_000.0


def assign_weeks(
    pool_weeks: list[PersonWeek], members: list[Agent], longest_paid_minutes: int, weeks: int = 1
) -> list[Agent | None]:
    """Per week, the agent it goes to (None: no agent can take it), maximising the weeks taken and then
    the preferred days off met (each preferred weekday worked costs 1)."""
    if not pool_weeks or not members:
        return [None] * len(pool_weeks)
    cost = np.full((len(pool_weeks), len(members)), _FORBIDDEN)
    for i, w in enumerate(pool_weeks):
        worked = {s.local_start.weekday() for s in w.shifts}
        for j, a in enumerate(members):
            if can_work(a, w, longest_paid_minutes, weeks):
                cost[i, j] = len(worked & a.preferred_days_off)
    rows, cols = linear_sum_assignment(cost)
    out: list[Agent | None] = [None] * len(pool_weeks)
    for i, j in zip(rows, cols, strict=True):
        if cost[i, j] < _FORBIDDEN:
            out[int(i)] = members[int(j)]
    return out


def can_work(agent: Agent, week: PersonWeek, longest_paid_minutes: int, weeks: int = 1) -> bool:
    """The agent's own columns allow the week."""
    return rule_against(agent, week, longest_paid_minutes, weeks) is None


def rule_against(agent: Agent, week: PersonWeek, longest_paid_minutes: int, weeks: int = 1) -> str | None:
    """The first of the agent's columns that rules the week out (contract hours within one shift, nights,
    days off, unavailable dates, start window), or None."""
    if not agent.contract_allows(week.paid_hours / weeks, longest_paid_minutes / 60):
        return "weekly_hours"
    if agent.max_nights is not None and week.nights > agent.max_nights * weeks:
        return "max_nights"
    for s in week.shifts:
        start = s.local_start
        if start.weekday() in agent.days_off:
            return "days_off"
        if start.date() in agent.unavailable:
            return "unavailable"
        if agent.earliest_start is not None and start.time() < agent.earliest_start:
            return "earliest_start"
        if agent.latest_start is not None and start.time() > agent.latest_start:
            return "latest_start"
    return None


def hire_note(week: PersonWeek, members: list[Agent], longest_paid_minutes: int, weeks: int = 1) -> str:
    """Why no agent of the pool takes a week: per agent column, the agents it rules out; then those the
    week suits, who all work another week (the assignment takes as many weeks as it can)."""
    by_rule: dict[str, list[str]] = defaultdict(list)
    for a in members:
        rule = rule_against(a, week, longest_paid_minutes, weeks)
        by_rule[rule or "on another week"].append(a.name)
    parts = [f"agents' {rule}: {_names(names)}" for rule, names in by_rule.items() if rule != "on another week"]
    if "on another week" in by_rule:
        parts.append(f"on another week: {_names(by_rule['on another week'])}")
    return "no agent can take this week (" + "; ".join(parts or ["the pool has no agents"]) + ")"


def _names(names: list[str], shown: int = 5) -> str:
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more


def restricted(week: PersonWeek, agent: Agent) -> PersonWeek:
    """The week with the agent's name, contract hours and own restrictions (checked by the checker)."""
    return replace(
        week,
        name=agent.name,
        weekly_hours=agent.weekly_hours,
        days_off=agent.days_off,
        unavailable=agent.unavailable,
        earliest_start=agent.earliest_start,
        latest_start=agent.latest_start,
        max_nights=agent.max_nights,
        preferred_days_off=agent.preferred_days_off,
    )


def preferences_met(groups: tuple[PersonWeek, ...] | list[PersonWeek]) -> tuple[int, int]:
    """(agents whose preferred days off are all off, agents with a preference) over the named weeks."""
    asked = [g for g in groups if g.preferred_days_off and not g.hire]
    met = [g for g in asked if not {s.local_start.weekday() for s in g.shifts} & g.preferred_days_off]
    return len(met), len(asked)


def pool_fairness(groups: tuple[PersonWeek, ...] | list[PersonWeek]) -> tuple[PoolFairness, ...]:
    """Per pool: the spread (most minus fewest) of weekend days and of night shifts over the people who
    work that week (agents not needed are left out), and the hires that close a named-agent shortfall with
    their weekly cost; pools in name order."""
    by_pool: dict[str, list[PersonWeek]] = defaultdict(list)
    for g in groups:
        by_pool[g.pool].append(g)
    out = []
    for pool in sorted(by_pool):
        working = [g for g in by_pool[pool] if g.shifts and g.people > 0]
        weekend = [g.weekend_days for g in working]
        nights = [g.nights for g in working]
        hires = [g for g in by_pool[pool] if g.hire]
        met, asked = preferences_met(by_pool[pool])
        out.append(
            PoolFairness(
                pool=pool,
                weekend_days_spread=max(weekend) - min(weekend) if weekend else 0,
                nights_spread=max(nights) - min(nights) if nights else 0,
                hires=sum(g.people for g in hires),
                hires_weekly_cost=round(sum(g.cost * g.people for g in hires), 2),
                preferred_days_off_met=met,
                preferred_days_off_asked=asked,
            )
        )
    return tuple(out)
