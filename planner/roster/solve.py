"""Solve the roster model with HiGHS (through highspy) or CBC (bundled with PuLP).

Before the integer program, its LP relaxation is solved to report an honest lower bound
on the cost; then the MIP runs to the relative gap or the time limit. Status, objective,
best bound, gap and seconds are reported. With ``log`` set, the solver's log is streamed
to it line by line (HiGHS through its logging callback, CBC by following its log file).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pulp

from planner import interrupts
from planner.domain import SolverChoice
from planner.errors import SolverError
from planner.roster.rules import RosterModel, rounded_start, shortfall_neighbourhood

LogFn = Callable[[str], None]

#: A stage (repair, full MIP) is not started with less of the time limit left than this:
#: building the solver's copy of a large model alone takes seconds.
MIN_STAGE_SECONDS = 3.0


@dataclass(frozen=True)
class SolveOptions:
    solver: SolverChoice = SolverChoice.AUTO
    time_limit: float = 50.0
    gap: float = 0.005
    threads: int | None = None
    lp_bound: bool = True


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


def solve_model(model: RosterModel, options: SolveOptions, log: LogFn | None = None) -> SolveInfo:
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
    wherever covering it costs less than its penalty.
    """
    name = choose_solver(options.solver)
    start = time.perf_counter()
    deadline = start + options.time_limit

    def remaining() -> float:
        return max(1.0, deadline - time.perf_counter())

    def time_left() -> bool:
        """Whether enough of the budget is left for another stage to achieve anything."""
        return deadline - time.perf_counter() >= MIN_STAGE_SECONDS

    def repair_budget() -> float:
        return min(remaining(), max(5.0, 0.15 * options.time_limit))

    ints = [v for v in model.lp.variables() if v.cat == pulp.LpInteger]
    for v in ints:
        v.cat = pulp.LpContinuous
    try:
        if log:
            log("stage 1/3: LP relaxation (lower bound)")
        _run(model, name, options, remaining(), log, mip=False)
        if model.lp.status != pulp.LpStatusOptimal:
            raise SolverError(f"the LP relaxation ended with status {pulp.LpStatus[model.lp.status]}")
        lp_bound = float(pulp.value(model.lp.objective) or 0.0)
        lp_values = {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}
        x_lp = [lp_values[v.name] for v in model.shifts]
        # the LP roster rounded up: a start for stage 2, so that even a solve cut short by
        # its time limit returns a roster near the LP bound rather than a crude first one
        rounded = rounded_start(model, lp_values)
    finally:
        for v in ints:
            v.cat = pulp.LpInteger
    lp_seconds = time.perf_counter() - start

    # a roster at or below this cost is within the gap of the LP bound: stop there
    target = lp_bound / (1.0 - options.gap) if options.gap > 0 else lp_bound

    # stage 2: restricted MIP around the LP solution
    saved = [(v.lowBound, v.upBound) for v in model.shifts]
    for v, x in zip(model.shifts, x_lp, strict=True):
        if x <= 1e-6:
            v.lowBound, v.upBound = 0, 0
        else:
            v.lowBound, v.upBound = math.floor(x + 1e-6), math.ceil(x - 1e-6) + 1
    incumbent: dict[str, float] | None = None
    best = math.inf
    try:
        if log:
            log("stage 2/3: restricted MIP around the LP solution")
        reserve = min(30.0, 0.2 * options.time_limit)  # kept for the repair step and the rest
        _run(
            model,
            name,
            replace(options, gap=options.gap / 2),
            max(1.0, remaining() - reserve),
            log,
            mip=True,
            start=rounded,
            target=target,
        )
        if model.lp.status == pulp.LpStatusOptimal and _has_solution(model):
            best = float(pulp.value(model.lp.objective) or 0.0)
            incumbent = {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}
    finally:
        for v, (lo, up) in zip(model.shifts, saved, strict=True):
            v.lowBound, v.upBound = lo, up

    if incumbent is not None and time_left():
        # if the roster is already within the gap, stage 3 will not run: the repair may use the rest
        budget = remaining if _gap(best, lp_bound) <= options.gap else repair_budget
        repaired = _repair(model, name, options, budget, log)
        if repaired is not None and repaired < best:
            best = repaired
            incumbent = {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}

    bound = lp_bound
    status = "gap reached"
    full_mip = incumbent is None or _gap(best, lp_bound) > options.gap
    if full_mip and incumbent is not None and not time_left():
        status = "time limit"
        if log:
            log("stage 3/3 skipped: the time limit is reached")
    elif full_mip:
        if log:
            log("stage 3/3: full MIP" + (" warm-started" if incumbent else ""))
        mip_status, mip_bound = _run(model, name, options, remaining(), log, mip=True, start=incumbent, target=target)
        if model.lp.status == pulp.LpStatusOptimal and _has_solution(model):
            value = float(pulp.value(model.lp.objective) or 0.0)
            bound = max(lp_bound, mip_bound)
            status = mip_status
            if value <= best:
                best, incumbent = value, None
        if incumbent is not None:
            _assign(model, incumbent)
        if not math.isfinite(best):
            raise SolverError(f"the solver found no roster within {options.time_limit:g} s; try a longer --time-limit")
        if time.perf_counter() >= deadline - 1e-3 and _gap(best, bound) > options.gap:
            status = "time limit"
        if time_left():
            repaired = _repair(model, name, options, repair_budget, log)  # the full MIP may leave a shortfall too
            if repaired is not None and repaired < best:
                best = repaired
    elif log:
        log(f"restricted MIP roster is within {_gap(best, lp_bound):.3%} of the LP bound: done")
    seconds = time.perf_counter() - start
    if _gap(best, bound) <= 1e-9:
        status = "optimal"
    return SolveInfo(name, status, best, bound, _gap(best, bound), lp_bound, seconds, lp_seconds)


