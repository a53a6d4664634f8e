"""The capacity plan's outputs: workbook or CSV folder (atomic writers), the text summary and the JSON summary."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from planner.capacity.plan import CapacityResult
from planner.outputs.files import SheetOut, write_csv_folder, write_workbook

MONEY = "#,##0"
PEOPLE = "0.0"


def capacity_tables(result: CapacityResult) -> dict[str, pd.DataFrame]:
    """Every output sheet: summary, plan (period x pool), hires, budget by month and year, risk."""
    table = result.table.copy()
    for c in ("start", "end"):
        table[c] = table[c].map(lambda d: d.isoformat())
    return {
        "summary": summary_table(result),
        "plan": table,
        "hires": result.hires,
        "budget_month": result.budget_month,
        "budget_year": result.budget_year,
        "risk": result.risk,
    }


def summary_table(result: CapacityResult) -> pd.DataFrame:
    return pd.DataFrame(list(summary_dict(result).items()), columns=["metric", "value"])


def summary_dict(result: CapacityResult) -> dict[str, Any]:
    """The plan's headline figures, flat (the summary sheet and --json)."""
    out: dict[str, Any] = {
        "input": result.sources[0] if result.sources else None,
        "plan": result.sources[1] if len(result.sources) > 1 else None,
        "currency": result.currency,
        "periods": len(result.periods),
        "first_period": result.periods[0].name if result.periods else None,
        "last_period": result.periods[-1].name if result.periods else None,
        "total_cost": round(result.total_cost, 2),
        "total_hires": result.total_hires,
        "understaffed_person_weeks": round(result.shortfall_person_weeks, 2),
        "understaffing_penalty_per_person_week": round(result.penalty, 2),
    }
    if result.weekly is not None:
        out["weekly_solves"] = result.weekly.solves
        out["weeks_asked"] = result.weekly.periods
        out["weekly_solve_seconds"] = round(result.weekly.seconds, 1)
        out["weekly_time_limit_seconds"] = result.weekly.time_limit
        out["weekly_solves_on_time_limit"] = result.weekly.on_time_limit
    out["horizon_program_seconds"] = round(result.horizon_seconds, 2)
    for case in result.risk_cases:
        tag = f"demand +{case.uplift:.0%}"
        out[f"{tag}: shortfall person-weeks"] = round(case.shortfall_person_weeks, 2)
        out[f"{tag}: shortfall share"] = round(case.shortfall_share, 4)
        out[f"{tag}: peak shortfall people"] = round(case.peak_shortfall, 2)
        out[f"{tag}: peak period"] = case.peak_period
    return out


def write_capacity(result: CapacityResult, path: str | os.PathLike[str], fmt: str = "xlsx") -> Path:
    """Write the plan as one workbook (fmt xlsx) or a folder of CSV files (fmt csv), atomically."""
    tables = capacity_tables(result)
    if fmt == "csv":
        return write_csv_folder(path, tables)
    formats = {
        "plan": {c: MONEY for c in tables["plan"].columns if c.endswith("cost")}
        | {c: PEOPLE for c in ("required", "productive", "headcount", "expected_leavers", "trainees", "overtime")},
        "budget_month": {c: MONEY for c in tables["budget_month"].columns if c.endswith("cost")},
        "budget_year": {c: MONEY for c in tables["budget_year"].columns if c.endswith("cost")},
        "risk": {"required": PEOPLE, "shortfall": PEOPLE},
    }
    highlight = {"plan": "understaffed", "risk": "shortfall"}
    sheets = [
        SheetOut(name, frame, number_formats=formats.get(name, {}), highlight_column=highlight.get(name))
        for name, frame in tables.items()
    ]
    return write_workbook(path, sheets)


def capacity_text(result: CapacityResult, output: str | None) -> str:
    """A readable summary: hiring per pool and period, the budget per year and site, the risk."""
    cur = result.currency
    lines = [
        f"Capacity plan: {len(result.periods)} periods, {result.periods[0].name} to {result.periods[-1].name}; "
        f"{result.total_hires} hires; cost {result.total_cost:,.0f} {cur}",
    ]
    if result.weekly is not None:
        w = result.weekly
        lines.append(
            f"Weekly rosters: {w.solves} distinct weeks solved for {w.periods} period-cases in {w.seconds:.1f} s "
            f"(time limit {w.time_limit:g} s each); horizon program {result.horizon_seconds:.1f} s"
        )
        if w.on_time_limit:
            lines.append(
                f"  {w.on_time_limit} of the {w.solves} weekly rosters ended on their time limit, not their own work"
                " limits: their headcount, and so the hires, may change with a longer weekly_time_limit"
            )
    lines.append("")
    lines.append("Hires starting per period (decided lead time earlier):")
    if len(result.hires):
        grid = result.hires.pivot_table(index="pool", columns="start", values="hires", aggfunc="sum", fill_value=0)
        grid = grid[[p.name for p in result.periods if p.name in grid.columns]]
        lines.append(grid.to_string())
    else:
        lines.append("  none")
    lines.append("")
    lines.append(f"Budget per year and site ({cur}):")
    lines.append(result.budget_year.to_string(index=False, float_format=lambda x: f"{x:,.0f}"))
    short = result.shortfall_person_weeks
    lines.append("")
    lines.append(f"Understaffed: {short:,.1f} person-weeks in the plan")
    for case in result.risk_cases:
        where = f", worst {case.peak_shortfall:,.1f} people in {case.peak_period}" if case.peak_period else ""
        lines.append(
            f"Demand +{case.uplift:.0%}: shortfall {case.shortfall_person_weeks:,.1f} person-weeks "
            f"({case.shortfall_share:.1%} of the requirement){where}"
        )
    if output is not None:
        lines.append(f"Wrote {output}")
    return "\n".join(lines)


def capacity_json(result: CapacityResult, output: str | None) -> dict[str, Any]:
    data = summary_dict(result)
    data["hires"] = result.hires.to_dict("records")
    data["budget_year"] = result.budget_year.round(2).to_dict("records")
    data["output"] = output
    return data


def plan_reference() -> str:
    """The plan workbook's sheets and columns in Markdown, from the contract (docs/capacity.md embeds it)."""
    from planner.capacity.contract import PLAN_SHEETS

    out: list[str] = []
    for sheet in PLAN_SHEETS:
        out += [f"#### `{sheet.name}` ({'required' if sheet.required else 'optional'})", "", sheet.description]
        if sheet.key:
            out.append(f"Key: {', '.join(f'`{k}`' for k in sheet.key)} ({sheet.key_text}).")
        out += ["", "| column | unit | valid values | meaning |", "|---|---|---|---|"]
        for c in sheet.columns:
            cells = (c.unit, c.expected, c.description)
            out.append(f"| `{c.name}` | " + " | ".join(str(x).replace("|", "\\|") for x in cells) + " |")
        out.append("")
    return "\n".join(out)
