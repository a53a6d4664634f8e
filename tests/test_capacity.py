# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""The capacity plan (issue 12): the horizon program on cases worked out on paper, the plan loader's
located errors, reuse of weekly solves, and `planner capacity` end to end on inputs/tiny.xlsx.

The horizon tests feed required people directly (:func:`plan_from_required`), so no roster is solved.
Unless a test says otherwise: weekly periods (each exactly 1 week), a salary of 100 per person-week,
no hiring cost and the default understaffing penalty (10 x salary = 1000 per missing person-week).
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from planner.capacity.load import Period, PoolWorkforce, load_plan
from planner.capacity.model import cohort_shares
from planner.capacity.plan import decided_by, plan_capacity, plan_from_required
from planner.capacity.sample import build_tiny_plan
from planner.capacity.weeks import WeekPeople
from planner.cli import cli
from planner.errors import InputError
from planner.inputs.load import load_scenario
from planner.outputs.capacity import capacity_text
from planner.sample import write_workbook

MONDAY = dt.date(2026, 1, 5)


def weeks(n: int) -> list[Period]:
    return [Period(f"w{i}", MONDAY + dt.timedelta(weeks=i), MONDAY + dt.timedelta(weeks=i, days=6)) for i in range(n)]


def pool(people: int, keep: float = 1.0, **kw: object) -> dict[str, PoolWorkforce]:
    return {"a": PoolWorkforce("a", "site", people=people, weekly_keep=keep, weekly_salary=100.0, **kw)}  # type: ignore[arg-type]


def hires_by_start(result) -> dict[str, int]:
    return {row.start: int(row.hires) for row in result.hires.itertuples()}


# --------------------------------------------------------------------------- horizon program by hand


def test_steady_state_hiring_replaces_attrition():
    # 100 people needed every week, 100 today, 3 % leave at the end of each week, hires productive at once.
    # Week 1: 100 x 0.97 = 97 stay -> hire 3; every later week the 100 again lose 3 -> hire 3.
    result = plan_from_required(weeks(8), pool(100, keep=0.97), {"a": (100.0,) * 8})
    assert hires_by_start(result) == {f"w{i}": 3 for i in range(1, 8)}
    assert result.table["expected_leavers"].round(9).tolist() == [3.0] * 8
    assert result.table["productive"].round(9).tolist() == [100.0] * 8
    assert result.shortfall_person_weeks == 0


def test_monthly_attrition_over_a_month_is_the_monthly_share():
    w = PoolWorkforce("a", "site", people=1, weekly_keep=(1 - 0.03) ** (12 / 52))
    assert w.attrition(52 / 12) == pytest.approx(0.03, abs=1e-12)
    assert w.attrition(52) == pytest.approx(1 - 0.97**12, abs=1e-12)


def test_demand_step_is_hired_exactly_the_lead_time_earlier():
    # 10 needed until week 5, 30 from week 6; a decision takes 3 weeks to start: decide in w3, start in w6.
    result = plan_from_required(weeks(10), pool(10, lead_time_weeks=3), {"a": (10.0,) * 6 + (30.0,) * 4})
    assert result.hires.to_dict("records") == [
        {"pool": "a", "site": "site", "decide_by": "w3", "start": "w6", "hires": 20}
    ]
    assert result.shortfall_person_weeks == 0


def test_no_hire_starts_before_the_lead_time_allows():
    # The step comes in week 1, but with a 3-week lead time the first starter arrives in week 3:
    # weeks 1 and 2 are 20 short, and the 20 are decided in week 0.
    result = plan_from_required(weeks(6), pool(10, lead_time_weeks=3), {"a": (10.0,) + (30.0,) * 5})
    assert result.hires.to_dict("records") == [
        {"pool": "a", "site": "site", "decide_by": "w0", "start": "w3", "hires": 20}
    ]
    assert result.table["understaffed"].round(9).tolist() == [0, 20, 20, 0, 0, 0]
    assert decided_by([p.start for p in weeks(6)], 3) == (None, None, None, 0, 1, 2)


