"""The named agents of the agents sheet: each row's own restrictions (days off, unavailable dates, start
window, nights, contract hours) and the checks that span the agents sheet, the settings, the shift
templates and the horizon. Every problem is located at its cell."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pandas as pd

from planner.domain import Agent, Horizon, Settings, ShiftTemplate, Site
from planner.errors import Problem, ProblemLog
from planner.inputs.contract import WEEKDAY_NAMES, TypedTable


def agent_of_row(row: int, r: pd.Series) -> Agent:
    """One typed agents row as an :class:`Agent` (blank restrictions are no restriction)."""
    return Agent(
        name=r["agent"],
        site=r["site"],
        languages=r["languages"],
        channels=r["channels"],
        weekly_hours=None if r["weekly_hours"] is None else float(r["weekly_hours"]),
        hourly_cost=None if r["hourly_cost"] is None else float(r["hourly_cost"]),
        row=row,
        days_off=frozenset(r["days_off"] or ()),
        unavailable=frozenset(r["unavailable"] or ()),
        earliest_start=r["earliest_start"],
        latest_start=r["latest_start"],
        max_nights=None if r["max_nights"] is None else int(r["max_nights"]),
        preferred_days_off=frozenset(r["preferred_days_off"] or ()),
    )


def check_agents(
    table: TypedTable,
    agents: list[Agent],
    settings: Settings,
    shifts: list[ShiftTemplate],
    sites: dict[str, Site],
    horizon: Horizon | None,
    log: ProblemLog,
) -> None:
    """Per agent: days off that leave shifts_per_week days to work, a start window in order, unavailable
    dates inside the horizon, contract hours some template gives in shifts_per_week shifts."""
    raw = {int(r): i for i, r in enumerate(table.frame["row"])}
    for a in agents:
        values = table.frame.iloc[raw[a.row]]

        def bad(column: str, expected: str, agent: Agent = a, cells: pd.Series = values) -> None:
            log.add(Problem.cell(table.file, table.sheet, agent.row, column, _shown(cells[column]), expected))
            table.bad.add(agent.row)

        days_off = _days_off_problem(a, settings)
        if days_off is not None:
            bad("days_off", days_off)
        if a.earliest_start is not None and a.latest_start is not None and a.earliest_start > a.latest_start:
            bad("latest_start", f"a local time not before earliest_start ({a.earliest_start:%H:%M})")
        if horizon is not None and a.site in sites and a.unavailable:
            first, last = local_dates(horizon, sites[a.site].timezone)
            if any(not first <= d <= last for d in a.unavailable):
                bad("unavailable", f"dates inside the horizon, {first:%Y-%m-%d} to {last:%Y-%m-%d} local")
        hours = _contract_problem(a, settings, shifts)
        if hours is not None:
            bad("weekly_hours", hours)


def _shown(value: Any) -> Any:
    """A typed restriction shown as the user would write it."""
    if isinstance(value, tuple) and value and isinstance(value[0], int):
        return ", ".join(WEEKDAY_NAMES[d][:3] for d in value)
    if isinstance(value, tuple):
        return ", ".join(f"{d:%Y-%m-%d}" for d in value)
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return value


def _days_off_problem(agent: Agent, settings: Settings) -> str | None:
    """Days off that contradict shifts_per_week (too many, or not within one run of days off)."""
    rest = 7 - settings.shifts_per_week
    off = agent.days_off
    if len(off) > rest:
        return f"at most {rest} weekdays (7 - shifts_per_week {settings.shifts_per_week})"
    if settings.consecutive_days_off and off and rest < 7:
        runs = [{(start + i) % 7 for i in range(rest)} for start in range(7)]
        if not any(off <= run for run in runs):
            return f"weekdays within {rest} consecutive days (consecutive_days_off: the days off form one run)"
    return None


def _contract_problem(agent: Agent, settings: Settings, shifts: list[ShiftTemplate]) -> str | None:
    """Contract hours no template at the agent's site gives in shifts_per_week shifts, within one shift."""
    if agent.weekly_hours is None or not shifts:
        return None
    spw = settings.shifts_per_week
    longest = max(t.paid_hours for t in shifts)
    here = sorted({t.paid_hours for t in shifts if t.sites is None or agent.site in t.sites})
    if any(agent.contract_allows(spw * h, longest) for h in here):
        return None
    given = ", ".join(f"{spw * h:g}" for h in here) or "none"
    return (
        f"hours that a week of shifts_per_week ({spw}) shifts of one template gives, within {longest:g} h "
        f"(at site {agent.site}: {given})"
    )


def local_dates(horizon: Horizon, timezone: str) -> tuple[dt.date, dt.date]:
    """The first and last local date at a site that the horizon touches."""
    zone = zoneinfo.ZoneInfo(timezone)
    first = horizon.start.astimezone(zone).date()
    last = (horizon.end - dt.timedelta(minutes=1)).astimezone(zone).date()
    return first, last
