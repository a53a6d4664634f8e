"""The sheet/column contract and cell parsing: every sheet and column, how a cell is parsed, which values are valid.

The specs below are the single source of truth for the workbook layout. They drive
validation here, the template written by ``planner init`` and the input reference in the README.

Validation of one table happens in two passes, collecting every problem (never only the first):

1. each cell is parsed into its type (number, date-time, list, clock time, yes/no ...);
2. the parsed numbers are checked against their column's range (``Column.checks``), and a
   repeated key (``Sheet.key``) is reported with the row it repeats.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import reduce
from typing import Any

import pandas as pd

from planner.errors import Problem, ProblemLog, Severity
from planner.inputs.read import RawBook, RawTable, control_characters, is_unreadable, normalize_name


class Kind(StrEnum):
    """How a cell is parsed."""

    TEXT = "text"
    CODE = "code"  # text, lower-cased (languages, channels, tiers)
    KEY = "key"  # a name matched like headers: lower-cased, spaces and hyphens as underscores
    NUMBER = "number"
    INTEGER = "integer"
    SHARE = "share"  # a number 0..1; '80%' is accepted
    DATETIME = "datetime"
    CLOCK = "clock"  # HH:MM
    BOOL = "yes/no"
    LIST = "list"  # comma/semicolon/slash/space separated codes
    WEEKDAYS = "weekdays"  # a list of weekday names -> Monday = 0 ... Sunday = 6
    DATES = "dates"  # a date cell, or a comma/semicolon/space separated list of ISO dates
    RAW = "raw"


@dataclass(frozen=True)
class Column:
    """One column of one sheet."""

    name: str
    kind: Kind
    expected: str
    description: str
    required: bool = True  # the column must be present
    blank_ok: bool = False  # a blank cell is allowed (means the default)
    default: Any = None
    unit: str = ""
    example: Any = None
    checks: tuple[Callable[[pd.Series], pd.Series], ...] = ()  # every one must hold for a non-blank value

    @property
    def key(self) -> str:
        return normalize_name(self.name)


@dataclass(frozen=True)
class Sheet:
    """One sheet of the input workbook (or one CSV file of a folder)."""

    name: str
    description: str
    columns: tuple[Column, ...]
    required: bool = True
    key: tuple[str, ...] = ()
    key_text: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def at_least(bound: float) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s >= bound


def above(bound: float) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s > bound


def at_most(bound: float) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s <= bound


def below(bound: float) -> Callable[[pd.Series], pd.Series]:
    return lambda s: s < bound


NONNEG = (at_least(0),)
POSITIVE = (above(0),)
SHARE_OPEN = (above(0), at_most(1))

# Upper bounds where the maths needs them: beyond these, floating point stops resolving the staffing
# search, costs overflow the solver's tolerances, or dates leave what the calendar code can represent.
#: Most contacts in one interval.
MAX_CONTACTS = 1_000_000
#: Longest handle time and patience (a day), and longest first-response target (a week), in minutes.
MAX_HANDLE_MINUTES = 1440
MAX_TARGET_MINUTES = 10080
#: Most contacts one agent works at once.
MAX_CONCURRENCY = 100
#: Highest cost of a paid hour, and highest premium share.
MAX_HOURLY_COST = 1_000_000
MAX_PREMIUM = 10
#: Largest headcount cap.
MAX_HEADCOUNT = 1_000_000
#: Years a date-time may fall in.
MIN_YEAR, MAX_YEAR = 1900, 2199

COST = (*NONNEG, at_most(MAX_HOURLY_COST))
PREMIUM = (*NONNEG, at_most(MAX_PREMIUM))
HEADCOUNT = (*NONNEG, at_most(MAX_HEADCOUNT))

DATETIME_EXPECTED = (
    f"a date-time in the years {MIN_YEAR}-{MAX_YEAR} such as 2026-03-23 14:00 (UTC) or 2026-03-23T23:00+09:00"
)
LANG_LIST = "a list of language codes such as 'ja, en'"

DEMAND = Sheet(
    name="demand",
    description="Forecast contacts per interval, language, channel and tier. Missing rows mean zero demand.",
    key=("interval_start", "language", "channel", "tier"),
    key_text="each interval, language, channel and tier once",
    columns=(
        Column(
            "interval_start",
            Kind.DATETIME,
            DATETIME_EXPECTED,
            "Start of the interval. Values without an offset are UTC; values with an offset or Z are converted to UTC. "
            "The interval length (15, 30 or 60 minutes) is inferred from the spacing of the stamps, one length per "
            "file (hourly stamps at :15 are hourly); when series are spaced differently, set interval_minutes.",
            unit="date-time",
            example=dt.datetime(2026, 3, 23, 9, 0),
        ),
        Column(
            "language",
            Kind.CODE,
            "a language code such as en or ja",
            "Language code; normalised to lower case.",
            example="en",
        ),
        Column(
            "channel",
            Kind.CODE,
            "a channel name listed in the channels sheet",
            "Channel; must exist in the channels sheet.",
            example="chat",
        ),
        Column(
            "tier",
            Kind.CODE,
            "blank or a tier name such as standard or vip",
            "Customer tier. Blank means 'standard'.",
            required=False,
            blank_ok=True,
            default="standard",
            example="standard",
        ),
        Column(
            "contacts",
            Kind.NUMBER,
            f"a number >= 0 and <= {MAX_CONTACTS:,}",
            "Forecast arrivals in the interval (may be fractional).",
            unit="contacts per interval",
            example=42.5,
            checks=(*NONNEG, at_most(MAX_CONTACTS)),
        ),
    ),
)

CHANNELS = Sheet(
    name="channels",
    description="Each contact channel and its first-response promise.",
    key=("channel",),
    key_text="each channel once",
    columns=(
        Column(
            "channel", Kind.CODE, "a channel name", "Channel name, e.g. chat, phone, email, social.", example="chat"
        ),
        Column(
            "handle_minutes",
            Kind.NUMBER,
            f"a number of minutes > 0 and <= {MAX_HANDLE_MINUTES}",
            "Average handling time of the first response.",
            unit="minutes",
            example=9,
            checks=(*POSITIVE, at_most(MAX_HANDLE_MINUTES)),
        ),
        Column(
            "target_minutes",
            Kind.NUMBER,
            f"a number of minutes > 0 and <= {MAX_TARGET_MINUTES}",
            "First-response target: answer within this many minutes.",
            unit="minutes",
            example=1,
            checks=(*POSITIVE, at_most(MAX_TARGET_MINUTES)),
        ),
        Column(
            "service_level",
            Kind.SHARE,
            "a share > 0 and <= 1 (e.g. 0.8 or 80%)",
            "Share of contacts that must get a first response within the target.",
            unit="share",
            example=0.8,
            checks=SHARE_OPEN,
        ),
        Column(
            "concurrency",
            Kind.INTEGER,
            f"a whole number from 1 to {MAX_CONCURRENCY}",
            "Contacts an agent works at once (chat). Blank means 1.",
            required=False,
            blank_ok=True,
            default=1,
            example=2,
            checks=(at_least(1), at_most(MAX_CONCURRENCY)),
        ),
        Column(
            "patience_minutes",
            Kind.NUMBER,
            f"blank or a number of minutes > 0 and <= {MAX_HANDLE_MINUTES}",
            "Mean time before a waiting customer abandons. Blank means nobody abandons (Erlang C); "
            "a value selects Erlang A.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example=4,
            checks=(*POSITIVE, at_most(MAX_HANDLE_MINUTES)),
        ),
        Column(
            "deferrable",
            Kind.BOOL,
            "yes or no",
            "yes: the work may wait in a backlog (email, tickets, social) and is staffed to finish within the target. "
            "Blank means no.",
            required=False,
            blank_ok=True,
            default=False,
            example="no",
        ),
        Column(
            "bot_deflection",
            Kind.SHARE,
            "blank or a share >= 0 and < 1",
            "Share of contacts resolved by a bot before an agent is needed. Blank means 0.",
            required=False,
            blank_ok=True,
            default=0.0,
            unit="share",
            example=0.25,
            checks=(at_least(0), below(1)),
        ),
        Column(
            "tiers_share_agents",
            Kind.BOOL,
            "yes or no",
            "yes: the channel's tiers (standard, vip ...) are served by the same agents, higher priority first "
            "(rank in the targets sheet's priority column), and staffed together; no: each tier is its own queue, "
            "as on a separate desk. Blank means no.",
            required=False,
            blank_ok=True,
            default=False,
            example="no",
        ),
        Column(
            "service_level_scope",
            Kind.CODE,
            "blank, interval, day or week",
            "Period over which the service level is promised (live channels): interval (every interval meets it), "
            "day (each UTC day's contacts answered in time, as a share, meet it) or week. With day or week the roster "
            "may staff some intervals below target and others above. Blank means interval.",
            required=False,
            blank_ok=True,
            default="interval",
            example="interval",
        ),
        Column(
            "clock",
            Kind.TEXT,
            "blank or a calendar listed in the calendars sheet",
            "Clock of the response target: blank is the wall clock; a calendar name counts only its business hours "
            "(deferrable channels: 'within 1 working day'), switches to holiday_target_minutes for contacts arriving "
            "on its holidays and applies its holiday demand factors (any channel).",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "holiday_target_minutes",
            Kind.NUMBER,
            "blank or a number of minutes > 0",
            "Target for contacts arriving on a holiday of the channel's clock (deferrable channels). Blank: the usual "
            "target.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example="",
            checks=POSITIVE,
        ),
        Column(
            "min_interval_service_level",
            Kind.SHARE,
            "blank or a share >= 0 and at most the service_level",
            "With a day or week scope: the service level every interval must still reach (e.g. 0.5), so no hour is "
            "abandoned. Blank means 0.",
            required=False,
            blank_ok=True,
            default=0.0,
            unit="share",
            example="",
            checks=(at_least(0), at_most(1)),
        ),
    ),
)

TARGETS = Sheet(
    name="targets",
    description="Overrides of a channel's promise (target_minutes, service_level, and its scope, floor, clock and "
    "holiday target) for a language, channel and/or tier (e.g. stricter targets for vip). Blank language, channel or "
    "tier means all; a blank value keeps the channel's. Per column, the most specific matching row wins.",
    required=False,
    key=("language", "channel", "tier"),
    key_text="each language, channel and tier combination once",
    columns=(
        Column(
            "language",
            Kind.CODE,
            "blank or a language code",
            "Language (blank: all).",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "channel",
            Kind.CODE,
            "blank or a channel name listed in the channels sheet",
            "Channel (blank: all).",
            required=False,
            blank_ok=True,
            example="chat",
        ),
        Column(
            "tier",
            Kind.CODE,
            "blank or a tier name",
            "Tier (blank: all).",
            required=False,
            blank_ok=True,
            example="vip",
        ),
        Column(
            "target_minutes",
            Kind.NUMBER,
            f"blank or a number of minutes > 0 and <= {MAX_TARGET_MINUTES}",
            "Overriding target (blank: keep the channel's).",
            required=False,
            blank_ok=True,
            unit="minutes",
            example=0.5,
            checks=(*POSITIVE, at_most(MAX_TARGET_MINUTES)),
        ),
        Column(
            "service_level",
            Kind.SHARE,
            "blank or a share > 0 and <= 1",
            "Overriding service level (blank: keep the channel's).",
            required=False,
            blank_ok=True,
            unit="share",
            example=0.9,
            checks=SHARE_OPEN,
        ),
        Column(
            "priority",
            Kind.INTEGER,
            "blank or a whole number >= 1",
            "Rank of the tier where the channel's tiers share agents (tiers_share_agents = yes): 1 is served first; "
            "tiers with the same rank wait in one line; tiers without a rank are served after every ranked tier. "
            "The row must name a tier. Blank: no rank.",
            required=False,
            blank_ok=True,
            example="",
            checks=(at_least(1),),
        ),
        Column(
            "service_level_scope",
            Kind.CODE,
            "blank, interval, day or week",
            "Period over which the matching live queues' service level is promised (as the channels sheet's column). "
            "Blank: the channel's.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "min_interval_service_level",
            Kind.SHARE,
            "blank or a share >= 0 and at most the queue's service_level",
            "With a day or week scope: the service level every interval of the matching queues must still reach. "
            "Blank: the channel's.",
            required=False,
            blank_ok=True,
            unit="share",
            example="",
            checks=(at_least(0), at_most(1)),
        ),
        Column(
            "clock",
            Kind.TEXT,
            "blank, wall or a calendar listed in the calendars sheet",
            "Clock of the matching queues' target: wall (the wall clock) or a calendar name, as the channels sheet's "
            "column. Blank: the channel's.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "holiday_target_minutes",
            Kind.NUMBER,
            "blank or a number of minutes > 0",
            "Target for contacts of the matching queues arriving on a holiday of their clock. Blank: the channel's.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example="",
            checks=POSITIVE,
        ),
    ),
)

SITES = Sheet(
    name="sites",
    description="Sites (locations), each with its own time zone, wage and premiums.",
    key=("site",),
    key_text="each site once",
    columns=(
        Column("site", Kind.TEXT, "a site name", "Site name.", example="tokyo"),
        Column(
            "timezone",
            Kind.TEXT,
            "an IANA time zone name such as Asia/Tokyo",
            "IANA time zone of the site; shift windows are in this local time.",
            example="Asia/Tokyo",
        ),
        Column(
            "hourly_cost",
            Kind.NUMBER,
            f"a number >= 0 and <= {MAX_HOURLY_COST:,}",
            "Cost per paid hour, in the settings currency.",
            unit="currency per paid hour",
            example=32,
            checks=COST,
        ),
        Column(
            "night_premium",
            Kind.NUMBER,
            f"blank or a share >= 0 and <= {MAX_PREMIUM} (0.25 means +25 %)",
            "Extra share paid for hours in the local night window (settings night_hours). Blank means 0.",
            required=False,
            blank_ok=True,
            default=0.0,
            unit="share",
            example=0.25,
            checks=PREMIUM,
        ),
        Column(
            "weekend_premium",
            Kind.NUMBER,
            f"blank or a share >= 0 and <= {MAX_PREMIUM} (0.25 means +25 %)",
            "Extra share paid for local Saturday and Sunday hours. Blank means 0.",
            required=False,
            blank_ok=True,
            default=0.0,
            unit="share",
            example=0.35,
            checks=PREMIUM,
        ),
        Column(
            "max_agents",
            Kind.INTEGER,
            f"blank or a whole number from 0 to {MAX_HEADCOUNT:,}",
            "Headcount cap of the site (people). Blank means no cap.",
            required=False,
            blank_ok=True,
            unit="people",
            example=400,
            checks=HEADCOUNT,
        ),
    ),
)

#: a pool's own wage
HOURLY_COST_OVERRIDE = Column(
    "hourly_cost",
    Kind.NUMBER,
    f"blank or a number >= 0 and <= {MAX_HOURLY_COST:,}",
    "Cost per paid hour; overrides the site's.",
    required=False,
    blank_ok=True,
    unit="currency per paid hour",
    example="",
    checks=COST,
)

#: an agent's own wage: the roster prices a derived pool at one rate, the mean of its agents'
AGENT_HOURLY_COST = replace(
    HOURLY_COST_OVERRIDE,
    description="Cost per paid hour; overrides the site's. The roster prices every person of a derived pool "
    "(and its hires) at the mean of its agents' rates; a warning names the pools whose agents' rates differ.",
)

POOLS = Sheet(
    name="pools",
    description="Groups of interchangeable agents at one site with the same languages and channels. "
    "Required unless an agents sheet is given.",
    required=False,
    key=("pool",),
    key_text="each pool once",
    columns=(
        Column("pool", Kind.TEXT, "a pool name", "Pool name.", example="tokyo_ja_en"),
        Column("site", Kind.TEXT, "a site listed in the sites sheet", "Site of the pool.", example="tokyo"),
        Column(
            "languages",
            Kind.LIST,
            LANG_LIST,
            "Languages the agents speak; separators comma, semicolon, slash or space.",
            example="ja, en",
        ),
        Column(
            "channels",
            Kind.LIST,
            "blank (all channels) or a list of channel names",
            "Channels the agents work. Blank means all.",
            required=False,
            blank_ok=True,
            example="chat, email",
        ),
        Column(
            "available",
            Kind.INTEGER,
            f"blank (hire as needed) or a whole number from 0 to {MAX_HEADCOUNT:,}",
            "Headcount cap (people); each works at most shifts_per_week shifts. Blank means as many as needed (hire).",
            required=False,
            blank_ok=True,
            unit="people",
            example=30,
            checks=HEADCOUNT,
        ),
        HOURLY_COST_OVERRIDE,
        Column(
            "calendar",
            Kind.TEXT,
            "blank or a calendar listed in the calendars sheet",
            "Calendar whose holidays the pool observes: on a holiday with an available_share, at most that share of "
            "the pool's available people (rounded down) work a shift starting on that date (the site's local date). "
            "Needs available. Blank: no holidays.",
            required=False,
            blank_ok=True,
            example="",
        ),
    ),
)

#: Weekday names, Monday first; a cell may use the first three letters or the whole name.
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_LIST = "blank or weekday names (mon, tue, wed, thu, fri, sat, sun), comma separated"

AGENTS = Sheet(
    name="agents",
    description="Named people (optional). When present, pools are derived from agents with the same site, "
    "languages and channels, with available = their count.",
    required=False,
    key=("agent",),
    key_text="each agent once",
    columns=(
        Column("agent", Kind.TEXT, "a name or employee id", "Agent name or id.", example="A-1001"),
        Column("site", Kind.TEXT, "a site listed in the sites sheet", "Site of the agent.", example="lisbon"),
        Column("languages", Kind.LIST, LANG_LIST, "Languages the agent speaks.", example="pt, es, en"),
        Column(
            "channels",
            Kind.LIST,
            "blank (all channels) or a list of channel names",
            "Channels the agent works. Blank means all.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "weekly_hours",
            Kind.NUMBER,
            "blank or a number of hours > 0 and <= 168",
            "Contracted paid hours per week.",
            required=False,
            blank_ok=True,
            unit="hours",
            example=40,
            checks=(above(0), at_most(168)),
        ),
        AGENT_HOURLY_COST,
        Column(
            "days_off",
            Kind.WEEKDAYS,
            WEEKDAY_LIST,
            "Weekdays the agent never works. Blank means none; at most 7 - shifts_per_week days.",
            required=False,
            blank_ok=True,
            example="sat, sun",
        ),
        Column(
            "unavailable",
            Kind.DATES,
            "blank or dates inside the horizon (YYYY-MM-DD, comma separated)",
            "Local dates the agent cannot work (leave, training). Blank means none.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "earliest_start",
            Kind.CLOCK,
            "blank or a local clock time HH:MM",
            "Earliest local start time of the agent's shifts. Blank means no limit.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "latest_start",
            Kind.CLOCK,
            "blank or a local clock time HH:MM, not before earliest_start",
            "Latest local start time of the agent's shifts. Blank means no limit.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "max_nights",
            Kind.INTEGER,
            "blank or a whole number >= 0",
            "Most night shifts a week for this agent. Blank means the max_nights_per_week setting alone.",
            required=False,
            blank_ok=True,
            example="",
            checks=NONNEG,
        ),
        Column(
            "preferred_days_off",
            Kind.WEEKDAYS,
            WEEKDAY_LIST,
            "Weekdays the agent would like off: a preference, met where the roster allows. Blank means none.",
            required=False,
            blank_ok=True,
            example="",
        ),
    ),
)

SHIFTS = Sheet(
    name="shifts",
    description="Shift templates. When the sheet is absent a default applies: 'full_time', 8 paid hours in a 9-hour "
    "shift (1 h unpaid break), starting on any hour of the day at every site.",
    required=False,
    key=("shift",),
    key_text="each shift once",
    columns=(
        Column("shift", Kind.TEXT, "a shift name", "Template name.", example="day"),
        Column(
            "paid_hours",
            Kind.NUMBER,
            "a number of hours > 0 and <= 24",
            "Paid hours of the shift. With break_minutes, from length_hours - break_minutes / 60 (an unpaid "
            "break) to length_hours (a wholly paid break).",
            unit="hours",
            example=8,
            checks=(above(0), at_most(24)),
        ),
        Column(
            "length_hours",
            Kind.NUMBER,
            "a number of hours > 0 and <= 24, at least paid_hours",
            "Elapsed length, break included. The break lasts break_minutes (blank: the difference to paid_hours, "
            "an unpaid break) and is placed by the roster within the break window (break_earliest_minutes to "
            "break_latest_minutes).",
            unit="hours",
            example=9,
            checks=(above(0), at_most(24)),
        ),
        Column(
            "earliest_start",
            Kind.CLOCK,
            "a local clock time HH:MM",
            "Earliest local start time at the site.",
            example="06:00",
        ),
        Column(
            "latest_start",
            Kind.CLOCK,
            "a local clock time HH:MM",
            "Latest local start time; a window may wrap past midnight (22:00 to 02:00).",
            example="12:00",
        ),
        Column(
            "start_step_minutes",
            Kind.INTEGER,
            "blank or a whole number of minutes from 1 to 1440",
            "Minutes between allowed starts. Blank means the interval length.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example=60,
            checks=(at_least(1), at_most(1440)),
        ),
        Column(
            "sites",
            Kind.LIST,
            "blank (all sites) or a list of sites from the sites sheet",
            "Sites where the template may be used. Blank means all.",
            required=False,
            blank_ok=True,
            example="",
        ),
        Column(
            "break_earliest_minutes",
            Kind.INTEGER,
            "blank or a whole number of minutes from 0, at most break_latest_minutes",
            "Earliest start of the break, in minutes after the shift start. Blank means 60 minutes before "
            "the mid-shift break start (not before the shift start).",
            required=False,
            blank_ok=True,
            unit="minutes",
            example=180,
            checks=(at_least(0), at_most(1440)),
        ),
        Column(
            "break_latest_minutes",
            Kind.INTEGER,
            "blank or a whole number of minutes, at most length_hours x 60 - the break",
            "Latest start of the break, in minutes after the shift start (the break ends within the shift). "
            "Blank means 60 minutes after the mid-shift break start.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example=300,
            checks=(at_least(0), at_most(1440)),
        ),
        Column(
            "break_minutes",
            Kind.INTEGER,
            "blank or a whole number of minutes from 0, at most length_hours x 60",
            "Length of the break off the floor (not counted as coverage). Blank means length_hours - paid_hours "
            "(an unpaid break). Paid hours above length_hours - break_minutes / 60 pay that part of the break: "
            "a 9-hour shift with 8.5 paid hours and a 60-minute break pays half of each break minute.",
            required=False,
            blank_ok=True,
            unit="minutes",
            example="",
            checks=(at_least(0), at_most(1440)),
        ),
    ),
)

SETTINGS = Sheet(
    name="settings",
    description="Two columns, setting and value. Every setting is optional.",
    required=False,
    key=("setting",),
    key_text="each setting once",
    columns=(
        Column(
            "setting",
            Kind.KEY,
            "a setting name such as shrinkage or max_occupancy",
            "Setting name (see the settings table); matched like headers, ignoring case and spaces.",
            example="shrinkage",
        ),
        Column("value", Kind.RAW, "a value", "Setting value.", required=True, blank_ok=True, example=0.3),
    ),
)

CALENDARS = Sheet(
    name="calendars",
    description="Working-time clocks for channels (channels sheet, column clock): business hours per weekday in a "
    "time zone, and holidays. A row gives either business hours (days, open, close) or a holiday (holiday, "
    "optionally demand_factor). A calendar without business-hours rows runs around the clock. A holiday closes the "
    "business hours of its local date; contacts arriving on it get the channel's holiday_target_minutes.",
    required=False,
    columns=(
        Column("calendar", Kind.TEXT, "a calendar name other than wall",
               "Calendar name, as named in the channels sheet's clock.", example="office"),
        Column("timezone", Kind.TEXT, "an IANA time zone name such as Europe/Lisbon",
               "Time zone of the business hours and holiday dates (the same on every row of a calendar).",
               example="Europe/Lisbon"),
        Column("days", Kind.LIST, "blank or weekdays such as 'mon-fri' or 'sat, sun'",
               "Weekdays the hours apply to (mon, tue, wed, thu, fri, sat, sun; ranges such as mon-fri).",
               required=False, blank_ok=True, example="mon-fri"),
        Column("open", Kind.CLOCK, "blank or a local time such as 09:00", "Local opening time.",
               required=False, blank_ok=True, example="09:00"),
        Column("close", Kind.CLOCK, "blank or a local time after open, such as 17:00 (24:00 for midnight)",
               "Local closing time.", required=False, blank_ok=True, example="17:00"),
        Column("holiday", Kind.DATETIME, "blank or a date within the planning horizon such as 2026-03-25",
               "A holiday (local date of the calendar).", required=False, blank_ok=True, example=""),
        Column("demand_factor", Kind.NUMBER, "blank or a number >= 0",
               "On a holiday row: demand of the channels on this clock is multiplied by it on that date (e.g. 0.6). "
               "Blank means 1.", required=False, blank_ok=True, example="", checks=NONNEG),
        Column("available_share", Kind.SHARE, "blank or a share from 0 to 1",
               "On a holiday row: the share of the available people of each pool observing this calendar (pools "
               "sheet, column calendar) who may work that date, e.g. 0.5 for a half team. Blank means 1.",
               required=False, blank_ok=True, unit="share", example="", checks=(at_least(0), at_most(1))),
    ),
)  # fmt: skip

SHEETS: tuple[Sheet, ...] = (DEMAND, CHANNELS, TARGETS, SITES, POOLS, AGENTS, SHIFTS, SETTINGS, CALENDARS)
SHEETS_BY_KEY = {normalize_name(s.name): s for s in SHEETS}


# --------------------------------------------------------------------------- parsing cells

_LIST_SPLIT = re.compile(r"[,;/\s]+")
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})(?::(\d{2}))?\s*$")
_ISO_DT = re.compile(
    r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$",
    re.IGNORECASE,
)
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0"}


class ParseError(ValueError):
    """A cell could not be read as its column's type."""

    #: Said after the column's expectation, e.g. why an otherwise valid-looking text is refused.
    detail: str = ""


