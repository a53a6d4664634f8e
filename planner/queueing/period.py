"""Service level promised over a day or a week: contacts answered in time against agents in each
interval, as the breakpoints of a concave piecewise-linear curve for the roster's integer program.

A live queue whose channel has ``service_level_scope`` day or week must answer, over each period,
at least ``service_level`` of the period's contacts within the target, and in every interval at
least ``min_interval_service_level`` of them (the floor). Per interval with contacts ``n`` the
answered-in-time contacts with ``k`` whole agents on the floor are ``n SL(k)`` (Erlang C / A, as
in :mod:`planner.queueing.erlang`); the roster bounds them by the chords through consecutive whole
``k`` from the floor's staffing upward, ``answered <= n SL(k) + n (SL(k+1) - SL(k)) (x - k)`` for
every ``k`` (Koole & van der Sluis 2003, "Optimal shift scheduling with a global service level
constraint", IIE Transactions 35). At whole ``x`` the bound is never above ``n SL(x)``; between
them it interpolates, which is the expected value when the presence of ``x`` agents is a mix of
the two whole counts around it. Above the highest breakpoint the last chord goes on, and the
answered contacts never exceed ``n``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.queueing import erlang

#: Breakpoints above the interval-wise requirement (where the curve is nearly flat).
EXTRA_AGENTS = 1


@dataclass(frozen=True)
class PeriodPromise:
    """One queue's promise over periods, and its answered-in-time curves per interval."""

    level: float  # the share to answer in time over each period
    floor_level: float  # the share to answer in time in every interval
    period: np.ndarray  # int64 per interval: the period it counts in (-1: no contacts)
    contacts: np.ndarray  # contacts reaching agents per interval
    agents: np.ndarray  # (intervals, breakpoints) whole agents on the floor, the first being the floor's
    answered: np.ndarray  # (intervals, breakpoints) contacts answered in time with that many agents
    used: np.ndarray | None = None  # int per interval: breakpoints worth a chord (None: all)

    def breakpoints(self, t: int) -> tuple[np.ndarray, np.ndarray]:
        """Interval ``t``'s breakpoints worth a chord (agents, answered)."""
        k = self.agents.shape[1] if self.used is None else int(self.used[t])
        return self.agents[t, :k], self.answered[t, :k]

    def answered_at(self, on_floor: np.ndarray) -> np.ndarray:
        """Answered-in-time contacts per interval at fractional agents on the floor (the curve's value)."""
        x = np.asarray(on_floor, dtype=float)[:, None]
        slopes = np.diff(self.answered, axis=1)
        chords = self.answered[:, :-1] + slopes * (x - self.agents[:, :-1])
        value = chords.min(axis=1) if chords.shape[1] else self.answered[:, 0]
        return np.clip(value, 0.0, self.contacts)


def answered_curves(
    contacts: np.ndarray,
    lam: np.ndarray,
    floor_agents: np.ndarray,
    target_agents: np.ndarray,
    handle: float,
    target: float,
    *,
    patience_minutes: float | None,
    concurrency: int,
    concurrency_efficiency: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breakpoints ``(agents, answered, used)`` per interval: whole agents from the floor's staffing to
    ``EXTRA_AGENTS`` above the largest interval-wise staffing, ``contacts x SL`` at each, and how many of
    them reach ``EXTRA_AGENTS`` above the interval's own interval-wise staffing (the ones worth a chord)."""
    width = int(max(1, (target_agents - floor_agents).max(initial=0))) + EXTRA_AGENTS + 1
    agents = floor_agents[:, None] + np.arange(width)[None, :]
    sl = erlang.queue_stats(
        agents,
        lam[:, None],
        handle,
        target,
        patience_minutes=np.nan if patience_minutes is None else patience_minutes,
        concurrency=concurrency,
        concurrency_efficiency=concurrency_efficiency,
    ).service_level
    answered = contacts[:, None] * np.where(lam[:, None] > 0, sl, 1.0)
    used = np.minimum(np.maximum(target_agents - floor_agents, 1) + EXTRA_AGENTS + 1, width)
    return agents.astype(float), np.maximum.accumulate(answered, axis=1), used.astype(np.int64)
