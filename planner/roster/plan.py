"""`planner roster`: the cheapest weekly multilingual roster that meets first-response targets.

Pipeline: scenario -> requirements (:mod:`planner.requirements`) -> shift options
(:mod:`planner.roster.options`) -> problem and model (:mod:`planner.roster.rules`) -> solve
(:mod:`planner.roster.solve`) -> the roster tables built here: shifts, coverage, cost, gaps,
headcount and a summary. Writing them to files is :mod:`planner.outputs.workbooks`.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from planner.analysis.reach import interval_ranges
from planner.domain import Scenario, WorkKind
from planner.queueing import erlang
from planner.queueing.deferred import WorkClass, on_time_share
from planner.requirements import QueueKey, Requirements, compute_requirements
from planner.roster.options import ShiftOptions, enumerate_options, interval_costs
from planner.roster.rules import (
    TOL,
    DeferredGroup,
    LiveGroup,
    PoolSpec,
    RosterModel,
    RosterProblem,
    build_model,
    safe_name,
)
from planner.roster.solve import LogFn, SolveInfo, SolveOptions, solve_model
from planner.timezones import utc_to_local

#: --full-coverage multiplies the penalty by this, making coverage effectively hard.
FULL_COVERAGE_FACTOR = 1000.0
#: The default penalty is this multiple of the highest hourly cost including premiums.
DEFAULT_PENALTY_FACTOR = 100.0


@dataclass(frozen=True)
class RosterOptions:
    solve: SolveOptions = field(default_factory=SolveOptions)
    full_coverage: bool = False


@dataclass
class RosterResult:
    """The roster and everything reported about it."""

    scenario: Scenario
    requirements: Requirements
    problem: RosterProblem
    info: SolveInfo
    shifts: pd.DataFrame
    coverage: pd.DataFrame
    cost: pd.DataFrame
    gaps: pd.DataFrame
    headcount: pd.DataFrame
    language_sites: pd.DataFrame
    metrics: dict[str, Any]
    variables: int
    constraints: int
    build_seconds: float
    default_cost: float | None = None  # with --full-coverage: cost of the default (penalised) roster
    default_shortfall_hours: float | None = None

    @property
    def has_shortfall(self) -> bool:
        return bool(self.metrics["shortfall_agent_hours"] > 1e-6)

    def summary_table(self) -> pd.DataFrame:
        return pd.DataFrame([(k, v) for k, v in self.metrics.items()], columns=["metric", "value"])


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
    scenario: Scenario, req: Requirements, options: ShiftOptions, full_coverage: bool = False
) -> RosterProblem:
    """Turn requirements and shift options into the model's data (aggregating losslessly)."""
    h = scenario.horizon
    pools = list(scenario.pools.values())
    specs = tuple(PoolSpec(p.name, p.site, skillset_of(p.languages, p.channels), p.available) for p in pools)
    pool_index = {p.name: i for i, p in enumerate(pools)}
    tab = options.table
    names = tuple(
        f"{r.pool}__{r.template}__{r.local_start:%Y-%m-%d_%H%M}"
        for r in tab[["pool", "template", "local_start"]].itertuples(index=False)
    )

    def eligible(lang: str, chan: str) -> tuple[str, ...]:
        return tuple(sorted({skillset_of(p.languages, p.channels) for p in pools if p.serves(lang, chan)}))

    live_parts: dict[tuple[str, ...], list[QueueKey]] = defaultdict(list)
    for key in sorted(req.live):
        if req.live[key].sum() > TOL:
            live_parts[eligible(key[0], key[1])].append(key)
    live: list[LiveGroup] = []
    used: set[str] = set()
    for sets, queues in sorted(live_parts.items(), key=lambda kv: kv[1][0]):
        name = _unique(_group_name("live", queues), used)
        requirement = np.sum([req.live[q] for q in queues], axis=0)
        live.append(LiveGroup(name, tuple(queues), sets, requirement))
    def_parts: dict[tuple[Any, ...], list[QueueKey]] = defaultdict(list)
    for key in sorted(req.deferred):
        dw = req.deferred[key]
        if dw.total > TOL:
            def_parts[(eligible(key[0], key[1]), round(dw.window, 9), round(dw.share, 9))].append(key)
    deferred: list[DeferredGroup] = []
    for (sets, window, share), queues in sorted(def_parts.items(), key=lambda kv: kv[1][0]):
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
        deferred.append(DeferredGroup(name, tuple(queues), sets, work, classes, float(window), float(share)))
    penalty = scenario.settings.under_coverage_penalty or default_penalty(scenario)
    if full_coverage:
        penalty *= FULL_COVERAGE_FACTOR
    return RosterProblem(
        n_intervals=h.n_intervals,
        interval_hours=h.interval_hours,
        pools=specs,
        option_pool=tab["pool"].map(pool_index).to_numpy(dtype=np.int64),
        option_cost=tab["cost"].to_numpy(dtype=float),
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
    )


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


