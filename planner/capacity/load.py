"""Load and validate a capacity plan workbook (or CSV folder) against the input scenario.

Cells are typed by the shared contract machinery; the checks here span rows and sheets: periods
back to back, ramp curves, lead times within the horizon, pools, sites, periods and languages that exist.
Every problem is collected and raised together as one :class:`~planner.errors.InputError`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from planner.capacity.contract import (
    PLAN_SHEETS,
    SHRINKAGE_CATEGORIES,
    WORKFORCE,
    WORKFORCE_PARAMETERS,
)
from planner.capacity.model import SitePolicy
from planner.capacity.weeks import DEFAULT_WEEKLY_TIME_LIMIT
from planner.domain import Scenario
from planner.errors import Problem, ProblemLog
from planner.inputs.contract import Kind, ParseError, TypedTable, parse_cell, type_sheets
from planner.inputs.read import RawBook, normalize_name, read_book

#: Longest plan accepted, in weeks (two years).
MAX_HORIZON_WEEKS = 104
WEEKS_PER_MONTH = 52.0 / 12.0


@dataclass(frozen=True)
class Period:
    """One period of the horizon and its demand drivers."""

    name: str
    start: dt.date
    end: dt.date  # inclusive
    volume_index: float = 1.0
    handle_time_index: float = 1.0
    shrinkage: float = 0.3

    @property
    def weeks(self) -> float:
        return ((self.end - self.start).days + 1) / 7.0


@dataclass(frozen=True)
class Driver:
    """A `drivers` row: a volume index or absolute weekly contacts for a language (and channel)."""

    period: str
    language: str
    channel: str | None
    volume_index: float | None
    weekly_contacts: float | None


@dataclass(frozen=True)
class PoolWorkforce:
    """One pool's people today and how its workforce changes."""

    pool: str
    site: str
    people: int
    weekly_keep: float  # share of people still employed after one week
    lead_time_weeks: float = 0.0
    training_weeks: int = 0
    ramp: tuple[float, ...] = (1.0,)
    classes_per_period: int | None = None
    class_size: int | None = None
    cost_per_hire: float = 0.0
    trainee_cost: float = 0.0
    weekly_salary: float = 0.0

    @property
    def max_starts(self) -> int | None:
        if self.classes_per_period is None or self.class_size is None:
            return None
        return self.classes_per_period * self.class_size

    def attrition(self, weeks: float) -> float:
        """Share leaving over a period of that many weeks."""
        return 1.0 - self.weekly_keep**weeks


@dataclass(frozen=True)
class PlanSettings:
    """The plan's own settings."""

    weekly_time_limit: float = DEFAULT_WEEKLY_TIME_LIMIT
    understaffing_penalty: float | None = None  # None: 10 x the highest weekly salary
    risk_uplifts: tuple[float, ...] = (0.10, 0.20)


@dataclass(frozen=True)
class CapacityPlan:
    """A validated capacity plan workbook."""

    source: str
    periods: tuple[Period, ...]
    drivers: tuple[Driver, ...]
    workforce: dict[str, PoolWorkforce]
    policies: dict[tuple[str, int], SitePolicy] = field(default_factory=dict)
    settings: PlanSettings = field(default_factory=PlanSettings)
    warnings: tuple[str, ...] = ()

    @property
    def weeks(self) -> float:
        return sum(p.weeks for p in self.periods)


def load_plan(path: str | os.PathLike[str], scenario: Scenario) -> CapacityPlan:
    """Read and validate a plan workbook or CSV folder; InputError lists every problem found."""
    return build_plan(read_book(path), scenario)


def build_plan(book: RawBook, scenario: Scenario) -> CapacityPlan:
    log = ProblemLog()
    log.extend(book.problems)
    tables = _typed_tables(book, log)
    periods = _periods(tables.get("periods"), scenario, log)
    names = {p.name: i for i, p in enumerate(periods)}
    drivers = _drivers(tables.get("drivers"), names, scenario, log)
    horizon = ((periods[-1].end - periods[0].start).days + 1) / 7.0 if periods else float("inf")
    workforce = _workforce(tables.get("workforce"), scenario, horizon, log)
    policies = _policies(tables.get("policies"), scenario, names, log)
    settings = _settings(tables.get("settings"), log)
    order = {s.name: i for i, s in enumerate(PLAN_SHEETS)}
    log.problems.sort(key=lambda p: (p.sheet is not None, order.get(normalize_name(p.sheet or ""), 99), p.row or 0))
    log.raise_if_errors(book.file)
    return CapacityPlan(
        source=book.file,
        periods=tuple(periods),
        drivers=tuple(drivers),
        workforce=workforce,
        policies=policies,
        settings=settings,
        warnings=tuple(p.describe() for p in log.warnings),
    )


