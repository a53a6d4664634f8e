"""Write requirements and rosters as Excel workbooks or CSV folders (atomically, escaped).

Date-times in outputs are UTC (Excel has no time zones) unless the column says local.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from planner.analysis.person_activities import person_activities
from planner.analysis.weeks import agents_table, schedule_table
from planner.errors import OutputError
from planner.outputs.files import SheetOut, write_csv, write_csv_folder, write_workbook
from planner.requirements import OUTPUT_COLUMNS, Requirements
from planner.roster.plan import RosterResult

DATETIME = "yyyy-mm-dd hh:mm"
MONEY = "#,##0.00"
AGENTS = "0.00"
SHARE = "0.0%"
HOURS = "#,##0.0"


def _kind(path: Path, fmt: str | None) -> str:
    if fmt:
        return fmt
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        return "csv"
    if suffix == "" or path.is_dir():
        return "csv-folder"
    raise OutputError(f"cannot tell the output format of {path}: use a .xlsx or .csv name, or give the format")


def requirements_frame(req: Requirements) -> pd.DataFrame:
    t = req.table
    extra = [c for c in t.columns if c not in OUTPUT_COLUMNS]
    return t[OUTPUT_COLUMNS + extra]


def write_requirements(req: Requirements, path: str | os.PathLike[str]) -> Path:
    """FILE.csv: the requirements table; FILE.xlsx: requirements and summary sheets."""
    p = Path(path)
    kind = _kind(p, None)
    frame = requirements_frame(req)
    if kind == "csv":
        return write_csv(p, frame)
    if kind != "xlsx":
        raise OutputError(f"requirements are written to a .csv or .xlsx file, not {p}")
    formats = {
        "interval_start": DATETIME,
        "agents_scheduled": AGENTS,
        "service_level": SHARE,
        "occupancy": SHARE,
        "abandon_rate": SHARE,
        "asa_seconds": "0.0",
        "workload_hours": HOURS,
        "agents_on_floor": AGENTS,
        "contacts": "0.0",
        "contacts_to_agents": "0.0",
        "target_service_level": SHARE,
        "backlog_hours": HOURS,
    }
    summary = req.summary()
    return write_workbook(
        p,
        [
            SheetOut("requirements", frame, number_formats=formats),
            SheetOut(
                "summary",
                summary,
                number_formats={c: HOURS for c in summary.columns if c not in ("language", "channel", "kind")},
            ),
            SheetOut("backlog_age", req.backlog_age_by_day(), number_formats={"day": "yyyy-mm-dd"}),
        ],
    )


def roster_tables(result: RosterResult) -> dict[str, pd.DataFrame]:
    cov = result.coverage.drop(columns=["interval"])
    return {
        "summary": result.summary_table(),
        "shifts": result.shifts,
        "coverage": cov,
        "cost": result.cost,
        "gaps": result.gaps,
        "headcount": result.headcount,
        "language_sites": result.language_sites,
        **floor_plan_tables(result),
    } | tour_tables(result)


def tour_tables(result: RosterResult) -> dict[str, pd.DataFrame]:
    """The people's weeks: the agents table and the schedule grid (none without tours)."""
    if not result.tour_groups:
        return {}
    weeks = result.scenario.horizon.weeks
    return {"agents": agents_table(result.tour_groups), "schedule": schedule_table(result.tour_groups, weeks)}


def tour_sheets(tables: dict[str, pd.DataFrame]) -> list[SheetOut]:
    """The agents sheet and the schedule grid (frozen on the names, printed landscape to the page width)."""
    out = []
    if "agents" in tables:
        money = {"cost_per_person": MONEY, "cost": MONEY, "paid_hours": HOURS}
        out.append(SheetOut("agents", tables["agents"], number_formats=money, widths={"agent": 28}))
    if "schedule" in tables:
        widths = {c: 12.0 for c in tables["schedule"].columns[4:]} | {"agent": 28}
        out.append(SheetOut("schedule", tables["schedule"], widths=widths, freeze="E2", landscape=True))
    return out


def floor_plan_tables(result: RosterResult) -> dict[str, pd.DataFrame]:
    """The floor-plan sheets (activity plan, routing guidance, break schedule, live targets whole agents
    cannot keep), when the roster has them."""
    plan = result.floor
    if plan is None:
        return {}
    people = person_activities(result.scenario, plan.activities, plan.breaks, result.tour_groups, result.shifts)
    out = {"activities": plan.activities, "routing": plan.routing, "breaks": plan.breaks, "activity_gaps": plan.unkept}
    out["person_activities"] = people.blocks
    if len(people.grid):
        out["activity_schedule"] = people.grid
    return out


def default_output_path(kind: str, fmt: str) -> Path:
    """Where a command's result goes when no path is given: ``outputs/<kind>.xlsx``, or the folder
    ``outputs/<kind>`` of CSV files."""
    return Path(f"outputs/{kind}.xlsx" if fmt == "xlsx" else f"outputs/{kind}")


