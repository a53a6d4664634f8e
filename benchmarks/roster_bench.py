"""Benchmark: `plan_roster` on scalable synthetic instances.

    python benchmarks/roster_bench.py [--only NAME ...] [--solver highs|cbc|auto]
                                      [--time-limit 300] [--gap G] [--threads N]
                                      [--json out.json] [--verbose]

Each instance is generated with :mod:`planner.sample` (seeded, so every run sees the same
tables), written as an .xlsx workbook to a temporary folder and read back with
``planner.inputs.load.load_scenario`` - the same path the CLI takes - then solved with
``planner.roster.plan.plan_roster``. One row per instance is printed with the model size, the
time of each phase, the cost, the bounds and gaps, the solver status and the shortfall.

Instances (``--only`` takes these names):

* ``sample``             the default ``SampleSpec()`` (= inputs/exchange_week.xlsx)
* ``2x-languages-sites`` twice the languages (10 more, synthetic) and 7 extra sites
* ``30-min``             the sample week in 30-minute intervals
* ``15-min``             the sample week in 15-minute intervals
* ``2-weeks``            a two-week horizon
* ``half``               the first 5 languages only (a small instance)

Columns: ``shift options`` is the number of (pool, shift template, start) options, each an
integer variable; ``int vars`` adds the integer headcount variables. ``build s`` is building
the problem and the PuLP model (``summary.model.build_seconds``), ``solve s`` the solver's three
stages (LP bound, restricted MIP, full MIP), ``other s`` the rest of ``plan_roster``
(requirements, shift enumeration, report tables) and ``total s`` the wall time of
``plan_roster``; ``gen+load s`` (generating, writing and loading the workbook) is not
included in the total. ``gap to LP`` is (objective - LP bound) / objective, ``MIP gap`` (objective - best
bound) / objective. The weekly cost includes no under-coverage penalty and is per week;
``objective`` and the bounds include the penalty and cover the whole horizon (two weeks for
``2-weeks``). The shortfall is in agent-hours per week. Below the table, one line per
instance splits the solve time into the stages ``solve_model`` reports as progress events.

With ``--default-budget`` each instance is solved twice with the options a user gets by default
(the scenario's settings: time limit, gap, solver), the second time next to a CPU-bound process,
and one line per instance gives the cost, LP bound, gap, coverable shortfall, wall time of each run
and whether both runs gave the same roster (their shifts sheets compared).

This is a benchmark, not a test: nothing is asserted, and an instance that fails or runs
out of time is reported with its error text or status.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))

from bench_common import cpus, git_revision  # noqa: E402

from planner.domain import SolverChoice  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.roster.plan import RosterOptions, plan_roster  # noqa: E402
from planner.roster.progress import ProgressEvent, ProgressKind  # noqa: E402
from planner.roster.solve import SolveOptions  # noqa: E402
from planner.sample import DEFAULT_LANGUAGES, SampleSpec, build_sample, write_workbook  # noqa: E402

MORE_LANGUAGES = ("fr", "it", "id", "th", "ar", "hi", "pl", "uk", "nl", "ms")


@dataclass(frozen=True)
class Instance:
    name: str
    spec: SampleSpec
    note: str


INSTANCES: tuple[Instance, ...] = (
    Instance("sample", SampleSpec(), "default SampleSpec (= inputs/exchange_week.xlsx)"),
    Instance(
        "2x-languages-sites",
        SampleSpec(languages=DEFAULT_LANGUAGES + MORE_LANGUAGES, extra_sites=7),
        "20 languages, 7 extra sites",
    ),
    Instance("30-min", SampleSpec(interval_minutes=30), "30-minute intervals"),
    Instance("15-min", SampleSpec(interval_minutes=15), "15-minute intervals"),
    Instance("2-weeks", SampleSpec(weeks=2), "two-week horizon"),
    Instance("half", SampleSpec(languages=DEFAULT_LANGUAGES[:5]), "first 5 languages"),
)
BY_NAME = {i.name: i for i in INSTANCES}

COLUMNS = [  # (row key, header)
    ("instance", "instance"),
    ("languages", "langs"),
    ("sites", "sites"),
    ("pools", "pools"),
    ("interval", "interval"),
    ("weeks", "weeks"),
    ("shift_options", "shift options"),
    ("integer_variables", "int vars"),
    ("variables", "variables"),
    ("constraints", "constraints"),
    ("load_seconds", "gen+load s"),
    ("build_seconds", "build s"),
    ("solve_seconds", "solve s"),
    ("other_seconds", "other s"),
    ("total_seconds", "total s"),
    ("weekly_cost", "weekly cost"),
    ("objective", "objective"),
    ("lp_relaxation_bound", "LP bound"),
    ("best_bound", "best bound"),
    ("gap_to_lp_bound", "gap to LP"),
    ("mip_gap", "MIP gap"),
    ("solver_status", "status"),
    ("shortfall_agent_hours", "shortfall ah"),
]


def run_instance(inst: Instance, options: RosterOptions, folder: Path, verbose: bool) -> dict:
    """Generate, write, load and solve one instance; never raises."""
    row: dict[str, Any] = {"instance": inst.name}
    t0 = time.perf_counter()
    try:
        path = folder / f"{inst.name}.xlsx"
        write_workbook(build_sample(inst.spec), path)
        scenario = load_scenario(path)
        row["load_seconds"] = time.perf_counter() - t0
        row.update(
            languages=len(scenario.languages),
            sites=len(scenario.sites),
            pools=len(scenario.pools),
            interval=f"{scenario.horizon.interval_minutes} min",
            weeks=scenario.horizon.weeks,
        )
        stages: list[ProgressEvent] = []

        def log(event: ProgressEvent) -> None:
            if event.kind in (ProgressKind.STAGE_STARTED, ProgressKind.STAGE_ENDED, ProgressKind.STAGE_SKIPPED):
                stages.append(event)
            if verbose and event.kind is not ProgressKind.INCUMBENT_FOUND:
                print(f"    [{inst.name} {event.elapsed:7.1f}s] {event.describe()}", file=sys.stderr)

        row["stages"] = stages
        t1 = time.perf_counter()
        result = plan_roster(scenario, options, progress=log)
        total = time.perf_counter() - t1
    except Exception as exc:  # noqa: BLE001 - a benchmark reports failures, it doesn't stop
        row["load_seconds"] = row.get("load_seconds", time.perf_counter() - t0)
        row["solver_status"] = f"ERROR {type(exc).__name__}"
        row["error"] = f"{type(exc).__name__}: {exc}"
        row["traceback"] = traceback.format_exc()
        return row
    m = result.summary
    row.update(
        shift_options=len(result.problem.option_cost),
        integer_variables=m.model.integer_variables,
        variables=m.model.variables,
        constraints=m.model.constraints,
        build_seconds=result.build_seconds,
        solve_seconds=result.info.seconds,
        lp_seconds=result.info.lp_seconds,
        other_seconds=total - result.build_seconds - result.info.seconds,
        total_seconds=total,
        weekly_cost=m.weekly_cost,
        objective=m.objective,
        lp_relaxation_bound=m.lp_relaxation_bound,
        best_bound=m.best_bound,
        gap_to_lp_bound=m.gap_to_lp_bound,
        mip_gap=m.mip_gap,
        solver=m.solver,
        solver_status=m.solver_status,
        shortfall_agent_hours=m.shortfall_agent_hours,
        shortfall_uncoverable_agent_hours=m.shortfall_uncoverable_agent_hours,
        shortfall_intervals=m.shortfall_intervals,
        live_intervals_below_target=m.live_intervals_below_target,
        headcount=m.headcount,
    )
    return row


@dataclass(frozen=True)
class DefaultRun:
    """One solve with the default options: its figures and its shifts sheet."""

    rows: int
    columns: int
    cost: float
    lp_bound: float | None
    gap: float | None
    coverable_shortfall: float
    solve_seconds: float
    seconds: float
    status: str
    shifts: Any


def solve_default(scenario: Any, busy: bool, time_limit: float | None = None) -> DefaultRun:
    """Solve with the scenario's own options (what the CLI does without flags); with ``busy``, next to a
    CPU-bound process."""
    hog = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy else None
    try:
        t0 = time.perf_counter()
        solve = SolveOptions.from_settings(scenario.settings, time_limit=time_limit)
        result = plan_roster(scenario, RosterOptions(solve=solve))
        seconds = time.perf_counter() - t0
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()
    m = result.summary
    coverable = float(m.shortfall_agent_hours or 0.0) - float(m.shortfall_uncoverable_agent_hours or 0.0)
    return DefaultRun(
        m.model.constraints,
        m.model.variables,
        m.weekly_cost,
        m.lp_relaxation_bound,
        m.gap_to_lp_bound,
        coverable,
        result.info.seconds,
        seconds,
        m.solver_status,
        result.shifts,
    )


def default_budget(chosen: list[Instance], folder: Path, time_limit: float | None = None) -> None:
    """Each instance twice with the default options (the second next to a CPU-bound process); ``time_limit``
    replaces the scenario's own when given. ``solve s`` is the solver's time, ``total s`` plan_roster's."""
    print(
        "instance              rows     cols   weekly cost   LP bound (objective)  gap to LP  coverable ah"
        "  solve s  total s  busy solve s  status        same roster",
        flush=True,
    )
    for inst in chosen:
        path = folder / f"{inst.name}.xlsx"
        write_workbook(build_sample(inst.spec), path)
        scenario = load_scenario(path)
        print(f"... {inst.name} ({inst.note})", file=sys.stderr, flush=True)
        try:
            idle = solve_default(scenario, busy=False, time_limit=time_limit)
            busy = solve_default(scenario, busy=True, time_limit=time_limit)
        except Exception as exc:  # noqa: BLE001 - a benchmark reports failures, it doesn't stop
            print(f"{inst.name:<18}  FAILED: {type(exc).__name__}: {exc}", flush=True)
            continue
        same = idle.shifts.equals(busy.shifts)
        gap = "-" if idle.gap is None else f"{idle.gap:.3%}"
        bound = "-" if idle.lp_bound is None else f"{idle.lp_bound:,.2f}"
        print(
            f"{inst.name:<18}  {idle.rows:>7,}  {idle.columns:>7,}  {idle.cost:>12,.2f}  {bound:>20}  {gap:>9}"
            f"  {idle.coverable_shortfall:>12.3f}  {idle.solve_seconds:>7.1f}  {idle.seconds:>7.1f}"
            f"  {busy.solve_seconds:>12.1f}  {idle.status:<12}  {'yes' if same else 'NO'}"
            + ("" if same else f" (busy run: {busy.cost:,.2f}, {busy.status})"),
            flush=True,
        )