class ControlCharacters(ParseError):
    """Text holding NUL, line breaks or other control characters, which no workbook cell can hold."""

    def __init__(self, found: list[str]) -> None:
        super().__init__(found)
        self.detail = f" without control characters (this one holds {', '.join(found)})"


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise ParseError
    if isinstance(value, (int, float)):
        x = float(value)
    elif isinstance(value, str):
        text = value.strip().replace("\u2212", "-")
        if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", text):
            raise ParseError
        x = float(text)
    else:
        raise ParseError
    if math.isnan(x) or math.isinf(x):
        raise ParseError
    return x


def parse_datetime(value: Any) -> dt.datetime:
    """A date-time as UTC (aware), in the years MIN_YEAR to MAX_YEAR."""
    try:
        moment = _parse_datetime(value)
    except OverflowError:
        raise ParseError from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR:
        raise ParseError
    return moment


def _parse_datetime(value: Any) -> dt.datetime:
    """A date-time as UTC (aware). Naive values are UTC; offsets are converted."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    if isinstance(value, str):
        m = _ISO_DT.match(value)
        if not m:
            raise ParseError
        y, mo, d, hh, mm, ss, tz = m.groups()
        try:
            base = dt.datetime(int(y), int(mo), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            raise ParseError from None
        if tz is None:
            return base.replace(tzinfo=dt.UTC)
        if tz.upper() == "Z":
            return base.replace(tzinfo=dt.UTC)
        sign = 1 if tz[0] == "+" else -1
        digits = tz[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:])
        if hours > 23 or minutes > 59:
            raise ParseError
        offset = dt.timedelta(hours=hours, minutes=minutes) * sign
        return (base - offset).replace(tzinfo=dt.UTC)
    raise ParseError


def parse_clock(value: Any) -> dt.time:
    if isinstance(value, dt.datetime):
        raise ParseError
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    if isinstance(value, str):
        m = _CLOCK.match(value)
        if not m:
            raise ParseError
        hh, mm = int(m.group(1)), int(m.group(2))
        if hh == 24 and mm == 0:
            return dt.time(0, 0)
        if hh > 23 or mm > 59:
            raise ParseError
        return dt.time(hh, mm)
    raise ParseError


def _text(value: Any) -> str:
    if isinstance(value, bool):
        raise ParseError
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (int, float, str)):
        text = str(value).strip()
        if not text:
            raise ParseError
        found = control_characters(text)
        if found:
            raise ControlCharacters(found)
        return text
    raise ParseError


def parse_cell(kind: Kind, value: Any) -> Any:
    """Parse one non-blank cell; raise ParseError when it is not of the kind."""
    if is_unreadable(value):
        raise ParseError
    if kind is Kind.TEXT:
        return _text(value)
    if kind is Kind.CODE:
        text = _text(value).lower()
        if re.search(r"[\s,;/]", text):
            raise ParseError
        return text
    if kind is Kind.KEY:
        return re.sub(r"[\s\-]+", "_", _text(value).lower())
    if kind is Kind.NUMBER:
        return _number(value)
    if kind is Kind.INTEGER:
        x = _number(value)
        if not float(x).is_integer():
            raise ParseError
        return int(x)
    if kind is Kind.SHARE:
        if isinstance(value, str) and value.strip().endswith("%"):
            return _number(value.strip()[:-1]) / 100.0
        return _number(value)
    if kind is Kind.DATETIME:
        return parse_datetime(value)
    if kind is Kind.CLOCK:
        return parse_clock(value)
    if kind is Kind.BOOL:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
            return value.strip().lower() in _TRUE
        raise ParseError
    if kind is Kind.LIST:
        text = _text(value).lower()
        items = [x for x in _LIST_SPLIT.split(text) if x]
        if not items:
            raise ParseError
        seen: list[str] = []
        for item in items:
            if item not in seen:
                seen.append(item)
        return tuple(seen)
    if kind is Kind.WEEKDAYS:
        return tuple(sorted({_weekday(item) for item in parse_cell(Kind.LIST, value)}))
    if kind is Kind.DATES:
        return _dates(value)
    return value


def _weekday(name: str) -> int:
    """Monday = 0 ... Sunday = 6 from a weekday's name or its first three (or more) letters."""
    for day, full in enumerate(WEEKDAY_NAMES):
        if len(name) >= 3 and full.startswith(name):
            return day
    raise ParseError


