"""The roster's summary: a typed record of cost, headcount, shortfall and solver quality, its
rows for the summary sheet and JSON (names and order fixed), and the time-zone answer in sentences."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from planner.analysis.reach import interval_ranges
from planner.roster.solve import SolveInfo

if TYPE_CHECKING:
    from planner.roster.plan import RosterResult

OBJECTIVE_SCOPE = "whole horizon: shift cost plus shortfall penalty (weekly_cost is per week, no penalty)"


@dataclass(frozen=True)
class FullCoverageComparison:
    """With full coverage: the default (penalised) roster's cost and shortfall, and what closing the gaps costs."""

    default_weekly_cost: float
    default_shortfall_agent_hours: float
    cost_of_full_coverage_weekly: float
    cost_of_full_coverage_annual: float


@dataclass(frozen=True)
class LabourRulesPrice:
    """The tour roster against the same week without tours (no days off, rest or start band per person:
    only shifts_per_week shifts and one a local day per pool with `available`): what the labour rules cost.

    ``price_weekly`` compares the two rosters found (each within its solve's gap and time limit: with a
    shortfall or a time limit the comparison is rough); ``price_at_lp_bounds_weekly`` compares the two
    models' LP bounds (cost plus shortfall penalty), which do not depend on how far either solve got."""

    without_tours_weekly_cost: float
    without_tours_lp_bound_weekly: float | None
    without_tours_headcount: int
    without_tours_solver_status: str
    without_tours_gap: float  # the roster without tours above its LP bound (relative)
    price_weekly: float
    price_at_lp_bounds_weekly: float | None
    price_annual: float


@dataclass(frozen=True)
class PoolFairness:
    """A tour roster's fairness in one pool: the spread (most minus fewest per working person) of weekend
    days and of nights, and the hires a named-agent shortfall needs, with their weekly cost."""

    pool: str
    weekend_days_spread: int
    nights_spread: int
    hires: int
    hires_weekly_cost: float
    preferred_days_off_met: int = 0  # agents whose preferred days off are all off
    preferred_days_off_asked: int = 0  # agents with preferred days off


@dataclass(frozen=True)
class ModelSize:
    variables: int
    integer_variables: int
    constraints: int
    build_seconds: float


@dataclass(frozen=True)
class RosterSummary:
    """Everything the summary sheet reports, rounded as reported."""

    input: str
    currency: str
    weekly_cost: float
    annual_cost: float
    weeks_per_year: float
    paid_hours_per_week: float
    shifts_per_week: int | float
    headcount: int
    people_needed: int
    headcount_by_site: tuple[tuple[str, int], ...]
    headcount_by_pool: tuple[tuple[str, int], ...]
    shortfall_agent_hours: float
    shortfall_uncoverable_agent_hours: float
    shortfall_coverable_agent_hours: float
    shortfall_intervals: int
    live_intervals_below_target: int
    live_intervals_with_demand: int
    full_coverage: bool
    under_coverage_penalty_per_agent_hour: float
    solver: str
    solver_status: str
    objective: float
    best_bound: float
    mip_gap: float
    lp_relaxation_bound: float | None
    gap_to_lp_bound: float | None
    solve_seconds: float
    lp_seconds: float
    model: ModelSize
    interval_minutes: int
    horizon_start_utc: str
    weeks: int
    comparison: FullCoverageComparison | None = None
    tours: bool = True
    labour_rules: LabourRulesPrice | None = None
    fairness: tuple[PoolFairness, ...] = ()

    @property
    def has_shortfall(self) -> bool:
        return self.shortfall_agent_hours > 1e-6

    def rows(self) -> list[tuple[str, Any]]:
        """(metric, value) in the summary sheet's order and names; the JSON ``metrics`` use the same."""
        rows: list[tuple[str, Any]] = [
            ("input", self.input),
            ("currency", self.currency),
            ("weekly_cost", self.weekly_cost),
            ("annual_cost", self.annual_cost),
            ("weeks_per_year", self.weeks_per_year),
            ("paid_hours_per_week", self.paid_hours_per_week),
            ("shifts_per_week", self.shifts_per_week),
            ("headcount", self.headcount),
            ("people_needed", self.people_needed),
        ]
        rows += [(f"headcount site {site}", n) for site, n in self.headcount_by_site]
        rows += [(f"headcount pool {pool}", n) for pool, n in self.headcount_by_pool]
        rows += self._shortfall_rows() + self._solver_rows() + self._labour_rows()
        rows += [
            ("interval_minutes", self.interval_minutes),
            ("horizon_start_utc", self.horizon_start_utc),
            ("weeks", self.weeks),
        ]
        if self.comparison is not None:
            c = self.comparison
            rows += [
                ("default_weekly_cost", c.default_weekly_cost),
                ("default_shortfall_agent_hours", c.default_shortfall_agent_hours),
                ("cost_of_full_coverage_weekly", c.cost_of_full_coverage_weekly),
                ("cost_of_full_coverage_annual", c.cost_of_full_coverage_annual),
            ]
        return rows

    def _labour_rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = [("weekly_tours", "yes" if self.tours else "no")]
        if self.labour_rules is not None:
            r = self.labour_rules
            rows += [
                ("without_tours_weekly_cost", r.without_tours_weekly_cost),
                ("without_tours_lp_bound_weekly", r.without_tours_lp_bound_weekly),
                ("without_tours_headcount", r.without_tours_headcount),
                ("without_tours_solver_status", r.without_tours_solver_status),
                ("without_tours_gap_to_lp_bound", r.without_tours_gap),
                ("price_of_labour_rules_weekly", r.price_weekly),
                ("price_of_labour_rules_at_lp_bounds_weekly", r.price_at_lp_bounds_weekly),
                ("price_of_labour_rules_annual", r.price_annual),
            ]
        for f in self.fairness:
            rows += [
                (f"weekend_days_spread pool {f.pool}", f.weekend_days_spread),
                (f"nights_spread pool {f.pool}", f.nights_spread),
                (f"hires pool {f.pool}", f.hires),
                (f"hires_weekly_cost pool {f.pool}", f.hires_weekly_cost),
            ]
            if f.preferred_days_off_asked:
                rows += [
                    (f"preferred_days_off_met pool {f.pool}", f.preferred_days_off_met),
                    (f"preferred_days_off_asked pool {f.pool}", f.preferred_days_off_asked),
                ]
        return rows

    def _shortfall_rows(self) -> list[tuple[str, Any]]:
        return [
            ("shortfall_agent_hours", self.shortfall_agent_hours),
            ("shortfall_uncoverable_agent_hours", self.shortfall_uncoverable_agent_hours),
            ("shortfall_coverable_agent_hours", self.shortfall_coverable_agent_hours),
            ("shortfall_intervals", self.shortfall_intervals),
            ("live_intervals_below_target", self.live_intervals_below_target),
            ("live_intervals_with_demand", self.live_intervals_with_demand),
            ("full_coverage", "yes" if self.full_coverage else "no"),
            ("under_coverage_penalty_per_agent_hour", self.under_coverage_penalty_per_agent_hour),
        ]

    def _solver_rows(self) -> list[tuple[str, Any]]:
        return [
            ("solver", self.solver),
            ("solver_status", self.solver_status),
            ("objective_scope", OBJECTIVE_SCOPE),
            ("objective", self.objective),
            ("best_bound", self.best_bound),
            ("mip_gap", self.mip_gap),
            ("lp_relaxation_bound", self.lp_relaxation_bound),
            ("gap_to_lp_bound", self.gap_to_lp_bound),
            ("solve_seconds", self.solve_seconds),
            ("lp_seconds", self.lp_seconds),
            ("build_seconds", round(self.model.build_seconds, 2)),
            ("variables", self.model.variables),
            ("integer_variables", self.model.integer_variables),
            ("constraints", self.model.constraints),
        ]

    def table(self) -> pd.DataFrame:
        return pd.DataFrame(self.rows(), columns=["metric", "value"])


