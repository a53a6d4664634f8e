"""`planner roster` orchestration: the cheapest weekly multilingual roster that meets first-response
targets, and its result (:class:`RosterResult`).

Pipeline: scenario -> requirements (:mod:`planner.requirements`) -> shift options
(:mod:`planner.roster.options`) -> problem (:mod:`planner.roster.problem`) and model
(:mod:`planner.roster.rules`) -> solve (:mod:`planner.roster.solve`) -> the after-the-solve tables
(:mod:`planner.analysis.roster_tables`). Writing them to files is :mod:`planner.outputs.workbooks`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import pandas as pd

from planner.analysis.floorplan import FloorTables, floor_tables
from planner.analysis.roster_tables import RosterSolution, build_tables, summarize
from planner.analysis.summary import FullCoverageComparison, LabourRulesPrice, ModelSize, RosterSummary
from planner.analysis.weeks import named_weeks, pool_fairness, rate_notes, roster_frame, tour_groups
from planner.domain import Scenario
from planner.requirements import Requirements, compute_requirements
from planner.roster.check import PersonWeek, assert_roster
from planner.roster.options import ShiftOptions, enumerate_options
from planner.roster.problem import build_problem
from planner.roster.progress import ProgressFn, ProgressKind, Reporter
from planner.roster.rules import RosterProblem, build_model
from planner.roster.solve import SolveInfo, SolveOptions, solve_model

#: Share of the time limit given to the week without tours when the labour rules are priced.
PRICE_SHARE = 0.25


@dataclass(frozen=True)
class RosterOptions:
    """How to roster: the solve, full coverage, weekly tours (internal: off gives the model without the
    labour rules) and whether to price the labour rules (a second solve without tours)."""

    solve: SolveOptions = field(default_factory=SolveOptions)
    full_coverage: bool = False
    tours: bool | None = None  # None: the `weekly_tours` setting
    price_labour_rules: bool = True


@dataclass(frozen=True)
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
    summary: RosterSummary
    default_cost: float | None = None  # with full coverage: cost of the default (penalised) roster
    default_shortfall_hours: float | None = None
    tour_groups: tuple[PersonWeek, ...] = ()  # with tours: people with alike weeks, per pool
    floor: FloorTables | None = None  # activity plan, routing guidance and break schedule (issue 13)

    @property
    def has_shortfall(self) -> bool:
        return self.summary.has_shortfall

    @property
    def variables(self) -> int:
        return self.summary.model.variables

    @property
    def constraints(self) -> int:
        return self.summary.model.constraints

    @property
    def build_seconds(self) -> float:
        return self.summary.model.build_seconds

    def summary_table(self) -> pd.DataFrame:
        return self.summary.table()


def plan_roster(
    scenario: Scenario, options: RosterOptions | None = None, progress: ProgressFn | None = None
) -> RosterResult:
    """Compute requirements, build and solve the roster model, and report on the roster.

    With ``full_coverage`` the default roster is solved first (for the cost comparison),
    then the roster that covers every queue-interval any pool could cover, hiring beyond
    headcount caps where needed. ``progress`` receives the solve's events (see planner.roster.progress).
    """
    options = options or RosterOptions()
    req = compute_requirements(scenario)
    shift_options = enumerate_options(scenario)  # may be empty: then every demand is a named gap
    if options.tours is None:
        options = replace(options, tours=scenario.settings.weekly_tours)
    tours = bool(options.tours)
    priced = tours and options.price_labour_rules
    solve = options.solve
    if priced:
        solve = replace(solve, time_limit=solve.time_limit * (1 - PRICE_SHARE))
    if not options.full_coverage:
        result = _solve_once(scenario, req, shift_options, False, solve, progress, tours)
    else:
        result = _with_full_coverage(scenario, req, shift_options, solve, progress, tours)
    if not priced:
        return result
    budget = replace(options.solve, time_limit=options.solve.time_limit * PRICE_SHARE)
    plain = _solve_once(scenario, req, shift_options, options.full_coverage, budget, progress, False, pricing=True)
    return replace(result, summary=replace(result.summary, labour_rules=labour_rules_price(result, plain)))


def labour_rules_price(result: RosterResult, plain: RosterResult) -> LabourRulesPrice:
    """The tour roster's cost against the same week's roster without tours."""
    weeks = result.scenario.horizon.weeks
    base = plain.summary.weekly_cost
    lp = None if plain.info.lp_bound is None else plain.info.lp_bound / weeks
    tour_lp = None if result.info.lp_bound is None else result.info.lp_bound / weeks
    at_bounds = None if lp is None or tour_lp is None else round(tour_lp - lp, 2)
    price = result.summary.weekly_cost - base
    return LabourRulesPrice(
        without_tours_weekly_cost=round(base, 2),
        without_tours_lp_bound_weekly=None if lp is None else round(lp, 2),
        without_tours_headcount=plain.summary.headcount,
        without_tours_solver_status=plain.info.status,
        without_tours_gap=plain.info.gap,
        price_weekly=round(price, 2),
        price_at_lp_bounds_weekly=at_bounds,
        price_annual=round(price * result.scenario.settings.weeks_per_year, 2),
    )


def _with_full_coverage(
    scenario: Scenario,
    req: Requirements,
    shift_options: ShiftOptions,
    solve: SolveOptions,
    progress: ProgressFn | None,
    tours: bool,
) -> RosterResult:
    """The full-coverage roster, compared with the default (penalised) one."""
    base = _solve_once(scenario, req, shift_options, False, solve, progress, tours).summary
    result = _solve_once(scenario, req, shift_options, True, solve, progress, tours)
    weekly = result.summary.weekly_cost
    comparison = FullCoverageComparison(
        default_weekly_cost=round(base.weekly_cost, 2),
        default_shortfall_agent_hours=round(float(base.shortfall_agent_hours or 0.0), 3),
        cost_of_full_coverage_weekly=round(weekly - base.weekly_cost, 2),
        cost_of_full_coverage_annual=round((weekly - base.weekly_cost) * scenario.settings.weeks_per_year, 2),
    )
    return replace(
        result,
        summary=replace(result.summary, comparison=comparison),
        default_cost=base.weekly_cost,
        default_shortfall_hours=base.shortfall_agent_hours,
    )


def _solve_once(
    scenario: Scenario,
    req: Requirements,
    shift_options: ShiftOptions,
    full: bool,
    solve: SolveOptions,
    progress: ProgressFn | None,
    tours: bool = True,
    pricing: bool = False,
) -> RosterResult:
    t0 = time.perf_counter()
    problem = build_problem(scenario, req, shift_options, full_coverage=full, tours=tours)
    model = build_model(problem, name=("roster_full_coverage" if full else "roster") + ("_no_tours" if pricing else ""))
    build_seconds = time.perf_counter() - t0
    what = "model without tours (to price the labour rules)" if pricing else "model"
    Reporter(progress, t0).emit(
        ProgressKind.MODEL_BUILT,
        message=f"{what}: {model.n_variables:,} variables ({len(model.shifts):,} integer shift starts), "
        f"{model.n_constraints:,} constraints, built in {build_seconds:.1f} s",
    )
    info = solve_model(model, solve, progress)
    solution = RosterSolution.of(model)
    groups: tuple[PersonWeek, ...] = ()
    if problem.tours is not None:
        frame = roster_frame(scenario, problem)
        groups = tour_groups(scenario, shift_options, problem, solution)
        assert_roster(groups, frame)
        if scenario.agents:
            notes = rate_notes(scenario)
            groups = named_weeks(scenario.agents, groups, frame.longest_paid_minutes, frame.weeks, notes)
            assert_roster(groups, replace(frame, pool_caps={}, site_caps={}))  # hires go past the caps
    tables = build_tables(scenario, req, shift_options, problem, solution, info)
    size = ModelSize(model.n_variables, len(model.decisions) + len(model.people), model.n_constraints, build_seconds)
    return RosterResult(
        scenario=scenario,
        requirements=req,
        problem=problem,
        info=info,
        shifts=tables.shifts,
        coverage=tables.coverage,
        cost=tables.cost,
        gaps=tables.gaps,
        headcount=tables.headcount,
        language_sites=tables.language_sites,
        tour_groups=groups,
        summary=replace(
            summarize(scenario, problem, tables, solution.agents, info, size, full),
            tours=tours,
            fairness=pool_fairness(groups),
        ),
        floor=floor_tables(scenario, req, shift_options, problem, solution.agents, solution.alloc, solution.breaks),
    )
