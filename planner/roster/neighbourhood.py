"""The solve's neighbourhoods and starts, with or without tours: the LP-guided restricted MIP's bounds, the
repair step's bounds, and a whole-people roster rounded from the LP (a MIP start)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pulp

from planner.roster.rules import RosterModel, rounded_start, shortfall_neighbourhood
from planner.roster.tours import TourData

Bounds = list[tuple[pulp.LpVariable, float | None, float | None]]


def apply_bounds(bounds: Bounds) -> Bounds:
    """Set the bounds; return the ones they replace (to restore with another call)."""
    saved: Bounds = [(v, v.lowBound, v.upBound) for v, _, _ in bounds]
    for v, lo, up in bounds:
        v.lowBound, v.upBound = lo, up
    return saved


def mip_start(m: RosterModel, values: dict[str, float]) -> dict[str, float]:
    """A whole-people roster from the LP's values (see :func:`planner.roster.rules.rounded_start`)."""
    return rounded_tour_start(m, values) if m.tours else rounded_start(m, values)


def lp_neighbourhood(m: RosterModel, values: dict[str, float]) -> Bounds:
    """Stage 2's bounds: a decision the LP leaves at zero stays at zero; the others may take a whole value
    from floor(x) to ceil(x) + 1. With tours, the tours and shift starts the LP uses are free above
    floor(x) (a tour) or zero (a shift start): the totals follow the tours, which the start rounds up
    where a day needs it."""
    out: Bounds = []
    if m.tours:
        for v in list(m.tours.values()) + m.shifts:
            x = values.get(v.name, 0.0)
            out.append((v, 0, 0) if x <= 1e-6 else (v, math.floor(x + 1e-6) if v.name.startswith("tours") else 0, None))
        return out
    for v in m.shifts:
        x = values.get(v.name, 0.0)
        out.append((v, 0, 0) if x <= 1e-6 else (v, math.floor(x + 1e-6), math.ceil(x - 1e-6) + 1))
    return out


def repair_neighbourhood(m: RosterModel, values: dict[str, float]) -> tuple[Bounds, int]:
    """The repair step's bounds (every decision fixed but those near a shortfall, which may move by two;
    with tours, the tours of the start cells near it, and those cells' shift starts) and how many move."""
    free = set(shortfall_neighbourhood(m))
    if not free:
        return [], 0
    t = m.problem.tours
    out: Bounds = []
    if t is None or not m.tours:
        for o, v in enumerate(m.shifts):
            x = round(values.get(v.name, 0.0))
            out.append((v, max(0, x - 2), x + 2) if o in free else (v, x, x))
        return out, len(free)
    cells = {int(t.option_cell[o]) for o in free}
    for o, v in enumerate(m.shifts):
        x = round(values.get(v.name, 0.0))
        out.append((v, 0, None) if int(t.option_cell[o]) in cells else (v, x, x))
    for (c, _k), v in m.tours.items():
        x = round(values.get(v.name, 0.0))
        out.append((v, max(0, x - 2), x + 2) if c in cells else (v, x, x))
    return out, len(free)


def rounded_tour_start(m: RosterModel, values: dict[str, float]) -> dict[str, float]:
    """With tours: people per tour rounded up, and more where a day needs it, so that every shift start
    the LP uses can be rounded up too (the LP's allocation stays valid: the start is a roster of the
    model); rounded down where a pool's or site's cap would break (the solver then completes the start).
    Each (start cell, day)'s shifts are made to match the tours, spread over the starts the LP uses."""
    p = m.problem
    t = p.tours
    assert t is not None
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o in range(len(p.option_cost)):
        slots[(int(t.option_cell[o]), int(t.option_slot_day[o]))].append(o)
    y = {key: math.ceil(values.get(v.name, 0.0) - 1e-6) for key, v in m.tours.items()}
    need = {key: sum(math.ceil(values.get(m.shifts[o].name, 0.0) - 1e-6) for o in opts) for key, opts in slots.items()}
    for c in range(len(t.cells)):
        _cover_rounded_up(t, c, need, y, values, m)
    _cap_tours(m, values, y)
    start = dict(values)
    for key, v in m.tours.items():
        start[v.name] = float(y[key])
    for (c, d), opts in slots.items():
        total = sum(y[(c, k)] for k in range(len(t.patterns)) if t.works(k, d))
        x = np.array([values.get(m.shifts[o].name, 0.0) for o in opts])
        for o, n in zip(opts, spread(total, x), strict=True):
            start[m.shifts[o].name] = float(n)
    for pool, var in m.people.items():
        start[var.name] = float(sum(n for (c, _k), n in y.items() if p.pools[t.cells[c].pool].name == pool))
    return start


