"""Solve the roster model with HiGHS (through highspy) or CBC (bundled with PuLP).

Before the integer program, its LP relaxation is solved to report an honest lower bound
on the cost; then the stages (see :func:`solve_model`) run, each to the relative gap or its own
work limit (nodes, rounds, LP re-solves), the overall time limit being only a safety net. Status, objective,
best bound, gap and seconds are reported. With a progress callback, the stages, the rosters found
and the solver's log lines reach it as events (HiGHS through its callbacks, CBC by following its
log file); the solver never writes to the console.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pulp

from planner import interrupts
from planner.domain import DEFAULT_MIP_GAP, DEFAULT_TIME_LIMIT_SECONDS, Settings, SolverChoice
from planner.errors import SolverError, SolverTimeLimitError
from planner.roster.cover import ShortSpot, first_additions, short_spots, swap_pairs
from planner.roster.highs_model import STAGE_OPTIONS_RESET, HighsModel
from planner.roster.neighbourhood import mip_start
from planner.roster.progress import ProgressFn, ProgressKind, Reporter, Stage
from planner.roster.rules import TOL, RosterModel, shortfall_neighbourhood

#: A stage (repair, full MIP) is not started with less of the time limit left than this:
#: building the solver's copy of a large model alone takes seconds.
MIN_STAGE_SECONDS = 3.0
#: Work limits of the stages (search-tree nodes), counted by the solver: they, not the clock, end a stage.
RESTRICTED_MIP_NODES = 500
#: The restricted MIP lets each shift start the LP uses go this far above its rounded-up LP value.
RESTRICTED_MIP_SLACK = 0.0
REPAIR_NODES = 200
#: The share of the overall time limit the restricted MIP leaves for the cover and the repair after it: when the
#: limit (a safety net) cuts the search short, the roster still gets its shortfall repaired.
REPAIR_RESERVE = 0.2
#: The full MIP's node limit (stage 3, run only when the roster is not within the gap after stage 2).
FULL_MIP_NODES = 2000
#: With weekly tours, on a model of more than TOURED_FULL_MIP_DECISIONS integer decisions (shift starts and
#: tours) the tour stage's roster stands: the full MIP is not run. Its root alone (cuts over the whole tour
#: model), which no node limit bounds, ran until the time limit without a better roster on every such week
#: measured (500 named agents, 5,446 decisions: 508 s at the default limit; its pool-level week, 4,634: 133 s).
#: On small weeks (the tests' have under 300) it takes a second and finds what the tour stage's rounding
#: misses (the agents' own tours instead of hires).
TOURED_FULL_MIP_DECISIONS = 1500
TOURED_SKIP = (
    f"weekly tours with more than {TOURED_FULL_MIP_DECISIONS:,} shift starts and tours to decide: the tour"
    " stage's roster stands (the full MIP's root over tours is bounded by no work limit)"
)
#: On such a week the repair after the tour stage is its root alone (one node), for the same reason: on the
#: 500-agent week with 20-hour contracts its root found its roster (443,588 -> 318,615 with the shortfall's
#: penalty) in 103 s, and the 199 nodes after it found no better one in 78 s (or ran to the time limit).
TOURED_REPAIR_NODES = 1
#: The LP dive rounds up every shift start at least this fractional, else the most fractional fifth of them.
DIVE_ROUND_UP = 0.7
DIVE_SHARE = 0.2
DIVE_ROUNDS = 60  # the last one rounds up every start still fractional
#: The LP relaxation of the tour model is solved by interior point with crossover (a basis, from which every
#: later LP re-solve starts by the dual simplex): on the sample week 10.7 s against 25.1 s by HiGHS's default
#: dual simplex, and 16.8 s against 63 s with 500 named agents (the tours' many near-equal columns make the
#: simplex degenerate). Without tours the dual simplex is faster (4.1 s against 12.3 s), so it stays.
TOUR_LP_OPTIONS: dict[str, bool | float | str | int] = {"solver": "ipm", "run_crossover": "on"}
_NO_ROSTER = "the solver found no roster within its time limit of {limit:g} s; a longer one may find one"
#: The constructive cover's work limit: LP re-solves (shift starts fixed) over all its rounds and moves.
COVER_SOLVES = 100


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: which solver, the time limit for the whole solve (seconds), the relative gap
    at which to stop, and the solver's threads (None: its default)."""

    solver: SolverChoice = SolverChoice.AUTO
    time_limit: float = DEFAULT_TIME_LIMIT_SECONDS
    gap: float = DEFAULT_MIP_GAP
    threads: int | None = None
    lp_bound: bool = True

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        solver: SolverChoice | str | None = None,
        time_limit: float | None = None,
        gap: float | None = None,
        threads: int | None = None,
    ) -> SolveOptions:
        """The options a run asks for, each falling back to the scenario's settings where it is None."""
        return cls(
            solver=SolverChoice(solver) if solver is not None else settings.solver,
            time_limit=time_limit if time_limit is not None else settings.time_limit_seconds,
            gap=gap if gap is not None else settings.mip_gap,
            threads=threads if threads is not None else settings.threads,
        )


@dataclass(frozen=True)
class SolveInfo:
    """What the solver reported."""

    solver: str
    status: str  # optimal | gap reached | work limit | time limit | infeasible | ...
    objective: float
    best_bound: float
    gap: float
    lp_bound: float | None
    seconds: float
    lp_seconds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "solver": self.solver,
            "status": self.status,
            "objective": self.objective,
            "best_bound": self.best_bound,
            "gap": self.gap,
            "lp_relaxation_bound": self.lp_bound,
            "seconds": round(self.seconds, 2),
            "lp_seconds": round(self.lp_seconds, 2),
        }


