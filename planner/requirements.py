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
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.domain import Horizon, Scenario, WorkKind, resolve_target
from planner.queueing import erlang
from planner.queueing.deferred import DeferredWork, backlog, deferred_works, on_time_share, smooth_requirements

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
        kinds = {(q.language, q.channel): q.kind.value for q in self.queues.values()}
        out.insert(2, "kind", [kinds[(r.language, r.channel)] for r in out.itertuples(index=False)])
        return out

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
        target, level = resolve_target(ch, scenario.targets, lang, tier)
        out[(lang, chan, tier)] = QueueSpec(
            language=lang,
            channel=chan,
            tier=tier,
            kind=ch.kind,
            handle_minutes=ch.handle_minutes,
            target_minutes=target,
            service_level=level,
            concurrency=ch.concurrency,
            patience_minutes=ch.patience_minutes,
            bot_deflection=ch.bot_deflection,
        )
    return out


def compute_requirements(scenario: Scenario) -> Requirements:
    """Requirements for every queue and interval of the scenario (pure, vectorised)."""
    h = scenario.horizon
    st = scenario.settings
    n = h.n_intervals
    d = scenario.demand
    keys, qi = queue_index(d)
    specs = queue_specs(scenario, keys)
    q = len(keys)
    contacts = np.zeros((q, n))
    np.add.at(contacts, (qi, d["interval"].to_numpy()), d["contacts"].to_numpy(dtype=float))

    def per_queue(attr: str) -> np.ndarray:
        return np.array([getattr(specs[k], attr) for k in keys], dtype=float)

    handle = per_queue("handle_minutes")
    target = per_queue("target_minutes")
    level = per_queue("service_level")
    conc = np.array([specs[k].concurrency for k in keys], dtype=np.int64)
    patience = np.array([np.nan if specs[k].patience_minutes is None else specs[k].patience_minutes for k in keys])
    deflect = per_queue("bot_deflection")
    live_q = np.array([specs[k].kind is WorkKind.LIVE for k in keys], dtype=bool)

    agent_contacts = contacts * (1.0 - deflect)[:, None]
    workload_hours = agent_contacts * handle[:, None] / 60.0

    floor = np.zeros((q, n))  # agents on the floor (whole for live, fractional for deferred)
    required = np.zeros((q, n), dtype=np.int64)
    sl = np.ones((q, n))
    asa = np.zeros((q, n))
    occ = np.zeros((q, n))
    abandon = np.zeros((q, n))
    backlog_hours = np.zeros((q, n))

    # live queues: one vectorised search over every (queue, interval) with demand
    li = np.flatnonzero(live_q)
    if len(li):
        lam = agent_contacts[li] / h.interval_minutes  # contacts per minute
        mask = lam > 0
        rows, cols = np.nonzero(mask)
        if len(rows):
            qsel = li[rows]
            kw: dict[str, Any] = dict(
                patience_minutes=patience[qsel],
                concurrency=conc[qsel],
                concurrency_efficiency=st.concurrency_efficiency,
            )
            found = erlang.staffing(
                lam[rows, cols],
                handle[qsel],
                target[qsel],
                level[qsel],
                st.max_occupancy,
                **kw,
            )
            n_req, stats = found.agents, found.stats
            required[qsel, cols] = n_req
            floor[qsel, cols] = n_req
            sl[qsel, cols] = stats.service_level
            asa[qsel, cols] = stats.asa_seconds
            occ[qsel, cols] = stats.occupancy
            abandon[qsel, cols] = stats.abandon_rate

    # deferrable queues: work in on-floor agent-intervals; smoothest profile for the report
    deferred: dict[QueueKey, DeferredWork] = {}
    di = np.flatnonzero(~live_q)
    capacity_per_agent = h.interval_hours * st.deferred_max_occupancy  # hours of work per agent-interval
    if len(di):
        eff = 1.0 + (conc[di] - 1) * st.concurrency_efficiency  # concurrent work, as for chat
        work_floor = workload_hours[di] / eff[:, None] / capacity_per_agent
        windows = target[di] / h.interval_minutes
        profiles = smooth_requirements(deferred_works(work_floor, windows, level[di]))
        for i, dw in zip(
            di, deferred_works(scheduled_agents(work_floor, st.shrinkage), windows, level[di]), strict=True
        ):
            deferred[keys[i]] = dw
        backlog_hours[di] = backlog(work_floor, profiles) * capacity_per_agent
        sl[di] = on_time_share(work_floor, profiles, windows, level[di])
        floor[di] = profiles
        required[di] = np.ceil(profiles - 1e-9).astype(np.int64)
        occ[di] = np.where(profiles > 0, st.deferred_max_occupancy, 0.0)
        asa[di] = np.nan

    scheduled = scheduled_agents(floor, st.shrinkage)
    live = {keys[i]: scheduled[i].copy() for i in li}
    live_floor = {keys[i]: required[i].copy() for i in li}

    grid_interval = np.tile(np.arange(n), q)
    starts = pd.date_range(h.start, periods=n, freq=f"{h.interval_minutes}min", tz="UTC")
    table = pd.DataFrame(
        {
            "interval_start": starts[grid_interval],
            "language": np.repeat([k[0] for k in keys], n),
            "channel": np.repeat([k[1] for k in keys], n),
            "tier": np.repeat([k[2] for k in keys], n),
            "contacts": contacts.ravel(),
            "agents_required": required.ravel(),
            "agents_scheduled": scheduled.ravel(),
            "service_level": sl.ravel(),
            "asa_seconds": asa.ravel(),
            "occupancy": occ.ravel(),
            "abandon_rate": abandon.ravel(),
            "workload_hours": workload_hours.ravel(),
            "interval": grid_interval,
            "kind": np.repeat([specs[k].kind.value for k in keys], n),
            "contacts_to_agents": agent_contacts.ravel(),
            "agents_on_floor": floor.ravel(),
            "target_minutes": np.repeat(target, n),
            "target_service_level": np.repeat(level, n),
            "backlog_hours": backlog_hours.ravel(),
        }
    )
    return Requirements(
        horizon=h,
        shrinkage=st.shrinkage,
        queues=specs,
        table=table,
        live=live,
        live_floor=live_floor,
        deferred=deferred,
    )
