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

from planner.analysis.roster_tables import RosterSolution, build_tables, summarize
from planner.analysis.summary import FullCoverageComparison, ModelSize, RosterSummary
from planner.domain import Scenario
from planner.requirements import Requirements, compute_requirements
from planner.roster.options import ShiftOptions, enumerate_options
from planner.roster.problem import build_problem
from planner.roster.progress import ProgressFn, ProgressKind, Reporter
from planner.roster.rules import RosterProblem, build_model
from planner.roster.solve import SolveInfo, SolveOptions, solve_model


@dataclass(frozen=True)
class RosterOptions:
    solve: SolveOptions = field(default_factory=SolveOptions)
    full_coverage: bool = False


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
    if not options.full_coverage:
        return _solve_once(scenario, req, shift_options, False, options.solve, progress)
    base = _solve_once(scenario, req, shift_options, False, options.solve, progress).summary
    result = _solve_once(scenario, req, shift_options, True, options.solve, progress)
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
) -> RosterResult:
    t0 = time.perf_counter()
    problem = build_problem(scenario, req, shift_options, full_coverage=full)
    model = build_model(problem, name="roster_full_coverage" if full else "roster")
    build_seconds = time.perf_counter() - t0
    Reporter(progress, t0).emit(
        ProgressKind.MODEL_BUILT,
        message=f"model: {model.n_variables:,} variables ({len(model.shifts):,} integer shift starts), "
        f"{model.n_constraints:,} constraints, built in {build_seconds:.1f} s",
    )
    info = solve_model(model, solve, progress)
    solution = RosterSolution.of(model)
    tables = build_tables(scenario, req, shift_options, problem, solution, info)
    size = ModelSize(model.n_variables, len(model.shifts) + len(model.people), model.n_constraints, build_seconds)
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
        summary=summarize(scenario, problem, tables, solution.agents, info, size, full),
    )