def stage_summary(row: dict) -> str:
    """Duration of each solver stage, from the progress events ``solve_model`` emits
    (stage started / ended / skipped)."""
    events = list(row.get("stages", []))
    if not events:
        return "no stage events"
    parts = []
    started: dict[object, float] = {}
    for e in events:
        label = f"stage {e.stage_number}" if e.stage_number else (e.stage.name.lower() if e.stage else "-")
        if e.kind is ProgressKind.STAGE_STARTED:
            started[e.stage] = e.elapsed
        elif e.kind is ProgressKind.STAGE_SKIPPED:
            parts.append(f"{label} skipped ({e.message})")
        elif e.stage in started:
            parts.append(f"{label} {e.elapsed - started.pop(e.stage):,.1f} s")
    return "; ".join(parts)


def fmt(key: str, value: Any) -> str:
    if value is None:
        return "-"
    if key.endswith("_seconds"):
        return f"{value:,.1f}"
    if key in ("gap_to_lp_bound", "mip_gap"):
        return f"{value:.3%}"
    if key in ("weekly_cost", "objective", "lp_relaxation_bound", "best_bound"):
        return f"{value:,.0f}"
    if key == "shortfall_agent_hours":
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(rows: list[dict]) -> None:
    headers = [h for _, h in COLUMNS]
    cells = [[fmt(k, r.get(k)) for k, _ in COLUMNS] for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(
            v.ljust(w) if headers[i] in ("instance", "status") else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for c in cells:
        print(line(c))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        choices=list(BY_NAME),
        metavar="NAME",
        help=f"run only this instance (repeatable): {', '.join(BY_NAME)}",
    )
    parser.add_argument("--solver", choices=[c.value for c in SolverChoice], default="highs")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="solver time limit per instance, seconds (default 300; with --default-budget, the scenario's)",
    )
    parser.add_argument("--gap", type=float, default=None, help=f"relative MIP gap (default {SolveOptions().gap})")
    parser.add_argument("--threads", type=int, default=None, help="solver threads")
    parser.add_argument("--json", type=Path, default=None, help="also write the rows as JSON")
    parser.add_argument(
        "--keep", type=Path, default=None, help="write the generated workbooks here instead of a temp folder"
    )
    parser.add_argument("--verbose", action="store_true", help="stream the solver log to stderr")
    parser.add_argument(
        "--default-budget",
        action="store_true",
        help="solve each instance twice with the default options (once next to a CPU-bound process)",
    )
    args = parser.parse_args(argv)

    chosen = [BY_NAME[n] for n in args.only] if args.only else list(INSTANCES)
    if args.default_budget:
        print(f"machine: {platform.machine()}, {cpus()} CPU cores; planner revision: {git_revision()}")
        with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
            default_budget(chosen, args.keep or Path(tmp), args.time_limit)
        return 0
    time_limit = 300.0 if args.time_limit is None else args.time_limit
    solve = SolveOptions(
        solver=SolverChoice(args.solver),
        time_limit=time_limit,
        gap=SolveOptions().gap if args.gap is None else args.gap,
        threads=args.threads,
    )
    options = RosterOptions(solve=solve)
    print(
        f"machine: {platform.machine()}, {cpus()} CPU cores, Python {platform.python_version()}"
        f"; solver {args.solver}, time limit {time_limit:g} s, gap {solve.gap:g}"
        f", threads {args.threads or 'default'}"
    )
    print(f"planner revision: {git_revision()}")

    rows = []
    with tempfile.TemporaryDirectory(prefix="planner-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for inst in chosen:
            print(f"... {inst.name} ({inst.note})", file=sys.stderr, flush=True)
            row = run_instance(inst, options, folder, args.verbose)
            rows.append(row)
            done = row.get("total_seconds")
            print(
                f"    {row.get('solver_status')} in {'-' if done is None else f'{done:,.1f} s'}",
                file=sys.stderr,
                flush=True,
            )

    print()
    print_table(rows)
    print()
    print("per instance: solver stages (seconds from the start of plan_roster) and shortfall")
    for row in rows:
        if "error" in row:
            print(f"  {row['instance']} FAILED: {row['error']}\n{row['traceback']}")
            continue
        print(
            f"  {row['instance']}: {stage_summary(row)}; shortfall "
            f"{row['shortfall_agent_hours']:g} agent-hours/week "
            f"({row['shortfall_uncoverable_agent_hours']:g} uncoverable) in "
            f"{row['shortfall_intervals']} queue-intervals, "
            f"{row['live_intervals_below_target']} live intervals below target"
        )
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
