"""Benchmark: 500 named agents across 6 sites and 10 languages, an hourly week, weekly tours on.

    python benchmarks/agents_bench.py [--agents 500] [--volume 0.15] [--time-limit 120]
                                      [--reference-time-limit 600] [--seed 7] [--contracts full|mix]
                                      [--json out.json] [--keep DIR] [--progress]

The week is the sample generator's (:mod:`planner.sample`, seeded): its 10 languages, the demand scaled by
``--volume`` (0.15, so that the pool level needs somewhat fewer than 500 people), the six sites other than
Sao Paulo (their pools only). Two rosters are solved, each through the workbook path the CLI takes (written
as .xlsx, read back with ``load_scenario``):

* ``pool-level``: the pools sheet (no ``available``), tours on, a generous time limit: the pool-level tour
  optimum of the week (its LP bound is a lower bound on any roster of it);
* ``named``: an agents sheet instead of the pools: ``--agents`` people spread over the pools in
  proportion to the pool-level headcount (largest remainders; every pool keeps at least one), 40-hour
  contracts (``--contracts full``, the default: a team that cannot work the 4-hour shifts the pool-level
  optimum uses; ``--contracts mix``: in each pool the share of its pool-level people on part-time weeks,
  under 30 paid hours, get 20-hour contracts, a tighter team: see benchmarks/README.md), and seeded
  restrictions: a quarter have two consecutive days off, one in ten is unavailable
  on one date, one in five has a start window (early 05:00-10:00, day 08:00-14:00 or late 13:00-18:00,
  whichever the pool-level roster staffs most at the site), one in ten at a site with night shifts has
  ``max_nights`` 0, and a third prefer Saturday and Sunday off. Pools derived from agents have
  ``available`` = their agents; weeks no agent can take are hires.

Printed: per run the wall time of ``plan_roster``, the weekly cost, the LP bound, people, hires and their
cost, preferences met, the coverable shortfall; then the gap of the named roster's cost (hires
included: they are weeks of the roster) above the pool-level optimum and above its LP bound. Targets
(issue 10): named roster within 2 minutes on 2 cores and at most 2 % above the pool-level optimum.
This is a benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_common import cpus, git_revision  # noqa: E402

from planner.analysis.weeks import WEEKDAYS  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.roster.plan import RosterOptions, RosterResult, plan_roster  # noqa: E402
from planner.roster.progress import ProgressEvent, ProgressFn, ProgressKind  # noqa: E402
from planner.roster.solve import SolveOptions  # noqa: E402
from planner.sample import SampleSpec, build_sample, write_workbook  # noqa: E402

DROPPED_SITE = "sao_paulo"
WINDOWS = (("05:00", "10:00"), ("08:00", "14:00"), ("13:00", "18:00"))


@dataclass(frozen=True)
class Run:
    name: str
    wall_seconds: float
    cpu_seconds: float
    weekly_cost: float
    lp_bound_weekly: float | None
    people: int
    hires: int
    hires_weekly_cost: float
    preferences: str
    coverable_shortfall_hours: float
    status: str


def week_tables(volume: float) -> dict[str, pd.DataFrame]:
    """The sample's tables: demand scaled, Sao Paulo's pools dropped, tours on."""
    tables = build_sample(SampleSpec(volume_scale=volume))
    tables["pools"] = tables["pools"][tables["pools"]["site"] != DROPPED_SITE].reset_index(drop=True)
    settings = tables["settings"]
    settings = settings[settings["setting"] != "weekly_tours"]
    tables["settings"] = pd.concat([settings, pd.DataFrame([["weekly_tours", "yes"]], columns=settings.columns)])
    return tables


def solve(
    name: str, tables: dict[str, pd.DataFrame], folder: Path, time_limit: float, progress: bool = False
) -> tuple[Run, RosterResult]:
    path = folder / f"{name}.xlsx"
    write_workbook(tables, path)
    scenario = load_scenario(path)
    options = RosterOptions(solve=SolveOptions(time_limit=time_limit), tours=True, price_labour_rules=False)
    t0, c0 = time.perf_counter(), time.process_time()
    result = plan_roster(scenario, options, _progress(name) if progress else None)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    s = result.summary
    fair = s.fairness
    met = sum(f.preferred_days_off_met for f in fair)
    asked = sum(f.preferred_days_off_asked for f in fair)
    weeks = s.weeks
    run = Run(
        name=name,
        wall_seconds=round(wall, 1),
        cpu_seconds=round(cpu, 1),
        weekly_cost=s.weekly_cost,
        lp_bound_weekly=None if s.lp_relaxation_bound is None else round(s.lp_relaxation_bound / weeks, 2),
        people=s.headcount,
        hires=sum(f.hires for f in fair),
        hires_weekly_cost=round(sum(f.hires_weekly_cost for f in fair), 2),
        preferences=f"{met} of {asked}" if asked else "-",
        coverable_shortfall_hours=s.shortfall_coverable_agent_hours,
        status=f"{s.solver_status}, MIP gap {s.mip_gap:.2%}",
    )
    return run, result


def _progress(name: str) -> ProgressFn:
    """Stage events of a run on stderr (solver log lines left out), to see where its time goes."""

    def show(event: ProgressEvent) -> None:
        if event.kind is not ProgressKind.SOLVER_LOG_LINE:
            print(f"[{name} {event.elapsed:7.1f} s] {event.describe()}", file=sys.stderr, flush=True)

    return show


FULL_TIME_HOURS = 40
PART_TIME_HOURS = 20
PART_TIME_BELOW = 30  # paid hours a week under which a pool-level person works part-time


def agents_sheet(
    reference: RosterResult, pools: pd.DataFrame, n_agents: int, seed: int, contracts: str = "full"
) -> pd.DataFrame:
    """``n_agents`` named people over the pools, in proportion to the pool-level headcount, with contracts
    (``mix``: each pool's part-time share as in the pool-level roster; ``full``: 40 hours for all) and seeded
    restrictions (see the module docstring)."""
    rng = np.random.default_rng(seed)
    headcount = dict(reference.summary.headcount_by_pool)
    weights = np.array([max(headcount.get(p, 0), 1) for p in pools["pool"]], dtype=float)
    share = weights / weights.sum() * n_agents
    counts = np.maximum(np.floor(share).astype(int), 1)
    order = np.argsort(-(share - np.floor(share)), kind="stable")
    for i in order[: max(0, n_agents - int(counts.sum()))]:
        counts[i] += 1
    starts = _busiest_window(reference)
    night_sites = {s for s in reference.scenario.sites if _has_nights(reference, s)}
    part_share = _part_time_share(reference) if contracts == "mix" else {}
    rows = []
    for (_, pool), count in zip(pools.iterrows(), counts, strict=True):
        part = int(round(part_share.get(pool["pool"], 0.0) * int(count)))
        for i in range(int(count)):
            hours = PART_TIME_HOURS if i >= int(count) - part else FULL_TIME_HOURS
            rows.append(_agent_row(f"{pool['pool']}-{i + 1:03d}", pool, rng, starts, night_sites, reference, hours))
    columns = ["agent", "site", "languages", "channels", "weekly_hours", "hourly_cost", "days_off", "unavailable"]
    columns += ["earliest_start", "latest_start", "max_nights", "preferred_days_off"]
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _part_time_share(reference: RosterResult) -> dict[str, float]:
    """Per pool, the share of the pool-level roster's people whose week has under PART_TIME_BELOW paid hours."""
    people: dict[str, int] = {}
    part: dict[str, int] = {}
    for g in reference.tour_groups:
        people[g.pool] = people.get(g.pool, 0) + g.people
        part[g.pool] = part.get(g.pool, 0) + g.people * (g.paid_hours < PART_TIME_BELOW)
    return {pool: part[pool] / n for pool, n in people.items() if n}


def _agent_row(name, pool, rng, starts, night_sites, reference, hours=FULL_TIME_HOURS) -> list[object]:
    site = pool["site"]
    days_off = earliest = latest = unavailable = max_nights = preferred = None
    if rng.random() < 0.25:
        first = int(rng.integers(7))
        days_off = f"{WEEKDAYS[first].lower()}, {WEEKDAYS[(first + 1) % 7].lower()}"
    if rng.random() < 0.10:
        day = reference.scenario.horizon.start.date() + pd.Timedelta(days=int(rng.integers(1, 6)))
        unavailable = f"{day:%Y-%m-%d}"
    if rng.random() < 0.20:
        earliest, latest = WINDOWS[starts.get(site, 1)]
    if site in night_sites and rng.random() < 0.10:
        max_nights = 0
    if rng.random() < 1 / 3:
        preferred = "sat, sun"
    row = [name, site, pool["languages"], pool["channels"], hours, pool["hourly_cost"], days_off, unavailable, earliest]
    row.append(latest)
    return [*row, max_nights, preferred]


def _busiest_window(reference: RosterResult) -> dict[str, int]:
    """Per site, which of WINDOWS holds the most pool-level starts."""
    out: dict[str, int] = {}
    for site in reference.scenario.sites:
        counts = [0, 0, 0]
        for g in reference.tour_groups:
            if g.site != site:
                continue
            for s in g.shifts:
                clock = f"{s.local_start:%H:%M}"
                for k, (lo, hi) in enumerate(WINDOWS):
                    counts[k] += g.people * (lo <= clock <= hi)
        out[site] = int(np.argmax(counts))
    return out


def _has_nights(reference: RosterResult, site: str) -> bool:
    return any(s.night for g in reference.tour_groups if g.site == site for s in g.shifts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agents", type=int, default=500)
    ap.add_argument("--volume", type=float, default=0.15, help="demand scale of the sample week")
    ap.add_argument("--time-limit", type=float, default=120.0, help="the named roster's time limit (s)")
    ap.add_argument("--reference-time-limit", type=float, default=600.0, help="the pool-level optimum's (s)")
    ap.add_argument("--seed", type=int, default=7, help="seed of the agents' restrictions")
    contracts_help = "full: 40 hours for all; mix: each pool's part-time share as in the pool-level roster"
    ap.add_argument("--contracts", choices=("full", "mix"), default="full", help=contracts_help)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", type=Path, help="a folder to keep the two input workbooks in")
    ap.add_argument("--progress", action="store_true", help="print each run's stages on stderr")
    args = ap.parse_args(argv)
    tables = week_tables(args.volume)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        reference, ref_result = solve("pool-level", tables, folder, args.reference_time_limit, args.progress)
        named_tables = {k: v for k, v in tables.items() if k != "pools"}
        named_tables["agents"] = agents_sheet(ref_result, tables["pools"], args.agents, args.seed, args.contracts)
        n_agents = len(named_tables["agents"])
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            write_workbook(tables, args.keep / "pool-level.xlsx")
            write_workbook(named_tables, args.keep / "named.xlsx")
        named, _ = solve("named", named_tables, folder, args.time_limit, args.progress)
    runs = [reference, named]
    part = int((named_tables["agents"]["weekly_hours"] == PART_TIME_HOURS).sum())
    print(f"agents benchmark: {n_agents} agents ({part} on {PART_TIME_HOURS}-hour contracts), 6 sites, 10 languages, "
          f"hourly week, volume {args.volume}, "
          f"{cpus()} cores, planner {git_revision()}")  # fmt: skip
    header = ["run", "wall s", "cpu s", "weekly cost", "LP bound", "people", "hires", "hires cost", "pref. days off",
              "coverable short h", "status"]  # fmt: skip
    body = [
        [r.name, f"{r.wall_seconds:.1f}", f"{r.cpu_seconds:.1f}", f"{r.weekly_cost:,.0f}",
         "-" if r.lp_bound_weekly is None else f"{r.lp_bound_weekly:,.0f}", str(r.people), str(r.hires),
         f"{r.hires_weekly_cost:,.0f}", r.preferences, f"{r.coverable_shortfall_hours:,.1f}", r.status]
        for r in runs
    ]  # fmt: skip
    widths = [max(len(h), *(len(row[i]) for row in body)) for i, h in enumerate(header)]
    for row in [header, *body]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    above_opt = named.weekly_cost / reference.weekly_cost - 1
    line = f"named roster: {above_opt:+.2%} against the pool-level roster"
    if reference.lp_bound_weekly:
        line += f", {named.weekly_cost / reference.lp_bound_weekly - 1:+.2%} above its LP bound"
    print(line + f"; wall {named.wall_seconds:.1f} s (targets: <= 2 %, <= 120 s on 2 cores)")
    if args.json:
        args.json.write_text(json.dumps([r.__dict__ for r in runs], indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
