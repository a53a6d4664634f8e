"""Human column titles for the workbook's data sheets, and the way back to the stable names that the
CSV files and the JSON keep (``stable_names``)."""

from __future__ import annotations

import pandas as pd

#: stable column name -> the title a workbook reader sees; names not listed read as "Sentence case"
COLUMN_TITLES: dict[str, str] = {
    "interval_start": "Interval start (UTC)",
    "hour_utc": "Hour (UTC)",
    "label": "Day and hour (UTC)",
    "horizon_start_utc": "Horizon start (UTC)",
    "utc_start": "Start (UTC)",
    "utc_end": "End (UTC)",
    "local_date": "Local date",
    "local_start": "Local start",
    "local_end": "Local end",
    "timezone": "Time zone",
    "paid_hours": "Paid hours",
    "cost_per_agent": "Cost per agent",
    "required": "Agents required",
    "required_on_floor": "Agents required on the floor",
    "staffed": "Agents staffed",
    "shortfall": "Shortfall (agents)",
    "service_level": "Service level",
    "target_service_level": "Target service level",
    "asa_seconds": "Average speed of answer (s)",
    "target_minutes": "Target (min)",
    "meets_target": "Meets target",
    "agent_hours": "Agent-hours",
    "weekly_cost": "Weekly cost",
    "monthly_cost": "Monthly cost",
    "annual_cost": "Annual cost",
    "share_of_language_hours": "Share of the language's hours",
    "peak_daily_shifts": "Busiest day's shifts",
    "people_needed": "People needed",
    "extra_hires": "Extra hires",
    "cost_per_contact": "Cost per contact",
    "cost_per_agent_hour": "Cost per agent-hour",
    "agents_scheduled": "Agents scheduled",
    "agents_required": "Agents required on the floor",
    "agents_on_floor": "Agents on the floor",
    "workload_hours": "Workload (hours)",
    "backlog_hours": "Backlog (hours)",
    "abandon_rate": "Abandon rate",
    "contacts_to_agents": "Contacts reaching agents",
}


def title(name: str) -> str:
    """The human title of a stable column name."""
    if name in COLUMN_TITLES:
        return COLUMN_TITLES[name]
    if " " in name.strip():
        return name  # already written for people
    text = name.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def stable_names(frame: pd.DataFrame) -> pd.DataFrame:
    """A data sheet read back from the workbook, with its columns renamed to the stable names."""
    back = {title(c): c for c in COLUMN_TITLES} | {v: k for k, v in COLUMN_TITLES.items()}
    return frame.rename(columns={c: back.get(str(c), _guess(str(c))) for c in frame.columns})


def _guess(text: str) -> str:
    return text.lower().replace(" ", "_")
