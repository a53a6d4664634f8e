"""Building the :class:`~planner.domain.Scenario` from the typed sheets, with the checks that span tables.

Every problem is collected before stopping: per-cell parsing and range checks and duplicate keys
(:mod:`planner.inputs.contract`), settings (:mod:`planner.inputs.settings`), then the checks across
tables (channels named in demand exist, pools sit at known sites, time zones are real, interval
starts line up ...).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zoneinfo
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from planner.domain import (
    DEFAULT_SHIFTS,
    DEFAULT_TIER,
    WALL_CLOCK,
    Agent,
    Calendar,
    Channel,
    Horizon,
    Pool,
    Scenario,
    ServiceLevelScope,
    Settings,
    ShiftTemplate,
    Site,
    TargetOverride,
    field_source,
    priority_source,
    resolve_promise,
    resolve_target,
)
from planner.errors import Problem, ProblemLog, Severity
from planner.inputs.agents import agent_of_row, check_agents
from planner.inputs.checks import IntervalGuess, infer_interval, name_collisions, offered_load_problems
from planner.inputs.contract import (
    CALENDARS as CALENDARS_SPEC,
)
from planner.inputs.contract import (
    CHANNELS,
    SHEETS,
    SHEETS_BY_KEY,
    SITES,
    TARGETS,
    ParseError,
    Sheet,
    TypedTable,
    is_blank,
    type_sheets,
)
from planner.inputs.read import RawBook, normalize_name, read_book
from planner.inputs.settings import DEFAULT_SETTINGS, SETTING_SPECS, SETTINGS_BY_KEY, make_settings
from planner.roster.tours import TourRules, tour_rule_problems

#: Longest planning horizon accepted, in weeks.
MAX_WEEKS = 8
#: Sheets that document the workbook (the template's `about` sheet), or that another command reads
#: (`scenarios`, read by ``planner scenarios``); ignored here without a note.
DOCUMENTATION_SHEETS = {"about", "scenarios"}


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, type and validate an input workbook or CSV folder.

    Raises :class:`InputError` listing every error found. Warnings and notes travel on
    the returned scenario (``Scenario.warnings`` / ``Scenario.notes``).
    """
    book = read_book(path)
    return build_scenario(book)


def build_scenario(book: RawBook) -> Scenario:
    """Type every sheet, build the domain objects and run the checks that span tables."""
    log = ProblemLog()
    log.extend(book.problems)
    tables = _typed_tables(book, log)
    settings = _settings(tables.get("settings"), log)
    channels = _channels(tables.get("channels"), log)
    sites = _sites(tables.get("sites"), log)
    pools, agents = _pools(tables.get("pools"), tables.get("agents"), sites, channels, log)
    shifts, defaulted = _shifts(tables.get("shifts"), sites, book, log)
    if settings.weekly_tours:
        rows = _rows_by(tables.get("settings"), "setting", _setting_name), _rows_by(tables.get("shifts"), "shift")
        log.extend(tour_rule_problems(shifts, TourRules.from_settings(settings), book.file, *rows))
    for sheet in ("sites", "pools", "shifts"):
        log.extend(name_collisions(tables.get(sheet), sheet[:-1], sheet[:-1]))
    calendars = _calendars(tables.get("calendars"), log)
    _check_clocks(tables.get("channels"), calendars, log)
    _check_pool_calendars(tables.get("pools"), calendars, log)
    targets = _targets(tables.get("targets"), channels, calendars, log)
    demand, horizon = _demand(tables.get("demand"), channels, settings, log)
    if "agents" in tables:
        check_agents(tables["agents"], agents, settings, shifts, sites, horizon, log)
    if horizon is not None:
        _check_holidays(tables.get("calendars"), calendars, horizon, log)
    if demand is not None:
        _priority_conflicts(demand, channels, tuple(targets), book, log)
        _promise_conflicts(demand, channels, tuple(targets), book, log)
    if demand is not None and not log.errors:
        _coverage_warnings(demand, pools, {a.pool_name for a in agents}, targets, book, log)
        _site_warnings(sites, shifts, book, log)
    _sort_problems(log)
    log.raise_if_errors(book.file)
    assert demand is not None and horizon is not None
    return Scenario(
        source=book.file,
        horizon=horizon,
        demand=demand,
        channels=channels,
        targets=tuple(targets),
        sites=sites,
        pools=pools,
        shifts=tuple(shifts),
        settings=settings,
        agents=tuple(agents),
        shifts_defaulted=defaulted,
        calendars=calendars,
        warnings=tuple(p.describe() for p in log.warnings),
        notes=tuple(p.describe() for p in log.notes),
    )


def _typed_tables(book: RawBook, log: ProblemLog) -> dict[str, TypedTable]:
    """Each known sheet typed against its contract, by sheet name; missing and empty sheets are reported."""
    tables = type_sheets(book, SHEETS, log, ignored=frozenset(DOCUMENTATION_SHEETS))
    _check_people_sheets(book, tables, log)
    return tables


def _no_data_rows(file: str, sheet: str) -> Problem:
    return Problem(file, "the sheet has a header but no data rows", sheet=sheet, expected="at least one data row")


def _check_people_sheets(book: RawBook, tables: dict[str, TypedTable], log: ProblemLog) -> None:
    """A pools sheet with rows is required unless an agents sheet is given."""
    present = _present(book)
    if "pools" not in tables and "agents" not in tables and "pools" not in present and "agents" not in present:
        log.add(
            Problem(
                book.file, "missing required sheet 'pools'", expected="a sheet named 'pools' (or an 'agents' sheet)"
            )
        )
    elif "pools" in tables and "agents" not in tables and tables["pools"].frame.empty:
        log.add(_no_data_rows(tables["pools"].file, tables["pools"].sheet))