def _bundled_cbc(**kwargs: object) -> pulp.LpSolver:
    """PuLP's bundled CBC. PuLP 3.3 flags it as going away in PuLP 4.0 (pinned out in
    pyproject.toml); the warning is silenced here, where it is constructed, and nowhere else."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PULP_CBC_CMD is deprecated", category=DeprecationWarning)
        return pulp.PULP_CBC_CMD(**kwargs)


def highs_available() -> bool:
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return bool(pulp.HiGHS().available())


def choose_solver(choice: SolverChoice) -> str:
    if choice is SolverChoice.HIGHS:
        if not highs_available():
            raise SolverError("solver 'highs' was requested but highspy is not installed (pip install highspy)")
        return "highs"
    if choice is SolverChoice.CBC:
        if not _bundled_cbc().available():
            raise SolverError("solver 'cbc' was requested but PuLP's bundled CBC binary is not available")
        return "cbc"
    if highs_available():
        return "highs"
    if _bundled_cbc().available():
        return "cbc"
    raise SolverError("no MIP solver available: install highspy, or a PuLP with its bundled CBC")


class _Solve:
    """One solve's shared state: the model, the solver, the overall time limit and the progress reporter."""

    def __init__(self, model: RosterModel, options: SolveOptions, progress: ProgressFn | None) -> None:
        self.model = model
        self.options = options
        self.name = choose_solver(options.solver)
        self.start = time.perf_counter()
        self.deadline = self.start + options.time_limit
        self.report = Reporter(progress, self.start)
        self.stage: Stage | None = None
        self.lp_seconds = 0.0
        self.cut_short = False  # a stage was skipped or stopped by the overall time limit
        self.toured = False  # the roster came from the tour stage (planner.roster.tour_stage)

    def remaining(self, reserve: float = 0.0) -> float:
        """Seconds left of the overall time limit, less ``reserve`` kept for later stages (at least 1)."""
        return max(1.0, self.deadline - time.perf_counter() - reserve)

    def time_left(self) -> bool:
        """Whether enough of the overall limit is left for another stage; when not, the solve is cut short
        (and says so), the only way machine load can change its result."""
        if self.deadline - time.perf_counter() >= MIN_STAGE_SECONDS:
            return True
        self.cut_short = True
        return False

    def begin(self, stage: Stage, number: int | None = None, message: str = "") -> None:
        self.stage = stage
        self.report.emit(ProgressKind.STAGE_STARTED, stage=stage, stage_number=number, message=message)

    def end(self, number: int | None = None, objective: float | None = None, bound: float | None = None) -> None:
        kind = ProgressKind.STAGE_ENDED
        self.report.emit(kind, stage=self.stage, stage_number=number, objective=objective, bound=bound)


@dataclass(frozen=True)
class _Mip:
    """One MIP call's result: HiGHS-style status text, the roster's cost (inf without one), the best
    bound, the roster's column values (None without one), and whether the overall time limit stopped it."""

    status: str
    objective: float
    bound: float
    values: np.ndarray | None
    timed_out: bool


class _Backend(Protocol):
    """A solver holding the model: columns in ``model.lp.variables()`` order."""

    names: tuple[str, ...]
    shift_columns: np.ndarray
    short_columns: np.ndarray
    cost: np.ndarray

    def lp(self) -> tuple[float, np.ndarray]: ...

    def complete(self, start: np.ndarray) -> np.ndarray | None: ...

    def dive(self, x_lp: np.ndarray) -> np.ndarray | None: ...

    def fix_shifts(self, shifts: np.ndarray) -> np.ndarray | None: ...

    def reduced_costs(self, shifts: np.ndarray) -> np.ndarray | None: ...

    def feasible(self, values: np.ndarray) -> bool: ...

    def mip(self, bounds: tuple[np.ndarray, np.ndarray] | None, start: np.ndarray | None, limits: _Limits) -> _Mip: ...


@dataclass(frozen=True)
class _Limits:
    """What stops one MIP call besides the overall time limit: all counted by the solver, never timed."""

    gap: float
    gap_abs: float | None = None
    target: float | None = None
    max_nodes: int | None = None
    stop_when: Callable[[np.ndarray], bool] | None = None
    reserve: float = 0.0  # seconds of the overall time limit this call leaves for the stages after it


