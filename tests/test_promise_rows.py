# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Promise columns per `targets` row: scope, interval floor, clock and holiday target override the channel's."""

from __future__ import annotations

import datetime as dt

from workbooks import run_cli, write_xlsx

from planner.domain import ServiceLevelScope
from planner.inputs.load import load_scenario
from planner.queueing import erlang
from planner.requirements import compute_requirements

T0 = dt.datetime(2026, 3, 23, 9, 0)  # a Monday
CH_HEADER = [
    "channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "patience_minutes", "deferrable",
    "service_level_scope", "min_interval_service_level", "clock", "holiday_target_minutes",
]  # fmt: skip
TG_HEADER = [
    "language", "channel", "tier", "service_level", "service_level_scope", "min_interval_service_level", "clock",
    "holiday_target_minutes", "priority",
]  # fmt: skip
CAL = [["calendar", "timezone", "days", "open", "close", "holiday"],
       ["office", "UTC", "mon-fri", "09:00", "17:00", None],
       ["office", "UTC", None, None, None, dt.datetime(2026, 3, 25)]]  # fmt: skip


def tables(channel: list[object], targets: list[list[object]], tiers=("standard", "vip")) -> dict[str, list]:
    demand = [[T0, "en", channel[0], tier, 100] for tier in tiers]
    return {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"], *demand],
        "channels": [CH_HEADER, channel],
        "targets": [TG_HEADER, *targets],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["p", "lisbon", "en"]],
        "calendars": CAL,
        "settings": [["setting", "value"], ["interval_minutes", 30], ["max_occupancy", 0.85], ["week_start", T0]],
    }


CHAT = ["chat", 3, 20 / 60, 0.8, 1, None, "no", "day", 0.0, None, None]


def required(req, tier: str) -> int:
    t = req.table
    return int(t[(t["tier"] == tier) & (t["contacts"] > 0)]["agents_required"].iloc[0])


def test_vip_chat_interval_wise_while_standard_chat_is_daily_with_its_own_floor(tmp_path):
    rows = [["en", "chat", "vip", None, "interval", None, None, None, None],
            ["en", "chat", "standard", None, None, 0.5, None, None, None]]  # fmt: skip
    req = compute_requirements(load_scenario(write_xlsx(tables(CHAT, rows), tmp_path / "in.xlsx")))
    assert set(req.period) == {("en", "chat", "standard")}  # only standard is promised over the day
    assert req.queues[("en", "chat", "vip")].scope is ServiceLevelScope.INTERVAL
    assert req.period[("en", "chat", "standard")].floor_level == 0.5  # the row's floor, not the channel's 0
    # 100 contacts per 30 min x 3 min = 10 Erlangs. vip, interval-wise: the fewest agents with SL(20 s) >= 0.8
    sl = [erlang.queue_stats(n, 100 / 30, 3.0, 20 / 60).service_level for n in (13, 14)]
    assert sl[0] < 0.8 <= sl[1]
    assert required(req, "vip") == 14
    # standard, day scope: the floor's staffing, here the occupancy cap: ceil(10 / 0.85) = 12 (SL(12) >= 0.5)
    assert erlang.queue_stats(12, 100 / 30, 3.0, 20 / 60).service_level >= 0.5
    assert required(req, "standard") == 12


def test_a_row_can_switch_the_channel_day_scope_to_interval_for_every_tier(tmp_path):
    rows = [["en", "chat", None, None, "interval", None, None, None, None]]
    req = compute_requirements(load_scenario(write_xlsx(tables(CHAT, rows), tmp_path / "in.xlsx")))
    assert req.period == {}
    assert required(req, "vip") == required(req, "standard") == 14


EMAIL = ["email", 10, 480, 0.95, 1, None, "yes", None, None, "office", None]


def test_vip_email_on_the_wall_clock_while_standard_runs_on_working_days(tmp_path):
    rows = [["en", "email", "vip", None, None, None, "wall", None, None]]
    req = compute_requirements(load_scenario(write_xlsx(tables(EMAIL, rows), tmp_path / "in.xlsx")))
    vip, standard = req.queues[("en", "email", "vip")], req.queues[("en", "email", "standard")]
    assert vip.clock is None and standard.clock == "office"
    # vip: a fixed 480-minute window, 16 half-hour intervals, planned within three quarters of it (12);
    # standard: working-time deadlines
    assert req.deferred[vip.key].clock == "" and req.deferred[vip.key].window == 12
    assert req.deferred[standard.key].clock.startswith("office:")


