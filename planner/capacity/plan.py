"""`planner capacity`: required people from weekly rosters, the horizon hiring program, and the typed result.

:func:`plan_capacity` runs the whole plan from an input scenario and a plan workbook;
:func:`plan_from_required` runs the horizon program on a given table of required people (no roster
solves), which is what the hand-checked tests use.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pulp

from planner.capacity.contract import PENALTY_FACTOR
from planner.capacity.load import CapacityPlan, Period, PoolWorkforce
from planner.capacity.model import (
    HorizonInput,
    HorizonModel,
    HorizonPool,
    SitePolicy,
    build_horizon_model,
    cohort_shares,
    solve_horizon,
)
from planner.capacity.weeks import LogFn, WeekDrivers, WeeklyFn, WeeklySolves, required_people, weekly_people
from planner.domain import Scenario

Required = Mapping[str, tuple[float, ...]]


@dataclass(frozen=True)
class RiskCase:
    """The plan's hires under demand above forecast: the shortfall they would leave."""

    uplift: float
    required_person_weeks: float
    shortfall_person_weeks: float
    peak_shortfall: float  # productive people, the worst period and pool
    peak_period: str | None

    @property
    def shortfall_share(self) -> float:
        return self.shortfall_person_weeks / self.required_person_weeks if self.required_person_weeks else 0.0


@dataclass(frozen=True)
class CapacityResult:
    """The capacity plan and everything reported about it."""

    periods: tuple[Period, ...]
    table: pd.DataFrame  # per period and pool: required, productive, hires, leavers, trainees, overtime, short, cost
    hires: pd.DataFrame  # hiring decisions: pool, site, decide_by, start period, hires
    budget_month: pd.DataFrame  # month x site
    budget_year: pd.DataFrame  # year x site
    risk: pd.DataFrame  # per uplift, period and pool: required and shortfall
    risk_cases: tuple[RiskCase, ...]
    currency: str = "USD"
    weekly: WeeklySolves | None = None
    horizon_seconds: float = 0.0
    penalty: float = 0.0
    sources: tuple[str, ...] = field(default=())

    @property
    def total_cost(self) -> float:
        return float(self.table["cost"].sum())

    @property
    def total_hires(self) -> int:
        return int(self.hires["hires"].sum()) if len(self.hires) else 0

    @property
    def shortfall_person_weeks(self) -> float:
        return float((self.table["understaffed"] * self.table["weeks"]).sum())


# --------------------------------------------------------------------------- whole plan


def plan_capacity(
    scenario: Scenario, plan: CapacityPlan, log: LogFn | None = None, people_fn: WeeklyFn = weekly_people
) -> CapacityResult:
    """Required people per period from weekly rosters (forecast and each risk uplift), then the horizon plan."""
    base = week_drivers(scenario, plan)
    uplifts = plan.settings.risk_uplifts
    weeks = base + [w.uplifted(u) for u in uplifts for w in base]
    people, solves = required_people(scenario, weeks, plan.settings.weekly_time_limit, log, people_fn)
    n = len(plan.periods)
    cases = [people[i * n : (i + 1) * n] for i in range(len(uplifts) + 1)]
    required = [{pool: tuple(week.get(pool, 0.0) for week in case) for pool in scenario.pools} for case in cases]
    skills = {name: (p.languages, p.channels) for name, p in scenario.pools.items()}
    if log is not None:
        log("horizon program")
    result = plan_from_required(
        plan.periods,
        plan.workforce,
        required[0],
        policies=plan.policies,
        penalty=plan.settings.understaffing_penalty,
        risk=dict(zip(uplifts, required[1:], strict=True)),
        skills=skills,
        currency=scenario.settings.currency,
    )
    return replace(result, weekly=solves, sources=(scenario.source, plan.source))


def week_drivers(scenario: Scenario, plan: CapacityPlan) -> list[WeekDrivers]:
    """Each period's representative week: demand factor per language and channel, handle time, shrinkage."""
    weekly = scenario.demand.groupby(["language", "channel"])["contacts"].sum() / scenario.horizon.weeks
    by_language = weekly.groupby(level=0).sum()
    out = []
    for period in plan.periods:
        factor = {key: period.volume_index for key in weekly.index}
        mine = [d for d in plan.drivers if d.period == period.name]
        for d in sorted(mine, key=lambda d: d.channel is not None):  # language-wide first, channel rows override
            for lang, chan in weekly.index:
                if lang != d.language or (d.channel is not None and chan != d.channel):
                    continue
                if d.weekly_contacts is not None:
                    base = weekly[lang, chan] if d.channel is not None else by_language[lang]
                    factor[lang, chan] = d.weekly_contacts / base if base > 0 else 0.0
                else:
                    factor[lang, chan] = period.volume_index * float(d.volume_index or 0.0)
        factors = tuple((lang, chan, float(f)) for (lang, chan), f in sorted(factor.items()))
        out.append(WeekDrivers(factors, period.handle_time_index, period.shrinkage))
    return out


