"""The horizon integer program: hires per pool and period under attrition, lead time, training and ramp.

Decision variables (readable names):

* ``hires[pool, s]`` (integer): people who start (join training) in period ``s``; only for periods
  a hiring decision can still reach after the lead time (``HorizonPool.decided_by``).
* ``overtime[pool, r]``, ``short[pool, r]`` (continuous, productive people): overtime worked and the
  requirement left unmet (penalised) in period ``r``.
* ``transfer[from, to, r]`` (continuous): productive people of one pool working for another pool of
  the same site that they have the skills for, where the site's policy allows it.

Workforce flow (expected values, attrition at the end of each period): the people of today survive
``prod(1 - attrition)``; a cohort that starts in period ``s`` counts in period ``r >= s`` with its
survival times its productive share (0 in training, then the ramp curve, averaged over the period's
days) - see :func:`cohort_shares`. Rules are listed in :data:`RULES`, one builder function each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pulp

from planner.errors import ModelError, SolverError
from planner.roster.rules import safe_name

TOL = 1e-6
#: Time limit (seconds) and relative MIP gap of the horizon program: 0.1 % solves the 12-month sample in
#: well under a second, while 0.01 % runs into the time limit for no visible change of the plan.
HORIZON_TIME_LIMIT = 60.0
HORIZON_GAP = 1e-3


@dataclass(frozen=True)
class SitePolicy:
    """The policies of one site in one period."""

    min_hires: int | None = None
    max_hires: int | None = None
    min_headcount: int | None = None
    overtime_share: float = 0.0
    overtime_premium: float = 0.5
    transfers: bool = False


@dataclass(frozen=True)
class HorizonPool:
    """One pool's workforce as the horizon program sees it (all per period of the horizon)."""

    name: str
    site: str
    people: float  # today
    attrition: tuple[float, ...]  # share leaving at the end of each period
    decided_by: tuple[int | None, ...]  # per start period: the last period a decision reaches it (None: none)
    productive: np.ndarray  # [s, r]: productive share in period r of one person who started in period s
    training: np.ndarray  # [s, r]: share of period r that person spends in training
    max_starts: int | None  # classes per period x class size (None: no limit)
    cost_per_hire: float
    trainee_cost: float  # per trainee-week
    weekly_salary: float
    languages: tuple[str, ...] = ()
    channels: tuple[str, ...] | None = None

    def survival(self) -> np.ndarray:
        """[s, r]: share of a cohort that started in s still employed in r (1 on the diagonal)."""
        n = len(self.attrition)
        keep = np.cumprod(np.concatenate([[1.0], 1.0 - np.asarray(self.attrition)]))  # keep[r] = prod_{j<r}
        out = np.zeros((n, n))
        for s in range(n):
            out[s, s:] = keep[s:n] / keep[s]
        return out

    def tenured(self) -> np.ndarray:
        """People of today still employed in each period."""
        keep = np.cumprod(np.concatenate([[1.0], 1.0 - np.asarray(self.attrition)]))
        return self.people * keep[: len(self.attrition)]

    def can_serve(self, other: HorizonPool) -> bool:
        """Whether this pool's people have every language and channel of the other pool."""
        langs = set(other.languages) <= set(self.languages)
        chans = self.channels is None or (other.channels is not None and set(other.channels) <= set(self.channels))
        return self.site == other.site and self.name != other.name and langs and chans


@dataclass(frozen=True)
class HorizonInput:
    """Everything the horizon program needs: periods, pools, required productive people, policies."""

    periods: tuple[str, ...]
    weeks: tuple[float, ...]
    pools: tuple[HorizonPool, ...]
    required: dict[str, tuple[float, ...]]  # pool -> required productive people per period
    policies: dict[tuple[str, int], SitePolicy] = field(default_factory=dict)  # (site, period)
    penalty: float = 0.0  # per missing productive person-week

    def policy(self, site: str, r: int) -> SitePolicy:
        return self.policies.get((site, r), SitePolicy())


