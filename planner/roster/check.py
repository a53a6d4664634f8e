"""The roster checker: every labour rule verified on concrete weeks (a person's, or a tour group's), whatever
produced them. A violation in a roster the planner made is a bug: :func:`assert_roster` fails loudly."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from planner.domain import contract_met
from planner.errors import ModelError
from planner.roster.tours import DAY, TourRules, longest_cyclic_run


@dataclass(frozen=True)
class WorkedShift:
    """One shift of a week: its local day in the cyclic horizon (days since the site's first local day),
    naive local start, UTC start in minutes from the horizon start, length and paid minutes."""

    local_day: int
    local_start: dt.datetime
    start_minute: int
    length_minutes: int
    paid_minutes: int
    template: str
    night: bool = False
    cost: float = 0.0  # paid cost with premiums, per person

    @property
    def clock_minute(self) -> int:
        return self.local_start.hour * 60 + self.local_start.minute


@dataclass(frozen=True)
class PersonWeek:
    """The week of one person (``people`` = 1) or of a tour group of ``people`` alike; a named agent's own
    restrictions where given (``days_off``: weekdays, Monday = 0)."""

    name: str
    pool: str
    site: str
    shifts: tuple[WorkedShift, ...]
    people: int = 1
    days_off: frozenset[int] = frozenset()
    unavailable: frozenset[dt.date] = frozenset()
    earliest_start: dt.time | None = None
    latest_start: dt.time | None = None
    max_nights: int | None = None
    weekly_hours: float | None = None
    preferred_days_off: frozenset[int] = frozenset()  # a preference: never a violation
    hire: bool = False  # a week no named agent could take: a person to hire
    note: str = ""  # why a hire is needed

    @property
    def paid_hours(self) -> float:
        return sum(s.paid_minutes for s in self.shifts) / 60.0

    @property
    def nights(self) -> int:
        return sum(s.night for s in self.shifts)

    @property
    def weekend_days(self) -> int:
        return sum(s.local_start.weekday() >= 5 for s in self.shifts)

    @property
    def cost(self) -> float:
        """Paid cost of one person's week, with premiums."""
        return sum(s.cost for s in self.shifts)


@dataclass(frozen=True)
class RosterFrame:
    """What the weeks are checked against: the rules, the cyclic horizon and the headcount caps."""

    rules: TourRules
    weeks: int = 1
    pool_caps: dict[str, int] = field(default_factory=dict)
    site_caps: dict[str, int] = field(default_factory=dict)
    longest_paid_minutes: int = 0  # contract hours are met within one shift of this length

    @property
    def days(self) -> int:
        return 7 * self.weeks


@dataclass(frozen=True)
class Violation:
    rule: str
    who: str
    detail: str

    def __str__(self) -> str:
        return f"{self.who}: {self.rule}: {self.detail}"


def check_roster(weeks: list[PersonWeek] | tuple[PersonWeek, ...], frame: RosterFrame) -> list[Violation]:
    """Every rule on every week (an empty week - an agent not needed - breaks none), then the caps."""
    out: list[Violation] = []
    for week in weeks:
        if week.shifts:
            out += check_week(week, frame)
    out += check_caps(weeks, frame)
    return out


def check_week(week: PersonWeek, frame: RosterFrame) -> list[Violation]:
    """The labour rules and the person's own restrictions on one week."""
    rules = frame.rules
    out: list[Violation] = []

    def bad(rule: str, detail: str) -> None:
        out.append(Violation(rule, week.name, detail))

    days = sorted(s.local_day % frame.days for s in week.shifts)
    if len(days) != rules.shifts_per_week * frame.weeks:
        bad("shifts_per_week", f"{len(days)} shifts, expected {rules.shifts_per_week * frame.weeks}")
    if len(set(days)) != len(days):
        bad("one_shift_a_day", "two shifts start on the same local day")
    off = sorted(set(range(frame.days)) - set(days))
    if rules.consecutive_days_off and off and _blocks(off, frame.days) > frame.weeks:
        bad("consecutive_days_off", f"days off {off} are not consecutive")
    if longest_cyclic_run(days, frame.days) > rules.max_consecutive_days:
        bad("max_consecutive_days", f"{longest_cyclic_run(days, frame.days)} days in a row")
    short = _shortest_rest(week.shifts, frame.days * DAY)
    if short is not None and short < rules.min_rest_hours * 60 - 1e-9:
        bad("min_rest_hours", f"{short / 60:g} h between two shifts")
    span = _circular_span([s.clock_minute for s in week.shifts])
    if span > rules.start_time_band_minutes:
        bad("start_time_band", f"starts spread over {span} minutes of the day")
    limit = rules.max_nights_per_week
    if limit is not None and week.nights > limit * frame.weeks:
        bad("max_nights_per_week", f"{week.nights} night shifts")
    out += [Violation(rule, week.name, detail) for rule, detail in _own_restrictions(week, frame)]
    return out


def _own_restrictions(week: PersonWeek, frame: RosterFrame) -> list[tuple[str, str]]:
    """A named agent's columns: days off, unavailable dates, start window, nights, contract hours."""
    out = []
    for s in week.shifts:
        date = s.local_start.date()
        if date.weekday() in week.days_off:
            out.append(("days_off", f"works on {date:%a %Y-%m-%d}, a day off"))
        if date in week.unavailable:
            out.append(("unavailable", f"works on {date:%Y-%m-%d}, unavailable"))
        clock = s.local_start.time()
        if week.earliest_start is not None and clock < week.earliest_start:
            out.append(("earliest_start", f"starts at {clock:%H:%M}"))
        if week.latest_start is not None and clock > week.latest_start:
            out.append(("latest_start", f"starts at {clock:%H:%M}"))
    if week.max_nights is not None and week.nights > week.max_nights * frame.weeks:
        out.append(("max_nights", f"{week.nights} night shifts"))
    if week.weekly_hours is not None:
        hours = week.paid_hours / frame.weeks
        if not contract_met(hours, week.weekly_hours, frame.longest_paid_minutes / 60.0):
            out.append(("weekly_hours", f"{hours:g} paid hours against a contract of {week.weekly_hours:g}"))
    return out


def check_caps(weeks: list[PersonWeek] | tuple[PersonWeek, ...], frame: RosterFrame) -> list[Violation]:
    """People at work per pool within `available`, per site within `max_agents`."""
    pools: dict[str, int] = defaultdict(int)
    sites: dict[str, int] = defaultdict(int)
    for w in weeks:
        if w.shifts:
            pools[w.pool] += w.people
            sites[w.site] += w.people
    out = [
        Violation("available", f"pool {pool}", f"{pools[pool]} people, available {cap}")
        for pool, cap in sorted(frame.pool_caps.items())
        if pools[pool] > cap
    ]
    out += [
        Violation("max_agents", f"site {site}", f"{sites[site]} people, max_agents {cap}")
        for site, cap in sorted(frame.site_caps.items())
        if sites[site] > cap
    ]
    return out


def assert_roster(weeks: list[PersonWeek] | tuple[PersonWeek, ...], frame: RosterFrame) -> None:
    """Fail loudly (a bug, not bad input) when a roster the planner made breaks a rule."""
    found = check_roster(weeks, frame)
    if found:
        listed = "; ".join(str(v) for v in found[:10])
        more = f" (and {len(found) - 10} more)" if len(found) > 10 else ""
        raise ModelError(f"internal error: the roster breaks its rules: {listed}{more}")


def _blocks(days: list[int], period: int) -> int:
    """Maximal runs of consecutive days in the cyclic period."""
    have = set(days)
    if len(have) >= period:
        return 1
    return sum(1 for d in have if (d - 1) % period not in have)


def _shortest_rest(shifts: tuple[WorkedShift, ...], horizon_minutes: int) -> float | None:
    """Shortest time from a shift's end to the next start, the week repeating."""
    if len(shifts) < 2:
        return None if not shifts else float(horizon_minutes - shifts[0].length_minutes)
    order = sorted(shifts, key=lambda s: s.start_minute)
    gaps = []
    for a, b in zip(order, order[1:] + order[:1], strict=True):
        start = b.start_minute if b is not order[0] else b.start_minute + horizon_minutes
        gaps.append(start - (a.start_minute + a.length_minutes))
    return float(min(gaps))


def _circular_span(minutes: list[int]) -> int:
    """Width of the shortest arc of the 24-hour clock holding every start."""
    if len(minutes) < 2:
        return 0
    ms = sorted(set(m % DAY for m in minutes))
    gaps = [b - a for a, b in zip(ms, ms[1:], strict=False)] + [ms[0] + DAY - ms[-1]]
    return DAY - max(gaps)
