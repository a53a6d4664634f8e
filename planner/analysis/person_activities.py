"""Per-person activities: the whole-agent activity plan (agents per pool, interval and demand group) given
to the people on duty, so that each person's day reads "09:00-13:00 ja chat, 13:00-13:30 break, ...".

Per pool, the intervals are swept in time order. In each interval the people on duty fill the plan's
counts: first everyone who can stay on the activity they worked in the previous interval does (so a
person switches only when the plan's counts change), then the other places are filled, and people the
plan does not need serve the pool's whole routing order. Every interval's counts are reproduced
exactly whenever the plan needs no more people than are on duty (the plan counts people whose shift
touches the interval, breaks included, as the activity sheet's ``agents`` column does). Breaks are
taken from the break schedule: per pool, shift and start, its break starts go to the people of that
start in name order. Everything is deterministic (sorted by name and time, no randomness).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.analysis.activities import parse_queues
from planner.analysis.weeks import WEEKDAYS, day_column, schedule_order
from planner.domain import DEFAULT_TIER, Scenario
from planner.roster.check import PersonWeek
from planner.simulation.floor import template_breaks
from planner.timezones import offsets_by_minute, utc_to_local

#: The activity of a person on break.
BREAK = "break"
#: The activity of a person the plan does not need in an interval: the pool's whole routing order.
ANY = "any (routing order)"
PERSON_ACTIVITY_COLUMNS = [
    "agent",
    "site",
    "pool",
    "local_day",
    "from",
    "to",
    "activity",
    "kind",
    "utc_start",
    "utc_end",
]

#: counts[(pool, interval)][group] = whole people the plan puts on the group.
Counts = Mapping[tuple[str, int], Mapping[str, int]]


@dataclass(frozen=True)
class Duty:
    """One person's shift: on duty from ``start`` to ``end`` (minutes from the horizon start, UTC; may
    run past the horizon's end, which wraps to its start), off at ``breaks`` (the same minutes)."""

    person: str
    pool: str
    start: int
    end: int
    breaks: tuple[tuple[int, int], ...] = ()
    template: str = ""


@dataclass(frozen=True)
class Block:
    """What one person does from ``start`` to ``end`` (minutes as in :class:`Duty`): a group of the
    activity plan, :data:`BREAK` or :data:`ANY`."""

    duty: int  # index into the duties
    start: int
    end: int
    activity: str


