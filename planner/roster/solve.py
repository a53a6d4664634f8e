"""Solve the roster model with HiGHS (through highspy) or CBC (bundled with PuLP).

Before the integer program, its LP relaxation is solved to report an honest lower bound
on the cost; then the MIP runs to the relative gap or the time limit. Status, objective,
best bound, gap and seconds are reported. With a progress callback, the stages, the rosters found
and the solver's log lines reach it as events (HiGHS through its callbacks, CBC by following its
log file); the solver never writes to the console.
"""

from __future__ import annotations

import math
import os
import re
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pulp

from planner.domain import Settings, SolverChoice
from planner.errors import SolverError, SolverTimeLimitError
from planner.roster.neighbourhood import (
    Bounds,
    apply_bounds,
    lp_neighbourhood,
    mip_start,
    repair_neighbourhood,
    repair_penalty,
    shift_neighbourhood,
    whole_shift_starts,
)
from planner.roster.progress import ProgressFn, ProgressKind, Reporter, Stage
from planner.roster.rules import RosterModel

#: A stage (repair, full MIP) is not started with less of the time limit left than this:
#: building the solver's copy of a large model alone takes seconds.
MIN_STAGE_SECONDS = 3.0
#: Each step of the tour model's stage 2 gets at least this long, past the time limit if need be: without
#: it, a loaded machine that spent the budget on the LP would return the crude rounded start.
MIN_TOUR_STEP_SECONDS = 8.0
#: The tour model's stage 2 also tries the LP's tours rounded up when its roster is further than this
#: from the LP bound (a loaded machine that cut its steps short).
FALLBACK_GAP = 0.03
#: The tour model's whole-people step stops at a roster this close to the LP bound (or twice the gap).
PEOPLE_GAP = 0.01


@dataclass(frozen=True)
class SolveOptions:
    """How to solve: which solver, the time limit for the whole solve (seconds), the relative gap
    at which to stop, and the solver's threads (None: its default)."""

    solver: SolverChoice = SolverChoice.AUTO
    time_limit: float = 50.0
    gap: float = 0.005
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
    status: str  # optimal | gap reached | time limit | infeasible | ...
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
    """One solve's shared state: the model, the solver, the time budget and the progress reporter."""

    def __init__(self, model: RosterModel, options: SolveOptions, progress: ProgressFn | None) -> None:
        self.model = model
        self.options = options
        self.name = choose_solver(options.solver)
        self.start = time.perf_counter()
        self.deadline = self.start + options.time_limit
        self.report = Reporter(progress, self.start)
        self.stage: Stage | None = None
        self.relaxed = False  # solving with some integers relaxed: its solutions are not rosters

    def remaining(self) -> float:
        return max(1.0, self.deadline - time.perf_counter())

    def time_left(self) -> bool:
        """Whether enough of the budget is left for another stage to achieve anything."""
        return self.deadline - time.perf_counter() >= MIN_STAGE_SECONDS

    def repair_budget(self) -> float:
        return min(self.remaining(), max(5.0, 0.15 * self.options.time_limit))

    def begin(self, stage: Stage, number: int | None = None, message: str = "") -> None:
        self.stage = stage
        self.report.emit(ProgressKind.STAGE_STARTED, stage=stage, stage_number=number, message=message)

    def end(self, number: int | None = None, objective: float | None = None, bound: float | None = None) -> None:
        kind = ProgressKind.STAGE_ENDED
        self.report.emit(kind, stage=self.stage, stage_number=number, objective=objective, bound=bound)

    def values(self) -> dict[str, float]:
        return {v.name: float(v.varValue or 0.0) for v in self.model.lp.variables()}

    def objective(self) -> float:
        return float(pulp.value(self.model.lp.objective) or 0.0)

    def solved(self) -> bool:
        return self.model.lp.status == pulp.LpStatusOptimal and _has_solution(self.model)


