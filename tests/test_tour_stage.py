"""The tour stage (planner.roster.tour_stage) on hand-built weeks whose answers are worked out on paper."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from workbooks import write_xlsx

from planner.inputs.load import load_scenario
from planner.requirements import compute_requirements
from planner.roster.options import enumerate_options
from planner.roster.problem import build_problem
from planner.roster.rules import RosterModel, build_model
from planner.roster.solve import SolveOptions, _HighsBackend, _Solve
from planner.roster.tour_stage import (
    add_people,
    cap_groups,
    capped_round,
    running_totals,
    starts_mip,
    tour_stage,
    within_caps,
)
from planner.roster.tours import StartCell, TourData, TourRules, work_patterns

MONDAY = dt.datetime(2025, 3, 3)
SHIFTS = [
    ["shift", "paid_hours", "length_hours", "earliest_start", "latest_start", "start_step_minutes", "sites"],
    ["morning", 8, 8, "09:00", "09:00", 60, None],
]


def model_of(tmp_path: Path, need: dict[tuple[int, int], float], shifts: list[list[Any]] | None = None) -> RosterModel:
    """A one-pool week at a UTC site (hourly cost 10, no premiums), one 09:00-17:00 shift of 8 paid hours:
    one contact an hour needs one agent, 15 an hour need three (see tests/test_tours.py)."""
    demand: list[list[Any]] = [["interval_start", "language", "channel", "tier", "contacts"]]
    demand += [[MONDAY + dt.timedelta(days=d, hours=h), "en", "chat", "standard", c] for (d, h), c in need.items()]
    demand.append([MONDAY + dt.timedelta(days=6, hours=23), "en", "chat", "standard", 0])
    tables = {
        "demand": demand,
        "channels": [
            ["channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "patience_minutes"],
            ["chat", 6, 1, 0.8, 1, None],
        ],
        "sites": [["site", "timezone", "hourly_cost", "night_premium", "weekend_premium"], ["hq", "UTC", 10, 0, 0]],
        "pools": [["pool", "site", "languages", "available"], ["en", "hq", "en", None]],
        "shifts": shifts or SHIFTS,
        "settings": [["setting", "value"], ["shrinkage", 0], ["max_occupancy", 0.85]],
    }
    scenario = load_scenario(write_xlsx(tables, tmp_path / "week.xlsx"))
    problem = build_problem(scenario, compute_requirements(scenario), enumerate_options(scenario), tours=True)
    return build_model(problem)


def backend_of(model: RosterModel) -> _HighsBackend:
    return _HighsBackend(_Solve(model, SolveOptions(gap=0.0, time_limit=60), None))


def test_running_totals_round_each_cell_day_in_start_order():
    # cell 0, day 0: starts 0.4, 0.4, 0.2 -> running totals 0.4, 0.8, 1.0 round to 0, 1, 1: counts 0, 1, 0;
    # day 1: 1.5, 1.5 -> totals 1.5, 3.0 round to 2, 3: counts 2, 1 (each count the floor or the ceiling)
    rules = TourRules()
    tours = TourData(
        rules=rules,
        days=7,
        patterns=work_patterns(rules),
        cells=(StartCell(0, 0, 120),),
        option_cell=np.zeros(5, dtype=int),
        option_slot_day=np.array([0, 0, 0, 1, 1]),
        option_night=np.zeros(5, dtype=bool),
    )
    problem = SimpleNamespace(tours=tours, cover_index=np.array([[0], [1], [2], [96], [97]]))
    model = SimpleNamespace(problem=problem)
    out = running_totals(model, np.array([0.4, 0.4, 0.2, 1.5, 1.5]))  # type: ignore[arg-type]
    assert out.tolist() == [0.0, 1.0, 0.0, 2.0, 1.0]


def test_tour_stage_finds_the_three_people_of_a_busy_wednesday(tmp_path):
    # one agent 09-17 every day, three on Wednesday: 9 shifts a day-week, but three people must work on
    # Wednesday, each 5 days: 15 shifts of 80 (8 paid hours at 10), 1,200 a week, no shortfall
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17) if d != 2}
    need |= {(2, h): 15.0 for h in range(9, 17)}
    model = model_of(tmp_path, need)
    backend = backend_of(model)
    bound, x_lp = backend.lp()
    roster = tour_stage(backend.run, backend, x_lp)
    assert roster is not None
    hm = backend.model
    assert float(roster[hm.short_columns].sum()) == pytest.approx(0.0, abs=1e-6)
    assert float(roster[hm.tour_columns].sum()) == pytest.approx(3.0)
    assert float(backend.cost @ roster) == pytest.approx(1200.0)
    assert bound <= 1200.0 + 1e-6


def test_the_repair_adds_the_person_a_short_weekend_needs(tmp_path):
    # one agent 09-17 on all 7 days: one person on Monday-Friday leaves Saturday and Sunday short
    # (16 agent-hours); the repair adds one person whose 5 days hold both: 2 people, 10 shifts, 800 a week
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17)}
    model = model_of(tmp_path, need)
    backend = backend_of(model)
    backend.lp()
    hm = backend.model
    t = model.problem.tours
    assert t is not None
    weekdays = t.patterns.index((0, 1, 2, 3, 4))
    start = np.zeros(len(hm.matrix.names))
    names = list(hm.matrix.names)
    start[names.index(model.tours[(0, weekdays)].name)] = 1
    start[names.index(model.people["en"].name)] = 1
    for o in range(len(model.shifts)):
        if int(t.option_slot_day[o]) < 5:
            start[hm.shift_columns[o]] = 1
    first = backend.complete(start)
    assert first is not None
    assert float(first[hm.short_columns].sum()) > 0  # the weekend is short before the repair
    repaired = add_people(backend, first, lambda: True)
    assert float(repaired[hm.short_columns].sum()) == pytest.approx(0.0, abs=1e-6)
    assert float(backend.cost @ repaired) == pytest.approx(800.0)
    added = [k for (c, k), v in model.tours.items() if repaired[names.index(v.name)] > 0.5 and k != weekdays]
    assert len(added) == 1 and {5, 6} <= set(t.patterns[added[0]])


def test_the_starts_branch_and_bound_moves_the_week_to_the_start_that_covers(tmp_path):
    # one agent 09-17 Monday to Friday; an 8-hour shift may start at 08:00 or 09:00 (one start cell,
    # 08:00-10:00). One person on the Monday-Friday tour, continuous starts half at each time; the roster
    # rounded to 08:00 every day leaves 16:00-17:00 short (5 agent-hours). With the tour fixed, the only
    # roster without shortfall starts at 09:00 every day: 5 shifts of 80, 400 a week
    need = {(d, h): 1.0 for d in range(5) for h in range(9, 17)}
    shifts = [SHIFTS[0], ["day", 8, 8, "08:00", "09:00", 60, None]]
    model = model_of(tmp_path, need, shifts)
    backend = backend_of(model)
    backend.lp()
    hm = backend.model
    t = model.problem.tours
    assert t is not None and len(t.cells) == 1
    names = list(hm.matrix.names)
    weekdays = t.patterns.index((0, 1, 2, 3, 4))
    early = [o for o in range(len(model.shifts)) if int(model.problem.cover_index[o, 0]) % 24 == 8]
    late = [o for o in range(len(model.shifts)) if int(model.problem.cover_index[o, 0]) % 24 == 9]
    half = np.zeros(len(names))
    half[names.index(model.tours[(0, weekdays)].name)] = 1
    half[names.index(model.people["en"].name)] = 1
    rounded = half.copy()
    for o in early + late:
        if int(t.option_slot_day[o]) < 5:
            half[hm.shift_columns[o]] = 0.5
            rounded[hm.shift_columns[o]] = 1.0 if o in early else 0.0
    people, roster = backend.complete(half), backend.complete(rounded)
    assert people is not None and roster is not None
    assert float(roster[hm.short_columns].sum()) > 0  # the hour 16-17 short each weekday
    found = starts_mip(backend.run, backend, people, roster)
    assert float(found[hm.short_columns].sum()) == pytest.approx(0.0, abs=1e-6)
    assert float(backend.cost @ found) == pytest.approx(400.0)
    assert sorted(o for o in range(len(model.shifts)) if found[hm.shift_columns[o]] > 0.5) == sorted(
        o for o in late if int(t.option_slot_day[o]) < 5
    )


def test_the_tour_lp_by_interior_point_has_the_simplex_bound_and_leaves_the_simplex_on(tmp_path):
    # the busy Wednesday week: the tour model's LP relaxation (interior point with crossover, TOUR_LP_OPTIONS)
    # equals the dual simplex's, gives a basis (a vertex: whole tours here), and the re-solves after it are
    # the dual simplex's again (HiGHS's default solver choice restored)
    need = {(d, h): 1.0 for d in range(7) for h in range(9, 17) if d != 2}
    need |= {(2, h): 15.0 for h in range(9, 17)}
    backend = backend_of(model_of(tmp_path, need))
    bound, x_lp = backend.lp()
    h = backend.model.h
    assert h.getInfo().ipm_iteration_count > 0
    assert h.getOptionValue("solver")[1] == "choose"
    assert h.getBasis().valid
    h.setOptionValue("solver", "simplex")
    h.clearSolver()
    h.run()
    assert h.getInfo().objective_function_value == pytest.approx(bound, rel=1e-9)
    assert bound <= 1200.0 + 1e-6


@pytest.mark.parametrize("threshold", [0, 10**6])
def test_a_large_tour_model_keeps_the_tour_stages_roster_and_a_small_one_runs_the_full_mip(
    tmp_path, monkeypatch, threshold
):
    # one agent 09-17 on all seven days: the LP spreads 1.4 people (7 shifts of 80, 560 a week); whole people
    # are 2 (10 shifts, 800). The tour stage finds the 800 roster, 42.9 % above the LP bound. Above the
    # decisions threshold the full MIP (whose root no node limit bounds) is skipped and the solve says "work limit"
    # with that bound; below it, the full MIP runs and proves 800 optimal.
    from planner.roster import solve as solve_module
    from planner.roster.progress import ProgressKind, Stage

    monkeypatch.setattr(solve_module, "TOURED_FULL_MIP_DECISIONS", threshold)
    model = model_of(tmp_path, {(d, h): 1.0 for d in range(7) for h in range(9, 17)})
    events = []
    info = solve_module.solve_model(model, SolveOptions(gap=0.0, time_limit=60), events.append)
    full_mip = [e.kind for e in events if e.stage is Stage.FULL_MIP]
    assert info.objective == pytest.approx(800.0)
    if threshold == 0:
        assert full_mip == [ProgressKind.STAGE_SKIPPED]
        assert info.status == "work limit" and info.best_bound == pytest.approx(560.0)
    else:
        assert ProgressKind.STAGE_STARTED in full_mip
        assert info.status == "optimal" and info.best_bound == pytest.approx(800.0)


def test_capped_round_rounds_up_then_down_the_smallest_fractions_over_a_cap():
    # pool a (available 2): tours 0.6, 0.7, 0.5, 0.2 round up to 4 people, 2 too many: the two smallest
    # fractions (0.2, then 0.5) go down -> 1, 1, 0, 0. Pool b (no cap of its own) 1.3 and 0.4 -> 2 and 1, but
    # the site holds at most 4 (max_agents): a's 2 plus b's 3 is one too many, and of the tours rounded up
    # at the site the smallest fraction is b's 0.3 (a's rounded-down ones no longer count) -> 1, 1
    pools = (SimpleNamespace(name="a", site="s"), SimpleNamespace(name="b", site="s"))
    cells = (SimpleNamespace(pool=0), SimpleNamespace(pool=1))
    tours = {(0, 0): None, (0, 1): None, (0, 2): None, (0, 3): None, (1, 0): None, (1, 1): None}
    tour_data = SimpleNamespace(cells=cells)
    problem = SimpleNamespace(pools=pools, tours=tour_data, binding_site_caps={"s": 4})
    people = {"a": SimpleNamespace(upBound=2), "b": SimpleNamespace(upBound=None)}
    model = SimpleNamespace(problem=problem, tours=tours, people=people)
    out = capped_round(model, np.array([0.6, 0.7, 0.5, 0.2, 1.3, 0.4]))  # type: ignore[arg-type]
    assert out.tolist() == [1.0, 1.0, 0.0, 0.0, 1.0, 1.0]
    # without the caps (relaxed headcount: no site cap binds, and no available) every fractional tour is rounded up
    problem.binding_site_caps = {}
    people["a"].upBound = None
    assert capped_round(model, np.array([0.6, 0.7, 0.5, 0.2, 1.3, 0.4])).tolist() == [1, 1, 1, 1, 2, 1]  # type: ignore[arg-type]


def test_the_people_dive_raises_only_as_many_tours_as_the_caps_leave_room_for():
    # pool a (available 2) has tours 0-3, pool b (no cap) tours 4-5, both at site s. Fractions 0.6, 0.7, 0.5,
    # 0.2 | 0.3, 0.4; the dive would raise those at least half fractional (0.6, 0.7, 0.5) to 1. Pool a's
    # lower bounds would then add up to 3 > 2: its smallest raised fraction (0.5) is dropped, leaving 1 + 1.
    # With the site held to 4 (max_agents) the lower bounds 1 + 1 + 1 (b's 1.3 has lower bound 1) fit; held
    # to 2, a's 0.6 goes too, the smallest fraction raised at the site
    pools = (SimpleNamespace(name="a", site="s"), SimpleNamespace(name="b", site="s"))
    cells = (SimpleNamespace(pool=0), SimpleNamespace(pool=1))
    tours = {(0, 0): None, (0, 1): None, (0, 2): None, (0, 3): None, (1, 0): None, (1, 1): None}
    problem = SimpleNamespace(pools=pools, tours=SimpleNamespace(cells=cells), binding_site_caps={"s": 4})
    people = {"a": SimpleNamespace(upBound=2), "b": SimpleNamespace(upBound=None)}
    model = SimpleNamespace(problem=problem, tours=tours, people=people)
    x = np.array([0.6, 0.7, 0.5, 0.2, 1.3, 0.4])
    lower = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 0.0])
    pick = np.array([True, True, True, False, False, False])
    groups = cap_groups(model)  # type: ignore[arg-type]
    assert [(g.tolist(), cap) for g, cap in groups] == [([0, 1, 2, 3], 2.0), ([0, 1, 2, 3, 4, 5], 4.0)]
    assert within_caps(groups, x, lower, pick).tolist() == [True, True, False, False, False, False]
    problem.binding_site_caps = {"s": 2}
    assert within_caps(cap_groups(model), x, lower, pick).tolist() == [False, True, False, False, False, False]  # type: ignore[arg-type]
    # no caps: every pick stays
    problem.binding_site_caps = {}
    people["a"].upBound = None
    assert cap_groups(model) == []  # type: ignore[arg-type]
    assert within_caps([], x, lower, pick).tolist() == pick.tolist()


def test_a_tour_stage_stopped_by_the_time_limit_gives_no_empty_roster(tmp_path, monkeypatch):
    # when the time limit stops the tour stage before it has whole people, the stages without tours would
    # have no time left either: the solve says it found no roster (the CLI's clear error), never an empty
    # roster whose every hour is short
    import planner.roster.tour_stage as tour_stage_module
    from planner.errors import SolverTimeLimitError
    from planner.roster import solve as solve_module

    def out_of_time(run, backend, x_lp):  # type: ignore[no-untyped-def]
        run.deadline = run.start  # the clock has run out
        return None

    monkeypatch.setattr(tour_stage_module, "tour_stage", out_of_time)
    model = model_of(tmp_path, {(d, h): 1.0 for d in range(7) for h in range(9, 17)})
    with pytest.raises(SolverTimeLimitError, match="found no roster within its time limit of 60 s"):
        solve_module.solve_model(model, SolveOptions(gap=0.0, time_limit=60))


@pytest.mark.parametrize("threshold, nodes", [(0, 1), (10**6, 200)])
def test_the_repair_after_the_tour_stage_of_a_large_week_is_its_root_alone(tmp_path, monkeypatch, threshold, nodes):
    # a week above the decisions threshold (here 0) gets the repair's root alone (TOURED_REPAIR_NODES), whose
    # later nodes found nothing on the measured weeks; a small one (threshold a million) the usual
    # REPAIR_NODES. The roster handed over: every integer column at zero, so every hour short
    from planner.roster import solve as solve_module
    from planner.roster import tour_stage as stage_module

    monkeypatch.setattr(solve_module, "TOURED_FULL_MIP_DECISIONS", threshold)
    asked: list[int] = []

    def repair(_run: object, _backend: object, _values: object, limit: int) -> None:
        asked.append(limit)

    monkeypatch.setattr(solve_module, "_repair", repair)
    model = model_of(tmp_path, {(d, h): 1.0 for d in range(7) for h in range(9, 17)})
    backend = backend_of(model)
    empty = backend.complete(np.zeros(len(backend.cost)))
    assert empty is not None and float(empty[backend.short_columns].sum()) > 0
    assert solve_module.large_tour_week(model) is (threshold == 0)
    assert stage_module._shift_repair(backend.run, backend, empty) is empty  # the repair found nothing better
    assert asked == [nodes]
    assert nodes == (solve_module.TOURED_REPAIR_NODES if threshold == 0 else solve_module.REPAIR_NODES)