def _site_warnings(sites: dict[str, Site], shifts: list[ShiftTemplate], book: RawBook, log: ProblemLog) -> None:
    for site in sites.values():
        if not any(t.allowed_at(site.name) for t in shifts):
            log.add(
                Problem(
                    book.file,
                    f"no shift template may be used at site '{site.name}'",
                    sheet="shifts",
                    severity=Severity.WARNING,
                )
            )


def _sort_problems(log: ProblemLog) -> None:
    """File-level problems first, then by sheet (workbook order), row and column (sheet order)."""
    order = {spec.name: i for i, spec in enumerate(SHEETS)}
    log.problems.sort(
        key=lambda p: (
            p.sheet is not None,
            order.get(_sheet_key(p.sheet), 99),
            p.row or 0,
            _column_rank(p.sheet, p.column),
        )
    )


def _spec_named(sheet: str | None) -> Sheet | None:
    """The contract of a sheet named as in a file (any case or spacing), or None."""
    return SHEETS_BY_KEY.get(normalize_name(sheet or ""))


def _sheet_key(sheet: str | None) -> str:
    spec = _spec_named(sheet)
    return spec.name if spec else normalize_name(sheet or "")


def _column_rank(sheet: str | None, column: str | None) -> int:
    spec = _spec_named(sheet)
    if spec is None or column is None:
        return -1
    names = [c.name for c in spec.columns]
    first = column.split(",")[0].strip()
    return names.index(first) if first in names else len(names)


def _present(book: RawBook) -> set[str]:
    return {spec.name for spec in SHEETS if normalize_name(spec.name) in book.tables}


# --------------------------------------------------------------------------- settings


def _settings(table: TypedTable | None, log: ProblemLog) -> Settings:
    if table is None:
        return DEFAULT_SETTINGS
    values: dict[str, Any] = {}
    known = ", ".join(s.name for s in SETTING_SPECS)
    for _, rec in table.good().iterrows():
        row = int(rec["row"])
        spec = SETTINGS_BY_KEY.get(normalize_name(rec["setting"]))
        if spec is None:
            log.add(
                Problem.cell(
                    table.file, table.sheet, row, "setting", rec["setting"], f"one of the known settings: {known}"
                )
            )
            continue
        raw = rec["value"]
        if is_blank(raw):
            continue
        try:
            values[spec.name] = spec.read(raw)
        except ParseError:
            log.add(
                Problem.cell(table.file, table.sheet, row, "value", raw, f"{spec.expected} for setting '{spec.name}'")
            )
    return make_settings(values)


# --------------------------------------------------------------------------- small tables


#: Why a day or week scope is refused where tiers share agents.
SHARING_SCOPE = (
    "interval (or blank) where tiers share agents (day and week are for channels without sharing: the period "
    "promise of a priority group is not modelled)"
)


def _check_scope(table: TypedTable, row: int, r: pd.Series, log: ProblemLog) -> None:
    """A day or week scope is for live channels whose tiers do not share agents, with a floor at most the target."""
    scope, floor, level = r["service_level_scope"], r["min_interval_service_level"], r["service_level"]
    if row in table.bad:
        return
    if isinstance(floor, float) and isinstance(level, float) and floor > level:
        expected = f"a share at most the channel's service_level ({level:g})"
        log.add(Problem.cell(table.file, table.sheet, row, "min_interval_service_level", floor, expected))
        table.bad.add(row)
    if scope in (None, "interval"):
        return
    if scope not in {s.value for s in ServiceLevelScope}:
        expected = CHANNELS.column("service_level_scope").expected
    elif r["deferrable"]:
        expected = "interval (or blank): deferrable work has its own window; day and week apply to live channels"
    elif r["tiers_share_agents"]:
        expected = SHARING_SCOPE
    else:
        return
    log.add(Problem.cell(table.file, table.sheet, row, "service_level_scope", scope, expected))
    table.bad.add(row)


def _channels(table: TypedTable | None, log: ProblemLog) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    if table is None:
        return out
    for _, r in table.frame.iterrows():
        _check_scope(table, int(r["row"]), r, log)
        if int(r["row"]) in table.bad:
            # Keep the name (with placeholder values) so demand rows naming a channel whose
            # row is already reported are not reported a second time. Errors stop the load.
            if isinstance(r["channel"], str):
                out.setdefault(r["channel"], Channel(r["channel"], 1.0, 1.0, 0.8))
            continue
        out[r["channel"]] = Channel(
            name=r["channel"],
            handle_minutes=float(r["handle_minutes"]),
            target_minutes=float(r["target_minutes"]),
            service_level=float(r["service_level"]),
            concurrency=int(r["concurrency"]),
            patience_minutes=_optional_float(r["patience_minutes"]),
            deferrable=bool(r["deferrable"]),
            bot_deflection=float(r["bot_deflection"]),
            tiers_share_agents=bool(r["tiers_share_agents"]),
            service_level_scope=ServiceLevelScope(r["service_level_scope"]),
            min_interval_service_level=float(r["min_interval_service_level"]),
            clock=r["clock"],
            holiday_target_minutes=_optional_float(r["holiday_target_minutes"]),
        )
    return out


