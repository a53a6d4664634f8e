"""The roster from workbooks: time zones, daylight saving, premiums, gaps, outputs, the sample."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from workbooks import run_cli, write_xlsx

from planner.inputs.load import load_scenario
from planner.outputs.titles import stable_names
from planner.roster.plan import RosterOptions, plan_roster
from planner.roster.solve import SolveOptions

SHIFT_HEADER = ["shift", "paid_hours", "length_hours", "earliest_start", "latest_start", "start_step_minutes", "sites"]
CHANNELS = [
    ["channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "patience_minutes", "deferrable"],
    ["chat", 6, 1, 0.8, 1, None, "no"],
]
SITES_HEADER = ["site", "timezone", "hourly_cost", "night_premium", "weekend_premium", "max_agents"]
POOLS_HEADER = ["pool", "site", "languages", "channels", "available", "hourly_cost"]
SETTINGS = [["setting", "value"], ["shrinkage", 0.3], ["max_occupancy", 0.85]]


def demand(start: dt.datetime, days: int, hours: range, language: str = "en", contacts: float = 40.0):
    rows = [["interval_start", "language", "channel", "tier", "contacts"]]
    for d in range(days):
        for h in hours:
            rows.append([start + dt.timedelta(days=d, hours=h), language, "chat", "standard", contacts])
    return rows


def solve(path: Path, **kw):
    scenario = load_scenario(path)
    return plan_roster(scenario, RosterOptions(solve=SolveOptions(gap=0.0, time_limit=60), **kw))


def test_daylight_saving_week_local_starts_stay_put_utc_coverage_shifts(tmp_path):
    # Lisbon moves from UTC+0 to UTC+1 on Sunday 2026-03-29 at 01:00 UTC.
    tables = {
        "demand": demand(dt.datetime(2026, 3, 23), 7, range(10, 15)),
        "channels": CHANNELS,
        "sites": [SITES_HEADER, ["lisbon", "Europe/Lisbon", 20, 0, 0, None]],
        "pools": [POOLS_HEADER, ["lisbon_en", "lisbon", "en", None, None, None]],
        "shifts": [
            SHIFT_HEADER,
            ["morning", 8, 8, "09:00", "09:00", 60, None],
            ["late", 8, 8, "22:00", "22:00", 60, None],
        ],
        "settings": SETTINGS,
    }
    result = solve(write_xlsx(tables, tmp_path / "dst.xlsx"))
    morning = result.shifts[result.shifts["shift"] == "morning"]
    assert len(morning) == 7
    assert set(morning["local_start"]) == {"09:00"}
    utc_hours = {r.local_date.isoformat(): r.utc_start.hour for r in morning.itertuples()}
    assert utc_hours == {
        "2026-03-23": 9,
        "2026-03-24": 9,
        "2026-03-25": 9,
        "2026-03-26": 9,
        "2026-03-27": 9,
        "2026-03-28": 9,
        "2026-03-29": 8,
    }
    assert not result.has_shortfall
    # the shift options themselves: the Saturday-night 22:00 start lasts 8 real hours, so its
    # local end moves by the clock change (06:00 becomes 07:00)
    from planner.roster.options import enumerate_options

    options = enumerate_options(load_scenario(tmp_path / "dst.xlsx")).table
    sat_night = options[(options["template"] == "late") & (options["local_start"] == dt.datetime(2026, 3, 28, 22))]
    assert len(sat_night) == 1
    start = sat_night["utc_start"].iloc[0]
    assert start == dt.datetime(2026, 3, 28, 22, tzinfo=dt.UTC)
    from planner.timezones import utc_to_local

    assert utc_to_local("Europe/Lisbon", start + dt.timedelta(hours=8)) == dt.datetime(2026, 3, 29, 7, 0)


def _two_sites(tmp_path: Path, lisbon_wage: float, tokyo_wage: float, night: float) -> Path:
    # 02:00-06:00 UTC is night in Lisbon (UTC+0 in early March) and 11:00-15:00 in Tokyo
    tables = {
        "demand": demand(dt.datetime(2026, 3, 2), 1, range(2, 6), contacts=30.0),
        "channels": CHANNELS,
        "sites": [
            SITES_HEADER,
            ["lisbon", "Europe/Lisbon", lisbon_wage, night, 0, None],
            ["tokyo", "Asia/Tokyo", tokyo_wage, 0, 0, None],
        ],
        "pools": [
            POOLS_HEADER,
            ["lisbon_en", "lisbon", "en", None, None, None],
            ["tokyo_en", "tokyo", "en", None, None, None],
        ],
        "shifts": [SHIFT_HEADER, ["four", 4, 4, "00:00", "23:00", 60, None]],
        "settings": SETTINGS,
    }
    return write_xlsx(tables, tmp_path / f"sites_{lisbon_wage}_{tokyo_wage}.xlsx")


def test_night_premium_moves_work_to_a_cheaper_site(tmp_path):
    # same wage; Lisbon pays +100 % at night, so Tokyo (daytime) takes all the shifts
    result = solve(_two_sites(tmp_path, 20, 20, 1.0))
    assert set(result.shifts["site"]) == {"tokyo"}
    agents = int(result.shifts["agents"].sum())
    assert result.summary.weekly_cost == pytest.approx(agents * 4 * 20)
    # Tokyo's wage 2.5x Lisbon's: even doubled for the night, Lisbon is cheaper
    result = solve(_two_sites(tmp_path, 20, 50, 1.0))
    assert set(result.shifts["site"]) == {"lisbon"}
    agents = int(result.shifts["agents"].sum())
    assert result.summary.weekly_cost == pytest.approx(agents * 4 * 20 * 2.0)


def _gap_workbook(tmp_path: Path) -> Path:
    # Japanese speakers only in Tokyo, on duty 09:00-17:00 local = 00:00-08:00 UTC;
    # ja demand at 12:00 UTC (21:00 in Tokyo) cannot be covered
    tables = {
        "demand": [
            ["interval_start", "language", "channel", "tier", "contacts"],
            [dt.datetime(2026, 3, 23, 3), "ja", "chat", "standard", 20],
            [dt.datetime(2026, 3, 23, 12), "ja", "chat", "standard", 20],
        ],
        "channels": CHANNELS,
        "sites": [SITES_HEADER, ["tokyo", "Asia/Tokyo", 30, 0, 0, None]],
        "pools": [POOLS_HEADER, ["@tokyo_ja", "tokyo", "ja", None, None, None]],
        "shifts": [SHIFT_HEADER, ["day", 8, 8, "09:00", "09:00", 60, None]],
        "settings": SETTINGS,
    }
    return write_xlsx(tables, tmp_path / "gap.xlsx")


def test_uncoverable_language_hour_gives_a_gap_with_its_reason_and_exit_1(tmp_path):
    path = _gap_workbook(tmp_path)
    out = tmp_path / "roster.xlsx"
    run = run_cli("roster", path, "-o", out)
    assert run.exit_code == 1
    assert "SHORTFALL" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr
    gaps = stable_names(pd.read_excel(out, sheet_name="gaps"))
    assert len(gaps) == 1
    row = gaps.iloc[0]
    assert pd.Timestamp(row["interval_start"]) == pd.Timestamp("2026-03-23 12:00")
    assert row["language"] == "ja" and row["channel"] == "chat"
    assert not bool(row["coverable"])
    assert row["reason"].startswith("time-zone gap: no pool that speaks 'ja' and works chat can be on shift then")
    # the 03:00 UTC hour is covered
    coverage = stable_names(pd.read_excel(out, sheet_name="coverage"))
    three = coverage[pd.to_datetime(coverage["interval_start"]) == pd.Timestamp("2026-03-23 03:00")].iloc[0]
    assert three["shortfall"] == pytest.approx(0.0)
    assert three["staffed"] >= three["required"] - 1e-9
    # text that looks like a formula is escaped in the workbook
    shifts = stable_names(pd.read_excel(out, sheet_name="shifts"))
    assert set(shifts["pool"]) == {"'@tokyo_ja"}


def test_roster_outputs_xlsx_csv_and_json(tmp_path):
    out = tmp_path / "tiny.xlsx"
    run = run_cli("roster", "inputs/tiny.xlsx", "-o", out, "--json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    metrics = data["metrics"]
    assert metrics["shortfall_agent_hours"] == 0
    sheets = {name: stable_names(frame) for name, frame in pd.read_excel(out, sheet_name=None).items()}
    data_sheets = ["shifts", "coverage", "cost", "gaps", "headcount", "language_sites"]
    data_sheets += ["activities", "routing", "breaks", "activity_gaps", "person_activities"]
    assert list(sheets) == [
        *["dashboard", "summary", "finance", "heatmaps", "coverage_charts"],
        *data_sheets,
        *["hourly", "solver"],
    ]
    summary = dict(zip(sheets["summary"]["key"], sheets["summary"]["value"], strict=True))
    assert float(summary["weekly_cost"]) == pytest.approx(metrics["weekly_cost"])
    shifts = sheets["shifts"]
    assert float(summary["weekly_cost"]) == pytest.approx(shifts["cost"].sum(), rel=1e-9)
    assert np.allclose(shifts["cost"], shifts["cost_per_agent"] * shifts["agents"])
    # headcount = ceil(shifts / shifts_per_week) per pool
    hc = sheets["headcount"]
    per_pool = shifts.groupby("pool")["agents"].sum()
    for r in hc.itertuples():
        assert r.headcount == math.ceil(per_pool.get(r.pool, 0) / 5)
    # cost attributed to languages and channels adds up to the roster's cost
    assert sheets["cost"]["weekly_cost"].sum() == pytest.approx(metrics["weekly_cost"], rel=1e-6)
    # live coverage: staffed >= required wherever there is demand
    cov = sheets["coverage"]
    live = cov[(cov["kind"] == "live") & (cov["contacts"] > 0)]
    assert (live["staffed"] >= live["required"] - 1e-6).all()
    assert (live["service_level"] >= live["target_service_level"] - 1e-9).all()
    # the same tables as CSV files in a folder
    folder = tmp_path / "csv"
    run = run_cli("roster", "inputs/tiny.xlsx", "--format", "csv", "-o", folder)
    assert run.exit_code == 0, run.stderr
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [".planner-output", *(f"{s}.csv" for s in ["summary", *data_sheets])]
    )
    csv_shifts = pd.read_csv(folder / "shifts.csv")
    assert csv_shifts["agents"].sum() == shifts["agents"].sum()


def test_same_input_same_roster(tmp_path):
    a = solve(Path("inputs/tiny.xlsx"))
    b = solve(Path("inputs/tiny.xlsx"))
    pd.testing.assert_frame_equal(a.shifts, b.shifts)
    assert a.summary.weekly_cost == b.summary.weekly_cost


def test_full_coverage_hires_past_the_cap_and_prices_it(tmp_path):
    tables = {
        "demand": demand(dt.datetime(2026, 3, 2), 1, range(9, 17), contacts=60.0),
        "channels": CHANNELS,
        "sites": [SITES_HEADER, ["lisbon", "Europe/Lisbon", 20, 0, 0, None]],
        "pools": [POOLS_HEADER, ["lisbon_en", "lisbon", "en", None, 2, None]],
        "shifts": [SHIFT_HEADER, ["day", 8, 8, "09:00", "09:00", 60, None]],
        "settings": SETTINGS,
    }
    path = write_xlsx(tables, tmp_path / "cap.xlsx")
    capped = solve(path)
    assert capped.has_shortfall
    assert set(capped.gaps["reason"]) == {"headcount cap: pool lisbon_en has all 2 available people on shift"}
    assert bool(capped.gaps["coverable"].all())
    full = solve(path, full_coverage=True)
    assert not full.has_shortfall
    assert full.default_cost == pytest.approx(capped.summary.weekly_cost)
    assert full.summary.comparison is not None
    assert full.summary.comparison.cost_of_full_coverage_weekly == pytest.approx(
        full.summary.weekly_cost - capped.summary.weekly_cost
    )
    hires = full.headcount.set_index("pool").loc["lisbon_en"]
    assert hires["extra_hires"] > 0


@pytest.mark.slow
def test_sample_week_end_to_end():
    """The shipped sample: no shortfall, every live interval at target, cost within 1 % of the LP bound."""
    result = plan_roster(load_scenario("inputs/exchange_week.xlsx"))
    m = result.summary
    assert not result.has_shortfall
    assert m.live_intervals_below_target == 0
    assert m.gap_to_lp_bound <= 0.01
    assert result.info.lp_bound <= result.info.objective + 1e-6
    cov = result.coverage
    live = cov[(cov["kind"] == "live") & (cov["contacts"] > 0)]
    assert (live["service_level"] >= live["target_service_level"] - 1e-9).all()
    # Japanese outside Tokyo's day is covered from Lisbon
    ja = result.language_sites[result.language_sites["language"] == "ja"].set_index("site")
    assert set(ja.index) == {"tokyo", "lisbon"}
    assert ja.loc["lisbon", "agent_hours"] > 0
    # agents never double-count: per pool, allocated hours <= on-duty hours
    assert result.cost["agent_hours"].sum() == pytest.approx(
        (result.shifts["agents"] * result.shifts["paid_hours"]).sum(), rel=0.02
    )
    assert np.isfinite(m.weekly_cost)


def test_roster_bad_input_lists_problems_and_writes_nothing(tmp_path):
    tables = {
        "demand": [
            ["interval_start", "language", "channel", "tier", "contacts"],
            [dt.datetime(2026, 3, 23, 9), "en", "chat", "standard", -4],
            ["soon", "en", "chat", "standard", 3],
        ],
        "channels": CHANNELS,
        "sites": [SITES_HEADER, ["lisbon", "Mars/Base", 20, 0, 0, None]],
        "pools": [POOLS_HEADER, ["p", "lisbon", "en", None, None, None]],
    }
    path = write_xlsx(tables, tmp_path / "bad.xlsx")
    out = tmp_path / "roster.xlsx"
    run = run_cli("roster", path, "-o", out)
    assert run.exit_code == 1
    assert run.stderr.splitlines() == [
        f"Error: {path}: 3 problems found",
        f"{path}, sheet 'demand', row 2, column 'contacts': got -4; expected a number >= 0 and <= 1,000,000",
        f"{path}, sheet 'demand', row 3, column 'interval_start': got 'soon'; expected a date-time in the years "
        "1900-2199 such as 2026-03-23 14:00 (UTC) or 2026-03-23T23:00+09:00",
        f"{path}, sheet 'sites', row 2, column 'timezone': got 'Mars/Base'; expected an IANA time zone name "
        "such as Asia/Tokyo",
    ]
    assert not out.exists()
    assert list(tmp_path.iterdir()) == [path]  # no temporary or partial output left behind


def test_shortfall_priced_out_names_the_penalty_only_when_proven(tmp_path):
    # one hour of chat demand, 8-hour shifts at 20 USD/h, penalty 1 USD per agent-hour:
    # leaving the hour short (a few agent-hours x 1 USD) is cheaper than any shift (160 USD)
    tables = {
        "demand": demand(dt.datetime(2026, 3, 2), 1, range(12, 13), contacts=30.0),
        "channels": CHANNELS,
        "sites": [SITES_HEADER, ["lisbon", "Europe/Lisbon", 20, 0, 0, None]],
        "pools": [POOLS_HEADER, ["lisbon_en", "lisbon", "en", None, None, None]],
        "shifts": [SHIFT_HEADER, ["day", 8, 8, "09:00", "09:00", 60, None]],
        "settings": [*SETTINGS, ["under_coverage_penalty", 1]],
    }
    result = solve(write_xlsx(tables, tmp_path / "cheap_penalty.xlsx"))
    assert result.info.status == "optimal"
    assert result.shifts.empty
    reason = "covering it costs more than the under-coverage penalty (1 USD per agent-hour)"
    assert list(result.gaps["reason"]) == [reason]
    assert bool(result.gaps["coverable"].iloc[0])


def test_summary_tells_when_the_time_limit_cut_the_solve_short():
    from dataclasses import replace

    from planner.outputs.text import roster_text

    result = solve(Path("inputs/tiny.xlsx"))
    assert "time limit" not in roster_text(result, None)
    cut = replace(result, info=replace(result.info, status="time limit", gap=0.0731))
    text = roster_text(cut, None).splitlines()
    assert text[3] == (
        "  the solver stopped at its time limit 7.31% above its best bound: "
        "a longer time limit can give a cheaper roster"
    )
