"""The solve's neighbourhoods and starts, with or without tours: the LP-guided restricted MIP's bounds, the
repair step's bounds, and a whole-people roster rounded from the LP (a MIP start)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pulp

from planner.roster.rules import RosterModel, rounded_start, shortfall_neighbourhood

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
    from floor(x) to ceil(x) + 1. With tours, the people per tour are rounded (floor(x) or ceil(x), zero
    staying zero) and the shift starts the LP uses are free (continuous in that step), the others zero:
    the tours' RENS neighbourhood, which HiGHS searches in seconds where free tours took minutes."""
    out: Bounds = []
    if m.tours:
        out += [
            (v, 0, 0) if x <= 1e-6 else (v, math.floor(x + 1e-6), math.ceil(x - 1e-6))
            for v, x in _tour_values(m, values)
        ]
        out += [(v, 0, 0 if values.get(v.name, 0.0) <= 1e-6 else None) for v in m.shifts]
        return out
    for v in m.shifts:
        x = values.get(v.name, 0.0)
        out.append((v, 0, 0) if x <= 1e-6 else (v, math.floor(x + 1e-6), math.ceil(x - 1e-6) + 1))
    return out


def _tour_values(m: RosterModel, values: dict[str, float]) -> list[tuple[pulp.LpVariable, float]]:
    return [(v, values.get(v.name, 0.0)) for v in m.tours.values()]


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
    """With tours: the cheapest whole tours that give each (start cell, day) at least the LP's shifts rounded
    up (a small covering integer program, :func:`_fewest_tours`); rounded down where a pool's or site's cap
    would break. Each (start cell, day)'s shifts are made to match the tours, spread over the starts the LP
    uses; the solver completes the start (fixing the whole numbers, solving for the rest)."""
    p = m.problem
    t = p.tours
    assert t is not None
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o in range(len(p.option_cost)):
        slots[(int(t.option_cell[o]), int(t.option_slot_day[o]))].append(o)
    y = _fewest_tours(m, values, slots)
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


def _fewest_tours(
    m: RosterModel, values: dict[str, float], slots: dict[tuple[int, int], list[int]]
) -> dict[tuple[int, int], int]:
    """Whole people per tour at least cost (each day's LP shift cost per person) such that every (start
    cell, day) has at least its LP shifts rounded up: one covering integer program of a few variables per
    cell, solved in well under a second."""
    t = m.problem.tours
    assert t is not None
    cost = m.problem.option_cost
    lp = pulp.LpProblem("tour_start", pulp.LpMinimize)
    y = {key: lp.add_variable(f"y_{key[0]}_{key[1]}", 0, None, pulp.LpInteger) for key in m.tours}
    day_cost: dict[tuple[int, int], float] = {}
    for (c, d), opts in slots.items():
        x = np.array([values.get(m.shifts[o].name, 0.0) for o in opts])
        day_cost[(c, d)] = float(np.average(cost[opts], weights=x)) if x.sum() > 1e-9 else float(cost[opts].min())
        need = math.ceil(x.sum() - 1e-6)
        if need > 0:
            lp += pulp.lpSum(y[(c, k)] for k in range(len(t.patterns)) if t.works(k, d)) >= need
    lp += pulp.lpSum(y[(c, k)] * sum(day_cost.get((c, d), 0.0) for d in range(t.days) if t.works(k, d)) for (c, k) in y)
    lp.solve(pulp.HiGHS(msg=False, timeLimit=20, gapRel=0.001))
    return {key: round(var.varValue or 0.0) for key, var in y.items()}


def shift_neighbourhood(m: RosterModel, values: dict[str, float], room: int = 0) -> Bounds:
    """Whole shift starts for whole tours: the people per tour at ``values`` (whole) or up to ``room`` more,
    each shift start from floor(x) to ceil(x) + 2 x ``room`` of its value there (zero staying zero). With
    no room each start cell and day's total is fixed, and only which starts of the cell its people get is
    chosen; the room lets a rounded roster add a person where rounding its starts leaves a shortfall.
    :func:`whole_shift_starts` gives the start."""
    out: Bounds = [(v, round(x), round(x) + room) for v, x in _tour_values(m, values)]
    for v in m.shifts:
        x = values.get(v.name, 0.0)
        out.append((v, 0, 0) if x <= 1e-6 else (v, math.floor(x + 1e-6), math.ceil(x - 1e-6) + 2 * room))
    return out


def whole_shift_starts(m: RosterModel, values: dict[str, float]) -> dict[str, float]:
    """Whole shift starts for whole tours: each start cell and day's total (its tours' people) spread over
    the starts by largest remainder (see :func:`spread`); other values as given (the solver completes them)."""
    t = m.problem.tours
    assert t is not None
    start = dict(values)
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o in range(len(m.shifts)):
        slots[(int(t.option_cell[o]), int(t.option_slot_day[o]))].append(o)
    p = m.problem
    for (c, d), opts in slots.items():
        total = sum(round(values.get(m.tours[(c, k)].name, 0.0)) for k in range(len(t.patterns)) if t.works(k, d))
        opts = sorted(opts, key=lambda o: (int(p.cover_index[o, 0]), int((p.cover_fraction[o] > 0).sum())))
        x = np.array([values.get(m.shifts[o].name, 0.0) for o in opts])
        counts = cumulative_round(x) if abs(x.sum() - total) < 1e-4 else spread(total, x)
        for o, n in zip(opts, counts, strict=True):
            start[m.shifts[o].name] = float(n)
    return start


def cumulative_round(x: np.ndarray) -> list[int]:
    """Whole counts for ``x`` (in start-time order) that keep every running total within one half of the
    fractional one: count i = round(x_1 + ... + x_i) - round(x_1 + ... + x_(i-1)). Each count lies in
    floor(x_i) .. ceil(x_i), options at zero stay at zero, and the whole sum is kept when it is whole; the
    people on duty at any time then differ from the fractional roster's by less than one per start cell."""
    running = np.floor(np.cumsum(x) + 0.5 + 1e-9).astype(int)
    return [int(n) for n in np.diff(np.concatenate(([0], running)))]


#: With tours, the repair step prices unmet requirement this many times higher: closing a small gap takes a
#: whole person's week, dearer than the default penalty of a fraction of an agent-hour, yet a gap any pool
#: could close should be closed (the repair's neighbourhood is small, so the raised price stays local).
TOUR_REPAIR_PENALTY_FACTOR = 1000.0


@contextmanager
def repair_penalty(m: RosterModel) -> Iterator[None]:
    """With tours, the shortfall's objective weight times TOUR_REPAIR_PENALTY_FACTOR inside the block."""
    if not m.tours:
        yield
        return
    objective = m.lp.objective
    saved = {v: objective[v] for v in m.short.values() if v in objective}
    for v, w in saved.items():
        objective[v] = w * TOUR_REPAIR_PENALTY_FACTOR
    try:
        yield
    finally:
        for v, w in saved.items():
            objective[v] = w
