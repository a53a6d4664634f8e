"""Benchmark: the floor simulation of the sample roster, replications serial and in parallel.

    python -m planner roster inputs/exchange_week.xlsx -o /tmp/sample_roster.xlsx   # once
    python benchmarks/simulation_bench.py [--roster /tmp/sample_roster.xlsx] [--replications 10]
                                          [--jobs 1 2] [--seed 0]

For each ``--jobs`` value it runs :func:`planner.simulation.run.simulate_roster_file` (reading
the roster workbook, building the floor plan, the replications and the summary) and prints the
wall time, the contacts simulated (arrivals of every replication, warm-up and tail included)
and contacts per second, plus wall time x jobs / replications (about one replication's time in its
own process, when the machine is otherwise idle). It
checks that every ``--jobs`` value gives the same result (determinism).

This is a benchmark, not a test: nothing is asserted; timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bench_common import REPO, cpus, git_revision

sys.path.insert(0, str(REPO))

from planner.inputs.load import load_scenario  # noqa: E402
from planner.simulation.run import simulate_roster_file  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--input", default=str(REPO / "inputs" / "exchange_week.xlsx"))
    ap.add_argument("--roster", default="/tmp/sample_roster.xlsx")
    ap.add_argument("--replications", type=int, default=10)
    ap.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    if not Path(args.roster).exists():
        sys.exit(f"{args.roster} not found: run `python -m planner roster {args.input} -o {args.roster}` first")
    print(f"planner {git_revision()}, {cpus()} CPU(s); {args.replications} replications, seed {args.seed}")
    scenario = load_scenario(args.input)
    print(f"{'jobs':>4} {'wall s':>8} {'contacts':>12} {'contacts/s':>12} {'s/replication':>14}")
    first = None
    for jobs in args.jobs:
        t0 = time.perf_counter()
        result = simulate_roster_file(scenario, args.roster, args.replications, args.seed, jobs)
        wall = time.perf_counter() - t0
        print(
            f"{jobs:>4} {wall:8.1f} {result.contacts_simulated:12,} {result.contacts_simulated / wall:12,.0f} "
            f"{result.seconds / args.replications * jobs:14.2f}"
        )
        if first is None:
            first = result
        elif (result.weeks, result.days, result.pools) != (first.weeks, first.days, first.pools):
            print(f"  results differ between --jobs {args.jobs[0]} and --jobs {jobs}")


if __name__ == "__main__":
    main()