def write_roster(
    result: RosterResult, path: str | os.PathLike[str], fmt: str | None = None, gap_prices: pd.DataFrame | None = None
) -> Path:
    """Write the roster: an .xlsx workbook, or (``fmt='csv'``) one CSV file per sheet in a folder; with
    ``gap_prices`` (:meth:`planner.scenarios.gaps.GapPricing.table`) a `gap_prices` sheet too."""
    p = Path(path)
    kind = _kind(p, fmt)
    tables = roster_tables(result)
    if gap_prices is not None:
        tables["gap_prices"] = gap_prices
    if kind in ("csv", "csv-folder"):
        if p.suffix.lower() == ".csv":
            raise OutputError(f"a roster has several tables: give a folder for CSV output, not {p}")
        return write_csv_folder(p, tables)
    if kind != "xlsx":
        raise OutputError(f"unknown output format {kind!r}")
    from planner.outputs.report import write_roster_workbook

    return write_roster_workbook(result, p, _roster_sheets(tables))


def _roster_sheets(tables: dict[str, pd.DataFrame]) -> list[SheetOut]:
    """The roster workbook's sheets with their number formats, widths and highlights."""
    summary = tables["summary"].copy()
    summary["value"] = summary["value"].map(lambda v: "" if v is None else v)
    return _main_sheets(tables, summary) + _gap_price_sheets(tables) + _floor_sheets(tables) + tour_sheets(tables)


def _gap_price_sheets(tables: dict[str, pd.DataFrame]) -> list[SheetOut]:
    """The `gap_prices` sheet (one row per gap block) when the gaps were priced."""
    if "gap_prices" not in tables:
        return []
    money = {c: MONEY for c in ("weekly_price", "annual_price", "raw_difference", "solver_tolerance")}
    money |= {"language_weekly_price": MONEY, "language_annual_price": MONEY}
    hours = {"hours": HOURS, "agent_hours_short": HOURS, "still_short_in_block": HOURS}
    return [SheetOut("gap_prices", tables["gap_prices"], number_formats=money | hours, widths={"how": 90})]


def _floor_sheets(tables: dict[str, pd.DataFrame]) -> list[SheetOut]:
    """The activities, routing, breaks and activity_gaps sheets (when present)."""
    formats = {
        "activities": {"interval_start": DATETIME, "planned": AGENTS},
        "routing": {"planned_agent_hours": HOURS},
        "breaks": {"shift_utc_start": DATETIME, "break_utc_start": DATETIME, "break_utc_end": DATETIME},
        "activity_gaps": {"interval_start": DATETIME, "required_on_floor": AGENTS},
        "person_activities": {"utc_start": DATETIME, "utc_end": DATETIME},
    }
    out = [SheetOut(name, tables[name], number_formats=fmt) for name, fmt in formats.items() if name in tables]
    if "activity_schedule" in tables:
        widths = {c: 60.0 for c in tables["activity_schedule"].columns[3:]} | {"agent": 28}
        out.append(
            SheetOut("activity_schedule", tables["activity_schedule"], widths=widths, freeze="D2", landscape=True)
        )
    return out


def _main_sheets(tables: dict[str, pd.DataFrame], summary: pd.DataFrame) -> list[SheetOut]:
    return [
        SheetOut("summary", summary, widths={"metric": 42, "value": 40}),
        SheetOut(
            "shifts",
            tables["shifts"],
            number_formats={
                "utc_start": DATETIME,
                "utc_end": DATETIME,
                "local_date": "yyyy-mm-dd",
                "cost": MONEY,
                "cost_per_agent": MONEY,
                "paid_hours": "0.0",
            },
        ),
        SheetOut(
            "coverage",
            tables["coverage"],
            highlight_column="shortfall",
            number_formats={
                "interval_start": DATETIME,
                "contacts": "0.0",
                "required": AGENTS,
                "required_on_floor": "0",
                "staffed": AGENTS,
                "shortfall": AGENTS,
                "service_level": SHARE,
                "target_service_level": SHARE,
                "asa_seconds": "0.0",
            },
        ),
        SheetOut(
            "cost", tables["cost"], number_formats={"agent_hours": HOURS, "weekly_cost": MONEY, "annual_cost": MONEY}
        ),
        SheetOut(
            "gaps",
            tables["gaps"],
            highlight_column="shortfall",
            widths={"reason": 90},
            number_formats={
                "interval_start": DATETIME,
                "contacts": "0.0",
                "required": AGENTS,
                "staffed": AGENTS,
                "shortfall": AGENTS,
            },
        ),
        SheetOut("headcount", tables["headcount"], number_formats={"paid_hours": HOURS}),
        SheetOut(
            "language_sites",
            tables["language_sites"],
            number_formats={
                "agent_hours": HOURS,
                "weekly_cost": MONEY,
                "annual_cost": MONEY,
                "share_of_language_hours": SHARE,
            },
        ),
    ]
