"""Named agents: the agents sheet's restriction columns and their located errors, and the assignment of a
tour roster's person-weeks to agents (answers worked out on paper)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_tours import CHANNELS, MONDAY, MORNING, SHIFT_HEADER, every_hour_week, shift, week
from workbooks import error_block, run_cli, write_xlsx

from planner.analysis.weeks import assign_weeks, can_work, named_weeks, pool_fairness, rate_notes
from planner.domain import Agent
from planner.roster.check import PersonWeek

AGENT_HEADER = [
    "agent",
    "site",
    "languages",
    "weekly_hours",
    "days_off",
    "unavailable",
    "earliest_start",
    "latest_start",
    "max_nights",
    "preferred_days_off",
]


def agents_book(tmp_path: Path, agents: list[list[Any]]) -> Path:
    """The one-pool UTC week of test_tours (Monday 23 to Sunday 29 March 2026) with these agents."""
    tables = every_hour_week([MORNING], [["shrinkage", 0]], "agents", [AGENT_HEADER, *agents])
    return write_xlsx(tables, tmp_path / "agents.xlsx")


def test_every_bad_agent_cell_is_reported_in_one_run(tmp_path: Path) -> None:
    blank = [None] * 6
    rows = [
        ["ana", "hq", "en", 40, "sat, sun, funday", *blank[1:]],
        ["bo", "hq", "en", 40, None, "2026-13-01", *blank[2:]],
        ["cy", "hq", "en", 40, None, "2026-03-25, 2026-04-30", *blank[2:]],
        ["di", "hq", "en", 40, None, None, "25:00", None, None, None],
        ["ed", "hq", "en", 40, None, None, "14:00", "09:00", None, None],
        ["fay", "hq", "en", 40, *blank[:4], -1, None],
        ["gus", "hq", "en", 40, *blank[:4], 1.5, None],
        ["hal", "hq", "en", 40, "mon, tue, wed", *blank[1:]],
        ["ivy", "hq", "en", 40, "mon, wed", *blank[1:]],
        ["jo", "hq", "en", 20, *blank],
        ["lu", "hq", "en", 40, *blank[:5], "sunday, fri"],
        ["kim", "mars", "en", 40, *blank],
        ["lu", "hq", "en", 40, *blank],
    ]
    path = agents_book(tmp_path, rows)
    at = f"{path}, sheet 'agents'"
    weekdays = "blank or weekday names (mon, tue, wed, thu, fri, sat, sun), comma separated"
    lines = [
        f"{at}, row 2, column 'days_off': got 'sat, sun, funday'; expected {weekdays}",
        f"{at}, row 3, column 'unavailable': got '2026-13-01'; expected blank or dates inside the horizon "
        "(YYYY-MM-DD, comma separated)",
        f"{at}, row 4, column 'unavailable': got '2026-03-25, 2026-04-30'; expected dates inside the horizon, "
        "2026-03-23 to 2026-03-29 local",
        f"{at}, row 5, column 'earliest_start': got '25:00'; expected blank or a local clock time HH:MM",
        f"{at}, row 6, column 'latest_start': got '09:00'; expected a local time not before earliest_start (14:00)",
        f"{at}, row 7, column 'max_nights': got -1; expected blank or a whole number >= 0",
        f"{at}, row 8, column 'max_nights': got 1.5; expected blank or a whole number >= 0",
        f"{at}, row 9, column 'days_off': got 'mon, tue, wed'; expected at most 2 weekdays (7 - shifts_per_week 5)",
        f"{at}, row 10, column 'days_off': got 'mon, wed'; expected weekdays within 2 consecutive days "
        "(consecutive_days_off: the days off form one run)",
        f"{at}, row 11, column 'weekly_hours': got 20; expected hours that a week of shifts_per_week (5) shifts "
        "of one template gives, within 8 h (at site hq: 40)",
        f"{at}, row 13, column 'site': got 'mars'; expected a site listed in the sites sheet (hq)",
        f"{at}, row 14, column 'agent': duplicate (agent=lu) already on row 12; expected each agent once",
    ]
    run = run_cli("validate", path)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout == ""
    assert run.stderr_lines == error_block(path, lines)
    assert run.exit_code == 1


def test_blank_restrictions_and_full_weekday_names_are_read(tmp_path: Path) -> None:
    from planner.inputs.load import load_scenario

    rows = [
        ["ana", "hq", "en", 40, "Saturday, sun", "2026-03-25 2026-03-24", "08:00", "10:00", 0, "fri"],
        ["bo", "hq", "en", None, *[None] * 6],
    ]
    ana, bo = load_scenario(agents_book(tmp_path, rows)).agents
    assert ana.days_off == frozenset({5, 6})
    assert ana.unavailable == frozenset({dt.date(2026, 3, 24), dt.date(2026, 3, 25)})
    assert (ana.earliest_start, ana.latest_start, ana.max_nights) == (dt.time(8), dt.time(10), 0)
    assert ana.preferred_days_off == frozenset({4})
    assert bo == Agent("bo", "hq", ("en",), None, None, None, row=3)


# --------------------------------------------------------------------------- the assignment


def person(name: str, **kw: Any) -> Agent:
    return Agent(name, "hq", ("en",), None, 40.0, None, **kw)


def five_days(first: int, hour: int = 9, night: bool = False) -> PersonWeek:
    """Five shifts from weekday ``first`` (cyclically), 8 paid hours each, starting ``hour``:00."""
    return PersonWeek("w", "en", "hq", tuple(shift((first + i) % 7, hour, night=night) for i in range(5)))


EIGHT_HOURS = 8 * 60


def test_can_work_honours_each_own_column() -> None:
    mon_fri = five_days(0)  # Monday 23 to Friday 27 March, 09:00, 40 h
    assert can_work(person("free"), mon_fri, EIGHT_HOURS)
    assert not can_work(person("off fri", days_off=frozenset({4})), mon_fri, EIGHT_HOURS)
    assert can_work(person("off sat sun", days_off=frozenset({5, 6})), mon_fri, EIGHT_HOURS)
    assert not can_work(person("away wed", unavailable=frozenset({dt.date(2026, 3, 25)})), mon_fri, EIGHT_HOURS)
    assert can_work(person("away sat", unavailable=frozenset({dt.date(2026, 3, 28)})), mon_fri, EIGHT_HOURS)
    assert not can_work(person("late", earliest_start=dt.time(9, 30)), mon_fri, EIGHT_HOURS)
    assert not can_work(person("early", latest_start=dt.time(8, 0)), mon_fri, EIGHT_HOURS)
    assert can_work(person("window", earliest_start=dt.time(9), latest_start=dt.time(9)), mon_fri, EIGHT_HOURS)
    # 40 h week: a 30 h contract is within one 8 h shift (10 h away is not), 32 h and 48 h are
    assert not can_work(Agent("part", "hq", ("en",), None, 30.0, None), mon_fri, EIGHT_HOURS)
    assert can_work(Agent("32", "hq", ("en",), None, 32.0, None), mon_fri, EIGHT_HOURS)
    assert can_work(Agent("48", "hq", ("en",), None, 48.0, None), mon_fri, EIGHT_HOURS)
    nights = five_days(0, hour=22, night=True)
    assert not can_work(person("few nights", max_nights=4), nights, EIGHT_HOURS)
    assert can_work(person("five nights", max_nights=5), nights, EIGHT_HOURS)


def test_the_assignment_finds_the_matching_a_greedy_pass_misses() -> None:
    # weeks Mon-Fri and Wed-Sun; Ana can take either, Bo only Mon-Fri (Sunday off). Giving Ana the first
    # week (name order) would leave Bo nothing; the matching gives Bo Mon-Fri and Ana Wed-Sun, no hire.
    weeks = [five_days(0), five_days(2)]
    ana, bo = person("ana"), person("bo", days_off=frozenset({6}))
    assert assign_weeks(weeks, [ana, bo], EIGHT_HOURS) == [bo, ana]


def test_preferred_days_off_are_met_where_the_roster_allows() -> None:
    # weeks Mon-Fri and Wed-Sun; Ana prefers Monday off, Bo Saturday off: Ana gets Wed-Sun, Bo Mon-Fri,
    # both preferences met. Cy also prefers Monday off but only one Wed-Sun week exists and Ana has it.
    weeks = [five_days(0), five_days(2)]
    ana, bo = person("ana", preferred_days_off=frozenset({0})), person("bo", preferred_days_off=frozenset({5}))
    assert assign_weeks(weeks, [ana, bo], EIGHT_HOURS) == [bo, ana]
    cy = person("cy", preferred_days_off=frozenset({0}))
    pool_weeks = tuple(replace(w, pool="agents:hq:en") for w in [*weeks, five_days(0)])
    roster = named_weeks((ana, bo, cy), pool_weeks, EIGHT_HOURS)
    (fair,) = pool_fairness(roster)
    assert (fair.preferred_days_off_met, fair.preferred_days_off_asked) == (2, 3)
    assert fair.hires == 0


def test_a_week_no_agent_can_take_is_a_hire_and_idle_agents_keep_their_restrictions() -> None:
    # one Mon-Fri week; Ana is unavailable Tuesday, so the week is a hire and Ana's week is empty
    ana = person("ana", unavailable=frozenset({dt.date(2026, 3, 24)}))
    roster = named_weeks((ana,), (replace(five_days(0), pool="agents:hq:en"),), EIGHT_HOURS)
    by_name = {w.name: w for w in roster}
    assert set(by_name) == {"ana", "hire 1 (agents:hq:en)"}
    assert by_name["ana"].shifts == () and by_name["ana"].unavailable == ana.unavailable
    assert by_name["hire 1 (agents:hq:en)"].hire and by_name["hire 1 (agents:hq:en)"].paid_hours == 40


def test_the_roster_gives_the_one_needed_week_to_the_agent_whose_columns_allow_it(tmp_path: Path) -> None:
    # one agent needed 09-17 Monday to Friday only: the cheapest roster is one Mon-Fri week (Saturday and
    # Sunday off). Ana has Fridays off, Bo starts no earlier than 10:00, Di no later than 08:00; Cy is away on
    # Saturday 28 March only, so the week is Cy's and the others are not needed.
    need = {(d, h): 1.0 for d in range(5) for h in range(9, 17)}
    columns = ("days_off", "unavailable", "earliest_start", "latest_start")
    people = [
        ["ana", "hq", "en", 40, "fri", None, None, None],
        ["bo", "hq", "en", 40, None, None, "10:00", None],
        ["cy", "hq", "en", 40, None, "2026-03-28", None, None],
        ["di", "hq", "en", 40, None, None, None, "08:00"],
    ]
    result = week(tmp_path, need, [MORNING], agents=people, agent_columns=columns)
    weeks = {g.name: g for g in result.tour_groups}
    assert set(weeks) == {"ana", "bo", "cy", "di"}
    assert [s.local_start.strftime("%a %H:%M") for s in sorted(weeks["cy"].shifts, key=lambda s: s.local_day)] == [
        f"{d} 09:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri")
    ]
    assert weeks["ana"].shifts == weeks["bo"].shifts == weeks["di"].shifts == ()
    assert not result.has_shortfall


def test_an_agent_whose_own_rate_is_not_their_pools_gets_a_note_saying_what_they_are_costed_at(tmp_path: Path) -> None:
    # one agent needed 09-17 Monday to Friday (5 x 8 paid hours). Ana costs 30 an hour, Bo's cell is blank
    # (the site's 10), Cy 20: one pool priced at their mean, 20, so the week costs 40 x 20 = 800 whoever
    # works it; the agents sheet says so for Ana and Bo (not for Cy, whose rate is the mean)
    need = {(d, h): 1.0 for d in range(5) for h in range(9, 17)}
    people = [["ana", "hq", "en", 40, 30], ["bo", "hq", "en", 40, None], ["cy", "hq", "en", 40, 20]]
    result = week(tmp_path, need, [MORNING], agents=people, agent_columns=("hourly_cost",))
    notes = {
        "ana": "costed at the pool's rate 20.00 an hour, its agents' mean (own rate 30)",
        "bo": "costed at the pool's rate 20.00 an hour, its agents' mean (own rate 10)",
    }
    assert rate_notes(result.scenario) == notes
    assert result.summary.weekly_cost == 800.0
    (worker,) = [g for g in result.tour_groups if g.shifts]
    assert worker.cost == 800.0
    assert worker.note == notes.get(worker.name, "")
    assert all(g.note == "" for g in result.tour_groups if not g.shifts)


def test_a_wage_scenario_raises_the_agents_own_rates_at_its_site(tmp_path: Path) -> None:
    from planner.inputs.load import load_scenario
    from planner.scenarios.apply import apply_spec
    from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec

    path = agents_book(tmp_path, [["ana", "hq", "en", 40, *[None] * 6]])
    base = load_scenario(path)
    base = replace(base, agents=(replace(base.agents[0], hourly_cost=30.0),))
    spec = ScenarioSpec("raise", (Change("raise", ChangeKind.WAGE, 2, site="hq", factor=1.1),))
    raised = apply_spec(base, spec).scenario
    assert raised.agents[0].hourly_cost == pytest.approx(33.0)
    assert raised.sites["hq"].hourly_cost == pytest.approx(11.0)


# --------------------------------------------------------------------------- reasons naming a tour rule


def test_a_gap_only_night_shifts_could_cover_names_the_nights_rule(tmp_path: Path) -> None:
    # one contact an hour at 22:00 every day; the only shift covering 22:00 is the 22:00 night shift, and
    # max_nights_per_week 2 is below shifts_per_week 5: no tour may work nights, so all seven 22:00 hours
    # are short and not coverable, the reason naming the rule; the 09:00-17:00 demand is covered
    need = {(d, 22): 1.0 for d in range(7)} | {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    night = ["night", 8, 8, "22:00", "22:00", 60, None]
    result = week(tmp_path, need, [MORNING, night], {"max_nights_per_week": 2})
    gaps = result.gaps
    assert sorted(gaps["interval_start"].dt.hour.tolist()) == [22] * 7
    assert set(gaps["reason"]) == {
        "tour rule: max_nights_per_week (2) is below shifts_per_week (5), so no one works the night shifts "
        "that could cover it"
    }
    assert not gaps["coverable"].any()


def test_a_hire_says_which_agents_columns_rule_the_week_out() -> None:
    # two Wed-Sun weeks: Ana has Sundays off, Bo is away on Thursday 26 March, Cy takes one week; the other
    # week is a hire whose note names days_off (Ana), unavailable (Bo) and Cy on another week
    ana = person("ana", days_off=frozenset({6}))
    bo = person("bo", unavailable=frozenset({dt.date(2026, 3, 26)}))
    cy = person("cy")
    pool_weeks = tuple(replace(five_days(2), pool="agents:hq:en") for _ in range(2))
    roster = {w.name: w for w in named_weeks((ana, bo, cy), pool_weeks, EIGHT_HOURS)}
    assert roster["cy"].paid_hours == 40 and roster["ana"].shifts == roster["bo"].shifts == ()
    assert roster["hire 1 (agents:hq:en)"].note == (
        "no agent can take this week (agents' days_off: ana; agents' unavailable: bo; on another week: cy)"
    )


def test_the_solve_picks_the_tours_the_agents_can_work(tmp_path: Path) -> None:
    # one agent 09-17 on all seven days: two people, ten shifts of 80 (800 a week) on two patterns that
    # between them work every day. Ana has Saturday and Sunday off, Bo Monday and Tuesday: of the patterns
    # with two consecutive days off only Mon-Fri suits Ana and only Wed-Sun suits Bo, and together they cover
    # the week; the solve knows the agents' columns (rule tour_agents), so it picks exactly these two weeks
    # (an equally cheap pair such as Mon-Fri and Sat-Wed would leave Bo idle and a hire)
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    people = [["ana", "hq", "en", 40, "sat, sun"], ["bo", "hq", "en", 40, "mon, tue"]]
    result = week(tmp_path, need, [MORNING], agents=people, agent_columns=("days_off",))
    weeks = {g.name: sorted(s.local_day for s in g.shifts) for g in result.tour_groups}
    assert weeks == {"ana": [0, 1, 2, 3, 4], "bo": [2, 3, 4, 5, 6]}
    assert result.summary.weekly_cost == 800.0
    assert not result.has_shortfall
    assert all(f.hires == 0 for f in result.summary.fairness)


# --------------------------------------------------------------------------- contract hours in the solve

FULL = ["standard", 8, 8, "09:00", "09:00", 60, None]  # 09:00-17:00, 80 a shift at 10 an hour
PART = ["part", 4, 4, "09:00", "09:00", 60, None]  # 09:00-13:00, 40 a shift; same start cell as full


def test_the_solve_gives_each_agent_tours_of_their_contract_hours(tmp_path: Path) -> None:
    # one agent 09-13 on all seven days and 13-17 Monday to Friday (1 contact an hour: one agent). Ana
    # (40 h) has Saturday and Sunday off: only Mon-Fri suits her; Bo (20 h) has Monday and Tuesday off:
    # only Wed-Sun suits him. Mon and Tue need a full shift (Ana's), Sat and Sun a part shift (Bo's),
    # Wed-Fri one full and one part: 5 full + 5 part = 600, whoever works which. A week meets a contract
    # within one shift (8 h): Ana only 5 x 8 = 40 h (5 x 4 = 20 h is 20 h short), Bo only 5 x 4 = 20 h.
    # So the roster is Ana full Mon-Fri, Bo part Wed-Sun, no hire. Without the contract in the solve
    # (rule tour_agents), full and part shifts share one start cell and a week may mix them: here Wed-Fri's
    # part shifts went to Ana's week (28 h) and the full ones to Bo's (32 h), both 12 h off, both hires.
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 13)} | {
        (d, h): 1.0 for d in range(5) for h in range(13, 17)
    }
    people = [["ana", "hq", "en", 40, "sat, sun"], ["bo", "hq", "en", 20, "mon, tue"]]
    result = week(tmp_path, need, [PART, FULL], agents=people, agent_columns=("days_off",))
    weeks = {g.name: sorted((s.local_day, s.template, s.paid_minutes) for s in g.shifts) for g in result.tour_groups}
    assert weeks == {
        "ana": [(d, "standard", 480) for d in range(5)],
        "bo": [(d, "part", 240) for d in range(2, 7)],
    }
    assert result.summary.weekly_cost == 600.0
    assert not result.has_shortfall
    assert all(f.hires == 0 for f in result.summary.fairness)


def test_agents_of_other_contracts_take_tours_of_other_paid_lengths(tmp_path: Path) -> None:
    # the same week's tour data: in the pool of Ana (40 h) and Bo (20 h) the 09:00 shifts of 8 and 4 paid
    # hours form two start cells (08:00-10:00, one per paid length); Ana's group fits the 7 patterns of the
    # 8-hour cell only, Bo's the 7 of the 4-hour cell only, and Cy (no contract) all 14
    from planner.inputs.load import load_scenario
    from planner.requirements import compute_requirements
    from planner.roster.options import enumerate_options
    from planner.roster.problem import build_problem

    need = {(d, h): 1.0 for d in range(7) for h in range(9, 13)}
    demand = [["interval_start", "language", "channel", "tier", "contacts"]]
    demand += [[MONDAY + dt.timedelta(days=d, hours=h), "en", "chat", "standard", c] for (d, h), c in need.items()]
    tables = {
        "demand": demand,
        "channels": CHANNELS,
        "sites": [["site", "timezone", "hourly_cost"], ["hq", "UTC", 10]],
        "shifts": [SHIFT_HEADER, PART, FULL],
        "settings": [["setting", "value"], ["shrinkage", 0], ["weekly_tours", "yes"]],
        "agents": [["agent", "site", "languages", "weekly_hours"], ["ana", "hq", "en", 40], ["bo", "hq", "en", 20]]
        + [["cy", "hq", "en", None]],
    }
    scenario = load_scenario(write_xlsx(tables, tmp_path / "cells.xlsx"))
    problem = build_problem(scenario, compute_requirements(scenario), enumerate_options(scenario))
    tours = problem.tours
    assert tours is not None
    assert sorted(c.label for c in tours.cells) == ["0800-1000_paid4h00", "0800-1000_paid8h00"]
    fits = {g.label: sorted({tours.cells[c].paid_minutes or 0 for c, _k in g.fits}) for g in tours.groups}
    counts = {g.label: len(g.fits) for g in tours.groups}
    assert fits == {"agents:hq:en#1": [480], "agents:hq:en#2": [240], "agents:hq:en#3": [240, 480]}
    assert counts == {"agents:hq:en#1": 7, "agents:hq:en#2": 7, "agents:hq:en#3": 14}