def solve_model(model: RosterModel, options: SolveOptions, progress: ProgressFn | None = None) -> SolveInfo:
    """Solve the roster model; the solution values land on the model's variables.

    Three stages share one time budget (``options.time_limit``):

    1. the LP relaxation, whose optimum is a lower bound on any roster's cost;
    2. an LP-guided restricted MIP: shift starts the LP leaves at zero stay at zero and
       the others may take a whole value from floor(x) to ceil(x) + 1 (a RENS-style
       neighbourhood; Berthold, "RENS: the optimal rounding", Math. Prog. Comp. 6, 2014).
       Every roster it finds is a roster of the full model;
    3. if that roster is not yet within ``options.gap`` of the LP bound, the full MIP,
       warm-started from it, until the gap or the time limit.

    A roster within the gap may still leave a small shortfall whose penalty is inside the
    tolerance. After stage 2 (and again after stage 3, if it ran) a repair step frees the
    shift options within a day of the shortfall, of the pools that could serve it (each may
    move by two agents), and re-solves with everything else fixed: a shortfall is covered
    wherever covering it costs less than its penalty. ``progress`` receives the stages'
    events and the solver's log lines.
    """
    run = _Solve(model, options, progress)
    lp_bound, x_lp, rounded = _lp_bound_stage(run)
    lp_seconds = time.perf_counter() - run.start
    # a roster at or below this cost is within the gap of the LP bound: stop there
    target = lp_bound / (1.0 - options.gap) if options.gap > 0 else lp_bound
    best, incumbent = _restricted_mip_stage(run, x_lp, rounded, target)
    if incumbent is not None and run.time_left():
        # if the roster is already within the gap, stage 3 will not run: the repair may use the rest
        budget = run.remaining if _gap(best, lp_bound) <= options.gap else run.repair_budget
        repaired = _repair(run, budget)
        if repaired is not None and (repaired < best or model.tours):  # tours: covering is worth a person
            best = repaired
            incumbent = run.values()
    bound = lp_bound
    status = "gap reached"
    full_mip = incumbent is None or _gap(best, lp_bound) > options.gap
    if full_mip and incumbent is not None and not run.time_left():
        status = "time limit"
        run.report.emit(ProgressKind.STAGE_SKIPPED, stage=Stage.FULL_MIP, stage_number=3, message="time limit reached")
    elif full_mip:
        best, bound, status = _full_mip_stage(run, best, incumbent, lp_bound, target)
    else:
        run.report.emit(
            ProgressKind.STAGE_SKIPPED,
            stage=Stage.FULL_MIP,
            stage_number=3,
            message=f"the restricted MIP roster is within {_gap(best, lp_bound):.3%} of the LP bound",
        )
    seconds = time.perf_counter() - run.start
    if _gap(best, bound) <= 1e-9:
        status = "optimal"
    return SolveInfo(run.name, status, best, bound, _gap(best, bound), lp_bound, seconds, lp_seconds)


def _lp_bound_stage(run: _Solve) -> tuple[float, dict[str, float], dict[str, float]]:
    """Stage 1: the LP relaxation. Returns its optimum (a lower bound on any roster's cost), the LP's
    shift starts, and the LP roster rounded up (a start for stage 2, so that even a solve cut short by
    its time limit returns a roster near the LP bound rather than a crude first one)."""
    model = run.model
    run.begin(Stage.LP_BOUND, 1)
    ints = [v for v in model.lp.variables() if v.cat == pulp.LpInteger]
    for v in ints:
        v.cat = pulp.LpContinuous
    try:
        _run(run, run.options, run.remaining(), mip=False)
        if model.lp.status != pulp.LpStatusOptimal:
            raise SolverError(f"the LP relaxation ended with status {pulp.LpStatus[model.lp.status]}")
        lp_bound = run.objective()
        lp_values = run.values()
        x_lp = lp_values
        rounded = mip_start(model, lp_values)
    finally:
        for v in ints:
            v.cat = pulp.LpInteger
    run.end(1, bound=lp_bound)
    return lp_bound, x_lp, rounded


