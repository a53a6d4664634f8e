# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""A reduced team on holidays: a pool observing a calendar staffs at most ``available_share`` of its
available people on the calendar's holidays; hand-worked on a week of one 8-hour shift a day."""

from __future__ import annotations

import datetime as dt

import numpy as np
from workbooks import run_cli, write_xlsx

from planner.domain import SolverChoice
from planner.inputs.load import load_scenario
from planner.roster.plan import plan_roster
from planner.roster.rules import LiveGroup, PoolSpec, RosterProblem, build_model
from planner.roster.solve import SolveOptions, solve_model

T0 = dt.datetime(2026, 3, 23, 0, 0)  # a Monday; the holiday is Wednesday 2026-03-25
HOLIDAY = dt.datetime(2026, 3, 25)


def tables(pool_calendar: str | None, share: object = 0.35, available: int | None = 10) -> dict[str, list]:
    demand = [
        [T0 + dt.timedelta(days=d, hours=h), "en", "chat", "standard", 20] for d in range(7) for h in range(9, 17)
    ]
    return {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"], *demand],
        "channels": [["channel", "handle_minutes", "target_minutes", "service_level"], ["chat", 6, 1, 0.8]],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "UTC", 20]],
        "pools": [["pool", "site", "languages", "available", "calendar"], ["p", "lisbon", "en", available, pool_calendar]],
        "shifts": [["shift", "paid_hours", "length_hours", "earliest_start", "latest_start"],
                   ["day", 8, 8, "09:00", "09:00"]],
        "calendars": [["calendar", "timezone", "days", "open", "close", "holiday", "available_share"],
                      ["office", "UTC", None, None, None, HOLIDAY, share]],
        "settings": [["setting", "value"], ["interval_minutes", 60], ["week_start", T0], ["shrinkage", 0],
                     ["weekly_tours", "no"]],
    }  # fmt: skip


def agents_by_date(result) -> dict[str, int]:
    return {str(r.local_date): int(r.agents) for r in result.shifts.itertuples(index=False)}


def test_a_holiday_at_035_of_ten_people_staffs_three_and_the_rest_is_shortfall(tmp_path):
    plain = plan_roster(load_scenario(write_xlsx(tables(None), tmp_path / "plain.xlsx")))
    holiday = plan_roster(load_scenario(write_xlsx(tables("office"), tmp_path / "holiday.xlsx")))
    need = plain.requirements.table.query("contacts > 0")["agents_required"]
    assert (need == 4).all()  # 2 Erlangs: 4 agents in each of the 8 hours a day, every day
    # no holiday: 4 people on each day's 09:00 shift, no shortfall
    assert set(agents_by_date(plain).values()) == {4} and len(agents_by_date(plain)) == 7
    assert plain.summary.shortfall_agent_hours == 0
    # holiday: floor(0.35 x 10) = 3 people on Wednesday, so 1 agent short in each of its 8 hours
    assert holiday.problem.pools[0].holiday_caps == ((2, 3),)  # Wednesday is local day 2
    days = agents_by_date(holiday)
    assert days.pop("2026-03-25") == 3 and set(days.values()) == {4}
    assert holiday.summary.shortfall_agent_hours == 8.0
    assert holiday.summary.weekly_cost == plain.summary.weekly_cost - 8 * 20
    assert set(holiday.gaps["reason"]) == {"headcount cap: pool p has its holiday team of 3 on shift"}
    assert len(holiday.gaps) == 8 and (holiday.gaps["shortfall"] == 1.0).all()


def test_the_holiday_cap_binds_the_model_directly():
    # two days, one shift option each, 3 agents required on each; day 1 is a holiday capped at 2
    group = LiveGroup("live:en:chat", (("en", "chat", "standard"),), ("en",), np.array([3.0, 3.0]))
    problem = RosterProblem(
        n_intervals=2,
        interval_hours=1.0,
        pools=(PoolSpec("p", "lisbon", "en", available=4, holiday_caps=((1, 2),)),),
        option_pool=np.array([0, 0]),
        option_cost=np.array([10.0, 10.0]),
        option_day=np.array([0, 1]),
        option_names=("day0", "day1"),
        cover_index=np.array([[0], [1]]),
        cover_fraction=np.array([[1.0], [1.0]]),
        live=(group,),
        penalty=1e4,
    )
    model = build_model(problem)
    solve_model(model, SolveOptions(solver=SolverChoice.HIGHS, gap=0.0, time_limit=60))
    assert [round(v.varValue) for v in model.shifts] == [3, 2]
    assert sum(v.varValue for v in model.short.values()) == 1.0
    assert model.rules["holiday_headcount"] == ["holiday_team__p__d001"]


def test_bad_holiday_teams_are_each_reported(tmp_path):
    t = tables("offices")  # pools row 2: unknown calendar
    t["pools"].append(["q", "lisbon", "en", None, "office"])  # row 3: a share of no headcount
    t["calendars"].append(["office", "UTC", "mon-fri", "09:00", "17:00", None, 0.5])  # row 3: share on an hours row
    t["calendars"].append(["office", "UTC", None, None, None, dt.datetime(2026, 3, 26), 1.5])  # row 4: above 1
    path = write_xlsx(t, tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 4 problems found",
        f"{path}, sheet 'pools', row 2, column 'calendar': got 'offices'; expected blank or a calendar listed in the calendars sheet (office)",
        f"{path}, sheet 'pools', row 3, column 'available': got blank; expected a headcount: the holiday available_share of this calendar is a share of available people",
        f"{path}, sheet 'calendars', row 3, column 'available_share': got 0.5; expected blank on a business-hours row",
        f"{path}, sheet 'calendars', row 4, column 'available_share': got 1.5; expected blank or a share from 0 to 1",
    ]  # fmt: skip
