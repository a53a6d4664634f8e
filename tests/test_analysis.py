"""The after-the-solve business facts, each from its one home, against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from planner.analysis.reach import on_duty_within
from planner.analysis.summary import FullCoverageComparison, ModelSize, RosterSummary
from planner.requirements import on_floor_agents, scheduled_agents
from planner.roster.rules import headcount_for, people_needed


def test_shrinkage_goes_down_and_up_by_the_same_factor():
    # 30 % shrinkage: 7 on the floor need 7 / 0.7 = 10 scheduled; 10 scheduled leave 7
    assert scheduled_agents(np.array([7.0]), 0.3)[0] == pytest.approx(10.0)
    assert on_floor_agents(np.array([10.0]), 0.3)[0] == pytest.approx(7.0)
    assert on_floor_agents(scheduled_agents(np.array([3.0, 12.5]), 0.2), 0.2) == pytest.approx([3.0, 12.5])


def test_headcount_is_shifts_over_shifts_per_person_rounded_up():
    assert headcount_for(10, 5) == 2
    assert headcount_for(11, 5) == 3
    assert headcount_for(0, 5) == 0
    # ten shifts a week but four of them on Monday: four people
    assert people_needed(10, 5, 4) == 4
    assert people_needed(10, 5, 1) == 2


def test_on_duty_within_a_window_wraps_round_the_week():
    on = np.array([False, False, True, False])
    assert list(on_duty_within(on, 1)) == [False, False, True, False]
    assert list(on_duty_within(on, 2)) == [False, True, True, False]
    assert list(on_duty_within(on, 3)) == [True, True, True, False]
    assert list(on_duty_within(on, 9)) == [True, True, True, True]  # capped at the horizon


def _summary(**changes: object) -> RosterSummary:
    base: dict[str, object] = dict(
        input="in.xlsx",
        currency="EUR",
        weekly_cost=100.0,
        annual_cost=5200.0,
        weeks_per_year=52.0,
        paid_hours_per_week=16.0,
        shifts_per_week=2,
        headcount=1,
        people_needed=2,
        headcount_by_site=(("lisbon", 1),),
        headcount_by_pool=(("lisbon_en", 1),),
        shortfall_agent_hours=0.0,
        shortfall_uncoverable_agent_hours=0.0,
        shortfall_coverable_agent_hours=0.0,
        shortfall_intervals=0,
        live_intervals_below_target=0,
        live_intervals_with_demand=3,
        full_coverage=False,
        under_coverage_penalty_per_agent_hour=2000.0,
        solver="highs",
        solver_status="optimal",
        objective=100.0,
        best_bound=100.0,
        mip_gap=0.0,
        lp_relaxation_bound=95.0,
        gap_to_lp_bound=0.05,
        solve_seconds=0.5,
        lp_seconds=0.1,
        model=ModelSize(variables=10, integer_variables=4, constraints=7, build_seconds=0.123),
        interval_minutes=60,
        horizon_start_utc="2026-03-02T00:00:00+00:00",
        weeks=1,
    )
    base.update(changes)
    return RosterSummary(**base)  # type: ignore[arg-type]


def test_summary_rows_keep_the_sheet_names_and_order():
    rows = dict(_summary().rows())
    names = [name for name, _ in _summary().rows()]
    assert names[:11] == [
        "input",
        "currency",
        "weekly_cost",
        "annual_cost",
        "weeks_per_year",
        "paid_hours_per_week",
        "shifts_per_week",
        "headcount",
        "people_needed",
        "headcount site lisbon",
        "headcount pool lisbon_en",
    ]
    assert names[-3:] == ["interval_minutes", "horizon_start_utc", "weeks"]
    assert rows["full_coverage"] == "no"
    assert rows["build_seconds"] == 0.12
    assert rows["integer_variables"] == 4
    assert not _summary().has_shortfall
    assert _summary(shortfall_agent_hours=0.5).has_shortfall


def test_summary_rows_end_with_the_full_coverage_comparison():
    comparison = FullCoverageComparison(80.0, 4.0, 20.0, 1040.0)
    rows = _summary(full_coverage=True, comparison=comparison).rows()
    assert dict(rows)["full_coverage"] == "yes"
    assert rows[-4:] == [
        ("default_weekly_cost", 80.0),
        ("default_shortfall_agent_hours", 4.0),
        ("cost_of_full_coverage_weekly", 20.0),
        ("cost_of_full_coverage_annual", 1040.0),
    ]


def test_a_short_interval_on_an_unproven_roster_is_explained_without_cli_flags():
    from types import SimpleNamespace

    from planner.analysis.gaps import priced_out_reason
    from planner.roster.solve import SolveInfo

    problem = SimpleNamespace(penalty=2500.0)
    info = SolveInfo("highs", "time limit", 110.0, 100.0, 0.1, 90.0, 60.0, 1.0)
    text = priced_out_reason(problem, "EUR", info)  # type: ignore[arg-type]
    assert text == (
        "left uncovered by the solver's roster (time limit, 10.00% above its best bound): either covering it "
        "costs more than the under-coverage penalty (2,500 EUR per agent-hour), or a longer time limit or a "
        "smaller relative gap would cover it"
    )
    proven = priced_out_reason(problem, "EUR", SolveInfo("highs", "optimal", 1.0, 1.0, 0.0, 1.0, 1.0, 1.0))
    assert proven == "covering it costs more than the under-coverage penalty (2,500 EUR per agent-hour)"