def _dates(value: Any) -> tuple[dt.date, ...]:
    """A date cell, or text of ISO dates separated by commas, semicolons or spaces, in date order."""
    if isinstance(value, (dt.datetime, dt.date)):
        return (parse_datetime(value).date(),)
    items = [x for x in re.split(r"[,;\s]+", _text(value)) if x]
    found = set()
    for item in items:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item):
            raise ParseError
        found.add(parse_datetime(item).date())
    return tuple(sorted(found))


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


# --------------------------------------------------------------------------- tables


@dataclass
class TypedTable:
    """A validated table: typed values, plus the spreadsheet row number of each row."""

    spec: Sheet
    file: str
    sheet: str  # the sheet name as written in the file
    frame: pd.DataFrame  # one column per spec column (absent optional columns hold defaults) + 'row'
    bad: set[int] = field(default_factory=set)  # row numbers with at least one error

    def good(self) -> pd.DataFrame:
        return self.frame[~self.frame["row"].isin(self.bad)]


def type_table(raw: RawTable, spec: Sheet, problems: list[Problem]) -> TypedTable | None:
    """Match headers, parse every cell, check values; append problems. None if unusable."""
    positions = _match_headers(raw, spec, problems)
    if not _has_usable_header(raw, spec, positions, problems):
        return None
    row_numbers = [r for r, _ in raw.rows]
    bad: set[int] = set()
    data: dict[str, list[Any]] = {}
    for col in spec.columns:
        pos = positions.get(col.name)
        if pos is None:
            data[col.name] = [col.default] * len(raw.rows)
        else:
            data[col.name] = _parse_column(raw, col, _cells(raw, pos), problems, bad)
    frame = pd.DataFrame({name: pd.Series(vals, dtype=object) for name, vals in data.items()})
    frame["row"] = pd.Series(row_numbers, dtype="int64")
    raw_values = {
        col.name: _cells(raw, positions[col.name]) if col.name in positions else [None] * len(raw.rows)
        for col in spec.columns
        if col.checks
    }
    _check_values(raw, spec, frame, raw_values, problems, bad)
    return TypedTable(spec=spec, file=raw.file, sheet=raw.sheet, frame=frame, bad=bad)