def spread(total: int, x: np.ndarray) -> list[int]:
    """``total`` whole shifts over options with LP values ``x``: floors first, then one each by largest
    fractional part (then largest value), cycling over the options the LP uses; fewer than the floors:
    taken from the smallest first."""
    counts = np.floor(x + 1e-6).astype(int)
    order = np.lexsort((-x, -(x - counts)))
    used = [j for j in order if x[j] > 1e-6] or list(order)  # starts the LP leaves at zero stay there
    rest = total - int(counts.sum())
    i = 0
    while rest > 0:
        counts[used[i % len(used)]] += 1
        rest -= 1
        i += 1
    for j in order[::-1]:
        while rest < 0 and counts[j] > 0:
            counts[j] -= 1
            rest += 1
    return [int(c) for c in counts]


def _cap_tours(m: RosterModel, values: dict[str, float], y: dict[tuple[int, int], int]) -> None:
    """Round down the tours of a pool whose people would exceed `available`, then up again by largest
    fractional part while the cap allows; all of a site's tours are rounded down where max_agents would break."""
    p = m.problem
    t = p.tours
    assert t is not None
    by_pool: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key in y:
        by_pool[t.cells[key[0]].pool].append(key)
    for k, keys in by_pool.items():
        cap = m.people[p.pools[k].name].upBound if p.pools[k].name in m.people else None
        if cap is None or sum(y[key] for key in keys) <= cap:
            continue
        x = {key: values.get(m.tours[key].name, 0.0) for key in keys}
        for key in keys:
            y[key] = math.floor(x[key] + 1e-6)
        for key in sorted(keys, key=lambda q: -(x[q] - y[q])):
            if x[key] - y[key] > 1e-6 and sum(y[q] for q in keys) + 1 <= cap:
                y[key] += 1
    if p.relax_headcount:
        return
    for site, cap in p.site_caps.items():
        keys = [key for k, ks in by_pool.items() if p.pools[k].site == site for key in ks]
        if sum(y[key] for key in keys) > cap:
            for key in keys:
                y[key] = math.floor(values.get(m.tours[key].name, 0.0) + 1e-6)


def _cover_rounded_up(
    t: TourData,
    c: int,
    need: dict[tuple[int, int], int],
    y: dict[tuple[int, int], int],
    values: dict[str, float],
    m: RosterModel,
) -> None:
    """Add people to start cell ``c``'s tours until each day has at least ``need`` of them: one at a time to
    the pattern that works the most short days (then the largest LP share)."""
    patterns = range(len(t.patterns))
    while True:
        short = {d for d in range(t.days) if sum(y[(c, k)] for k in patterns if t.works(k, d)) < need.get((c, d), 0)}
        if not short:
            return

        merits = [_merit(t, m, values, c, k, short) for k in patterns]
        best = max(patterns, key=merits.__getitem__)
        y[(c, best)] += 1


def _merit(
    t: TourData, m: RosterModel, values: dict[str, float], c: int, k: int, short: set[int]
) -> tuple[bool, int, float]:
    """Which tour to add a person to: one the LP uses that works short days, then most short days, largest LP."""
    lp = values.get(m.tours[(c, k)].name, 0.0)
    days = sum(t.works(k, d) for d in short)
    return (lp > 1e-6 and days > 0, days, lp)
