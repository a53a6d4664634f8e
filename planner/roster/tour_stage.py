"""The tour stage of a solve with weekly tours (HiGHS, one persistent model): the first roster of a tour
model, in four steps, each limited by a count of the solver's work (never by seconds):

1. **whole people** (:func:`whole_people`): first a dive (:func:`people_dive`, at most
   ``PEOPLE_DIVE_SOLVES`` - 1 LP re-solves) rounds up the tours at least half fractional (else the most
   fractional fifth), as many as the pools' and sites' caps leave room for, the other tours and the shift
   starts making up for the people added; where the caps leave room for none it rounds the least fractional
   down. The tours still fractional when it ends (its rounds used up, a re-solve failed, or the time limit
   stopped one) are rounded up within the caps (:func:`capped_round`) and the LP solved with every tour
   fixed, which has a solution whatever the rounding (a shortfall is priced);
2. **whole shift starts** (:func:`whole_starts`): those tours fixed, whole shift starts from the continuous
   ones. In each (start cell, day) the shifts add up to the people working that day, so only their spread over
   the cell's starts is decided: running totals rounded in start order (:func:`running_totals`; each count the
   floor or the ceiling of its value), then whole shifts moved within their (start cell, day) while that brings
   each skill set's agents on duty back towards the continuous roster's (:func:`balanced_starts`, a local
   search of at most ``BALANCE_PASSES`` passes); the rest of the model (allocation, backlog, shortfall) is then
   solved as an LP;
3. **people added where short** (:func:`add_people`): while a shortfall is left that some pool could cover
   within its caps, people are added one by one on the tour whose person covers most of the shortfall still
   uncovered for the least cost (one shift on each working day, the best start of the cell that day; up to
   ``PEOPLE_PER_ROUND`` a round), then the rest of the model is re-solved; a round is kept only when the cost
   with the shortfall's penalty falls (at most ``TOUR_REPAIR_ROUNDS`` rounds);
4. **whole starts by branch-and-bound** (:func:`starts_mip`, when time is left): step 1's tours fixed, each
   shift start an integer between the floor and the ceiling of its step-1 value (widened to hold step 2's
   rounding, the MIP's start), at most ``TOUR_STARTS_NODES`` nodes; then step 3 on its roster. Step 2 judges
   a start by a per-skill-set estimate of cover; the MIP sees which start serves which queue. On the sample
   it takes the roster from 1.7 % to 0.14 % above the tour LP bound; its root (cuts over the full LP) is most
   of its work. Its roster replaces the one of steps 2-3 only when the cost with the shortfall's penalty is
   lower, so a time limit that cuts it short never makes the roster worse.

The solve's repair follows where a shortfall is still left.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from planner.roster.highs_model import HighsModel
from planner.roster.progress import Stage
from planner.roster.rules import RosterModel, RosterProblem, groups_by_name
from planner.roster.tours import TourData

if TYPE_CHECKING:
    from planner.roster.solve import _HighsBackend, _Solve

#: LP re-solves of step 1: the dive's rounds (each rounds up the tours at least PEOPLE_ROUND_UP fractional, else
#: the most fractional PEOPLE_DIVE_SHARE of them, within the caps) and the LP with every tour fixed after it.
PEOPLE_DIVE_SOLVES = 40
PEOPLE_ROUND_UP = 0.5
PEOPLE_DIVE_SHARE = 0.2
#: Rounds of the repair that adds people (step 3), each adding up to PEOPLE_PER_ROUND before one re-solve.
TOUR_REPAIR_ROUNDS = 4
PEOPLE_PER_ROUND = 50
#: Branch-and-bound nodes for whole shift starts with the tours fixed (step 2; it stops at the solve's gap before).
TOUR_STARTS_NODES = 1
#: Passes of the local search that moves whole shift starts within their (start cell, day) (step 2).
BALANCE_PASSES = 4
#: Re-solves of step 2's local search towards the solved roster's needs.
REBALANCE_ROUNDS = 3
TOL = 1e-6


@dataclass(frozen=True)
class TourPick:
    """One more person for the repair: tour ``key`` (start cell, pattern), a shift option per working day,
    and the estimated gain (penalty of the shortfall covered minus the shifts' cost)."""

    key: tuple[int, int]
    options: tuple[int, ...]
    gain: float


def tour_stage(run: _Solve, backend: _HighsBackend, x_lp: np.ndarray) -> np.ndarray | None:
    """Steps 1-3 (see the module's docstring): a roster of the tour model, or None when none was found.
    The rounded roster with people added comes first; the branch-and-bound over the whole starts (and people
    added after it) runs when time is left, and its roster is kept only when its cost with the shortfall's
    penalty is lower, so a time limit that cuts it short never makes the roster worse."""
    run.begin(Stage.TOUR_PEOPLE)
    people = whole_people(run, backend, x_lp)
    run.end(objective=None if people is None else float(backend.cost @ people))
    if people is None or not run.time_left():
        return None
    run.begin(Stage.TOUR_STARTS)
    rounded = whole_starts(backend, people)
    if rounded is not None:
        rounded = rebalanced(backend, rounded)
    run.end(objective=None if rounded is None else float(backend.cost @ rounded))
    if rounded is None or not run.time_left():
        return rounded
    roster = _with_people_added(run, backend, rounded)
    if run.time_left():
        run.begin(Stage.TOUR_STARTS, message=f"branch-and-bound, at most {TOUR_STARTS_NODES} nodes")
        searched = starts_mip(run, backend, people, rounded)
        run.end(objective=float(backend.cost @ searched))
        if searched is not rounded and run.time_left():
            searched = _with_people_added(run, backend, searched)
        if float(backend.cost @ searched) < float(backend.cost @ roster) - TOL:
            roster = searched
    return _shift_repair(run, backend, roster)


def _with_people_added(run: _Solve, backend: _HighsBackend, roster: np.ndarray) -> np.ndarray:
    """Step 3 on ``roster`` when it leaves a shortfall."""
    if float(roster[backend.short_columns].sum()) <= TOL:
        return roster
    run.begin(Stage.TOUR_REPAIR)
    roster = add_people(backend, roster, run.time_left)
    run.end(objective=float(backend.cost @ roster))
    return roster


def _shift_repair(run: _Solve, backend: _HighsBackend, roster: np.ndarray) -> np.ndarray:
    """The solve's repair (shift starts near a shortfall moved, tours following), when time is left; on a
    large week (:func:`planner.roster.solve.large_tour_week`) its root alone."""
    from planner.roster.solve import REPAIR_NODES, TOURED_REPAIR_NODES, _repair, large_tour_week

    if float(roster[backend.short_columns].sum()) <= TOL or not run.time_left():
        return roster
    nodes = TOURED_REPAIR_NODES if large_tour_week(run.model) else REPAIR_NODES
    repaired = _repair(run, backend, roster, nodes)
    return roster if repaired is None else repaired[1]


def whole_people(run: _Solve, backend: _HighsBackend, x_lp: np.ndarray) -> np.ndarray | None:
    """Step 1: tours made whole by an upward dive (:func:`people_dive`), shift starts continuous; when it
    stops with a tour still fractional (a re-solve failed, or the time limit cut it), every such tour rounded
    up within the caps (:func:`capped_round`) and the LP solved with the tours fixed. None when that LP has
    no optimum."""
    hm: HighsModel = backend.model
    tours = hm.tour_columns
    dived = people_dive(backend, x_lp)
    x = dived[tours]
    if np.abs(x - np.round(x)).max(initial=0.0) <= TOL:
        dived[tours] = np.round(x)
        return dived
    whole = capped_round(hm.model, x)
    _dive_over_tours(backend)
    hm.set_bounds(tours, whole, whole)
    try:
        status = hm.run()
        run.cut_short |= status == "time limit reached"
        if status != "optimal":
            return None
        values = hm.values()
    finally:
        hm.reset_bounds(tours)
    values[tours] = whole
    return values


def capped_round(m: RosterModel, x: np.ndarray) -> np.ndarray:
    """People per tour from fractional ``x`` (in ``m.tours`` order): each fractional tour rounded up, then,
    where a pool's people pass its cap (`available`) or a site's its `max_agents`, the tours rounded up
    there with the smallest fractions rounded down until they fit. With the tours fixed at these whole
    numbers the LP always has a solution (a shortfall is priced, never infeasible)."""
    floor = np.floor(x + TOL)
    raised = within_caps(cap_groups(m), x, floor, x - floor > TOL)
    return np.where(raised, floor + 1.0, floor)


def cap_groups(m: RosterModel) -> list[tuple[np.ndarray, float]]:
    """The tours (positions in ``m.tours`` order) of each pool with a cap on its people (`available`), then of
    each site whose `max_agents` binds, each with its cap."""
    p = m.problem
    t = p.tours
    assert t is not None
    pool_of = np.array([t.cells[c].pool for c, _k in m.tours], dtype=int)
    out = []
    for k, pool in enumerate(p.pools):
        cap = m.people[pool.name].upBound
        if cap is not None:
            out.append((np.flatnonzero(pool_of == k), float(cap)))
    for site, cap in sorted(p.binding_site_caps.items()):
        pools = [k for k, pool in enumerate(p.pools) if pool.site == site]
        out.append((np.flatnonzero(np.isin(pool_of, pools)), float(cap)))
    return out


def within_caps(
    groups: list[tuple[np.ndarray, float]], x: np.ndarray, lower: np.ndarray, pick: np.ndarray
) -> np.ndarray:
    """The picked tours (a mask) whose lower bounds, raised to the ceiling of ``x``, keep every pool's and
    site's sum of lower bounds within its cap: where a cap would be passed, the picks with the smallest
    fractions are dropped until it holds."""
    pick = pick.copy()
    trial = np.where(pick, np.maximum(lower, np.ceil(x - TOL)), lower)
    fraction = x - np.floor(x + TOL)
    for members, cap in groups:
        excess = float(trial[members].sum()) - np.floor(cap + TOL)
        raised = members[pick[members] & (trial[members] > lower[members])]
        for j in raised[np.argsort(fraction[raised], kind="stable")]:
            if excess <= TOL:
                break
            excess -= trial[j] - lower[j]
            trial[j], pick[j] = lower[j], False
    return pick


def people_dive(backend: _HighsBackend, x_lp: np.ndarray) -> np.ndarray:
    """Fix-and-resolve over the tours, upwards (shift starts continuous): at most ``PEOPLE_DIVE_SOLVES`` - 1
    rounds, each raising to its ceiling the lower bound of every tour at least ``PEOPLE_ROUND_UP``
    fractional (else of the most fractional ``PEOPLE_DIVE_SHARE`` of them) and re-solving the LP from its
    basis, so that the other tours and the shift starts make up for the people added (a tour's fraction
    falls where it is no longer needed). Within a pool's cap (`available`) or a site's (`max_agents`) only
    as many tours are raised as the cap leaves room for, those with the largest fractions
    (:func:`within_caps`); when a cap leaves room for none, the least fractional ``PEOPLE_DIVE_SHARE`` of the
    fractional tours are rounded down instead (their upper bounds), so that the pool's people move to its
    other tours. Returns the last LP's values (``x_lp`` when the first re-solve fails), which may leave
    tours fractional for :func:`capped_round`."""
    hm, tours, lower, upper = _dive_over_tours(backend)
    groups = cap_groups(hm.model)
    values = x_lp
    try:
        for _round in range(PEOPLE_DIVE_SOLVES - 1):
            x = values[tours]
            fraction = x - np.floor(x + TOL)
            fractional = fraction > TOL
            if not fractional.any():
                break
            share = max(1, int(np.ceil(fractional.sum() * PEOPLE_DIVE_SHARE)))
            pick = fractional & (fraction >= PEOPLE_ROUND_UP)
            if not pick.any():
                pick = np.zeros(len(x), dtype=bool)
                pick[np.argsort(-np.where(fractional, fraction, -1.0), kind="stable")[:share]] = True
            pick = within_caps(groups, x, lower, pick)
            trial, top = lower.copy(), upper.copy()
            if pick.any():
                trial[pick] = np.ceil(x[pick] - TOL)
            else:  # the caps leave no room: the least fractional tours rounded down
                down = np.argsort(np.where(fractional, fraction, 2.0), kind="stable")[:share]
                top[down] = np.floor(x[down] + TOL)
            hm.set_bounds(tours, trial, top)
            status = hm.run()
            if status == "infeasible" and pick.any():  # another rule: round these down instead
                trial = lower.copy()
                top[pick] = np.floor(x[pick] + TOL)
                hm.set_bounds(tours, trial, top)
                status = hm.run()
            if status != "optimal":
                break
            lower, upper = trial, top
            values = hm.values()
    finally:
        hm.reset_bounds(tours)
    return values


def _dive_over_tours(backend: _HighsBackend) -> tuple[HighsModel, np.ndarray, np.ndarray, np.ndarray]:
    """The model set for a dive over the tours: its LP (every column continuous, no work limit); the tours'
    columns and their own lower and upper bounds."""
    hm: HighsModel = backend.model
    tours = hm.tour_columns
    hm.set_integer(False)
    backend._limits(None)
    return hm, tours, hm.matrix.lower[tours].copy(), hm.matrix.upper[tours].copy()


def whole_starts(backend: _HighsBackend, values: np.ndarray) -> np.ndarray | None:
    """Step 2: the tours of ``values`` fixed, whole shift starts from its continuous ones (running totals,
    then balanced), the rest of the model solved; None when no roster has those whole numbers."""
    hm: HighsModel = backend.model
    tours, shifts = hm.tour_columns, hm.shift_columns
    start = values.copy()
    start[tours] = np.round(values[tours])
    x = values[shifts]
    start[shifts] = balanced_starts(hm.model, x, running_totals(hm.model, x))
    return backend.complete(start)


def starts_mip(run: _Solve, backend: _HighsBackend, people: np.ndarray, roster: np.ndarray) -> np.ndarray:
    """Step 2's branch-and-bound: the tours of ``people`` fixed, each shift start an integer between the floor
    and the ceiling of its continuous value there (widened to hold ``roster``, the MIP's start), at most
    ``TOUR_STARTS_NODES`` nodes, stopped within the solve's gap of the cost of ``people`` (tours whole, starts
    continuous: what whole starts reach at best with these tours). Returns the cheaper of its
    roster and ``roster``."""
    from planner.roster.solve import _Limits

    hm: HighsModel = backend.model
    tours, shifts = hm.tour_columns, hm.shift_columns
    x = people[shifts]
    start = roster[shifts]
    lower = np.minimum(np.floor(x + TOL), start)
    upper = np.maximum(np.ceil(x - TOL), start)
    fixed = roster[tours]
    gap = run.options.gap
    hm.set_integer(True)
    hm.set_bounds(tours, fixed, fixed)
    hm.set_shift_bounds(lower, upper)
    bound = float(backend.cost @ people)  # the tours' LP: no roster with these tours costs less
    backend._limits(_Limits(gap=gap, target=bound / (1.0 - gap) if gap > 0 else bound, max_nodes=TOUR_STARTS_NODES))
    try:
        hm.set_start(roster)
        status = hm.run()
        run.cut_short |= status == "time limit reached"
        found = hm.values() if hm.has_solution() else None
    finally:
        hm.reset_shift_bounds()
        hm.reset_bounds(tours)
        hm.set_integer(False)
    if found is None or float(backend.cost @ found) >= float(backend.cost @ roster) - TOL:
        return roster
    found[hm.integer_columns] = np.round(found[hm.integer_columns])
    return found


def running_totals(m: RosterModel, x: np.ndarray) -> np.ndarray:
    """Whole shift starts from continuous ones: in each (start cell, day), the options in start order, each
    given the rounded running total less the rounded total before it. Each count is the floor or the ceiling
    of its value, and the (start cell, day)'s whole total is kept."""
    p = m.problem
    t = p.tours
    assert t is not None
    out = np.zeros(len(x))
    for opts in _slots(p.tours, len(x)).values():
        order = sorted(opts, key=lambda o: (int(p.cover_index[o, 0]), o))
        totals = np.floor(np.cumsum(x[order]) + 0.5 + 1e-9)
        out[order] = np.diff(totals, prepend=0.0)
    return np.maximum(out, 0.0)


def balanced_starts(m: RosterModel, x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Whole shift starts moved within their (start cell, day), one at a time, where the move brings each
    skill set's agents on duty closer to the continuous starts' ``x`` where it falls below them (each agent
    missing in an interval priced at the shortfall's penalty) or costs less at equal cover (local search,
    at most ``BALANCE_PASSES`` passes over the (start cell, day)s; the totals stay)."""
    return balance(m, on_duty(m, x), counts)


def on_duty(m: RosterModel, x: np.ndarray) -> np.ndarray:
    """Agents on duty per skill set (rows in sorted order) and interval for shift starts ``x``."""
    p = m.problem
    skillsets = sorted({pool.skillset for pool in p.pools})
    sid = np.array([skillsets.index(p.pools[int(k)].skillset) for k in p.option_pool], dtype=int)
    out = np.zeros((len(skillsets), p.n_intervals))
    rows = np.repeat(sid, p.cover_index.shape[1])
    np.add.at(out, (rows, p.cover_index.ravel()), (p.cover_fraction * x[:, None]).ravel())
    return out


def needed_on_duty(m: RosterModel, values: np.ndarray, position: dict[str, int]) -> np.ndarray:
    """Agents per skill set and interval that a solved roster uses (its allocations) plus the shortfall it
    leaves that the skill set could serve: what its agents on duty should reach."""
    p = m.problem
    skillsets = sorted({pool.skillset for pool in p.pools})
    out = np.zeros((len(skillsets), p.n_intervals))
    for (s, _g, t), var in m.alloc.items():
        out[skillsets.index(s), t] += float(values[position[var.name]])
    for s, need in shortfall_by_skillset(m, values, position).items():
        out[skillsets.index(s)] += need
    return out


def balance(m: RosterModel, target: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The local search of :func:`balanced_starts` towards ``target`` (agents per skill set and interval)."""
    p = m.problem
    skillsets = sorted({pool.skillset for pool in p.pools})
    sid = np.array([skillsets.index(p.pools[int(k)].skillset) for k in p.option_pool], dtype=int)
    duty = on_duty(m, counts)
    counts = counts.copy()
    slots = [opts for opts in _slots(p.tours, len(counts)).values() if len(opts) > 1]
    weight = p.penalty * p.interval_hours
    for _ in range(BALANCE_PASSES):
        moved = False
        for opts in slots:
            move = _best_move(p, opts, counts, target[sid[opts[0]]], duty[sid[opts[0]]], weight)
            if move is None:
                continue
            a, b = move
            counts[a] -= 1
            counts[b] += 1
            row = duty[sid[a]]
            np.add.at(row, p.cover_index[a], -p.cover_fraction[a])
            np.add.at(row, p.cover_index[b], p.cover_fraction[b])
            moved = True
        if not moved:
            break
    return counts


def rebalanced(backend: _HighsBackend, values: np.ndarray) -> np.ndarray:
    """Step 2's local search again, towards what the solved roster uses plus its shortfall, the rest of the
    model re-solved; up to ``REBALANCE_ROUNDS`` times while the cost falls."""
    hm: HighsModel = backend.model
    position = {name: j for j, name in enumerate(hm.matrix.names)}
    best = float(backend.cost @ values)
    for _ in range(REBALANCE_ROUNDS):
        if float(values[hm.short_columns].sum()) <= TOL:
            break
        counts = values[hm.shift_columns]
        moved = balance(hm.model, needed_on_duty(hm.model, values, position), counts)
        if np.array_equal(moved, counts):
            break
        trial = values.copy()
        trial[hm.shift_columns] = moved
        done = backend.complete(trial)
        if done is None or float(backend.cost @ done) >= best - TOL:
            break
        values, best = done, float(backend.cost @ done)
    return values


def _best_move(
    p: RosterProblem, opts: list[int], counts: np.ndarray, target: np.ndarray, duty: np.ndarray, weight: float
) -> tuple[int, int] | None:
    """The move of one shift from option a to option b of one (start cell, day) that lowers most the priced
    cover missing against ``target`` plus the shifts' cost; None when no move lowers it."""
    best, out = -1e-9, None
    for a in opts:
        if counts[a] < 1:
            continue
        for b in opts:
            if b == a:
                continue
            idx = np.concatenate([p.cover_index[a], p.cover_index[b]])
            change = np.concatenate([-p.cover_fraction[a], p.cover_fraction[b]])
            u, inv = np.unique(idx, return_inverse=True)
            delta = np.zeros(len(u))
            np.add.at(delta, inv, change)
            gap = target[u] - duty[u]
            worse = np.maximum(gap - delta, 0.0).sum() - np.maximum(gap, 0.0).sum()
            gain = weight * worse + float(p.option_cost[b] - p.option_cost[a])
            if gain < best:
                best, out = gain, (a, b)
    return out


def _slots(t: TourData | None, n: int) -> dict[tuple[int, int], list[int]]:
    """The shift options of each (start cell, cyclic local day)."""
    assert t is not None
    slots: dict[tuple[int, int], list[int]] = defaultdict(list)
    for o in range(n):
        slots[(int(t.option_cell[o]), int(t.option_slot_day[o]))].append(o)
    return slots


def add_people(backend: _HighsBackend, values: np.ndarray, time_left: Callable[[], bool]) -> np.ndarray:
    """Step 3 (see the module's docstring): per round, up to ``PEOPLE_PER_ROUND`` people added one by one on
    the tour that best covers the shortfall still uncovered, then the rest of the model re-solved with the
    whole numbers fixed; a round is kept only when the cost falls. Returns the best roster."""
    hm: HighsModel = backend.model
    m = hm.model
    p = m.problem
    assert p.tours is not None
    position = {name: j for j, name in enumerate(hm.matrix.names)}
    column = dict(zip(m.tours, hm.tour_columns, strict=True))
    best = float(backend.cost @ values)
    for _ in range(TOUR_REPAIR_ROUNDS):
        if float(values[hm.short_columns].sum()) <= TOL or not time_left():
            break
        need = shortfall_by_skillset(m, values, position)
        trial = values.copy()
        for _person in range(PEOPLE_PER_ROUND):
            pick = best_tour(m, need, _pools_below_caps(m, trial, position))
            if pick is None:
                break
            pool = p.pools[p.tours.cells[pick.key[0]].pool]
            trial[column[pick.key]] += 1
            trial[hm.shift_columns[list(pick.options)]] += 1
            trial[position[m.people[pool.name].name]] += 1
            for o in pick.options:  # what this person covers is no longer short
                np.subtract.at(need[pool.skillset], p.cover_index[o], p.cover_fraction[o])
                np.maximum(need[pool.skillset], 0.0, out=need[pool.skillset])
        if np.array_equal(trial, values):
            break
        done = backend.complete(trial)
        if done is None or float(backend.cost @ done) >= best - TOL:
            break
        values, best = done, float(backend.cost @ done)
    return values


def shortfall_by_skillset(m: RosterModel, values: np.ndarray, position: dict[str, int]) -> dict[str, np.ndarray]:
    """Per skill set, the agents short in each interval in groups it could serve (deferrable work counted at
    its arrival interval)."""
    p = m.problem
    groups = groups_by_name(p)
    need: dict[str, np.ndarray] = {}
    for (g, t, _c), var in m.short.items():
        short = float(values[position[var.name]])
        if short <= TOL:
            continue
        for s in groups[g].skillsets:
            need.setdefault(s, np.zeros(p.n_intervals))[t] += short
    return need


def best_tour(m: RosterModel, need: dict[str, np.ndarray], open_pools: set[int]) -> TourPick | None:
    """The tour whose one more person gains most (penalty of the shortfall ``need`` covered, per skill set and
    interval, minus the shifts' cost), among ``open_pools``; None when no person gains."""
    p = m.problem
    t = p.tours
    assert t is not None
    weight = p.penalty * p.interval_hours
    slot_best: dict[tuple[int, int], tuple[float, int]] = {}
    for (c, d), opts in _slots(t, len(p.option_cost)).items():
        pool = t.cells[c].pool
        s = p.pools[pool].skillset
        if pool not in open_pools or s not in need or (t.cells[c].night and t.rules.nights_forbidden):
            continue
        idx, frac = p.cover_index[opts], p.cover_fraction[opts]
        gain = weight * np.minimum(frac, need[s][idx]).sum(axis=1) - p.option_cost[opts]
        j = int(np.argmax(gain))
        slot_best[(c, d)] = (float(gain[j]), opts[j])
    best: TourPick | None = None
    for c, k in m.tours:
        days = [d for d in range(t.days) if t.works(k, d)]
        if not days or any((c, d) not in slot_best for d in days):
            continue
        gain = sum(slot_best[(c, d)][0] for d in days)
        if gain > TOL and (best is None or gain > best.gain):
            best = TourPick((c, k), tuple(slot_best[(c, d)][1] for d in days), gain)
    return best


def _pools_below_caps(m: RosterModel, values: np.ndarray, position: dict[str, int]) -> set[int]:
    """Pools that may employ one more person: below `available` and their site below `max_agents`."""
    p = m.problem
    people = {pool.name: float(values[position[m.people[pool.name].name]]) for pool in p.pools}
    site_people: dict[str, float] = defaultdict(float)
    for pool in p.pools:
        site_people[pool.site] += people[pool.name]
    out = set()
    for k, pool in enumerate(p.pools):
        cap = m.people[pool.name].upBound
        if cap is not None and people[pool.name] + 1 > cap + TOL:
            continue
        site_cap = p.binding_site_caps.get(pool.site)
        if site_cap is not None and site_people[pool.site] + 1 > site_cap + TOL:
            continue
        out.add(k)
    return out
