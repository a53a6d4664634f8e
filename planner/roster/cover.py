"""The constructive shortfall cover: which whole shift to add for each short (group, interval), and which
added shift to try dropping again. Pure choices over the roster model; the solve (planner.roster.solve)
re-solves the continuous part after each change and keeps a change only when the objective falls."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from planner.roster.rules import TOL, RosterModel, groups_by_name, shortfall_span


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
