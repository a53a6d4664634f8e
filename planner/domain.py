"""Domain types in the business's language: channels, sites, pools, shifts, settings.

Everything here is a frozen dataclass or an Enum. The loader builds these from the
workbook; the queueing maths, the model builder and the reports consume them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

ALLOWED_INTERVAL_MINUTES = (15, 30, 60)
#: The whole solve's default time budget (setting `time_limit_seconds`): a safety net. Every solve stage ends by
#: a count of work (planner.roster.solve), so a solve that ends before it gives the same roster on any machine load.
DEFAULT_TIME_LIMIT_SECONDS = 600.0
#: The relative gap to the LP bound at which the solve stops by default (1 %: see the README's solver section).
DEFAULT_MIP_GAP = 0.01


def model_name(text: str) -> str:
    """A name as the optimisation model spells it (PuLP/MPS-safe): letters, digits, '_' and '.';
    other ASCII runs become '_', other characters their code point (so '東京' and '大阪' stay distinct).
    Two input names that spell the same here are refused before any solve."""
    spelled = "".join(ch if ch.isascii() else f"u{ord(ch):x}" for ch in text)
    return re.sub(r"[^A-Za-z0-9_.]+", "_", spelled).strip("_")


DEFAULT_TIER = "standard"


class WorkKind(StrEnum):
    """Whether contacts must be answered while the customer waits, or may wait in a backlog."""

    LIVE = "live"
    DEFERRABLE = "deferrable"


class SolverChoice(StrEnum):
    """Which MIP solver to use."""

    AUTO = "auto"
    HIGHS = "highs"
    CBC = "cbc"


class ServiceLevelScope(StrEnum):
    """Over which period a live channel's service level is promised."""

    INTERVAL = "interval"  # in every interval (the default)
    DAY = "day"  # over each day of the horizon (UTC days)
    WEEK = "week"  # over each week of the horizon


#: The `targets` sheet's name for the wall clock (overriding a channel's calendar).
WALL_CLOCK = "wall"


@dataclass(frozen=True)
class Channel:
    """A contact channel and its first-response promise."""

    name: str
    handle_minutes: float
    target_minutes: float
    service_level: float
    concurrency: int = 1
    patience_minutes: float | None = None
    deferrable: bool = False
    bot_deflection: float = 0.0
    tiers_share_agents: bool = False  # False: every tier is its own queue (a separate desk)
    service_level_scope: ServiceLevelScope = ServiceLevelScope.INTERVAL
    min_interval_service_level: float = 0.0  # with a day or week scope: the floor in every interval
    clock: str | None = None  # None: the wall clock; else a Calendar's name
    holiday_target_minutes: float | None = None  # for contacts arriving on a holiday of the clock

    @property
    def kind(self) -> WorkKind:
        return WorkKind.DEFERRABLE if self.deferrable else WorkKind.LIVE


@dataclass(frozen=True)
class TargetOverride:
    """A `targets` row: a stricter (or looser) promise for some language/channel/tier."""

    language: str | None
    channel: str | None
    tier: str | None
    target_minutes: float | None
    service_level: float | None
    row: int = 0
    priority: int | None = None  # rank among tiers sharing agents (1 is served first)
    # The promise's shape for the matching queues; None keeps the channel's (or a less specific row's)
    service_level_scope: ServiceLevelScope | None = None
    min_interval_service_level: float | None = None
    clock: str | None = None  # WALL_CLOCK or a Calendar's name
    holiday_target_minutes: float | None = None

    @property
    def specificity(self) -> int:
        return sum(x is not None for x in (self.language, self.channel, self.tier))

    def matches(self, language: str, channel: str, tier: str) -> bool:
        return (
            (self.language is None or self.language == language)
            and (self.channel is None or self.channel == channel)
            and (self.tier is None or self.tier == tier)
        )


@dataclass(frozen=True)
class Site:
    """A location with its own time zone, wages and labour rules."""

    name: str
    timezone: str
    hourly_cost: float
    night_premium: float = 0.0
    weekend_premium: float = 0.0
    max_agents: int | None = None


