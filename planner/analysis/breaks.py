"""The break schedule placed after the solve: each agent's unpaid break within a window around mid-shift,
staggered so that each pool keeps its planned live agents at 15-minute granularity wherever possible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.domain import Scenario, ShiftTemplate
from planner.roster.options import ShiftOptions, break_window
from planner.timezones import utc_to_local

#: Break windows reach this far either side of the mid-shift break start (unless the template gives one).
BREAK_WINDOW_MINUTES = 60
#: Breaks are placed on this grid (or the interval, if shorter).
BREAK_STEP_MINUTES = 15
BREAK_COLUMNS = [
    "pool",
    "site",
    "shift",
    "shift_utc_start",
    "break_utc_start",
    "break_utc_end",
    "local_break_start",
    "minutes_after_start",
    "break_minutes",
    "agents",
]


@dataclass(frozen=True)
class BreakGroup:
    """``agents`` agents of one pool starting at ``start`` (minutes from the horizon start, on the slot
    grid) whose break of ``length`` minutes may start ``earliest``..``latest`` minutes after the start."""

    key: int
    start: int
    shift_minutes: int
    length: int
    earliest: int
    latest: int
    agents: int


def stagger(groups: list[BreakGroup], need: np.ndarray, step: int) -> dict[int, list[tuple[int, int]]]:
    """Break start offsets for every agent of every group: ``{key: [(minutes after start, agents)]}``.

    ``need[k]`` is the agents the pool must keep on duty in slot ``k`` (``step`` minutes each; the slots
    are cyclic). Greedy, one agent at a time (groups with the narrowest choice first): each takes the
    break start that leaves the largest minimum slack (on duty - need) over its break's slots, ties
    broken by the largest total slack there, then by the start nearest the window's middle.
    """
    n = need.size
    on = np.zeros(n)
    for g in groups:
        slots = (g.start // step + np.arange(g.shift_minutes // step)) % n
        np.add.at(on, slots, g.agents)
    slack = on - need
    out: dict[int, list[tuple[int, int]]] = {}
    order = sorted(groups, key=lambda g: (g.latest - g.earliest, g.start, g.key))
    for g in order:
        if g.length <= 0:
            continue
        offsets = [o for o in range(g.earliest, g.latest + 1) if (g.start + o) % step == 0]
        if not offsets:
            offsets = [g.earliest - g.earliest % step]
        middle = (g.earliest + g.latest) / 2
        width = -(-g.length // step)
        counts: dict[int, int] = {}
        for _ in range(g.agents):
            best = max(offsets, key=lambda o: _score(slack, (g.start + o) // step, width, n, o, middle))
            slots = ((g.start + best) // step + np.arange(width)) % n
            slack[slots] -= 1
            counts[best] = counts.get(best, 0) + 1
        out[g.key] = sorted(counts.items())
    return out


def _score(slack: np.ndarray, first: int, width: int, n: int, offset: int, middle: float) -> tuple[float, float, float]:
    s = slack[(first + np.arange(width)) % n]
    return (float(s.min()), float(s.sum()), -abs(offset - middle))


def slack_after(
    groups: list[BreakGroup], need: np.ndarray, step: int, placed: dict[int, list[tuple[int, int]]]
) -> np.ndarray:
    """Agents on duty minus ``need`` per slot when the agents of group ``key`` break as ``placed[key]``
    says (``[(minutes after start, agents)]``, e.g. everyone at mid-shift, today's rule)."""
    n = need.size
    on = np.zeros(n)
    for g in groups:
        np.add.at(on, (g.start // step + np.arange(g.shift_minutes // step)) % n, g.agents)
        for offset, count in placed.get(g.key, []):
            np.add.at(on, ((g.start + offset) // step + np.arange(-(-g.length // step))) % n, -count)
    return on - need


def schedule_breaks(
    scenario: Scenario, options: ShiftOptions, agents: np.ndarray, live_need: np.ndarray, pool_names: list[str]
) -> pd.DataFrame:
    """The break schedule of a solved roster (one row per pool, shift start and break start).

    ``live_need`` is (pools x intervals), in the order of ``pool_names``: the scheduled agents each pool's
    activity plan keeps on live work. Breaks sit in a window of +-1 hour around the mid-shift break the
    roster's costs assume, on a 15-minute grid (or the interval, if shorter).
    """
    h = scenario.horizon
    step = min(BREAK_STEP_MINUTES, h.interval_minutes)
    per = h.interval_minutes // step
    templates = {t.name: t for t in scenario.shifts}
    tab = options.table
    chosen = np.flatnonzero(agents > 0)
    rows = []
    for p, name in enumerate(pool_names):
        idx = [o for o in chosen if tab.at[o, "pool"] == name]
        groups = []
        for o in idx:
            tpl = templates[str(tab.at[o, "template"])]
            mid, end = break_window(tpl)
            length = end - mid
            lo = max(0, mid - BREAK_WINDOW_MINUTES)
            hi = min(tpl.length_minutes - length, mid + BREAK_WINDOW_MINUTES)
            start = int(tab.at[o, "start_minute"])
            groups.append(BreakGroup(int(o), start, tpl.length_minutes, length, lo, max(lo, hi), int(agents[o])))
        need = np.repeat(live_need[p], per)
        for key, placed in stagger(groups, need, step).items():
            rows.extend(_rows(scenario, tab, key, placed, templates))
    out = pd.DataFrame(rows, columns=BREAK_COLUMNS)
    return out.sort_values(["site", "pool", "shift_utc_start", "break_utc_start"], kind="mergesort").reset_index(
        drop=True
    )


def _rows(
    scenario: Scenario, tab: pd.DataFrame, o: int, placed: list[tuple[int, int]], templates: dict[str, ShiftTemplate]
) -> list[tuple[object, ...]]:
    r = tab.loc[o]
    tz = scenario.sites[str(r["site"])].timezone
    length = templates[str(r["template"])].break_minutes
    start = pd.Timestamp(r["utc_start"]).tz_convert("UTC")
    out: list[tuple[object, ...]] = []
    for offset, count in placed:
        b0 = start + pd.Timedelta(minutes=offset)
        out.append(
            (
                str(r["pool"]),
                str(r["site"]),
                str(r["template"]),
                start,
                b0,
                b0 + pd.Timedelta(minutes=length),
                utc_to_local(tz, b0.to_pydatetime()).strftime("%a %H:%M"),
                int(offset),
                int(length),
                int(count),
            )
        )
    return out