@dataclass
class HorizonModel:
    """The PuLP model, its variables, and the expressions the report reads back."""

    data: HorizonInput
    lp: pulp.LpProblem
    hires: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    overtime: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    short: dict[tuple[str, int], pulp.LpVariable] = field(default_factory=dict)
    transfer: dict[tuple[str, str, int], pulp.LpVariable] = field(default_factory=dict)
    productive: dict[tuple[str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    headcount: dict[tuple[str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    trainees: dict[tuple[str, int], pulp.LpAffineExpression] = field(default_factory=dict)
    rules: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, rule: str, constraint: pulp.LpConstraint, name: str) -> None:
        name = safe_name(name)
        self.lp.addConstraint(constraint, name)
        self.rules[rule].append(name)

    def starts(self, pool: str, r: int) -> pulp.LpAffineExpression | float:
        var = self.hires.get((pool, r))
        return var if var is not None else 0.0


# --------------------------------------------------------------------------- cohort shares


def cohort_shares(
    starts: list[dt.date], ends: list[dt.date], training_weeks: int, ramp: tuple[float, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """[s, r] productive and training shares of one person starting on the first day of period s.

    Tenure week k (from the start day) is training while k < training_weeks, then ramp[k - training_weeks]
    (1 past the end of the curve). A period's share is the average over its days, which is exact:
    the curve changes only at whole weeks of tenure.
    """
    n = len(starts)
    first = starts[0]
    days = (ends[-1] - first).days + 1
    prod = np.zeros((n, n))
    train = np.zeros((n, n))
    offsets = [(d - first).days for d in starts] + [days]
    for s in range(n):
        tenure_week = np.arange(days - offsets[s]) // 7
        in_training = tenure_week < training_weeks
        k = tenure_week - training_weeks
        curve = np.array(ramp + (1.0,))
        daily = np.where(in_training, 0.0, curve[np.clip(k, 0, len(ramp))])
        for r in range(s, n):
            lo, hi = offsets[r] - offsets[s], offsets[r + 1] - offsets[s]
            prod[s, r] = daily[lo:hi].mean()
            train[s, r] = in_training[lo:hi].mean()
    return prod, train


# --------------------------------------------------------------------------- variables and flow


def add_hire_variables(m: HorizonModel) -> None:
    """hires[pool, s]: whole people starting in period s, only where a decision can reach s (lead time)."""
    for p in m.data.pools:
        for s, decided in enumerate(p.decided_by):
            if decided is not None:
                m.hires[p.name, s] = m.lp.add_variable(
                    safe_name(f"hires_{p.name}_{m.data.periods[s]}"), 0, None, pulp.LpInteger
                )


def add_workforce_flow(m: HorizonModel) -> None:
    """Headcount, trainees and productive people per pool and period as expressions of the hires."""
    for p in m.data.pools:
        surv = p.survival()
        tenured = p.tenured()
        cohorts = {s: var for (name, s), var in m.hires.items() if name == p.name}
        for r in range(len(m.data.periods)):
            mine = [(s, var, float(surv[s, r])) for s, var in cohorts.items() if s <= r]
            m.headcount[p.name, r] = pulp.lpSum(var * k for _, var, k in mine) + float(tenured[r])
            m.trainees[p.name, r] = pulp.lpSum(var * k * float(p.training[s, r]) for s, var, k in mine)
            m.productive[p.name, r] = pulp.lpSum(var * k * float(p.productive[s, r]) for s, var, k in mine) + float(
                tenured[r]
            )


def add_operating_variables(m: HorizonModel) -> None:
    """overtime, short and (where a site allows transfers) transfer variables."""
    d = m.data
    for p in d.pools:
        for r, period in enumerate(d.periods):
            m.short[p.name, r] = m.lp.add_variable(safe_name(f"short_{p.name}_{period}"), 0)
            if d.policy(p.site, r).overtime_share > 0:
                m.overtime[p.name, r] = m.lp.add_variable(safe_name(f"overtime_{p.name}_{period}"), 0)
            for q in d.pools:
                if d.policy(p.site, r).transfers and p.can_serve(q):
                    name = safe_name(f"transfer_{p.name}_to_{q.name}_{period}")
                    m.transfer[p.name, q.name, r] = m.lp.add_variable(name, 0)


# --------------------------------------------------------------------------- rules


def rule_meet_requirement(m: HorizonModel) -> None:
    """Productive people + overtime + transfers in - transfers out + short >= required, per pool and period."""
    d = m.data
    for p in d.pools:
        for r, period in enumerate(d.periods):
            moved_in = pulp.lpSum(v for (a, b, t), v in m.transfer.items() if b == p.name and t == r)
            moved_out = pulp.lpSum(v for (a, b, t), v in m.transfer.items() if a == p.name and t == r)
            supply = m.productive[p.name, r] + m.overtime.get((p.name, r), 0) + moved_in - moved_out
            m.add(
                "meet_requirement",
                supply + m.short[p.name, r] >= d.required[p.name][r],
                f"meet_requirement_{p.name}_{period}",
            )


def rule_overtime_limit(m: HorizonModel) -> None:
    """Overtime is at most the site's overtime share of the pool's productive people."""
    for (pool, r), var in m.overtime.items():
        share = m.data.policy(_site(m, pool), r).overtime_share
        m.add("overtime_limit", var <= share * m.productive[pool, r], f"overtime_limit_{pool}_{m.data.periods[r]}")


def rule_transfer_limit(m: HorizonModel) -> None:
    """A pool lends at most its own productive people."""
    out: dict[tuple[str, int], list[pulp.LpVariable]] = defaultdict(list)
    for (a, _b, r), var in m.transfer.items():
        out[a, r].append(var)
    for (pool, r), vars_ in out.items():
        m.add(
            "transfer_limit",
            pulp.lpSum(vars_) <= m.productive[pool, r],
            f"transfer_limit_{pool}_{m.data.periods[r]}",
        )


def rule_training_capacity(m: HorizonModel) -> None:
    """People starting per period are at most classes per period x class size."""
    for p in m.data.pools:
        if p.max_starts is None:
            continue
        for (pool, s), var in m.hires.items():
            if pool == p.name:
                m.add("training_capacity", var <= p.max_starts, f"training_capacity_{pool}_{m.data.periods[s]}")


def rule_site_hiring_limits(m: HorizonModel) -> None:
    """People starting at a site in a period lie between the policy's min_hires and max_hires."""
    d = m.data
    for site in sorted({p.site for p in d.pools}):
        for r, period in enumerate(d.periods):
            pol = d.policy(site, r)
            starts = pulp.lpSum(m.starts(p.name, r) for p in d.pools if p.site == site)
            if pol.max_hires is not None:
                m.add("site_hiring_limits", starts <= pol.max_hires, f"max_hires_{site}_{period}")
            if pol.min_hires is not None:
                if not any((p.name, r) in m.hires for p in d.pools if p.site == site) and pol.min_hires > 0:
                    raise ModelError(
                        f"site '{site}' must hire at least {pol.min_hires} in period {period}, but the lead time "
                        "lets no hiring decision reach that period"
                    )
                m.add("site_hiring_limits", starts >= pol.min_hires, f"min_hires_{site}_{period}")


def rule_headcount_floor(m: HorizonModel) -> None:
    """The site's headcount (trainees included) stays at or above the policy's floor."""
    d = m.data
    for site in sorted({p.site for p in d.pools}):
        for r, period in enumerate(d.periods):
            floor = d.policy(site, r).min_headcount
            if floor is not None:
                total = pulp.lpSum(m.headcount[p.name, r] for p in d.pools if p.site == site)
                m.add("headcount_floor", total >= floor, f"headcount_floor_{site}_{period}")


def objective_cost(m: HorizonModel) -> None:
    """Salaries of everyone employed, hiring and training costs, overtime at its premium, understaffing penalty."""
    m.lp += pulp.lpSum(period_cost(m, p, r) for p in m.data.pools for r in range(len(m.data.periods)))


def period_cost(m: HorizonModel, p: HorizonPool, r: int) -> pulp.LpAffineExpression:
    """Cost of one pool in one period (the penalty included)."""
    w = m.data.weeks[r]
    premium = m.data.policy(p.site, r).overtime_premium
    return (
        p.weekly_salary * w * m.headcount[p.name, r]
        + p.trainee_cost * w * m.trainees[p.name, r]
        + p.cost_per_hire * m.starts(p.name, r)
        + p.weekly_salary * (1 + premium) * w * m.overtime.get((p.name, r), 0)
        + m.data.penalty * w * m.short[p.name, r]
    )


def _site(m: HorizonModel, pool: str) -> str:
    return next(p.site for p in m.data.pools if p.name == pool)


RULES: tuple[Callable[[HorizonModel], None], ...] = (
    rule_meet_requirement,
    rule_overtime_limit,
    rule_transfer_limit,
    rule_training_capacity,
    rule_site_hiring_limits,
    rule_headcount_floor,
)


def build_horizon_model(data: HorizonInput, fixed_hires: dict[tuple[str, int], int] | None = None) -> HorizonModel:
    """The horizon program; with ``fixed_hires`` the hires are fixed (evaluating a plan under other demand)."""
    for p in data.pools:
        if p.name not in data.required or len(data.required[p.name]) != len(data.periods):
            raise ModelError(f"pool '{p.name}' has no required people for every period")
    m = HorizonModel(data=data, lp=pulp.LpProblem("capacity_plan", pulp.LpMinimize))
    add_hire_variables(m)
    if fixed_hires is not None:
        for key, var in m.hires.items():
            var.lowBound = var.upBound = fixed_hires.get(key, 0)
    add_workforce_flow(m)
    add_operating_variables(m)
    for rule in RULES:
        rule(m)
    objective_cost(m)
    return m


def solve_horizon(m: HorizonModel, time_limit: float = HORIZON_TIME_LIMIT, gap: float = HORIZON_GAP) -> str:
    """Solve with HiGHS through PuLP (CBC when HiGHS is missing); the status text. Raises SolverError."""
    from planner.roster.solve import highs_available

    if highs_available():
        solver: pulp.LpSolver = pulp.HiGHS(msg=False, timeLimit=time_limit, gapRel=gap, log_to_console=False)
    else:  # pragma: no cover - HiGHS is a dependency
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, gapRel=gap)
    m.lp.solve(solver)
    status = pulp.LpStatus[m.lp.status]
    if status == "Infeasible":
        raise ModelError(
            "the capacity policies cannot all be met (a minimum of hires or a headcount floor that the hiring "
            "limits, training capacity or lead time make unreachable)"
        )
    if status != "Optimal" or any(v.varValue is None for v in m.hires.values()):
        raise SolverError(f"the capacity plan could not be solved (solver status: {status})")
    return status
