"""The roster model's data: requirements and shift options turned into a :class:`RosterProblem`.

Queues served by the same skill sets are merged (losslessly) into live and deferred groups.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from planner.domain import Pool, Scenario
from planner.queueing.deferred import WorkClass
from planner.requirements import QueueKey, Requirements
from planner.roster.options import ShiftOptions, rate_multipliers
from planner.roster.rules import (
    TOL,
    BreakChain,
    DeferredGroup,
    LiveGroup,
    PoolSpec,
    RosterProblem,
    break_slot_minutes,
    safe_name,
)
from planner.roster.tours import build_tours
from planner.timezones import utc_to_local

#: Full coverage multiplies the penalty by this, making coverage effectively hard.
FULL_COVERAGE_FACTOR = 1000.0
#: The default penalty is this multiple of the highest hourly cost including premiums.
DEFAULT_PENALTY_FACTOR = 100.0


def holiday_caps(scenario: Scenario, pool: Pool) -> tuple[tuple[int, int], ...]:
    """(local day number, most people working) for each holiday of the pool's calendar that reduces its
    team: the share of its available people, rounded down. Days count from the local date of the
    horizon's start at the pool's site, as the shift options' ``local_day``."""
    if pool.calendar is None or pool.available is None:
        return ()
    first = utc_to_local(scenario.sites[pool.site].timezone, scenario.horizon.start).date()
    shares = scenario.calendars[pool.calendar].available_shares
    return tuple(sorted(((day - first).days, math.floor(share * pool.available + 1e-9)) for day, share in shares))


def skillset_of(languages: tuple[str, ...], channels: tuple[str, ...] | None) -> str:
    langs = "+".join(sorted(languages))
    return langs if channels is None else langs + "|" + "+".join(sorted(channels))


def default_penalty(scenario: Scenario) -> float:
    """100 x the highest hourly cost with both premiums: far above any wage."""
    rates = []
    for p in scenario.pools.values():
        s = scenario.sites[p.site]
        rates.append(scenario.pool_hourly_cost(p) * (1 + s.night_premium) * (1 + s.weekend_premium))
    top = max(rates) if rates else 1.0
    return DEFAULT_PENALTY_FACTOR * max(top, 1.0)


def build_problem(
    scenario: Scenario, req: Requirements, options: ShiftOptions, full_coverage: bool = False, tours: bool = True
) -> RosterProblem:
    """Turn requirements and shift options into the model's data (aggregating losslessly); with ``tours``
    (the default) each person works a weekly tour under the labour rules (:mod:`planner.roster.tours`)."""
    h = scenario.horizon
    pools = list(scenario.pools.values())
    specs = tuple(
        PoolSpec(p.name, p.site, skillset_of(p.languages, p.channels), p.available, holiday_caps(scenario, p))
        for p in pools
    )
    pool_index = {p.name: i for i, p in enumerate(pools)}
    tab = options.table
    names = tuple(
        f"{r.pool}__{r.template}__{r.local_start:%Y-%m-%d_%H%M}"
        for r in tab[["pool", "template", "local_start"]].itertuples(index=False)
    )

    def eligible(lang: str, chan: str) -> tuple[str, ...]:
        return tuple(sorted({skillset_of(p.languages, p.channels) for p in pools if p.serves(lang, chan)}))

    used: set[str] = set()
    live = _live_groups(req, eligible, used, 1.0 - scenario.settings.shrinkage)
    deferred = _deferred_groups(req, eligible, used)
    penalty = scenario.settings.under_coverage_penalty or default_penalty(scenario)
    if full_coverage:
        penalty *= FULL_COVERAGE_FACTOR
    chains = break_chains(scenario, options, specs, live) if scenario.settings.model_breaks else ()
    chains, option_cost = price_breaks(scenario, options, chains)
    return RosterProblem(
        n_intervals=h.n_intervals,
        interval_hours=h.interval_hours,
        pools=specs,
        option_pool=tab["pool"].map(pool_index).to_numpy(dtype=np.int64),
        option_cost=option_cost,
        option_day=tab["local_day"].to_numpy(dtype=np.int64),
        option_names=names,
        cover_index=options.cover_index,
        cover_fraction=options.cover_fraction,
        live=tuple(live),
        deferred=tuple(deferred),
        site_caps={s.name: s.max_agents for s in scenario.sites.values() if s.max_agents is not None},
        shifts_per_week=scenario.settings.shifts_per_week,
        weeks=h.weeks,
        penalty=penalty,
        relax_headcount=full_coverage,
        tours=build_tours(scenario, tab, pool_index) if tours else None,
        breaks=chains,
        option_start=tab["start_minute"].to_numpy(dtype=np.int64),
        option_length=tab["length_minutes"].to_numpy(dtype=np.int64),
        option_break=tab[["break_start", "break_end"]].to_numpy(dtype=np.int64).reshape(-1, 2),
    )


