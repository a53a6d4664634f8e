"""The constructive shortfall cover: which whole shift to add for each short (group, interval), which shift
of a pool at its headcount cap to move to a shortfall, and which added shift to try dropping again. Pure
choices over the roster model; the solve (planner.roster.solve) re-solves the continuous part after each
change and keeps a change only when the objective falls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.roster.rules import TOL, RosterModel, RosterProblem, groups_by_name, shortfall_span

#: The swap moves (:func:`swap_pairs`): how many of a spot's options of capped pools to move a shift to,
#: and how many of that pool's shifts to try taking it from.
SWAP_OPTIONS = 4
SWAP_REMOVALS = 3


@dataclass(frozen=True)
class ShortSpot:
    """One short (group, interval, deadline class) of a roster: its position among ``model.short`` and
    the shift options that could serve it, cheapest per share of the spot's intervals on duty first."""

    short: int
    amount: float
    options: tuple[int, ...]


def short_spots(
    m: RosterModel, short_values: np.ndarray, presence: np.ndarray | None = None, tol: float = TOL
) -> list[ShortSpot]:
    """The roster's shortfalls (``short_values`` in ``model.short`` order), largest first (ties by
    position), each with the options of a pool that can serve it and is on duty in the intervals that
    serve it: the interval itself (live) or the work's window after its arrival interval (deferrable); among
    options of the same price, those on duty in more of the group's short intervals first.
    ``presence`` is the problem's (options x intervals) duty shares, computed when not given."""
    p = m.problem
    groups = groups_by_name(p)
    presence = p.presence() if presence is None else presence
    skillset_of_option = np.array([p.pools[int(k)].skillset for k in p.option_pool], dtype=object)
    spots: list[ShortSpot] = []
    if not np.any(short_values > tol):
        return spots
    spans: dict[int, list[int]] = {}
    for i, (g, t, c) in enumerate(m.short):
        if float(short_values[i]) > tol:
            spans[i] = shortfall_span(p, groups[g], t, c)
    keys = list(m.short)
    short_of_group: dict[str, list[int]] = {}
    for i, span in spans.items():
        short_of_group.setdefault(keys[i][0], []).extend(span)
    for i, span in spans.items():
        group = groups[keys[i][0]]
        serves = np.isin(skillset_of_option, group.skillsets)
        served = presence[:, span].sum(axis=1) * serves
        usable = np.flatnonzero(served > tol)
        price = p.option_cost[usable] / served[usable]
        hours = np.array(sorted(set(short_of_group[keys[i][0]])), dtype=np.int64)
        reach = (presence[np.ix_(usable, hours)] > tol).sum(axis=1)
        order = usable[np.lexsort((usable, -reach, price))]
        spots.append(ShortSpot(i, float(short_values[i]), tuple(int(o) for o in order)))
    spots.sort(key=lambda s: (-s.amount, s.short))
    return spots


def first_additions(spots: list[ShortSpot], cost: np.ndarray, weight: float, skip: set[int] | None = None) -> list[int]:
    """One option per spot, its cheapest not in ``skip``, for each spot that no option already chosen
    serves; an option is left out when its ``cost`` is at least the penalty (``weight`` per unit short)
    of all the spots it could serve, since adding it cannot lower the objective."""
    chosen: list[int] = []
    for spot in spots:
        if any(o in chosen for o in spot.options):
            continue  # served by a shift already added
        pick = next((o for o in spot.options if o not in (skip or set())), None)
        if pick is None or pick in chosen:
            continue
        saving = weight * sum(s.amount for s in spots if pick in s.options)
        if cost[pick] < saving:
            chosen.append(pick)
    return chosen


def capped_pools(p: RosterProblem) -> frozenset[int]:
    """The pools whose headcount is capped (`available`, a site's `max_agents` or a holiday team), unless
    headcount is relaxed: adding a shift of such a pool may break its cap, moving one of its shifts may not."""
    if p.relax_headcount:
        return frozenset()
    return frozenset(
        k
        for k, pool in enumerate(p.pools)
        if pool.available is not None or pool.site in p.site_caps or pool.holiday_caps
    )


def swap_pairs(
    spots: list[ShortSpot],
    p: RosterProblem,
    shifts: np.ndarray,
    reduced_costs: np.ndarray,
    tried: set[tuple[int, int]],
    options_per_spot: int = SWAP_OPTIONS,
    removals_per_option: int = SWAP_REMOVALS,
) -> list[tuple[int, int]]:
    """(option to add, option to take one shift from) pairs that move a shift of a capped pool to a
    shortfall, in the order to try them: spots largest first; for each, its first ``options_per_spot``
    options of a capped pool (cheapest first, as :func:`short_spots` orders them); for each, up to
    ``removals_per_option`` other options of the same pool that have a shift, those on the same local day
    first (the day's count and the week's stay as they were), then largest reduced cost first (the
    shift whose coverage the roster values least), then by position. Pairs in ``tried`` are left out."""
    capped = capped_pools(p)
    pairs: list[tuple[int, int]] = []
    seen: set[tuple[int, int]] = set(tried)
    for spot in spots:
        adds = [o for o in spot.options if int(p.option_pool[o]) in capped][:options_per_spot]
        for o in adds:
            same_pool = np.flatnonzero((p.option_pool == p.option_pool[o]) & (shifts >= 1.0 - TOL))
            same_pool = same_pool[same_pool != o]
            other_day = p.option_day[same_pool] != p.option_day[o]
            order = same_pool[np.lexsort((same_pool, -reduced_costs[same_pool], other_day))]
            for r in order[:removals_per_option]:
                pair = (int(o), int(r))
                if pair not in seen:
                    seen.add(pair)
                    pairs.append(pair)
    return pairs