def plan_roster(scenario: Scenario, options: RosterOptions | None = None, log: LogFn | None = None) -> RosterResult:
    """Compute requirements, build and solve the roster model, and report on the roster.

    With ``full_coverage`` the default roster is solved first (for the cost comparison),
    then the roster that covers every queue-interval any pool could cover, hiring beyond
    headcount caps where needed.
    """
    options = options or RosterOptions()
    req = compute_requirements(scenario)
    shift_options = enumerate_options(scenario)  # may be empty: then every demand is a named gap
    default_cost = None
    default_short = None
    if options.full_coverage:
        base = _solve_once(scenario, req, shift_options, False, options.solve, log)
        default_cost = base.metrics["weekly_cost"]
        default_short = base.metrics["shortfall_agent_hours"]
    result = _solve_once(scenario, req, shift_options, options.full_coverage, options.solve, log)
    result.default_cost = default_cost
    result.default_shortfall_hours = default_short
    if default_cost is not None:
        result.metrics["default_weekly_cost"] = round(default_cost, 2)
        result.metrics["default_shortfall_agent_hours"] = round(float(default_short or 0.0), 3)
        result.metrics["cost_of_full_coverage_weekly"] = round(result.metrics["weekly_cost"] - default_cost, 2)
        result.metrics["cost_of_full_coverage_annual"] = round(
            (result.metrics["weekly_cost"] - default_cost) * scenario.settings.weeks_per_year, 2
        )
    return result


def _solve_once(
    scenario: Scenario,
    req: Requirements,
    shift_options: ShiftOptions,
    full: bool,
    solve: SolveOptions,
    log: LogFn | None,
) -> RosterResult:
    t0 = time.perf_counter()
    problem = build_problem(scenario, req, shift_options, full_coverage=full)
    model = build_model(problem, name="roster_full_coverage" if full else "roster")
    build_seconds = time.perf_counter() - t0
    if log:
        log(
            f"model: {model.n_variables:,} variables ({len(model.shifts):,} integer shift starts), "
            f"{model.n_constraints:,} constraints, built in {build_seconds:.1f} s"
        )
    info = solve_model(model, solve, log)
    return _report(scenario, req, shift_options, problem, model, info, build_seconds, full)


# --------------------------------------------------------------------------- reporting


