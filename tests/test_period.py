# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Service level promised over a day or week: the answered-in-time curve, the roster rule on a
tiny hand-solved day, the requirements' floor and the bad-input checks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from workbooks import run_cli, write_xlsx

from planner.domain import SolverChoice
from planner.inputs.load import load_scenario
from planner.queueing import erlang
from planner.queueing.period import PeriodPromise, answered_curves
from planner.requirements import compute_requirements
from planner.roster.rules import LiveGroup, PoolSpec, RosterProblem, build_model
from planner.roster.solve import SolveOptions, solve_model

T0 = dt.datetime(2026, 3, 23, 9, 0)
Q = ("en", "chat", "standard")


def test_answered_curve_is_contacts_times_erlang_c_at_whole_agents():
    # the published case: 100 contacts per 30 min, AHT 180 s, 20 s: 13 agents 0.79559, 14 agents 0.88835
    agents, answered, used = answered_curves(
        np.array([100.0]), np.array([100 / 30]), np.array([13]), np.array([14]), 3.0, 20 / 60,
        patience_minutes=None, concurrency=1, concurrency_efficiency=0.7,
    )  # fmt: skip
    assert agents[0, :2].tolist() == [13, 14]
    assert used[0] == 1 + 1 + 1  # from 13 agents to 1 above the interval-wise 14
    assert answered[0, :2] == pytest.approx([79.559, 88.835], abs=5e-4)
    promise = PeriodPromise(0.8, 0.5, np.array([0]), np.array([100.0]), agents, answered)
    # halfway between 13 and 14 agents: half of each
    assert promise.answered_at(np.array([13.5]))[0] == pytest.approx((79.559 + 88.835) / 2, abs=5e-4)
    assert promise.answered_at(np.array([50.0]))[0] == 100.0  # never more than the contacts


def day_problem(requirement: list[float], period: bool) -> RosterProblem:
    """Two one-hour intervals of one day, 10 contacts each; one pool; an agent costs 10 in the first
    hour and 12 in the second. Answered in time with 1, 2, 3, 4 agents: 6, 7.9, 9.5, 10 contacts."""
    promise = PeriodPromise(
        level=0.8,
        floor_level=0.5,
        period=np.array([0, 0]),
        contacts=np.array([10.0, 10.0]),
        agents=np.array([[1.0, 2, 3, 4], [1.0, 2, 3, 4]]),
        answered=np.array([[6.0, 7.9, 9.5, 10], [6.0, 7.9, 9.5, 10]]),
    )
    group = LiveGroup("live:en:chat", (Q,), ("en",), np.array(requirement), promise if period else None, 1.0)
    return RosterProblem(
        n_intervals=2,
        interval_hours=1.0,
        pools=(PoolSpec("p", "lisbon", "en"),),
        option_pool=np.array([0, 0]),
        option_cost=np.array([10.0, 12.0]),
        option_day=np.array([0, 0]),
        option_names=("first_hour", "second_hour"),
        cover_index=np.array([[0], [1]]),
        cover_fraction=np.array([[1.0], [1.0]]),
        live=(group,),
        penalty=1e4,
    )


def solve(problem: RosterProblem) -> tuple[list[int], float]:
    model = build_model(problem)
    solve_model(model, SolveOptions(solver=SolverChoice.HIGHS, gap=0.0, time_limit=60))
    shifts = [round(v.varValue) for v in model.shifts]
    return shifts, float(np.dot(shifts, problem.option_cost))


def test_interval_wise_staffing_needs_three_agents_every_hour():
    # 80 % in each hour: 9.5 of 10 needs 3 agents in each hour: 3 x 10 + 3 x 12 = 66
    assert solve(day_problem([3, 3], period=False)) == ([3, 3], 66.0)


def test_day_scope_trades_hours_against_each_other():
    # 80 % of the day's 20 contacts = 16 answered in time. With at least 1 agent an hour:
    # (4, 1) answers 10 + 6 = 16 for 52; (3, 2) 17.4 for 54; (2, 2) only 15.8. Optimum (4, 1) at 52.
    assert solve(day_problem([1, 1], period=True)) == ([4, 1], 52.0)


def test_the_interval_floor_holds_under_day_scope():
    # a floor needing 2 agents an hour rules out (4, 1): then (3, 2) for 54
    assert solve(day_problem([2, 2], period=True)) == ([3, 2], 54.0)


# --------------------------------------------------------------------------- through the input


CH_HEADER = [
    "channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "patience_minutes", "deferrable",
    "service_level_scope", "min_interval_service_level",
]  # fmt: skip


def tables(channels: list[list[object]]) -> dict[str, list[list[object]]]:
    return {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"], [T0, "en", "chat", "standard", 100]],
        "channels": [CH_HEADER, *channels],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["p", "lisbon", "en"]],
        "settings": [["setting", "value"], ["interval_minutes", 30], ["max_occupancy", 0.85]],
    }


def test_day_scope_requirement_is_the_floor_and_the_promise_travels(tmp_path):
    path = write_xlsx(tables([["chat", 3, 20 / 60, 0.8, 1, None, "no", "day", 0.5]]), tmp_path / "in.xlsx")
    req = compute_requirements(load_scenario(path))
    row = req.table[req.table["contacts"] > 0].iloc[0]
    # 10 Erlangs at 85 % occupancy at most: 12 agents (10 / 0.85 = 11.8), whose SL is above the 0.5 floor
    assert row["agents_required"] == 12
    assert float(erlang.queue_stats(12, 100 / 30, 3.0, 20 / 60).service_level) >= 0.5
    promise = req.period[Q]
    assert promise.level == 0.8 and promise.floor_level == 0.5
    assert promise.period[18] == 0 and (promise.period[promise.contacts == 0] == -1).all()
    assert promise.agents[18, 0] == 12 and promise.agents[18, 3] == 15  # from the floor to 1 past the interval-wise 14


def test_bad_scopes_are_each_reported(tmp_path):
    rows = [
        ["chat", 3, 20 / 60, 0.8, 1, None, "no", "month", None],  # row 2: unknown scope
        ["phone", 3, 20 / 60, 0.8, 1, None, "no", "day", 0.9],  # row 3: floor above the target
        ["email", 10, 480, 0.9, 1, None, "yes", "week", None],  # row 4: deferrable
    ]
    path = write_xlsx(tables(rows), tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 3 problems found",
        f"{path}, sheet 'channels', row 2, column 'service_level_scope': got 'month'; expected blank, interval, day or week",
        f"{path}, sheet 'channels', row 3, column 'min_interval_service_level': got 0.9; expected a share at most the channel's service_level (0.8)",
        f"{path}, sheet 'channels', row 4, column 'service_level_scope': got 'week'; expected interval (or blank): deferrable work has its own window; day and week apply to live channels",
    ]
