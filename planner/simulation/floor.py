"""The floor plan a simulation runs: who is on duty when, their breaks, activities and routing order.

A :class:`FloorPlan` is neutral: it is built from a roster result, from a roster workbook's
``shifts`` sheet, or by hand (tests). It says, per pool, which groups of agents work from when
to when (UTC minutes from the horizon start; the horizon is cyclic), when each group breaks,
optionally how many of a pool's agents work which queues in an interval (the activity plan),
and in which order each pool takes queues (the routing guidance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from planner.domain import DEFAULT_TIER, Pool, Scenario, ShiftTemplate, WorkKind
from planner.requirements import QueueKey, QueueSpec
from planner.roster.options import break_window

Level = tuple[QueueKey, ...]


@dataclass(frozen=True)
class ShiftBlock:
    """``agents`` agents of one pool on duty from ``start_minute`` to ``end_minute`` (minutes from the
    horizon start; may run past its end, which wraps to the start) with breaks at ``breaks``
    (``(start, end)`` minutes after the shift start)."""

    pool: str
    start_minute: int
    end_minute: int
    agents: int
    breaks: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Activity:
    """``agents`` of a pool's agents on duty in ``interval`` work only ``queues`` (an activity plan row):
    ``first`` (the deferred groups the plan has in this interval) before the rest, which they take in the
    pool's routing order."""

    pool: str
    interval: int
    queues: tuple[QueueKey, ...]
    agents: int
    first: tuple[QueueKey, ...] = ()  # taken before the pool's routing order, earliest deadline first


@dataclass(frozen=True)
class FloorPlan:
    """Everything the simulation needs to know about the rostered floor.

    ``routing[pool]`` is the pool's routing order as levels of queues: a free agent takes work
    from the first level with a waiting contact (the oldest contact of that level; for deferred
    work, the earliest deadline). ``skills[pool]`` are the queues the pool may serve at all.
    Agents not assigned by ``activities`` in an interval serve every queue of their pool.
    """

    pools: tuple[str, ...]
    shifts: tuple[ShiftBlock, ...]
    routing: Mapping[str, tuple[Level, ...]]
    activities: tuple[Activity, ...] = field(default=())


def tier_ranks(queues: Iterable[QueueSpec]) -> dict[str, int]:
    """Priority rank of each tier (0 = first): named tiers before the default tier, stricter live
    targets first, then by name."""
    strictest: dict[str, float] = {}
    for q in queues:
        t = q.target_minutes if q.kind is WorkKind.LIVE else float("inf")
        strictest[q.tier] = min(strictest.get(q.tier, float("inf")), t)
    order = sorted(strictest, key=lambda tier: (tier == DEFAULT_TIER, strictest[tier], tier))
    return {tier: i for i, tier in enumerate(order)}


def default_routing(pools: Mapping[str, Pool], queues: Mapping[QueueKey, QueueSpec]) -> dict[str, tuple[Level, ...]]:
    """A routing order per pool when none is planned.

    Live queues first, by tier (see :func:`tier_ranks`), then by language: the language the
    fewest pools speak first (the one a multilingual pool was most likely hired for), so big
    languages overflow to a pool only when its own small language has nobody waiting. Each
    (tier, language) is one level; every deferred queue of the pool is one last level, served
    earliest deadline first.
    """
    ranks = tier_ranks(queues.values())
    speakers: dict[str, int] = {}
    for p in pools.values():
        for lang in p.languages:
            speakers[lang] = speakers.get(lang, 0) + 1
    out: dict[str, tuple[Level, ...]] = {}
    for name, pool in pools.items():
        mine = [q for q in queues.values() if pool.serves(q.language, q.channel)]
        levels: dict[tuple[int, int, str], list[QueueKey]] = {}
        for q in mine:
            if q.kind is WorkKind.LIVE:
                levels.setdefault((ranks[q.tier], speakers.get(q.language, 0), q.language), []).append(q.key)
        ordered = [tuple(sorted(levels[k])) for k in sorted(levels)]
        deferred = tuple(sorted(q.key for q in mine if q.kind is WorkKind.DEFERRABLE))
        if deferred:
            ordered.append(deferred)
        out[name] = tuple(ordered)
    return out


def template_breaks(template: ShiftTemplate) -> tuple[tuple[int, int], ...]:
    """The roster's break rule today: the unpaid break mid-shift, the same for every agent of a start."""
    start, end = break_window(template)
    return ((start, end),) if end > start else ()


def floor_from_shifts(
    scenario: Scenario,
    shifts: pd.DataFrame,
    queues: Mapping[QueueKey, QueueSpec],
    activities: tuple[Activity, ...] = (),
    routing: Mapping[str, tuple[Level, ...]] | None = None,
    breaks: Mapping[tuple[str, str, int], tuple[tuple[int, int, int], ...]] | None = None,
) -> FloorPlan:
    """A floor plan from a roster's shifts table (columns pool, shift, utc_start, utc_end, agents).

    ``breaks[(pool, shift, start minute)]`` are a break schedule's ``(minutes after start, length,
    agents)``; agents of a row it does not place break by the shift template's rule
    (:func:`template_breaks`). The routing order is :func:`default_routing` unless given.
    """
    templates = {t.name: t for t in scenario.shifts}
    h0 = pd.Timestamp(scenario.horizon.start)
    blocks = []
    for r in shifts.itertuples(index=False):
        agents = int(r.agents)
        if agents <= 0:
            continue
        start = int(round((_utc(r.utc_start) - h0).total_seconds() / 60.0))
        end = int(round((_utc(r.utc_end) - h0).total_seconds() / 60.0))
        tpl = templates.get(str(r.shift))
        placed = (breaks or {}).get((str(r.pool), str(r.shift), start), ())
        for offset, length, count in placed:
            count = min(count, agents)
            if count > 0:
                blocks.append(ShiftBlock(str(r.pool), start, end, count, ((offset, offset + length),)))
                agents -= count
        if agents > 0:
            rule = template_breaks(tpl) if tpl is not None else ()
            blocks.append(ShiftBlock(str(r.pool), start, end, agents, rule))
    return FloorPlan(
        pools=tuple(scenario.pools),
        shifts=tuple(blocks),
        routing={**default_routing(scenario.pools, queues), **(routing or {})},
        activities=activities,
    )


def _utc(value: object) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def as_datetime(value: object) -> dt.datetime | None:
    """A cell read from a workbook or CSV file as a datetime (dates are midnight; ISO text such as
    '2026-03-23T06:00:00Z' is parsed; an aware value is turned into naive UTC), else None."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None
