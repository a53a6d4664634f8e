"""Weekly tours: the labour rules of one person's week, turned into the pool-level tour data of the model.

A *tour* is a days-off pattern (which local days of the cyclic week a person works) and a start cell (a
band of local clock time in which all of the person's starts lie). The model decides how many people of
each pool work each tour (:func:`planner.roster.rules.rule_tour_cover`); the shifts started in a
(pool, local day, start cell) equal the people whose tour works that day in that cell.

Start cells partition the local day: cell ``c`` of a pool holds the starts from ``c * w`` to
``(c + 1) * w`` minutes after local midnight, where the width ``w`` is the start-time band, narrowed where
needed so that any two starts of one cell on consecutive days leave ``min_rest_hours`` between the end of
the longer shift and the next start (one hour less again at sites whose clocks change in the horizon).
So the band and the rest rule hold by construction for every person, whatever shifts of the cell they
are given. With ``max_nights_per_week`` below ``shifts_per_week``, night shifts form cells of their own
that no tour may work (the band keeps a person's starts, and so their nights, alike all week). In a pool
of named agents with contract hours, a cell holds the shifts of one paid length, so that each tour's weekly
paid hours are known and the agents whose contract they meet are the only ones to take it
(:func:`agent_groups`, :func:`planner.roster.rules.rule_tour_agents`).
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from planner.domain import Agent, Scenario, Settings, ShiftTemplate
from planner.errors import InputError, Problem
from planner.timezones import offsets_by_minute

DAY = 24 * 60
#: A shift is a night shift when at least this many of its minutes fall in the local night window
#: (the EU working-time directive's night worker: 3 hours of daily working time at night).
NIGHT_MINUTES = 180


@dataclass(frozen=True)
class TourRules:
    """The labour rules of one person's week (settings ``shifts_per_week`` ... ``max_nights_per_week``)."""

    shifts_per_week: int = 5
    consecutive_days_off: bool = True
    min_rest_hours: float = 11.0
    max_consecutive_days: int = 6
    start_time_band_minutes: int = 120
    max_nights_per_week: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> TourRules:
        return cls(
            settings.shifts_per_week,
            settings.consecutive_days_off,
            settings.min_rest_hours,
            settings.max_consecutive_days,
            settings.start_time_band_minutes,
            settings.max_nights_per_week,
        )

    @property
    def nights_forbidden(self) -> bool:
        """Whether a person may not work night shifts at all (a week of alike starts has only nights or none)."""
        return self.max_nights_per_week is not None and self.max_nights_per_week < self.shifts_per_week


@dataclass(frozen=True)
class StartCell:
    """A pool's band of local start times: minutes [start, end) after local midnight; night cells hold the
    night shifts when nights are forbidden (no tour works them). In a pool of named agents with contract
    hours, a cell holds the shifts of one paid length (``paid_minutes``), so that a tour's weekly paid hours
    are known and only agents whose contract they meet take it; elsewhere every length (None)."""

    pool: int
    start: int
    end: int
    night: bool = False
    paid_minutes: int | None = None

    @property
    def label(self) -> str:
        tag = "_night" if self.night else ""
        if self.paid_minutes is not None:
            tag += f"_paid{self.paid_minutes // 60:d}h{self.paid_minutes % 60:02d}"
        return f"{self.start // 60:02d}{self.start % 60:02d}-{self.end // 60:02d}{self.end % 60:02d}{tag}"


@dataclass(frozen=True)
class AgentGroup:
    """Named agents of one pool with the same own columns (contract hours, days off, unavailable dates, start
    window, nights): how many, and the tours (start cell, pattern) every week of which suits them."""

    pool: int
    label: str
    agents: int
    fits: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class TourData:
    """The tours of a roster problem: days-off patterns, start cells and each shift option's cell.

    ``patterns[k]`` is the tuple of weekdays (0-6, counted from each site's first local day of the horizon)
    that pattern ``k`` works; ``option_cell[o]`` the start cell of option ``o`` and ``option_slot_day[o]``
    its local day in the cyclic horizon (0 .. 7 x weeks - 1).
    """

    rules: TourRules
    days: int  # local days in the cyclic horizon (7 x weeks)
    patterns: tuple[tuple[int, ...], ...]
    cells: tuple[StartCell, ...]
    option_cell: np.ndarray
    option_slot_day: np.ndarray
    option_night: np.ndarray
    groups: tuple[AgentGroup, ...] = ()  # named agents, alike ones together (empty without an agents sheet)

    def works(self, pattern: int, day: int) -> bool:
        return day % 7 in self.patterns[pattern]


def work_patterns(rules: TourRules) -> tuple[tuple[int, ...], ...]:
    """Every weekly pattern of working days: shifts_per_week days, days off consecutive (cyclically) when
    the rule asks, and no more than max_consecutive_days working days in a row (the week repeats)."""
    out = []
    for days in itertools.combinations(range(7), rules.shifts_per_week):
        if rules.consecutive_days_off and not _cyclic_block(set(range(7)) - set(days)):
            continue
        if longest_cyclic_run(days) > rules.max_consecutive_days:
            continue
        out.append(days)
    return tuple(out)


