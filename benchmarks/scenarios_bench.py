"""Benchmark: a sweep of 12 scenarios of the sample week with one local process and with two.

    python benchmarks/scenarios_bench.py [--time-limit 20] [--jobs 1 2] [--json out.json]

The 12 scenarios are the six of inputs/scenarios.xlsx (base, Japanese 24/7 from Tokyo, a 3x spike of 6
hours, Manila wage +20 %, Lisbon closed, chat target 30 s) and the first six marginal steps
(:func:`planner.scenarios.marginal.marginal_specs`: a point of service level and one step of target per
channel). Each sweep is timed end to end (worker start-up included) with ``run_sweep``; the speed-up is
the one-process wall time over the N-process one. Every solve gets ``--time-limit`` seconds (the roster's
default is 50: a shorter limit keeps the benchmark to minutes; costs then differ more from run to run).

This is a benchmark, not a test: nothing is asserted. Timings depend on what else the machine runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.bench_common import cpus, git_revision  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.roster.plan import RosterOptions  # noqa: E402
from planner.roster.solve import SolveOptions  # noqa: E402
from planner.scenarios.load import load_specs  # noqa: E402
from planner.scenarios.marginal import marginal_specs  # noqa: E402
from planner.scenarios.sweep import SweepEvent, SweepOptions, run_sweep  # noqa: E402

SAMPLE = REPO / "inputs" / "exchange_week.xlsx"
SCENARIOS = REPO / "inputs" / "scenarios.xlsx"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0, help="seconds per solve (default 20)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="process counts to time (1 2)")
    parser.add_argument("--json", type=Path, help="write the timings here")
    args = parser.parse_args(argv)
    base = load_scenario(SAMPLE)
    specs = (load_specs(base, SAMPLE, SCENARIOS) + marginal_specs(base))[:12]
    solve = SolveOptions.from_settings(base.settings, time_limit=args.time_limit)
    print(
        f"machine: {cpus()} cores, Python {platform.python_version()}, commit {git_revision()}; "
        f"{len(specs)} scenarios, time limit {args.time_limit:g} s per solve",
        flush=True,
    )

    def show(event: SweepEvent) -> None:
        if event.outcome is not None:
            print(f"  {event.describe()}", file=sys.stderr, flush=True)

    timings: dict[int, float] = {}
    costs: dict[int, list[float]] = {}
    for jobs in args.jobs:
        t0 = time.perf_counter()
        result = run_sweep(base, specs, SweepOptions(RosterOptions(solve=solve), jobs=jobs), progress=show)
        timings[jobs] = time.perf_counter() - t0
        costs[jobs] = [o.weekly_cost for o in result.outcomes]
        solve_sum = sum(o.seconds for o in result.outcomes)
        print(f"--jobs {jobs}: wall {timings[jobs]:.1f} s (sum of per-scenario times {solve_sum:.1f} s)", flush=True)
    first = args.jobs[0]
    for jobs in args.jobs[1:]:
        print(f"speed-up --jobs {jobs} over --jobs {first}: {timings[first] / timings[jobs]:.2f}x")
    if args.json:
        args.json.write_text(json.dumps({"wall_seconds": timings, "weekly_costs": costs}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
