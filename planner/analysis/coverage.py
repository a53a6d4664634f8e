"""Coverage after the solve: staffed and short agents per queue and interval, split from the
model's groups, and the service each queue is predicted to get at its staffed level."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from planner.domain import Scenario, WorkKind
from planner.queueing import erlang, priority
from planner.queueing.deferred import on_time_share
from planner.requirements import QueueKey, Requirements, on_floor_agents, sharing_groups
from planner.roster.rules import TOL, RosterProblem

GroupSeries = dict[str, np.ndarray]


def _split_to_queues(
    req: Requirements, problem: RosterProblem, staffed_group: GroupSeries, short_group: GroupSeries
) -> tuple[dict[QueueKey, np.ndarray], dict[QueueKey, np.ndarray], dict[QueueKey, np.ndarray]]:
    """Staffed and short agents per queue (each group's split by its queues' share), and the
    predicted on-time share of each deferrable queue."""
    n = req.horizon.n_intervals
    staffed = {k: np.zeros(n) for k in req.queues}
    shortfall = {k: np.zeros(n) for k in req.queues}
    predicted_def: dict[QueueKey, np.ndarray] = {}
    for g in problem.live:
        total = g.requirement
        safe = np.where(total > TOL, total, 1.0)
        for q in g.queues:
            share = np.where(total > TOL, req.live[q] / safe, 0.0)
            staffed[q] = staffed_group[g.name] * share
            shortfall[q] = short_group[g.name] * share
    if problem.deferred:
        shares = on_time_share(
            np.array([d.work for d in problem.deferred]),
            np.array([staffed_group[d.name] for d in problem.deferred]),
            np.array([d.window for d in problem.deferred]),
            np.array([d.share for d in problem.deferred]),
        )
        for j, d in enumerate(problem.deferred):
            totals = np.array([req.deferred[q].total for q in d.queues])
            safe_work = np.where(d.work > TOL, d.work, 1.0)
            for q, tot in zip(d.queues, totals, strict=True):
                staffed[q] = staffed_group[d.name] * (tot / totals.sum() if totals.sum() > 0 else 0.0)
                shortfall[q] = short_group[d.name] * np.where(d.work > TOL, req.deferred[q].work / safe_work, 0.0)
                predicted_def[q] = shares[j]
    return staffed, shortfall, predicted_def


def _live_service(scenario: Scenario, req: Requirements, staffed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Service level and ASA per requirements row at the staffed level (Erlang on whole agents on the floor)."""
    st = scenario.settings
    h = scenario.horizon
    n = h.n_intervals
    keys = list(req.queues)
    t = req.table
    kinds = np.array([req.queues[k].kind is WorkKind.LIVE for k in keys])
    sl = np.ones(len(t))
    asa = np.zeros(len(t))
    lam = t["contacts_to_agents"].to_numpy() / h.interval_minutes
    idx = np.flatnonzero(np.repeat(kinds, n) & (lam > 0))
    if len(idx):
        spec = [req.queues[keys[i // n]] for i in idx]
        on_floor = np.floor(on_floor_agents(staffed[idx], st.shrinkage) + 1e-6)
        stats = erlang.queue_stats(
            on_floor,
            lam[idx],
            np.array([s.handle_minutes for s in spec]),
            np.array([s.target_minutes for s in spec]),
            patience_minutes=np.array([np.nan if s.patience_minutes is None else s.patience_minutes for s in spec]),
            concurrency=np.array([s.concurrency for s in spec]),
            concurrency_efficiency=st.concurrency_efficiency,
        )
        sl[idx] = stats.service_level
        asa[idx] = stats.asa_seconds
    _shared_service(scenario, req, staffed, lam, sl)
    _period_service(scenario, req, staffed, sl)
    return sl, asa


def _period_service(scenario: Scenario, req: Requirements, staffed: np.ndarray, sl: np.ndarray) -> None:
    """Queues promised over a day or week: the service level the roster model counted on, from the
    answered-in-time curve at the (fractional) agents on the floor (planner.queueing.period)."""
    n = scenario.horizon.n_intervals
    for i, key in enumerate(req.queues):
        promise = req.period.get(key)
        if promise is None:
            continue
        on_floor = on_floor_agents(staffed[i * n : (i + 1) * n], scenario.settings.shrinkage)
        answered = promise.answered_at(on_floor)
        has = promise.contacts > 0
        sl[i * n : (i + 1) * n] = np.where(has, answered / np.where(has, promise.contacts, 1.0), 1.0)


def _shared_service(
    scenario: Scenario, req: Requirements, staffed: np.ndarray, lam: np.ndarray, sl: np.ndarray
) -> None:
    """Tiers sharing agents: each tier's service level at its group's staffing, served by priority."""
    n = scenario.horizon.n_intervals
    keys = list(req.queues)
    for classes in sharing_groups(keys, req.queues):
        members = [i for c in classes for i in c]
        group_staffed = np.sum([staffed[i * n : (i + 1) * n] for i in members], axis=0)
        on_floor = np.floor(on_floor_agents(group_staffed, scenario.settings.shrinkage) + 1e-6)
        rates = np.stack([np.sum([lam[i * n : (i + 1) * n] for i in c], axis=0) for c in classes], axis=1)
        spec = req.queues[keys[classes[0][0]]]
        levels = priority.tier_service_levels(
            on_floor,
            rates,
            spec.handle_minutes,
            np.array([[req.queues[keys[c[0]]].target_minutes for c in classes]]),
            patience_minutes=spec.patience_minutes,
            concurrency=spec.concurrency,
            concurrency_efficiency=scenario.settings.concurrency_efficiency,
        )
        for r, c in enumerate(classes):
            for i in c:
                sl[i * n : (i + 1) * n] = levels[:, r]


def coverage_table(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    staffed_group: GroupSeries,
    short_group: GroupSeries,
) -> pd.DataFrame:
    """One row per queue and interval: required, staffed, shortfall and predicted service against target."""
    n = scenario.horizon.n_intervals
    t = req.table
    keys = list(req.queues)
    staffed, shortfall, predicted_def = _split_to_queues(req, problem, staffed_group, short_group)
    staffed_arr = np.concatenate([staffed[k] for k in keys])
    out = pd.DataFrame(
        {
            "interval_start": t["interval_start"],
            "language": t["language"],
            "channel": t["channel"],
            "tier": t["tier"],
            "kind": t["kind"],
            "contacts": t["contacts"],
            "required": t["agents_scheduled"],
            "required_on_floor": t["agents_required"],
            "staffed": staffed_arr,
            "shortfall": np.concatenate([shortfall[k] for k in keys]),
        }
    )
    sl, asa = _live_service(scenario, req, staffed_arr)
    for i, k in enumerate(keys):
        if req.queues[k].kind is not WorkKind.LIVE and k in predicted_def:
            sl[i * n : (i + 1) * n] = predicted_def[k]
            asa[i * n : (i + 1) * n] = np.nan
    out["service_level"] = sl
    out["target_service_level"] = t["target_service_level"].to_numpy()
    out["asa_seconds"] = asa
    out["target_minutes"] = t["target_minutes"].to_numpy()
    out["meets_target"] = (out["shortfall"] <= 1e-6) & (
        (out["contacts"] <= 0) | (out["service_level"] >= out["target_service_level"] - 1e-9)
    )
    out["interval"] = t["interval"].to_numpy()
    return out


def group_totals(
    n_intervals: int,
    alloc: dict[tuple[str, str, int], float],
    short: dict[tuple[str, int, int], float],
    uncoverable: dict[tuple[str, int], float],
) -> tuple[GroupSeries, GroupSeries]:
    """Scheduled agents allocated to, and shortfall of, each model group per interval."""
    staffed_group: GroupSeries = defaultdict(lambda: np.zeros(n_intervals))
    for (_s, g, t), v in alloc.items():
        staffed_group[g][t] += v
    short_group: GroupSeries = defaultdict(lambda: np.zeros(n_intervals))
    for (g, t, _c), v in short.items():
        short_group[g][t] += v
    for (g, t), v in uncoverable.items():
        short_group[g][t] += v
    return staffed_group, short_group