def _cyclic_block(days: set[int]) -> bool:
    """Whether the weekdays form one block in the cyclic week (an empty or full set counts)."""
    if len(days) in (0, 7):
        return True
    starts = [d for d in days if (d - 1) % 7 not in days]
    return len(starts) == 1


def longest_cyclic_run(days: tuple[int, ...] | list[int], period: int = 7) -> int:
    """The most consecutive days of ``days`` in the cyclic week of ``period`` days."""
    have = set(days)
    if len(have) >= period:
        return period
    best = 0
    for d in have:
        if (d - 1) % period in have:
            continue
        n = 0
        while (d + n) % period in have:
            n += 1
        best = max(best, n)
    return best


def night_minutes(start_of_day: np.ndarray, length: np.ndarray, night_start: int, night_end: int) -> np.ndarray:
    """Minutes of each shift (local start, minutes after midnight; length) inside the local night window."""
    if night_start == night_end:
        return np.zeros(len(start_of_day), dtype=np.int64)
    windows = [(night_start, night_end)] if night_start < night_end else [(night_start, DAY), (0, night_end)]
    total = np.zeros(len(start_of_day), dtype=np.int64)
    for day in (-1, 0, 1):
        for a, b in windows:
            lo, hi = a + day * DAY, b + day * DAY
            total += np.clip(np.minimum(start_of_day + length, hi) - np.maximum(start_of_day, lo), 0, None)
    return total


def cell_width(scenario: Scenario, site: str, rules: TourRules) -> int:
    """The start cell width at a site: the start-time band, narrowed so that starts of one cell on
    consecutive days leave the rest after the longest shift allowed there (an hour more with a clock change)."""
    lengths = [t.length_minutes for t in scenario.shifts if t.allowed_at(site)]
    longest = max(lengths, default=0)
    margin = 60 if _clock_changes(scenario, site) else 0
    room = DAY - longest - int(round(rules.min_rest_hours * 60)) - margin
    return max(1, min(rules.start_time_band_minutes, room))


def _clock_changes(scenario: Scenario, site: str) -> bool:
    h = scenario.horizon
    offsets = offsets_by_minute(scenario.sites[site].timezone, h.start, h.minutes + DAY)
    return bool(np.unique(offsets).size > 1)


def tour_rule_problems(
    shifts: tuple[ShiftTemplate, ...] | list[ShiftTemplate],
    rules: TourRules,
    file: str,
    setting_rows: Mapping[str, int] | None = None,
    shift_rows: Mapping[str, int] | None = None,
) -> list[Problem]:
    """Bad input for weekly tours: a shift template that cannot be worked on two days in a row with
    min_rest_hours between, and a max_consecutive_days that leaves no week of shifts_per_week shifts (with
    consecutive_days_off). ``setting_rows`` and ``shift_rows`` give the sheet rows to name, where known."""
    out: list[Problem] = []
    rest = int(round(rules.min_rest_hours * 60))
    if rules.shifts_per_week >= 2:
        out += [
            Problem(
                file=file,
                sheet="shifts",
                row=(shift_rows or {}).get(t.name),
                column="length_hours",
                value=t.length_hours,
                has_value=True,
                message=f"shift {t.name} cannot be worked on two days in a row",
                expected=f"a length that leaves min_rest_hours ({rules.min_rest_hours:g} h) before the next day's "
                "start: length + min_rest_hours below 24 h",
            )
            for t in shifts
            if t.length_minutes + rest >= DAY
        ]
    if not work_patterns(rules):
        days_off = " consecutive" if rules.consecutive_days_off else ""
        out.append(
            Problem(
                file=file,
                sheet="settings",
                row=(setting_rows or {}).get("max_consecutive_days"),
                column="value",
                value=rules.max_consecutive_days,
                has_value=True,
                message=f"max_consecutive_days leaves no week of shifts_per_week ({rules.shifts_per_week}) "
                f"shifts with{days_off} days off",
                expected="a max_consecutive_days that allows a week of shifts_per_week shifts (with "
                "consecutive_days_off: at least shifts_per_week)",
            )
        )
    return out