def _report(
    scenario: Scenario,
    req: Requirements,
    shift_options: ShiftOptions,
    problem: RosterProblem,
    model: RosterModel,
    info: SolveInfo,
    build_seconds: float,
    full: bool,
) -> RosterResult:
    h = scenario.horizon
    st = scenario.settings
    n = h.n_intervals
    agents = np.array([round(v.varValue or 0.0) for v in model.shifts], dtype=np.int64)
    alloc = {k: float(v.varValue or 0.0) for k, v in model.alloc.items()}
    short = {k: float(v.varValue or 0.0) for k, v in model.short.items()}

    chosen = np.flatnonzero(agents > 0)
    shifts = _shifts_table(scenario, shift_options, chosen, agents)

    # staffed scheduled agents per group and interval
    staffed_group: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for (_s, g, t), v in alloc.items():
        staffed_group[g][t] += v
    short_group: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for (g, t, _c), v in short.items():
        short_group[g][t] += v
    for (g, t), v in model.uncoverable.items():
        short_group[g][t] += v

    coverage = _coverage_table(scenario, req, problem, staffed_group, short_group)
    gaps = _gaps_table(scenario, req, problem, model, coverage, agents, info)
    cost, lang_sites = _cost_tables(scenario, req, problem, shift_options, chosen, agents, alloc)
    headcount = _headcount_table(scenario, shift_options, chosen, agents)

    weekly = float((shifts["cost"].sum() if len(shifts) else 0.0) / h.weeks)
    paid_hours = float((shifts["paid_hours"] * shifts["agents"]).sum() / h.weeks) if len(shifts) else 0.0
    shortfall_hours = float(coverage["shortfall"].sum() * h.interval_hours / h.weeks)
    structural = (
        float(gaps.loc[~gaps["coverable"], "shortfall"].sum() * h.interval_hours / h.weeks) if len(gaps) else 0.0
    )
    live_rows = coverage[(coverage["kind"] == WorkKind.LIVE.value) & (coverage["contacts"] > 0)]
    below = live_rows[live_rows["service_level"] < live_rows["target_service_level"] - 1e-9]
    metrics: dict[str, Any] = {
        "input": scenario.source,
        "currency": st.currency,
        "weekly_cost": round(weekly, 2),
        "annual_cost": round(weekly * st.weeks_per_year, 2),
        "weeks_per_year": st.weeks_per_year,
        "paid_hours_per_week": round(paid_hours, 2),
        "shifts_per_week": int(agents.sum() / h.weeks) if h.weeks == 1 else round(agents.sum() / h.weeks, 2),
        "headcount": int(headcount["headcount"].sum()),
        "people_needed": int(headcount["people_needed"].sum()),
    }
    for site, count in headcount.groupby("site")["headcount"].sum().items():
        metrics[f"headcount site {site}"] = int(count)
    for r in headcount.itertuples(index=False):
        metrics[f"headcount pool {r.pool}"] = int(r.headcount)
    metrics.update(
        {
            "shortfall_agent_hours": round(max(0.0, shortfall_hours), 3),
            "shortfall_uncoverable_agent_hours": round(structural, 3),
            "shortfall_coverable_agent_hours": round(shortfall_hours - structural, 3),
            "shortfall_intervals": int(len(gaps)),
            "live_intervals_below_target": int(len(below)),
            "live_intervals_with_demand": int(len(live_rows)),
            "full_coverage": "yes" if full else "no",
            "under_coverage_penalty_per_agent_hour": round(problem.penalty, 2),
            "solver": info.solver,
            "solver_status": info.status,
            "objective_scope": "whole horizon: shift cost plus shortfall penalty (weekly_cost is per week, no penalty)",
            "objective": round(info.objective, 2),
            "best_bound": round(info.best_bound, 2),
            "mip_gap": round(info.gap, 6),
            "lp_relaxation_bound": None if info.lp_bound is None else round(info.lp_bound, 2),
            "gap_to_lp_bound": None
            if info.lp_bound is None
            else round((info.objective - info.lp_bound) / max(abs(info.objective), 1e-9), 6),
            "solve_seconds": round(info.seconds, 2),
            "lp_seconds": round(info.lp_seconds, 2),
            "build_seconds": round(build_seconds, 2),
            "variables": model.n_variables,
            "integer_variables": len(model.shifts) + len(model.people),
            "constraints": model.n_constraints,
            "interval_minutes": h.interval_minutes,
            "horizon_start_utc": h.start.isoformat(),
            "weeks": h.weeks,
        }
    )
    return RosterResult(
        scenario=scenario,
        requirements=req,
        problem=problem,
        info=info,
        shifts=shifts,
        coverage=coverage,
        cost=cost,
        gaps=gaps,
        headcount=headcount,
        language_sites=lang_sites,
        metrics=metrics,
        variables=model.n_variables,
        constraints=model.n_constraints,
        build_seconds=build_seconds,
    )