def _repair(
    model: RosterModel, name: str, options: SolveOptions, remaining: Callable[[], float], log: LogFn | None
) -> float | None:
    """Cover shortfalls that cost less to cover than their penalty (see solve_model).

    The shift options near a shortfall of the pools that could serve it (see
    :func:`planner.roster.rules.shortfall_neighbourhood`) may move by up to two agents (options at
    zero may take up to two); every other shift count stays fixed. That lets a capped pool
    move a shift to the short hour while another pool takes over the hour it leaves.
    """
    free = set(shortfall_neighbourhood(model))
    if not free:
        return None
    current = {v.name: float(v.varValue or 0.0) for v in model.lp.variables()}
    before = float(pulp.value(model.lp.objective) or 0.0)
    saved = [(v.lowBound, v.upBound) for v in model.shifts]
    for o, v in enumerate(model.shifts):
        x = round(current[v.name])
        v.lowBound, v.upBound = (max(0, x - 2), x + 2) if o in free else (x, x)
    try:
        if log:
            log(f"repair: {len(free)} shift options near the shortfall may move")
        # stop as soon as a roster covers every shortfall, else within the penalty of 0.001
        # agent-hours of the best bound
        tolerance = 0.001 * model.problem.penalty * model.problem.interval_hours
        shorts = list(model.short.values())

        def covered(values: Any) -> bool:
            return sum(float(values[v.index]) for v in shorts) <= 1e-6

        _run(
            model,
            name,
            replace(options, gap=1e-9),
            remaining(),
            log,
            mip=True,
            start=current,
            gap_abs=tolerance,
            stop_when=covered,
        )
        ok = model.lp.status == pulp.LpStatusOptimal and _has_solution(model)
        after = float(pulp.value(model.lp.objective) or 0.0) if ok else math.inf
    finally:
        for v, (lo, up) in zip(model.shifts, saved, strict=True):
            v.lowBound, v.upBound = lo, up
    if after < before - 1e-6:
        if log:
            log(f"repair: cost {before:,.2f} -> {after:,.2f}")
        return after
    _assign(model, current)
    return None


def _gap(value: float, bound: float) -> float:
    if not math.isfinite(value):
        return math.inf
    return max(0.0, (value - bound) / max(abs(value), 1e-9))


def _assign(model: RosterModel, values: dict[str, float]) -> None:
    for v in model.lp.variables():
        v.varValue = values.get(v.name, 0.0)


