"""All after-the-solve tables from one solution (shift counts per option, allocation and shortfall):
shifts, coverage, gaps, cost, headcount and the typed summary."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.analysis.breaks import model_breaks
from planner.analysis.cost import cost_tables, shift_costs
from planner.analysis.coverage import coverage_table, group_totals
from planner.analysis.gaps import gaps_table
from planner.analysis.headcount import headcount_table
from planner.analysis.summary import ModelSize, RosterSummary, solver_fields
from planner.domain import Scenario, WorkKind
from planner.requirements import Requirements
from planner.roster.options import ShiftOptions
from planner.roster.rules import RosterModel, RosterProblem
from planner.roster.solve import SolveInfo
from planner.timezones import utc_to_local

SHIFT_COLUMNS = [
    "pool",
    "site",
    "shift",
    "local_date",
    "local_start",
    "local_end",
    "timezone",
    "utc_start",
    "utc_end",
    "agents",
    "paid_hours",
    "cost_per_agent",
    "cost",
]


@dataclass(frozen=True)
class RosterSolution:
    """A solved roster: agents per shift option, agents allocated per (skill set, group, interval),
    shortfall per (group, interval, class) and requirement nobody can meet per (group, interval)."""

    agents: np.ndarray
    alloc: dict[tuple[str, str, int], float]
    short: dict[tuple[str, int, int], float]
    uncoverable: dict[tuple[str, int], float]
    people: dict[str, int] | None = None  # with tours: people per pool
    tours: dict[tuple[int, int], int] | None = None  # with tours: people per (start cell, pattern)
    breaks: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # option: whole breaks the model placed

    @classmethod
    def of(cls, model: RosterModel) -> RosterSolution:
        tours = model.problem.tours is not None
        agents = np.array([round(v.varValue or 0.0) for v in model.shifts], dtype=np.int64)
        values = {k: float(v.varValue or 0.0) for k, v in model.breaks.items()}
        return cls(
            breaks=model_breaks(model.problem, values, agents) if values else {},
            people={k: round(v.varValue or 0.0) for k, v in model.people.items()} if tours else None,
            tours={k: round(v.varValue or 0.0) for k, v in model.tours.items()} if tours else None,
            agents=agents,
            alloc=model.interval_alloc(),
            short={k: float(v.varValue or 0.0) for k, v in model.short.items()},
            uncoverable=dict(model.uncoverable),
        )


@dataclass(frozen=True)
class RosterTables:
    shifts: pd.DataFrame
    coverage: pd.DataFrame
    cost: pd.DataFrame
    gaps: pd.DataFrame
    headcount: pd.DataFrame
    language_sites: pd.DataFrame


def shifts_table(
    scenario: Scenario,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> pd.DataFrame:
    """One row per chosen shift option: local and UTC times, agents and cost (with the breaks the model
    placed, ``placed``, priced where they are)."""
    tab = options.table.iloc[chosen]
    costs = shift_costs(scenario, options, chosen, agents, placed)
    rows = []
    for i, r, cost in zip(chosen, tab.itertuples(index=False), costs, strict=True):
        site = scenario.sites[r.site]
        utc_end = r.utc_start + pd.Timedelta(minutes=int(r.length_minutes))
        local_end = utc_to_local(
            site.timezone, utc_end.to_pydatetime() if hasattr(utc_end, "to_pydatetime") else utc_end
        )
        rows.append(
            {
                "pool": r.pool,
                "site": r.site,
                "shift": r.template,
                "local_date": r.local_start.date(),
                "local_start": r.local_start.strftime("%H:%M"),
                "local_end": local_end.strftime("%H:%M")
                + ("" if local_end.date() == r.local_start.date() else " (+1 day)"),
                "timezone": site.timezone,
                "utc_start": pd.Timestamp(r.utc_start).tz_convert("UTC"),
                "utc_end": pd.Timestamp(utc_end).tz_convert("UTC"),
                "agents": int(agents[i]),
                "paid_hours": r.paid_minutes / 60.0,
                "cost_per_agent": float(cost),
                "cost": float(cost) * int(agents[i]),
            }
        )
    out = pd.DataFrame(rows, columns=SHIFT_COLUMNS)
    return out.sort_values(["site", "pool", "utc_start", "shift"], kind="mergesort").reset_index(drop=True)


def build_tables(
    scenario: Scenario,
    req: Requirements,
    options: ShiftOptions,
    problem: RosterProblem,
    solution: RosterSolution,
    info: SolveInfo,
) -> RosterTables:
    """Every after-the-solve table from one solution."""
    agents = solution.agents
    chosen = np.flatnonzero(agents > 0)
    staffed_group, short_group = group_totals(
        scenario.horizon.n_intervals, solution.alloc, solution.short, solution.uncoverable
    )
    coverage = coverage_table(scenario, req, problem, staffed_group, short_group)
    cost, language_sites = cost_tables(scenario, req, problem, options, chosen, agents, solution.alloc, solution.breaks)
    return RosterTables(
        shifts=shifts_table(scenario, options, chosen, agents, solution.breaks),
        coverage=coverage,
        cost=cost,
        gaps=gaps_table(scenario, problem, options, coverage, agents, info),
        headcount=headcount_table(scenario, options, chosen, agents, solution.people),
        language_sites=language_sites,
    )


def summarize(
    scenario: Scenario,
    problem: RosterProblem,
    tables: RosterTables,
    agents: np.ndarray,
    info: SolveInfo,
    size: ModelSize,
    full: bool,
) -> RosterSummary:
    """The summary of one roster (no full-coverage comparison; the orchestration adds it)."""
    h = scenario.horizon
    st = scenario.settings
    shifts, coverage, gaps, headcount = tables.shifts, tables.coverage, tables.gaps, tables.headcount
    weekly = float((shifts["cost"].sum() if len(shifts) else 0.0) / h.weeks)
    paid_hours = float((shifts["paid_hours"] * shifts["agents"]).sum() / h.weeks) if len(shifts) else 0.0
    shortfall_hours = float(coverage["shortfall"].sum() * h.interval_hours / h.weeks)
    structural = (
        float(gaps.loc[~gaps["coverable"], "shortfall"].sum() * h.interval_hours / h.weeks) if len(gaps) else 0.0
    )
    live_rows = coverage[(coverage["kind"] == WorkKind.LIVE.value) & (coverage["contacts"] > 0)]
    below = live_rows[live_rows["service_level"] < live_rows["target_service_level"] - 1e-9]
    return RosterSummary(
        input=scenario.source,
        currency=st.currency,
        weekly_cost=round(weekly, 2),
        annual_cost=round(weekly * st.weeks_per_year, 2),
        weeks_per_year=st.weeks_per_year,
        paid_hours_per_week=round(paid_hours, 2),
        shifts_per_week=int(agents.sum() / h.weeks) if h.weeks == 1 else round(agents.sum() / h.weeks, 2),
        headcount=int(headcount["headcount"].sum()),
        people_needed=int(headcount["people_needed"].sum()),
        headcount_by_site=tuple(
            (str(site), int(n)) for site, n in headcount.groupby("site")["headcount"].sum().items()
        ),
        headcount_by_pool=tuple((str(r.pool), int(r.headcount)) for r in headcount.itertuples(index=False)),
        shortfall_agent_hours=round(max(0.0, shortfall_hours), 3),
        shortfall_uncoverable_agent_hours=round(structural, 3),
        shortfall_coverable_agent_hours=round(shortfall_hours - structural, 3),
        shortfall_intervals=int(len(gaps)),
        live_intervals_below_target=int(len(below)),
        live_intervals_with_demand=int(len(live_rows)),
        full_coverage=full,
        under_coverage_penalty_per_agent_hour=round(problem.penalty, 2),
        model=size,
        interval_minutes=h.interval_minutes,
        horizon_start_utc=h.start.isoformat(),
        weeks=h.weeks,
        **solver_fields(info),
    )
