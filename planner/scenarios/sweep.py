"""Running scenarios: each is an independent solve, run in this process, on local worker processes, or
on an existing Dask distributed cluster; progress is reported per scenario."""

from __future__ import annotations

import multiprocessing
import os
import re
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from planner.domain import Scenario
from planner.roster.plan import RosterOptions, plan_roster
from planner.scenarios.apply import apply_spec
from planner.scenarios.changes import ScenarioSpec
from planner.scenarios.result import ScenarioOutcome, SweepResult, outcome_of


@dataclass(frozen=True)
class SweepOptions:
    """How to run a sweep: the roster options of every solve, and where the solves run."""

    roster: RosterOptions = field(default_factory=RosterOptions)
    jobs: int | None = None  # local processes; None: the machine's cores
    scheduler: str | None = None  # a Dask scheduler address; None: this machine only
    rosters_dir: Path | None = None  # write each scenario's roster workbook here


class SweepEventKind(StrEnum):
    QUEUED = "queued"  # handed to a worker process or the cluster
    STARTED = "started"  # solving in this process
    FINISHED = "finished"


@dataclass(frozen=True)
class SweepEvent:
    """A scenario started or finished."""

    kind: SweepEventKind
    scenario: str
    done: int
    total: int
    outcome: ScenarioOutcome | None = None

    def describe(self) -> str:
        if self.kind is not SweepEventKind.FINISHED or self.outcome is None:
            return f"scenario {self.scenario}: {self.kind.value}"
        o = self.outcome
        return (
            f"scenario {self.scenario} done ({self.done}/{self.total}): {o.weekly_cost:,.0f} {o.currency}/week, "
            f"{o.solver_status}, {o.seconds:.1f} s"
        )


SweepProgress = Callable[[SweepEvent], None]


def file_stem(scenario: str) -> str:
    """A scenario's name with anything but letters, digits, '-' and '_' replaced (for file names and task keys)."""
    return re.sub(r"[^0-9A-Za-z_-]+", "_", scenario).strip("_") or "scenario"


def roster_paths(specs: Sequence[ScenarioSpec], folder: Path | None) -> list[Path | None]:
    """Each scenario's roster workbook in ``folder`` (None: not written); names made unique with -2, -3 ..."""
    if folder is None:
        return [None] * len(specs)
    used: set[str] = set()
    out: list[Path | None] = []
    for spec in specs:
        stem, k = file_stem(spec.name), 2
        name = stem
        while name.lower() in used:
            name, k = f"{stem}-{k}", k + 1
        used.add(name.lower())
        out.append(Path(folder) / f"{name}.xlsx")
    return out


def solve_scenario(
    base: Scenario, spec: ScenarioSpec, roster: RosterOptions, roster_path: Path | None = None
) -> ScenarioOutcome:
    """Apply one scenario's changes, solve its roster, and return its figures (runs in a worker)."""
    t0 = time.perf_counter()
    applied = apply_spec(base, spec)
    result = plan_roster(applied.scenario, roster)
    path = None
    if roster_path is not None:
        from planner.outputs.workbooks import write_roster

        path = str(write_roster(result, roster_path))
    return outcome_of(applied, result, time.perf_counter() - t0, path)


def run_sweep(
    base: Scenario,
    specs: Sequence[ScenarioSpec],
    options: SweepOptions | None = None,
    progress: SweepProgress | None = None,
) -> SweepResult:
    """Solve every scenario (the first is the base) and return their outcomes in the specs' order."""
    outcomes = solve_all(base, specs, options, progress)
    return SweepResult(tuple(outcomes[s.name] for s in specs), base.settings.weeks_per_year)


def solve_all(
    base: Scenario,
    specs: Sequence[ScenarioSpec],
    options: SweepOptions | None = None,
    progress: SweepProgress | None = None,
) -> dict[str, ScenarioOutcome]:
    """Every scenario's outcome by name, solved where ``options`` say."""
    options = options or SweepOptions()
    emit = progress or (lambda _event: None)
    if options.scheduler is not None:
        return _run_dask(base, specs, options, emit)
    if _jobs(options, len(specs)) <= 1:
        return _run_here(base, specs, options, emit)
    return _run_processes(base, specs, options, emit)


def _jobs(options: SweepOptions, n: int) -> int:
    return max(1, min(n, options.jobs if options.jobs is not None else (os.cpu_count() or 1)))


def _run_here(
    base: Scenario, specs: Sequence[ScenarioSpec], options: SweepOptions, emit: SweepProgress
) -> dict[str, ScenarioOutcome]:
    out: dict[str, ScenarioOutcome] = {}
    for spec, path in zip(specs, roster_paths(specs, options.rosters_dir), strict=True):
        emit(SweepEvent(SweepEventKind.STARTED, spec.name, len(out), len(specs)))
        out[spec.name] = solve_scenario(base, spec, options.roster, path)
        emit(SweepEvent(SweepEventKind.FINISHED, spec.name, len(out), len(specs), out[spec.name]))
    return out


def _run_processes(
    base: Scenario, specs: Sequence[ScenarioSpec], options: SweepOptions, emit: SweepProgress
) -> dict[str, ScenarioOutcome]:
    """Local worker processes (spawned: safe whatever threads this process runs)."""
    out: dict[str, ScenarioOutcome] = {}
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=_jobs(options, len(specs)), mp_context=context) as pool:
        futures = {}
        for spec, path in zip(specs, roster_paths(specs, options.rosters_dir), strict=True):
            futures[pool.submit(solve_scenario, base, spec, options.roster, path)] = spec.name
            emit(SweepEvent(SweepEventKind.QUEUED, spec.name, 0, len(specs)))
        for future in as_completed(futures):
            name = futures[future]
            out[name] = future.result()
            emit(SweepEvent(SweepEventKind.FINISHED, name, len(out), len(specs), out[name]))
    return out


def _run_dask(
    base: Scenario, specs: Sequence[ScenarioSpec], options: SweepOptions, emit: SweepProgress
) -> dict[str, ScenarioOutcome]:
    """The same solves as tasks on an existing Dask distributed cluster (its workers need planner installed)."""
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    out: dict[str, ScenarioOutcome] = {}
    with Client(options.scheduler) as client:
        shared = client.scatter(base, broadcast=True)
        futures = []
        names = {}
        for i, (spec, path) in enumerate(zip(specs, roster_paths(specs, options.rosters_dir), strict=True)):
            key = f"planner-scenario-{i}-{file_stem(spec.name)}-{uuid.uuid4().hex}"  # unique, never reused
            futures.append(client.submit(solve_scenario, shared, spec, options.roster, path, key=key))
            names[key] = spec.name
            emit(SweepEvent(SweepEventKind.QUEUED, spec.name, 0, len(specs)))
        for future in dask_completed(futures):
            name = names[future.key]
            out[name] = future.result()
            emit(SweepEvent(SweepEventKind.FINISHED, name, len(out), len(specs), out[name]))
    return out