@dataclass(frozen=True)
class Pool:
    """A group of interchangeable agents at one site with the same skills."""

    name: str
    site: str
    languages: tuple[str, ...]
    channels: tuple[str, ...] | None = None  # None: every channel
    available: int | None = None  # None: as many as needed (hire)
    hourly_cost: float | None = None  # None: the site's
    calendar: str | None = None  # the Calendar whose holidays the pool observes (its available shares)

    def serves(self, language: str, channel: str) -> bool:
        return language in self.languages and (self.channels is None or channel in self.channels)

    @property
    def skills(self) -> tuple[tuple[str, ...], tuple[str, ...] | None]:
        return (self.languages, self.channels)


@dataclass(frozen=True)
class Agent:
    """A named person; pools are derived from agents with the same site and skills."""

    name: str
    site: str
    languages: tuple[str, ...]
    channels: tuple[str, ...] | None
    weekly_hours: float | None
    hourly_cost: float | None
    row: int = 0
    days_off: frozenset[int] = frozenset()  # weekdays never worked, Monday = 0
    unavailable: frozenset[dt.date] = frozenset()  # local dates not worked
    earliest_start: dt.time | None = None  # local clock window of every start
    latest_start: dt.time | None = None
    max_nights: int | None = None  # night shifts a week
    preferred_days_off: frozenset[int] = frozenset()  # weekdays wished off (a preference)

    @property
    def pool_name(self) -> str:
        """The pool derived from agents with this site, languages and channels."""
        langs = "+".join(sorted(self.languages))
        chans = "" if self.channels is None else ":" + "+".join(sorted(self.channels))
        return f"agents:{self.site}:{langs}{chans}"

    def contract_allows(self, week_hours: float, shift_hours: float) -> bool:
        """Whether ``week_hours`` paid hours a week meet the contract (``weekly_hours``) within one shift of
        ``shift_hours`` (the longest template's paid hours); no contract allows any week."""
        return self.weekly_hours is None or contract_met(week_hours, self.weekly_hours, shift_hours)


def contract_met(week_hours: float, weekly_hours: float, shift_hours: float) -> bool:
    """Contract hours met within one shift: a week's paid hours at most ``shift_hours`` (the longest
    template's paid hours) from the contract's ``weekly_hours`` (issue 10: "their contract hours (within
    one shift)")."""
    return abs(week_hours - weekly_hours) <= shift_hours + 1e-9