def build_tours(scenario: Scenario, table: pd.DataFrame, pool_index: dict[str, int]) -> TourData:
    """The tour data of a roster problem from its shift options' table."""
    rules = TourRules.from_settings(scenario.settings)
    problems = tour_rule_problems(scenario.shifts, rules, scenario.source)
    if problems:  # the loader reports these (with rows) when weekly_tours is set; here for tours asked otherwise
        raise InputError(scenario.source, problems)
    days = 7 * scenario.horizon.weeks
    st = scenario.settings
    minute = np.array([ts.hour * 60 + ts.minute for ts in table["local_start"]], dtype=np.int64)
    length = table["length_minutes"].to_numpy(dtype=np.int64)
    ns, ne = st.night_start.hour * 60 + st.night_start.minute, st.night_end.hour * 60 + st.night_end.minute
    night = night_minutes(minute, length, ns, ne) >= NIGHT_MINUTES
    width = {site: cell_width(scenario, site, rules) for site in scenario.sites}
    contracts = contract_pools(scenario, pool_index)
    paid = table["paid_minutes"].to_numpy(dtype=np.int64)
    cell_ids: dict[tuple[int, int, bool, int | None], int] = {}
    cells: list[StartCell] = []
    option_cell = np.zeros(len(table), dtype=np.int64)
    for o, (pool, site) in enumerate(zip(table["pool"], table["site"], strict=True)):
        w = width[site]
        k = pool_index[pool]
        index = int(minute[o] // w)
        own_night = bool(night[o]) and rules.nights_forbidden
        length = int(paid[o]) if k in contracts else None
        key = (k, index, own_night, length)
        if key not in cell_ids:
            cell_ids[key] = len(cells)
            cells.append(StartCell(k, index * w, min(DAY, (index + 1) * w), own_night, length))
        option_cell[o] = cell_ids[key]
    patterns = work_patterns(rules)
    tours = TourData(
        rules=rules,
        days=days,
        patterns=patterns,
        cells=tuple(cells),
        option_cell=option_cell,
        option_slot_day=table["local_day"].to_numpy(dtype=np.int64) % days,
        option_night=night,
    )
    return replace(tours, groups=agent_groups(scenario, table, pool_index, tours))


def contract_pools(scenario: Scenario, pool_index: dict[str, int]) -> set[int]:
    """The pools with a named agent whose contract hours are given: their start cells hold one paid length
    each (see :class:`StartCell`)."""
    return {
        pool_index[a.pool_name] for a in scenario.agents if a.weekly_hours is not None and a.pool_name in pool_index
    }


def agent_groups(
    scenario: Scenario, table: pd.DataFrame, pool_index: dict[str, int], tours: TourData
) -> tuple[AgentGroup, ...]:
    """The named agents of the agents sheet in groups of alike agents (same pool and own columns), each with
    the tours whose every week suits them: the cell's paid length, worked ``shifts_per_week`` times, meets
    their contract hours within one shift (the longest template's paid hours; the cells of a pool with
    contracts hold one paid length each); on the pattern's working days, every shift option of the start
    cell leaves their days off and unavailable dates free and starts within their window; the days with a
    night option are at most their nights (as :func:`planner.analysis.weeks.rule_against` checks a concrete
    week)."""
    if not scenario.agents:
        return ()
    alike: dict[tuple[object, ...], list[Agent]] = defaultdict(list)
    for a in sorted(scenario.agents, key=lambda a: a.name):
        own = (a.weekly_hours, a.days_off, a.unavailable, a.earliest_start, a.latest_start, a.max_nights)
        alike[(a.pool_name, *own)].append(a)
    longest_hours = max((t.paid_minutes for t in scenario.shifts), default=0) / 60
    week_shifts = tours.rules.shifts_per_week
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o, (c, d) in enumerate(zip(tours.option_cell, tours.option_slot_day, strict=True)):
        slots[(int(c), int(d))].append(o)
    starts = list(table["local_start"])
    weeks = tours.days // 7
    out = []
    for n, members in enumerate(alike.values()):
        a = members[0]
        if a.pool_name not in pool_index:
            continue
        pool = pool_index[a.pool_name]
        fits = []
        for c, cell in enumerate(tours.cells):
            if cell.pool != pool:
                continue
            if cell.paid_minutes is not None and not a.contract_allows(
                week_shifts * cell.paid_minutes / 60, longest_hours
            ):
                continue
            day_ok = [all(_shift_suits(a, starts[o]) for o in slots.get((c, d), [])) for d in range(tours.days)]
            for k in range(len(tours.patterns)):
                worked = [d for d in range(tours.days) if tours.works(k, d)]
                nights = sum(any(tours.option_night[o] for o in slots.get((c, d), [])) for d in worked)
                if not all(day_ok[d] for d in worked):
                    continue
                if a.max_nights is not None and nights > a.max_nights * weeks:
                    continue
                fits.append((c, k))
        out.append(AgentGroup(pool, f"{a.pool_name}#{n + 1}", len(members), tuple(fits)))
    return tuple(out)


def _shift_suits(agent: Agent, start: pd.Timestamp) -> bool:
    """A shift starting at local time ``start`` leaves the agent's days off and unavailable dates free and
    starts within their window."""
    clock = start.time()
    return (
        start.weekday() not in agent.days_off
        and start.date() not in agent.unavailable
        and (agent.earliest_start is None or clock >= agent.earliest_start)
        and (agent.latest_start is None or clock <= agent.latest_start)
    )