def price_breaks(
    scenario: Scenario, options: ShiftOptions, chains: tuple[BreakChain, ...]
) -> tuple[tuple[BreakChain, ...], np.ndarray]:
    """The chains with their slot costs, and the options' costs to go with them, so that the objective
    prices each placed break where it is: a break of ``length`` minutes starting at minute ``x`` takes
    ``(1 - paid share) x rate x premium-weighted break hours at x`` off a shift paid in full. Per chain,
    with ``most`` the largest such saving over its slots, an option costs (paid in full) - ``most``, and a
    break in slot ``u`` costs ``most`` - (its saving at ``u``) >= 0; every agent breaks once (rule
    break_windows), so the two add up to the shift's cost with its break where it is, exactly. The
    options' table costs (break mid-shift) are unchanged; minutes past the horizon's end wrap round."""
    tab = options.table
    cost = tab["cost"].to_numpy(dtype=float).copy()
    if not chains:
        return chains, cost
    h = scenario.horizon
    slot = break_slot_minutes(h.interval_minutes)
    cums: dict[str, np.ndarray] = {}
    priced: list[BreakChain] = []
    for chain in chains:
        o0 = chain.options[0][0]
        site, pool = str(tab.at[o0, "site"]), str(tab.at[o0, "pool"])
        if site not in cums:
            cums[site] = np.concatenate(
                [[0.0], np.cumsum(rate_multipliers(scenario.sites[site], scenario.settings, h))]
            )
        cum = cums[site]
        rate = scenario.pool_hourly_cost(scenario.pools[pool]) * (1.0 - float(tab.at[o0, "break_paid_share"]))

        def saving(minute: int, cum: np.ndarray = cum, rate: float = rate, length: int = chain.length) -> float:
            return rate * float(cum[minute + length] - cum[minute]) / 60.0

        savings = [saving((u * slot) % h.minutes) for u in chain.slots(slot)]
        most = max(savings)
        for opts in chain.options:
            for o in opts:
                m0 = int(tab.at[o, "start_minute"])
                cost[o] += saving(m0 + chain.fixed) - most  # back to paid in full, less the chain's most
        priced.append(replace(chain, slot_costs=tuple(most - v for v in savings)))
    return tuple(priced), cost