def _typed_tables(book: RawBook, log: ProblemLog) -> dict[str, TypedTable]:
    return type_sheets(book, PLAN_SHEETS, log, ignored=frozenset({"about"}))


def _rows(table: TypedTable | None) -> list[dict[str, Any]]:
    """The rows without cell errors, as dicts with their spreadsheet row number under 'row'."""
    if table is None:
        return []
    return [r for r in table.frame.to_dict("records") if int(r["row"]) not in table.bad]


def _cell(table: TypedTable, row: int, column: str, value: Any, expected: str) -> Problem:
    table.bad.add(row)
    return Problem.cell(table.file, table.sheet, row, column, value, expected)


# --------------------------------------------------------------------------- periods


def _periods(table: TypedTable | None, scenario: Scenario, log: ProblemLog) -> list[Period]:
    out: list[Period] = []
    if table is None:
        return out
    previous: tuple[Period, int] | None = None
    for r in _rows(table):
        row = int(r["row"])
        start, end = r["start"].date(), r["end"].date()
        if end < start:
            log.add(_cell(table, row, "end", r["end"].date(), f"a date on or after start ({start.isoformat()})"))
            continue
        shrinkage = _shrinkage(table, r, scenario, log)
        if shrinkage is None:
            continue
        period = Period(str(r["period"]), start, end, r["volume_index"], r["handle_time_index"], shrinkage)
        if previous is not None:
            _check_contiguous(table, previous, period, row, log)
        previous = (period, row)
        out.append(period)
    total = sum(p.weeks for p in out)
    if total > MAX_HORIZON_WEEKS:
        log.add(
            Problem(
                table.file,
                f"the periods span {total:.1f} weeks",
                sheet=table.sheet,
                expected=f"a horizon of at most {MAX_HORIZON_WEEKS} weeks",
            )
        )
    return out


def _check_contiguous(
    table: TypedTable, previous: tuple[Period, int], period: Period, row: int, log: ProblemLog
) -> None:
    prev, prev_row = previous
    follows = prev.end + dt.timedelta(days=1)
    if period.start == follows:
        return
    what = "overlaps" if period.start < follows else "leaves a hole after"
    log.add(
        Problem(
            table.file,
            f"got {period.start.isoformat()}; the period {what} period '{prev.name}' (row {prev_row}, "
            f"ending {prev.end.isoformat()})",
            sheet=table.sheet,
            row=row,
            column="start",
            expected=f"{follows.isoformat()}, the day after the previous period ends",
        )
    )


def _shrinkage(table: TypedTable, r: dict[str, Any], scenario: Scenario, log: ProblemLog) -> float | None:
    row = int(r["row"])
    parts = [float(r[c]) for c in SHRINKAGE_CATEGORIES if r[c] is not None]
    total = sum(parts)
    if r["shrinkage"] is not None:
        if parts and abs(total - r["shrinkage"]) > 1e-6:
            log.add(
                _cell(table, row, "shrinkage", r["shrinkage"], f"the sum of the shrinkage_* categories ({total:g})")
            )
            return None
        return float(r["shrinkage"])
    if not parts:
        return scenario.settings.shrinkage
    if total >= 1:
        log.add(
            _cell(
                table,
                row,
                SHRINKAGE_CATEGORIES[0],
                r[SHRINKAGE_CATEGORIES[0]],
                f"shrinkage categories adding up to less than 1 (they add up to {total:g})",
            )
        )
        return None
    return total


def _drivers(table: TypedTable | None, periods: dict[str, int], scenario: Scenario, log: ProblemLog) -> list[Driver]:
    out: list[Driver] = []
    if table is None:
        return out
    languages = sorted(scenario.demand["language"].unique())
    pairs = set(zip(scenario.demand["language"], scenario.demand["channel"], strict=True))
    for r in _rows(table):
        row = int(r["row"])
        problems = []
        if periods and r["period"] not in periods:
            problems.append(("period", r["period"], "a period of the periods sheet (" + _some(periods) + ")"))
        if r["language"] not in languages:
            problems.append(
                ("language", r["language"], "a language of the input's demand (" + ", ".join(languages) + ")")
            )
        elif r["channel"] is not None and (r["language"], r["channel"]) not in pairs:
            chans = sorted(c for lang, c in pairs if lang == r["language"])
            problems.append(
                ("channel", r["channel"], f"blank or a channel with {r['language']} demand ({', '.join(chans)})")
            )
        if (r["volume_index"] is None) == (r["weekly_contacts"] is None):
            problems.append(
                ("volume_index", r["volume_index"], "either volume_index or weekly_contacts (one of the two)")
            )
        for column, value, expected in problems:
            log.add(_cell(table, row, column, value, expected))
        if not problems:
            out.append(Driver(r["period"], r["language"], r["channel"], r["volume_index"], r["weekly_contacts"]))
    return out


