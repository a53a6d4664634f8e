"""Load and validate an input workbook (or CSV folder) into a :class:`~planner.domain.Scenario`.

Every problem is collected before stopping: per-cell parsing and range checks
(:mod:`planner.inputs.contract`), duplicates, then the checks that span tables (channels named in
demand exist, pools sit at known sites, time zones are real, interval starts line up ...).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.domain import (
    ALLOWED_INTERVAL_MINUTES,
    DEFAULT_SHIFTS,
    DEFAULT_TIER,
    Agent,
    Channel,
    Horizon,
    Pool,
    Scenario,
    Settings,
    ShiftTemplate,
    Site,
    SolverChoice,
    TargetOverride,
)
from planner.errors import Problem, ProblemLog, Severity
from planner.inputs.checks import IntervalGuess, infer_interval, name_collisions, offered_load_problems
from planner.inputs.contract import (
    SHEETS,
    SHEETS_BY_KEY,
    SITES,
    Kind,
    ParseError,
    TypedTable,
    duplicate_problems,
    is_blank,
    parse_cell,
    type_table,
)
from planner.inputs.read import RawBook, normalize_name, read_book

#: Longest planning horizon accepted, in weeks.
MAX_WEEKS = 8
#: Sheets that document the workbook (the template's `about` sheet); ignored without a note.
DOCUMENTATION_SHEETS = {"about"}


@dataclass(frozen=True)
class SettingSpec:
    """One known setting: how its value is parsed and checked, and what it means."""

    name: str
    kind: Kind
    expected: str
    description: str
    default: str
    check: Callable[[Any], bool] = lambda v: True


def _night(value: Any) -> tuple[dt.time, dt.time]:
    if not isinstance(value, str):
        raise ParseError
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*(?:-|to|–)\s*(\d{1,2}:\d{2})\s*", value)
    if not m:
        raise ParseError
    return parse_cell(Kind.CLOCK, m.group(1)), parse_cell(Kind.CLOCK, m.group(2))


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("currency", Kind.TEXT, "a currency code such as USD", "Currency of all costs (label only).", "USD"),
    SettingSpec(
        "shrinkage",
        Kind.SHARE,
        "a share >= 0 and < 1",
        "Share of paid time not available for contacts "
        "(breaks, training, absence). Scheduled agents = agents on the floor / (1 - shrinkage).",
        "0.30",
        lambda v: 0 <= v < 1,
    ),
    SettingSpec(
        "max_occupancy",
        Kind.SHARE,
        "a share > 0 and <= 1",
        "Highest share of time an agent on live work may be busy.",
        "0.85",
        lambda v: 0 < v <= 1,
    ),
    SettingSpec(
        "deferred_max_occupancy",
        Kind.SHARE,
        "a share > 0 and <= 1",
        "Highest share of time an agent on deferrable work (email, social) may be busy.",
        "0.95",
        lambda v: 0 < v <= 1,
    ),
    SettingSpec(
        "concurrency_efficiency",
        Kind.SHARE,
        "a share from 0 to 1",
        "Throughput of each extra concurrent chat relative to the first: with 0.7, two chats at once count as 1.7.",
        "0.7",
        lambda v: 0 <= v <= 1,
    ),
    SettingSpec(
        "shifts_per_week",
        Kind.INTEGER,
        "a whole number from 1 to 7",
        "Most shifts one agent works per week.",
        "5",
        lambda v: 1 <= v <= 7,
    ),
    SettingSpec(
        "night_hours",
        Kind.RAW,
        "a local time window such as 22:00-06:00",
        "Local hours paid with the site's night premium.",
        "22:00-06:00",
    ),
    SettingSpec(
        "under_coverage_penalty",
        Kind.NUMBER,
        "a number > 0 and <= 10,000,000,000",
        "Cost of one scheduled agent-hour of unmet requirement. Default: 100 x the highest hourly cost "
        "including premiums, far above any wage.",
        "derived",
        lambda v: 0 < v <= 1e10,
    ),
    SettingSpec(
        "solver",
        Kind.CODE,
        "auto, highs or cbc",
        "MIP solver: HiGHS (through highspy) or CBC (bundled with PuLP); auto prefers HiGHS.",
        "auto",
        lambda v: v in {"auto", "highs", "cbc"},
    ),
    SettingSpec(
        "time_limit_seconds",
        Kind.NUMBER,
        "a number of seconds > 0 and <= 604,800 (a week)",
        "Time budget of the whole solve (LP bound, restricted MIP, full MIP).",
        "50",
        lambda v: 0 < v <= 604_800,
    ),
    SettingSpec(
        "mip_gap",
        Kind.NUMBER,
        "a number >= 0 and < 1 (0.005 means 0.5 %)",
        "Relative MIP gap at which the solver stops.",
        "0.005",
        lambda v: 0 <= v < 1,
    ),
    SettingSpec(
        "threads",
        Kind.INTEGER,
        "a whole number from 1 to 256",
        "Solver threads (default: the solver's choice).",
        "solver default",
        lambda v: 1 <= v <= 256,
    ),
    SettingSpec(
        "interval_minutes",
        Kind.INTEGER,
        "15, 30 or 60",
        "Interval length; overrides the length inferred from demand.",
        "inferred",
        lambda v: v in ALLOWED_INTERVAL_MINUTES,
    ),
    SettingSpec(
        "week_start",
        Kind.DATETIME,
        "a date-time such as 2026-03-23 00:00 (UTC)",
        "Start of the planning horizon (UTC). Default: 00:00 UTC of the first day with demand.",
        "00:00 UTC of the first demand day",
    ),
    SettingSpec(
        "weeks_per_year",
        Kind.NUMBER,
        "a number > 0 and <= 53",
        "Weeks used to annualise weekly cost.",
        "52",
        lambda v: 0 < v <= 53,
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTING_SPECS}
SETTINGS_BY_KEY = {normalize_name(s.name): s for s in SETTING_SPECS}


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read, type and validate an input workbook or CSV folder.

    Raises :class:`InputError` listing every error found. Warnings and notes travel on
    the returned scenario (``Scenario.warnings`` / ``Scenario.notes``).
    """
    book = read_book(path)
    return build_scenario(book)