def _match_headers(raw: RawTable, spec: Sheet, problems: list[Problem]) -> dict[str, int]:
    """Column name -> position of its header; unknown and repeated headers are noted."""
    positions: dict[str, int] = {}
    for i, header in enumerate(raw.headers):
        key = normalize_name(header)
        if not key:
            continue
        col = next((c for c in spec.columns if c.key == key), None)
        if col is None:
            message = f"unknown column '{header}' is ignored"
            problems.append(Problem(raw.file, message, sheet=raw.sheet, column=header, severity=Severity.NOTE))
        elif col.name in positions:
            message = f"column '{header}' appears twice; the second is ignored"
            problems.append(Problem(raw.file, message, sheet=raw.sheet, column=header, severity=Severity.WARNING))
        else:
            positions[col.name] = i
    return positions


def _has_usable_header(raw: RawTable, spec: Sheet, positions: dict[str, int], problems: list[Problem]) -> bool:
    """False (with a problem) when the sheet is empty or lacks a required column."""
    if not raw.headers and not raw.rows and not spec.required:
        problems.append(
            Problem(raw.file, "the sheet is empty; it is treated as absent", sheet=raw.sheet, severity=Severity.NOTE)
        )
        return False
    if not raw.headers:
        required = [c.name for c in spec.columns if c.required]
        wanted = ", ".join(required) if required else "some of " + ", ".join(c.name for c in spec.columns)
        problems.append(
            Problem(
                raw.file, "the sheet is empty (no header row)", sheet=raw.sheet, expected="a header row with " + wanted
            )
        )
        return False
    missing = [c.name for c in spec.columns if c.required and c.name not in positions]
    for name in missing:
        problems.append(
            Problem(raw.file, f"missing required column '{name}'", sheet=raw.sheet, expected="a header named " + name)
        )
    return not missing


