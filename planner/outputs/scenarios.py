"""Rendering a scenario sweep: the side-by-side table on the terminal, as JSON, and as a workbook."""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import pandas as pd

from planner.outputs.files import SheetOut, write_workbook
from planner.scenarios.marginal import MARGINAL_PREFIX
from planner.scenarios.result import SweepResult

_MONEY_COLUMNS = ("weekly_cost", "annual_cost", "vs_base_weekly", "vs_base_annual", "solver_gap_per_week")


def side_by_side(result: SweepResult) -> pd.DataFrame:
    """Metrics as rows, one column per scenario (the base first)."""
    table = result.table().set_index("scenario")
    out = table.T
    out.index.name = "metric"
    return out.reset_index()


def _cell(metric: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        if metric in _MONEY_COLUMNS:
            return f"{value:+,.0f}" if metric.startswith("vs_base") else f"{value:,.0f}"
        if metric == "vs_base_pct":
            return f"{value:+.2f} %"
        if metric.startswith("service_level") or metric == "mip_gap":
            return f"{value:.2%}"
        return f"{value:,.2f}"
    return str(value)


def _row(cells: list[str], widths: list[int]) -> str:
    """The first cell left-aligned, the others right-aligned."""
    return "  ".join(x.ljust(w) if i == 0 else x.rjust(w) for i, (x, w) in enumerate(zip(cells, widths, strict=True)))


def scenarios_text(result: SweepResult, output: str | None = None) -> str:
    """The side-by-side table for a terminal; long change and opening texts listed below it."""
    table = side_by_side(result)
    table = table[[c for c in table.columns if not str(c).startswith(MARGINAL_PREFIX)]]
    names = [str(c) for c in table.columns[1:]]
    rows = [r for r in table.itertuples(index=False) if r[0] not in ("changes", "opened")]
    cells = [[str(r[0])] + [_cell(str(r[0]), v) for v in r[1:]] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(["metric", *names], *cells, strict=True)]
    lines = [_row(["metric", *names], widths)] + [_row(r, widths) for r in cells]
    currency = result.base.currency
    lines.append(f"(money in {currency}; a difference smaller than the two solves' gaps is within solver tolerance)")
    lines.append("Scenarios:")
    for o in (o for o in result.outcomes if not o.name.startswith(MARGINAL_PREFIX)):
        lines.append(f"  {o.name}: {o.description}")
        lines.extend(f"    opened: {x.describe(o.currency)}" for x in o.opened)
        if o.roster_path:
            lines.append(f"    roster: {o.roster_path}")
    lines += _marginal_lines(result)
    if output:
        lines.append(f"Wrote {output}")
    return "\n".join(lines)


def _marginal_lines(result: SweepResult) -> list[str]:
    rows = result.table()
    rows = rows[rows["scenario"].str.startswith(MARGINAL_PREFIX)]
    if not len(rows):
        return []
    currency = result.base.currency
    lines = ["Marginal costs (re-solves against the base):"]
    for r in rows.itertuples(index=False):
        note = f" ({r.note})" if r.note else ""
        lines.append(
            f"  {r.scenario[len(MARGINAL_PREFIX) :]}: {r.vs_base_weekly:+,.0f} {currency}/week "
            f"({r.vs_base_annual:+,.0f} a year){note}"
        )
    return lines


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return value.item()
    return value


def scenarios_json(result: SweepResult, output: str | None = None) -> dict[str, Any]:
    """One record per scenario, the table's columns as keys, plus what round-the-clock cover opened."""
    records = []
    for record, o in zip(result.table().to_dict(orient="records"), result.outcomes, strict=True):
        item = {k: _plain(v) for k, v in record.items()}
        item["opened"] = [
            {
                "language": x.language,
                "site": x.site,
                "hires": x.hires,
                "shifts_per_week": x.shifts_per_week,
                "weekly_cost": x.weekly_cost,
                "local_starts": x.local_starts,
            }
            for x in o.opened
        ]
        item["roster"] = o.roster_path
        records.append(item)
    return {"currency": result.base.currency, "scenarios": records, "output": output}


def write_scenarios(result: SweepResult, path: str | os.PathLike[str]) -> Path:
    """An .xlsx workbook: 'scenarios' side by side (metrics as rows) and 'scenario_rows' (one row each)."""
    side = side_by_side(result)
    return write_workbook(
        Path(path),
        [
            SheetOut("scenarios", side, widths={"metric": 30}),
            SheetOut("scenario_rows", result.table()),
        ],
    )