def _shifts_table(scenario: Scenario, options: ShiftOptions, chosen: np.ndarray, agents: np.ndarray) -> pd.DataFrame:
    tab = options.table.iloc[chosen]
    rows = []
    for i, r in zip(chosen, tab.itertuples(index=False), strict=True):
        site = scenario.sites[r.site]
        utc_end = r.utc_start + pd.Timedelta(minutes=int(r.length_minutes))
        local_end = utc_to_local(
            site.timezone, utc_end.to_pydatetime() if hasattr(utc_end, "to_pydatetime") else utc_end
        )
        rows.append(
            {
                "pool": r.pool,
                "site": r.site,
                "shift": r.template,
                "local_date": r.local_start.date(),
                "local_start": r.local_start.strftime("%H:%M"),
                "local_end": local_end.strftime("%H:%M")
                + ("" if local_end.date() == r.local_start.date() else " (+1 day)"),
                "timezone": site.timezone,
                "utc_start": pd.Timestamp(r.utc_start).tz_convert("UTC"),
                "utc_end": pd.Timestamp(utc_end).tz_convert("UTC"),
                "agents": int(agents[i]),
                "paid_hours": r.paid_minutes / 60.0,
                "cost_per_agent": float(r.cost),
                "cost": float(r.cost) * int(agents[i]),
            }
        )
    cols = [
        "pool",
        "site",
        "shift",
        "local_date",
        "local_start",
        "local_end",
        "timezone",
        "utc_start",
        "utc_end",
        "agents",
        "paid_hours",
        "cost_per_agent",
        "cost",
    ]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["site", "pool", "utc_start", "shift"], kind="mergesort").reset_index(drop=True)


