"""Concrete weeks from a tour roster: each person on a tour is given one of the shifts of their start cell
on each working day (earliest start to the first person, so starts stay alike), and people with the same
week form a tour group ("pool X, tour 7, 12 people")."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

import numpy as np
import pandas as pd

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
    for g in sorted(groups, key=_order):
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
]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def schedule_table(groups: tuple[PersonWeek, ...] | list[PersonWeek], weeks: int = 1) -> pd.DataFrame:
    """The grid a team lead posts: one row per person (or tour group), one column per local weekday, each
    cell the local shift time ("09:00-18:00") or "off"; rows grouped by site and pool."""
    days = [d if weeks == 1 else f"{d} w{w + 1}" for w in range(weeks) for d in WEEKDAYS]
    rows = []
    for g in sorted(groups, key=_order):
        row: dict[str, object] = {"site": g.site, "pool": g.pool, "agent": g.name, "people": g.people}
        row.update({d: "off" for d in days})
        for s in g.shifts:
            end = s.local_start + dt.timedelta(minutes=s.length_minutes)
            day = WEEKDAYS[s.local_start.weekday()]
            label = day if weeks == 1 else f"{day} w{s.local_day // 7 + 1}"
            row[label] = f"{s.local_start:%H:%M}-{end:%H:%M}"
        rows.append(row)
    return pd.DataFrame(rows, columns=["site", "pool", "agent", "people", *days])


def _order(g: PersonWeek) -> tuple[str, str, int, str]:
    first = min((s.start_minute for s in g.shifts), default=10**9)
    return (g.site, g.pool, first, g.name)


def named_weeks(
    scenario: Scenario, groups: tuple[PersonWeek, ...], longest_paid_minutes: int
) -> tuple[PersonWeek, ...]:
    """With an agents sheet: each person-week of a pool derived from agents goes to one of its agents whose
    contract hours it meets within one shift (weeks with most weekend days and nights first, agents in
    name order); a week no agent can take is a hire ("hire 1 (pool)"); agents not needed get an empty week.
    Pools from the pools sheet keep their tour groups."""
    agents: dict[str, list[Agent]] = defaultdict(list)
    for a in sorted(scenario.agents, key=lambda a: a.name):
        agents[a.pool_name].append(a)
    out = [g for g in groups if g.pool not in agents]
    for pool, members in agents.items():
        weeks = [replace(g, people=1) for g in groups if g.pool == pool for _ in range(g.people)]
        free = list(members)
        hires = 0
        for w in sorted(weeks, key=lambda w: (-w.weekend_days, -w.nights)):
            fit = next((a for a in free if _meets_contract(a, w, longest_paid_minutes)), None)
            if fit is None:
                hires += 1
                out.append(replace(w, name=f"hire {hires} ({pool})", hire=True))
                continue
            free.remove(fit)
            out.append(replace(w, name=fit.name, weekly_hours=fit.weekly_hours))
        out += [PersonWeek(a.name, pool, a.site, (), weekly_hours=a.weekly_hours) for a in free]
    return tuple(out)


def _meets_contract(agent: Agent, week: PersonWeek, longest_paid_minutes: int) -> bool:
    return agent.weekly_hours is None or abs(week.paid_hours - agent.weekly_hours) <= longest_paid_minutes / 60 + 1e-9


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
        out.append(
            PoolFairness(
                pool=pool,
                weekend_days_spread=max(weekend) - min(weekend) if weekend else 0,
                nights_spread=max(nights) - min(nights) if nights else 0,
                hires=sum(g.people for g in hires),
                hires_weekly_cost=round(sum(g.cost * g.people for g in hires), 2),
            )
        )
    return tuple(out)