def build_scenario(book: RawBook) -> Scenario:
    log = ProblemLog()
    log.extend(book.problems)
    for key, raw in book.tables.items():
        if key not in SHEETS_BY_KEY and key not in DOCUMENTATION_SHEETS:
            log.add(Problem(raw.file, f"unknown sheet '{raw.sheet}' is ignored", severity=Severity.NOTE))

    tables: dict[str, TypedTable] = {}
    for spec in SHEETS:
        found = book.tables.get(re.sub(r"[^0-9a-z]", "", spec.name))
        if found is None:
            if spec.required:
                log.add(
                    Problem(
                        book.file,
                        f"missing required sheet '{spec.name}'",
                        expected=f"a sheet named '{spec.name}'"
                        + (f" (or a file {spec.name}.csv)" if book.kind == "csv" else ""),
                    )
                )
            continue
        typed = type_table(found, spec, log.problems)
        if typed is None:
            continue
        if typed.frame.empty and spec.required:
            log.add(
                Problem(
                    found.file,
                    "the sheet has a header but no data rows",
                    sheet=found.sheet,
                    expected="at least one data row",
                )
            )
            continue
        duplicate_problems(typed, log.problems)
        tables[spec.name] = typed

    if (
        "pools" not in tables
        and "agents" not in tables
        and "pools" not in _present(book)
        and "agents" not in _present(book)
    ):
        log.add(
            Problem(
                book.file, "missing required sheet 'pools'", expected="a sheet named 'pools' (or an 'agents' sheet)"
            )
        )
    elif "pools" in tables and "agents" not in tables and tables["pools"].frame.empty:
        t = tables["pools"]
        log.add(
            Problem(t.file, "the sheet has a header but no data rows", sheet=t.sheet, expected="at least one data row")
        )

    settings = _settings(tables.get("settings"), log)
    channels = _channels(tables.get("channels"))
    sites = _sites(tables.get("sites"), log)
    pools, agents = _pools(tables.get("pools"), tables.get("agents"), sites, channels, log)
    shifts, defaulted = _shifts(tables.get("shifts"), sites, book, log)
    log.extend(
        [
            p
            for sheet in ("sites", "pools", "shifts")
            for p in name_collisions(tables.get(sheet), sheet[:-1], sheet[:-1])
        ]
    )
    targets = _targets(tables.get("targets"), channels, log)
    demand, horizon = _demand(tables.get("demand"), channels, settings, log)

    if demand is not None and not log.errors:
        _coverage_warnings(demand, pools, targets, book, log)
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

    order = {spec.name: i for i, spec in enumerate(SHEETS)}
    log.problems.sort(
        key=lambda p: (
            p.sheet is not None,
            order.get(_sheet_key(p.sheet), 99),
            p.row or 0,
            _column_rank(p.sheet, p.column),
        )
    )
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
        warnings=tuple(p.describe() for p in log.warnings),
        notes=tuple(p.describe() for p in log.notes),
    )