def test_training_capacity_forces_earlier_hiring():
    # 10 -> 40 in week 4; one class of 10 per week: 30 starters need weeks 2, 3 and 4.
    required = {"a": (10.0,) * 4 + (40.0,) * 2}
    unlimited = plan_from_required(weeks(6), pool(10), required)
    assert hires_by_start(unlimited) == {"w4": 30}
    limited = plan_from_required(weeks(6), pool(10, classes_per_period=1, class_size=10), required)
    assert hires_by_start(limited) == {"w2": 10, "w3": 10, "w4": 10}
    assert limited.shortfall_person_weeks == 0


def test_ramp_curve_changes_productive_people():
    # 1 week of training, then 50 %, then 100 %. 10 -> 20 in week 3: hire 10 in week 1
    # (week 1 training: 0; week 2: 5; week 3: 10). Hiring in week 2 would leave 5 short in week 3.
    result = plan_from_required(weeks(6), pool(10, training_weeks=1, ramp=(0.5, 1.0)), {"a": (10.0,) * 3 + (20.0,) * 3})
    assert hires_by_start(result) == {"w1": 10}
    assert result.table["productive"].round(9).tolist() == [10, 10, 15, 20, 20, 20]
    assert result.table["trainees"].round(9).tolist() == [0, 10, 0, 0, 0, 0]
    assert result.table["headcount"].round(9).tolist() == [10, 20, 20, 20, 20, 20]


def test_cohort_shares_over_calendar_months():
    # Start 1 April: 4 weeks of training = 28 days; days 28-34 at 50 %, then 100 %.
    # April (30 days): 2 days at 0.5 -> 1/30, training 28/30. May (31 days): 5 days at 0.5 and 26 at 1 -> 28.5/31.
    starts = [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]
    ends = [dt.date(2026, 4, 30), dt.date(2026, 5, 31)]
    prod, train = cohort_shares(starts, ends, 4, (0.5, 1.0))
    assert prod[0, 0] == pytest.approx(1 / 30)
    assert train[0, 0] == pytest.approx(28 / 30)
    assert prod[0, 1] == pytest.approx(28.5 / 31)
    assert train[0, 1] == 0
    assert prod[1, 1] == pytest.approx(3 * 0.5 / 31)  # May cohort: days 28-30 of May at 50 %
    assert prod[1, 0] == 0


def test_risk_is_the_shortfall_of_the_same_hires_under_more_demand():
    # The plan hires 20 in w2 for a need of 30; at +10 % the need is 33 from w2: 3 short in w2..w3.
    result = plan_from_required(
        weeks(4), pool(10), {"a": (10.0, 10.0, 30.0, 30.0)}, risk={0.1: {"a": (11.0, 11.0, 33.0, 33.0)}}
    )
    assert hires_by_start(result) == {"w2": 20}
    case = result.risk_cases[0]
    assert case.shortfall_person_weeks == pytest.approx(1 + 1 + 3 + 3)
    assert case.required_person_weeks == pytest.approx(88)
    assert case.peak_shortfall == pytest.approx(3)


def test_budget_spreads_a_period_over_calendar_months():
    # The week 2026-01-26 .. 2026-02-01: 6 days in January, 1 in February; 10 people x 100.
    period = [Period("w", dt.date(2026, 1, 26), dt.date(2026, 2, 1))]
    result = plan_from_required(period, pool(10), {"a": (10.0,)})
    month = dict(zip(result.budget_month["month"], result.budget_month["cost"], strict=True))
    assert month == pytest.approx({"2026-01": 1000 * 6 / 7, "2026-02": 1000 / 7})
    assert result.budget_year["cost"].tolist() == pytest.approx([1000])


# --------------------------------------------------------------------------- bad plans

TINY = Path("inputs/tiny.xlsx")


def plan_tables() -> dict[str, pd.DataFrame]:
    return build_tiny_plan()


