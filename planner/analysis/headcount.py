"""Headcount after the solve: people per pool from the chosen shifts (the rule itself is
:func:`planner.roster.rules.headcount_for`), the busiest local day and extra hires over availability."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.domain import Scenario
from planner.roster.options import ShiftOptions
from planner.roster.rules import headcount_for, people_needed


def headcount_table(scenario: Scenario, options: ShiftOptions, chosen: np.ndarray, agents: np.ndarray) -> pd.DataFrame:
    """One row per pool: shifts, paid hours, headcount, busiest day, people needed and extra hires."""
    h = scenario.horizon
    spw = scenario.settings.shifts_per_week
    tab = options.table.iloc[chosen].assign(agents=agents[chosen])
    rows = []
    for p in scenario.pools.values():
        mine = tab[tab["pool"] == p.name]
        shifts = int(mine["agents"].sum())
        headcount = headcount_for(shifts / h.weeks, spw)
        peak = int(mine.groupby("local_day")["agents"].sum().max()) if len(mine) else 0
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