@dataclass(frozen=True)
class ShiftTemplate:
    """A shift pattern: paid hours, elapsed length, the break off the floor (by default the difference
    between the two, unpaid; with ``break_length_minutes`` wholly or partly paid), and the window of local
    start times at a site."""

    name: str
    paid_hours: float
    length_hours: float
    earliest_start: dt.time
    latest_start: dt.time
    start_step_minutes: int | None = None  # None: the interval length
    sites: tuple[str, ...] | None = None  # None: every site
    break_earliest_minutes: int | None = None  # earliest break start after the shift start (None: default)
    break_latest_minutes: int | None = None  # latest break start after the shift start (None: default)
    break_length_minutes: int | None = None  # the sheet's break_minutes (None: length - paid, unpaid)

    @property
    def break_minutes(self) -> int:
        """Minutes of the break off the floor: the template's ``break_minutes`` column, blank: the shift's
        length less its paid hours (an unpaid break)."""
        if self.break_length_minutes is not None:
            return self.break_length_minutes
        return round((self.length_hours - self.paid_hours) * 60)

    @property
    def on_duty_minutes(self) -> int:
        """Minutes on the floor: the shift's length less its break."""
        return self.length_minutes - self.break_minutes

    @property
    def paid_break_minutes(self) -> int:
        """The paid part of the break: paid minutes less the minutes on duty (0 for an unpaid break)."""
        if self.break_length_minutes is None:
            return 0
        return self.paid_minutes - self.on_duty_minutes

    @property
    def break_paid_share(self) -> float:
        """The paid share of the break (0: unpaid, 1: wholly paid): each break minute is paid this share of
        the minute's rate, with its premiums."""
        return self.paid_break_minutes / self.break_minutes if self.break_minutes > 0 else 0.0

    @property
    def mid_break_start(self) -> int:
        """The break's start in the middle of the shift, on a 15-minute grid (minutes after the start):
        where the shift's cost and the post-solve fallback assume it."""
        return int((self.length_minutes - self.break_minutes) / 2 // 15 * 15)

    def break_start_window(self) -> tuple[int, int]:
        """Earliest and latest start of the break, in minutes after the shift start: the template's
        columns, a blank one BREAK_WINDOW_MINUTES either side of the mid-shift start (within the shift)."""
        mid, last = self.mid_break_start, max(0, self.length_minutes - self.break_minutes)
        lo = self.break_earliest_minutes
        hi = self.break_latest_minutes
        lo = max(0, mid - BREAK_WINDOW_MINUTES) if lo is None else lo
        hi = min(last, mid + BREAK_WINDOW_MINUTES) if hi is None else hi
        return lo, max(lo, hi)

    @property
    def length_minutes(self) -> int:
        return round(self.length_hours * 60)

    @property
    def paid_minutes(self) -> int:
        return round(self.paid_hours * 60)

    def allowed_at(self, site: str) -> bool:
        return self.sites is None or site in self.sites

    def start_offsets(self, step_minutes: int) -> list[int]:
        """Minutes after local midnight of each allowed start; wraps past midnight."""
        first = self.earliest_start.hour * 60 + self.earliest_start.minute
        last = self.latest_start.hour * 60 + self.latest_start.minute
        if last < first:
            last += 24 * 60
        return list(range(first, last + 1, step_minutes))


#: A blank break window reaches this far either side of the mid-shift break start.
BREAK_WINDOW_MINUTES = 60

DEFAULT_SHIFTS = (
    ShiftTemplate(
        name="full_time",
        paid_hours=8.0,
        length_hours=9.0,
        earliest_start=dt.time(0, 0),
        latest_start=dt.time(23, 0),
        start_step_minutes=60,
    ),
)


@dataclass(frozen=True)
class Settings:
    """The `settings` sheet, with every default filled in.

    Defaults, valid ranges and meanings live in :mod:`planner.inputs.settings` (one entry per
    setting); build one with :func:`planner.inputs.settings.make_settings`.
    """

    currency: str
    shrinkage: float
    max_occupancy: float
    deferred_max_occupancy: float
    concurrency_efficiency: float
    shifts_per_week: int
    night_start: dt.time
    night_end: dt.time
    under_coverage_penalty: float | None  # None: derived from the highest wage
    solver: SolverChoice
    time_limit_seconds: float
    mip_gap: float
    threads: int | None  # None: the solver's choice
    interval_minutes: int | None  # None: inferred from the demand
    week_start: dt.datetime | None  # None: the first demand interval
    weeks_per_year: float
    weekly_tours: bool
    consecutive_days_off: bool
    min_rest_hours: float
    max_consecutive_days: int
    start_time_band_minutes: int
    max_nights_per_week: int | None  # None: no limit
    model_breaks: bool = True  # the roster model places breaks within each template's window


@dataclass(frozen=True)
class Calendar:
    """A working-time clock: business hours per weekday in a time zone, and holidays.

    ``hours`` holds (weekday 0 = Monday, open minute, close minute) in local time; none means
    around the clock. A holiday closes its local date's hours; ``demand_factors`` scales demand
    on listed local dates; ``available_shares`` caps the people of observing pools on listed dates."""

    name: str
    timezone: str
    hours: tuple[tuple[int, int, int], ...] = ()
    holidays: tuple[dt.date, ...] = ()
    demand_factors: tuple[tuple[dt.date, float], ...] = ()
    available_shares: tuple[tuple[dt.date, float], ...] = ()  # share of a pool's people working on a holiday


@dataclass(frozen=True)
class Horizon:
    """The cyclic planning horizon: whole weeks of equal intervals, starting at `start` (UTC)."""

    start: dt.datetime  # timezone-aware, UTC
    interval_minutes: int
    weeks: int = 1

    @property
    def n_intervals(self) -> int:
        return self.weeks * 7 * 24 * 60 // self.interval_minutes

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(weeks=self.weeks)

    @property
    def interval_hours(self) -> float:
        return self.interval_minutes / 60.0

    @property
    def minutes(self) -> int:
        return self.weeks * 7 * 24 * 60

    def interval_start(self, index: int) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.interval_minutes * index)