def test_standard_email_on_a_calendar_while_the_channel_is_on_the_wall_clock(tmp_path):
    wall = [*EMAIL[:9], None, None]
    rows = [["en", "email", "standard", None, None, None, "office", 960, None]]
    req = compute_requirements(load_scenario(write_xlsx(tables(wall, rows), tmp_path / "in.xlsx")))
    vip, standard = req.queues[("en", "email", "vip")], req.queues[("en", "email", "standard")]
    assert vip.clock is None and vip.holiday_target_minutes is None
    assert standard.clock == "office" and standard.holiday_target_minutes == 960


def test_holiday_target_per_row(tmp_path):
    rows = [["en", "email", "vip", None, None, None, None, 960, None]]
    req = compute_requirements(load_scenario(write_xlsx(tables(EMAIL, rows), tmp_path / "in.xlsx")))
    assert req.queues[("en", "email", "vip")].holiday_target_minutes == 960
    assert req.queues[("en", "email", "standard")].holiday_target_minutes is None
    # both on the office clock, with 480 working minutes usually; vip's holiday arrivals get 960
    assert req.deferred[("en", "email", "vip")].clock == "office:480:960.0"
    assert req.deferred[("en", "email", "standard")].clock == "office:480:None"


def test_bad_promise_rows_are_each_reported(tmp_path):
    share = [*CHAT[:9], None, None]
    share[7] = None
    channels = tables(share, [])
    channels["channels"].append(EMAIL)
    channels["channels"][0] = [*CH_HEADER[:7], "tiers_share_agents", *CH_HEADER[7:]]
    channels["channels"][1] = [*share[:7], "yes", *share[7:]]
    channels["channels"][2] = [*EMAIL[:7], "no", *EMAIL[7:]]
    channels["targets"] = [
        TG_HEADER,
        ["en", "chat", "vip", None, "month", None, None, None, 1],  # row 2: unknown scope
        ["en", "chat", "standard", 0.6, None, 0.7, None, None, 2],  # row 3: floor above the row's level
        ["en", "email", "vip", None, None, None, "offices", None, None],  # row 4: unknown calendar
        ["en", "email", "standard", None, "day", None, None, None, None],  # row 5: day scope on deferrable work
        ["en", None, "standard", None, "week", None, None, None, None],  # row 6: week reaches the sharing chat
    ]
    path = write_xlsx(channels, tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 5 problems found",
        f"{path}, sheet 'targets', row 2, column 'service_level_scope': got 'month'; expected blank, interval, day or week",
        f"{path}, sheet 'targets', row 3, column 'min_interval_service_level': got 0.7; expected a share at most the row's service_level (0.6)",
        f"{path}, sheet 'targets', row 4, column 'clock': got 'offices'; expected blank, wall or a calendar listed in the calendars sheet (office)",
        f"{path}, sheet 'targets', row 5, column 'service_level_scope': got 'day'; expected interval (or blank): deferrable work has its own window; day and week apply to live channels",
        f"{path}, sheet 'targets', row 6, column 'service_level_scope': got 'week'; expected interval (or blank) where tiers share agents (day and week are for channels without sharing: the period promise of a priority group is not modelled)",
    ]  # fmt: skip


def test_a_row_with_a_bad_cell_still_has_its_promise_columns_checked(tmp_path):
    channels = tables(CHAT, [["en", "chat", "vip", 0.8, "month", 0.9, "offices", None, 1.5]])
    path = write_xlsx(channels, tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 4 problems found",
        f"{path}, sheet 'targets', row 2, column 'priority': got 1.5; expected blank or a whole number >= 1",
        f"{path}, sheet 'targets', row 2, column 'service_level_scope': got 'month'; expected blank, interval, day or week",
        f"{path}, sheet 'targets', row 2, column 'min_interval_service_level': got 0.9; expected a share at most the row's service_level (0.8)",
        f"{path}, sheet 'targets', row 2, column 'clock': got 'offices'; expected blank, wall or a calendar listed in the calendars sheet (office)",
    ]  # fmt: skip


def test_a_row_floor_above_the_channel_level_is_reported_where_it_is_set(tmp_path):
    rows = [["en", "chat", "standard", None, None, 0.9, None, None, None]]
    path = write_xlsx(tables(CHAT, rows), tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 1 problem found",
        f"{path}, sheet 'targets', row 2, column 'min_interval_service_level': got 0.9; expected a value keeping the floor of en chat standard (0.9) at most its service_level (0.8)",
    ]  # fmt: skip


def test_a_calendar_may_not_be_called_wall(tmp_path):
    t = tables(EMAIL, [])
    t["calendars"] = [CAL[0], ["wall", "UTC", "mon-fri", "09:00", "17:00", None]]
    t["channels"][1] = [*EMAIL[:9], None, None]
    path = write_xlsx(t, tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 1 problem found",
        f"{path}, sheet 'calendars', row 2, column 'calendar': got 'wall'; expected a calendar name other than 'wall' (the targets sheet's word for the wall clock)",
    ]  # fmt: skip