def _sheet_key(sheet: str | None) -> str:
    key = re.sub(r"[^0-9a-z]", "", (sheet or "").lower())
    spec = SHEETS_BY_KEY.get(key)
    return spec.name if spec else key


def _column_rank(sheet: str | None, column: str | None) -> int:
    spec = SHEETS_BY_KEY.get(re.sub(r"[^0-9a-z]", "", (sheet or "").lower()))
    if spec is None or column is None:
        return -1
    names = [c.name for c in spec.columns]
    first = column.split(",")[0].strip()
    return names.index(first) if first in names else len(names)


def _present(book: RawBook) -> set[str]:
    return {spec.name for spec in SHEETS if re.sub(r"[^0-9a-z]", "", spec.name) in book.tables}


# --------------------------------------------------------------------------- settings


def _settings(table: TypedTable | None, log: ProblemLog) -> Settings:
    if table is None:
        return Settings()
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
            value = _night(raw) if spec.name == "night_hours" else parse_cell(spec.kind, raw)
            ok = spec.check(value)
        except ParseError:
            ok = False
        if not ok:
            log.add(
                Problem.cell(table.file, table.sheet, row, "value", raw, f"{spec.expected} for setting '{spec.name}'")
            )
            continue
        values[spec.name] = value
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        if name == "night_hours":
            kwargs["night_start"], kwargs["night_end"] = value
        elif name == "solver":
            kwargs["solver"] = SolverChoice(value)
        elif name in (
            "shrinkage",
            "max_occupancy",
            "deferred_max_occupancy",
            "concurrency_efficiency",
            "under_coverage_penalty",
            "time_limit_seconds",
            "mip_gap",
            "weeks_per_year",
        ):
            kwargs[name] = float(value)
        else:
            kwargs[name] = value
    return Settings(**kwargs)


# --------------------------------------------------------------------------- small tables


def _channels(table: TypedTable | None) -> dict[str, Channel]:
    out: dict[str, Channel] = {}
    if table is None:
        return out
    for _, r in table.frame.iterrows():
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
            patience_minutes=None if r["patience_minutes"] is None else float(r["patience_minutes"]),
            deferrable=bool(r["deferrable"]),
            bot_deflection=float(r["bot_deflection"]),
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
            max_agents=None if r["max_agents"] is None else int(r["max_agents"]),
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
    pools: dict[str, Pool] = {}
    if pools_t is not None:
        for _, r in pools_t.frame.iterrows():
            row = int(r["row"])
            _check_site(pools_t, row, r["site"], sites, log)
            _check_channel_list(pools_t, row, r["channels"], channels, log)
            if row in pools_t.bad:
                continue
            pools[r["pool"]] = Pool(
                name=r["pool"],
                site=r["site"],
                languages=r["languages"],
                channels=r["channels"],
                available=None if r["available"] is None else int(r["available"]),
                hourly_cost=None if r["hourly_cost"] is None else float(r["hourly_cost"]),
            )
    agents: list[Agent] = []
    if agents_t is not None:
        for _, r in agents_t.frame.iterrows():
            row = int(r["row"])
            _check_site(agents_t, row, r["site"], sites, log)
            _check_channel_list(agents_t, row, r["channels"], channels, log)
            if row in agents_t.bad:
                continue
            agents.append(
                Agent(
                    name=r["agent"],
                    site=r["site"],
                    languages=r["languages"],
                    channels=r["channels"],
                    weekly_hours=None if r["weekly_hours"] is None else float(r["weekly_hours"]),
                    hourly_cost=None if r["hourly_cost"] is None else float(r["hourly_cost"]),
                    row=row,
                )
            )
        groups: dict[tuple[Any, ...], list[Agent]] = {}
        for a in agents:
            key = (a.site, tuple(sorted(a.languages)), None if a.channels is None else tuple(sorted(a.channels)))
            groups.setdefault(key, []).append(a)
        for (site, langs, chans), members in sorted(groups.items(), key=lambda kv: str(kv[0])):
            name = "agents:" + site + ":" + "+".join(langs) + ("" if chans is None else ":" + "+".join(chans))
            if name in pools:
                log.add(
                    Problem(
                        agents_t.file,
                        f"pool '{name}' derived from agents clashes with a pool of the same name",
                        sheet=agents_t.sheet,
                        expected="distinct pool names",
                    )
                )
                continue
            site_cost = sites[site].hourly_cost if site in sites else 0.0
            costs = [a.hourly_cost if a.hourly_cost is not None else site_cost for a in members]
            pools[name] = Pool(
                name=name,
                site=site,
                languages=members[0].languages,
                channels=members[0].channels,
                available=len(members),
                hourly_cost=float(np.mean(costs)) if any(a.hourly_cost is not None for a in members) else None,
            )
    return pools, agents