def _cells(raw: RawTable, pos: int) -> list[Any]:
    """The cells of one column (None past the end of a short row)."""
    return [values[pos] if pos < len(values) else None for _, values in raw.rows]


def _parse_column(raw: RawTable, col: Column, cells: list[Any], problems: list[Problem], bad: set[int]) -> list[Any]:
    """Parse one column's cells; blanks take the column default where allowed. Bad cells become None."""
    if col.kind is Kind.NUMBER and all(type(v) in (int, float) for v in cells):
        # fast path: every cell already holds a number (the usual .xlsx case)
        floats = [float(v) for v in cells]
        if all(math.isfinite(x) for x in floats):
            return floats
    out: list[Any] = [None] * len(cells)
    cache: dict[tuple[type, Any], Any] = {}
    for i, v in enumerate(cells):
        row_no = raw.rows[i][0]
        if is_blank(v):
            if col.blank_ok:
                out[i] = col.default
            else:
                problems.append(Problem.cell(raw.file, raw.sheet, row_no, col.name, v, col.expected))
                bad.add(row_no)
            continue
        memo = (type(v), v) if isinstance(v, (str, int, float, dt.datetime, dt.time)) else None
        if memo is not None and memo in cache:
            out[i] = cache[memo]
            continue
        try:
            out[i] = parse_cell(col.kind, v)
        except ParseError as exc:
            if not is_unreadable(v):  # an unreadable cell is already reported by the reader
                problems.append(Problem.cell(raw.file, raw.sheet, row_no, col.name, v, col.expected + exc.detail))
            bad.add(row_no)
            continue
        if memo is not None:
            cache[memo] = out[i]
    return out


