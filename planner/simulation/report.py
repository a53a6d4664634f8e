"""Typed simulation results: per queue-day and queue-week estimates with 95 % confidence intervals
over replications, occupancy per pool, the intervals where the roster misses, and their tables."""

from __future__ import annotations

import datetime as dt
import math
import os
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import special

from planner.errors import OutputError
from planner.outputs.files import SheetOut, write_csv_folder, write_workbook
from planner.simulation.engine import Tally
from planner.simulation.model import SimInput

CONFIDENCE = 0.95


class Verdict(StrEnum):
    """A queue-day's (or week's) simulated service level against its target."""

    MEETS = "meets"
    """The mean over replications reaches the target."""
    WITHIN_CI = "within_ci"
    """The mean is below the target, but the target lies inside the 95 % confidence interval."""
    MISSES = "misses"
    """The whole confidence interval lies below the target."""


@dataclass(frozen=True)
class Estimate:
    """A mean over replications with its 95 % confidence interval (Student t; NaN bounds with one replication)."""

    mean: float
    low: float
    high: float

    @classmethod
    def of(cls, values: np.ndarray, share: bool = False) -> Estimate:
        """Mean and t-interval of the finite values; a share's interval is clipped to [0, 1]."""
        v = values[np.isfinite(values)]
        if v.size == 0:
            return cls(math.nan, math.nan, math.nan)
        m = float(v.mean())
        if v.size < 2:
            return cls(m, math.nan, math.nan)
        half = float(
            special.stdtrit(v.size - 1, 0.5 + CONFIDENCE / 2) * v.std(ddof=1) / math.sqrt(v.size)
        )  # t quantile
        if share:
            return cls(m, max(0.0, m - half), min(1.0, m + half))
        return cls(m, m - half, m + half)


@dataclass(frozen=True)
class QueueOutcome:
    """One queue over one UTC day (``day`` 0 = the horizon's first) or the whole horizon (``day`` None)."""

    language: str
    channel: str
    tier: str
    live: bool
    day: int | None
    date: dt.date | None
    contacts: float  # mean arrivals per replication
    target_minutes: float
    target_service_level: float
    service_level: Estimate
    asa_seconds: Estimate
    abandon_rate: Estimate
    predicted_service_level: float
    predicted_asa_seconds: float
    predicted_abandon_rate: float

    @property
    def verdict(self) -> Verdict:
        sl = self.service_level
        if not math.isfinite(sl.mean) or sl.mean >= self.target_service_level - 1e-12:
            return Verdict.MEETS
        high = sl.high if math.isfinite(sl.high) else sl.mean
        return Verdict.WITHIN_CI if high >= self.target_service_level - 1e-12 else Verdict.MISSES


@dataclass(frozen=True)
class PoolOutcome:
    """A pool's occupancy: busy time (concurrent contacts count 1/concurrency each) over time on the
    floor; it can pass 100 % where agents finish contacts after their shift or break has begun."""

    pool: str
    occupancy: Estimate
    floor_hours: float  # mean agent-hours on the floor per replication
    contacts_answered: float  # mean per replication


@dataclass(frozen=True)
class IntervalMiss:
    """A live queue-interval whose service level, pooled over replications, is below target."""

    language: str
    channel: str
    tier: str
    interval: int
    interval_start: dt.datetime | None
    contacts: float
    service_level: float
    predicted_service_level: float
    target_service_level: float