def _sites(table: TypedTable | None, log: ProblemLog) -> dict[str, Site]:
    out: dict[str, Site] = {}
    if table is None:
        return out
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        name = r["site"]
        tz = r["timezone"]
        if isinstance(tz, str) and not _valid_zone(tz):
            log.add(Problem.cell(table.file, table.sheet, row, "timezone", tz, SITES.column("timezone").expected))
            table.bad.add(row)
        if row in table.bad:
            if isinstance(name, str):
                out.setdefault(name, Site(name, "UTC", 0.0))
            continue
        out[name] = Site(
            name=name,
            timezone=tz,
            hourly_cost=float(r["hourly_cost"]),
            night_premium=float(r["night_premium"]),
            weekend_premium=float(r["weekend_premium"]),
            max_agents=_optional_int(r["max_agents"]),
        )
    return out


def _valid_zone(name: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*", name):
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _check_channel_list(
    table: TypedTable, row: int, value: tuple[str, ...] | None, channels: dict[str, Channel], log: ProblemLog
) -> None:
    if value is None or not channels:
        return
    unknown = [c for c in value if c not in channels]
    if unknown:
        log.add(
            Problem.cell(
                table.file,
                table.sheet,
                row,
                "channels",
                ", ".join(value),
                "channels listed in the channels sheet ("
                + ", ".join(sorted(channels))
                + f"); unknown: {', '.join(unknown)}",
            )
        )
        table.bad.add(row)


def _check_site(table: TypedTable, row: int, value: Any, sites: dict[str, Site], log: ProblemLog) -> None:
    """A pool's or agent's site must be listed in the sites sheet."""
    if isinstance(value, str) and sites and value not in sites:
        expected = f"a site listed in the sites sheet ({', '.join(sorted(sites))})"
        log.add(Problem.cell(table.file, table.sheet, row, "site", value, expected))
        table.bad.add(row)


def _pools(
    pools_t: TypedTable | None,
    agents_t: TypedTable | None,
    sites: dict[str, Site],
    channels: dict[str, Channel],
    log: ProblemLog,
) -> tuple[dict[str, Pool], list[Agent]]:
    """The pools sheet's pools plus one pool per group of agents with the same site and skills."""
    pools = _pool_rows(pools_t, sites, channels, log) if pools_t is not None else {}
    agents: list[Agent] = []
    if agents_t is not None:
        agents = _agent_rows(agents_t, sites, channels, log)
        _add_agent_pools(agents, agents_t, sites, pools, log)
    return pools, agents


def _staff_rows(
    table: TypedTable, sites: dict[str, Site], channels: dict[str, Channel], log: ProblemLog
) -> Iterator[tuple[int, pd.Series]]:
    """(row number, values) of each pools or agents row whose site and channels are known; the rest are reported."""
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        _check_site(table, row, r["site"], sites, log)
        _check_channel_list(table, row, r["channels"], channels, log)
        if row not in table.bad:
            yield row, r


def _pool_rows(
    table: TypedTable, sites: dict[str, Site], channels: dict[str, Channel], log: ProblemLog
) -> dict[str, Pool]:
    pools: dict[str, Pool] = {}
    for _, r in _staff_rows(table, sites, channels, log):
        pools[r["pool"]] = Pool(
            name=r["pool"],
            site=r["site"],
            languages=r["languages"],
            channels=r["channels"],
            available=_optional_int(r["available"]),
            hourly_cost=_optional_float(r["hourly_cost"]),
            calendar=r["calendar"],
        )
    return pools


def _agent_rows(
    table: TypedTable, sites: dict[str, Site], channels: dict[str, Channel], log: ProblemLog
) -> list[Agent]:
    return [agent_of_row(row, r) for row, r in _staff_rows(table, sites, channels, log)]


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _add_agent_pools(
    agents: list[Agent], table: TypedTable, sites: dict[str, Site], pools: dict[str, Pool], log: ProblemLog
) -> None:
    """Add a pool named 'agents:site:languages[:channels]' per group, available = its head count."""
    groups: dict[tuple[Any, ...], list[Agent]] = {}
    for a in agents:
        key = (a.site, tuple(sorted(a.languages)), None if a.channels is None else tuple(sorted(a.channels)))
        groups.setdefault(key, []).append(a)
    for (site, _langs, _chans), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
        name = members[0].pool_name
        if name in pools:
            log.add(
                Problem(
                    table.file,
                    f"pool '{name}' derived from agents clashes with a pool of the same name",
                    sheet=table.sheet,
                    expected="distinct pool names",
                )
            )
            continue
        site_cost = sites[site].hourly_cost if site in sites else 0.0
        costs = [a.hourly_cost if a.hourly_cost is not None else site_cost for a in members]
        mean = float(np.mean(costs))
        _warn_mixed_costs(name, members, costs, mean, table, log)
        pools[name] = Pool(
            name=name,
            site=site,
            languages=members[0].languages,
            channels=members[0].channels,
            available=len(members),
            hourly_cost=mean if any(a.hourly_cost is not None for a in members) else None,
        )


def _warn_mixed_costs(
    name: str, members: list[Agent], costs: list[float], mean: float, table: TypedTable, log: ProblemLog
) -> None:
    """A warning where the agents of one derived pool cost different amounts per paid hour: the roster prices
    every person of a pool at one rate (``mean``, of its agents' rates), so their own rates are not used."""
    if max(costs) - min(costs) <= 1e-9:
        return
    first = next(a for a, c in zip(members, costs, strict=True) if abs(c - mean) > 1e-9)
    log.add(
        Problem(
            table.file,
            f"the {len(members)} agents of pool '{name}' cost from {min(costs):g} to {max(costs):g} per paid hour "
            f"(hourly_cost, else the site's); the roster prices each of them, and each hire of the pool, at their "
            f"mean {mean:.2f}: their own rates are not used (agents with one rate in a pool are priced exactly)",
            sheet=table.sheet,
            row=first.row,
            column="hourly_cost",
            severity=Severity.WARNING,
        )
    )


def _setting_name(cell: Any) -> str:
    """The setting a `setting` cell names (as the settings spell it), else the cell as text."""
    spec = SETTINGS_BY_KEY.get(normalize_name(cell))
    return str(cell) if spec is None else spec.name


def _rows_by(table: TypedTable | None, column: str, key: Callable[[Any], Any] = str) -> dict[str, int]:
    """The sheet row of each value of ``column`` (its last row where repeated), by ``key`` of the value."""
    if table is None:
        return {}
    return {
        str(key(v)): int(r) for v, r in zip(table.frame[column], table.frame["row"], strict=True) if not is_blank(v)
    }


def _shifts(
    table: TypedTable | None, sites: dict[str, Site], book: RawBook, log: ProblemLog
) -> tuple[list[ShiftTemplate], bool]:
    """The shift templates, and whether the default applies because the sheet is absent."""
    if table is None:
        log.add(
            Problem(
                book.file,
                "no shifts sheet: using the default template 'full_time' (8 paid hours in 9, any hour)",
                severity=Severity.NOTE,
            )
        )
        return list(DEFAULT_SHIFTS), True
    out: list[ShiftTemplate] = []
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        template = None
        if row not in table.bad:
            template = ShiftTemplate(
                name=r["shift"],
                paid_hours=float(r["paid_hours"]),
                length_hours=float(r["length_hours"]),
                earliest_start=r["earliest_start"],
                latest_start=r["latest_start"],
                start_step_minutes=_optional_int(r["start_step_minutes"]),
                sites=r["sites"],
                break_earliest_minutes=_optional_int(r.get("break_earliest_minutes")),
                break_latest_minutes=_optional_int(r.get("break_latest_minutes")),
                break_length_minutes=_optional_int(r.get("break_minutes")),
            )
        _check_shift_row(table, row, r, template, sites, log)
        if row in table.bad or template is None:
            continue
        out.append(template)
    if not out and not table.bad:
        log.add(
            Problem(
                table.file,
                "the sheet has a header but no data rows",
                sheet=table.sheet,
                expected="at least one shift template (or remove the sheet to use the default)",
            )
        )
    return out, False


def _check_shift_row(
    table: TypedTable, row: int, r: pd.Series, template: ShiftTemplate | None, sites: dict[str, Site], log: ProblemLog
) -> None:
    """A shift is at least as long as its paid hours, its break fits in it and leaves the paid hours between
    the minutes on duty and the shift's length, and it names only known sites (``template``: the row read,
    None when a cell of it was bad)."""
    if template is not None and template.length_hours < template.paid_hours:
        expected = f"a number of hours at least paid_hours ({template.paid_hours:g})" + (
            "; the difference is the unpaid break" if template.break_length_minutes is None else ", break included"
        )
        log.add(Problem.cell(table.file, table.sheet, row, "length_hours", r["length_hours"], expected))
        table.bad.add(row)
    elif template is not None and template.break_length_minutes is not None:
        _check_paid_break(table, row, r, template, log)
    if template is not None and row not in table.bad:
        _check_break_window(table, row, r, template.length_minutes, template.break_minutes, log)
    if r["sites"] is not None and sites:
        unknown = [s for s in r["sites"] if s not in sites]
        if unknown:
            site_list = ", ".join(sorted(sites))
            expected = f"sites listed in the sites sheet ({site_list}); unknown: {', '.join(unknown)}"
            log.add(Problem.cell(table.file, table.sheet, row, "sites", ", ".join(r["sites"]), expected))
            table.bad.add(row)


def _check_paid_break(table: TypedTable, row: int, r: pd.Series, template: ShiftTemplate, log: ProblemLog) -> None:
    """A break of ``break_minutes`` fits in the shift, and the paid hours pay at least the minutes on duty and
    at most the whole shift (the break unpaid, wholly paid or in between)."""
    length, brk = template.length_minutes, template.break_minutes
    if brk > length:
        expected = f"a break of at most the shift's length ({length} minutes)"
        log.add(Problem.cell(table.file, table.sheet, row, "break_minutes", r["break_minutes"], expected))
        table.bad.add(row)
    elif template.paid_break_minutes < 0:
        low = template.on_duty_minutes / 60
        expected = (
            f"a number of hours from {low:g} (length_hours - break_minutes / 60: an unpaid break) to "
            f"{template.length_hours:g} (length_hours: a wholly paid break)"
        )
        log.add(Problem.cell(table.file, table.sheet, row, "paid_hours", r["paid_hours"], expected))
        table.bad.add(row)


def _check_break_window(table: TypedTable, row: int, r: pd.Series, length: int, brk: int, log: ProblemLog) -> None:
    """The break's window lies within the shift (the break ends by its end) and the earliest start
    is not after the latest."""
    earliest, latest = r.get("break_earliest_minutes"), r.get("break_latest_minutes")
    last = length - brk
    if latest is not None and latest > last:
        expected = (
            f"a break start at most {last} minutes after the shift start (a {brk}-minute break ends "
            f"within the {length}-minute shift)"
        )
        log.add(Problem.cell(table.file, table.sheet, row, "break_latest_minutes", latest, expected))
        table.bad.add(row)
    if earliest is not None and earliest > (last if latest is None else latest):
        bound = f"break_latest_minutes ({latest})" if latest is not None else f"{last} (the latest break start)"
        expected = f"a break start in minutes after the shift start, at most {bound}"
        log.add(Problem.cell(table.file, table.sheet, row, "break_earliest_minutes", earliest, expected))
        table.bad.add(row)


def _targets(
    table: TypedTable | None, channels: dict[str, Channel], calendars: dict[str, Calendar], log: ProblemLog
) -> list[TargetOverride]:
    out: list[TargetOverride] = []
    if table is None:
        return out
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        if isinstance(r["channel"], str) and channels and r["channel"] not in channels:
            log.add(
                Problem.cell(
                    table.file,
                    table.sheet,
                    row,
                    "channel",
                    r["channel"],
                    "blank or a channel listed in the channels sheet (" + ", ".join(sorted(channels)) + ")",
                )
            )
            table.bad.add(row)
        checked = row not in table.bad and (r["priority"] is None or _check_priority_row(table, row, r, channels, log))
        # the promise columns are checked on every row, so that one run reports all of a row's problems
        if not _check_promise_row(table, row, r, channels, calendars, log) or not checked:
            continue
        if all(r[c.name] is None for c in TARGETS.columns if c.name not in TARGETS.key):
            log.add(
                Problem(
                    table.file,
                    "row overrides nothing (every value column is blank); ignored",
                    sheet=table.sheet,
                    row=row,
                    severity=Severity.NOTE,
                )
            )
            continue
        out.append(
            TargetOverride(
                language=r["language"],
                channel=r["channel"],
                tier=r["tier"],
                target_minutes=_optional_float(r["target_minutes"]),
                service_level=_optional_float(r["service_level"]),
                row=row,
                priority=_optional_int(r["priority"]),
                service_level_scope=None
                if r["service_level_scope"] is None
                else ServiceLevelScope(r["service_level_scope"]),
                min_interval_service_level=_optional_float(r["min_interval_service_level"]),
                clock=r["clock"],
                holiday_target_minutes=_optional_float(r["holiday_target_minutes"]),
            )
        )
    return out


def _check_promise_row(
    table: TypedTable,
    row: int,
    r: pd.Series,
    channels: dict[str, Channel],
    calendars: dict[str, Calendar],
    log: ProblemLog,
) -> bool:
    """A targets row's scope is known (day or week only for live channels without sharing), its clock
    is the wall clock or a calendar, and its floor is at most its own service level."""
    problems: list[tuple[str, Any, str]] = []
    scope, clock = r["service_level_scope"], r["clock"]
    floor, level = r["min_interval_service_level"], r["service_level"]
    channel = channels.get(r["channel"]) if r["channel"] is not None else None
    if scope is not None and scope not in {s.value for s in ServiceLevelScope}:
        problems.append(("service_level_scope", scope, TARGETS.column("service_level_scope").expected))
    elif scope not in (None, "interval") and channel is not None and channel.deferrable:
        expected = "interval (or blank): deferrable work has its own window; day and week apply to live channels"
        problems.append(("service_level_scope", scope, expected))
    elif scope not in (None, "interval") and channel is not None and channel.tiers_share_agents:
        problems.append(("service_level_scope", scope, SHARING_SCOPE))
    if clock is not None and clock != WALL_CLOCK and clock not in calendars:
        known = ", ".join(sorted(calendars)) or "none is given"
        problems.append(("clock", clock, f"blank, {WALL_CLOCK} or a calendar listed in the calendars sheet ({known})"))
    if isinstance(floor, float) and isinstance(level, float) and floor > level:
        problems.append(("min_interval_service_level", floor, f"a share at most the row's service_level ({level:g})"))
    for column, value, expected in problems:
        log.add(Problem.cell(table.file, table.sheet, row, column, value, expected))
    if problems:
        table.bad.add(row)
    return not problems


def _check_priority_row(
    table: TypedTable, row: int, r: pd.Series, channels: dict[str, Channel], log: ProblemLog
) -> bool:
    """A priority rank names a tier, and its channel (or, blank, some channel) has tiers sharing agents."""
    if r["tier"] is None:
        log.add(Problem.cell(table.file, table.sheet, row, "tier", "", "a tier name on a row that sets a priority"))
        table.bad.add(row)
        return False
    sharing = sorted(c.name for c in channels.values() if c.tiers_share_agents)
    if r["channel"] is not None and r["channel"] not in sharing or not sharing:
        expected = "blank, or a channel whose tiers share agents (tiers_share_agents = yes in the channels sheet"
        expected += f": {', '.join(sharing)})" if sharing else ": none has)"
        log.add(Problem.cell(table.file, table.sheet, row, "priority", r["priority"], expected))
        table.bad.add(row)
        return False
    return True


def _priority_conflicts(
    demand: pd.DataFrame,
    channels: dict[str, Channel],
    targets: tuple[TargetOverride, ...],
    book: RawBook,
    log: ProblemLog,
) -> None:
    """Tiers sharing agents with the same rank wait in one line, so they must have the same target."""
    pairs = demand[["language", "channel", "tier"]].drop_duplicates()
    for (lang, chan), tiers in pairs.groupby(["language", "channel"], sort=True)["tier"]:
        if chan not in channels or not channels[chan].tiers_share_agents:
            continue
        seen: dict[int, tuple[str, float]] = {}
        for tier in sorted(tiers):
            source = priority_source(targets, lang, chan, tier)
            if source is None or source.priority is None:
                continue
            target = resolve_target(channels[chan], targets, lang, tier)[0]
            first = seen.setdefault(source.priority, (tier, target))
            if first[1] != target:
                expected = (
                    f"a rank other than {source.priority}, which tier '{first[0]}' of {lang} {chan} already has with "
                    f"target {first[1]:g} minutes (tiers of one rank wait in one line: they need the same target)"
                )
                log.add(Problem.cell(book.file, "targets", source.row, "priority", source.priority, expected))


def _promise_conflicts(
    demand: pd.DataFrame,
    channels: dict[str, Channel],
    targets: tuple[TargetOverride, ...],
    book: RawBook,
    log: ProblemLog,
) -> None:
    """Each queue's resolved promise holds together: its interval floor is at most its service level,
    and a day or week scope does not reach tiers sharing agents (through a row naming no channel)."""
    seen: set[tuple[int, str]] = set()
    pairs = demand[["language", "channel", "tier"]].drop_duplicates()
    for lang, chan, tier in sorted(pairs.itertuples(index=False, name=None)):
        if chan not in channels or channels[chan].deferrable:
            continue
        promise = resolve_promise(channels[chan], targets, lang, tier)
        found: list[tuple[TargetOverride | None, str, Any, str]] = []
        if promise.floor_level > promise.service_level:
            floor_row = field_source(targets, lang, chan, tier, "min_interval_service_level")
            column = "min_interval_service_level" if floor_row is not None else "service_level"
            source = floor_row or field_source(targets, lang, chan, tier, "service_level")
            expected = (
                f"a value keeping the floor of {lang} {chan} {tier} ({promise.floor_level:g}) at most its "
                f"service_level ({promise.service_level:g})"
            )
            found.append((source, column, getattr(source, column, None), expected))
        if promise.scope is not ServiceLevelScope.INTERVAL and channels[chan].tiers_share_agents:
            source = field_source(targets, lang, chan, tier, "service_level_scope")
            found.append((source, "service_level_scope", promise.scope.value, SHARING_SCOPE))
        for source, column, value, expected in found:
            if source is not None and (source.row, column) not in seen:
                seen.add((source.row, column))
                log.add(Problem.cell(book.file, "targets", source.row, column, value, expected))


# --------------------------------------------------------------------------- calendars

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekdays(items: tuple[str, ...]) -> list[int] | None:
    """Weekday numbers (0 = Monday) from codes and ranges such as mon-fri; None when one is unknown."""
    out: list[int] = []
    for item in items:
        first, _, last = item.partition("-")
        if first[:3] not in WEEKDAYS or (last and last[:3] not in WEEKDAYS):
            return None
        a = WEEKDAYS.index(first[:3])
        b = WEEKDAYS.index(last[:3]) if last else a
        out.extend((a + k) % 7 for k in range((b - a) % 7 + 1))
    return sorted(set(out))


def _minute(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _calendars(table: TypedTable | None, log: ProblemLog) -> dict[str, Calendar]:
    """The calendars: business-hours rows and holiday rows, each checked where it stands."""
    if table is None:
        return {}
    zones: dict[str, str] = {}
    hours: dict[str, list[tuple[int, int, int, int]]] = {}
    holidays: dict[str, list[tuple[dt.date, float, float]]] = {}
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        if r["calendar"] == WALL_CLOCK and row not in table.bad:
            expected = f"a calendar name other than '{WALL_CLOCK}' (the targets sheet's word for the wall clock)"
            log.add(Problem.cell(table.file, table.sheet, row, "calendar", r["calendar"], expected))
            table.bad.add(row)
        if row in table.bad or not _calendar_zone(table, row, r, zones, log):
            continue
        name = r["calendar"]
        hours.setdefault(name, [])
        holidays.setdefault(name, [])
        if r["holiday"] is not None:
            factor = 1.0 if r["demand_factor"] is None else float(r["demand_factor"])
            share = 1.0 if r["available_share"] is None else float(r["available_share"])
            holidays[name].append((r["holiday"].date(), factor, share))
            continue
        for column in ("demand_factor", "available_share"):
            if r[column] is not None:
                log.add(Problem.cell(table.file, table.sheet, row, column, r[column], "blank on a business-hours row"))
        _calendar_hours(table, row, r, hours[name], log)
    return {
        name: Calendar(
            name,
            zones[name],
            tuple((d, a, b) for d, a, b, _ in hours[name]),
            tuple(d for d, _, _ in holidays[name]),
            tuple((d, f) for d, f, _ in holidays[name] if f != 1.0),
            tuple((d, a) for d, _, a in holidays[name] if a != 1.0),
        )
        for name in zones
    }


def _calendar_zone(table: TypedTable, row: int, r: pd.Series, zones: dict[str, str], log: ProblemLog) -> bool:
    """A calendar row's time zone is real and the same as on the calendar's other rows."""
    tz, name = r["timezone"], r["calendar"]
    if not _valid_zone(tz):
        expected = "an IANA time zone name such as Europe/Lisbon"
    elif zones.setdefault(name, tz) != tz:
        expected = f"{zones[name]}, the time zone of calendar '{name}' on its earlier rows"
    else:
        return True
    log.add(Problem.cell(table.file, table.sheet, row, "timezone", tz, expected))
    table.bad.add(row)
    return False


def _calendar_hours(
    table: TypedTable, row: int, r: pd.Series, seen: list[tuple[int, int, int, int]], log: ProblemLog
) -> None:
    """A business-hours row: known weekdays, open before close, no overlap with the calendar's earlier rows."""
    for column in ("days", "open", "close"):
        if r[column] is None:
            expected = f"a value on a business-hours row ({CALENDARS_SPEC.column(column).expected})"
            log.add(Problem.cell(table.file, table.sheet, row, column, "", expected))
            table.bad.add(row)
            return
    days = _weekdays(r["days"])
    if days is None:
        expected = CALENDARS_SPEC.column("days").expected
        log.add(Problem.cell(table.file, table.sheet, row, "days", ", ".join(r["days"]), expected))
        table.bad.add(row)
        return
    start, end = _minute(r["open"]), _minute(r["close"]) or 24 * 60
    if end <= start:
        expected = f"a local time after open ({r['open']:%H:%M}); 24:00 for midnight"
        log.add(Problem.cell(table.file, table.sheet, row, "close", f"{r['close']:%H:%M}", expected))
        table.bad.add(row)
        return
    for d, a, b, other in seen:
        if d in days and a < end and start < b:
            span = f"{a // 60:02d}:{a % 60:02d}-{b // 60:02d}:{b % 60:02d}"
            expected = f"hours not overlapping row {other} ({WEEKDAYS[d]} {span})"
            log.add(Problem.cell(table.file, table.sheet, row, "open", f"{r['open']:%H:%M}", expected))
            table.bad.add(row)
            return
    seen.extend((d, start, end, row) for d in days)


def _check_clocks(table: TypedTable | None, calendars: dict[str, Calendar], log: ProblemLog) -> None:
    """Every channel's clock names a calendar of the calendars sheet."""
    if table is None:
        return
    for _, r in table.frame.iterrows():
        clock = r["clock"]
        if clock is not None and clock not in calendars:
            known = ", ".join(sorted(calendars)) or "none is given"
            expected = f"blank (the wall clock) or a calendar listed in the calendars sheet ({known})"
            log.add(Problem.cell(table.file, table.sheet, int(r["row"]), "clock", clock, expected))


def _check_pool_calendars(table: TypedTable | None, calendars: dict[str, Calendar], log: ProblemLog) -> None:
    """Every pool's calendar is listed; a pool whose calendar reduces the team on holidays has a headcount."""
    if table is None:
        return
    for _, r in table.frame.iterrows():
        name, row = r["calendar"], int(r["row"])
        if name is None or row in table.bad:
            continue
        if name not in calendars:
            known = ", ".join(sorted(calendars)) or "none is given"
            expected = f"blank or a calendar listed in the calendars sheet ({known})"
            log.add(Problem.cell(table.file, table.sheet, row, "calendar", name, expected))
        elif calendars[name].available_shares and r["available"] is None:
            expected = "a headcount: the holiday available_share of this calendar is a share of available people"
            log.add(Problem.cell(table.file, table.sheet, row, "available", "", expected))


def _check_holidays(
    table: TypedTable | None, calendars: dict[str, Calendar], horizon: Horizon, log: ProblemLog
) -> None:
    """Every holiday is a local date the planning horizon touches."""
    if table is None:
        return
    for _, r in table.frame.iterrows():
        name, day = r["calendar"], r["holiday"]
        if day is None or name not in calendars or int(r["row"]) in table.bad:
            continue
        zone = zoneinfo.ZoneInfo(calendars[name].timezone)
        first = horizon.start.astimezone(zone).date()
        last = (horizon.end - dt.timedelta(minutes=1)).astimezone(zone).date()
        if not first <= day.date() <= last:
            expected = f"a date within the planning horizon ({first} to {last} in {calendars[name].timezone})"
            log.add(Problem.cell(table.file, table.sheet, int(r["row"]), "holiday", f"{day.date()}", expected))


# --------------------------------------------------------------------------- demand


def _demand(
    table: TypedTable | None, channels: dict[str, Channel], settings: Settings, log: ProblemLog
) -> tuple[pd.DataFrame | None, Horizon | None]:
    """The demand table on the horizon's intervals, and the horizon; (None, None) when unusable."""
    if table is None or table.frame.empty:
        return None, None
    _check_demand_channels(table, channels, log)
    good = table.frame[~table.frame["row"].isin(table.bad)]
    if good.empty:
        return None, None
    starts = pd.to_datetime(pd.Series(list(good["interval_start"]), index=good.index), utc=True)
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    minutes = ((starts - epoch) // pd.Timedelta(minutes=1)).to_numpy(dtype=np.int64)  # minutes since the epoch
    rows = good["row"].to_numpy()
    if settings.week_start is not None:
        ref = int(pd.Timestamp(settings.week_start).value // 60_000_000_000)
        early = minutes < ref
        expected = f"a date-time at or after the week_start setting ({_show_minutes(ref)} UTC)"
        _flag_starts(table, log, rows[early], minutes[early], expected)
        minutes, rows, good = minutes[~early], rows[~early], good[~early]
        if len(minutes) == 0:
            return None, None
    else:
        ref = int(minutes.min()) // (24 * 60) * (24 * 60)  # 00:00 UTC of the first day with demand
    rel = minutes - ref
    grid = _interval_grid(table, good, rel, settings, channels, log)
    if grid is None:
        return None, None
    length, how, phase = grid
    ref, rel = ref + phase, rel - phase
    misaligned = rel % length != 0
    expected = (
        f"a start aligned to the {length}-minute intervals of this file ({how}), counted from {_show_minutes(ref)} UTC"
    )
    _flag_starts(table, log, rows[misaligned], minutes[misaligned], expected)
    span_weeks = int(math.ceil((int(rel.max()) + length) / (7 * 24 * 60)))
    if span_weeks > MAX_WEEKS:
        limit = ref + MAX_WEEKS * 7 * 24 * 60
        late = minutes >= limit
        expected = (
            f"a date-time before {_show_minutes(limit)} UTC (at most {MAX_WEEKS} weeks from {_show_minutes(ref)})"
        )
        _flag_starts(table, log, rows[late], minutes[late], expected)
        return None, None
    if misaligned.any():
        return None, None
    start = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=ref)
    horizon = Horizon(start=start, interval_minutes=length, weeks=max(1, span_weeks))
    return _demand_frame(good, starts, rel // length), horizon


def _check_demand_channels(table: TypedTable, channels: dict[str, Channel], log: ProblemLog) -> None:
    """Every demand row's channel is listed in the channels sheet."""
    if not channels:
        return
    f = table.frame
    known = ", ".join(sorted(channels))
    unknown = f["channel"].notna() & ~f["channel"].isin(list(channels)) & ~f["row"].isin(table.bad)
    for idx in f.index[unknown.to_numpy()]:
        row = int(f.at[idx, "row"])
        expected = f"a channel listed in the channels sheet ({known})"
        log.add(Problem.cell(table.file, table.sheet, row, "channel", f.at[idx, "channel"], expected))
        table.bad.add(row)


def _flag_starts(table: TypedTable, log: ProblemLog, rows: np.ndarray, minutes: np.ndarray, expected: str) -> None:
    for r, m in zip(rows, minutes, strict=True):
        log.add(Problem.cell(table.file, table.sheet, int(r), "interval_start", _show_minutes(int(m)), expected))


def _interval_grid(
    table: TypedTable,
    good: pd.DataFrame,
    rel: np.ndarray,
    settings: Settings,
    channels: dict[str, Channel],
    log: ProblemLog,
) -> tuple[int, str, int] | None:
    """The interval length, how it was found, and the grid's offset in minutes from ``rel``'s origin
    (15 for hourly stamps at :15); None, with the problems logged, when the data mixes interval
    lengths or a queue-interval would offer more work than the staffing search resolves."""
    if settings.interval_minutes is not None:
        length, how, phase = settings.interval_minutes, "set by the interval_minutes setting", 0
    else:
        series = zip(good["language"], good["channel"], good["tier"].fillna(DEFAULT_TIER), strict=True)
        guess = infer_interval(rel, series)
        if guess.coarser is not None:
            log.add(_mixed_lengths(table, guess))
            return None
        length, how = guess.length, "inferred from the data"
        phase = guess.phase if settings.week_start is None else 0
    problems = offered_load_problems(table.file, table.sheet, good, channels, length)
    if problems:
        log.extend(problems)
        return None
    return length, how, phase


def _mixed_lengths(table: TypedTable, guess: IntervalGuess) -> Problem:
    return Problem(
        table.file,
        f"the interval length is ambiguous: the stamps are {guess.length} minutes apart, but some "
        f"language/channel/tier has rows exactly every {guess.coarser} minutes",
        sheet=table.sheet,
        column="interval_start",
        expected="one interval length for the whole file; state it with the interval_minutes setting",
    )


def _demand_frame(good: pd.DataFrame, starts: pd.Series, interval: np.ndarray) -> pd.DataFrame:
    """The demand table the pipeline reads: one row per interval, language, channel and tier."""
    demand = pd.DataFrame(
        {
            "interval": interval.astype("int64"),
            "interval_start": starts.loc[good.index].dt.tz_convert("UTC").to_numpy(),
            "language": good["language"].astype(str).to_numpy(),
            "channel": good["channel"].astype(str).to_numpy(),
            "tier": good["tier"].fillna(DEFAULT_TIER).astype(str).to_numpy(),
            "contacts": good["contacts"].astype(float).to_numpy(),
        }
    )
    demand["interval_start"] = pd.to_datetime(demand["interval_start"], utc=True)
    return demand.sort_values(["interval", "language", "channel", "tier"], kind="mergesort").reset_index(drop=True)


def _show_minutes(m: int) -> str:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M")


def _coverage_warnings(
    demand: pd.DataFrame,
    pools: dict[str, Pool],
    derived: set[str],
    targets: list[TargetOverride],
    book: RawBook,
    log: ProblemLog,
) -> None:
    """Warnings about demand no pool can serve, pools (``derived``: the pools from the agents sheet) speaking a
    language with no demand, and targets rows naming what has no demand."""
    active = demand[demand["contacts"] > 0]
    spoken = {lang for p in pools.values() for lang in p.languages}
    for lang in sorted(set(active["language"])):
        if lang not in spoken:
            log.add(
                Problem(
                    book.file,
                    f"language '{lang}' has demand but no pool speaks it; its demand cannot be covered",
                    sheet="demand",
                    severity=Severity.WARNING,
                )
            )
    pairs = active[["language", "channel"]].drop_duplicates()
    for lang, chan in sorted(pairs.itertuples(index=False, name=None)):
        if lang in spoken and not any(p.serves(lang, chan) for p in pools.values()):
            log.add(
                Problem(
                    book.file,
                    f"no pool that speaks '{lang}' works channel '{chan}'; that demand cannot be covered",
                    sheet="demand",
                    severity=Severity.WARNING,
                )
            )
    langs = set(demand["language"])
    for pool in pools.values():
        unknown = [lang for lang in pool.languages if lang not in langs]
        if unknown:
            named = pool.name in derived
            useless = f": {'they' if named else 'it'} can serve nothing (a misspelt language code?)"
            log.add(
                Problem(
                    book.file,
                    f"{'the agents of ' if named else ''}pool '{pool.name}' speak{'' if named else 's'} "
                    f"{', '.join(repr(u) for u in unknown)}, which the demand sheet never names"
                    + (useless if len(unknown) == len(pool.languages) else ""),
                    sheet="agents" if named else "pools",
                    column="languages",
                    severity=Severity.WARNING,
                )
            )
    tiers = set(demand["tier"])
    for t in targets:
        if t.language is not None and t.language not in langs:
            log.add(
                Problem(
                    book.file,
                    f"targets row names language '{t.language}', which has no demand",
                    sheet="targets",
                    row=t.row,
                    severity=Severity.NOTE,
                )
            )
        if t.tier is not None and t.tier not in tiers:
            log.add(
                Problem(
                    book.file,
                    f"targets row names tier '{t.tier}', which has no demand",
                    sheet="targets",
                    row=t.row,
                    severity=Severity.NOTE,
                )
            )
