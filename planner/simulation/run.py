"""Run independent replications (in parallel processes) and summarise them; the library entry points
behind ``planner simulate`` and ``planner roster --verify``.

Determinism: replication ``r`` draws all its randomness from ``SeedSequence(seed).spawn(R)[r]``, and
results are put together in replication order, so they do not depend on how many processes ran them.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import TYPE_CHECKING

import numpy as np

from planner.domain import Scenario
from planner.errors import ModelError
from planner.requirements import compute_requirements
from planner.simulation import worker
from planner.simulation.engine import Tally, compile_input, run_replication
from planner.simulation.floor import floor_from_shifts
from planner.simulation.model import Absence, SimInput, build_input
from planner.simulation.plan_tables import FloorParts, floor_parts
from planner.simulation.report import SimulationResult, summarise
from planner.simulation.roster_file import read_roster_file

if TYPE_CHECKING:
    from planner.roster.plan import RosterResult

#: Called after each replication with (replications done, replications in all).
ProgressFn = Callable[[int, int], None]


def simulate(
    sim: SimInput, replications: int = 10, seed: int = 0, jobs: int = 1, progress: ProgressFn | None = None
) -> SimulationResult:
    """Simulate ``replications`` independent copies of the horizon, ``jobs`` at a time."""
    if replications < 1:
        raise ModelError("at least one replication is needed")
    if jobs < 1:
        raise ModelError("at least one process is needed")
    t0 = time.perf_counter()
    comp = compile_input(sim)
    seeds = np.random.SeedSequence(seed).spawn(replications)
    tallies: list[Tally | None] = [None] * replications
    workers = min(jobs, replications, os.cpu_count() or 1) if jobs > 1 else 1
    if workers == 1:
        for r, s in enumerate(seeds):
            tallies[r] = run_replication(comp, s)
            if progress:
                progress(r + 1, replications)
    else:
        with ProcessPoolExecutor(workers, mp_context=_context(), initializer=worker.start, initargs=(comp,)) as pool:
            futures = {pool.submit(worker.replicate, s): r for r, s in enumerate(seeds)}
            for done, future in enumerate(as_completed(futures), start=1):
                tallies[futures[future]] = future.result()
                if progress:
                    progress(done, replications)
    finished = [t for t in tallies if t is not None]
    return summarise(sim, finished, seed, time.perf_counter() - t0)


def _context() -> multiprocessing.context.BaseContext:
    """Fork (fast: nothing to re-import or copy) when this process runs no other thread, which is
    when forking is safe; otherwise spawn fresh interpreters."""
    if threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def verify_roster(
    scenario: Scenario,
    roster_result: RosterResult,
    replications: int = 10,
    seed: int = 0,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    absence: Absence = Absence.PLANNED,
) -> SimulationResult:
    """Simulate a roster just planned, against the prediction of its coverage table; the floor runs the
    roster's activity plan, routing guidance and break schedule when it has them."""
    req = roster_result.requirements
    plan = roster_result.floor
    parts = FloorParts()
    if plan is not None:
        parts = floor_parts(scenario.horizon, plan.activities, plan.routing, plan.breaks)
    floor = floor_from_shifts(scenario, roster_result.shifts, req.queues, parts.activities, parts.routing, parts.breaks)
    sim = build_input(scenario, req, floor, roster_result.coverage, absence)
    return simulate(sim, replications, seed, jobs, progress)


def simulate_roster_file(
    scenario: Scenario,
    roster_path: str | os.PathLike[str],
    replications: int = 10,
    seed: int = 0,
    jobs: int = 1,
    progress: ProgressFn | None = None,
    absence: Absence = Absence.PLANNED,
) -> SimulationResult:
    """Simulate the roster in a workbook written by ``planner roster`` for this scenario (with its
    activities, routing and breaks sheets when it has them)."""
    roster = read_roster_file(roster_path, scenario)
    req = compute_requirements(scenario)
    parts = roster.parts
    floor = floor_from_shifts(scenario, roster.shifts, req.queues, parts.activities, parts.routing, parts.breaks)
    sim = build_input(scenario, req, floor, roster.coverage, absence)
    return simulate(sim, replications, seed, jobs, progress)