def _check_values(
    raw: RawTable,
    spec: Sheet,
    frame: pd.DataFrame,
    raw_values: dict[str, list[Any]],
    problems: list[Problem],
    bad: set[int],
) -> None:
    """Range checks of the parsed numbers, one vectorised test per column; every failing cell is reported."""
    if frame.empty:
        return
    for col in spec.columns:
        if not col.checks:
            continue
        values = pd.to_numeric(frame[col.name].where(frame[col.name].notna(), None), errors="coerce").astype(float)
        ok = reduce(operator.and_, (check(values) for check in col.checks))
        for idx in frame.index[(values.notna() & ~ok).to_numpy()]:
            row_no = int(frame.at[idx, "row"])
            problems.append(
                Problem.cell(raw.file, raw.sheet, row_no, col.name, raw_values[col.name][idx], col.expected)
            )
            bad.add(row_no)


def duplicate_problems(table: TypedTable, problems: list[Problem]) -> None:
    """Report rows whose key repeats an earlier row."""
    spec = table.spec
    if not spec.key:
        return
    frame = table.frame
    usable = frame[~frame["row"].isin(table.bad)]
    if usable.empty:
        return
    keys = usable[list(spec.key)].map(lambda v: "" if v is None else v)
    dup = keys.duplicated(keep=False)
    if not dup.any():
        return
    first_row: dict[tuple[Any, ...], int] = {}
    for idx in usable.index[dup.to_numpy()]:
        key = tuple(keys.loc[idx])
        row_no = int(frame.at[idx, "row"])
        if key not in first_row:
            first_row[key] = row_no
            continue
        shown = ", ".join(f"{k}={_show_key(v)}" for k, v in zip(spec.key, key, strict=True))
        col = spec.key[0] if len(spec.key) == 1 else ", ".join(spec.key)
        problems.append(
            Problem(
                table.file,
                f"duplicate ({shown}) already on row {first_row[key]}",
                sheet=table.sheet,
                row=row_no,
                column=col,
                expected=spec.key_text,
            )
        )
        table.bad.add(row_no)