def break_chains(
    scenario: Scenario, options: ShiftOptions, pools: tuple[PoolSpec, ...], live: list[LiveGroup]
) -> tuple[BreakChain, ...]:
    """The breaks the model places: per pool (whose skill set serves live work) and break shape
    (length, paid share and window after the start, on the break grid), the starts whose windows overlap, in order
    around the cyclic week (a chain that goes round the whole week is cut at its widest gap between starts).
    Starts off the break grid and windows of one slot keep the mid-shift break."""
    h = scenario.horizon
    slot = break_slot_minutes(h.interval_minutes)
    horizon = h.minutes
    served = {s for g in live if g.requirement.sum() > TOL for s in g.skillsets}
    templates = {t.name: t for t in scenario.shifts}
    tab = options.table
    shapes: dict[tuple[int, int, int, int, int, float], dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    pool_index = {p.name: k for k, p in enumerate(pools)}
    for o, pool, template, start, fixed in tab[
        ["option", "pool", "template", "start_minute", "break_start"]
    ].itertuples(index=False):
        k = pool_index[str(pool)]
        tpl = templates[str(template)]
        if pools[k].skillset not in served or tpl.break_minutes <= 0 or int(start) % slot:
            continue
        lo, hi = tpl.break_start_window()
        lo, hi = -(-lo // slot) * slot, hi // slot * slot
        if hi <= lo:
            continue
        shapes[(k, tpl.break_minutes, lo, hi, int(fixed), tpl.break_paid_share)][int(start)].append(int(o))
    chains: list[BreakChain] = []
    for (k, length, lo, hi, fixed, share), by_start in sorted(shapes.items()):
        starts = sorted(by_start)
        gaps = [(starts[(i + 1) % len(starts)] - starts[i]) % horizon or horizon for i in range(len(starts))]
        cut = int(np.argmax(gaps))  # the chain order begins after the widest gap
        order = starts[cut + 1 :] + [t + horizon for t in starts[: cut + 1]]
        if order[0] >= horizon:
            order = [t - horizon for t in order]
        runs: list[list[int]] = [[order[0]]]
        for t in order[1:]:
            if t - runs[-1][-1] <= hi - lo:
                runs[-1].append(t)
            else:
                runs.append([t])
        for run in runs:
            opts = tuple(tuple(by_start[t % horizon]) for t in run)
            first = tab.at[opts[0][0], "local_start"]
            paid = f"__paid{round(share * 100)}pct" if share > 0 else ""
            name = f"{pools[k].name}__{length}min{paid}__{first:%Y-%m-%d_%H%M}"
            chains.append(BreakChain(name, k, tuple(run), opts, length, lo, hi, fixed))
    return tuple(chains)


def _live_groups(
    req: Requirements, eligible: Callable[[str, str], tuple[str, ...]], used: set[str], on_floor_share: float
) -> list[LiveGroup]:
    """Live queues served by the same skill sets, their requirements added up; a queue promised over
    a day or week is a group of its own (its staffing decides its answered-in-time contacts)."""
    live_parts: dict[tuple[tuple[str, ...], QueueKey | None], list[QueueKey]] = defaultdict(list)
    for key in sorted(req.live):
        if req.live[key].sum() > TOL:
            live_parts[(eligible(key[0], key[1]), key if key in req.period else None)].append(key)
    live: list[LiveGroup] = []
    for (sets, own), queues in sorted(live_parts.items(), key=lambda kv: kv[1][0]):
        name = _unique(_group_name("live", queues) + (f":{own[2]}" if own else ""), used)
        requirement = np.sum([req.live[q] for q in queues], axis=0)
        promise = req.period.get(queues[0]) if own else None
        live.append(LiveGroup(name, tuple(queues), sets, requirement, promise, on_floor_share))
    return live


def _deferred_groups(
    req: Requirements, eligible: Callable[[str, str], tuple[str, ...]], used: set[str]
) -> list[DeferredGroup]:
    """Deferrable queues with the same skill sets, window and share; work and deadline classes added up."""
    def_parts: dict[tuple[Any, ...], list[QueueKey]] = defaultdict(list)
    for key in sorted(req.deferred):
        dw = req.deferred[key]
        if dw.total > TOL:
            def_parts[(eligible(key[0], key[1]), round(dw.window, 9), round(dw.share, 9), dw.clock)].append(key)
    deferred: list[DeferredGroup] = []
    for (sets, window, share, clock), queues in sorted(def_parts.items(), key=lambda kv: kv[1][0]):
        name = _unique(_group_name("defer", queues), used)
        work = np.sum([req.deferred[q].work for q in queues], axis=0)
        # classes are linear in the work (same window and share): add them up
        first = req.deferred[queues[0]].classes
        classes = tuple(
            WorkClass(
                np.sum([req.deferred[q].classes[c].work for q in queues], axis=0),
                first[c].window,
                np.sum([req.deferred[q].classes[c].cap for q in queues], axis=0),
            )
            for c in range(len(first))
        )
        deferred.append(DeferredGroup(name, tuple(queues), sets, work, classes, float(window), float(share), clock))
    return deferred


def _group_name(prefix: str, queues: list[QueueKey]) -> str:
    langs = "+".join(sorted({q[0] for q in queues}))
    chans = "+".join(sorted({q[1] for q in queues}))
    tiers = sorted({q[2] for q in queues})
    text = f"{prefix}:{langs}:{chans}"
    if prefix == "defer":
        text += ":" + "+".join(tiers)
    return text


def _unique(name: str, used: set[str]) -> str:
    out, k = name, 2
    while safe_name(out) in used:
        out = f"{name}#{k}"
        k += 1
    used.add(safe_name(out))
    return out