@dataclass(frozen=True)
class SimulationResult:
    """Everything a simulation reports."""

    replications: int
    seed: int
    contacts_simulated: int
    seconds: float
    prediction_source: str
    days: tuple[QueueOutcome, ...]
    weeks: tuple[QueueOutcome, ...]
    pools: tuple[PoolOutcome, ...]
    misses: tuple[IntervalMiss, ...]

    @property
    def live_days(self) -> list[QueueOutcome]:
        return [d for d in self.days if d.live and d.contacts > 0]

    @property
    def deferred_days(self) -> list[QueueOutcome]:
        return [d for d in self.days if not d.live and d.contacts > 0]

    def metrics(self) -> dict[str, Any]:
        live, deferred = self.live_days, self.deferred_days
        meets = [d for d in live if d.verdict is not Verdict.MISSES]
        deferred_meets = [d for d in deferred if d.verdict is not Verdict.MISSES]
        # every queue, deferred ones included: the roster's promise is each queue's weekly target
        weekly_misses = [w for w in self.weeks if w.contacts > 0 and w.verdict is Verdict.MISSES]
        return {
            "replications": self.replications,
            "seed": self.seed,
            "contacts_simulated": self.contacts_simulated,
            "seconds": round(self.seconds, 2),
            "contacts_per_second": round(self.contacts_simulated / self.seconds) if self.seconds > 0 else None,
            "prediction": self.prediction_source,
            "live_queue_days": len(live),
            "live_queue_days_meeting_target_within_ci": len(meets),
            "share_meeting_within_ci": round(len(meets) / len(live), 4) if live else None,
            "live_queue_days_missing_beyond_ci": len(live) - len(meets),
            "deferred_queue_days": len(deferred),
            "deferred_queue_days_meeting_target_within_ci": len(deferred_meets),
            "deferred_queue_days_missing_beyond_ci": len(deferred) - len(deferred_meets),
            "queues_missing_weekly_target_beyond_ci": len(weekly_misses),
            "live_intervals_below_target": len(self.misses),
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        summary = pd.DataFrame(list(self.metrics().items()), columns=["metric", "value"])
        return {
            "summary": summary,
            "weekly": _outcome_frame(self.weeks),
            "daily": _outcome_frame(self.days),
            "pools": pd.DataFrame([_flat(asdict(p)) for p in self.pools]),
            "misses": pd.DataFrame([asdict(m) for m in self.misses], columns=list(IntervalMiss.__dataclass_fields__)),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "summary": self.metrics(),
            "weekly": [_outcome_dict(w) for w in self.weeks],
            "daily": [_outcome_dict(d) for d in self.days],
            "pools": [_clean(_flat(asdict(p))) for p in self.pools],
            "misses": [_clean(asdict(m)) for m in self.misses],
        }


def _flat(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, dict) and set(v) == {"mean", "low", "high"}:
            out[k] = v["mean"]
            out[f"{k}_low"] = v["low"]
            out[f"{k}_high"] = v["high"]
        else:
            out[k] = v
    return out


def _clean(row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in row.items():
        if isinstance(v, float):
            out[k] = None if not math.isfinite(v) else round(v, 6)
        elif isinstance(v, (dt.date, dt.datetime)):
            out[k] = v.isoformat()
        else:
            out[k] = v
    return out


def _outcome_dict(o: QueueOutcome) -> dict[str, Any]:
    row = _clean(_flat(asdict(o)))
    row["verdict"] = o.verdict.value
    return row


def _outcome_frame(rows: tuple[QueueOutcome, ...]) -> pd.DataFrame:
    frame = pd.DataFrame([_flat(asdict(o)) for o in rows])
    if len(frame):
        frame["verdict"] = [o.verdict.value for o in rows]
    return frame


# --------------------------------------------------------------------------- building the result


def summarise(sim: SimInput, tallies: list[Tally], seed: int, seconds: float) -> SimulationResult:
    """Estimates with confidence intervals from the replications' tallies."""
    n = sim.n_intervals
    per_day = sim.day_intervals
    n_days = math.ceil(n / per_day)
    day_of = np.arange(n) // per_day
    spans: list[tuple[int | None, np.ndarray]] = [(d, day_of == d) for d in range(n_days)]
    days: list[QueueOutcome] = []
    weeks: list[QueueOutcome] = []
    for qi in range(len(sim.queues)):
        for day, mask in spans:
            days.append(_outcome(sim, tallies, qi, day, mask))
        weeks.append(_outcome(sim, tallies, qi, None, np.ones(n, dtype=bool)))
    return SimulationResult(
        replications=len(tallies),
        seed=seed,
        contacts_simulated=sum(t.contacts_simulated for t in tallies),
        seconds=seconds,
        prediction_source=sim.prediction.source if sim.prediction is not None else "none",
        days=tuple(days),
        weeks=tuple(weeks),
        pools=_pools(sim, tallies),
        misses=_misses(sim, tallies),
    )


def _outcome(sim: SimInput, tallies: list[Tally], qi: int, day: int | None, mask: np.ndarray) -> QueueOutcome:
    q = sim.queues[qi]

    def total(attr: str) -> np.ndarray:
        return np.array([getattr(t, attr)[qi, mask].sum() for t in tallies])

    arrivals, within, answered = total("arrivals"), total("within"), total("answered")
    abandoned, wait = total("abandoned"), total("wait_seconds")
    with np.errstate(invalid="ignore", divide="ignore"):
        sl = np.where(arrivals > 0, within / arrivals, np.nan)
        asa = np.where(answered > 0, wait / answered, np.nan)
        ab = np.where(arrivals > 0, abandoned / arrivals, np.nan)
    rates = sim.rates[qi, mask]
    pred = sim.prediction

    def predicted(grid: np.ndarray | None) -> float:
        if grid is None or rates.sum() <= 0:
            return math.nan
        values = grid[qi, mask]
        ok = np.isfinite(values) & (rates > 0)
        return float((values[ok] * rates[ok]).sum() / rates[ok].sum()) if ok.any() else math.nan

    date = None
    if sim.start is not None and day is not None:
        date = (sim.start + dt.timedelta(minutes=day * sim.day_intervals * sim.interval_minutes)).date()
    return QueueOutcome(
        language=q.key[0],
        channel=q.key[1],
        tier=q.key[2],
        live=q.live,
        day=day,
        date=date,
        contacts=float(arrivals.mean()),
        target_minutes=q.target_minutes,
        target_service_level=q.service_level,
        service_level=Estimate.of(sl, share=True),
        asa_seconds=Estimate.of(asa) if q.live else Estimate(math.nan, math.nan, math.nan),
        abandon_rate=Estimate.of(ab, share=True),
        predicted_service_level=predicted(None if pred is None else pred.service_level),
        predicted_asa_seconds=predicted(None if pred is None else pred.asa_seconds),
        predicted_abandon_rate=predicted(None if pred is None else pred.abandon_rate),
    )


def _pools(sim: SimInput, tallies: list[Tally]) -> tuple[PoolOutcome, ...]:
    out = []
    for p, name in enumerate(sim.floor.pools):
        avail = np.array([t.pool_available_minutes[p] for t in tallies])
        busy = np.array([t.pool_busy_minutes[p] for t in tallies])
        with np.errstate(invalid="ignore", divide="ignore"):
            occ = np.where(avail > 0, busy / avail, np.nan)
        answered = float(np.mean([t.served[p].sum() for t in tallies]))
        out.append(PoolOutcome(name, Estimate.of(occ), float(avail.mean() / 60.0), answered))
    return tuple(out)


def _misses(sim: SimInput, tallies: list[Tally]) -> tuple[IntervalMiss, ...]:
    arrivals = np.sum([t.arrivals for t in tallies], axis=0)
    within = np.sum([t.within for t in tallies], axis=0)
    out = []
    for qi, q in enumerate(sim.queues):
        if not q.live:
            continue
        for k in np.flatnonzero(arrivals[qi] > 0):
            sl = within[qi, k] / arrivals[qi, k]
            if sl < q.service_level - 1e-12:
                start = None if sim.start is None else sim.start + dt.timedelta(minutes=int(k) * sim.interval_minutes)
                pred = math.nan if sim.prediction is None else float(sim.prediction.service_level[qi, k])
                out.append(
                    IntervalMiss(
                        *q.key, int(k), start, float(arrivals[qi, k] / len(tallies)), float(sl), pred, q.service_level
                    )
                )
    return tuple(out)


# --------------------------------------------------------------------------- rendering and writing


def write_simulation(result: SimulationResult, path: str | os.PathLike[str]) -> Path:
    """Write the result as an .xlsx workbook (sheets summary, weekly, daily, pools, misses) or, for a
    path without a suffix, a folder of CSV files; atomically."""
    p = Path(path)
    tables = result.tables()
    if p.suffix == "":
        return write_csv_folder(p, tables)
    if p.suffix.lower() != ".xlsx":
        raise OutputError(f"a simulation is written to an .xlsx workbook or a folder of CSV files, not {p}")
    share = {c: "0.0%" for c in _SHARE_COLUMNS}
    sheets = [
        SheetOut("summary", tables["summary"], widths={"metric": 44, "value": 24}),
        SheetOut("weekly", tables["weekly"], number_formats=share),
        SheetOut("daily", tables["daily"], number_formats={**share, "date": "yyyy-mm-dd"}),
        SheetOut(
            "pools",
            tables["pools"],
            number_formats={"occupancy": "0.0%", "occupancy_low": "0.0%", "occupancy_high": "0.0%"},
        ),
        SheetOut("misses", tables["misses"], number_formats={**share, "interval_start": "yyyy-mm-dd hh:mm"}),
    ]
    return write_workbook(p, sheets)


_SHARE_COLUMNS = (
    "service_level",
    "service_level_low",
    "service_level_high",
    "abandon_rate",
    "abandon_rate_low",
    "abandon_rate_high",
    "target_service_level",
    "predicted_service_level",
    "predicted_abandon_rate",
)


def simulation_text(result: SimulationResult, output: str | None = None) -> str:
    """The weekly service level per queue against target and prediction, and the verdict counts."""
    m = result.metrics()
    lines = [
        f"Simulated {result.replications} replication(s), {result.contacts_simulated:,} contacts in "
        f"{result.seconds:.1f} s ({m['contacts_per_second'] or 0:,} contacts/s); "
        f"prediction from {result.prediction_source}",
        "Weekly service level per queue (mean and 95 % CI over replications):",
    ]
    rows = []
    for w in result.weeks:
        if w.contacts <= 0:
            continue
        sl = w.service_level
        ci = f"[{sl.low:6.1%}, {sl.high:6.1%}]" if math.isfinite(sl.low) else " " * 18
        lines_ab = f"{w.abandon_rate.mean:5.1%}" if w.live else "   - "
        rows.append(
            f"  {w.language:<4} {w.channel:<7} {w.tier:<9} {w.contacts:9,.0f}  {sl.mean:6.1%} {ci}  "
            f"target {w.target_service_level:4.0%}  predicted {w.predicted_service_level:6.1%}  "
            f"abandon {lines_ab}  {w.verdict.value}"
        )
    lines.extend(rows)
    live = (
        f"Live queue-days: {m['live_queue_days_meeting_target_within_ci']} of {m['live_queue_days']} meet their "
        f"target within the CI ({(m['share_meeting_within_ci'] or 0):.1%})"
        if m["live_queue_days"]
        else "Live queue-days: none (no live queue has contacts)"
    )
    lines.append(
        f"{live}; {m['queues_missing_weekly_target_beyond_ci']} queue(s) miss their weekly target beyond the CI; "
        f"{m['live_intervals_below_target']} live queue-intervals below target"
    )
    if m["deferred_queue_days"]:
        lines.append(
            f"Deferred queue-days: {m['deferred_queue_days_meeting_target_within_ci']} of "
            f"{m['deferred_queue_days']} meet their target within the CI"
        )
    for d in result.live_days + result.deferred_days:
        if d.verdict is Verdict.MISSES:
            lines.append(
                f"  misses: {d.language} {d.channel} {d.tier} on {d.date or d.day}: {d.service_level.mean:.1%} "
                f"[{d.service_level.low:.1%}, {d.service_level.high:.1%}] vs {d.target_service_level:.0%}"
            )
    for p in result.pools:
        if math.isfinite(p.occupancy.mean):
            lines.append(
                f"  occupancy {p.pool}: {p.occupancy.mean:.1%} over {p.floor_hours:,.0f} agent-hours on the floor"
            )
    if output:
        lines.append(f"Wrote {output}")
    return "\n".join(lines)
