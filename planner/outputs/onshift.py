"""Agents on shift who speak each language, per interval: the staffing the coverage charts and heatmaps
set against the requirement (a multilingual agent counts in each of their languages; breaks included)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.roster.plan import RosterResult


def on_shift_by_pool(result: RosterResult) -> dict[str, np.ndarray]:
    """Agents on shift per pool and interval (a shift's share of each interval it overlaps; the horizon wraps)."""
    h = result.scenario.horizon
    n = h.n_intervals
    step = float(h.interval_minutes)
    start = pd.Timestamp(h.start)
    out = {p: np.zeros(n) for p in result.scenario.pools}
    for r in result.shifts.itertuples(index=False):
        a = (pd.Timestamp(r.utc_start) - start).total_seconds() / 60.0
        b = (pd.Timestamp(r.utc_end) - start).total_seconds() / 60.0
        k = np.arange(int(a // step), int(-(-b // step)))
        overlap = np.clip(np.minimum(b, (k + 1) * step) - np.maximum(a, k * step), 0.0, step) / step
        np.add.at(out[str(r.pool)], k % n, overlap * int(r.agents))
    return out


def speakers_on_shift(result: RosterResult) -> pd.DataFrame:
    """One row per interval (``interval_start``), one column per language: agents on shift who speak it."""
    scen = result.scenario
    by_pool = on_shift_by_pool(result)
    languages = sorted({q[0] for q in result.requirements.queues})
    h = scen.horizon
    frame = pd.DataFrame(
        {"interval_start": pd.date_range(pd.Timestamp(h.start), periods=h.n_intervals, freq=f"{h.interval_minutes}min")}
    )
    for lang in languages:
        pools = [p for p, pool in scen.pools.items() if lang in pool.languages]
        frame[lang] = np.sum([by_pool[p] for p in pools], axis=0) if pools else np.zeros(h.n_intervals)
    return frame