def _show_key(v: Any) -> str:
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M")
    return "blank" if v == "" else str(v)


def type_sheets(
    book: RawBook, sheets: tuple[Sheet, ...], log: ProblemLog, ignored: frozenset[str] = frozenset()
) -> dict[str, TypedTable]:
    """Each sheet of a contract typed against it, by sheet name, with its duplicate keys reported; sheets
    the contract does not know (other than ``ignored`` ones) are noted, missing required ones and required
    ones without data rows are problems."""
    known = {normalize_name(s.name) for s in sheets} | ignored
    for key, raw in book.tables.items():
        if key not in known:
            log.add(Problem(raw.file, f"unknown sheet '{raw.sheet}' is ignored", severity=Severity.NOTE))
    tables: dict[str, TypedTable] = {}
    for spec in sheets:
        found = book.tables.get(normalize_name(spec.name))
        if found is None:
            if spec.required:
                suffix = f" (or a file {spec.name}.csv)" if book.kind == "csv" else ""
                log.add(
                    Problem(
                        book.file,
                        f"missing required sheet '{spec.name}'",
                        expected=f"a sheet named '{spec.name}'{suffix}",
                    )
                )
            continue
        typed = type_table(found, spec, log.problems)
        if typed is None:
            continue
        if typed.frame.empty and spec.required:
            log.add(
                Problem(
                    typed.file,
                    "the sheet has a header but no data rows",
                    sheet=typed.sheet,
                    expected="at least one data row",
                )
            )
            continue
        duplicate_problems(typed, log.problems)
        tables[spec.name] = typed
    return tables
