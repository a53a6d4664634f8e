"""Paid breaks (issue 13): the shifts sheet's ``break_minutes`` column. The break is off the floor (no
coverage) for its whole length; paid hours above the minutes on duty pay that share of each break minute,
with the minute's premiums. Hand-worked on the small valid input (Lisbon, 18 EUR an hour, night premium
25 % from 22:00 to 06:00, UTC+0 in the week of 2026-03-23)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from test_bad_input import assert_fails_with, at
from workbooks import Tables, valid_tables, write_xlsx

from planner.domain import ShiftTemplate
from planner.inputs.load import load_scenario
from planner.roster.options import ShiftOptions, enumerate_options


def _with_shifts(rows: list[list[Any]], blank_column: bool = True) -> Tables:
    """The valid input with the column ``break_minutes`` (blank for its two templates) and ``rows`` added."""
    t = valid_tables()
    if blank_column:
        t["shifts"][0] += ["break_minutes"]
        t["shifts"][1] += [None]
        t["shifts"][2] += [None]
    t["shifts"] += rows
    return t


def _monday_option(options: ShiftOptions, template: str) -> int:
    tab = options.table
    rows = tab[(tab["pool"] == "lisbon_en") & (tab["template"] == template) & (tab["local_day"] == 0)]
    assert len(rows) == 1
    return int(rows["option"].iloc[0])


def test_the_template_counts_a_paid_break_once() -> None:
    fully = ShiftTemplate("paid", 8.0, 8.0, dt.time(8), dt.time(8), break_length_minutes=30)
    assert (fully.break_minutes, fully.on_duty_minutes, fully.paid_break_minutes) == (30, 450, 30)
    assert fully.break_paid_share == 1.0
    partly = ShiftTemplate("part", 8.0, 8.5, dt.time(18), dt.time(18), break_length_minutes=60)
    assert (partly.break_minutes, partly.on_duty_minutes, partly.paid_break_minutes) == (60, 450, 30)
    assert partly.break_paid_share == 0.5
    unpaid = ShiftTemplate("day", 8.0, 9.0, dt.time(6), dt.time(12))
    assert (unpaid.break_minutes, unpaid.on_duty_minutes, unpaid.paid_break_minutes) == (60, 480, 0)
    assert unpaid.break_paid_share == 0.0


def test_a_fully_paid_break_costs_the_whole_shift_and_covers_the_rest(tmp_path: Path) -> None:
    # 8 hours from 08:00, all paid, a 30-minute break mid-shift: (480 - 30) / 2 = 225 -> 11:45-12:15.
    # Cost 8 h x 18 = 144 (no premium by day); coverage 7.5 h: hours 11 and 12 are 0.75 on duty.
    scenario = load_scenario(
        write_xlsx(_with_shifts([["paid", 8, 8, "08:00", "08:00", 60, "lisbon", 30]]), tmp_path / "a.xlsx")
    )
    options = enumerate_options(scenario)
    o = _monday_option(options, "paid")
    row = options.table.loc[o]
    assert (row["start_minute"], row["break_start"], row["break_end"]) == (480, 225, 255)
    assert row["cost"] == pytest.approx(144.0)
    on = options.presence()[o]
    assert on.sum() == pytest.approx(7.5)
    expected = np.zeros(168)
    expected[8:16] = 1.0
    expected[11] = expected[12] = 0.75
    np.testing.assert_allclose(on, expected)


def test_a_partly_paid_break_pays_its_share_with_the_night_premium(tmp_path: Path) -> None:
    # 8.5 hours from 18:00 with 8 paid and a 60-minute break: 450 minutes on duty, 30 of the 60 break minutes
    # paid (share 0.5). Mid-shift break (510 - 60) / 2 = 225 -> 21:45-22:45, 45 of its minutes at night.
    # On duty 18:00-21:45 (225 min by day) and 22:45-02:30 (225 min at night, x 1.25):
    # (225 + 225 x 1.25 + 0.5 x (15 + 45 x 1.25)) / 60 x 18 = 541.875 / 60 x 18 = 162.5625.
    tables = _with_shifts([["part", 8, 8.5, "18:00", "18:00", 60, "lisbon", 60]])
    scenario = load_scenario(write_xlsx(tables, tmp_path / "b.xlsx"))
    options = enumerate_options(scenario)
    o = _monday_option(options, "part")
    row = options.table.loc[o]
    assert (row["start_minute"], row["break_start"], row["break_end"]) == (1080, 225, 285)
    assert row["break_paid_share"] == pytest.approx(0.5)
    assert row["cost"] == pytest.approx(162.5625)
    on = options.presence()[o]
    assert on.sum() == pytest.approx(7.5)  # the whole hour of break is off the floor
    np.testing.assert_allclose(on[18:27], [1, 1, 1, 0.75, 0.25, 1, 1, 1, 0.5])


def test_a_blank_break_column_gives_the_same_options_as_before(tmp_path: Path) -> None:
    before = enumerate_options(load_scenario(write_xlsx(valid_tables(), tmp_path / "none.xlsx")))
    blank = enumerate_options(load_scenario(write_xlsx(_with_shifts([]), tmp_path / "blank.xlsx")))
    # a break_minutes equal to length - paid is the unpaid break of the blank column
    given = valid_tables()
    given["shifts"][0] += ["break_minutes"]
    given["shifts"][1] += [60]
    given["shifts"][2] += [60]
    explicit = enumerate_options(load_scenario(write_xlsx(given, tmp_path / "given.xlsx")))
    for other in (blank, explicit):
        pd.testing.assert_frame_equal(other.table, before.table)
        np.testing.assert_array_equal(other.cover_index, before.cover_index)
        np.testing.assert_array_equal(other.cover_fraction, before.cover_fraction)
    # and the reference: 'day' (8 paid in 9) from 08:00 on Monday costs 8 h x 18 = 144, on duty 8 h
    tab = before.table[(before.table["template"] == "day") & (before.table["pool"] == "lisbon_en")]
    o = int(tab[tab["local_start"] == dt.datetime(2026, 3, 23, 8)]["option"].iloc[0])
    assert before.table.at[o, "cost"] == pytest.approx(144.0)
    assert before.presence()[o].sum() == pytest.approx(8.0)
    assert before.table.at[o, "break_paid_share"] == 0.0


def test_paid_hours_outside_the_break_range_are_located_errors(tmp_path: Path) -> None:
    # row 4: 8.5 hours with a 60-minute break: paid must be 7.5 (unpaid break) to 8.5 (wholly paid); 7 is not.
    # row 5: a 600-minute break does not fit in a 9-hour shift; row 6: 9 paid hours in an 8.5-hour shift.
    # All reported in one run.
    tables = _with_shifts(
        [
            ["short_paid", 7, 8.5, "08:00", "08:00", 60, "lisbon", 60],
            ["long_break", 8, 9, "08:00", "08:00", 60, "lisbon", 600],
            ["too_paid", 9, 8.5, "08:00", "08:00", 60, "lisbon", 30],
        ]
    )
    path = write_xlsx(tables, tmp_path / "input.xlsx")
    assert_fails_with(
        path,
        [
            at(
                path,
                "shifts",
                4,
                "paid_hours",
                "7",
                "a number of hours from 7.5 (length_hours - break_minutes / 60: an unpaid break) to 8.5 "
                "(length_hours: a wholly paid break)",
            ),
            at(path, "shifts", 5, "break_minutes", "600", "a break of at most the shift's length (540 minutes)"),
            at(path, "shifts", 6, "length_hours", "8.5", "a number of hours at least paid_hours (9), break included"),
        ],
    )


def test_a_paid_break_is_placed_by_the_model(tmp_path: Path) -> None:
    from planner.roster.plan import RosterOptions, plan_roster
    from planner.roster.solve import SolveOptions

    # Only the fully paid template: 8 hours from 06:00-12:00, a 30-minute break the model places
    # (blank window: 165..285 minutes after the start, an hour either side of 225).
    tables = valid_tables()
    tables["shifts"] = [
        tables["shifts"][0] + ["break_minutes"],
        ["paid", 8, 8, "06:00", "12:00", 60, None, 30],
    ]
    tables["settings"].append(["model_breaks", "yes"])
    scenario = load_scenario(write_xlsx(tables, tmp_path / "in.xlsx"))
    result = plan_roster(scenario, RosterOptions(solve=SolveOptions(time_limit=10)))
    assert result.problem.breaks and all(c.length == 30 for c in result.problem.breaks)
    assert result.floor is not None
    breaks = result.floor.breaks
    assert len(breaks) and set(breaks["break_minutes"]) == {30}
    assert breaks["minutes_after_start"].between(165, 285).all()
    assert int(breaks["agents"].sum()) == int(result.shifts["agents"].sum())
    # the shifts sheet (and the summary's weekly cost) and the cost sheet price the breaks where they are
    assert result.summary.weekly_cost == pytest.approx(result.cost["weekly_cost"].sum(), abs=0.01)
    # every shift is paid 8 hours; on a Monday day shift at Lisbon (no premium) that is 8 x 18
    shifts = result.shifts
    assert set(shifts["paid_hours"]) == {8.0}
    lisbon = shifts[(shifts["pool"] == "lisbon_en") & (shifts["local_date"] == dt.date(2026, 3, 23))]
    assert len(lisbon) and np.allclose(lisbon["cost_per_agent"], 144.0)


# --------------------------------------------------------------------------- cost under placed breaks


def test_duty_and_cost_count_each_break_where_it_was_placed(tmp_path: Path) -> None:
    from planner.analysis.cost import duty_and_cost

    # 'eve': 9 hours from 17:00 with 8 paid (a 60-minute unpaid break, mid-shift at 240: 21:00-22:00).
    # 'part': 8.5 hours from 18:00, 8 paid, a 60-minute break half paid (mid-shift 21:45-22:45, see above).
    tables = _with_shifts(
        [
            ["eve", 8, 9, "17:00", "17:00", 60, "lisbon", None],
            ["part", 8, 8.5, "18:00", "18:00", 60, "lisbon", 60],
        ]
    )
    scenario = load_scenario(write_xlsx(tables, tmp_path / "c.xlsx"))
    options = enumerate_options(scenario)
    eve, part = _monday_option(options, "eve"), _monday_option(options, "part")
    agents = np.zeros(len(options), dtype=np.int64)
    agents[eve], agents[part] = 2, 1
    chosen = np.array(sorted([eve, part]))
    # One 'eve' agent breaks at 300 (22:00-23:00, at night); the other keeps mid-shift (not in placed).
    # The 'part' agent breaks at 240 (22:00-23:00, at night).
    placed = {eve: [(300, 1)], part: [(240, 1)]}
    duty, cost = duty_and_cost(scenario, options, chosen, agents, placed)
    k = list(scenario.pools).index("lisbon_en")
    # By hand, at 18 an hour and x 1.25 from 22:00:
    #   eve at 300: on 17:00-22:00 (300 min) and 23:00-02:00 (180 x 1.25): 525 / 60 x 18 = 157.5
    #   eve mid-shift: on 17:00-21:00 (240) and 22:00-02:00 (240 x 1.25): 540 / 60 x 18 = 162
    #   part at 240: on 18:00-22:00 (240) and 23:00-02:30 (210 x 1.25), break 60 x 1.25 x 0.5:
    #   (240 + 262.5 + 37.5) / 60 x 18 = 162 (mid-shift it costs 162.5625)
    assert cost[k].sum() == pytest.approx(157.5 + 162.0 + 162.0)
    expected = np.zeros(168)
    expected[17:26] = 2.0  # both 'eve' agents, 17:00-02:00
    expected[21] -= 1  # the mid-shift one off 21:00-22:00
    expected[22] -= 1  # the placed one off 22:00-23:00
    expected[18:22] += 1  # 'part' on 18:00-22:00 ...
    expected[23:26] += 1  # ... and 23:00-02:00
    expected[26] += 0.5  # ... and 02:00-02:30
    np.testing.assert_allclose(duty[k], expected)
    # nothing placed: every break mid-shift, as the options' cost
    _, mid = duty_and_cost(scenario, options, chosen, agents)
    assert mid[k].sum() == pytest.approx(2 * 162.0 + 162.5625)
    assert mid[k].sum() == pytest.approx(float((options.table["cost"].to_numpy() * agents).sum()))


def test_the_objective_prices_each_placed_break_where_it_is(tmp_path: Path) -> None:
    from planner.requirements import compute_requirements
    from planner.roster.problem import build_problem

    # 'eve': 9 hours from 17:00 at Lisbon, 8 paid, its unpaid 60-minute break may start 180..360 minutes in
    # (20:00 to 23:00); mid-shift at 240 (21:00). Night (x 1.25) from 22:00. By hand, at 18 an hour:
    #   break at 20:00 or 21:00: on duty 240 minutes by day and 240 at night: (240 + 300) / 60 x 18 = 162
    #   break at 21:15: 255 by day, 225 at night: (255 + 281.25) / 60 x 18 = 160.875
    #   break at 22:00 or later: 300 by day, 180 at night: (300 + 225) / 60 x 18 = 157.5
    tables = valid_tables()
    tables["shifts"] = [
        tables["shifts"][0] + ["break_earliest_minutes", "break_latest_minutes"],
        ["eve", 8, 9, "17:00", "17:00", 60, "lisbon", 180, 360],
    ]
    tables["settings"].append(["model_breaks", "yes"])
    scenario = load_scenario(write_xlsx(tables, tmp_path / "eve.xlsx"))
    options = enumerate_options(scenario)
    o = _monday_option(options, "eve")
    assert options.table.at[o, "cost"] == pytest.approx(162.0)  # the options' table: mid-shift
    problem = build_problem(scenario, compute_requirements(scenario), options)
    (chain,) = [c for c in problem.breaks if any(o in opts for opts in c.options)]
    slots = chain.slots(problem.slot_minutes)
    assert len(chain.slot_costs) == len(slots)

    def with_break_at(minute: int) -> float:
        return float(problem.option_cost[o] + chain.slot_costs[(1020 + minute) // 15 - slots.start])

    assert with_break_at(180) == pytest.approx(162.0)
    assert with_break_at(240) == pytest.approx(162.0)
    assert with_break_at(255) == pytest.approx(160.875)
    assert with_break_at(300) == pytest.approx(157.5)
    assert with_break_at(360) == pytest.approx(157.5)
    assert min(chain.slot_costs) == 0.0


def test_the_model_puts_breaks_where_they_cost_least_when_coverage_allows() -> None:
    from test_breaks import one_start
    from test_model import solve

    from planner.roster.rules import BreakChain

    # Half-hours of one cyclic day; one start at minute 0: 540 minutes with a 30-minute break that may start
    # 150..300 minutes in (slots 10..20 of 15 minutes). One agent is needed in every half-hour of the shift,
    # so two agents work it (one alone would leave its break uncovered) and they break at different times.
    # A break costs 1 in every slot but 240 (slot 16), where it costs nothing: the cheapest roster is
    # 2 x 8 + 0 + 1 = 17 with one break at 240.
    need = np.zeros(48)
    need[:18] = 1.0
    costs = tuple(0.0 if u == 16 else 1.0 for u in range(10, 21))
    problem = one_start(need, BreakChain("p__30min", 0, (0,), ((0,),), 30, 150, 300, 255, costs))
    model, info, shifts = solve(problem)
    assert shifts.tolist() == [2]
    assert info.objective == pytest.approx(17.0)
    assert model.breaks[(0, 16)].varValue == pytest.approx(1.0)