def _restricted_mip_stage(
    run: _Solve, x_lp: dict[str, float], rounded: dict[str, float], target: float
) -> tuple[float, dict[str, float] | None]:
    """Stage 2: the MIP with each shift start held near its LP value. Returns the roster's cost and
    values (inf and None when it found none)."""
    model, options = run.model, run.options
    if model.tours:
        run.begin(Stage.RESTRICTED_MIP, 2, "whole people per tour, then whole shift starts")
        value, found = _restricted_tour_stage(run, x_lp, rounded, target)
        run.end(2, objective=value if found is not None else None)
        return value, found
    saved = apply_bounds(lp_neighbourhood(model, x_lp))
    incumbent: dict[str, float] | None = None
    best = math.inf
    run.begin(Stage.RESTRICTED_MIP, 2)
    try:
        reserve = min(30.0, 0.2 * options.time_limit)  # kept for the repair step and the rest
        budget = max(1.0, run.remaining() - reserve)
        _run(run, replace(options, gap=options.gap / 2), budget, mip=True, start=rounded, target=target)
        if run.solved():
            best = run.objective()
            incumbent = run.values()
    finally:
        apply_bounds(saved)
    run.end(2, objective=best if incumbent is not None else None)
    return best, incumbent


def _restricted_tour_stage(
    run: _Solve, x_lp: dict[str, float], rounded: dict[str, float], target: float
) -> tuple[float, dict[str, float] | None]:
    """Stage 2 with tours (see planner.roster.neighbourhood): whole people per tour near the LP with the
    shift starts continuous (few integer variables; stopped within ``PEOPLE_GAP`` of the LP bound, found in
    seconds), then whole shift starts for those tours (the slow step), leaving a tenth of the time limit
    for the repair of a shortfall. The LP's tours rounded up (``rounded``) give
    a roster to fall back on (quick, a few per cent above the bound) when those steps find none within
    ``FALLBACK_GAP`` of the LP bound."""
    lp_bound = target * (1.0 - run.options.gap)
    people = _whole_people_step(run, x_lp, rounded, lp_bound / (1.0 - max(2 * run.options.gap, PEOPLE_GAP)))
    best, incumbent = math.inf, None
    if people is not None:
        budget = max(MIN_TOUR_STEP_SECONDS, run.remaining() - 0.1 * run.options.time_limit)
        best, incumbent = _whole_shift_step(run, people, budget)
    if incumbent is None or _gap(best, lp_bound) > FALLBACK_GAP:
        value, values = _whole_shift_step(run, rounded, MIN_TOUR_STEP_SECONDS, room=1)
        if value < best:
            best, incumbent = value, values
    if incumbent is not None:
        _assign(run.model, incumbent)  # the best roster's values, whichever step found it
    return best, incumbent


def _whole_people_step(
    run: _Solve, x_lp: dict[str, float], start: dict[str, float], target: float
) -> dict[str, float] | None:
    """The MIP with whole people per tour and continuous shift starts, near the LP; stops at ``target``."""
    model, options = run.model, run.options
    budget = max(MIN_TOUR_STEP_SECONDS, 0.35 * run.remaining())
    for v in model.shifts:
        v.cat = pulp.LpContinuous
    saved = apply_bounds(lp_neighbourhood(model, x_lp))
    run.relaxed = True
    try:
        _run(run, options, budget, mip=True, start=start, target=target)
        return run.values() if run.solved() else None
    finally:
        run.relaxed = False
        for v in model.shifts:
            v.cat = pulp.LpInteger
        apply_bounds(saved)


def _whole_shift_step(
    run: _Solve, people: dict[str, float], budget: float, room: int = 0, target: float | None = None
) -> tuple[float, dict[str, float] | None]:
    """The MIP over shift starts with the tours at ``people``'s whole values (``room``: see
    planner.roster.neighbourhood.shift_neighbourhood)."""
    saved = apply_bounds(shift_neighbourhood(run.model, people, room))
    try:
        _run(run, run.options, budget, mip=True, start=whole_shift_starts(run.model, people), target=target)
        if run.solved():
            return run.objective(), run.values()
    finally:
        apply_bounds(saved)
    return math.inf, None