def solve_model(model: RosterModel, options: SolveOptions, progress: ProgressFn | None = None) -> SolveInfo:
    """Solve the roster model; the solution values land on the model's variables.

    The stages (only ``options.time_limit``, for the whole solve, is measured in seconds; every
    stage's own limit is a count of the solver's work, so that the same input gives the same roster
    on any machine load whenever the solve ends before that limit):

    1. the LP relaxation, whose optimum is a lower bound on any roster's cost;
    then a first roster by an LP dive (HiGHS; see ``_HighsBackend.dive``), else the LP roster rounded up;
    2. an LP-guided restricted MIP (at most ``RESTRICTED_MIP_NODES`` nodes), started from that roster:
       shift starts the LP leaves at zero stay at zero and the others may take a whole value from
       floor(x) to ceil(x) (a RENS-style neighbourhood; Berthold, "RENS: the optimal rounding",
       Math. Prog. Comp. 6, 2014), widened to hold the first roster. Every roster it finds is a
       roster of the full model;
    3. if that roster is not yet within ``options.gap`` of the LP bound, the full MIP, warm-started
       from it, until the gap or ``FULL_MIP_NODES`` nodes (status ``work limit`` when the gap is not reached);
       not after the tour stage (:mod:`planner.roster.tour_stage`, which replaces stage 1's dive and stage 2)
       of a week with more than ``TOURED_FULL_MIP_DECISIONS`` shift starts and tours: its roster stands.

    After stage 2 (and again after stage 3, if it ran) a repair (at most ``REPAIR_NODES`` nodes) frees
    the shift options within a day of any shortfall, of the pools that could serve it (each may move by
    two agents), and re-solves with everything else fixed: a shortfall is covered wherever covering it
    costs less than its penalty (after the tour stage of a large week, its root alone:
    ``TOURED_REPAIR_NODES``). With HiGHS the model is built once (:mod:`planner.roster.highs_model`)
    and each stage changes bounds in place. ``progress`` receives the stages' events and the solver's
    log lines.
    """
    run = _Solve(model, options, progress)
    if not model.lp.variables():  # nothing to decide (no shift can be scheduled): the empty roster
        return SolveInfo(run.name, "optimal", 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    backend: _Backend = _HighsBackend(run) if run.name == "highs" else _CbcBackend(run)
    lp_bound, best, values = _first_stages(run, backend)
    lp_seconds = run.lp_seconds
    bound = lp_bound
    status = "gap reached"
    full_mip = values is None or _gap(best, lp_bound) > options.gap
    if full_mip and values is not None and not run.time_left():
        run.report.emit(ProgressKind.STAGE_SKIPPED, stage=Stage.FULL_MIP, stage_number=3, message="time limit reached")
    elif full_mip and run.toured and large_tour_week(model):
        run.report.emit(ProgressKind.STAGE_SKIPPED, stage=Stage.FULL_MIP, stage_number=3, message=TOURED_SKIP)
    elif full_mip:
        best, bound, values = _full_mip_stage(run, backend, best, values, lp_bound)
    else:
        run.report.emit(
            ProgressKind.STAGE_SKIPPED,
            stage=Stage.FULL_MIP,
            stage_number=3,
            message=f"the restricted MIP roster is within {_gap(best, lp_bound):.3%} of the LP bound",
        )
    if values is None or not math.isfinite(best):
        raise SolverTimeLimitError(_NO_ROSTER.format(limit=options.time_limit))
    _write_back(model, backend, values)
    if _gap(best, bound) > options.gap:  # a stage's work limit ended the search before the gap
        status = "work limit"
    if run.cut_short:  # the only case in which the machine's load may change the roster
        status = "time limit"
    if _gap(best, bound) <= 1e-9:
        status = "optimal"
    seconds = time.perf_counter() - run.start
    return SolveInfo(run.name, status, best, bound, _gap(best, bound), lp_bound, seconds, lp_seconds)


def _first_stages(run: _Solve, backend: _Backend) -> tuple[float, float, np.ndarray | None]:
    """Stages 1 and 2 and the repair after them: the LP bound, the best roster's cost and values."""
    run.begin(Stage.LP_BOUND, 1)
    lp_bound, x_lp = backend.lp()
    run.lp_seconds = time.perf_counter() - run.start
    run.end(1, bound=lp_bound)
    if run.model.tours and isinstance(backend, _HighsBackend):  # whole people first (planner.roster.tour_stage)
        from planner.roster.tour_stage import tour_stage

        toured = tour_stage(run, backend, x_lp)
        if toured is not None:
            run.toured = True
            return lp_bound, float(backend.cost @ toured), toured
        if not run.time_left():  # the stages without tours would have no time to find more than an empty roster
            raise SolverTimeLimitError(_NO_ROSTER.format(limit=run.options.time_limit))
    start = _dive_stage(run, backend, x_lp)
    if start is None:
        rounded = _rounded(run.model, backend, x_lp)
        start = backend.complete(rounded) if run.time_left() else None
        if start is None and backend.feasible(rounded):  # a roster as it stands (no capped pool rounded down)
            start = rounded
    if start is not None and backend.feasible(start):  # the MIP then starts from a roster without shortfall
        start = _cover_stage(run, backend, float(backend.cost @ start), start)[1]
    target = lp_bound / (1.0 - run.options.gap) if run.options.gap > 0 else lp_bound
    best, values = _restricted_mip_stage(run, backend, x_lp, start, target)
    if start is not None and backend.feasible(start) and (values is None or float(backend.cost @ start) < best):
        best, values = float(backend.cost @ start), start  # the first roster stands if the MIP found no better
    best, values = _cover_stage(run, backend, best, values)
    if values is not None and run.time_left():
        repaired = _repair(run, backend, values)  # what the cover left short
        if repaired is not None and repaired[0] < best:
            best, values = repaired
    return lp_bound, best, values


def _dive_stage(run: _Solve, backend: _Backend, x_lp: np.ndarray) -> np.ndarray | None:
    """A first roster from the LP by diving (HiGHS only): round up, re-solve the LP, repeat."""
    if run.name != "highs":
        return None
    run.begin(Stage.LP_DIVE)
    values = backend.dive(x_lp)
    run.end(objective=float(backend.cost @ values) if values is not None else None)
    return values


def _rounded(model: RosterModel, backend: _Backend, x: np.ndarray) -> np.ndarray:
    """The LP roster rounded up (see :func:`planner.roster.rules.rounded_start`) as column values."""
    start = mip_start(model, dict(zip(backend.names, map(float, x), strict=True)))
    return np.array([start[name] for name in backend.names], dtype=float)


def _restricted_mip_stage(
    run: _Solve, backend: _Backend, x_lp: np.ndarray, start: np.ndarray | None, target: float
) -> tuple[float, np.ndarray | None]:
    """Stage 2: the MIP with each shift start held near its LP value. Returns the roster's cost and
    values (inf and None when it found none)."""
    x = x_lp[backend.shift_columns]
    zero = x <= 1e-6
    lower = np.where(zero, 0.0, np.floor(x + 1e-6))
    upper = np.where(zero, 0.0, np.ceil(x - 1e-6) + RESTRICTED_MIP_SLACK)
    if start is not None:  # the neighbourhood holds the start
        lower = np.minimum(lower, start[backend.shift_columns])
        upper = np.maximum(upper, start[backend.shift_columns])
    run.begin(Stage.RESTRICTED_MIP, 2)
    reserve = REPAIR_RESERVE * run.options.time_limit  # if the safety net stops the search, the repair still runs
    limits = _Limits(gap=run.options.gap / 2, target=target, max_nodes=RESTRICTED_MIP_NODES, reserve=reserve)
    result = backend.mip((lower, upper), start, limits)
    run.cut_short |= result.timed_out
    run.end(2, objective=result.objective if result.values is not None else None)
    return result.objective, result.values


def _full_mip_stage(
    run: _Solve, backend: _Backend, best: float, values: np.ndarray | None, lp_bound: float
) -> tuple[float, float, np.ndarray | None]:
    """Stage 3: the full MIP, warm-started from the incumbent, then a repair. Returns the best cost,
    the best bound and the best roster's values."""
    options = run.options
    run.begin(Stage.FULL_MIP, 3, "warm-started" if values is not None else "")
    target = lp_bound / (1.0 - options.gap) if options.gap > 0 else lp_bound
    result = backend.mip(None, values, _Limits(gap=options.gap, target=target, max_nodes=FULL_MIP_NODES))
    run.cut_short |= result.timed_out
    bound = max(lp_bound, result.bound) if result.values is not None else lp_bound
    if result.values is not None and result.objective <= best:
        best, values = result.objective, result.values
    run.end(3, objective=best if math.isfinite(best) else None, bound=bound)
    best, values = _cover_stage(run, backend, best, values)  # the full MIP may leave a shortfall too
    if values is not None and run.time_left():
        repaired = _repair(run, backend, values)
        if repaired is not None and repaired[0] < best:
            best, values = repaired
    return best, bound, values


def large_tour_week(model: RosterModel) -> bool:
    """Whether a tour model has more than ``TOURED_FULL_MIP_DECISIONS`` shift starts and tours to decide: after
    its tour stage the full MIP is left out and the repair is its root alone."""
    return bool(model.tours) and len(model.decisions) > TOURED_FULL_MIP_DECISIONS


def _repair(
    run: _Solve, backend: _Backend, values: np.ndarray, nodes: int = REPAIR_NODES
) -> tuple[float, np.ndarray] | None:
    """Cover shortfalls that cost less to cover than their penalty (see solve_model), within ``nodes``
    branch-and-bound nodes.

    The shift options near a shortfall of the pools that could serve it (see
    :func:`planner.roster.rules.shortfall_neighbourhood`) may move by up to two agents (options at
    zero may take up to two); every other shift count stays fixed. That lets a capped pool
    move a shift to the short hour while another pool takes over the hour it leaves.
    Returns the repaired roster's cost and values, or None when it found no cheaper one.
    """
    model = run.model
    _write_back(model, backend, values)
    free = set(shortfall_neighbourhood(model))
    if not free:
        return None
    before = float(backend.cost @ values)
    x = np.round(values[backend.shift_columns])
    movable = np.zeros(len(x), dtype=bool)
    movable[sorted(free)] = True
    lower = np.where(movable, np.maximum(0.0, x - 2), x)
    upper = np.where(movable, x + 2, x)
    run.begin(Stage.REPAIR, message=f"{len(free)} shift options near the shortfall may move")
    # stop as soon as a roster covers every shortfall, else within the penalty of 0.001
    # agent-hours of the best bound
    tolerance = 0.001 * model.problem.penalty * model.problem.interval_hours
    shorts = backend.short_columns

    def covered(candidate: np.ndarray) -> bool:
        return float(np.sum(candidate[shorts])) <= 1e-6

    limits = _Limits(gap=1e-9, gap_abs=tolerance, max_nodes=nodes, stop_when=covered)
    result = backend.mip((lower, upper), values, limits)
    run.cut_short |= result.timed_out
    if result.values is not None and result.objective < before - 1e-6:
        run.end(objective=result.objective)
        return result.objective, result.values
    run.end(objective=before)
    return None


def _cover_stage(
    run: _Solve, backend: _Backend, best: float, values: np.ndarray | None
) -> tuple[float, np.ndarray | None]:
    """The constructive cover (HiGHS, without tours), three kinds of move, each kept only when the objective
    (cost plus shortfall penalty) falls after re-solving the LP with the shift starts fixed:

    - add: for each short (group, interval) the cheapest shift that can serve it
      (:func:`planner.roster.cover.short_spots`), all at once, else each alone, then the next cheapest;
    - swap: where the pool that could serve a shortfall is at its headcount cap (adding breaks the cap),
      move one of its shifts there from a start the roster values least (:func:`planner.roster.cover.swap_pairs`,
      guided by the LP's reduced costs);
    - drop: each added shift again, dearest first, where the roster no longer needs it.

    At most ``COVER_SOLVES`` LP re-solves in all (a count, not a time); no MIP."""
    if values is None or run.name != "highs" or run.model.tours:
        return best, values
    short = int(np.sum(values[backend.short_columns] > TOL))
    if not short or not run.time_left():
        return best, values
    run.begin(Stage.COVER, message=f"{short} short intervals")
    cover = _Cover(run, backend, best, values)
    cover.add()
    cover.swap()
    cover.drop()
    run.end(objective=cover.best)
    return cover.best, cover.values


class _Cover:
    """The constructive cover's state: the best roster, the shifts it added and the LP solves left."""

    def __init__(self, run: _Solve, backend: _Backend, best: float, values: np.ndarray) -> None:
        self.run, self.backend = run, backend
        self.best, self.values = best, values
        self.solves = COVER_SOLVES
        self.added: list[int] = []
        self.presence = run.model.problem.presence()

    def _solve(self, values: np.ndarray, changes: dict[int, int]) -> np.ndarray | None:
        """The roster ``values`` with each option's shift count changed by its step (+1 or -1 agents),
        the rest re-solved (one LP solve of the budget); None when the budget is spent or it is no roster."""
        if self.solves <= 0 or not self.run.time_left():
            return None
        self.solves -= 1
        shifts = values[self.backend.shift_columns].copy()
        for o, step in changes.items():
            shifts[o] += step
        if np.any(shifts < -1e-9):
            return None
        return self.backend.fix_shifts(shifts)

    def _keep(self, done: np.ndarray | None) -> bool:
        """Make ``done`` the best roster when its objective is lower."""
        if done is None or float(self.backend.cost @ done) >= self.best - 1e-6:
            return False
        self.best, self.values = float(self.backend.cost @ done), done
        return True

    def _try(self, changes: dict[int, int]) -> bool:
        """Change each option's shift count by its step; keep the change when the objective falls."""
        return self._keep(self._solve(self.values, changes))

    def _spots(self) -> list[ShortSpot]:
        return short_spots(self.run.model, self.values[self.backend.short_columns], self.presence)

    def add(self) -> None:
        skip: set[int] = set()
        while self.solves > 0 and self.run.time_left():
            problem = self.run.model.problem
            picks = first_additions(self._spots(), problem.option_cost, problem.penalty * problem.interval_hours, skip)
            if not picks:
                return
            if self._try(dict.fromkeys(picks, +1)):
                self.added += picks
                continue
            for o in picks if len(picks) > 1 else []:
                if self._try({o: +1}):
                    self.added.append(o)
            skip.update(picks)

    def swap(self) -> None:
        """Move shifts of capped pools to the shortfalls the adds left, one kept move a round: each round
        prices the roster's shifts once (reduced costs, one LP solve) and tries the pairs in order."""
        tried: set[tuple[int, int]] = set()
        problem = self.run.model.problem
        while self.solves > 0 and self.run.time_left():
            spots = self._spots()
            if not spots:
                return
            shifts = np.round(self.values[self.backend.shift_columns])
            self.solves -= 1
            reduced = self.backend.reduced_costs(shifts)
            if reduced is None:
                return
            pairs = swap_pairs(spots, problem, shifts, reduced, tried)
            moved = False
            for add, take in pairs:
                tried.add((add, take))
                if self._swap(add, take):
                    moved = True
                    break
                if self.solves <= 0:
                    return
            if not moved:
                return

    def _swap(self, add: int, take: int) -> bool:
        """One swap, kept when the objective falls; else, when the shift taken leaves a shortfall of its
        own, with one add round on top (the cheapest shift of another pool for each new short spot, as
        :meth:`add`), kept when the two together lower the objective."""
        moved = self._solve(self.values, {add: +1, take: -1})
        if moved is None or self._keep(moved):
            return moved is not None
        problem = self.run.model.problem
        spots = short_spots(self.run.model, moved[self.backend.short_columns], self.presence)
        full = set(np.flatnonzero(problem.option_pool == problem.option_pool[add]).tolist())  # the pool is at its cap
        picks = first_additions(spots, problem.option_cost, problem.penalty * problem.interval_hours, full)
        if not picks or not self._keep(self._solve(moved, dict.fromkeys(picks, +1))):
            return False
        self.added += picks
        return True

    def drop(self) -> None:
        cost = self.run.model.problem.option_cost
        for o in sorted(set(self.added), key=lambda o: (-cost[o], o)):
            self._try({o: -1})


def _dive_pick(x: np.ndarray, last: bool = False) -> np.ndarray:
    """The shift starts a dive round rounds up (see _HighsBackend.dive); in the ``last`` round, all
    fractional ones."""
    f = x - np.floor(x + 1e-6)
    frac = f > 1e-6
    pick = frac & (f >= DIVE_ROUND_UP) if not last else frac
    if pick.any() or not frac.any():
        return pick
    k = max(1, int(frac.sum() * DIVE_SHARE))
    order = np.argsort(-np.where(frac, f, -1.0), kind="stable")[:k]
    pick = np.zeros(len(x), dtype=bool)
    pick[order] = True
    return pick


def _gap(value: float, bound: float) -> float:
    if not math.isfinite(value):
        return math.inf
    return max(0.0, (value - bound) / max(abs(value), 1e-9))


def _write_back(model: RosterModel, backend: _Backend, values: np.ndarray) -> None:
    """Column values onto the PuLP model's variables."""
    for v, x in zip(model.lp.variables(), values, strict=True):
        v.varValue = float(x)


class _HighsBackend:
    """HiGHS through its own API: one model for the whole solve (see :mod:`planner.roster.highs_model`)."""

    def __init__(self, run: _Solve) -> None:
        for line in _highs_banner().splitlines():
            if line.strip():
                run.report.log_line(line.rstrip())
        options: dict[str, bool | float | str | int] = {
            "random_seed": 0,
            "log_to_console": False,
            "output_flag": bool(run.report),
        }
        if run.options.threads is not None:
            options["threads"] = int(run.options.threads)
        self.run = run
        self.model = HighsModel(run.model, options)
        self.names = self.model.matrix.names
        self.shift_columns = self.model.shift_columns
        self.short_columns = self.model.short_columns
        self.cost = self.model.matrix.cost
        self.stop_when: Callable[[np.ndarray], bool] | None = None
        self.interrupt = False
        self._callbacks()

    def _callbacks(self) -> None:
        import highspy

        kinds = highspy.cb.HighsCallbackType
        self.model.set_callback(
            _highs_callback(self.run, self),
            [kinds.kCallbackLogging, kinds.kCallbackMipImprovingSolution, *_interrupt_kinds()],
        )

    def _limits(self, limits: _Limits | None) -> None:
        options: dict[str, bool | float | str | int] = dict(STAGE_OPTIONS_RESET)
        options["time_limit"] = float(self.run.remaining(limits.reserve if limits is not None else 0.0))
        if limits is not None:
            options["mip_rel_gap"] = float(limits.gap)
            if limits.gap_abs is not None:
                options["mip_abs_gap"] = float(limits.gap_abs)
            if limits.target is not None:
                options["objective_target"] = float(limits.target)
            if limits.max_nodes is not None:
                options["mip_max_nodes"] = int(limits.max_nodes)
        self.model.set_options(options)

    def lp(self) -> tuple[float, np.ndarray]:
        self.model.set_integer(False)
        self._limits(None)
        chosen = TOUR_LP_OPTIONS if len(self.model.tour_columns) else {}
        saved = self.model.option_values(chosen)
        self.model.set_options(chosen)
        try:
            status = self.model.run()
        finally:
            self.model.set_options(saved)  # later re-solves by the dual simplex from this basis
        if status == "time limit reached":
            raise SolverTimeLimitError(
                f"the LP relaxation alone took longer than the time limit of {self.run.options.time_limit:g} s;"
                " a longer one may find a roster"
            )
        if status != "optimal":
            raise SolverError(f"the LP relaxation ended with status {status}")
        return float(self.model.info().objective_function_value), self.model.values()

    def feasible(self, values: np.ndarray) -> bool:
        return self.model.matrix.feasible(values)

    def complete(self, start: np.ndarray) -> np.ndarray | None:
        """A whole start made a full roster: integer columns fixed at the start's values, the rest
        from the LP (warm-started from the last basis). None when no such roster exists."""
        cols = self.model.integer_columns
        m = self.model
        m.set_integer(False)
        self._limits(None)
        m.h.changeColsBounds(len(cols), cols, start[cols], start[cols])
        try:
            done = m.values() if m.run() == "optimal" else None
        finally:
            m.h.changeColsBounds(len(cols), cols, m.matrix.lower[cols], m.matrix.upper[cols])
        if done is not None:
            done[cols] = start[cols]
        return done

    def dive(self, x_lp: np.ndarray) -> np.ndarray | None:
        """Fix-and-resolve from the LP: round up the shift starts at least ``DIVE_ROUND_UP`` fractional
        (else the most fractional ``DIVE_SHARE`` of them) as lower bounds, re-solve the LP from its basis,
        until no start is fractional; a rounding that breaks a headcount cap is made a rounding down.
        The last of ``DIVE_ROUNDS`` rounds rounds up every start still fractional. Headcounts are then
        rounded up. Returns a roster of the model, or None when the dive fails."""
        m, cols = self.model, self.shift_columns
        m.set_integer(False)
        self._limits(None)
        lower, upper = m.matrix.lower[cols].copy(), m.matrix.upper[cols].copy()
        x = x_lp[cols]
        try:
            for rounds_left in range(DIVE_ROUNDS - 1, -1, -1):
                pick = _dive_pick(x, last=rounds_left == 0)
                if not pick.any():
                    break
                trial = lower.copy()
                trial[pick] = np.ceil(x[pick])
                if rounds_left == 0:  # the last round fixes every start
                    trial = np.maximum(trial, np.round(x))
                    upper = trial.copy()
                m.set_shift_bounds(trial, upper)
                status = m.run()
                if status == "infeasible" and rounds_left > 0:  # a cap: round these down instead
                    upper[pick] = np.floor(x[pick] + 1e-6)
                    lower = np.minimum(lower, upper)
                    m.set_shift_bounds(lower, upper)
                    status = m.run()
                else:
                    lower = trial
                if status != "optimal":
                    self.run.cut_short |= status == "time limit reached"
                    return None
                x = m.values()[cols]
            values = m.values()
        finally:
            m.reset_shift_bounds()
        values[cols] = np.round(values[cols])
        people = np.setdiff1d(m.integer_columns, cols)
        values[people] = np.ceil(values[people] - 1e-6)
        return self.complete(values)

    def _fixed_lp(self, shifts: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """The LP with the shift starts fixed at ``shifts`` (warm-started from the last basis): its column
        values and reduced costs, or None when it has no optimum."""
        m = self.model
        m.set_integer(False)
        self._limits(None)
        m.set_shift_bounds(shifts, shifts)
        try:
            if m.run() != "optimal":
                return None
            solution = m.h.getSolution()
            return np.array(solution.col_value, dtype=float), np.array(solution.col_dual, dtype=float)
        finally:
            m.reset_shift_bounds()

    def fix_shifts(self, shifts: np.ndarray) -> np.ndarray | None:
        """The best roster with these shift starts: the LP with the starts fixed, headcounts rounded up.
        None when it is infeasible or rounding breaks a row."""
        solved = self._fixed_lp(shifts)
        if solved is None:
            return None
        values = solved[0]
        values[self.shift_columns] = shifts
        people = np.setdiff1d(self.model.integer_columns, self.shift_columns)
        values[people] = np.ceil(values[people] - 1e-6)
        return values if self.model.matrix.feasible(values) else None

    def reduced_costs(self, shifts: np.ndarray) -> np.ndarray | None:
        """The shift starts' reduced costs in the LP with the starts fixed at ``shifts``: how much one more
        agent on each would change the objective, to first order (None when that LP has no optimum)."""
        solved = self._fixed_lp(shifts)
        return None if solved is None else solved[1][self.shift_columns]

    def mip(self, bounds: tuple[np.ndarray, np.ndarray] | None, start: np.ndarray | None, limits: _Limits) -> _Mip:
        m = self.model
        m.set_integer(True)
        if bounds is not None:
            m.set_shift_bounds(*bounds)
        self._limits(limits)
        self.stop_when, self.interrupt = limits.stop_when, False
        try:
            if start is not None:
                m.set_start(start)
            return self._result(m.run())  # read before the bounds change: a change clears HiGHS's solution
        finally:
            self.stop_when = None
            if bounds is not None:
                m.reset_shift_bounds()

    def _result(self, status: str) -> _Mip:
        m = self.model
        info = m.info()
        timed_out = status == "time limit reached"
        if not m.has_solution():
            return _Mip(status, math.inf, float(info.mip_dual_bound), None, timed_out)
        values = m.values()
        if status in ("optimal", "objective target reached", "target for objective reached"):
            status = "gap reached" if float(info.mip_gap) > 1e-9 else "optimal"
        return _Mip(status, float(self.cost @ values), float(info.mip_dual_bound), values, timed_out)


class _CbcBackend:
    """CBC through PuLP (the fallback): the model is handed over at each stage; node limits as with HiGHS."""

    def __init__(self, run: _Solve) -> None:
        self.run = run
        variables = run.model.lp.variables()
        self.names = tuple(v.name for v in variables)
        position = {name: j for j, name in enumerate(self.names)}
        self.shift_columns = np.array([position[v.name] for v in run.model.shifts], dtype=np.int64)
        self.short_columns = np.array([position[v.name] for v in run.model.short.values()], dtype=np.int64)
        self.cost = np.zeros(len(variables))
        for v, c in run.model.lp.objective.items():
            self.cost[position[v.name]] = float(c)

    def _values(self) -> np.ndarray:
        return np.array([float(v.varValue or 0.0) for v in self.run.model.lp.variables()])

    def lp(self) -> tuple[float, np.ndarray]:
        model = self.run.model
        ints = [v for v in model.lp.variables() if v.cat == pulp.LpInteger]
        for v in ints:
            v.cat = pulp.LpContinuous
        try:
            _run_cbc(self.run, _Limits(gap=0.0), mip=False)
            if model.lp.status != pulp.LpStatusOptimal:
                raise SolverError(f"the LP relaxation ended with status {pulp.LpStatus[model.lp.status]}")
            return float(pulp.value(model.lp.objective) or 0.0), self._values()
        finally:
            for v in ints:
                v.cat = pulp.LpInteger

    def complete(self, start: np.ndarray) -> np.ndarray | None:
        return start  # CBC completes a partial start itself

    def dive(self, x_lp: np.ndarray) -> np.ndarray | None:
        return None

    def fix_shifts(self, shifts: np.ndarray) -> np.ndarray | None:
        return None  # the constructive cover runs with HiGHS only

    def reduced_costs(self, shifts: np.ndarray) -> np.ndarray | None:
        return None

    def feasible(self, values: np.ndarray) -> bool:
        return False  # CBC checks and completes a start itself

    def mip(self, bounds: tuple[np.ndarray, np.ndarray] | None, start: np.ndarray | None, limits: _Limits) -> _Mip:
        model = self.run.model
        saved = [(v.lowBound, v.upBound) for v in model.shifts]
        if bounds is not None:
            for v, lo, up in zip(model.shifts, *bounds, strict=True):
                v.lowBound, v.upBound = int(lo), int(up)
        if start is not None:
            _write_back(model, self, start)
        try:
            status, bound = _run_cbc(self.run, limits, mip=True, start=start is not None)
        finally:
            for v, (lo, up) in zip(model.shifts, saved, strict=True):
                v.lowBound, v.upBound = lo, up
        solved = model.lp.status == pulp.LpStatusOptimal and all(v.varValue is not None for v in model.shifts)
        timed_out = status == "time limit"
        if not solved:
            return _Mip(status, math.inf, bound, None, timed_out)
        values = self._values()
        return _Mip(status, float(self.cost @ values), bound, values, timed_out)


_BANNER_SHOWN: list[str] = []
_BANNER_LOCK = threading.Lock()


def _highs_banner() -> str:
    """HiGHS prints its banner on the process's standard output (C level) when the first ``Highs``
    object is made, before any option can turn it off. Make that first object here with file
    descriptor 1 pointed at a temporary file, and return the banner (empty after the first call)."""
    with _BANNER_LOCK:
        if _BANNER_SHOWN:
            return ""
        import ctypes

        import highspy

        sys.stdout.flush()
        libc = ctypes.CDLL(None)
        libc.fflush(None)
        try:
            saved = os.dup(1)
        except OSError:  # no standard output at all: nothing to protect
            highspy.Highs()
            _BANNER_SHOWN.append("")
            return ""
        with tempfile.TemporaryFile() as tmp:
            try:
                os.dup2(tmp.fileno(), 1)
                highspy.Highs()
                libc.fflush(None)
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            tmp.seek(0)
            text = tmp.read().decode("utf-8", errors="replace")
        _BANNER_SHOWN.append(text)
        return text


def _highs_callback(run: _Solve, backend: _HighsBackend) -> Callable[[object, str, Any, Any, object], None]:
    """HiGHS's callback: log lines and improving rosters become progress events; the backend's
    ``stop_when`` interrupts the MIP once an improving roster satisfies it."""
    import highspy

    kinds = highspy.cb.HighsCallbackType

    def callback(kind: object, message: str, data_out: Any, data_in: Any, _user: object) -> None:
        if kind == kinds.kCallbackLogging:
            if run.report:
                for line in message.splitlines():
                    if line.strip():
                        run.report.log_line(line.rstrip())
        elif kind == kinds.kCallbackMipImprovingSolution:
            solution = np.asarray(data_out.mip_solution, dtype=float)
            run.report.emit(
                ProgressKind.INCUMBENT_FOUND,
                stage=run.stage,
                stage_number=_STAGE_NUMBERS.get(run.stage),
                objective=_incumbent_cost(backend, solution, float(data_out.objective_function_value)),
                bound=float(data_out.mip_dual_bound),
            )
            if backend.stop_when is not None and not backend.interrupt:
                backend.interrupt = bool(backend.stop_when(solution))
        elif kind in interrupt_kinds:
            done = backend.interrupt and kind == kinds.kCallbackMipInterrupt
            data_in.user_interrupt = bool(done or interrupts.requested())  # a signal stops any phase

    interrupt_kinds = _interrupt_kinds()
    return callback


def _incumbent_cost(backend: _HighsBackend, solution: np.ndarray, reported: float) -> float:
    """The cost of an improving roster HiGHS reports: the model's cost of its columns. HiGHS 1.16's
    ``objective_function_value`` in that callback can leave out the objective offset of the presolved
    model (a full-MIP roster of 232,777.59 was reported as 230,364.11, below the LP bound);
    ``reported`` is used only when the solution has not the model's columns."""
    return float(backend.cost @ solution) if solution.shape == backend.cost.shape else reported


def _interrupt_kinds() -> tuple[Any, ...]:
    """The HiGHS callbacks that may stop a solve (a signal arrived: see :mod:`planner.interrupts`)."""
    import highspy

    kinds = highspy.cb.HighsCallbackType
    return (kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt, kinds.kCallbackMipInterrupt)


_CBC_INCUMBENT = re.compile(r"Integer solution of\s+([-\d.eE+]+)\s+found")


def _run_cbc(run: _Solve, limits: _Limits, mip: bool, start: bool = False) -> tuple[str, float]:
    """One CBC call; its log file is followed (as progress events) while it runs."""
    work = tempfile.mkdtemp(prefix="planner-cbc-")  # CBC's model, solution and log files; removed below
    with interrupts.temporary_folder(work):
        return _run_cbc_in(run, limits, mip, start, work)


def _run_cbc_in(run: _Solve, limits: _Limits, mip: bool, start: bool, work: str) -> tuple[str, float]:
    """One CBC call with its files in the folder ``work`` (removed at the end)."""
    model = run.model
    log_path = os.path.join(work, "cbc.log")
    open(log_path, "w").close()
    stop = threading.Event()
    follower = None
    if run.report:
        follower = threading.Thread(target=_follow, args=(log_path, run, stop), daemon=True)
        follower.start()
    try:
        solver = _bundled_cbc(
            msg=False,
            mip=mip,
            gapRel=limits.gap if mip else None,
            gapAbs=limits.gap_abs if mip else None,
            maxNodes=limits.max_nodes if mip else None,
            timeLimit=run.remaining(limits.reserve),
            threads=run.options.threads,
            logPath=log_path,
            warmStart=start,
            options=["randomSeed 1", "randomCbcSeed 1"],
        )
        solver.tmpDir = work
        model.lp.solve(solver)
    finally:
        stop.set()
        if follower is not None:
            follower.join(timeout=2)
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        shutil.rmtree(work, ignore_errors=True)
    return _cbc_status(model, text, mip)


def _cbc_status(model: RosterModel, text: str, mip: bool) -> tuple[str, float]:
    """(status text, best bound) from CBC's result and log."""
    objective = float(pulp.value(model.lp.objective) or 0.0) if model.lp.status == pulp.LpStatusOptimal else math.inf
    bound = objective
    m = re.search(r"(?:Lower bound|Objective value):\s*([-\d.eE+]+)", text)
    found = re.search(r"Lower bound:\s*([-\d.eE+]+)", text)
    if found:
        bound = float(found.group(1))
    elif m and not mip:
        bound = float(m.group(1))
    status = "optimal"
    if "Stopped on time" in text or "stopped on time" in text.lower():
        status = "time limit"
    elif mip and math.isfinite(objective) and objective - bound > 1e-9:
        status = "gap reached"
    return status, bound


def _follow(path: str, run: _Solve, stop: threading.Event) -> None:
    def emit(line: str) -> None:
        run.report.log_line(line.rstrip())
        found = _CBC_INCUMBENT.search(line)
        if found:
            number = _STAGE_NUMBERS.get(run.stage)
            kind = ProgressKind.INCUMBENT_FOUND
            run.report.emit(kind, stage=run.stage, stage_number=number, objective=float(found.group(1)))

    with open(path, encoding="utf-8", errors="replace") as fh:
        while not stop.is_set():
            line = fh.readline()
            if line:
                emit(line)
            else:
                time.sleep(0.2)
        for line in fh:
            emit(line)


_STAGE_NUMBERS: dict[Stage | None, int] = {Stage.LP_BOUND: 1, Stage.RESTRICTED_MIP: 2, Stage.FULL_MIP: 3}