def _some(names: dict[str, int]) -> str:
    shown = list(names)[:4]
    return ", ".join(shown) + (" ..." if len(names) > 4 else "")


# --------------------------------------------------------------------------- workforce


def _workforce(
    table: TypedTable | None, scenario: Scenario, horizon: float, log: ProblemLog
) -> dict[str, PoolWorkforce]:
    """Each input pool's workforce: its own row, else its site's row, else defaults."""
    site_rows: dict[str, dict[str, Any]] = {}
    pool_rows: dict[str, dict[str, Any]] = {}
    for r in _rows(table):
        if not _known_names(table, r, scenario, horizon, log):
            continue
        if r["pool"] is None:
            site_rows[r["site"]] = r
        else:
            pool_rows[r["pool"]] = r
    out: dict[str, PoolWorkforce] = {}
    broken = set() if table is None else set(table.frame.loc[table.frame["row"].isin(table.bad), "pool"])
    for name, pool in scenario.pools.items():
        if name in broken:  # its row has an error already reported
            continue
        merged = {c: None for c in WORKFORCE_PARAMETERS}
        for source in (site_rows.get(pool.site), pool_rows.get(name)):
            for c in WORKFORCE_PARAMETERS:
                if source is not None and source[c] is not None:
                    merged[c] = source[c]
        row = pool_rows.get(name) or site_rows.get(pool.site)
        made = _pool_workforce(table, scenario, name, merged, row, log)
        if made is not None:
            out[name] = made
    return out


def _known_names(
    table: TypedTable | None, r: dict[str, Any], scenario: Scenario, horizon: float, log: ProblemLog
) -> bool:
    assert table is not None
    row = int(r["row"])
    ok = True
    pool = scenario.pools.get(r["pool"]) if r["pool"] is not None else None
    if r["pool"] is not None and pool is None:
        log.add(
            _cell(
                table, row, "pool", r["pool"], "a pool of the input's pools sheet (" + ", ".join(scenario.pools) + ")"
            )
        )
        ok = False
    if r["site"] is not None and r["site"] not in scenario.sites:
        log.add(
            _cell(
                table, row, "site", r["site"], "a site of the input's sites sheet (" + ", ".join(scenario.sites) + ")"
            )
        )
        ok = False
    elif pool is not None and r["site"] is not None and r["site"] != pool.site:
        log.add(_cell(table, row, "site", r["site"], f"blank or the pool's site ({pool.site})"))
        ok = False
    elif r["pool"] is None and r["site"] is None:
        log.add(_cell(table, row, "pool", None, "a pool, or a site in the site column"))
        ok = False
    if r["lead_time_weeks"] is not None and r["lead_time_weeks"] > horizon:
        log.add(
            _cell(
                table,
                row,
                "lead_time_weeks",
                r["lead_time_weeks"],
                f"at most the horizon ({round(horizon, 1):g} weeks)",
            )
        )
        ok = False
    if r["ramp"] is not None and _ramp(r["ramp"]) is None:
        log.add(_cell(table, row, "ramp", r["ramp"], WORKFORCE.column("ramp").expected))
        ok = False
    if r["monthly_attrition"] is not None and r["annual_attrition"] is not None:
        log.add(_cell(table, row, "annual_attrition", r["annual_attrition"], "blank when monthly_attrition is given"))
        ok = False
    return ok


def _ramp(text: Any) -> tuple[float, ...] | None:
    """'0.25, 50%, 1' as shares; None unless every value lies in [0, 1] and the last is 1."""
    values = []
    for item in re.split(r"[,;\s]+", str(text).strip()):
        if not item:
            continue
        try:
            values.append(float(parse_cell(Kind.SHARE, item)))
        except ParseError:
            return None
    if not values or any(not 0 <= v <= 1 for v in values) or not math.isclose(values[-1], 1.0):
        return None
    return tuple(values)