def test_bad_plan_reports_every_problem_with_its_location(tmp_path):
    tables = plan_tables()
    periods = tables["periods"]
    periods.loc[1, "start"] = pd.Timestamp("2026-04-25")  # overlaps April (row 3)
    periods.loc[2, "start"] = pd.Timestamp("2026-06-03")  # leaves a hole after May (row 4)
    workforce = tables["workforce"]
    workforce.loc[0, "lead_time_weeks"] = 20  # the lisbon row (row 2): longer than the 13-week horizon
    workforce.loc[1, "monthly_attrition"] = 1.2
    workforce.loc[2, "ramp"] = "0.5, 1.5, 1"
    workforce.loc[3] = {"pool": "paris_fr", "people": 3}
    workforce.loc[4] = {"site": "paris", "ramp": "0.5, 0.8"}
    path = tmp_path / "plan.xlsx"
    write_workbook(tables, path)
    with pytest.raises(InputError) as err:
        load_plan(path, load_scenario(TINY))
    f = str(path)
    assert err.value.render().splitlines() == [
        f"{f}: 8 problems found",
        f"{f}, sheet 'periods', row 3, column 'start': got 2026-04-25; the period overlaps period '2026-04' (row 2, ending 2026-04-30); expected 2026-05-01, the day after the previous period ends",
        f"{f}, sheet 'periods', row 4, column 'start': got 2026-06-03; the period leaves a hole after period '2026-05' (row 3, ending 2026-05-31); expected 2026-06-01, the day after the previous period ends",
        f"{f}, sheet 'workforce', row 2, column 'lead_time_weeks': got 20; expected at most the horizon (13 weeks)",
        f"{f}, sheet 'workforce', row 3, column 'monthly_attrition': got 1.2; expected blank or a share >= 0 and < 1",
        f"{f}, sheet 'workforce', row 4, column 'ramp': got '0.5, 1.5, 1'; expected blank or a list of shares from 0 to 1 ending with 1, such as '0.25, 0.5, 0.75, 1'",
        f"{f}, sheet 'workforce', row 5, column 'pool': got 'paris_fr'; expected a pool of the input's pools sheet (lisbon_en, lisbon_ja_en)",
        f"{f}, sheet 'workforce', row 6, column 'site': got 'paris'; expected a site of the input's sites sheet (lisbon)",
        f"{f}, sheet 'workforce', row 6, column 'ramp': got '0.5, 0.8'; expected blank or a list of shares from 0 to 1 ending with 1, such as '0.25, 0.5, 0.75, 1'",
    ]