def _shifts(
    table: TypedTable | None, sites: dict[str, Site], book: RawBook, log: ProblemLog
) -> tuple[list[ShiftTemplate], bool]:
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
    site_list = ", ".join(sorted(sites)) or "none"
    for _, r in table.frame.iterrows():
        row = int(r["row"])
        paid, length = r["paid_hours"], r["length_hours"]
        if isinstance(paid, float) and isinstance(length, float) and row not in table.bad and length < paid:
            log.add(
                Problem.cell(
                    table.file,
                    table.sheet,
                    row,
                    "length_hours",
                    length,
                    f"a number of hours at least paid_hours ({paid:g}); the difference is the unpaid break",
                )
            )
            table.bad.add(row)
        if r["sites"] is not None and sites:
            unknown = [s for s in r["sites"] if s not in sites]
            if unknown:
                log.add(
                    Problem.cell(
                        table.file,
                        table.sheet,
                        row,
                        "sites",
                        ", ".join(r["sites"]),
                        f"sites listed in the sites sheet ({site_list}); unknown: {', '.join(unknown)}",
                    )
                )
                table.bad.add(row)
        if row in table.bad:
            continue
        out.append(
            ShiftTemplate(
                name=r["shift"],
                paid_hours=float(paid),
                length_hours=float(length),
                earliest_start=r["earliest_start"],
                latest_start=r["latest_start"],
                start_step_minutes=None if r["start_step_minutes"] is None else int(r["start_step_minutes"]),
                sites=r["sites"],
            )
        )
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


def _targets(table: TypedTable | None, channels: dict[str, Channel], log: ProblemLog) -> list[TargetOverride]:
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
        if row in table.bad:
            continue
        if r["target_minutes"] is None and r["service_level"] is None:
            log.add(
                Problem(
                    table.file,
                    "row overrides nothing (target_minutes and service_level are blank); ignored",
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
                target_minutes=None if r["target_minutes"] is None else float(r["target_minutes"]),
                service_level=None if r["service_level"] is None else float(r["service_level"]),
                row=row,
            )
        )
    return out


# --------------------------------------------------------------------------- demand


