"""Staffing requirements: first-response targets turned into agents per interval and queue.

A queue is one (language, channel, tier). For every queue with demand and every interval
of the horizon:

* **Live channels** (chat, phone): the smallest whole number of agents on the floor whose
  predicted service level (share of contacts first-answered within the target) meets the
  target and whose occupancy stays at or below ``max_occupancy`` - Erlang C without
  patience, Erlang A with it, chat concurrency through the slot model
  (:mod:`planner.queueing.erlang`). Contacts after ``bot_deflection`` are what agents see.
* **Deferrable channels** (email, social): the work (contacts x handle time) with its
  deadline (:mod:`planner.queueing.deferred`); the report requirement is the smoothest profile that
  meets it, at ``deferred_max_occupancy``.
* **Shrinkage**: scheduled agents = agents on the floor / (1 - shrinkage), kept fractional
  (never rounded to the nearest integer, which under-staffs).
* **Tiers** (vip ...) are separate queues with their own targets (the `targets` sheet):
  a vip contact waits only behind vip contacts, as on a dedicated vip desk. Agents of a
  pool can still serve several tiers; the roster splits their time between queues.
* **Tiers sharing agents** (a live channel with ``tiers_share_agents``): the tiers of one
  language and channel are one queue served in priority order (:mod:`planner.queueing.priority`).
  The group needs the fewest agents meeting every tier's target at once; each tier's rows
  carry what it adds to the tiers ranked above it (the first rank: its requirement alone), so
  the tiers' rows add up to the group's requirement, and each tier's service level is the one
  it gets at the group's staffing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner import calendars
from planner.domain import (
    Calendar,
    Horizon,
    Scenario,
    ServiceLevelScope,
    Settings,
    WorkKind,
    resolve_priority,
    resolve_promise,
)
from planner.queueing import erlang, priority
from planner.queueing.deferred import (
    LATE_FACTOR,
    DeferredWork,
    backlog,
    clocked_work,
    deferred_works,
    oldest_open_age,
    on_time_share,
    planned_share,
    planned_window,
    smooth_requirements,
)
from planner.queueing.period import PeriodPromise, answered_curves

QueueKey = tuple[str, str, str]  # language, channel, tier

OUTPUT_COLUMNS = [
    "interval_start",
    "language",
    "channel",
    "tier",
    "contacts",
    "agents_required",
    "agents_scheduled",
    "service_level",
    "asa_seconds",
    "occupancy",
    "abandon_rate",
    "workload_hours",
]


@dataclass(frozen=True)
class QueueSpec:
    """The promise and the work model of one queue."""

    language: str
    channel: str
    tier: str
    kind: WorkKind
    handle_minutes: float
    target_minutes: float
    service_level: float
    concurrency: int
    patience_minutes: float | None
    bot_deflection: float
    shares_agents: bool = False  # the channel's tiers are served by the same agents, by priority
    scope: ServiceLevelScope = ServiceLevelScope.INTERVAL  # the period the service level is promised over
    clock: str | None = None  # a calendar's name (planner.calendars), None: the wall clock
    holiday_target_minutes: float | None = None
    floor_level: float = 0.0  # with a day or week scope: the service level of every interval
    priority: int | None = None  # rank among those tiers (1 first; None: after every ranked tier)

    @property
    def key(self) -> QueueKey:
        return (self.language, self.channel, self.tier)


@dataclass(frozen=True)
class Requirements:
    """Requirements of every queue on every interval, plus what the optimizer needs."""

    horizon: Horizon
    shrinkage: float
    queues: dict[QueueKey, QueueSpec]
    table: pd.DataFrame  # the report: OUTPUT_COLUMNS first, one row per interval x queue
    live: dict[QueueKey, np.ndarray]  # scheduled agents per interval (fractional)
    live_floor: dict[QueueKey, np.ndarray]  # agents on the floor per interval (whole)
    deferred: dict[QueueKey, DeferredWork]  # scheduled agent-intervals of work, with backlog caps
    period: dict[QueueKey, PeriodPromise] = field(default_factory=dict)  # live queues promised over a day or week

    def summary(self) -> pd.DataFrame:
        """Peak and total agent-hours per language and channel (tiers added up)."""
        t = self.table
        by = (
            t.groupby(["language", "channel", "interval"], sort=True)
            .agg(
                scheduled=("agents_scheduled", "sum"),
                floor=("agents_on_floor", "sum"),
                contacts=("contacts", "sum"),
                workload=("workload_hours", "sum"),
            )
            .reset_index()
        )
        hours = self.horizon.interval_hours
        out = (
            by.groupby(["language", "channel"], sort=True)
            .agg(
                contacts=("contacts", "sum"),
                workload_hours=("workload", "sum"),
                peak_agents_on_floor=("floor", "max"),
                peak_agents_scheduled=("scheduled", "max"),
                agent_hours_on_floor=("floor", "sum"),
                agent_hours_scheduled=("scheduled", "sum"),
            )
            .reset_index()
        )
        out["agent_hours_on_floor"] *= hours
        out["agent_hours_scheduled"] *= hours
        age = t.groupby(["language", "channel"], sort=True)["oldest_open_age_hours"].max()
        out["peak_backlog_age_hours"] = [float(age[(r.language, r.channel)]) for r in out.itertuples(index=False)]
        kinds = {(q.language, q.channel): q.kind.value for q in self.queues.values()}
        out.insert(2, "kind", [kinds[(r.language, r.channel)] for r in out.itertuples(index=False)])
        return out

    def backlog_age_by_day(self) -> pd.DataFrame:
        """Deferrable queues: per UTC day the peak age of the oldest open contact and the peak open backlog."""
        t = self.table[self.table["kind"] == WorkKind.DEFERRABLE.value]
        day = t["interval_start"].dt.floor("D").dt.tz_localize(None)
        return (
            t.assign(day=day)
            .groupby(["language", "channel", "tier", "day"], sort=True)
            .agg(
                peak_oldest_open_age_hours=("oldest_open_age_hours", "max"),
                peak_backlog_contacts=("backlog_contacts", "max"),
                peak_backlog_hours=("backlog_hours", "max"),
                on_time_share=("service_level", "min"),
            )
            .reset_index()
        )

    def summary_dict(self) -> dict[str, Any]:
        s = self.summary()
        return {
            "interval_minutes": self.horizon.interval_minutes,
            "intervals": self.horizon.n_intervals,
            "queues": len(self.queues),
            "rows": len(self.table),
            "shrinkage": self.shrinkage,
            "total_contacts": round(float(s["contacts"].sum()), 3),
            "total_agent_hours_scheduled": round(float(s["agent_hours_scheduled"].sum()), 3),
            "by_language_channel": [
                {
                    "language": r.language,
                    "channel": r.channel,
                    "kind": r.kind,
                    "contacts": round(float(r.contacts), 3),
                    "peak_agents_on_floor": round(float(r.peak_agents_on_floor), 3),
                    "peak_agents_scheduled": round(float(r.peak_agents_scheduled), 3),
                    "agent_hours_on_floor": round(float(r.agent_hours_on_floor), 3),
                    "agent_hours_scheduled": round(float(r.agent_hours_scheduled), 3),
                    "peak_backlog_age_hours": round(float(r.peak_backlog_age_hours), 3),
                }
                for r in s.itertuples(index=False)
            ],
        }


def scheduled_agents(on_floor: np.ndarray, shrinkage: float) -> np.ndarray:
    """Agents to schedule so that ``on_floor`` remain after shrinkage: on the floor / (1 - shrinkage)."""
    return on_floor * (1.0 / (1.0 - shrinkage))


def on_floor_agents(scheduled: np.ndarray, shrinkage: float) -> np.ndarray:
    """Agents on the floor out of ``scheduled`` (fractional): scheduled x (1 - shrinkage)."""
    return scheduled * (1.0 - shrinkage)


def queue_index(demand: pd.DataFrame) -> tuple[list[QueueKey], np.ndarray]:
    """The queues with demand rows, sorted by (language, channel, tier), and each row's queue."""
    codes = []
    names = []
    for col in ("language", "channel", "tier"):
        # (on plain objects: pandas factorizes these several times faster than its string arrays)
        c, uniq = pd.factorize(demand[col].to_numpy(dtype=object), sort=True)
        codes.append(c.astype(np.int64))
        names.append([str(u) for u in uniq])
    combined = (codes[0] * len(names[1]) + codes[1]) * len(names[2]) + codes[2]
    found, row_queue = np.unique(combined, return_inverse=True)
    tier_code = found % len(names[2])
    channel_code = (found // len(names[2])) % len(names[1])
    language_code = found // (len(names[1]) * len(names[2]))
    keys = [
        (names[0][lc], names[1][cc], names[2][tc])
        for lc, cc, tc in zip(language_code.tolist(), channel_code.tolist(), tier_code.tolist(), strict=True)
    ]
    return keys, row_queue.reshape(-1)


def queue_specs(scenario: Scenario, keys: list[QueueKey] | None = None) -> dict[QueueKey, QueueSpec]:
    """Every (language, channel, tier) with demand rows, with its resolved targets."""
    if keys is None:
        keys, _ = queue_index(scenario.demand)
    out: dict[QueueKey, QueueSpec] = {}
    for lang, chan, tier in keys:
        ch = scenario.channels[chan]
        promise = resolve_promise(ch, scenario.targets, lang, tier)
        out[(lang, chan, tier)] = QueueSpec(
            language=lang,
            channel=chan,
            tier=tier,
            kind=ch.kind,
            handle_minutes=ch.handle_minutes,
            target_minutes=promise.target_minutes,
            service_level=promise.service_level,
            concurrency=ch.concurrency,
            patience_minutes=ch.patience_minutes,
            bot_deflection=ch.bot_deflection,
            shares_agents=ch.tiers_share_agents and ch.kind is WorkKind.LIVE,
            scope=promise.scope if ch.kind is WorkKind.LIVE else ServiceLevelScope.INTERVAL,
            floor_level=promise.floor_level,
            clock=promise.clock,
            holiday_target_minutes=promise.holiday_target_minutes,
            priority=resolve_priority(scenario.targets, lang, chan, tier),
        )
    return out


@dataclass(frozen=True)
class _QueueParams:
    """The queues' parameters as arrays, one element per queue in key order."""

    handle: np.ndarray
    target: np.ndarray
    level: np.ndarray
    concurrency: np.ndarray  # int64
    patience: np.ndarray  # NaN: no abandonment
    deflection: np.ndarray
    live: np.ndarray  # bool: a live queue (else deferrable)

    @classmethod
    def of(cls, specs: dict[QueueKey, QueueSpec], keys: list[QueueKey]) -> _QueueParams:
        qs = [specs[k] for k in keys]
        return cls(
            handle=np.array([s.handle_minutes for s in qs], dtype=float),
            target=np.array([s.target_minutes for s in qs], dtype=float),
            level=np.array([s.service_level for s in qs], dtype=float),
            concurrency=np.array([s.concurrency for s in qs], dtype=np.int64),
            patience=np.array([np.nan if s.patience_minutes is None else s.patience_minutes for s in qs]),
            deflection=np.array([s.bot_deflection for s in qs], dtype=float),
            live=np.array([s.kind is WorkKind.LIVE for s in qs], dtype=bool),
        )


@dataclass(frozen=True)
class _Grid:
    """The per-(queue, interval) results, filled by the live and the deferrable parts."""

    floor: np.ndarray  # agents on the floor (whole for live, fractional for deferred)
    required: np.ndarray  # int64
    service_level: np.ndarray
    asa_seconds: np.ndarray
    occupancy: np.ndarray
    abandon_rate: np.ndarray
    backlog_hours: np.ndarray
    backlog_contacts: np.ndarray
    oldest_age_hours: np.ndarray

    @classmethod
    def empty(cls, q: int, n: int) -> _Grid:
        """No demand: nobody required, service level 1, everything else 0."""
        floor, asa, occ, abandon, backlog_hours, contacts, age = (np.zeros((q, n)) for _ in range(7))
        return cls(
            floor, np.zeros((q, n), dtype=np.int64), np.ones((q, n)), asa, occ, abandon, backlog_hours, contacts, age
        )


def compute_requirements(scenario: Scenario) -> Requirements:
    """Requirements for every queue and interval of the scenario (pure, vectorised)."""
    h = scenario.horizon
    st = scenario.settings
    keys, qi = queue_index(scenario.demand)
    specs = queue_specs(scenario, keys)
    par = _QueueParams.of(specs, keys)
    contacts = _contacts_grid(scenario.demand, qi, len(keys), h.n_intervals)
    for i, k in enumerate(keys):
        clock = specs[k].clock
        if clock is not None and scenario.calendars[clock].demand_factors:
            contacts[i] *= calendars.demand_factors(scenario.calendars[clock], h)
    agent_contacts = contacts * (1.0 - par.deflection)[:, None]
    workload_hours = agent_contacts * par.handle[:, None] / 60.0

    grid = _Grid.empty(len(keys), h.n_intervals)
    li = np.flatnonzero(par.live)
    di = np.flatnonzero(~par.live)
    _live_rows(grid, li, agent_contacts, par, h, st)
    _shared_rows(grid, sharing_groups(keys, specs), agent_contacts, par, h, st)
    period = {
        keys[i]: _period_rows(grid, int(i), specs[keys[i]], contacts[i], agent_contacts[i], h, st)
        for i in li
        if specs[keys[i]].scope is not ServiceLevelScope.INTERVAL and not specs[keys[i]].shares_agents
    }
    deferred = _deferred_rows(grid, di, workload_hours, par, h, st)
    for j, i in enumerate(map(int, di)):
        spec = specs[keys[i]]
        if spec.clock is not None:
            deferred[j] = _clocked_rows(grid, i, spec, scenario.calendars[spec.clock], workload_hours[i], par, h, st)
    deferred_by_key = {keys[i]: dw for i, dw in zip(di, deferred, strict=True)}

    scheduled = scheduled_agents(grid.floor, st.shrinkage)
    table = _table(keys, specs, h, par, contacts, agent_contacts, workload_hours, grid, scheduled)
    return Requirements(
        horizon=h,
        shrinkage=st.shrinkage,
        queues=specs,
        table=table,
        live={keys[i]: scheduled[i].copy() for i in li},
        live_floor={keys[i]: grid.required[i].copy() for i in li},
        deferred=deferred_by_key,
        period=period,
    )


def _contacts_grid(demand: pd.DataFrame, row_queue: np.ndarray, queues: int, intervals: int) -> np.ndarray:
    """Contacts per (queue, interval), demand rows of one cell added."""
    contacts = np.zeros((queues, intervals))
    np.add.at(contacts, (row_queue, demand["interval"].to_numpy()), demand["contacts"].to_numpy(dtype=float))
    return contacts


def _live_rows(
    grid: _Grid, li: np.ndarray, agent_contacts: np.ndarray, par: _QueueParams, h: Horizon, st: Settings
) -> None:
    """Fill the live queues' rows (``li``): one vectorised staffing search over every
    (queue, interval) with demand, with the measures at the staffing found."""
    if not len(li):
        return
    lam = agent_contacts[li] / h.interval_minutes  # contacts per minute
    rows, cols = np.nonzero(lam > 0)
    if not len(rows):
        return
    qsel = li[rows]
    found = erlang.staffing(
        lam[rows, cols],
        par.handle[qsel],
        par.target[qsel],
        par.level[qsel],
        st.max_occupancy,
        patience_minutes=par.patience[qsel],
        concurrency=par.concurrency[qsel],
        concurrency_efficiency=st.concurrency_efficiency,
    )
    grid.required[qsel, cols] = found.agents
    grid.floor[qsel, cols] = found.agents
    grid.service_level[qsel, cols] = found.stats.service_level
    grid.asa_seconds[qsel, cols] = found.stats.asa_seconds
    grid.occupancy[qsel, cols] = found.stats.occupancy
    grid.abandon_rate[qsel, cols] = found.stats.abandon_rate


def sharing_groups(keys: list[QueueKey], specs: dict[QueueKey, QueueSpec]) -> list[list[list[int]]]:
    """The live queues whose tiers share agents: per (language, channel) with two tiers or more,
    the queue indices grouped by rank (tiers of one rank wait in one line), first rank first."""
    by_pair: dict[tuple[str, str], list[int]] = {}
    for i, k in enumerate(keys):
        if specs[k].shares_agents:
            by_pair.setdefault((k[0], k[1]), []).append(i)
    groups = []
    for members in by_pair.values():
        if len(members) < 2:
            continue
        last = 1 + max((specs[keys[i]].priority or 0) for i in members)
        ranks: dict[int, list[int]] = {}
        for i in members:
            ranks.setdefault(specs[keys[i]].priority or last, []).append(i)
        groups.append([ranks[r] for r in sorted(ranks)])
    return groups


@dataclass(frozen=True)
class _SharedRows:
    """Every sharing group's intervals with demand as rows, ranks as columns (padded with no demand)."""

    queue: np.ndarray  # (rows, ranks): the queue index carrying each rank's rows, -1 for padding
    interval: np.ndarray
    lam: np.ndarray  # contacts per minute
    target: np.ndarray
    level: np.ndarray
    alone: np.ndarray  # int64 (rows, ranks): the most agents any of the first r ranks needs alone
    first: np.ndarray  # per row: a queue of the group (its handle, patience, concurrency)
    group: np.ndarray  # per row: the group's index

    @classmethod
    def of(cls, groups: list[list[list[int]]], grid: _Grid, agent_contacts: np.ndarray, par: _QueueParams, h: Horizon):
        width = max(len(g) for g in groups)
        parts: list[tuple[np.ndarray, ...]] = []
        for g, classes in enumerate(groups):
            lam = np.zeros((agent_contacts.shape[1], width))
            lam[:, : len(classes)] = np.stack([agent_contacts[c].sum(axis=0) for c in classes], axis=1)
            cols = np.flatnonzero(lam.sum(axis=1) > 0)
            pad = width - len(classes)
            queue = np.array([c[0] for c in classes] + [-1] * pad)
            target = np.array([par.target[c[0]] for c in classes] + [1.0] * pad)  # one target per rank (checked)
            level = np.array([par.level[c].max() for c in classes] + [0.0] * pad)
            alone = np.array([grid.required[c][:, cols].max(axis=0) for c in classes] + [np.zeros(cols.size)] * pad)
            n = cols.size
            parts.append(
                (
                    np.tile(queue, (n, 1)),
                    cols,
                    lam[cols] / h.interval_minutes,
                    np.tile(target, (n, 1)),
                    np.tile(level, (n, 1)),
                    np.maximum.accumulate(alone, axis=0).T.astype(np.int64),
                    np.full(n, queue[0]),
                    np.full(n, g),
                )
            )
        return cls(*(np.concatenate(column) for column in zip(*parts, strict=True)))


def _shared_rows(
    grid: _Grid, groups: list[list[list[int]]], agent_contacts: np.ndarray, par: _QueueParams, h: Horizon, st: Settings
) -> None:
    """Refill the rows of the sharing groups (queue indices by rank), all groups at once: the staffing
    for the first ``r`` ranks, ``r = 1..K``, each rank's rows getting what it adds (on its first tier)."""
    if not groups:
        return
    rows = _SharedRows.of(groups, grid, agent_contacts, par, h)
    if not rows.interval.size:
        return
    for classes in groups:
        for members in classes:
            grid.required[members] = 0
            grid.floor[members] = 0
    above = np.zeros(rows.interval.size, dtype=np.int64)
    f = rows.first
    for r in range(1, rows.lam.shape[1] + 1):
        found = priority.shared_staffing(
            rows.lam[:, :r],
            par.handle[f],
            rows.target[:, :r],
            rows.level[:, :r],
            st.max_occupancy,
            start_agents=np.maximum(above, rows.alone[:, r - 1]),
            patience_minutes=par.patience[f],
            concurrency=par.concurrency[f],
            concurrency_efficiency=st.concurrency_efficiency,
        )
        real = rows.queue[:, r - 1] >= 0
        q, t = rows.queue[real, r - 1], rows.interval[real]
        grid.required[q, t] = (found.agents - above)[real]
        grid.floor[q, t] = (found.agents - above)[real]
        above = found.agents
    _shared_measures(grid, groups, rows, found)


def _shared_measures(
    grid: _Grid, groups: list[list[list[int]]], rows: _SharedRows, found: priority.SharedStaffing
) -> None:
    """Each tier's service level at its group's staffing; the group's occupancy, abandonment and ASA."""
    for g, classes in enumerate(groups):
        sel = rows.group == g
        t = rows.interval[sel]
        for rank, members in enumerate(classes):
            for i in members:
                grid.service_level[i, t] = found.service_level[sel, rank]
                grid.occupancy[i, t] = found.occupancy[sel]
                grid.abandon_rate[i, t] = found.abandon_rate[sel]
                grid.asa_seconds[i, t] = found.asa_seconds[sel]


def _period_rows(
    grid: _Grid, i: int, spec: QueueSpec, contacts: np.ndarray, agent_contacts: np.ndarray, h: Horizon, st: Settings
) -> PeriodPromise:
    """A live queue promised over a day or week: its rows get the floor's staffing (what every interval
    needs), and its promise carries the answered-in-time curves the roster trades intervals with."""
    lam = agent_contacts / h.interval_minutes
    patience, conc, eff = spec.patience_minutes, spec.concurrency, st.concurrency_efficiency
    found = erlang.staffing(
        lam, spec.handle_minutes, spec.target_minutes, spec.floor_level, st.max_occupancy,
        patience_minutes=np.nan if patience is None else patience, concurrency=conc, concurrency_efficiency=eff,
    )  # fmt: skip
    agents, answered, used = answered_curves(
        agent_contacts, lam, found.agents, grid.required[i], spec.handle_minutes, spec.target_minutes,
        patience_minutes=patience, concurrency=conc, concurrency_efficiency=eff,
    )  # fmt: skip
    per_period = (24 * 60 if spec.scope is ServiceLevelScope.DAY else 7 * 24 * 60) // h.interval_minutes
    period = np.where(agent_contacts > 0, np.arange(h.n_intervals) // per_period, -1)
    grid.required[i] = found.agents
    grid.floor[i] = found.agents
    grid.service_level[i] = np.where(lam > 0, found.stats.service_level, 1.0)
    grid.asa_seconds[i] = np.where(lam > 0, found.stats.asa_seconds, 0.0)
    grid.occupancy[i] = np.where(lam > 0, found.stats.occupancy, 0.0)
    grid.abandon_rate[i] = np.where(lam > 0, found.stats.abandon_rate, 0.0)
    return PeriodPromise(spec.service_level, spec.floor_level, period, agent_contacts.copy(), agents, answered, used)


def _backlog_age(
    grid: _Grid,
    rows: np.ndarray,
    work_floor: np.ndarray,
    profiles: np.ndarray,
    par: _QueueParams,
    h: Horizon,
    st: Settings,
) -> None:
    """Open backlog in contacts and the age of the oldest open contact (served in order) at each interval end."""
    eff = 1.0 + (par.concurrency[rows] - 1) * st.concurrency_efficiency
    hours_per_contact = par.handle[rows] / 60.0 / eff
    grid.backlog_contacts[rows] = grid.backlog_hours[rows] / hours_per_contact[:, None]
    grid.oldest_age_hours[rows] = oldest_open_age(work_floor, profiles) * h.interval_hours


def _clocked_rows(
    grid: _Grid,
    i: int,
    spec: QueueSpec,
    calendar: Calendar,
    workload_hours: np.ndarray,
    par: _QueueParams,
    h: Horizon,
    st: Settings,
) -> DeferredWork:
    """A deferrable queue on a working-time clock: deadlines per arrival interval from the calendar
    (holiday target on its holidays), its rows refilled from them; its work in scheduled agent-intervals."""
    capacity_per_agent = h.interval_hours * st.deferred_max_occupancy
    eff = 1.0 + (par.concurrency[i] - 1) * st.concurrency_efficiency
    work_floor = workload_hours / eff / capacity_per_agent
    holiday = spec.holiday_target_minutes
    due, late = _clock_deadlines(calendar, h, spec.target_minutes, holiday)
    tag = f"{calendar.name}:{spec.target_minutes:g}:{holiday}"
    on_floor = clocked_work(work_floor, spec.service_level, due, late, tag)
    profile = smooth_requirements([on_floor])[0]
    grid.backlog_hours[i] = backlog(work_floor, profile) * capacity_per_agent
    _backlog_age(grid, np.array([i]), work_floor[None, :], profile[None, :], par, h, st)
    grid.service_level[i] = on_time_share(work_floor, profile, due[None, :-1], spec.service_level)
    grid.floor[i] = profile
    grid.required[i] = np.ceil(profile - 1e-9).astype(np.int64)
    grid.occupancy[i] = np.where(profile > 0, st.deferred_max_occupancy, 0.0)
    planned_due, planned_late = _clock_deadlines(
        calendar, h, planned_window(spec.target_minutes), None if holiday is None else planned_window(holiday)
    )
    planned = float(planned_share(spec.service_level))
    return clocked_work(scheduled_agents(work_floor, st.shrinkage), planned, planned_due, planned_late, tag)


def _clock_deadlines(
    calendar: Calendar, h: Horizon, target_minutes: float, holiday_minutes: float | None
) -> tuple[np.ndarray, np.ndarray]:
    """Per arrival boundary, the intervals until the share's deadline (``target_minutes`` of the calendar's
    working time; ``holiday_minutes`` for arrivals on its holidays) and until the rest's (LATE_FACTOR x)."""

    def due(factor: float) -> np.ndarray:
        holiday = None if holiday_minutes is None else factor * holiday_minutes
        return calendars.due_minutes(calendar, h, factor * target_minutes, holiday) / h.interval_minutes

    return due(1.0), due(LATE_FACTOR)


def _deferred_rows(
    grid: _Grid, di: np.ndarray, workload_hours: np.ndarray, par: _QueueParams, h: Horizon, st: Settings
) -> list[DeferredWork]:
    """Fill the deferrable queues' rows (``di``) from the smoothest profile of their work, in
    agents on the floor, and return each queue's work in scheduled agent-intervals."""
    if not len(di):
        return []
    capacity_per_agent = h.interval_hours * st.deferred_max_occupancy  # hours of work per agent-interval
    eff = 1.0 + (par.concurrency[di] - 1) * st.concurrency_efficiency  # concurrent work, as for chat
    work_floor = workload_hours[di] / eff[:, None] / capacity_per_agent
    windows = par.target[di] / h.interval_minutes
    level = par.level[di]
    profiles = smooth_requirements(deferred_works(work_floor, windows, level))
    grid.backlog_hours[di] = backlog(work_floor, profiles) * capacity_per_agent
    _backlog_age(grid, di, work_floor, profiles, par, h, st)
    grid.service_level[di] = on_time_share(work_floor, profiles, windows, level)
    grid.floor[di] = profiles
    grid.required[di] = np.ceil(profiles - 1e-9).astype(np.int64)
    grid.occupancy[di] = np.where(profiles > 0, st.deferred_max_occupancy, 0.0)
    grid.asa_seconds[di] = np.nan
    return deferred_works(
        scheduled_agents(work_floor, st.shrinkage), planned_window(windows), np.asarray(planned_share(level))
    )


def _table(
    keys: list[QueueKey],
    specs: dict[QueueKey, QueueSpec],
    h: Horizon,
    par: _QueueParams,
    contacts: np.ndarray,
    agent_contacts: np.ndarray,
    workload_hours: np.ndarray,
    grid: _Grid,
    scheduled: np.ndarray,
) -> pd.DataFrame:
    """The report table: OUTPUT_COLUMNS, then the columns the roster and the summaries use."""
    n = h.n_intervals
    grid_interval = np.tile(np.arange(n), len(keys))
    starts = pd.date_range(h.start, periods=n, freq=f"{h.interval_minutes}min", tz="UTC")
    return pd.DataFrame(
        {
            "interval_start": starts[grid_interval],
            "language": np.repeat([k[0] for k in keys], n),
            "channel": np.repeat([k[1] for k in keys], n),
            "tier": np.repeat([k[2] for k in keys], n),
            "contacts": contacts.ravel(),
            "agents_required": grid.required.ravel(),
            "agents_scheduled": scheduled.ravel(),
            "service_level": grid.service_level.ravel(),
            "asa_seconds": grid.asa_seconds.ravel(),
            "occupancy": grid.occupancy.ravel(),
            "abandon_rate": grid.abandon_rate.ravel(),
            "workload_hours": workload_hours.ravel(),
            "interval": grid_interval,
            "kind": np.repeat([specs[k].kind.value for k in keys], n),
            "contacts_to_agents": agent_contacts.ravel(),
            "agents_on_floor": grid.floor.ravel(),
            "target_minutes": np.repeat(par.target, n),
            "target_service_level": np.repeat(par.level, n),
            "backlog_hours": grid.backlog_hours.ravel(),
            "backlog_contacts": grid.backlog_contacts.ravel(),
            "oldest_open_age_hours": grid.oldest_age_hours.ravel(),
        }
    )