def _run(
    model: RosterModel,
    name: str,
    options: SolveOptions,
    time_limit: float,
    log: LogFn | None,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
    target: float | None = None,
    stop_when: Callable[[Any], bool] | None = None,
) -> tuple[str, float]:
    """One solver call; returns (status text, best bound). ``target``: stop (MIP) at the first
    roster whose cost is at or below it; ``stop_when``: stop once an improving roster (its
    column values) satisfies it (HiGHS only)."""
    if name == "highs":
        solver = _highs_solver(
            options, time_limit, log, mip=mip, start=start, gap_abs=gap_abs, target=target, stop_when=stop_when
        )
        with interrupts.native_call():  # HiGHS stops through its interrupt callbacks
            model.lp.solve(solver)
        h = model.lp.solverModel
        info = h.getInfo()
        text = h.modelStatusToString(h.getModelStatus()).lower()
        if mip and text in ("optimal", "objective target reached", "target for objective reached"):
            text = "gap reached" if float(info.mip_gap) > 1e-9 else "optimal"
        bound = float(info.mip_dual_bound) if mip else float(info.objective_function_value)
        return text, bound
    return _run_cbc(model, options, time_limit, log, mip=mip, start=start, gap_abs=gap_abs)


def _has_solution(model: RosterModel) -> bool:
    return all(v.varValue is not None for v in model.shifts)


def _highs_solver(
    options: SolveOptions,
    time_limit: float,
    log: LogFn | None,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
    target: float | None = None,
    stop_when: Callable[[Any], bool] | None = None,
) -> pulp.LpSolver:
    import highspy

    class WarmHiGHS(pulp.HiGHS):
        """PuLP's HiGHS interface, handing HiGHS a starting roster when there is one."""

        def callSolver(self, lp: pulp.LpProblem) -> None:
            if start:
                sol = highspy.HighsSolution()
                sol.col_value = [start.get(v.name, 0.0) for v in lp.variables()]
                sol.value_valid = True
                lp.solverModel.setSolution(sol)
            super().callSolver(lp)

    kwargs: dict[str, object] = {"random_seed": 0, "log_to_console": False}
    if mip and target is not None:
        kwargs["objective_target"] = float(target)
    kinds = highspy.cb.HighsCallbackType
    # polled by HiGHS in every phase: a signal stops the solve within a fraction of a second
    interrupt_kinds = (kinds.kCallbackSimplexInterrupt, kinds.kCallbackIpmInterrupt, kinds.kCallbackMipInterrupt)
    active = list(interrupt_kinds)
    stop = {"now": False}

    def callback(kind: object, message: str, data_out: Any, data_in: Any, _user: object) -> None:
        if kind == kinds.kCallbackLogging:
            if log is not None:
                for line in message.splitlines():
                    if line.strip():
                        log(line.rstrip())
        elif kind == kinds.kCallbackMipImprovingSolution and stop_when is not None:
            stop["now"] = stop["now"] or bool(stop_when(data_out.mip_solution))
        elif kind in interrupt_kinds:
            done = stop["now"] and kind == kinds.kCallbackMipInterrupt
            data_in.user_interrupt = bool(done or interrupts.requested())

    if log is not None:
        active.append(kinds.kCallbackLogging)
    if mip and stop_when is not None:
        active.append(kinds.kCallbackMipImprovingSolution)
    kwargs["callbackTuple"] = (callback, None)
    kwargs["callbacksToActivate"] = active
    return WarmHiGHS(
        mip=mip,
        msg=log is not None,
        gapRel=options.gap if mip else None,
        gapAbs=gap_abs if mip else None,
        timeLimit=time_limit,
        threads=options.threads,
        **kwargs,
    )


def _run_cbc(
    model: RosterModel,
    options: SolveOptions,
    time_limit: float,
    log: LogFn | None,
    mip: bool,
    start: dict[str, float] | None = None,
    gap_abs: float | None = None,
) -> tuple[str, float]:
    work = tempfile.mkdtemp(prefix="planner-cbc-")  # CBC's model, solution and log files; removed below
    log_path = os.path.join(work, "cbc.log")
    open(log_path, "w").close()
    stop = threading.Event()
    follower = None
    if log is not None:
        follower = threading.Thread(target=_follow, args=(log_path, log, stop), daemon=True)
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
        solver.tmpDir = work
        model.lp.solve(solver)
    finally:
        stop.set()
        if follower is not None:
            follower.join(timeout=2)
        with open(log_path, encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        shutil.rmtree(work, ignore_errors=True)
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


def _follow(path: str, log: LogFn, stop: threading.Event) -> None:
    with open(path, encoding="utf-8", errors="replace") as fh:
        while not stop.is_set():
            line = fh.readline()
            if line:
                log(line.rstrip())
            else:
                time.sleep(0.2)
        for line in fh:
            log(line.rstrip())