def solver_fields(info: SolveInfo) -> dict[str, Any]:
    """The summary's solver-quality fields, rounded as reported."""
    return {
        "solver": info.solver,
        "solver_status": info.status,
        "objective": round(info.objective, 2),
        "best_bound": round(info.best_bound, 2),
        "mip_gap": round(info.gap, 6),
        "lp_relaxation_bound": None if info.lp_bound is None else round(info.lp_bound, 2),
        "gap_to_lp_bound": None
        if info.lp_bound is None
        else round((info.objective - info.lp_bound) / max(abs(info.objective), 1e-9), 6),
        "solve_seconds": round(info.seconds, 2),
        "lp_seconds": round(info.lp_seconds, 2),
    }


def _gap_lines(result: RosterResult) -> list[str]:
    gaps = result.gaps
    h = result.scenario.horizon
    if not len(gaps):
        return ["Every language-hour with demand is covered."]
    lines = []
    for lang, g in gaps.groupby("language", sort=True):
        hours = sorted(
            set(int(((ts - h.start).total_seconds() // 60) // h.interval_minutes) for ts in g["interval_start"])
        )
        ranges = interval_ranges(hours, result.scenario)
        kinds = "time-zone gap" if (~g["coverable"]).all() else "shortfall"
        lines.append(
            f"{lang}: {len(hours) * h.interval_hours:g} h of the week not fully covered ({kinds}; "
            f"{g['shortfall'].sum() * h.interval_hours:.1f} agent-hours short): "
            + "; ".join(ranges[:6])
            + (" ..." if len(ranges) > 6 else "")
            + f" UTC. Reason: {g['reason'].iloc[0]}"
        )
    return lines


def _site_share_lines(language_sites: pd.DataFrame, currency: str) -> list[str]:
    lines = []
    for lang, g in language_sites.groupby("language", sort=True) if len(language_sites) else ():
        if len(g) < 2:
            continue
        g = g.sort_values("agent_hours", ascending=False)
        main = g.iloc[0]
        parts = ", ".join(
            f"{r.site} {r.agent_hours:,.0f} h ({r.weekly_cost:,.0f} {currency})" for r in g.iloc[1:].itertuples()
        )
        lines.append(
            f"{lang}: {main.share_of_language_hours:.1%} of its agent-hours from {main.site}; "
            f"other sites cover the rest: {parts} per week"
        )
    return lines


def time_zone_answer(result: RosterResult) -> list[str]:
    """Plain sentences: which language-hours are uncovered, and what covering them costs."""
    scen = result.scenario
    cur = scen.settings.currency
    lines = _gap_lines(result) + _site_share_lines(result.language_sites, cur)
    if result.default_cost is not None:
        weekly = result.summary.weekly_cost
        diff = weekly - result.default_cost
        lines.append(
            f"Full coverage costs {weekly:,.0f} {cur}/week against {result.default_cost:,.0f} for the "
            f"default roster ({result.default_shortfall_hours or 0:,.1f} agent-hours short): closing the gaps costs "
            f"{diff:,.0f} {cur}/week ({diff * scen.settings.weeks_per_year:,.0f} a year)."
        )
    return lines
