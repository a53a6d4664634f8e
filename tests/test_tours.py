"""Weekly tours on tiny hand-built weeks (answers worked out on paper), and the roster checker."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from workbooks import error_block, run_cli, write_xlsx

from planner.errors import InputError, ModelError
from planner.inputs.load import load_scenario
from planner.roster.check import PersonWeek, RosterFrame, WorkedShift, assert_roster, check_roster
from planner.roster.plan import RosterOptions, RosterResult, plan_roster
from planner.roster.solve import SolveOptions
from planner.roster.tours import TourRules, longest_cyclic_run, work_patterns

MONDAY = dt.datetime(2026, 3, 23)  # the horizon starts Monday 00:00 UTC; the site keeps UTC (no clock change)
SHIFT_HEADER = ["shift", "paid_hours", "length_hours", "earliest_start", "latest_start", "start_step_minutes", "sites"]
CHANNELS = [
    ["channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "patience_minutes", "deferrable"],
    ["chat", 6, 1, 0.8, 1, None, "no"],
]


def week(
    tmp_path: Path,
    need: dict[tuple[int, int], float],
    shifts: list[list[Any]],
    settings: dict[str, Any] | None = None,
    available: int | None = None,
    agents: list[list[Any]] | None = None,
    agent_columns: tuple[str, ...] = (),
) -> RosterResult:
    """A one-pool week at a UTC site: ``need`` maps (day, hour) to contacts in that hour (one contact an hour
    needs one agent: 0.1 Erlang; a second agent would idle); shifts as rows of the shifts sheet."""
    demand = [["interval_start", "language", "channel", "tier", "contacts"]]
    demand += [[MONDAY + dt.timedelta(days=d, hours=h), "en", "chat", "standard", c] for (d, h), c in need.items()]
    demand.append([MONDAY + dt.timedelta(days=6, hours=23), "en", "chat", "standard", 0])  # a whole week
    rows = [["setting", "value"], ["shrinkage", 0], ["max_occupancy", 0.85]]
    rows += [[k, v] for k, v in (settings or {}).items()]
    tables = {
        "demand": demand,
        "channels": CHANNELS,
        "sites": [["site", "timezone", "hourly_cost", "night_premium", "weekend_premium"], ["hq", "UTC", 10, 0, 0]],
        "pools": [["pool", "site", "languages", "available"], ["en", "hq", "en", available]],
        "shifts": [SHIFT_HEADER, *shifts],
        "settings": rows,
    }
    if agents is not None:
        del tables["pools"]
        tables["agents"] = [["agent", "site", "languages", "weekly_hours", *agent_columns], *agents]
    scenario = load_scenario(write_xlsx(tables, tmp_path / "week.xlsx"))
    options = RosterOptions(solve=SolveOptions(gap=0.0, time_limit=60), tours=True, price_labour_rules=False)
    return plan_roster(scenario, options)


def every_hour_week(
    shifts: list[list[Any]], settings: list[list[Any]], staff_sheet: str, staff: list[list[Any]]
) -> dict[str, list[list[Any]]]:
    """The tables of a one-pool UTC week (Monday 23 to Sunday 29 March 2026) with one chat contact every hour,
    site hq at 10 an hour; ``staff``: the pools or agents sheet (header first)."""
    demand = [["interval_start", "language", "channel", "tier", "contacts"]]
    demand += [[MONDAY + dt.timedelta(hours=h), "en", "chat", "standard", 1] for h in range(7 * 24)]
    return {
        "demand": demand,
        "channels": CHANNELS,
        "sites": [["site", "timezone", "hourly_cost"], ["hq", "UTC", 10]],
        "shifts": [SHIFT_HEADER, *shifts],
        "settings": [["setting", "value"], *settings],
        staff_sheet: staff,
    }


def days_of(result: RosterResult) -> list[list[int]]:
    """Per person (tour groups expanded), the local days worked."""
    return [sorted(s.local_day for s in g.shifts) for g in result.tour_groups for _ in range(g.people)]


MORNING = ["morning", 8, 8, "09:00", "09:00", 60, None]


def test_work_patterns_of_five_shifts_with_consecutive_days_off():
    # 7 ways to place two consecutive days off in a cyclic week (Sun-Mon counts); 21 without the rule
    assert len(work_patterns(TourRules(shifts_per_week=5))) == 7
    assert len(work_patterns(TourRules(shifts_per_week=5, consecutive_days_off=False))) == 21
    # 5 working days with days off apart: runs of at most 4 days in a row, e.g. off Wed and Sun
    assert len(work_patterns(TourRules(shifts_per_week=5, consecutive_days_off=False, max_consecutive_days=4))) == 14
    assert longest_cyclic_run((5, 6, 0, 1)) == 4


def test_two_consecutive_days_off(tmp_path):
    # one agent needed 09-17 on Mon, Tue, Thu, Fri and Sun: one person could work exactly these five days only
    # with Wed and Sat off, which are not consecutive; so two people (and 10 shifts) with the rule, one without
    need = {(d, h): 1.0 for d in (0, 1, 3, 4, 6) for h in range(9, 17)}
    apart = week(tmp_path, need, [MORNING], {"consecutive_days_off": "no"})
    assert apart.summary.headcount == 1
    assert days_of(apart) == [[0, 1, 3, 4, 6]]
    together = week(tmp_path, need, [MORNING])
    assert together.summary.headcount == 2
    assert together.summary.shifts_per_week == 10
    assert not together.has_shortfall
    for days in days_of(together):
        off = sorted(set(range(7)) - set(days))
        assert off in ([0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [0, 6])


LATE = ["late", 8, 8, "15:00", "15:00", 60, None]
EARLY = ["early", 8, 8, "06:00", "06:00", 60, None]


@pytest.mark.parametrize("late_day, early_day", [(0, 1), (6, 0)], ids=["across midnight", "across the week"])
def test_eleven_hours_rest(tmp_path, late_day, early_day):
    # a late shift 15:00-23:00 then an early one 06:00-14:00 the next day leaves 7 h of rest: with no rest
    # rule (and a day-long start band) one person works both; with 11 h two people are needed. Sunday late
    # then Monday early is the same across the week boundary (the week repeats).
    need = {(late_day, h): 1.0 for h in range(15, 23)} | {(early_day, h): 1.0 for h in range(6, 14)}
    free = {"min_rest_hours": 0, "start_time_band_minutes": 1440}
    assert week(tmp_path, need, [LATE, EARLY], free).summary.headcount == 1
    rested = week(tmp_path, need, [LATE, EARLY], {"start_time_band_minutes": 1440})
    assert rested.summary.headcount == 2
    assert not rested.has_shortfall


def test_start_time_band(tmp_path):
    # starts at 06:00 on Monday and 08:30 on Tuesday lie 150 minutes apart: within a 300-minute band one
    # person works both, within the default 120-minute band it takes two
    first = ["first", 8, 8, "06:00", "06:00", 60, None]
    second = ["second", 8, 8, "08:30", "08:30", 60, None]
    need = {(0, h): 1.0 for h in range(6, 14)} | {(1, h): 1.0 for h in range(9, 16)}
    assert week(tmp_path, need, [first, second]).summary.headcount == 2
    wide = week(tmp_path, need, [first, second], {"start_time_band_minutes": 300})
    assert wide.summary.headcount == 1
    starts = sorted({s.local_start.strftime("%H:%M") for g in wide.tour_groups for s in g.shifts})
    assert starts[0] >= "06:00" and starts[-1] <= "08:30"


def test_three_times_the_demand_on_one_day_needs_the_people_of_that_day(tmp_path):
    # one agent 09-17 every day, three on Wednesday: 15 chats an hour of 6 minutes are 1.5 Erlang; Erlang C
    # with 2 agents answers 41 % within a minute, with 3 agents 81.6 % (target 80 %). The old headcount
    # would be ceil(9 shifts / 5) = 2; but Wednesday needs 3 people at work, so 3 people on tours (15 shifts,
    # Wednesday in each one's week: two days off among the other six)
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17) if d != 2}
    need |= {(2, h): 15.0 for h in range(9, 17)}
    result = week(tmp_path, need, [MORNING])
    assert not result.has_shortfall
    assert result.summary.headcount == 3
    assert dict(result.summary.headcount_by_pool) == {"en": 3}
    assert result.summary.people_needed == 3
    assert result.summary.shifts_per_week == 15
    assert all(2 in days for days in days_of(result))


def test_available_caps_people_and_leaves_a_shortfall(tmp_path):
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    result = week(tmp_path, need, [MORNING], available=1)
    # one person works 5 of the 7 days: two days (16 agent-hours) stay short
    assert result.summary.headcount == 1
    assert result.summary.shortfall_agent_hours == pytest.approx(16.0)


def test_a_shift_no_rest_rule_can_follow_is_bad_input(tmp_path):
    long = ["long", 13, 14, "08:00", "08:00", 60, None]
    with pytest.raises(InputError) as err:
        week(tmp_path, {(0, 9): 1.0}, [long])
    assert "sheet 'shifts'" in str(err.value) and "min_rest_hours" in str(err.value)


def test_a_working_week_no_pattern_allows_is_bad_input(tmp_path):
    # five shifts with two consecutive days off are five days in a row: more than max_consecutive_days 4
    with pytest.raises(InputError) as err:
        week(tmp_path, {(0, 9): 1.0}, [MORNING], {"max_consecutive_days": 4})
    assert "sheet 'settings'" in str(err.value) and "max_consecutive_days" in str(err.value)


def test_validate_reports_the_rules_no_week_can_keep_with_their_rows(tmp_path):
    # weekly_tours yes: the 14-hour shift (shifts row 3) plus 11 h of rest is past 24 h, so nobody works it
    # two days running; max_consecutive_days 4 (settings row 4) with two consecutive days off leaves no week
    # of five shifts. Both are reported in one run of `planner validate`, located, exit 1. Without weekly
    # tours neither rule applies and the workbook is valid.
    long = ["long", 13, 14, "08:00", "08:00", 60, None]
    settings = [["weekly_tours", "yes"], ["shrinkage", 0], ["Max Consecutive Days", 4]]
    pools = [["pool", "site", "languages"], ["en", "hq", "en"]]
    tables = every_hour_week([MORNING, long], settings, "pools", pools)
    path = write_xlsx(tables, tmp_path / "rules.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == error_block(
        path,
        [
            f"{path}, sheet 'shifts', row 3, column 'length_hours': got 14; shift long cannot be worked on two "
            "days in a row; expected a length that leaves min_rest_hours (11 h) before the next day's start: "
            "length + min_rest_hours below 24 h",
            f"{path}, sheet 'settings', row 4, column 'value': got 4; max_consecutive_days leaves no week of "
            "shifts_per_week (5) shifts with consecutive days off; expected a max_consecutive_days that allows a "
            "week of shifts_per_week shifts (with consecutive_days_off: at least shifts_per_week)",
        ],
    )
    tables["settings"][1] = ["weekly_tours", "no"]
    assert run_cli("validate", write_xlsx(tables, tmp_path / "no_tours.xlsx")).exit_code == 0


def test_named_agents_get_the_weeks_their_contracts_allow(tmp_path):
    # two people needed (one agent every day 09-17: 7 shift-days, two five-day weeks); of three agents,
    # Ana and Bo take the two 40-hour weeks; Cy is unavailable Monday to Wednesday, three days, and every week
    # has only two days off, so Cy is not needed and gets an empty week
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    away = "2026-03-23, 2026-03-24, 2026-03-25"
    people = [["ana", "hq", "en", 40, None], ["bo", "hq", "en", 40, None], ["cy", "hq", "en", 40, away]]
    result = week(tmp_path, need, [MORNING], agents=people, agent_columns=("unavailable",))
    weeks = {g.name: g for g in result.tour_groups}
    assert set(weeks) == {"ana", "bo", "cy"}
    assert weeks["ana"].paid_hours == weeks["bo"].paid_hours == 40
    assert weeks["cy"].shifts == ()
    assert not result.has_shortfall
    agents = result_tables(result)["agents"].set_index("agent")
    assert agents.loc["cy", "working_days"] == "none (not needed)"


def test_a_person_unavailable_on_a_date_leaves_a_hire(tmp_path):
    # three people needed on Wednesday 25 March; Cy is unavailable that date, so every one of the three weeks
    # (all work Wednesday) goes to Ana, Bo or a hire
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17) if d != 2} | {(2, h): 15.0 for h in range(9, 17)}
    people = [["ana", "hq", "en", 40, None], ["bo", "hq", "en", 40, None], ["cy", "hq", "en", 40, "2026-03-25"]]
    result = week(tmp_path, need, [MORNING], agents=people, agent_columns=("unavailable",))
    names = sorted(g.name for g in result.tour_groups)
    assert names == ["ana", "bo", "cy", "hire 1 (agents:hq:en)"]


def result_tables(result: RosterResult) -> dict[str, Any]:
    from planner.outputs.workbooks import roster_tables

    return roster_tables(result)


# --------------------------------------------------------------------------- the checker


def shift(day: int, hour: int, minute: int = 0, length: int = 8 * 60, night: bool = False) -> WorkedShift:
    start = MONDAY + dt.timedelta(days=day, hours=hour, minutes=minute)
    return WorkedShift(day, start, day * 1440 + hour * 60 + minute, length, length, "t", night)


def good_week(name: str = "ana", **kw: Any) -> PersonWeek:
    return PersonWeek(name, "en", "hq", tuple(shift(d, 9) for d in range(5)), **kw)


FRAME = RosterFrame(TourRules(max_nights_per_week=2), pool_caps={"en": 3}, site_caps={"hq": 4})


def rules_broken(*weeks: PersonWeek, frame: RosterFrame = FRAME) -> set[str]:
    return {v.rule for v in check_roster(list(weeks), frame)}


def test_checker_passes_a_good_week_and_an_empty_one():
    assert rules_broken(good_week(), PersonWeek("idle", "en", "hq", ())) == set()


@pytest.mark.parametrize(
    "shifts, rule",
    [
        ([shift(d, 9) for d in range(4)], "shifts_per_week"),
        ([shift(0, 9), shift(0, 18), shift(1, 9), shift(2, 9), shift(3, 9)], "one_shift_a_day"),
        ([shift(d, 9) for d in (0, 1, 3, 4, 6)], "consecutive_days_off"),
        ([shift(0, 15)] + [shift(d, 6) for d in range(1, 5)], "min_rest_hours"),
        ([shift(d, 6) for d in range(0, 4)] + [shift(6, 15)], "min_rest_hours"),  # Sunday late, Monday early
        ([shift(0, 9), shift(1, 11, 30)] + [shift(d, 9) for d in range(2, 5)], "start_time_band"),
        ([shift(d, 22, night=True) for d in range(5)], "max_nights_per_week"),
    ],
    ids=["four shifts", "two a day", "days off apart", "rest", "rest across the week", "band", "nights"],
)
def test_checker_names_each_broken_rule(shifts, rule):
    assert rule in rules_broken(PersonWeek("ana", "en", "hq", tuple(shifts)))


def test_checker_names_max_consecutive_days():
    frame = RosterFrame(TourRules(shifts_per_week=6, max_consecutive_days=5))
    six_in_a_row = PersonWeek("ana", "en", "hq", tuple(shift(d, 9) for d in range(6)))
    assert "max_consecutive_days" in rules_broken(six_in_a_row, frame=frame)


def test_checker_names_an_agents_own_restrictions():
    found = rules_broken(
        good_week(
            days_off=frozenset({0}),
            unavailable=frozenset({dt.date(2026, 3, 24)}),
            earliest_start=dt.time(10, 0),
            max_nights=0,
            weekly_hours=20,
        )
    )
    assert {"days_off", "unavailable", "earliest_start", "weekly_hours"} <= found
    assert "latest_start" in rules_broken(good_week(latest_start=dt.time(8, 0)))


def test_checker_names_the_caps_and_fails_loudly():
    crowd = [good_week(f"p{i}") for i in range(4)]
    assert rules_broken(*crowd) == {"available"}
    crowd.append(PersonWeek("bo", "fr", "hq", crowd[0].shifts))
    assert rules_broken(*crowd) == {"available", "max_agents"}
    with pytest.raises(ModelError, match="internal error"):
        assert_roster(crowd, FRAME)


def test_fairness_spreads_and_hires_per_pool() -> None:
    """Hand-built weeks (day 0 is a Monday): Ana works Mon-Fri (no weekend day, no night), Bo Wed-Sun with
    one night (2 weekend days), a group of three Thu-Mon (2 weekend days); an agent not needed is left out;
    a hire works Mon-Fri at 100 a shift. Spreads: weekend 2 - 0 = 2, nights 1 - 0 = 1; one hire, 500 a week."""
    from dataclasses import replace

    from planner.analysis.weeks import pool_fairness

    bo = [shift(d, 9) for d in (2, 3, 4, 5)] + [shift(6, 22, night=True)]
    weeks = [
        good_week("ana"),
        PersonWeek("bo", "en", "hq", tuple(bo)),
        PersonWeek("group", "en", "hq", tuple(shift(d, 9) for d in (3, 4, 5, 6, 0)), people=3),
        PersonWeek("idle", "en", "hq", ()),
        PersonWeek("hire 1 (en)", "en", "hq", tuple(replace(shift(d, 9), cost=100.0) for d in range(5)), hire=True),
        PersonWeek("cy", "fr", "hq", (shift(5, 9),)),
    ]
    en, fr = pool_fairness(weeks)
    assert (en.pool, en.weekend_days_spread, en.nights_spread, en.hires, en.hires_weekly_cost) == ("en", 2, 1, 1, 500.0)
    assert (fr.pool, fr.weekend_days_spread, fr.nights_spread, fr.hires, fr.hires_weekly_cost) == ("fr", 0, 0, 0, 0.0)


def test_the_price_of_the_labour_rules_is_the_two_rosters_difference_and_a_negative_one_is_explained(tmp_path):
    # one agent 09-17 every day: without tours 7 shifts (one pool-day each, 5 shifts a week for 2 people:
    # 560 a week); with tours each person works 5 days with two consecutive off, so the 7 days take
    # 2 people x 5 shifts = 10 shifts of 80 (800): the rules cost 240 a week, 240 x 52 a year
    from dataclasses import replace

    from planner.outputs.text import roster_text
    from planner.roster.plan import labour_rules_price

    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    tour = week(tmp_path, need, [MORNING])
    no_tours = RosterOptions(solve=SolveOptions(gap=0.0, time_limit=60), tours=False, price_labour_rules=False)
    plain = plan_roster(tour.scenario, no_tours)
    price = labour_rules_price(tour, plain)
    assert (tour.summary.weekly_cost, plain.summary.weekly_cost) == (pytest.approx(800.0), pytest.approx(560.0))
    assert price.price_weekly == pytest.approx(240.0)
    assert price.price_annual == pytest.approx(240.0 * 52)
    assert price.without_tours_gap == pytest.approx(0.0, abs=1e-9)
    text = roster_text(replace(tour, summary=replace(tour.summary, labour_rules=price)), None)
    assert "Price of the labour rules: 240 USD a week" in text and "below zero" not in text
    # a week without tours solved only to 3 % of its bound can look dearer than the tour roster: said so
    cheap = replace(price, price_weekly=-10.0, without_tours_gap=0.03)
    text = roster_text(replace(tour, summary=replace(tour.summary, labour_rules=cheap)), None)
    assert "below zero only because each solve stops within its gap of its own LP bound" in text
    assert "the week without tours at 3.000%" in text
