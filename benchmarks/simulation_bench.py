"""Benchmark: the floor simulation of the sample roster, replications serial and in parallel.

    python -m planner roster inputs/exchange_week.xlsx -o /tmp/sample_roster.xlsx   # once
    python benchmarks/simulation_bench.py [--roster /tmp/sample_roster.xlsx] [--replications 10]
                                          [--jobs 1 2] [--seed 0]

For each ``--jobs`` value it runs :func:`planner.simulation.run.simulate_roster_file` (reading
the roster workbook, building the floor plan, the replications and the summary) and prints the
wall time, the contacts simulated (arrivals of every replication, warm-up and tail included)
and contacts per second, plus wall time x jobs / replications (about one replication's time in its
own process, when the machine is otherwise idle). It
checks that every ``--jobs`` value gives the same result (determinism), then prints how the roster kept
its promises on the simulated floor: per kind of queue (live, deferred), the queue-weeks and queue-days
below target (beyond the 95 % confidence interval, or within it) out of those with contacts, and the
live queue-intervals below target (the ``misses`` sheet of ``planner simulate``).

Any roster workbook of the same input can be checked, e.g. the 500-agent week::

    python benchmarks/agents_bench.py --keep /tmp/agents     # writes /tmp/agents/named.xlsx
    python -m planner roster /tmp/agents/named.xlsx -o /tmp/agents/roster.xlsx
    python benchmarks/simulation_bench.py --input /tmp/agents/named.xlsx --roster /tmp/agents/roster.xlsx --jobs 2

This is a benchmark, not a test: nothing is asserted; timings depend on the machine's load.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

from bench_common import REPO, cpus, git_revision

sys.path.insert(0, str(REPO))

from planner.inputs.load import load_scenario  # noqa: E402
from planner.simulation.report import SimulationResult, Verdict  # noqa: E402
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
    if first is not None:
        print_verdicts(first)


def print_verdicts(result: SimulationResult) -> None:
    """Queue-weeks and queue-days below target, per kind of queue, and live queue-intervals below target."""
    print(f"{'kind':<9} {'span':<6} {'with contacts':>13} {'misses':>7} {'within CI':>10}")
    for live in (True, False):
        for span, rows in (("week", result.weeks), ("day", result.days)):
            mine = [o for o in rows if o.live == live and o.contacts > 0]
            count = Counter(o.verdict for o in mine)
            print(
                f"{'live' if live else 'deferred':<9} {span:<6} {len(mine):>13} {count[Verdict.MISSES]:>7} "
                f"{count[Verdict.WITHIN_CI]:>10}"
            )
    print(f"live queue-intervals below target: {len(result.misses)}")


if __name__ == "__main__":
    main()
