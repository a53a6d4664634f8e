"""The solve's first roster from the LP, with or without tours: the LP rounded up (shifts), or whole people
per tour rounded from the LP with their shift starts (a MIP start)."""

from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pulp

from planner.roster.rules import RosterModel, rounded_start


def mip_start(m: RosterModel, values: dict[str, float]) -> dict[str, float]:
    """A whole-people roster from the LP's values (see :func:`planner.roster.rules.rounded_start`)."""
    return rounded_tour_start(m, values) if m.tours else rounded_start(m, values)


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
    for site, cap in p.binding_site_caps.items():
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


#: With tours, the repair step prices unmet requirement this many times higher: closing a small gap takes a
#: whole person's week, dearer than the default penalty of a fraction of an agent-hour, yet a gap any pool
#: could close should be closed (the repair's neighbourhood is small, so the raised price stays local).
TOUR_REPAIR_PENALTY_FACTOR = 1000.0