def _full_mip_stage(
    run: _Solve, best: float, incumbent: dict[str, float] | None, lp_bound: float, target: float
) -> tuple[float, float, str]:
    """Stage 3: the full MIP, warm-started from the incumbent, then a repair. Returns the best cost,
    the best bound and the status; the best roster's values are left on the model."""
    model, options = run.model, run.options
    run.begin(Stage.FULL_MIP, 3, "warm-started" if incumbent else "")
    bound = lp_bound
    status = "gap reached"
    mip_status, mip_bound = _run(run, options, run.remaining(), mip=True, start=incumbent, target=target)
    if run.solved():
        value = run.objective()
        bound = max(lp_bound, mip_bound)
        status = mip_status
        if value <= best:
            best, incumbent = value, None
    if incumbent is not None:
        _assign(model, incumbent)
    if not math.isfinite(best):
        raise SolverTimeLimitError(
            f"the solver found no roster within its time limit of {options.time_limit:g} s; a longer one may find one"
        )
    if time.perf_counter() >= run.deadline - 1e-3 and _gap(best, bound) > options.gap:
        status = "time limit"
    run.end(3, objective=best, bound=bound)
    if run.time_left():
        repaired = _repair(run, run.repair_budget)  # the full MIP may leave a shortfall too
        if repaired is not None and (repaired < best or model.tours):
            best = repaired
    return best, bound, status


def _repair(run: _Solve, remaining: Callable[[], float]) -> float | None:
    """Cover shortfalls that cost less to cover than their penalty (see solve_model).

    The shift options near a shortfall of the pools that could serve it (see
    :func:`planner.roster.rules.shortfall_neighbourhood`) may move by up to two agents (options at
    zero may take up to two); every other shift count stays fixed. That lets a capped pool
    move a shift to the short hour while another pool takes over the hour it leaves.
    """
    model = run.model
    current = run.values()
    bounds, n_free = repair_neighbourhood(model, current)
    if not n_free:
        return None
    with repair_penalty(model):
        improved = _repair_solve(run, remaining, current, bounds, n_free)
    if not improved:
        _assign(model, current)
        return None
    return run.objective()


def _repair_solve(
    run: _Solve, remaining: Callable[[], float], current: dict[str, float], bounds: Bounds, n_free: int
) -> bool:
    """The repair's solve (see _repair); whether it found a cheaper roster (at the objective in force)."""
    model = run.model
    before = run.objective()
    saved = apply_bounds(bounds)
    run.begin(Stage.REPAIR, message=f"{n_free} shift options near the shortfall may move")
    try:
        # stop as soon as a roster covers every shortfall, else within the penalty of 0.001
        # agent-hours of the best bound
        tolerance = 0.001 * model.problem.penalty * model.problem.interval_hours
        shorts = list(model.short.values())

        def covered(values: Any) -> bool:
            return sum(float(values[v.index]) for v in shorts) <= 1e-6

        options = replace(run.options, gap=1e-9)
        _run(run, options, remaining(), mip=True, start=current, gap_abs=tolerance, stop_when=covered)
        after = run.objective() if run.solved() else math.inf
    finally:
        apply_bounds(saved)
    run.end(objective=after if after < before - 1e-6 else before)
    return after < before - 1e-6


def _gap(value: float, bound: float) -> float:
    if not math.isfinite(value):
        return math.inf
    return max(0.0, (value - bound) / max(abs(value), 1e-9))


def _assign(model: RosterModel, values: dict[str, float]) -> None:
    for v in model.lp.variables():
        v.varValue = values.get(v.name, 0.0)


def _run(
    run: _Solve,
    options: SolveOptions,
    time_limit: float,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
    target: float | None = None,
    stop_when: Callable[[Any], bool] | None = None,
) -> tuple[str, float]:
    """One solver call; returns (status text, best bound). ``target``: stop (MIP) at the first
    roster whose cost is at or below it; ``stop_when``: stop once an improving roster (its
    column values) satisfies it (HiGHS only)."""
    model = run.model
    if run.name == "highs":
        solver = _highs_solver(
            run, options, time_limit, mip=mip, start=start, gap_abs=gap_abs, target=target, stop_when=stop_when
        )
        model.lp.solve(solver)
        h = model.lp.solverModel
        info = h.getInfo()
        text = h.modelStatusToString(h.getModelStatus()).lower()
        if mip and text in ("optimal", "objective target reached", "target for objective reached"):
            text = "gap reached" if float(info.mip_gap) > 1e-9 else "optimal"
        bound = float(info.mip_dual_bound) if mip else float(info.objective_function_value)
        return text, bound
    return _run_cbc(run, options, time_limit, mip=mip, start=start, gap_abs=gap_abs)


def _has_solution(model: RosterModel) -> bool:
    return all(v.varValue is not None for v in model.shifts)


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


