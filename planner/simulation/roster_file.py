"""Read a roster workbook written by ``planner roster`` (its shifts and coverage sheets) for simulation.

The file goes through the project's bounded reader (:func:`planner.inputs.read.read_book`), so a
hostile or broken file gives located problems, never a crash; every problem is reported at once.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from planner.analysis.activities import parse_queues
from planner.domain import Scenario
from planner.errors import InputError, Problem
from planner.inputs.read import RawTable, normalize_name, read_book
from planner.outputs.titles import title
from planner.simulation.floor import as_datetime
from planner.simulation.plan_tables import FloorParts, floor_parts

SHIFT_COLUMNS = ("pool", "shift", "utc_start", "utc_end", "agents")
#: Most agent-shifts a roster may hold (each one is simulated as a person).
MAX_AGENT_SHIFTS = 2_000_000
#: The floor-plan sheets the simulation reads, with each column's kind of value.
PLAN_COLUMNS: dict[str, dict[str, str]] = {
    "activities": {"pool": "pool", "interval_start": "time", "kind": "text", "queues": "queues", "on_floor": "whole"},
    "routing": {"pool": "pool", "rank": "whole", "kind": "text", "queues": "queues"},
    "breaks": {
        "pool": "pool",
        "shift": "text",
        "shift_utc_start": "time",
        "minutes_after_start": "whole",
        "break_minutes": "whole",
        "agents": "whole",
    },
}
COVERAGE_COLUMNS = ("interval_start", "language", "channel", "tier", "staffed", "service_level")


@dataclass(frozen=True)
class RosterFile:
    """The parts of a roster workbook the simulation uses."""

    shifts: pd.DataFrame  # pool, shift, utc_start, utc_end (aware UTC), agents
    coverage: pd.DataFrame | None  # interval, language, channel, tier, staffed, service_level
    parts: FloorParts = field(default_factory=FloorParts)  # activities, routing and breaks sheets


def read_roster_file(path: str | os.PathLike[str], scenario: Scenario) -> RosterFile:
    """The shifts (and, when present, coverage) of a roster workbook or CSV folder, checked
    against the scenario it was planned for."""
    book = read_book(path)
    problems = [p for p in book.problems if p.severity.value == "error"]
    table = book.tables.get("shifts")
    if table is None:
        raise InputError(book.file, [Problem(book.file, "no 'shifts' sheet", expected="a roster written by planner")])
    shifts = _shifts(table, scenario, problems)
    total = int(shifts["agents"].fillna(0).sum()) if len(shifts) else 0
    if total > MAX_AGENT_SHIFTS:
        problems.append(
            Problem(
                book.file,
                f"{total:,} agent-shifts in all",
                sheet=table.sheet,
                column="agents",
                expected=f"at most {MAX_AGENT_SHIFTS:,}",
            )
        )
    cover_table = book.tables.get("coverage")
    coverage = _coverage(cover_table, scenario, problems) if cover_table is not None else None
    plan = {
        name: _plan_table(book.tables[name], columns, scenario, problems)
        for name, columns in PLAN_COLUMNS.items()
        if name in book.tables
    }
    if plan.get("breaks") is not None:
        _check_breaks(book.tables["breaks"], plan["breaks"], scenario, problems)
    if problems:
        raise InputError(book.file, problems)
    parts = floor_parts(scenario.horizon, plan.get("activities"), plan.get("routing"), plan.get("breaks"))
    return RosterFile(shifts, coverage, parts)


def _columns(table: RawTable, wanted: tuple[str, ...], problems: list[Problem]) -> dict[str, int] | None:
    """Column positions by stable name; a workbook's human titles (see planner.outputs.titles) count too."""
    index = {normalize_name(h): i for i, h in enumerate(table.headers)}
    for c in wanted:
        shown = normalize_name(title(c))
        if normalize_name(c) not in index and shown in index:
            index[normalize_name(c)] = index[shown]
    missing = [c for c in wanted if normalize_name(c) not in index]
    if missing:
        problems.append(
            Problem(
                table.file, f"missing column(s) {', '.join(missing)}", sheet=table.sheet, expected="a planner roster"
            )
        )
        return None
    return {c: index[normalize_name(c)] for c in wanted}


def _shifts(table: RawTable, scenario: Scenario, problems: list[Problem]) -> pd.DataFrame:
    cols = _columns(table, SHIFT_COLUMNS, problems)
    rows: list[dict[str, Any]] = []
    if cols is None:
        return pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))
    templates = {t.name for t in scenario.shifts}
    for row_no, values in table.rows:

        def bad(column: str, value: Any, expected: str, row_no: int = row_no) -> None:
            shown = str(table.headers[cols[column]])  # the column as the file names it
            problems.append(Problem.cell(table.file, table.sheet, row_no, shown, value, expected))

        pool, shift = values[cols["pool"]], values[cols["shift"]]
        start, end = as_datetime(values[cols["utc_start"]]), as_datetime(values[cols["utc_end"]])
        agents = _whole(values[cols["agents"]])
        if str(pool) not in scenario.pools:
            bad("pool", pool, "a pool of the input workbook")
        if str(shift) not in templates:
            bad("shift", shift, "a shift template of the input workbook")
        if start is None:
            bad("utc_start", values[cols["utc_start"]], "a date-time")
        if (
            end is None
            or (start is not None and end <= start)
            or (start is not None and end - start > dt.timedelta(days=2))
        ):
            bad("utc_end", values[cols["utc_end"]], "a date-time after utc_start, at most 2 days later")
        if agents is None:
            bad("agents", values[cols["agents"]], "a whole number >= 0")
        rows.append({"pool": str(pool), "shift": str(shift), "utc_start": start, "utc_end": end, "agents": agents})
    return pd.DataFrame(rows, columns=list(SHIFT_COLUMNS))