def _coverage_table(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    staffed_group: dict[str, np.ndarray],
    short_group: dict[str, np.ndarray],
) -> pd.DataFrame:
    st = scenario.settings
    h = scenario.horizon
    n = h.n_intervals
    t = req.table
    keys = list(req.queues)
    staffed = {k: np.zeros(n) for k in keys}
    shortfall = {k: np.zeros(n) for k in keys}
    predicted_def: dict[QueueKey, np.ndarray] = {}
    for g in problem.live:
        total = g.requirement
        safe = np.where(total > TOL, total, 1.0)
        for q in g.queues:
            share = np.where(total > TOL, req.live[q] / safe, 0.0)
            staffed[q] = staffed_group[g.name] * share
            shortfall[q] = short_group[g.name] * share
    if problem.deferred:
        shares = on_time_share(
            np.array([d.work for d in problem.deferred]),
            np.array([staffed_group[d.name] for d in problem.deferred]),
            np.array([d.window for d in problem.deferred]),
            np.array([d.share for d in problem.deferred]),
        )
        for j, d in enumerate(problem.deferred):
            totals = np.array([req.deferred[q].total for q in d.queues])
            safe_work = np.where(d.work > TOL, d.work, 1.0)
            for q, tot in zip(d.queues, totals, strict=True):
                staffed[q] = staffed_group[d.name] * (tot / totals.sum() if totals.sum() > 0 else 0.0)
                shortfall[q] = short_group[d.name] * np.where(d.work > TOL, req.deferred[q].work / safe_work, 0.0)
                predicted_def[q] = shares[j]
    kinds = np.array([req.queues[k].kind is WorkKind.LIVE for k in keys])
    staffed_arr = np.concatenate([staffed[k] for k in keys])
    short_arr = np.concatenate([shortfall[k] for k in keys])
    out = pd.DataFrame(
        {
            "interval_start": t["interval_start"],
            "language": t["language"],
            "channel": t["channel"],
            "tier": t["tier"],
            "kind": t["kind"],
            "contacts": t["contacts"],
            "required": t["agents_scheduled"],
            "required_on_floor": t["agents_required"],
            "staffed": staffed_arr,
            "shortfall": short_arr,
        }
    )
    # predicted service at the staffed level
    sl = np.ones(len(out))
    asa = np.zeros(len(out))
    live_rows = np.repeat(kinds, n)
    lam = t["contacts_to_agents"].to_numpy() / h.interval_minutes
    idx = np.flatnonzero(live_rows & (lam > 0))
    if len(idx):
        qk = [keys[i // n] for i in idx]
        spec = [req.queues[k] for k in qk]
        on_floor = np.floor(staffed_arr[idx] * (1.0 - st.shrinkage) + 1e-6)
        stats = erlang.queue_stats(
            on_floor,
            lam[idx],
            np.array([s.handle_minutes for s in spec]),
            np.array([s.target_minutes for s in spec]),
            patience_minutes=np.array([np.nan if s.patience_minutes is None else s.patience_minutes for s in spec]),
            concurrency=np.array([s.concurrency for s in spec]),
            concurrency_efficiency=st.concurrency_efficiency,
        )
        sl[idx] = stats.service_level
        asa[idx] = stats.asa_seconds
    for i, k in enumerate(keys):
        if not kinds[i] and k in predicted_def:
            sl[i * n : (i + 1) * n] = predicted_def[k]
            asa[i * n : (i + 1) * n] = np.nan
    out["service_level"] = sl
    out["target_service_level"] = t["target_service_level"].to_numpy()
    out["asa_seconds"] = asa
    out["target_minutes"] = t["target_minutes"].to_numpy()
    out["meets_target"] = (out["shortfall"] <= 1e-6) & (
        (out["contacts"] <= 0) | (out["service_level"] >= out["target_service_level"] - 1e-9)
    )
    out["interval"] = t["interval"].to_numpy()
    return out


def _gaps_table(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    model: RosterModel,
    coverage: pd.DataFrame,
    agents: np.ndarray,
    info: SolveInfo,
) -> pd.DataFrame:
    h = scenario.horizon
    rows = coverage[coverage["shortfall"] > 1e-6]
    penalty = f"{problem.penalty:,.0f} {scenario.settings.currency} per agent-hour"
    if info.status == "optimal":
        priced_out = f"covering it costs more than the under-coverage penalty ({penalty})"
    else:
        # only a proven optimum shows that covering costs more than the penalty
        priced_out = (
            f"left uncovered by the solver's roster ({info.status}, {info.gap:.2%} above its best bound): "
            f"either covering it costs more than the under-coverage penalty ({penalty}), or a longer "
            f"--time-limit or a smaller --gap would cover it"
        )
    group_of: dict[QueueKey, LiveGroup | DeferredGroup] = {}
    for lg in problem.live:
        for q in lg.queues:
            group_of[q] = lg
    for dg in problem.deferred:
        for q in dg.queues:
            group_of[q] = dg
    # binding headcount limits: a capped pool is exhausted for an interval when its weekly
    # shifts, or its shifts on a local day that could cover the interval, are at the cap
    spw_weeks = problem.shifts_per_week * problem.weeks
    pool_index = {pp.name: k for k, pp in enumerate(problem.pools)}
    weekly = np.zeros(len(problem.pools))
    np.add.at(weekly, problem.option_pool, agents)
    day_count: dict[tuple[int, int], float] = defaultdict(float)
    for chosen_o in np.flatnonzero(agents > 0):
        day_count[(int(problem.option_pool[chosen_o]), int(problem.option_day[chosen_o]))] += float(agents[chosen_o])
    covering_days: dict[tuple[int, int], set[int]] = defaultdict(set)  # (pool, interval) -> local days
    for o in range(len(problem.option_pool)):
        k = int(problem.option_pool[o])
        if problem.pools[k].available is None:
            continue
        for u, f in zip(problem.cover_index[o], problem.cover_fraction[o], strict=True):
            if f > TOL:
                covering_days[(k, int(u))].add(int(problem.option_day[o]))

    def exhausted(name: str, intervals: list[int]) -> bool:
        k = pool_index[name]
        cap = problem.pools[k].available
        if cap is None or problem.relax_headcount:
            return False
        if weekly[k] >= cap * spw_weeks - 0.5:
            return True
        days = set().union(*(covering_days[(k, u)] for u in intervals)) if intervals else set()
        return any(day_count[(k, d)] >= cap - 0.5 for d in days)

    people_needed: dict[str, float] = defaultdict(float)
    for k, pp in enumerate(problem.pools):
        peak = max((v for (kk, _d), v in day_count.items() if kk == k), default=0.0)
        people_needed[pp.site] += max(math.ceil(weekly[k] / spw_weeks - 1e-9), peak)
    full_sites = {
        s for s, cap in problem.site_caps.items() if not problem.relax_headcount and people_needed[s] >= cap - 0.5
    }
    presence = model.presence
    out = []
    for r in rows.itertuples(index=False):
        q = (r.language, r.channel, r.tier)
        g = group_of.get(q)
        t = int(r.interval)
        serving = [p for p in scenario.pools.values() if p.serves(r.language, r.channel)]
        speakers = [p for p in scenario.pools.values() if r.language in p.languages]
        coverable = True
        if not speakers:
            reason, coverable = f"no pool speaks '{r.language}'", False
        elif not serving:
            reason, coverable = f"no pool that speaks '{r.language}' works {r.channel}", False
        else:
            sets = g.skillsets if g is not None else ()
            if isinstance(g, DeferredGroup):
                window = max(1, math.ceil(g.window))
                span = [(t + k) % h.n_intervals for k in range(window)]
            else:
                span = [t]
            on = any(presence[s][u] for s in sets for u in span)
            if not on:
                sites = ", ".join(sorted({p.site for p in serving}))
                reason, coverable = (
                    f"time-zone gap: no pool that speaks '{r.language}' and works {r.channel} can be on shift then "
                    f"under the shift windows (sites: {sites})",
                    False,
                )
            else:
                limits = sorted(p.name for p in serving if exhausted(p.name, span))
                sites_full = sorted({p.site for p in serving} & full_sites)
                if limits or sites_full:
                    parts = [
                        f"pool {name} has all {scenario.pools[name].available} available people on shift"
                        for name in limits
                    ]
                    parts += [f"site {s} is at max_agents ({problem.site_caps[s]})" for s in sites_full]
                    reason = "headcount cap: " + "; ".join(parts)
                else:
                    reason = priced_out
        out.append(
            {
                "interval_start": r.interval_start,
                "language": r.language,
                "channel": r.channel,
                "tier": r.tier,
                "kind": r.kind,
                "contacts": r.contacts,
                "required": r.required,
                "staffed": r.staffed,
                "shortfall": r.shortfall,
                "coverable": coverable,
                "reason": reason,
            }
        )
    cols = [
        "interval_start",
        "language",
        "channel",
        "tier",
        "kind",
        "contacts",
        "required",
        "staffed",
        "shortfall",
        "coverable",
        "reason",
    ]
    return pd.DataFrame(out, columns=cols).astype({"coverable": bool})


def _cost_tables(
    scenario: Scenario,
    req: Requirements,
    problem: RosterProblem,
    options: ShiftOptions,
    chosen: np.ndarray,
    agents: np.ndarray,
    alloc: dict[tuple[str, str, int], float],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cost by site, pool, language and channel, attributed by allocated agent-hours."""
    h = scenario.horizon
    n = h.n_intervals
    st = scenario.settings
    pools = list(scenario.pools)
    pidx = {p: i for i, p in enumerate(pools)}
    duty = np.zeros((len(pools), n))
    cost = np.zeros((len(pools), n))
    if len(chosen):
        ic = interval_costs(options, scenario, chosen)
        tab = options.table.iloc[chosen]
        for row, (o, pool) in enumerate(zip(chosen, tab["pool"], strict=True)):
            k = pidx[pool]
            np.add.at(duty[k], options.cover_index[o], options.cover_fraction[o] * agents[o])
            np.add.at(cost[k], options.cover_index[o], ic[row] * agents[o])
    sets = {p.name: p.skillset for p in problem.pools}
    set_duty: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(n))
    for p, k in pidx.items():
        set_duty[sets[p]] += duty[k]
    # share of each group's allocation that goes to each queue
    queue_share: dict[str, list[tuple[QueueKey, np.ndarray]]] = {}
    for g in problem.live:
        safe = np.where(g.requirement > TOL, g.requirement, 1.0)
        queue_share[g.name] = [
            (q, np.where(g.requirement > TOL, req.live[q] / safe, 1.0 / len(g.queues))) for q in g.queues
        ]
    for d in problem.deferred:
        tot = np.array([req.deferred[q].total for q in d.queues])
        queue_share[d.name] = [
            (q, np.full(n, tv / tot.sum() if tot.sum() > 0 else 1.0 / len(d.queues)))
            for q, tv in zip(d.queues, tot, strict=True)
        ]
    # pool x queue allocation per interval
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
    rows = []
    lang_site: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for p in pools:
        k = pidx[p]
        mine = {q: a for (pp, q), a in pq.items() if pp == p}
        total_alloc = np.sum(list(mine.values()), axis=0) if mine else np.zeros(n)
        weekly_mix = {q: a.sum() for q, a in mine.items()}
        mix_total = sum(weekly_mix.values())
        attributed: dict[QueueKey, list[float]] = defaultdict(lambda: [0.0, 0.0])
        idle_hours = idle_cost = 0.0
        for t in map(int, np.flatnonzero(duty[k] > TOL)):
            if total_alloc[t] > TOL:
                for q, a in mine.items():
                    if a[t] > 0:
                        w = a[t] / total_alloc[t]
                        attributed[q][0] += duty[k][t] * w
                        attributed[q][1] += cost[k][t] * w
            elif mix_total > 0:
                for q, a in weekly_mix.items():
                    w = a / mix_total
                    attributed[q][0] += duty[k][t] * w
                    attributed[q][1] += cost[k][t] * w
            else:
                idle_hours += duty[k][t]
                idle_cost += cost[k][t]
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


def _headcount_table(scenario: Scenario, options: ShiftOptions, chosen: np.ndarray, agents: np.ndarray) -> pd.DataFrame:
    h = scenario.horizon
    spw = scenario.settings.shifts_per_week
    tab = options.table.iloc[chosen].assign(agents=agents[chosen])
    rows = []
    for p in scenario.pools.values():
        mine = tab[tab["pool"] == p.name]
        shifts = int(mine["agents"].sum())
        per_week = shifts / h.weeks
        headcount = math.ceil(per_week / spw - 1e-9)
        peak = int(mine.groupby("local_day")["agents"].sum().max()) if len(mine) else 0
        need = max(headcount, peak)
        rows.append(
            {
                "pool": p.name,
                "site": p.site,
                "languages": ", ".join(p.languages),
                "channels": "all" if p.channels is None else ", ".join(p.channels),
                "shifts": shifts,
                "paid_hours": float((mine["paid_minutes"] * mine["agents"]).sum() / 60.0),
                "headcount": headcount,
                "peak_daily_shifts": peak,
                "people_needed": need,
                "available": p.available,
                "extra_hires": None if p.available is None else max(0, need - p.available),
            }
        )
    return pd.DataFrame(rows)


def time_zone_answer(result: RosterResult) -> list[str]:
    """Plain sentences: which language-hours are uncovered, and what covering them costs."""
    lines: list[str] = []
    gaps = result.gaps
    scen = result.scenario
    h = scen.horizon
    cur = scen.settings.currency
    if len(gaps):
        for lang, g in gaps.groupby("language", sort=True):
            hours = sorted(
                set(int(((ts - h.start).total_seconds() // 60) // h.interval_minutes) for ts in g["interval_start"])
            )
            ranges = interval_ranges(hours, scen)
            kinds = "time-zone gap" if (~g["coverable"]).all() else "shortfall"
            lines.append(
                f"{lang}: {len(hours) * h.interval_hours:g} h of the week not fully covered ({kinds}; "
                f"{g['shortfall'].sum() * h.interval_hours:.1f} agent-hours short): "
                + "; ".join(ranges[:6])
                + (" ..." if len(ranges) > 6 else "")
                + f" UTC. Reason: {g['reason'].iloc[0]}"
            )
    else:
        lines.append("Every language-hour with demand is covered.")
    ls = result.language_sites
    if len(ls):
        for lang, g in ls.groupby("language", sort=True):
            if len(g) < 2:
                continue
            g = g.sort_values("agent_hours", ascending=False)
            main = g.iloc[0]
            others = g.iloc[1:]
            parts = ", ".join(
                f"{r.site} {r.agent_hours:,.0f} h ({r.weekly_cost:,.0f} {cur})" for r in others.itertuples()
            )
            lines.append(
                f"{lang}: {main.share_of_language_hours:.1%} of its agent-hours from {main.site}; "
                f"other sites cover the rest: {parts} per week"
            )
    if result.default_cost is not None:
        diff = result.metrics["weekly_cost"] - result.default_cost
        lines.append(
            f"Full coverage costs {result.metrics['weekly_cost']:,.0f} {cur}/week against "
            f"{result.default_cost:,.0f} for the "
            f"default roster ({result.default_shortfall_hours or 0:,.1f} agent-hours short): closing the gaps costs "
            f"{diff:,.0f} {cur}/week ({diff * scen.settings.weeks_per_year:,.0f} a year)."
        )
    return lines


def replace_solve(options: RosterOptions, **changes: Any) -> RosterOptions:
    return replace(options, solve=replace(options.solve, **changes))


ProgressFn = Callable[[float], None]
