"""Headcount after the solve: people per pool - the people on its weekly tours, or without tours from the
chosen shifts (:func:`planner.roster.rules.headcount_for`) - the busiest local day and extra hires."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.domain import Scenario
from planner.roster.options import ShiftOptions
from planner.roster.rules import headcount_for, people_needed


def headcount_table(
    scenario: Scenario,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    people: dict[str, int] | None = None,
) -> pd.DataFrame:
    """One row per pool: shifts, paid hours, headcount, busiest day, people needed and extra hires.

    With tours (``people``: the people on each pool's tours) the headcount is the people on tours,
    who are also the people needed; without, ceil(shifts / shifts_per_week) and the busiest day."""
    h = scenario.horizon
    spw = scenario.settings.shifts_per_week
    tab = options.table.iloc[chosen].assign(agents=agents[chosen])
    rows = []
    for p in scenario.pools.values():
        mine = tab[tab["pool"] == p.name]
        shifts = int(mine["agents"].sum())
        peak = int(mine.groupby("local_day")["agents"].sum().max()) if len(mine) else 0
        if people is not None:
            headcount = need = int(people.get(p.name, 0))
        else:
            headcount = headcount_for(shifts / h.weeks, spw)
            need = int(people_needed(shifts / h.weeks, spw, peak))
        rows.append(
            {
                "pool": p.name,
                "site": p.site,
                "languages": ", ".join(p.languages),
                "channels": "all" if p.channels is None else ", ".join(p.channels),
                "shifts": shifts,
                "paid_hours": float((mine["paid_minutes"] * mine["agents"]).sum() / 60.0),
                "headcount": headcount,
                "peak_daily_shifts": peak,
                "people_needed": need,
                "available": p.available,
                "extra_hires": None if p.available is None else max(0, need - p.available),
            }
        )
    return pd.DataFrame(rows)