def test_bad_plan_on_the_command_line_exits_1_and_writes_nothing(tmp_path):
    tables = plan_tables()
    tables["workforce"].loc[0, "annual_attrition"] = 1.0
    tables["workforce"].loc[0, "monthly_attrition"] = None
    path = tmp_path / "plan.xlsx"
    write_workbook(tables, path)
    out = tmp_path / "out.xlsx"
    res = CliRunner().invoke(cli, ["capacity", str(TINY), str(path), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 1
    assert res.output.splitlines()[-2:] == [
        f"Error: {path}: 1 problem found",
        f"{path}, sheet 'workforce', row 2, column 'annual_attrition': got 1; expected blank or a share >= 0 and < 1",
    ]
    assert not out.exists()


# --------------------------------------------------------------------------- weekly solves and end to end


def test_periods_with_the_same_week_share_one_solve(tmp_path):
    # Tiny plan: April and May have the same drivers and shrinkage, June has ja at 1.5: 2 distinct weeks,
    # and each of them again at +10 % and +20 %: 6 solves for 9 period-cases.
    path = tmp_path / "plan.xlsx"
    write_workbook(plan_tables(), path)
    scenario = load_scenario(TINY)
    calls = []

    def people(week, time_limit):
        calls.append(float(week.demand["contacts"].sum()))
        # the June weeks end on the time limit (a stand-in for a slow solve): the summary counts them
        status = "time limit" if len(calls) % 2 == 0 else "gap reached"
        return WeekPeople({"lisbon_en": 14.0, "lisbon_ja_en": 22.0}, status)

    result = plan_capacity(scenario, load_plan(path, scenario), people_fn=people)
    total = float(scenario.demand["contacts"].sum())
    ja = float(scenario.demand.loc[scenario.demand["language"] == "ja", "contacts"].sum())
    base, june = total, total + 0.5 * ja
    assert calls == pytest.approx([base, june, 1.1 * base, 1.1 * june, 1.2 * base, 1.2 * june])
    assert result.weekly is not None and (result.weekly.solves, result.weekly.periods) == (6, 9)
    assert result.weekly.on_time_limit == 3
    assert "3 of the 6 weekly rosters ended on their time limit" in capacity_text(result, None)


def test_capacity_command_end_to_end_on_tiny(tmp_path):
    plan = tmp_path / "plan.xlsx"
    write_workbook(plan_tables(), plan)
    out = tmp_path / "capacity.xlsx"
    res = CliRunner().invoke(cli, ["capacity", str(TINY), str(plan), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(out, sheet_name=None)
    assert set(sheets) == {"summary", "plan", "hires", "budget_month", "budget_year", "risk"}
    table = sheets["plan"]
    assert table[["period", "pool"]].values.tolist() == [
        [m, p] for m in ("2026-04", "2026-05", "2026-06") for p in ("lisbon_en", "lisbon_ja_en")
    ]
    # today's people, and 3 % a month leaving over April's 30 days
    april = table[table["period"] == "2026-04"]
    assert april["headcount"].tolist() == [14, 22]
    share = 1 - 0.97 ** ((30 / 7) / (52 / 12))
    assert april["expected_leavers"].tolist() == pytest.approx([14 * share, 22 * share])
    # the 1-week lead time forbids starters in the first period
    assert april["hires"].tolist() == [0, 0]
    assert sheets["hires"]["hires"].sum() == table["hires"].sum()
    assert sheets["budget_year"]["cost"].sum() == pytest.approx(table["cost"].sum())
    assert sorted(sheets["risk"]["demand_uplift"].unique()) == [0.1, 0.2]
    assert "Hires starting per period" in res.output
    assert math.isclose(float(sheets["budget_month"]["cost"].sum()), float(table["cost"].sum()), rel_tol=1e-9)


def test_bad_drivers_policies_and_settings_are_located(tmp_path):
    tables = plan_tables()
    tables["drivers"] = pd.DataFrame(
        [
            {"period": "2026-13", "language": "ja", "volume_index": 1.1},
            {"period": "2026-04", "language": "fr", "volume_index": 1.1},
            {"period": "2026-04", "language": "en", "channel": "phone", "volume_index": 1.1},
            {"period": "2026-05", "language": "en", "volume_index": 1.1, "weekly_contacts": 500},
        ],
        columns=["period", "language", "channel", "volume_index", "weekly_contacts"],
    )
    tables["policies"] = pd.DataFrame(
        [{"site": "paris"}, {"site": "lisbon", "min_hires": 5, "max_hires": 2}],
        columns=["site", "period", "min_hires", "max_hires"],
    )
    tables["settings"] = pd.DataFrame([("weekly_time_limit", -3), ("speed", 2)], columns=["setting", "value"])
    path = tmp_path / "plan.xlsx"
    write_workbook(tables, path)
    with pytest.raises(InputError) as err:
        load_plan(path, load_scenario(TINY))
    f = str(path)
    assert err.value.render().splitlines() == [
        f"{f}: 8 problems found",
        f"{f}, sheet 'drivers', row 2, column 'period': got '2026-13'; expected a period of the periods sheet (2026-04, 2026-05, 2026-06)",
        f"{f}, sheet 'drivers', row 3, column 'language': got 'fr'; expected a language of the input's demand (en, ja)",
        f"{f}, sheet 'drivers', row 4, column 'channel': got 'phone'; expected blank or a channel with en demand (chat, email)",
        f"{f}, sheet 'drivers', row 5, column 'volume_index': got 1.1; expected either volume_index or weekly_contacts (one of the two)",
        f"{f}, sheet 'policies', row 2, column 'site': got 'paris'; expected blank or a site of the input (lisbon)",
        f"{f}, sheet 'policies', row 3, column 'max_hires': got 2; expected at least min_hires (5)",
        f"{f}, sheet 'settings', row 2, column 'value': got -3; expected a number > 0",
        f"{f}, sheet 'settings', row 3, column 'setting': got 'speed'; expected weekly_time_limit, understaffing_penalty or risk_uplifts",
    ]


def test_docs_carry_the_plan_reference():
    from planner.outputs.capacity import plan_reference

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert plan_reference().strip() in text, "regenerate the sheet tables in README.md from plan_reference()"
