"""Benchmark: the 12-month sample capacity plan, wall time split into weekly roster solves and the horizon program.

    python benchmarks/capacity_bench.py [--input inputs/exchange_week.xlsx] [--plan inputs/capacity_plan.xlsx]
                                        [--weekly-time-limit SECONDS]

Loads the input week and the plan the way the CLI does, then runs ``plan_capacity``. Prints the
number of period-cases (periods x demand cases: forecast, +10 %, +20 %), the distinct weeks solved
(periods that share drivers and shrinkage share a solve), the time of the weekly solves, the time of
the horizon program (the plan and its risk re-solves), and the hiring table and budget.

This is a benchmark, not a test: nothing is asserted. The weekly solves run under a wall-clock time
limit each, so their time depends on the machine's load.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench_common import cpus, git_revision  # noqa: E402

from planner.capacity.load import load_plan  # noqa: E402
from planner.capacity.plan import plan_capacity  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.outputs.capacity import capacity_text  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=REPO / "inputs" / "exchange_week.xlsx")
    parser.add_argument("--plan", type=Path, default=REPO / "inputs" / "capacity_plan.xlsx")
    parser.add_argument("--weekly-time-limit", type=float, default=None, help="seconds per weekly roster solve")
    args = parser.parse_args(argv)

    print(f"planner {git_revision()} on {platform.python_implementation()} {platform.python_version()}, {cpus()} cpus")
    t0 = time.perf_counter()
    scenario = load_scenario(args.input)
    plan = load_plan(args.plan, scenario)
    if args.weekly_time_limit is not None:
        plan = replace(plan, settings=replace(plan.settings, weekly_time_limit=args.weekly_time_limit))
    load_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    result = plan_capacity(scenario, plan, log=lambda line: print(f"  [{time.perf_counter() - t1:6.1f} s] {line}"))
    total_s = time.perf_counter() - t1
    weekly = result.weekly
    assert weekly is not None
    print()
    print(f"load input + plan      {load_s:8.1f} s")
    print(
        f"weekly roster solves   {weekly.seconds:8.1f} s  ({weekly.solves} distinct weeks for {weekly.periods} "
        f"period-cases, time limit {weekly.time_limit:g} s each, "
        f"{weekly.seconds / max(weekly.solves, 1):.1f} s per solve)"
    )
    print(f"horizon program        {result.horizon_seconds:8.2f} s  (plan + {len(result.risk_cases)} risk re-solves)")
    print(f"plan_capacity total    {total_s:8.1f} s")
    print()
    print(capacity_text(result, None))
    return 0


if __name__ == "__main__":
    sys.exit(main())