def _demand(
    table: TypedTable | None, channels: dict[str, Channel], settings: Settings, log: ProblemLog
) -> tuple[pd.DataFrame | None, Horizon | None]:
    if table is None or table.frame.empty:
        return None, None
    f = table.frame
    known = ", ".join(sorted(channels)) or "none"
    if channels:
        unknown = f["channel"].notna() & ~f["channel"].isin(list(channels)) & ~f["row"].isin(table.bad)
        for idx in f.index[unknown.to_numpy()]:
            row = int(f.at[idx, "row"])
            log.add(
                Problem.cell(
                    table.file,
                    table.sheet,
                    row,
                    "channel",
                    f.at[idx, "channel"],
                    f"a channel listed in the channels sheet ({known})",
                )
            )
            table.bad.add(row)
    good = f[~f["row"].isin(table.bad)]
    if good.empty:
        return None, None

    starts = pd.to_datetime(pd.Series(list(good["interval_start"]), index=good.index), utc=True)
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    minutes = ((starts - epoch) // pd.Timedelta(minutes=1)).to_numpy(dtype=np.int64)  # minutes since the epoch
    rows = good["row"].to_numpy()

    def flag(mask: np.ndarray, expected: str) -> None:
        for r, m in zip(rows[mask], minutes[mask], strict=True):
            log.add(Problem.cell(table.file, table.sheet, int(r), "interval_start", _show_minutes(int(m)), expected))

    if settings.week_start is not None:
        ref = int(pd.Timestamp(settings.week_start).value // 60_000_000_000)
        early = minutes < ref
        flag(early, f"a date-time at or after the week_start setting ({_show_minutes(ref)} UTC)")
        keep = ~early
        minutes, rows, good = minutes[keep], rows[keep], good[keep]
        if len(minutes) == 0:
            return None, None
    else:
        # the horizon starts at 00:00 UTC of the first day with demand
        ref = int(minutes.min()) // (24 * 60) * (24 * 60)

    rel = minutes - ref
    if settings.interval_minutes is not None:
        length = settings.interval_minutes
        how = "set by the interval_minutes setting"
    else:
        series = zip(good["language"], good["channel"], good["tier"].fillna(DEFAULT_TIER), strict=True)
        guess = infer_interval(rel, series)
        if guess.coarser is not None:
            log.add(_mixed_lengths(table, guess))
            return None, None
        length, how = guess.length, "inferred from the data"
        if settings.week_start is None and guess.phase:  # e.g. hourly stamps at :15 (a +05:45 site)
            ref, rel = ref + guess.phase, rel - guess.phase
    load_problems = offered_load_problems(table.file, table.sheet, good, channels, length)
    if load_problems:
        log.extend(load_problems)
        return None, None
    misaligned = rel % length != 0
    flag(
        misaligned,
        f"a start aligned to the {length}-minute intervals of this file ({how}), counted from {_show_minutes(ref)} UTC",
    )
    span_weeks = int(math.ceil((int(rel.max()) + length) / (7 * 24 * 60)))
    if span_weeks > MAX_WEEKS:
        limit = ref + MAX_WEEKS * 7 * 24 * 60
        late = minutes >= limit
        for r, m in zip(rows[late], minutes[late], strict=True):
            log.add(
                Problem.cell(
                    table.file,
                    table.sheet,
                    int(r),
                    "interval_start",
                    _show_minutes(int(m)),
                    f"a date-time before {_show_minutes(limit)} UTC "
                    f"(at most {MAX_WEEKS} weeks from {_show_minutes(ref)})",
                )
            )
        return None, None
    if misaligned.any():
        return None, None

    start = dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=ref)
    horizon = Horizon(start=start, interval_minutes=length, weeks=max(1, span_weeks))
    demand = pd.DataFrame(
        {
            "interval": (rel // length).astype("int64"),
            "interval_start": starts.loc[good.index].dt.tz_convert("UTC").to_numpy(),
            "language": good["language"].astype(str).to_numpy(),
            "channel": good["channel"].astype(str).to_numpy(),
            "tier": good["tier"].fillna(DEFAULT_TIER).astype(str).to_numpy(),
            "contacts": good["contacts"].astype(float).to_numpy(),
        }
    )
    demand["interval_start"] = pd.to_datetime(demand["interval_start"], utc=True)
    demand = demand.sort_values(["interval", "language", "channel", "tier"], kind="mergesort").reset_index(drop=True)
    return demand, horizon


def _mixed_lengths(table: TypedTable, guess: IntervalGuess) -> Problem:
    return Problem(
        table.file,
        f"the interval length is ambiguous: the stamps are {guess.length} minutes apart, but some "
        f"language/channel/tier has rows exactly every {guess.coarser} minutes",
        sheet=table.sheet,
        column="interval_start",
        expected="one interval length for the whole file; state it with the interval_minutes setting",
    )


def _show_minutes(m: int) -> str:
    return (dt.datetime(1970, 1, 1) + dt.timedelta(minutes=m)).strftime("%Y-%m-%d %H:%M")


def _coverage_warnings(
    demand: pd.DataFrame,
    pools: dict[str, Pool],
    targets: list[TargetOverride],
    book: RawBook,
    log: ProblemLog,
) -> None:
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