# --------------------------------------------------------------------------- horizon program


def horizon_pools(
    periods: tuple[Period, ...] | list[Period],
    workforce: Mapping[str, PoolWorkforce],
    skills: Mapping[str, tuple[tuple[str, ...], tuple[str, ...] | None]] | None = None,
) -> tuple[HorizonPool, ...]:
    """Each pool's flow parameters over the periods: attrition, lead-time reach, cohort shares."""
    starts = [p.start for p in periods]
    ends = [p.end for p in periods]
    out = []
    for w in workforce.values():
        prod, train = cohort_shares(starts, ends, w.training_weeks, w.ramp)
        langs, chans = (skills or {}).get(w.pool, ((), None))
        out.append(
            HorizonPool(
                name=w.pool,
                site=w.site,
                people=float(w.people),
                attrition=tuple(w.attrition(p.weeks) for p in periods),
                decided_by=decided_by(starts, w.lead_time_weeks),
                productive=prod,
                training=train,
                max_starts=w.max_starts,
                cost_per_hire=w.cost_per_hire,
                trainee_cost=w.trainee_cost,
                weekly_salary=w.weekly_salary,
                languages=tuple(langs),
                channels=chans,
            )
        )
    return tuple(out)


def decided_by(starts: list[dt.date], lead_weeks: float) -> tuple[int | None, ...]:
    """Per start period, the last period whose decision starts then: a decision in period p starts in the
    first period beginning at least the lead time after p begins (None: no decision reaches it)."""
    out: list[int | None] = [None] * len(starts)
    lead = dt.timedelta(days=lead_weeks * 7)
    for p, day in enumerate(starts):
        s = next((q for q, other in enumerate(starts) if other >= day + lead), None)
        if s is not None:
            out[s] = p
    return tuple(out)


def plan_from_required(
    periods: tuple[Period, ...] | list[Period],
    workforce: Mapping[str, PoolWorkforce],
    required: Required,
    policies: Mapping[tuple[str, int], SitePolicy] | None = None,
    penalty: float | None = None,
    risk: Mapping[float, Required] | None = None,
    skills: Mapping[str, tuple[tuple[str, ...], tuple[str, ...] | None]] | None = None,
    currency: str = "USD",
) -> CapacityResult:
    """Solve the horizon program for a table of required productive people, and evaluate its risk."""
    periods = tuple(periods)
    pools = horizon_pools(periods, workforce, skills)
    if penalty is None:
        penalty = PENALTY_FACTOR * max((w.weekly_salary for w in workforce.values()), default=1.0)
    data = HorizonInput(
        periods=tuple(p.name for p in periods),
        weeks=tuple(p.weeks for p in periods),
        pools=pools,
        required={k: tuple(float(x) for x in v) for k, v in required.items()},
        policies=dict(policies or {}),
        penalty=penalty,
    )
    t0 = time.perf_counter()
    model = build_horizon_model(data)
    solve_horizon(model)
    hires = {key: round(var.varValue or 0.0) for key, var in model.hires.items()}
    risk_rows, cases = _risk(data, hires, risk or {})
    seconds = time.perf_counter() - t0  # the plan and its risk re-solves
    table = _plan_table(model, periods)
    month, year = budget_tables(table, periods)
    return CapacityResult(
        periods=periods,
        table=table,
        hires=_hires_table(model, hires),
        budget_month=month,
        budget_year=year,
        risk=risk_rows,
        risk_cases=cases,
        currency=currency,
        horizon_seconds=seconds,
        penalty=penalty,
    )


def _v(x: object) -> float:
    value = pulp.value(x)
    return float(value) if value is not None else 0.0