@dataclass(frozen=True)
class Scenario:
    """Everything read from one input workbook, validated."""

    source: str
    horizon: Horizon
    demand: pd.DataFrame  # interval, interval_start, language, channel, tier, contacts
    channels: dict[str, Channel]
    targets: tuple[TargetOverride, ...]
    sites: dict[str, Site]
    pools: dict[str, Pool]
    shifts: tuple[ShiftTemplate, ...]
    settings: Settings
    agents: tuple[Agent, ...] = ()
    shifts_defaulted: bool = False
    calendars: dict[str, Calendar] = field(default_factory=dict)
    warnings: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    @property
    def languages(self) -> list[str]:
        return sorted(self.demand["language"].unique())

    def pool_hourly_cost(self, pool: Pool) -> float:
        return pool.hourly_cost if pool.hourly_cost is not None else self.sites[pool.site].hourly_cost


def priority_source(
    targets: tuple[TargetOverride, ...], language: str, channel: str, tier: str
) -> TargetOverride | None:
    """The `targets` row giving one tier its priority rank: the most specific matching row that
    sets one (ties as in :func:`resolve_target`); None when no row does."""
    return field_source(targets, language, channel, tier, "priority")


def field_source(
    targets: tuple[TargetOverride, ...], language: str, channel: str, tier: str, name: str
) -> TargetOverride | None:
    """The `targets` row whose value of the field ``name`` one queue gets (the most specific
    matching row setting it, ties as in :func:`resolve_target`); None when no row sets it."""
    matching = sorted(
        (t for t in targets if getattr(t, name) is not None and t.matches(language, channel, tier)), key=_field_rank
    )
    return matching[-1] if matching else None


def resolve_priority(targets: tuple[TargetOverride, ...], language: str, channel: str, tier: str) -> int | None:
    """The priority rank of one tier (1 is served first); None when no `targets` row gives one."""
    source = priority_source(targets, language, channel, tier)
    return None if source is None else source.priority


@dataclass(frozen=True)
class Promise:
    """One queue's promise after the `targets` overrides (each field resolved on its own)."""

    target_minutes: float
    service_level: float
    scope: ServiceLevelScope
    floor_level: float  # with a day or week scope: the service level of every interval
    clock: str | None  # a Calendar's name; None: the wall clock
    holiday_target_minutes: float | None
    floor_row: int | None = None  # the `targets` row that set the floor (None: the channel's)


def _field_rank(t: TargetOverride) -> tuple[int, int, int, int, int]:
    return (t.specificity, t.tier is not None, t.channel is not None, t.language is not None, t.row)


def resolve_promise(channel: Channel, targets: tuple[TargetOverride, ...], language: str, tier: str) -> Promise:
    """One queue's promise: the channel's values, each overridden by the most specific matching
    `targets` row that sets it (ties as in :func:`resolve_target`)."""
    matching = sorted((t for t in targets if t.matches(language, channel.name, tier)), key=_field_rank)
    target, level = resolve_target(channel, targets, language, tier)
    scope, floor, floor_row = channel.service_level_scope, channel.min_interval_service_level, None
    clock, holiday = channel.clock, channel.holiday_target_minutes
    for t in matching:  # ascending rank: the last assignment wins
        if t.service_level_scope is not None:
            scope = t.service_level_scope
        if t.min_interval_service_level is not None:
            floor, floor_row = t.min_interval_service_level, t.row
        if t.clock is not None:
            clock = None if t.clock == WALL_CLOCK else t.clock
        if t.holiday_target_minutes is not None:
            holiday = t.holiday_target_minutes
    return Promise(target, level, scope, floor, clock, holiday, floor_row)


def resolve_target(
    channel: Channel, targets: tuple[TargetOverride, ...], language: str, tier: str
) -> tuple[float, float]:
    """(target_minutes, service_level) for one queue after the `targets` overrides.

    Each field is resolved on its own: among the rows that match (blank = any) and set the
    field, the most specific wins (most non-blank keys); ties go to the row naming the tier,
    then the channel, then the language; then to the later row.
    """

    matching = sorted((t for t in targets if t.matches(language, channel.name, tier)), key=_field_rank)
    target = channel.target_minutes
    level = channel.service_level
    for t in matching:  # ascending rank: the last assignment wins
        if t.target_minutes is not None:
            target = t.target_minutes
        if t.service_level is not None:
            level = t.service_level
    return target, level
