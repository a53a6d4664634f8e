"""Cost after the solve: each pool's paid hours and cost attributed to the languages and channels
it served (by allocated agent-hours), per site and pool and per language and site. Where the roster model
placed the breaks (setting ``model_breaks``), the agents on duty and the premiums of each interval count
each break where it was placed (:func:`planner.analysis.breaks.model_breaks`), not mid-shift."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd

from planner.analysis.breaks import break_pieces
from planner.domain import Scenario
from planner.requirements import QueueKey, Requirements
from planner.roster.options import ShiftOptions, coverage_arrays, interval_costs
from planner.roster.rules import TOL, RosterProblem

QueueShares = dict[str, list[tuple[QueueKey, np.ndarray]]]


def duty_and_cost(
    scenario: Scenario,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Agents on duty and their cost, per pool (in scenario order) and interval, with each break where
    ``placed`` puts it (per option: [(minutes after the start, agents)]; the rest mid-shift)."""
    n = scenario.horizon.n_intervals
    pidx = {p: i for i, p in enumerate(scenario.pools)}
    duty = np.zeros((len(pidx), n))
    cost = np.zeros((len(pidx), n))
    if not len(chosen):
        return duty, cost
    opts, counts, b0, b1 = break_pieces(options, chosen, agents, placed or {})
    tab = options.table.iloc[opts]
    _, fraction = coverage_arrays(
        tab["start_minute"].to_numpy(),
        tab["length_minutes"].to_numpy(),
        b0,
        b1,
        scenario.horizon,
        width=options.cover_index.shape[1],
    )
    ic = interval_costs(options, scenario, opts, b0, b1)
    for row, (o, pool) in enumerate(zip(opts, tab["pool"], strict=True)):
        k = pidx[pool]
        np.add.at(duty[k], options.cover_index[o], fraction[row] * counts[row])
        np.add.at(cost[k], options.cover_index[o], ic[row] * counts[row])
    return duty, cost


