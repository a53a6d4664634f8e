"""Breaks placed by the roster model (issue 13): the implicit break formulation (rule break_windows),
coverage at break granularity (rule break_coverage), whole breaks from the model's, and the template
columns that give the break window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from test_bad_input import assert_fails_with, at, xlsx_with
from test_model import Q_EN, _violations, solve

from planner.analysis.breaks import model_breaks
from planner.domain import ShiftTemplate
from planner.roster.rules import BreakChain, LiveGroup, PoolSpec, RosterProblem, build_model

# --------------------------------------------------------------------------- the forced-stagger day

# Half-hour intervals, one cyclic day (48 intervals), one shift start at minute 0: 9 hours (540 min) with a
# 30-minute unpaid break that may start 150..300 minutes after the start (mid-shift: (540 - 30) / 2 = 255).
# Demand: 12 agents in every half-hour of the shift, 13 in the half-hour 240-270 (interval 8).
NEED = np.zeros(48)
NEED[:18] = 12.0
NEED[8] = 13.0


def _forced_stagger(model_breaks_on: bool) -> RosterProblem:
    return one_start(NEED.copy(), BreakChain("p__30min", 0, (0,), ((0,),), 30, 150, 300, 255), model_breaks_on)


def one_start(need: np.ndarray, chain: BreakChain, model_breaks_on: bool = True) -> RosterProblem:
    """Half-hours of one cyclic day, one shift option starting at minute 0 (540 minutes, 8 paid, a 30-minute
    break mid-shift at 255 in the coverage arrays) and one live group needing ``need``."""
    # coverage arrays of the mid-shift rule: on duty 0-255 and 285-540, so intervals 8 (240-270) and
    # 9 (270-300) are half on duty
    index = np.arange(18)[None, :]
    fraction = np.ones((1, 18))
    fraction[0, 8] = fraction[0, 9] = 0.5
    return RosterProblem(
        n_intervals=48,
        interval_hours=0.5,
        pools=(PoolSpec("p", "s", "en"),),
        option_pool=np.array([0]),
        option_cost=np.array([8.0]),
        option_day=np.array([0]),
        option_names=("p_s0000",),
        cover_index=index,
        cover_fraction=fraction,
        live=(LiveGroup("g", (Q_EN,), ("en",), need),),
        penalty=1000.0,
        breaks=(chain,) if model_breaks_on else (),
        option_start=np.array([0]),
        option_length=np.array([540]),
        option_break=np.array([[255, 285]]),
    )


def _on_duty_per_quarter(agents: int, breaks: list[tuple[int, int]]) -> np.ndarray:
    on = np.zeros(96)
    on[:36] = agents
    for offset, count in breaks:
        on[offset // 15 : offset // 15 + 2] -= count
    return on


def test_the_model_staggers_breaks_where_the_mid_shift_rule_empties_the_peak() -> None:
    # By hand: with x agents, every quarter-hour of the shift keeps at least the half-hour's need, so at most
    # x - 12 agents are on break in a quarter (x - 13 in the peak's two quarters). The 30-minute breaks
    # (2 quarters each) all fall in the 12 quarters 150..330: 2x <= 10 (x - 12) + 2 (x - 13), so x >= 15.
    # With 15: 3 at 150, 180, 210 and 270, 2 at 240 (the peak), 1 at 300 keeps every quarter.
    model, info, shifts = solve(_forced_stagger(True))
    assert shifts.tolist() == [15]
    assert info_cost(model) == pytest.approx(15 * 8.0)
    assert sum(v.varValue for v in model.short.values()) == pytest.approx(0.0, abs=1e-6)
    values = {k: float(v.varValue or 0.0) for k, v in model.breaks.items()}
    placed = model_breaks(model.problem, values, shifts)
    assert sum(n for _, n in placed[0]) == 15
    assert all(150 <= off <= 300 and off % 15 == 0 for off, _ in placed[0])
    on = _on_duty_per_quarter(15, placed[0])
    need = np.repeat(NEED, 2)
    assert np.all(on[:36] >= need[:36] - 1e-9)  # no half-hour (nor quarter) below its need


def test_the_mid_shift_rule_fails_the_forced_stagger_day() -> None:
    # Everyone breaks 255-285: with 15 agents the peak half-hour 240-270 has 15 x 0.5 = 7.5 agents on
    # average against 13 (none in its second quarter), and 270-300 has 7.5 against 12. The mid-shift model
    # keeps the interval averages only with x * 0.5 >= 13, i.e. 26 agents (cost 26 x 8 = 208 against 120
    # with staggered breaks); a shortfall would cost 1000 an agent-hour, so it pays for the 26.
    on = _on_duty_per_quarter(15, [(255, 15)])
    assert on[16] == 15 and on[17] == 0 and on[18] == 0  # quarters 240-255, 255-270, 270-285
    assert (on[16] + on[17]) / 2 == 7.5 < NEED[8]
    model, _, shifts = solve(_forced_stagger(False))
    assert shifts.tolist() == [26]
    assert info_cost(model) == pytest.approx(26 * 8.0)


def info_cost(model) -> float:
    return float(sum(float(v.varValue) * c for v, c in zip(model.shifts, model.problem.option_cost, strict=True)))


# --------------------------------------------------------------------------- the formulation by hand


def _two_starts() -> RosterProblem:
    # hourly intervals, 10 hours; start A at 0 and B at 60, 8 hours each, 60-minute break in [180, 240]
    # after the start: A may break at 180..240 (slots 12..16), B at 240..300 (slots 16..20)
    index = np.array([np.arange(8), np.arange(1, 9)])
    fraction = np.ones((2, 8))
    fraction[0, 3] = fraction[0, 4] = 0.5  # mid-shift (480 - 60) / 2 = 210: half of hours 3 and 4
    fraction[1, 4] = fraction[1, 5] = 0.5
    chain = BreakChain("p__60min", 0, (0, 60), ((0,), (1,)), 60, 180, 240, 210)
    return RosterProblem(
        n_intervals=10,
        interval_hours=1.0,
        pools=(PoolSpec("p", "s", "en"),),
        option_pool=np.array([0, 0]),
        option_cost=np.array([8.0, 8.0]),
        option_day=np.array([0, 0]),
        option_names=("A", "B"),
        cover_index=index,
        cover_fraction=fraction,
        live=(LiveGroup("g", (Q_EN,), ("en",), np.full(10, 0.5)),),
        breaks=(chain,),
        option_start=np.array([0, 60]),
        option_length=np.array([480, 480]),
        option_break=np.array([[210, 270], [210, 270]]),
    )


def _break_values(model, shifts: tuple[int, int], breaks: dict[int, float]) -> list[str]:
    """The break_windows rows violated by one agent choice (slot -> agents starting a break)."""
    values = {v.name: float(n) for v, n in zip(model.shifts, shifts, strict=True)}
    for (_c, u), var in model.breaks.items():
        values[var.name] = breaks.get(u, 0.0)
    # the forward and backward surplus variables take the values their equalities give (rows in order)
    for name in model.rules["break_windows"]:
        c = model.lp.get_constraint_by_name(name)
        own = [v for v, coef in c.items() if coef == -1.0 and v.name.startswith(("breaks_ahead", "breaks_behind"))]
        if own:
            values[own[0].name] = sum(coef * values.get(v.name, 0.0) for v, coef in c.items() if v is not own[0])
    return [n for n in _violations(model, values) if n in model.rules["break_windows"]] + [
        v.name for v in model.lp.variables() if v.name.startswith("breaks_") and values.get(v.name, 0.0) < -1e-9
    ]


def test_forward_and_backward_conditions_hold_exactly_the_windows() -> None:
    model = build_model(_two_starts())
    assert sorted(u for _, u in model.breaks) == list(range(12, 21))  # slots 180..300 minutes
    # one agent each: A breaks at 180, B at 300 - both in their windows
    assert _break_values(model, (1, 1), {12: 1, 20: 1}) == []
    # both breaks at slot 12 (minute 180): B's window opens at 240 - the backward row is broken
    assert _break_values(model, (1, 1), {12: 2}) != []
    # both at slot 20 (minute 300): A's window closed at 240 - the forward row is broken
    assert _break_values(model, (1, 1), {20: 2}) != []
    # both at 240 (slot 16): in both windows
    assert _break_values(model, (1, 1), {16: 2}) == []
    # a break too few or too many: the chain's total row is broken
    assert _break_values(model, (1, 1), {16: 1}) != []


def test_whole_breaks_are_given_to_the_starts_in_order() -> None:
    problem = _two_starts()
    # 2 agents of A and 1 of B; the model's breaks: 0.5 at 180, 1.5 at 240, 1 at 300
    placed = model_breaks(problem, {(0, 12): 0.5, (0, 16): 1.5, (0, 20): 1.0}, np.array([2, 1]))
    # cumulative 0.5, 2, 3 rounds to 1, 2, 3: one break at 180 and one at 240 for A, B's at 300 (offset 240)
    assert placed == {0: [(180, 1), (240, 1)], 1: [(240, 1)]}


def test_agents_on_duty_count_the_breaks_where_they_are_placed() -> None:
    from planner.analysis.breaks import duty_change

    problem = _two_starts()
    placed = {0: [(180, 1), (240, 1)], 1: [(240, 1)]}
    change = duty_change(problem, np.array([2, 1]), placed)
    # A (2 agents, mid-shift break 210-270 counted as half of hours 3 and 4) breaks at 180-240 and 240-300:
    # one agent off in each of hours 3 and 4, as the mid-shift count had it - no change. B (1 agent, counted
    # off 270-330: half of hours 4 and 5) breaks 300-360: hour 4 gains half an agent, hour 5 loses it.
    expected = np.zeros((1, 10))
    expected[0, 4], expected[0, 5] = 0.5, -0.5
    np.testing.assert_allclose(change, expected)


# --------------------------------------------------------------------------- the template columns


def test_a_blank_window_is_an_hour_either_side_of_mid_shift() -> None:
    import datetime as dt

    nine = ShiftTemplate("day", 8.0, 9.0, dt.time(6), dt.time(12))
    assert nine.mid_break_start == 240 and nine.break_start_window() == (180, 300)
    # a 2-hour shift with 1 paid hour: mid-shift (120 - 60) / 2 = 30; the window stops at the shift's start
    # and at the last start that ends the break within the shift (60)
    short = ShiftTemplate("short", 1.0, 2.0, dt.time(6), dt.time(12))
    assert short.mid_break_start == 30 and short.break_start_window() == (0, 60)
    given = ShiftTemplate("x", 8.0, 9.0, dt.time(6), dt.time(12), break_earliest_minutes=120, break_latest_minutes=360)
    assert given.break_start_window() == (120, 360)


def _window(earliest: object, latest: object):
    def mutate(t) -> None:
        t["shifts"][0] += ["break_earliest_minutes", "break_latest_minutes"]
        t["shifts"][1] += [earliest, latest]
        t["shifts"][2] += [None, None]

    return xlsx_with(mutate)


@pytest.mark.parametrize(
    ("earliest", "latest", "column", "got", "expected"),
    [
        # day: 9 hours, 8 paid: a 60-minute break may start at most 480 minutes after the start
        (
            400,
            500,
            "break_latest_minutes",
            "500",
            "a break start at most 480 minutes after the shift start (a 60-minute break ends within the "
            "540-minute shift)",
        ),
        (
            300,
            200,
            "break_earliest_minutes",
            "300",
            "a break start in minutes after the shift start, at most break_latest_minutes (200)",
        ),
    ],
)
def test_break_window_errors_name_the_cell(
    tmp_path: Path, earliest: int, latest: int, column: str, got: str, expected: str
) -> None:
    path = _window(earliest, latest)(tmp_path)
    assert_fails_with(path, [at(path, "shifts", 2, column, got, expected)])


# --------------------------------------------------------------------------- end to end


def test_a_roster_with_model_breaks_publishes_whole_breaks_in_their_windows(tmp_path: Path) -> None:
    from workbooks import valid_tables, write_xlsx

    from planner.inputs.load import load_scenario
    from planner.roster.plan import RosterOptions, plan_roster
    from planner.roster.solve import SolveOptions

    tables = valid_tables()
    tables["settings"].append(["model_breaks", "yes"])
    tables["shifts"][0] += ["break_earliest_minutes", "break_latest_minutes"]
    tables["shifts"][1] += [150, 330]  # day: a 60-minute break starting 2.5 to 5.5 hours in
    tables["shifts"][2] += [None, None]  # late: 180..300 (an hour either side of mid-shift)
    scenario = load_scenario(write_xlsx(tables, tmp_path / "in.xlsx"))
    result = plan_roster(scenario, RosterOptions(solve=SolveOptions(time_limit=5)))
    assert result.problem.breaks  # chains for the pools that serve live work
    assert result.floor is not None
    breaks, shifts = result.floor.breaks, result.shifts
    window = {"day": (150, 330), "late": (180, 300)}
    for r in breaks.itertuples(index=False):
        lo, hi = window[r.shift]
        assert lo <= r.minutes_after_start <= hi and r.minutes_after_start % 15 == 0
        assert r.break_minutes == 60
    # every agent of every shift row breaks exactly once
    per_shift = breaks.groupby(["pool", "shift", "shift_utc_start"])["agents"].sum()
    expected = shifts.groupby(["pool", "shift", "utc_start"])["agents"].sum()
    assert sorted(per_shift.to_numpy().tolist()) == sorted(expected.to_numpy().tolist())
    assert int(per_shift.sum()) == int(expected.sum())


def test_people_on_the_floor_follow_the_placed_breaks_not_the_mid_shift_one() -> None:
    # One start of 10 agents at minute 0 (540 minutes, 30-minute break mid-shift at 255 in the coverage arrays:
    # half-hours 8 and 9 half on duty). 6 break at 150 (half-hour 5, all of it), 4 at 240 (half-hour 8).
    # By hand, people who can be given work per half-hour: 10 in half-hours 0..17, less 6 in half-hour 5 and
    # 4 in half-hour 8; nobody outside the shift. On-duty agent-time: the same (every break fills a half-hour).
    from planner.analysis.activities import pool_on_duty

    problem = one_start(np.zeros(48), BreakChain("p__30min", 0, (0,), ((0,),), 30, 150, 300, 255))
    duty, people = pool_on_duty(problem, np.array([10.0]), {0: [(150, 6), (240, 4)]})
    expected = np.zeros(48)
    expected[:18] = 10
    expected[5] -= 6
    expected[8] -= 4
    assert people[0].tolist() == expected.tolist()
    assert duty[0] == pytest.approx(expected)
    # without placed breaks everyone breaks mid-shift (255-285): no half-hour is wholly a break, so all 10 count
    _, mid = pool_on_duty(problem, np.array([10.0]))
    assert mid[0, :18].tolist() == [10.0] * 18