def _highs_callback(
    run: _Solve, stop_when: Callable[[Any], bool] | None
) -> Callable[[object, str, Any, Any, object], None]:
    """HiGHS's callback: log lines and improving rosters become progress events; ``stop_when``
    interrupts the MIP once an improving roster satisfies it."""
    import highspy

    kinds = highspy.cb.HighsCallbackType
    stop = {"now": False}

    def callback(kind: object, message: str, data_out: Any, data_in: Any, _user: object) -> None:
        if kind == kinds.kCallbackLogging:
            for line in message.splitlines():
                if line.strip():
                    run.report.log_line(line.rstrip())
        elif kind == kinds.kCallbackMipImprovingSolution and not run.relaxed:
            run.report.emit(
                ProgressKind.INCUMBENT_FOUND,
                stage=run.stage,
                stage_number=_STAGE_NUMBERS.get(run.stage),
                objective=float(data_out.objective_function_value),
                bound=float(data_out.mip_dual_bound),
            )
            if stop_when is not None:
                stop["now"] = stop["now"] or bool(stop_when(data_out.mip_solution))
        elif kind == kinds.kCallbackMipInterrupt and stop["now"]:
            data_in.user_interrupt = True

    return callback


def _highs_solver(
    run: _Solve,
    options: SolveOptions,
    time_limit: float,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
    target: float | None = None,
    stop_when: Callable[[Any], bool] | None = None,
) -> pulp.LpSolver:
    import highspy

    for line in _highs_banner().splitlines():
        if line.strip():
            run.report.log_line(line.rstrip())

    class WarmHiGHS(pulp.HiGHS):
        """PuLP's HiGHS interface, handing HiGHS a starting roster when there is one."""

        def callSolver(self, lp: pulp.LpProblem) -> None:
            if start:
                sol = highspy.HighsSolution()
                sol.col_value = [start.get(v.name, 0.0) for v in lp.variables()]
                sol.value_valid = True
                lp.solverModel.setSolution(sol)
            super().callSolver(lp)

    # the log goes to the logging callback only, never to the console
    kwargs: dict[str, object] = {"random_seed": 0, "log_to_console": False}
    if not mip and run.model.tours:
        kwargs["solver"] = "ipm"  # the tour model's LP: interior point (with crossover) is about twice as fast
    if mip and target is not None:
        kwargs["objective_target"] = float(target)
    kinds = highspy.cb.HighsCallbackType
    active = []
    if run.report:
        active.append(kinds.kCallbackLogging)
    if mip and (stop_when is not None or run.report):
        active.append(kinds.kCallbackMipImprovingSolution)
    if mip and stop_when is not None:
        active.append(kinds.kCallbackMipInterrupt)
    if active:
        kwargs["callbackTuple"] = (_highs_callback(run, stop_when), None)
        kwargs["callbacksToActivate"] = active
    return WarmHiGHS(
        mip=mip,
        msg=bool(run.report),
        gapRel=options.gap if mip else None,
        gapAbs=gap_abs if mip else None,
        timeLimit=time_limit,
        threads=options.threads,
        **kwargs,
    )


_CBC_INCUMBENT = re.compile(r"Integer solution of\s+([-\d.eE+]+)\s+found")


def _run_cbc(
    run: _Solve,
    options: SolveOptions,
    time_limit: float,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
) -> tuple[str, float]:
    """One CBC call; its log file is followed (as progress events) while it runs."""
    model = run.model
    fd, log_path = tempfile.mkstemp(prefix="planner-cbc-", suffix=".log")
    os.close(fd)
    stop = threading.Event()
    follower = None
    if run.report:
        follower = threading.Thread(target=_follow, args=(log_path, run, stop), daemon=True)
        follower.start()
    if start:
        _assign(model, start)
    try:
        solver = _bundled_cbc(
            msg=False,
            mip=mip,
            gapRel=options.gap if mip else None,
            timeLimit=time_limit,
            threads=options.threads,
            logPath=log_path,
            warmStart=bool(start),
            options=["randomSeed 1", "randomCbcSeed 1"],
        )
        model.lp.solve(solver)
    finally:
        stop.set()
        if follower is not None:
            follower.join(timeout=2)
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        os.unlink(log_path)
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
