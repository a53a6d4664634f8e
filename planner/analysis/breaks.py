"""The break schedule: whole agents per break start. Where the roster model placed the breaks (rule
break_windows), its breaks per slot are rounded to whole agents and given to the shift starts in order
(:func:`model_breaks`); every other shift's unpaid break is staggered after the solve within its template's
window, so that each pool keeps its planned live agents at 15-minute granularity wherever possible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.domain import Scenario, ShiftTemplate
from planner.roster.options import ShiftOptions
from planner.roster.rules import RosterProblem, break_slot_minutes
from planner.timezones import utc_to_local

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


def model_breaks(
    problem: RosterProblem, values: dict[tuple[int, int], float], agents: np.ndarray
) -> dict[int, list[tuple[int, int]]]:
    """Whole breaks from the model's breaks per chain and slot (``values[(chain, unwrapped slot)]``) for a
    roster of ``agents`` per option: ``{option: [(minutes after start, agents)]}``.

    Per chain the cumulative breaks are rounded to whole agents (which keeps the forward and backward
    conditions, whose right-hand sides are whole: each slot moves by less than one agent), then given to
    the starts earliest deadline first (the starts in order), which places every break within its window
    when the conditions hold; an agent still without a break at the end of its window takes it there.
    """
    slot = problem.slot_minutes
    out: dict[int, list[tuple[int, int]]] = {}
    for c, chain in enumerate(problem.breaks):
        slots = chain.slots(slot)
        heads = [int(sum(int(agents[o]) for o in opts)) for opts in chain.options]
        total = sum(heads)
        if total <= 0:
            continue
        cum = np.cumsum([max(0.0, float(values.get((c, u), 0.0))) for u in slots])
        whole = np.minimum(np.maximum.accumulate(np.floor(cum + 0.5 + 1e-9)), total)
        whole[-1] = total
        per_slot = np.diff(np.concatenate([[0.0], whole])).astype(int)
        left = list(heads)
        taken: list[dict[int, int]] = [{} for _ in chain.starts]
        for j, u in enumerate(slots):
            free = int(per_slot[j])
            for i, t0 in enumerate(chain.starts):
                if not (t0 + chain.earliest <= u * slot <= t0 + chain.latest) or left[i] == 0:
                    continue
                k = min(free, left[i])
                if u * slot == t0 + chain.latest:
                    k = left[i]  # the window closes: the rest break now
                if k:
                    taken[i][u * slot - t0] = taken[i].get(u * slot - t0, 0) + k
                    left[i] -= k
                    free = max(0, free - k)
        for i, opts in enumerate(chain.options):
            spread = sorted(taken[i].items())
            for o in opts:
                need, mine = int(agents[o]), []
                while need and spread:
                    offset, k = spread[0]
                    use = min(k, need)
                    mine.append((offset, use))
                    need -= use
                    spread = [(offset, k - use), *spread[1:]] if k > use else spread[1:]
                if mine:
                    out[o] = mine
    return out


def duty_change(problem: RosterProblem, agents: np.ndarray, placed: dict[int, list[tuple[int, int]]]) -> np.ndarray:
    """Per pool and interval, the agents on duty that the model's placed breaks add to the coverage arrays'
    count (which has every break mid-shift): the mid-shift break back, the placed breaks off."""
    step = problem.interval_minutes
    n = problem.n_intervals
    out = np.zeros((len(problem.pools), n))
    if not placed or problem.option_start is None or problem.option_break is None:
        return out

    def add(pool: int, b0: int, b1: int, count: float) -> None:
        for j in range(b0 // step, (b1 - 1) // step + 1):
            out[pool, j % n] += count * (min(b1, (j + 1) * step) - max(b0, j * step)) / step

    for o, breaks in placed.items():
        pool, start = int(problem.option_pool[o]), int(problem.option_start[o])
        f0, f1 = (int(x) for x in problem.option_break[o])
        if f1 > f0:
            add(pool, start + f0, start + f1, float(agents[o]))
        for offset, count in breaks:
            add(pool, start + offset, start + offset + (f1 - f0), -float(count))
    return out


def break_pieces(
    options: ShiftOptions, chosen: np.ndarray, agents: np.ndarray, placed: dict[int, list[tuple[int, int]]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The chosen shifts split by where their agents break: (option, agents, break start, break end) per
    piece, the break in minutes after the shift start. ``placed[option]`` lists (minutes after the start,
    agents) of the breaks placed; an option's other agents keep the options' mid-shift break."""
    tab = options.table
    rows: list[tuple[int, int, int, int]] = []
    for o in map(int, chosen):
        b0, b1 = int(tab.at[o, "break_start"]), int(tab.at[o, "break_end"])
        left = int(agents[o])
        for offset, count in placed.get(o, []):
            rows.append((o, int(count), int(offset), int(offset) + b1 - b0))
            left -= int(count)
        if left > 0:
            rows.append((o, left, b0, b1))
    out = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return out[:, 0], out[:, 1], out[:, 2], out[:, 3]


def schedule_breaks(
    scenario: Scenario,
    options: ShiftOptions,
    agents: np.ndarray,
    live_need: np.ndarray,
    pool_names: list[str],
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> pd.DataFrame:
    """The break schedule of a solved roster (one row per pool, shift start and break start).

    ``placed`` holds the breaks the model placed (:func:`model_breaks`), kept as they are; every other
    chosen shift's break is staggered around them within its template's break window
    (:meth:`ShiftTemplate.break_start_window`), on a 15-minute grid (or the interval, if shorter).
    ``live_need`` is (pools x intervals), in the order of ``pool_names``: the scheduled agents each pool's
    activity plan keeps on live work.
    """
    h = scenario.horizon
    step = break_slot_minutes(h.interval_minutes)
    per = h.interval_minutes // step
    templates = {t.name: t for t in scenario.shifts}
    tab = options.table
    chosen = np.flatnonzero(agents > 0)
    placed = placed or {}
    rows = []
    for p, name in enumerate(pool_names):
        idx = [o for o in chosen if tab.at[o, "pool"] == name]
        groups: list[BreakGroup] = []
        fixed: list[BreakGroup] = []
        for o in idx:
            tpl = templates[str(tab.at[o, "template"])]
            lo, hi = tpl.break_start_window()
            start = int(tab.at[o, "start_minute"])
            group = BreakGroup(int(o), start, tpl.length_minutes, tpl.break_minutes, lo, hi, int(agents[o]))
            (fixed if int(o) in placed else groups).append(group)
        need = np.repeat(live_need[p], per)
        need = need - slack_after(fixed, np.zeros_like(need), step, placed)
        for group in fixed:
            rows.extend(_rows(scenario, tab, group.key, placed[group.key], templates))
        for key, offsets in stagger(groups, need, step).items():
            rows.extend(_rows(scenario, tab, key, offsets, templates))
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