def _numeric(value: Any) -> float | None:
    """A number from a cell (CSV cells are text), else None."""
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _whole(value: Any) -> int | None:
    value = _numeric(value)
    if value is None:
        return None
    if not math.isfinite(value) or value < 0 or value != int(value) or value > 1_000_000:
        return None
    return int(value)


def _coverage(table: RawTable, scenario: Scenario, problems: list[Problem]) -> pd.DataFrame | None:
    cols = _columns(table, COVERAGE_COLUMNS, problems)
    if cols is None:
        return None
    h = scenario.horizon
    start = h.start.replace(tzinfo=None)
    rows = []
    for row_no, values in table.rows:
        when = as_datetime(values[cols["interval_start"]])
        staffed, level = values[cols["staffed"]], values[cols["service_level"]]
        interval = None
        if when is not None:
            minutes = (when.replace(tzinfo=None) - start).total_seconds() / 60.0
            k = minutes / h.interval_minutes
            interval = int(k) if k == int(k) and 0 <= k < h.n_intervals else None
        if interval is None:
            problems.append(
                Problem.cell(
                    table.file,
                    table.sheet,
                    row_no,
                    "interval_start",
                    values[cols["interval_start"]],
                    "an interval start",
                )
            )
            continue
        numbers = {"staffed": _numeric(staffed), "service_level": _numeric(level)}
        bad = [c for c, v in numbers.items() if v is None or not math.isfinite(v) or v < -1e-6]  # solver round-off
        for c in bad:
            problems.append(Problem.cell(table.file, table.sheet, row_no, c, values[cols[c]], "a number >= 0"))
        if bad:
            continue
        key = tuple(str(values[cols[c]]) for c in ("language", "channel", "tier"))
        rows.append(
            (interval, *key, max(0.0, numbers["staffed"] or 0.0), min(1.0, max(0.0, numbers["service_level"] or 0.0)))
        )
    return pd.DataFrame(rows, columns=["interval", "language", "channel", "tier", "staffed", "service_level"])


def _check_breaks(table: RawTable, breaks: pd.DataFrame, scenario: Scenario, problems: list[Problem]) -> None:
    """Each break of the breaks sheet belongs to a shift template of the input workbook and lies within
    its shift: it ends by the shift's end (rows with a bad cell are already reported)."""
    cols = _columns(table, ("shift", "minutes_after_start"), [])
    if cols is None:
        return
    lengths = {t.name: t.length_minutes for t in scenario.shifts}
    for (row_no, values), r in zip(table.rows, breaks.itertuples(index=False), strict=True):
        if r.shift is None or r.minutes_after_start is None or r.break_minutes is None:
            continue
        if r.shift not in lengths:
            shown = str(table.headers[cols["shift"]])
            expected = "a shift template of the input workbook (" + ", ".join(sorted(lengths)) + ")"
            problems.append(Problem.cell(table.file, table.sheet, row_no, shown, values[cols["shift"]], expected))
        elif r.minutes_after_start + r.break_minutes > lengths[r.shift]:
            shown = str(table.headers[cols["minutes_after_start"]])
            last = lengths[r.shift] - r.break_minutes
            expected = f"a break start within the shift: at most {last} minutes ({r.shift} lasts {lengths[r.shift]})"
            raw = values[cols["minutes_after_start"]]
            problems.append(Problem.cell(table.file, table.sheet, row_no, shown, raw, expected))


def _plan_table(
    table: RawTable, columns: dict[str, str], scenario: Scenario, problems: list[Problem]
) -> pd.DataFrame | None:
    """A floor-plan sheet with each cell checked (pools of the scenario, date-times, whole numbers,
    queues written as 'language/channel/tier; ...')."""
    cols = _columns(table, tuple(columns), problems)
    if cols is None:
        return None
    expected = {
        "pool": "a pool of the input workbook",
        "time": "a date-time",
        "whole": "a whole number >= 0",
        "queues": "queues as language/channel/tier separated by ';'",
        "text": "text",
    }
    rows = []
    for row_no, values in table.rows:
        row: dict[str, Any] = {}
        for column, kind in columns.items():
            raw = values[cols[column]]
            value: Any = {
                "pool": lambda v: str(v) if str(v) in scenario.pools else None,
                "time": as_datetime,
                "whole": _whole,
                "queues": lambda v: str(v) if parse_queues(str(v)) else None,
                "text": lambda v: None if v is None else str(v),
            }[kind](raw)
            if value is None:
                shown = str(table.headers[cols[column]])  # the column as the file names it
                problems.append(Problem.cell(table.file, table.sheet, row_no, shown, raw, expected[kind]))
            row[column] = value
        rows.append(row)
    return pd.DataFrame(rows, columns=list(columns))
