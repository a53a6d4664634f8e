"""The roster's floor-plan tables (activities, routing, breaks; see planner.analysis.floorplan) turned into
the simulation's floor-plan parts, whether they come from a roster just planned or from a roster file."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from planner.analysis.activities import parse_queues
from planner.domain import Horizon
from planner.requirements import QueueKey
from planner.simulation.floor import Activity, Level


@dataclass(frozen=True)
class FloorParts:
    """What a roster's floor-plan tables tell the simulation (empty parts: the simulation's defaults)."""

    activities: tuple[Activity, ...] = ()
    routing: Mapping[str, tuple[Level, ...]] | None = None
    breaks: Mapping[tuple[str, str, int], tuple[tuple[int, int, int], ...]] | None = None


def floor_parts(
    horizon: Horizon,
    activities: pd.DataFrame | None,
    routing: pd.DataFrame | None,
    breaks: pd.DataFrame | None,
) -> FloorParts:
    """Activities (on-floor agents per pool, interval and group: live groups first, as the plan fills
    them), routing levels per pool (by rank) and break times per (pool, shift, start minute)."""
    h = horizon
    h0 = pd.Timestamp(h.start).tz_convert("UTC")
    levels: dict[str, list[tuple[int, tuple[QueueKey, ...]]]] = defaultdict(list)
    deferred: dict[str, list[QueueKey]] = defaultdict(list)
    if routing is not None:
        for r in sorted(routing.itertuples(index=False), key=lambda r: (str(r.pool), int(r.rank))):
            queues = parse_queues(str(r.queues))
            if queues:
                levels[str(r.pool)].append((int(r.rank), queues))
                if str(r.kind) == "deferred":
                    deferred[str(r.pool)].extend(queues)
    acts: list[Activity] = []
    if activities is not None and len(activities):
        acts = _activities(h, activities, deferred)
    placed: dict[tuple[str, str, int], list[tuple[int, int, int]]] = defaultdict(list)
    if breaks is not None:
        for r in breaks.itertuples(index=False):
            start = int(round((_utc(r.shift_utc_start) - h0).total_seconds() / 60.0))
            placed[(str(r.pool), str(r.shift), start)].append(
                (int(r.minutes_after_start), int(r.break_minutes), int(r.agents))
            )
    return FloorParts(
        activities=tuple(acts),
        routing={p: tuple(q for _, q in sorted(v)) for p, v in levels.items()} or None,
        breaks={k: tuple(v) for k, v in placed.items()} or None,
    )


def _activities(h: Horizon, activities: pd.DataFrame, routed: Mapping[str, list[QueueKey]]) -> list[Activity]:
    """One activity per live group (live first, as the plan fills them) and one for all the deferred work
    of a pool and interval. Its agents first take, earliest deadline first, the queues of the deferred
    groups the plan has in the interval (rows with or without whole agents) and the pool's other deferred
    queues in those groups' languages (``first``); then the rest of the pool's deferred queues
    (``routed[pool]``, the routing's deferred ranks) in routing order. So a pool planned for Russian email
    this hour does not spend it on English social contacts that other pools were planned for and keep
    close to their deadlines, just because the pool was planned for a few of them some other hour."""
    live: dict[tuple[str, int], list[Activity]] = defaultdict(list)
    deferred: dict[tuple[str, int], tuple[list[QueueKey], int]] = {}
    h0 = pd.Timestamp(h.start).tz_convert("UTC")
    for r in activities.itertuples(index=False):
        queues = parse_queues(str(r.queues))
        k = int((_utc(r.interval_start) - h0).total_seconds() // 60 // h.interval_minutes)
        is_live = str(r.kind) == "live"
        if not queues or (is_live and int(r.on_floor) <= 0) or not 0 <= k < h.n_intervals:
            continue
        key = (str(r.pool), k)
        if is_live:
            live[key].append(Activity(key[0], k, queues, int(r.on_floor)))
        else:
            qs, n = deferred.get(key, ([], 0))
            deferred[key] = (qs + [q for q in queues if q not in qs], n + max(0, int(r.on_floor)))
    out: list[Activity] = []
    for key in sorted(set(live) | set(deferred)):
        out.extend(live.get(key, []))
        qs, n = deferred.get(key, ([], 0))
        if n > 0:
            languages = {q[0] for q in qs}
            rest = [q for q in routed.get(key[0], []) if q not in qs]
            first = qs + [q for q in rest if q[0] in languages]
            out.append(Activity(key[0], key[1], tuple(qs + rest), n, tuple(first)))
    return out


def _utc(value: object) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
