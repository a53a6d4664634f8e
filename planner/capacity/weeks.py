"""Required productive people per pool and period, from planner's own weekly roster of a representative week.

Each period's week is the input week with demand scaled by the period's drivers, handle times scaled,
and the period's shrinkage. Periods whose scaled inputs are equal share one solve (cached by a key of
those inputs). :func:`weekly_people` is the one place that reads people from a roster.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from planner.capacity.contract import DEFAULT_WEEKLY_TIME_LIMIT
from planner.domain import Scenario
from planner.roster.solve import SolveOptions

LogFn = Callable[[str], None]


@dataclass(frozen=True)
class WeekDrivers:
    """How one period's representative week differs from the input week."""

    factors: tuple[tuple[str, str, float], ...]  # (language, channel, demand factor), sorted
    handle_time_index: float
    shrinkage: float

    @property
    def key(self) -> tuple[object, ...]:
        """Equal keys mean equal weeks (values rounded to 9 digits)."""
        return (
            tuple((lang, chan, round(f, 9)) for lang, chan, f in self.factors),
            round(self.handle_time_index, 9),
            round(self.shrinkage, 9),
        )

    def uplifted(self, uplift: float) -> WeekDrivers:
        """The same week with every demand factor raised by ``uplift`` (0.1 = +10 %)."""
        return replace(self, factors=tuple((lang, c, f * (1 + uplift)) for lang, c, f in self.factors))


@dataclass(frozen=True)
class WeeklySolves:
    """What the representative weeks cost: how many distinct weeks were solved, how long it took, and how
    many of those solves the time limit ended (their headcount may change with a longer limit)."""

    periods: int  # period-scenarios asked for (periods x demand cases)
    solves: int  # distinct weeks solved
    seconds: float
    time_limit: float
    on_time_limit: int = 0  # distinct weeks whose roster solve ended on its time limit


@dataclass(frozen=True)
class WeekPeople:
    """One week's roster as the capacity plan reads it: people per pool, and the solver's status."""

    people: dict[str, float]
    status: str  # the roster solve's status: optimal | gap reached | work limit | time limit | ...

    @property
    def on_time_limit(self) -> bool:
        return self.status == "time limit"


def week_scenario(scenario: Scenario, drivers: WeekDrivers) -> Scenario:
    """The input week with the period's demand factors, handle times and shrinkage; pools uncapped.

    Pools lose their `available` cap (the plan decides headcount); site caps stay (seats).
    """
    factor = {(lang, chan): f for lang, chan, f in drivers.factors}
    demand = scenario.demand.copy()
    keys = list(zip(demand["language"], demand["channel"], strict=True))
    demand["contacts"] = demand["contacts"].to_numpy() * pd.Series([factor.get(k, 1.0) for k in keys]).to_numpy()
    channels = {
        name: replace(ch, handle_minutes=ch.handle_minutes * drivers.handle_time_index)
        for name, ch in scenario.channels.items()
    }
    pools = {name: replace(p, available=None) for name, p in scenario.pools.items()}
    settings = replace(scenario.settings, shrinkage=drivers.shrinkage)
    return replace(scenario, demand=demand, channels=channels, pools=pools, settings=settings, agents=())


def weekly_people(scenario: Scenario, time_limit: float) -> WeekPeople:
    """People each pool needs for the scenario's week: today the roster's headcount (people_needed), with the
    roster solve's status.

    The adapter between the capacity plan and the weekly model; the tour model's headcount replaces it later.
    """
    from planner.roster.plan import RosterOptions, plan_roster

    st = scenario.settings
    options = RosterOptions(solve=SolveOptions(solver=st.solver, time_limit=time_limit, gap=st.mip_gap))
    result = plan_roster(scenario, options)
    table = result.headcount
    people = {str(pool): float(n) for pool, n in zip(table["pool"], table["people_needed"], strict=True)}
    return WeekPeople(people, result.summary.solver_status)


WeeklyFn = Callable[[Scenario, float], WeekPeople]


def required_people(
    scenario: Scenario,
    weeks: list[WeekDrivers],
    time_limit: float = DEFAULT_WEEKLY_TIME_LIMIT,
    log: LogFn | None = None,
    people_fn: WeeklyFn = weekly_people,
) -> tuple[list[dict[str, float]], WeeklySolves]:
    """People per pool for every week asked for, solving each distinct week once."""
    cache: dict[tuple[object, ...], WeekPeople] = {}
    distinct = list(dict.fromkeys(w.key for w in weeks))
    t0 = time.perf_counter()
    by_key = {w.key: w for w in weeks}
    for i, key in enumerate(distinct, start=1):
        if log is not None:
            log(f"weekly roster {i}/{len(distinct)} (time limit {time_limit:g} s)")
        cache[key] = people_fn(week_scenario(scenario, by_key[key]), time_limit)
    seconds = time.perf_counter() - t0
    cut = sum(week.on_time_limit for week in cache.values())
    solves = WeeklySolves(len(weeks), len(distinct), seconds, time_limit, cut)
    return [cache[w.key].people for w in weeks], solves