def duty_intervals(duty: Duty, step: int) -> range:
    """The (unwrapped) intervals the shift touches."""
    return range(duty.start // step, -(-duty.end // step))


def assign_people(duties: Sequence[Duty], counts: Counts, step: int, n: int) -> list[dict[int, str]]:
    """Per duty, the activity of each (unwrapped) interval of its shift: ``counts[(pool, t)][group]``
    people of the pool on duty in interval ``t`` (cyclic, ``0 <= t < n``) work the group; the rest
    :data:`ANY`. People stay on their previous interval's activity while its count allows (those with
    the shortest block so far first, so blocks do not end after one interval); the other places go to
    the people left, those whose shifts last longest first, groups in the plan's order."""
    out: list[dict[int, str]] = [{} for _ in duties]
    by_pool: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(duties):
        by_pool[d.pool].append(i)
    for pool in sorted(by_pool):
        on: dict[int, list[tuple[int, int]]] = defaultdict(list)  # t -> [(duty, unwrapped interval)]
        carried = [0] * n  # per interval: shifts that were on duty in the interval before too
        for i in by_pool[pool]:
            span = duty_intervals(duties[i], step)
            for k in span:
                on[k % n].append((i, k))
                carried[k % n] += k != span.start
        first = min(range(n), key=lambda t: (carried[t], t)) if n else 0
        for j in range(n):  # in time order, from where the fewest people bring an activity with them
            t = (first + j) % n
            _fill(duties, out, on[t], counts.get((pool, t), {}))
    return out


def _fill(
    duties: Sequence[Duty], out: list[dict[int, str]], present: list[tuple[int, int]], plan: Mapping[str, int]
) -> None:
    """One interval of :func:`assign_people`: ``present`` are (duty, unwrapped interval) on duty."""
    want = {g: int(c) for g, c in plan.items() if int(c) > 0}
    left = sorted(present, key=lambda ik: (duties[ik[0]].person, ik[0]))
    placed: set[tuple[int, int]] = set()
    for g in list(want):
        stay = [(i, k) for i, k in left if out[i].get(k - 1) == g]
        stay.sort(key=lambda ik: (_run(out[ik[0]], ik[1] - 1, g), -duties[ik[0]].end, duties[ik[0]].person))
        for i, k in stay[: want[g]]:
            out[i][k] = g
            placed.add((i, k))
        want[g] -= min(want[g], len(stay))
    rest = [ik for ik in left if ik not in placed]
    rest.sort(key=lambda ik: (-duties[ik[0]].end, duties[ik[0]].person, ik[0]))
    for g in want:
        while want[g] > 0 and rest:
            i, k = rest.pop(0)
            out[i][k] = g
            want[g] -= 1
    for i, k in rest:
        out[i][k] = ANY


def _run(acts: Mapping[int, str], k: int, g: str) -> int:
    """Intervals the person has worked ``g`` up to interval ``k``."""
    length = 0
    while acts.get(k) == g:
        length += 1
        k -= 1
    return length


def person_blocks(duties: Sequence[Duty], assigned: Sequence[Mapping[int, str]], step: int) -> list[Block]:
    """Each duty as blocks: consecutive intervals with one activity merged, clipped to the shift, with
    its breaks cut out as :data:`BREAK` blocks; in duty and time order."""
    blocks: list[Block] = []
    for i, d in enumerate(duties):
        pieces: list[tuple[int, int, str]] = []
        for k in duty_intervals(d, step):
            a, b = max(d.start, k * step), min(d.end, (k + 1) * step)
            act = assigned[i].get(k, ANY)
            if pieces and pieces[-1][2] == act and pieces[-1][1] == a:
                pieces[-1] = (pieces[-1][0], b, act)
            elif b > a:
                pieces.append((a, b, act))
        cuts = sorted((max(d.start, b0), min(d.end, b1)) for b0, b1 in d.breaks if min(d.end, b1) > max(d.start, b0))
        for cur, end, act in pieces:
            for b0, b1 in cuts:
                if b1 <= cur or b0 >= end:
                    continue
                if b0 > cur:
                    blocks.append(Block(i, cur, b0, act))
                blocks.append(Block(i, max(cur, b0), min(end, b1), BREAK))
                cur = min(end, b1)
            if end > cur:
                blocks.append(Block(i, cur, end, act))
    return _merge_breaks(blocks)


def _merge_breaks(blocks: list[Block]) -> list[Block]:
    """A break that spans an interval boundary is one block."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if prev and prev.duty == b.duty and prev.activity == b.activity == BREAK and prev.end == b.start:
            out[-1] = Block(b.duty, prev.start, b.end, BREAK)
        else:
            out.append(b)
    return out


# --------------------------------------------------------------------------- from a roster's tables


def plan_counts(
    activities: pd.DataFrame, horizon_start: pd.Timestamp, step: int
) -> dict[tuple[str, int], dict[str, int]]:
    """The activity sheet's whole people (``agents``) per (pool, interval) and group, in sheet order
    (live groups first)."""
    out: dict[tuple[str, int], dict[str, int]] = defaultdict(dict)
    for r in activities.itertuples(index=False):
        k = int((pd.Timestamp(r.interval_start) - horizon_start).total_seconds() // 60 // step)
        if int(r.agents) > 0:
            out[(str(r.pool), k)][str(r.group)] = int(r.agents)
    return out


def group_labels(activities: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Per group: (label, kind); the label is languages and channels, and the tier when the group has
    one named tier ("ja chat", "ru email", "ru email vip")."""
    out: dict[str, tuple[str, str]] = {}
    for r in activities.drop_duplicates("group").itertuples(index=False):
        queues = parse_queues(str(r.queues)) or ()
        tiers = sorted({q[2] for q in queues})
        named = len(tiers) == 1 and tiers[0] != DEFAULT_TIER
        label = f"{r.languages} {r.channels}" + (f" {tiers[0]}" if named else "")
        out[str(r.group)] = (label, str(r.kind))
    return out


def duties_of_weeks(weeks: Iterable[PersonWeek]) -> list[Duty]:
    """The shifts of people's weeks as duties; a tour group of ``n`` people is ``n`` people named
    "<group> #1" .. "#n"."""
    out = []
    for w in weeks:
        names = [w.name] if w.people == 1 else [f"{w.name} #{j + 1}" for j in range(w.people)]
        for name in names:
            for s in w.shifts:
                out.append(Duty(name, w.pool, s.start_minute, s.start_minute + s.length_minutes, (), s.template))
    return out


def duties_of_shifts(shifts: pd.DataFrame, horizon_start: pd.Timestamp, scenario: Scenario) -> list[Duty]:
    """Without weekly tours: each agent of each shift row is a duty named by pool, shift and local start
    ("manila_en early Mon 06:00 #3")."""
    out = []
    for r in shifts.itertuples(index=False):
        start = int((pd.Timestamp(r.utc_start) - horizon_start).total_seconds() // 60)
        end = int((pd.Timestamp(r.utc_end) - horizon_start).total_seconds() // 60)
        tz = scenario.sites[str(r.site)].timezone
        local = utc_to_local(tz, pd.Timestamp(r.utc_start).to_pydatetime())
        stem = f"{r.pool} {r.shift} {local:%a %H:%M}"
        for j in range(int(r.agents)):
            out.append(Duty(f"{stem} #{j + 1}", str(r.pool), start, end, (), str(r.shift)))
    return out


def with_breaks(
    duties: list[Duty], breaks: pd.DataFrame, scenario: Scenario, horizon_start: pd.Timestamp
) -> list[Duty]:
    """Each duty with its break: per (pool, shift, start) the break schedule's starts go to its people
    in name order; people it does not place break by the shift template's rule (mid-shift)."""
    horizon = scenario.horizon.n_intervals * scenario.horizon.interval_minutes
    placed: dict[tuple[str, str, int], list[tuple[int, int]]] = defaultdict(list)
    for r in breaks.itertuples(index=False):
        start = int((pd.Timestamp(r.shift_utc_start) - horizon_start).total_seconds() // 60) % max(horizon, 1)
        placed[(str(r.pool), str(r.shift), start)] += [(int(r.minutes_after_start), int(r.break_minutes))] * int(
            r.agents
        )
    templates = {t.name: t for t in scenario.shifts}
    groups: dict[tuple[str, str, int], list[int]] = defaultdict(list)
    for i, d in enumerate(duties):
        groups[(d.pool, d.template, d.start % max(horizon, 1))].append(i)
    out = list(duties)
    for key, idx in groups.items():
        given = placed.get(key, [])
        for j, i in enumerate(sorted(idx, key=lambda i: (duties[i].person, i))):
            d = duties[i]
            if j < len(given):
                off, length = given[j]
                spans: tuple[tuple[int, int], ...] = ((off, off + length),)
            else:
                tpl = templates.get(d.template)
                spans = template_breaks(tpl) if tpl is not None else ()
            out[i] = Duty(
                d.person, d.pool, d.start, d.end, tuple((d.start + a, d.start + b) for a, b in spans), d.template
            )
    return out


@dataclass(frozen=True)
class PersonActivities:
    """Per-person activities: ``blocks`` (one row per person and activity block) and ``grid`` (the
    schedule grid with each day's activities, or empty without people's weeks)."""

    blocks: pd.DataFrame
    grid: pd.DataFrame


def person_activities(
    scenario: Scenario,
    activities: pd.DataFrame,
    breaks: pd.DataFrame,
    weeks: Sequence[PersonWeek] = (),
    shifts: pd.DataFrame | None = None,
) -> PersonActivities:
    """The per-person activity tables of a roster: of the people's ``weeks`` (named agents or tour
    groups), else of each agent of the ``shifts`` table."""
    h = scenario.horizon
    h0 = pd.Timestamp(h.start).tz_convert("UTC")
    step = h.interval_minutes
    if weeks:
        duties = duties_of_weeks(weeks)
    elif shifts is not None:
        duties = duties_of_shifts(shifts, h0, scenario)
    else:
        duties = []
    duties = with_breaks(duties, breaks, scenario, h0)
    assigned = assign_people(duties, plan_counts(activities, h0, step), step, h.n_intervals)
    blocks = person_blocks(duties, assigned, step)
    labels = group_labels(activities)
    clock = LocalClock(scenario)
    rows = []
    for b in blocks:
        d = duties[b.duty]
        site = clock.site_of(d.pool)
        label, kind = labels.get(b.activity, (b.activity, "break" if b.activity == BREAK else "any"))
        day, _ = clock.local(site, d.start)
        rows.append(
            (d.person, site, d.pool, WEEKDAYS[day], clock.text(site, b.start), clock.text(site, b.end), label, kind)
        )
    table = pd.DataFrame(rows, columns=PERSON_ACTIVITY_COLUMNS[:-2])
    table["utc_start"] = clock.utc([b.start for b in blocks])
    table["utc_end"] = clock.utc([b.end for b in blocks])
    grid = activity_grid(scenario, weeks, duties, blocks, labels, clock) if weeks else pd.DataFrame()
    return PersonActivities(table, grid)


class LocalClock:
    """Minutes from the horizon start (UTC, up to two days past its end) as each site's local weekday
    and wall-clock time, from the site's UTC offsets per minute (so a shift across a clock change reads
    right)."""

    def __init__(self, scenario: Scenario) -> None:
        h = scenario.horizon
        self.h0 = pd.Timestamp(h.start).tz_convert("UTC")
        start = self.h0.to_pydatetime()
        span = h.n_intervals * h.interval_minutes + 2 * 1440
        self.sites = {p.name: p.site for p in scenario.pools.values()}
        self.offsets = {name: offsets_by_minute(site.timezone, start, span) for name, site in scenario.sites.items()}
        self.base = self.h0.weekday() * 1440 + self.h0.hour * 60 + self.h0.minute

    def site_of(self, pool: str) -> str:
        return self.sites.get(pool, "")

    def local(self, site: str, minute: int) -> tuple[int, int]:
        """(local weekday, Monday = 0; local minute of the day)."""
        off = self.offsets.get(site)
        at = self.base + minute + (int(off[min(max(minute, 0), off.size - 1)]) if off is not None else 0)
        return (at // 1440) % 7, at % 1440

    def text(self, site: str, minute: int) -> str:
        _, m = self.local(site, minute)
        return f"{m // 60:02d}:{m % 60:02d}"

    def utc(self, minutes: Sequence[int]) -> pd.Series:
        return pd.Series(self.h0 + pd.to_timedelta(np.asarray(minutes, dtype=np.int64), unit="min"))


def day_text(clock: LocalClock, site: str, blocks: Sequence[Block], labels: Mapping[str, tuple[str, str]]) -> str:
    """One shift's activities: "09:00-13:00 ja chat, 13:00-13:30 break, ..." (local times)."""
    return ", ".join(
        f"{clock.text(site, b.start)}-{clock.text(site, b.end)} {labels.get(b.activity, (b.activity, ''))[0]}"
        for b in blocks
    )


def activity_grid(
    scenario: Scenario,
    weeks: Sequence[PersonWeek],
    duties: Sequence[Duty],
    blocks: Sequence[Block],
    labels: Mapping[str, tuple[str, str]],
    clock: LocalClock,
) -> pd.DataFrame:
    """The schedule grid with activities: one row per person, one column per local weekday, each cell
    the shift and its activities ("09:00-18:00: 09:00-13:00 ja chat, 13:00-14:00 break, ...") or "off"."""
    n_weeks = scenario.horizon.weeks
    days = [d if n_weeks == 1 else f"{d} w{w + 1}" for w in range(n_weeks) for d in WEEKDAYS]
    of_duty: dict[int, list[Block]] = defaultdict(list)
    for b in blocks:
        of_duty[b.duty].append(b)
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(duties):
        by_person[d.person].append(i)
    rows = []
    for w in sorted(weeks, key=schedule_order):
        names = [w.name] if w.people == 1 else [f"{w.name} #{j + 1}" for j in range(w.people)]
        for name in names:
            row: dict[str, object] = {"site": w.site, "pool": w.pool, "agent": name}
            row.update({d: "off" for d in days})
            mine = sorted(by_person[name], key=lambda i: duties[i].start)
            for s, i in zip(sorted(w.shifts, key=lambda s: s.start_minute), mine, strict=True):
                end = s.local_start + dt.timedelta(minutes=s.length_minutes)
                text = day_text(clock, clock.site_of(w.pool) or w.site, of_duty[i], labels)
                row[day_column(s, n_weeks)] = f"{s.local_start:%H:%M}-{end:%H:%M}: {text}"
            rows.append(row)
    return pd.DataFrame(rows, columns=["site", "pool", "agent", *days])