def _plan_table(m: HorizonModel, periods: tuple[Period, ...]) -> pd.DataFrame:
    d = m.data
    rows = []
    for r, period in enumerate(periods):
        w = period.weeks
        for p in d.pools:
            pol = d.policy(p.site, r)
            head = _v(m.headcount[p.name, r])
            trainees = _v(m.trainees[p.name, r])
            starts = round(_v(m.starts(p.name, r)))
            overtime = _v(m.overtime.get((p.name, r), 0))
            moved_in = sum(_v(v) for (a, b, t), v in m.transfer.items() if b == p.name and t == r)
            moved_out = sum(_v(v) for (a, b, t), v in m.transfer.items() if a == p.name and t == r)
            costs = {
                "salary_cost": p.weekly_salary * w * head,
                "hiring_cost": p.cost_per_hire * starts,
                "training_cost": p.trainee_cost * w * trainees,
                "overtime_cost": p.weekly_salary * (1 + pol.overtime_premium) * w * overtime,
            }
            rows.append(
                {
                    "period": period.name,
                    "start": period.start,
                    "end": period.end,
                    "weeks": w,
                    "site": p.site,
                    "pool": p.name,
                    "required": d.required[p.name][r],
                    "productive": _v(m.productive[p.name, r]),
                    "headcount": head,
                    "hires": starts,
                    "expected_leavers": head * p.attrition[r],
                    "trainees": trainees,
                    "overtime": overtime,
                    "transfers_in": moved_in,
                    "transfers_out": moved_out,
                    "understaffed": _v(m.short[p.name, r]),
                    **costs,
                    "cost": sum(costs.values()),
                }
            )
    return pd.DataFrame(rows)


def _hires_table(m: HorizonModel, hires: dict[tuple[str, int], int]) -> pd.DataFrame:
    pools = {p.name: p for p in m.data.pools}
    rows = [
        {
            "pool": pool,
            "site": pools[pool].site,
            "decide_by": m.data.periods[pools[pool].decided_by[s] or 0],
            "start": m.data.periods[s],
            "hires": n,
        }
        for (pool, s), n in sorted(hires.items(), key=lambda kv: (kv[0][1], kv[0][0]))
        if n > 0
    ]
    return pd.DataFrame(rows, columns=["pool", "site", "decide_by", "start", "hires"])


def budget_tables(table: pd.DataFrame, periods: tuple[Period, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cost per calendar month and year by site; a period's cost is spread over its days."""
    cost_cols = ["salary_cost", "hiring_cost", "training_cost", "overtime_cost", "cost"]
    rows = []
    for period in periods:
        mine = table[table["period"] == period.name].groupby("site")[cost_cols].sum()
        days = pd.Series(pd.date_range(period.start, period.end, freq="D"))
        months = days.dt.strftime("%Y-%m").value_counts(sort=False)
        for month, n in months.items():
            share = n / len(days)
            for site, costs in mine.iterrows():
                rows.append({"month": month, "site": site, **{c: float(costs[c]) * share for c in cost_cols}})
    month = pd.DataFrame(rows, columns=["month", "site", *cost_cols])
    month = month.groupby(["month", "site"], as_index=False).sum()
    year = month.assign(year=month["month"].str[:4]).groupby(["year", "site"], as_index=False)[cost_cols].sum()
    return month, year


def _risk(
    data: HorizonInput, hires: dict[tuple[str, int], int], risk: Mapping[float, Required]
) -> tuple[pd.DataFrame, tuple[RiskCase, ...]]:
    """The plan's hires fixed, overtime and transfers free: the shortfall under each uplifted demand."""
    rows = []
    cases = []
    for uplift, required in risk.items():
        up = HorizonInput(**{**data.__dict__, "required": {k: tuple(float(x) for x in v) for k, v in required.items()}})
        m = build_horizon_model(up, fixed_hires=hires)
        solve_horizon(m)
        short = np.array([[_v(m.short[p.name, r]) for r in range(len(up.periods))] for p in up.pools])
        need = np.array([up.required[p.name] for p in up.pools])
        weeks = np.asarray(up.weeks)
        for i, p in enumerate(up.pools):
            for r, period in enumerate(up.periods):
                rows.append((uplift, period, p.site, p.name, need[i, r], short[i, r]))
        peak = np.unravel_index(int(short.argmax()), short.shape) if short.size else None
        cases.append(
            RiskCase(
                uplift=uplift,
                required_person_weeks=float((need * weeks).sum()),
                shortfall_person_weeks=float((short * weeks).sum()),
                peak_shortfall=float(short.max()) if short.size else 0.0,
                peak_period=up.periods[peak[1]] if peak is not None and short.max() > 1e-6 else None,
            )
        )
    frame = pd.DataFrame(rows, columns=["demand_uplift", "period", "site", "pool", "required", "shortfall"])
    return frame, tuple(cases)
