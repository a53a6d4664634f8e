"""Every setting of the `settings` sheet in one place: name, how it is parsed, default, valid range, meaning.

The loader, :class:`~planner.domain.Settings`, the template (``planner init``), the README's input
reference and the sample generator all read :data:`SETTING_SPECS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from planner.domain import ALLOWED_INTERVAL_MINUTES, DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT_SECONDS, Settings, SolverChoice
from planner.inputs.contract import Kind, ParseError, parse_cell
from planner.inputs.read import normalize_name


def _night(value: Any) -> tuple[dt.time, dt.time]:
    """A local time window such as '22:00-06:00' as (start, end)."""
    if not isinstance(value, str):
        raise ParseError
    m = re.fullmatch(r"\s*(\d{1,2}:\d{2})\s*(?:-|to|–)\s*(\d{1,2}:\d{2})\s*", value)
    if not m:
        raise ParseError
    return parse_cell(Kind.CLOCK, m.group(1)), parse_cell(Kind.CLOCK, m.group(2))


@dataclass(frozen=True)
class SettingSpec:
    """One known setting: how its value is parsed and checked, its default, and what it means.

    ``default`` is the typed value used when the setting is absent or blank (None: worked out
    later, as ``shown_default`` says); ``shown_default`` is how the documentation shows it.
    ``example`` (when set) is the value written in the template's and the sample's settings sheet.
    """

    name: str
    kind: Kind
    expected: str
    description: str
    default: Any
    shown_default: str
    check: Callable[[Any], bool] = lambda v: True
    parse: Callable[[Any], Any] | None = None  # None: parse_cell(kind, value)
    convert: Callable[[Any], Any] | None = None  # parsed value -> Settings field value
    fields: tuple[str, ...] = ()  # the Settings fields it sets (default: the one named like it)
    example: Any = None

    @property
    def targets(self) -> tuple[str, ...]:
        return self.fields or (self.name,)

    def read(self, value: Any) -> Any:
        """The typed value of a non-blank cell; raise ParseError when it is not valid."""
        parsed = self.parse(value) if self.parse is not None else parse_cell(self.kind, value)
        if not self.check(parsed):
            raise ParseError
        return self.convert(parsed) if self.convert is not None else parsed


SETTING_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "currency",
        Kind.TEXT,
        "a currency code such as USD",
        "Currency of all costs (label only).",
        "USD",
        "USD",
        example="USD",
    ),
    SettingSpec(
        "shrinkage",
        Kind.SHARE,
        "a share >= 0 and < 1",
        "Share of paid time not available for contacts "
        "(breaks, training, absence). Scheduled agents = agents on the floor / (1 - shrinkage).",
        0.30,
        "0.30",
        lambda v: 0 <= v < 1,
        example=0.3,
    ),
    SettingSpec(
        "max_occupancy",
        Kind.SHARE,
        "a share > 0 and <= 1",
        "Highest share of time an agent on live work may be busy.",
        0.85,
        "0.85",
        lambda v: 0 < v <= 1,
        example=0.85,
    ),
    SettingSpec(
        "deferred_max_occupancy",
        Kind.SHARE,
        "a share > 0 and <= 1",
        "Highest share of time an agent on deferrable work (email, social) may be busy.",
        0.95,
        "0.95",
        lambda v: 0 < v <= 1,
    ),
    SettingSpec(
        "concurrency_efficiency",
        Kind.SHARE,
        "a share from 0 to 1",
        "Throughput of each extra concurrent chat relative to the first: with 0.7, two chats at once count as 1.7.",
        0.7,
        "0.7",
        lambda v: 0 <= v <= 1,
    ),
    SettingSpec(
        "shifts_per_week",
        Kind.INTEGER,
        "a whole number from 1 to 7",
        "Most shifts one agent works per week.",
        5,
        "5",
        lambda v: 1 <= v <= 7,
        example=5,
    ),
    SettingSpec(
        "weekly_tours",
        Kind.BOOL,
        "yes or no",
        "Roster people on weekly tours (days off, rest, start band per person; headcount = people on tours). "
        "No: the shift model, headcount ceil(shifts / shifts_per_week). Off by default until the tour model "
        "solves within its gap on large weeks.",
        False,
        "no",
    ),
    SettingSpec(
        "model_breaks",
        Kind.BOOL,
        "yes or no",
        "Whether the roster model places each shift's break within the template's break window "
        "(break_earliest_minutes, break_latest_minutes), so live queues keep their agents in every 15 minutes, "
        "and prices each break where it is placed (premium minutes). "
        "No: the model assumes the break mid-shift and breaks are staggered after the solve.",
        True,
        "yes",
    ),
    SettingSpec(
        "consecutive_days_off",
        Kind.BOOL,
        "yes or no",
        "Whether each person's days off in the week are consecutive (Sunday-Monday counts: the week repeats).",
        True,
        "yes",
    ),
    SettingSpec(
        "min_rest_hours",
        Kind.NUMBER,
        "a number of hours from 0 to 24",
        "Least rest between the end of one shift and the start of the person's next, across the week boundary too.",
        11.0,
        "11",
        lambda v: 0 <= v <= 24,
    ),
    SettingSpec(
        "max_consecutive_days",
        Kind.INTEGER,
        "a whole number from 1 to 7",
        "Most days in a row one person works (the week repeats).",
        6,
        "6",
        lambda v: 1 <= v <= 7,
    ),
    SettingSpec(
        "start_time_band_minutes",
        Kind.INTEGER,
        "a whole number of minutes from 15 to 1440",
        "All of a person's shift starts in the week lie within a band of this many minutes of local clock time.",
        120,
        "120",
        lambda v: 15 <= v <= 1440,
    ),
    SettingSpec(
        "max_nights_per_week",
        Kind.INTEGER,
        "a whole number from 0 to 7",
        "Most night shifts (3 hours or more within night_hours) one person works per week. Blank: no limit.",
        None,
        "no limit",
        lambda v: 0 <= v <= 7,
    ),
    SettingSpec(
        "night_hours",
        Kind.RAW,
        "a local time window such as 22:00-06:00",
        "Local hours paid with the site's night premium.",
        (dt.time(22, 0), dt.time(6, 0)),
        "22:00-06:00",
        parse=_night,
        fields=("night_start", "night_end"),
        example="22:00-06:00",
    ),
    SettingSpec(
        "under_coverage_penalty",
        Kind.NUMBER,
        "a number > 0 and <= 10,000,000,000",
        "Cost of one scheduled agent-hour of unmet requirement. Default: 100 x the highest hourly cost "
        "including premiums, far above any wage.",
        None,
        "derived",
        lambda v: 0 < v <= 1e10,
    ),
    SettingSpec(
        "solver",
        Kind.CODE,
        "auto, highs or cbc",
        "MIP solver: HiGHS (through highspy) or CBC (bundled with PuLP); auto prefers HiGHS.",
        SolverChoice.AUTO,
        "auto",
        lambda v: v in {c.value for c in SolverChoice},
        convert=SolverChoice,
    ),
    SettingSpec(
        "time_limit_seconds",
        Kind.NUMBER,
        "a number of seconds > 0 and <= 604,800 (a week)",
        "Time budget of the whole solve: a safety net, since every stage ends by a count of work; a solve that "
        "reaches it says so (status 'time limit') and may differ between runs.",
        DEFAULT_TIME_LIMIT_SECONDS,
        f"{DEFAULT_TIME_LIMIT_SECONDS:g}",
        lambda v: 0 < v <= 604_800,
    ),
    SettingSpec(
        "mip_gap",
        Kind.NUMBER,
        "a number >= 0 and < 1 (0.005 means 0.5 %)",
        "Relative gap to the LP bound at which the solver stops.",
        DEFAULT_MIP_GAP,
        f"{DEFAULT_MIP_GAP:g}",
        lambda v: 0 <= v < 1,
    ),
    SettingSpec(
        "threads",
        Kind.INTEGER,
        "a whole number from 1 to 256",
        "Solver threads (default: the solver's choice).",
        None,
        "solver default",
        lambda v: 1 <= v <= 256,
    ),
    SettingSpec(
        "interval_minutes",
        Kind.INTEGER,
        "15, 30 or 60",
        "Interval length; overrides the length inferred from demand.",
        None,
        "inferred",
        lambda v: v in ALLOWED_INTERVAL_MINUTES,
    ),
    SettingSpec(
        "week_start",
        Kind.DATETIME,
        "a date-time such as 2026-03-23 00:00 (UTC)",
        "Start of the planning horizon (UTC). Default: 00:00 UTC of the first day with demand.",
        None,
        "00:00 UTC of the first demand day",
    ),
    SettingSpec(
        "weeks_per_year",
        Kind.NUMBER,
        "a number > 0 and <= 53",
        "Weeks used to annualise weekly cost.",
        52.0,
        "52",
        lambda v: 0 < v <= 53,
    ),
)
SETTINGS_BY_NAME = {s.name: s for s in SETTING_SPECS}
SETTINGS_BY_KEY = {normalize_name(s.name): s for s in SETTING_SPECS}
#: (setting, value) rows of the settings sheet in the template and the sample workbooks.
EXAMPLE_SETTINGS: tuple[tuple[str, Any], ...] = tuple(
    (s.name, s.example) for s in SETTING_SPECS if s.example is not None
)


def make_settings(values: Mapping[str, Any] | None = None) -> Settings:
    """Settings from typed values by setting name (as :meth:`SettingSpec.read` returns them); defaults for the rest."""
    values = values or {}
    unknown = set(values) - set(SETTINGS_BY_NAME)
    if unknown:
        raise KeyError(f"unknown settings: {', '.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for spec in SETTING_SPECS:
        value = values.get(spec.name, spec.default)
        if len(spec.targets) == 1:
            kwargs[spec.targets[0]] = value
        else:
            kwargs.update(zip(spec.targets, value, strict=True))
    return Settings(**kwargs)


DEFAULT_SETTINGS = make_settings()
