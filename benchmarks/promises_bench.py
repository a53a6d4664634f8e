"""Benchmark: service promises (issue 14) on variants of the sample week, made on the fly.

    python benchmarks/promises_bench.py [--part tiers|scope|all] [--time-limit 50] [--json out.json]

* ``tiers``: the sample with vip sharing agents with standard on chat and phone
  (``tiers_share_agents = yes``, vip ``priority = 1``): the requirements' time with shared tiers
  (best of 3), the live agent-hours required, and the roster's weekly cost and live agent-hours
  staffed, each against the sample as shipped (every tier a separate desk).
* ``scope``: the sample with ``service_level_scope = day`` and ``min_interval_service_level =
  0.5`` for chat: the roster's weekly cost against interval-wise staffing, the time, the gap to
  the LP bound, and the lowest daily predicted service level of the chat queues against target.

The variants are the generated sample's tables (:mod:`planner.sample`) with a few cells changed,
written to a temporary folder and read back with ``load_scenario`` (the CLI's path). Timings
depend on the machine's load; nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))

from bench_common import cpus, git_revision  # noqa: E402

from planner.domain import Scenario  # noqa: E402
from planner.inputs.load import load_scenario  # noqa: E402
from planner.requirements import compute_requirements  # noqa: E402
from planner.roster.plan import RosterOptions, RosterResult, plan_roster  # noqa: E402
from planner.roster.solve import SolveOptions  # noqa: E402
from planner.sample import build_sample, write_workbook  # noqa: E402

Tables = dict[str, pd.DataFrame]
SHARING_CHANNELS = ("chat", "phone")


def share_vip(tables: Tables) -> Tables:
    """vip shares agents with standard on chat and phone, served first."""
    channels = tables["channels"].copy()
    channels["tiers_share_agents"] = ["yes" if c in SHARING_CHANNELS else None for c in channels["channel"]]
    targets = tables["targets"].copy()
    targets["priority"] = [1 if c in SHARING_CHANNELS and t == "vip" else None for c, t in zip(
        targets["channel"], targets["tier"], strict=True)]  # fmt: skip
    return {**tables, "channels": channels, "targets": targets}


def chat_day_scope(tables: Tables) -> Tables:
    """chat's service level counts over each day, with every interval at 0.5 or more."""
    channels = tables["channels"].copy()
    channels["service_level_scope"] = ["day" if c == "chat" else None for c in channels["channel"]]
    channels["min_interval_service_level"] = [0.5 if c == "chat" else None for c in channels["channel"]]
    return {**tables, "channels": channels}


def load_variant(tables: Tables, change: Callable[[Tables], Tables] | None, folder: Path, name: str) -> Scenario:
    path = folder / f"{name}.xlsx"
    write_workbook(change(tables) if change else tables, path)
    return load_scenario(path)


def live_hours(result: RosterResult) -> tuple[float, float]:
    """Live agent-hours required and staffed (scheduled agents x interval hours)."""
    cov = result.coverage[result.coverage["kind"] == "live"]
    hours = result.scenario.horizon.interval_hours
    return float(cov["required"].sum() * hours), float(cov["staffed"].sum() * hours)


def roster_row(name: str, scenario: Scenario, time_limit: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    result = plan_roster(scenario, RosterOptions(solve=SolveOptions(time_limit=time_limit)))
    s = result.summary
    required, staffed = live_hours(result)
    return {
        "variant": name,
        "seconds": round(time.perf_counter() - t0, 1),
        "weekly_cost": s.weekly_cost,
        "live_agent_hours_required": round(required, 1),
        "live_agent_hours_staffed": round(staffed, 1),
        "gap_to_lp_bound": s.gap_to_lp_bound,
        "shortfall_agent_hours": s.shortfall_agent_hours,
        "status": s.solver_status,
        "result": result,
    }


def _drop_result(row: dict[str, Any]) -> dict[str, Any]:
    row.pop("result")
    return row


def tiers_part(tables: Tables, folder: Path, time_limit: float) -> dict[str, Any]:
    base = load_variant(tables, None, folder, "sample")
    shared = load_variant(tables, share_vip, folder, "vip_shares")
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        compute_requirements(shared)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    compute_requirements(base)
    return {
        "requirements_seconds_shared_best_of_3": round(min(times), 3),
        "requirements_seconds_separate": round(time.perf_counter() - t0, 3),
        "rosters": [
            _drop_result(roster_row(n, sc, time_limit)) for n, sc in (("separate desks", base), ("vip shares", shared))
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("tiers", "scope", "all"), default="all")
    ap.add_argument("--time-limit", type=float, default=50.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    out: dict[str, Any] = {"revision": git_revision(), "cpus": cpus()}
    tables = build_sample()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.part in ("tiers", "all"):
            out["tiers"] = tiers_part(tables, folder, args.time_limit)
        if args.part in ("scope", "all"):
            out["scope"] = scope_part(tables, folder, args.time_limit)
    text = json.dumps(out, indent=2, default=str)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


def daily_chat_levels(result: RosterResult) -> pd.DataFrame:
    """Per chat queue and UTC day: the predicted share answered in time (contacts-weighted) and its target."""
    cov = result.coverage[(result.coverage["channel"] == "chat") & (result.coverage["contacts"] > 0)].copy()
    cov["day"] = cov["interval_start"].dt.floor("D")
    cov["answered"] = cov["service_level"] * cov["contacts"]
    days = cov.groupby(["language", "tier", "day"]).agg(
        answered=("answered", "sum"), contacts=("contacts", "sum"), target=("target_service_level", "first"),
        lowest_interval=("service_level", "min"),
    )  # fmt: skip
    days["service_level"] = days["answered"] / days["contacts"]
    return days


def scope_part(tables: Tables, folder: Path, time_limit: float) -> dict[str, Any]:
    base = load_variant(tables, None, folder, "sample")
    day = load_variant(tables, chat_day_scope, folder, "chat_day")
    rows = []
    for name, scenario in (("interval-wise", base), ("chat day scope", day)):
        row = roster_row(name, scenario, time_limit)
        levels = daily_chat_levels(row.pop("result"))
        row["chat_days_below_target"] = int((levels["service_level"] < levels["target"] - 1e-9).sum())
        row["chat_lowest_day_margin"] = round(float((levels["service_level"] - levels["target"]).min()), 4)
        row["chat_lowest_interval_level"] = round(float(levels["lowest_interval"].min()), 4)
        rows.append(row)
    saving = rows[0]["weekly_cost"] - rows[1]["weekly_cost"]
    return {
        "rosters": rows,
        "weekly_saving": round(saving, 2),
        "saving_share": round(saving / rows[0]["weekly_cost"], 4),
    }


if __name__ == "__main__":
    sys.exit(main())
