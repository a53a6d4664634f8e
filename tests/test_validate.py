"""`planner validate`: the summary, time-zone gaps and single-site hours."""

from __future__ import annotations

import datetime as dt
import json

from workbooks import run_cli, write_xlsx


def _tables(windows: list[list[object]]) -> dict[str, list[list[object]]]:
    # Japanese speakers in Tokyo on duty 09:00-17:00 local (00:00-08:00 UTC) and optionally in Lisbon
    return {
        "demand": [
            ["interval_start", "language", "channel", "tier", "contacts"],
            [dt.datetime(2026, 3, 23, 3), "ja", "chat", "standard", 20],
            [dt.datetime(2026, 3, 23, 12), "ja", "chat", "standard", 20],
            [dt.datetime(2026, 3, 23, 13), "ja", "chat", "standard", 5],
        ],
        "channels": [["channel", "handle_minutes", "target_minutes", "service_level"], ["chat", 6, 1, 0.8]],
        "sites": [["site", "timezone", "hourly_cost"], ["tokyo", "Asia/Tokyo", 30], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["tokyo_ja", "tokyo", "ja"], ["lisbon_ja", "lisbon", "ja"]],
        "shifts": [["shift", "paid_hours", "length_hours", "earliest_start", "latest_start", "sites"], *windows],
    }


def test_time_zone_gap_hours_are_listed_per_language(tmp_path):
    path = write_xlsx(_tables([["day", 8, 8, "09:00", "09:00", "tokyo"]]), tmp_path / "gap.xlsx")
    run = run_cli("validate", path, "--json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["time_zone_gaps"] == [
        {
            "language": "ja",
            "hours": 2.0,
            "contacts": 25.0,
            "ranges_utc": ["Mon 03-23 12:00-Mon 03-23 14:00"],
            "channels": ["chat"],
            "reason": "outside every shift window of the pools that speak it (sites: lisbon, tokyo)",
        }
    ]
    text = run_cli("validate", path).stdout
    assert "Time-zone gaps (hours with demand that no pool can ever cover under the shift windows):" in text
    assert "      Mon 03-23 12:00-Mon 03-23 14:00 UTC" in text


def test_hours_only_one_site_can_cover(tmp_path):
    # Lisbon's window 11:00-11:00 (11:00-19:00 UTC) covers the evening hours; Tokyo the morning
    path = write_xlsx(
        _tables([["day", 8, 8, "09:00", "09:00", "tokyo"], ["late", 8, 8, "11:00", "11:00", "lisbon"]]),
        tmp_path / "two.xlsx",
    )
    data = json.loads(run_cli("validate", path, "--json").stdout)
    assert data["time_zone_gaps"] == []
    ja = data["languages"]["ja"]
    assert ja["coverable_from_sites"] == ["lisbon", "tokyo"]
    assert ja["hours_only_one_site_can_cover"] == {
        "lisbon": {"hours": 2.0, "ranges_utc": ["Mon 03-23 12:00-Mon 03-23 14:00"]},
        "tokyo": {"hours": 1.0, "ranges_utc": ["Mon 03-23 03:00-Mon 03-23 04:00"]},
    }


def test_sample_validates_and_names_the_japanese_hours():
    run = run_cli("validate", "inputs/exchange_week.xlsx")
    assert run.exit_code == 0
    assert "Time-zone gaps: none" in run.stdout
    assert "lisbon Europe/Lisbon" in " ".join(run.stdout.split())
    assert "2026-03-29 01:00 UTC: clocks go forward 01:00 -> 02:00 local (UTC+00:00 -> UTC+01:00)" in run.stdout
    line = next(x for x in run.stdout.splitlines() if x.strip().startswith("ja:"))
    assert line.startswith("  ja: 14 h only from lisbon: Mon 03-23 18:00-Mon 03-23 20:00")


def test_a_second_sheet_with_the_same_name_is_ignored_with_a_warning(tmp_path):
    tables = _tables([["day", 8, 8, "09:00", "09:00", "tokyo"], ["late", 8, 8, "11:00", "11:00", "lisbon"]])
    tables["Sites "] = [["site", "timezone", "hourly_cost"], ["nowhere", "Mars/Base", -1]]  # would be 2 errors
    path = write_xlsx(tables, tmp_path / "twice.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 0, run.stderr
    warning = "two sheets are both named 'Sites ' once case and spaces are ignored; the second is ignored"
    assert warning in run.stdout + run.stderr
    # the same through the openpyxl reader, which takes workbooks with formulas
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["channels"]["F1"] = "=1+1"
    wb.save(tmp_path / "twice_formula.xlsx")
    run = run_cli("validate", tmp_path / "twice_formula.xlsx")
    assert warning in run.stdout + run.stderr
