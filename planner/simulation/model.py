"""What one simulation run consumes: queues with their work model, arrival rates, the floor plan, and
the formulas' prediction to compare against (built from a scenario, or by hand in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from planner.domain import Scenario, WorkKind
from planner.queueing import erlang
from planner.requirements import QueueKey, Requirements
from planner.simulation.floor import FloorPlan, tier_ranks


class Absence(StrEnum):
    """How shrinkage takes agents off the floor."""

    PLANNED = "planned"
    """Per pool and interval, a share ``shrinkage`` of the agents on duty (rounded at random to a
    whole number with the right mean) is away for the interval: the roster's own assumption."""
    RANDOM = "random"
    """Each agent is away for each interval of its shift with probability ``shrinkage``,
    independently: the number on the floor varies around the planned value."""


@dataclass(frozen=True)
class SimQueue:
    """One (language, channel, tier) as the simulation serves it.

    ``slot_minutes`` is the mean time a contact holds one of an agent's ``concurrency`` slots
    (``h c / (1 + (c - 1) efficiency)``, the requirements' slot model). For a deferred queue,
    ``target_minutes`` is its response window.
    """

    key: QueueKey
    live: bool
    slot_minutes: float
    concurrency: int
    patience_minutes: float | None
    target_minutes: float
    service_level: float
    tier_rank: int = 0

    @property
    def channel(self) -> str:
        return self.key[1]


@dataclass(frozen=True, eq=False)
class Prediction:
    """The formulas' prediction per queue and interval (arrays queues x intervals)."""

    service_level: np.ndarray
    asa_seconds: np.ndarray
    abandon_rate: np.ndarray
    source: str


@dataclass(frozen=True, eq=False)
class SimInput:
    """Everything a replication needs; ``rates`` are contacts reaching agents per queue and interval."""

    interval_minutes: int
    queues: tuple[SimQueue, ...]
    rates: np.ndarray
    floor: FloorPlan
    shrinkage: float = 0.0
    absence: Absence = Absence.PLANNED
    intervals_per_day: int = 0  # 0: one day = 24 h of intervals
    prediction: Prediction | None = None
    start: dt.datetime | None = None
    warmup_minutes: float | None = None  # None: the longest deferred window, at least 2 h, at most a day

    @property
    def n_intervals(self) -> int:
        return int(self.rates.shape[1])

    @property
    def horizon_minutes(self) -> float:
        return float(self.interval_minutes * self.n_intervals)

    @property
    def day_intervals(self) -> int:
        return self.intervals_per_day or max(1, 1440 // self.interval_minutes)


def slot_minutes(handle_minutes: float, concurrency: int, efficiency: float) -> float:
    """Minutes a contact holds a slot in the requirements' concurrency model."""
    return handle_minutes * concurrency / (1.0 + (concurrency - 1) * efficiency)


def build_input(
    scenario: Scenario,
    req: Requirements,
    floor: FloorPlan,
    coverage: pd.DataFrame | None = None,
    absence: Absence = Absence.PLANNED,
) -> SimInput:
    """The simulation input of a scenario's week with a floor plan; the prediction comes from the
    roster's coverage (staffed agents per queue and interval) when given, else from the requirements."""
    st = scenario.settings
    keys = list(req.queues)
    ranks = tier_ranks(req.queues.values())
    queues = tuple(
        SimQueue(
            key=k,
            live=s.kind is WorkKind.LIVE,
            slot_minutes=slot_minutes(s.handle_minutes, s.concurrency, st.concurrency_efficiency),
            concurrency=s.concurrency,
            patience_minutes=s.patience_minutes,
            target_minutes=s.target_minutes,
            service_level=s.service_level,
            tier_rank=ranks[s.tier],
        )
        for k, s in req.queues.items()
    )
    n = req.horizon.n_intervals
    rates = req.table["contacts_to_agents"].to_numpy(dtype=float).reshape(len(keys), n)
    prediction = _prediction(scenario, req, coverage) if coverage is not None else _requirement_prediction(req)
    return SimInput(
        interval_minutes=req.horizon.interval_minutes,
        queues=queues,
        rates=rates,
        floor=floor,
        shrinkage=req.shrinkage,
        absence=absence,
        prediction=prediction,
        start=req.horizon.start,
    )


def _requirement_prediction(req: Requirements) -> Prediction:
    q, n = len(req.queues), req.horizon.n_intervals
    t = req.table

    def grid(col: str) -> np.ndarray:
        return t[col].to_numpy(dtype=float).reshape(q, n)

    return Prediction(grid("service_level"), grid("asa_seconds"), grid("abandon_rate"), "requirements")


def _prediction(scenario: Scenario, req: Requirements, coverage: pd.DataFrame) -> Prediction:
    """Erlang at the roster's staffed agents (on the floor after shrinkage), as the coverage table predicts."""
    st = scenario.settings
    keys = list(req.queues)
    n = req.horizon.n_intervals
    pos = {k: i for i, k in enumerate(keys)}
    staffed = np.zeros((len(keys), n))
    deferred_sl = np.ones((len(keys), n))
    for r in coverage.itertuples(index=False):
        i = pos.get((r.language, r.channel, r.tier))
        if i is not None and 0 <= int(r.interval) < n:
            staffed[i, int(r.interval)] = r.staffed
            deferred_sl[i, int(r.interval)] = r.service_level
    lam = req.table["contacts_to_agents"].to_numpy(dtype=float).reshape(len(keys), n) / req.horizon.interval_minutes
    specs = [req.queues[k] for k in keys]

    def col(values: list[float]) -> np.ndarray:
        return np.repeat(np.array(values, dtype=float)[:, None], n, axis=1)

    stats = erlang.queue_stats(
        np.floor(staffed * (1.0 - st.shrinkage) + 1e-6),
        lam,
        col([s.handle_minutes for s in specs]),
        col([s.target_minutes for s in specs]),
        patience_minutes=col([np.nan if s.patience_minutes is None else s.patience_minutes for s in specs]),
        concurrency=col([s.concurrency for s in specs]),
        concurrency_efficiency=st.concurrency_efficiency,
    )
    live = np.array([s.kind is WorkKind.LIVE for s in specs])[:, None]
    return Prediction(
        service_level=np.where(live, stats.service_level, deferred_sl),
        asa_seconds=np.where(live, stats.asa_seconds, np.nan),
        abandon_rate=np.where(live, stats.abandon_rate, 0.0),
        source="roster coverage",
    )