def _pool_workforce(
    table: TypedTable | None,
    scenario: Scenario,
    name: str,
    v: dict[str, Any],
    row: dict[str, Any] | None,
    log: ProblemLog,
) -> PoolWorkforce | None:
    pool = scenario.pools[name]
    people = v["people"] if v["people"] is not None else pool.available
    if people is None:
        file = table.file if table is not None else scenario.source
        log.add(
            Problem(
                file,
                f"pool '{name}' has no people today",
                sheet=table.sheet if table is not None else "workforce",
                row=None if row is None else int(row["row"]),
                column="people",
                expected="a people count in the workforce sheet, or an available count for the pool in the input",
            )
        )
        return None
    if v["annual_attrition"] is not None:
        keep = (1.0 - v["annual_attrition"]) ** (1.0 / 52.0)
    else:
        keep = (1.0 - (v["monthly_attrition"] or 0.0)) ** (1.0 / WEEKS_PER_MONTH)
    return PoolWorkforce(
        pool=name,
        site=pool.site,
        people=int(people),
        weekly_keep=keep,
        lead_time_weeks=float(v["lead_time_weeks"] or 0.0),
        training_weeks=int(v["training_weeks"] or 0),
        ramp=(_ramp(v["ramp"]) if v["ramp"] is not None else None) or (1.0,),
        classes_per_period=v["classes_per_period"],
        class_size=v["class_size"],
        cost_per_hire=float(v["cost_per_hire"] or 0.0),
        trainee_cost=float(v["trainee_cost"] or 0.0),
        weekly_salary=float(v["weekly_salary"]) if v["weekly_salary"] is not None else default_salary(scenario, name),
    )


def default_salary(scenario: Scenario, pool_name: str) -> float:
    """Hourly cost x shifts per week x paid hours of the longest shift allowed at the pool's site."""
    pool = scenario.pools[pool_name]
    hours = max((s.paid_hours for s in scenario.shifts if s.allowed_at(pool.site)), default=8.0)
    return scenario.pool_hourly_cost(pool) * scenario.settings.shifts_per_week * hours


# --------------------------------------------------------------------------- policies and settings

_POLICY_FIELDS = ("min_hires", "max_hires", "min_headcount", "overtime_share", "overtime_premium", "transfers")


def _policies(
    table: TypedTable | None, scenario: Scenario, periods: dict[str, int], log: ProblemLog
) -> dict[tuple[str, int], SitePolicy]:
    """Per site and period, each field from the most specific row that sets it."""
    rows = []
    for r in _rows(table):
        assert table is not None
        row = int(r["row"])
        if r["site"] is not None and r["site"] not in scenario.sites:
            log.add(
                _cell(table, row, "site", r["site"], "blank or a site of the input (" + ", ".join(scenario.sites) + ")")
            )
        elif r["period"] is not None and periods and r["period"] not in periods:
            log.add(
                _cell(
                    table, row, "period", r["period"], "blank or a period of the periods sheet (" + _some(periods) + ")"
                )
            )
        elif r["min_hires"] is not None and r["max_hires"] is not None and r["min_hires"] > r["max_hires"]:
            log.add(_cell(table, row, "max_hires", r["max_hires"], f"at least min_hires ({r['min_hires']})"))
        else:
            rows.append(r)
    rank = sorted(rows, key=lambda r: (r["site"] is not None, r["period"] is not None))
    out: dict[tuple[str, int], SitePolicy] = {}
    for site in scenario.sites:
        for period, index in periods.items():
            values: dict[str, Any] = {}
            for r in rank:  # least specific first: later rows override
                if r["site"] in (None, site) and r["period"] in (None, period):
                    values.update({f: r[f] for f in _POLICY_FIELDS if r[f] is not None})
            out[site, index] = SitePolicy(**values)
    return out


_SETTING_KEYS = {
    "weeklytimelimit": "weekly_time_limit",
    "understaffingpenalty": "understaffing_penalty",
    "riskuplifts": "risk_uplifts",
}


def _settings(table: TypedTable | None, log: ProblemLog) -> PlanSettings:
    values: dict[str, Any] = {}
    for r in _rows(table):
        assert table is not None
        row = int(r["row"])
        name = _SETTING_KEYS.get(normalize_name(r["setting"]))
        value = r["value"]
        if name is None:
            log.add(
                _cell(table, row, "setting", r["setting"], "weekly_time_limit, understaffing_penalty or risk_uplifts")
            )
            continue
        try:
            if name == "risk_uplifts":
                items = [float(parse_cell(Kind.SHARE, x)) for x in re.split(r"[,;\s]+", str(value).strip()) if x]
                if not items or any(not 0 <= x <= 2 for x in items):
                    raise ParseError
                values[name] = tuple(items)
            else:
                number = float(parse_cell(Kind.NUMBER, value))
                if number <= 0:
                    raise ParseError
                values[name] = number
        except ParseError:
            expected = "a list of shares from 0 to 2 such as '10%, 20%'" if name == "risk_uplifts" else "a number > 0"
            log.add(_cell(table, row, "value", value, expected))
    return PlanSettings(**values)