def shift_costs(
    scenario: Scenario,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> np.ndarray:
    """Cost per agent of each chosen option with its agents' breaks where ``placed`` puts them (their
    mean over the option's agents); an option with no placed break keeps the options' (mid-shift) cost."""
    out = options.table["cost"].to_numpy(dtype=float)[chosen].copy()
    mine = np.array([int(o) in (placed or {}) for o in chosen], dtype=bool)
    if not mine.any():
        return out
    opts, counts, b0, b1 = break_pieces(options, chosen[mine], agents, placed or {})
    total = interval_costs(options, scenario, opts, b0, b1).sum(axis=1) * counts
    per_option: dict[int, float] = {}
    for o, c in zip(opts.tolist(), total.tolist(), strict=True):
        per_option[o] = per_option.get(o, 0.0) + c
    out[mine] = [per_option[int(o)] / int(agents[o]) for o in chosen[mine]]
    return out


def _queue_shares(req: Requirements, problem: RosterProblem, n: int) -> QueueShares:
    """Share of each group's allocation that goes to each of its queues, per interval."""
    out: QueueShares = {}
    for g in problem.live:
        safe = np.where(g.requirement > TOL, g.requirement, 1.0)
        out[g.name] = [(q, np.where(g.requirement > TOL, req.live[q] / safe, 1.0 / len(g.queues))) for q in g.queues]
    for d in problem.deferred:
        tot = np.array([req.deferred[q].total for q in d.queues])
        out[d.name] = [
            (q, np.full(n, tv / tot.sum() if tot.sum() > 0 else 1.0 / len(d.queues)))
            for q, tv in zip(d.queues, tot, strict=True)
        ]
    return out


def _pool_queue_alloc(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    duty: np.ndarray,
    alloc: dict[tuple[str, str, int], float],
) -> dict[tuple[str, QueueKey], np.ndarray]:
    """Agents of each pool allocated to each queue per interval (a skill set's allocation split by its pools' duty)."""
    n = scenario.horizon.n_intervals
    pidx = {p: i for i, p in enumerate(scenario.pools)}
    sets = {p.name: p.skillset for p in problem.pools}
    set_duty: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for p, k in pidx.items():
        set_duty[sets[p]] += duty[k]
    queue_share = _queue_shares(req, problem, n)
    pq: dict[tuple[str, QueueKey], np.ndarray] = defaultdict(lambda: np.zeros(n))
    for (s, gname, t), v in alloc.items():
        if v <= TOL or set_duty[s][t] <= TOL:
            continue
        for p in (pp.name for pp in problem.pools if pp.skillset == s):
            frac = duty[pidx[p]][t] / set_duty[s][t]
            if frac <= 0:
                continue
            for q, share in queue_share[gname]:
                pq[(p, q)][t] += v * frac * share[t]
    return pq


def _attribute(
    duty: np.ndarray, cost: np.ndarray, mine: dict[QueueKey, np.ndarray]
) -> tuple[dict[QueueKey, list[float]], float, float]:
    """One pool's duty and cost per queue: by its allocation in each interval, by its weekly mix when it
    served nobody then, else idle. Returns (queue -> [agent-intervals, cost], idle agent-intervals, idle cost)."""
    n = len(duty)
    total_alloc = np.sum(list(mine.values()), axis=0) if mine else np.zeros(n)
    weekly_mix = {q: a.sum() for q, a in mine.items()}
    mix_total = sum(weekly_mix.values())
    attributed: dict[QueueKey, list[float]] = defaultdict(lambda: [0.0, 0.0])
    idle_hours = idle_cost = 0.0
    for t in map(int, np.flatnonzero(duty > TOL)):
        if total_alloc[t] > TOL:
            for q, a in mine.items():
                if a[t] > 0:
                    w = a[t] / total_alloc[t]
                    attributed[q][0] += duty[t] * w
                    attributed[q][1] += cost[t] * w
        elif mix_total > 0:
            for q, a in weekly_mix.items():
                w = a / mix_total
                attributed[q][0] += duty[t] * w
                attributed[q][1] += cost[t] * w
        else:
            idle_hours += duty[t]
            idle_cost += cost[t]
    return attributed, idle_hours, idle_cost


def cost_tables(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    alloc: dict[tuple[str, str, int], float],
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cost by site, pool, language and channel, and by language and site, attributed by allocated agent-hours;
    ``placed``: the breaks the model placed, per option (their agents on duty and premiums where they are)."""
    h = scenario.horizon
    st = scenario.settings
    duty, cost = duty_and_cost(scenario, options, chosen, agents, placed)
    pq = _pool_queue_alloc(scenario, req, problem, duty, alloc)
    rows = []
    lang_site: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for k, p in enumerate(scenario.pools):
        mine = {q: a for (pp, q), a in pq.items() if pp == p}
        attributed, idle_hours, idle_cost = _attribute(duty[k], cost[k], mine)
        site = scenario.pools[p].site
        for (lang, chan, _tier), (hours, c) in attributed.items():
            rows.append((site, p, lang, chan, hours * h.interval_hours / h.weeks, c / h.weeks))
            lang_site[(lang, site)][0] += hours * h.interval_hours / h.weeks
            lang_site[(lang, site)][1] += c / h.weeks
        if idle_hours > 0:
            rows.append((site, p, "(idle)", "(idle)", idle_hours * h.interval_hours / h.weeks, idle_cost / h.weeks))
    out = pd.DataFrame(rows, columns=["site", "pool", "language", "channel", "agent_hours", "weekly_cost"])
    out = out.groupby(["site", "pool", "language", "channel"], sort=True, as_index=False).sum()
    out["annual_cost"] = out["weekly_cost"] * st.weeks_per_year
    ls = pd.DataFrame(
        [(lang, site, v[0], v[1]) for (lang, site), v in sorted(lang_site.items())],
        columns=["language", "site", "agent_hours", "weekly_cost"],
    )
    if len(ls):
        ls["share_of_language_hours"] = ls["agent_hours"] / ls.groupby("language")["agent_hours"].transform("sum")
        ls["annual_cost"] = ls["weekly_cost"] * st.weeks_per_year
    return out, ls
