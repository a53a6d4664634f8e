# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Working-time clocks: hand-solved deadlines (Friday 17:00 with one working day is due Monday
17:00; holiday targets), the deadline caps of the deferred model, and the calendars sheet's checks."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from workbooks import run_cli, write_xlsx

from planner.calendars import demand_factors, due_minutes
from planner.domain import Calendar, Horizon
from planner.inputs.load import load_scenario
from planner.queueing.deferred import deadline_sums, window_sums
from planner.requirements import compute_requirements

MONDAY = dt.datetime(2026, 3, 23, tzinfo=dt.UTC)
WEEK = Horizon(MONDAY, 60)
OFFICE = Calendar("office", "UTC", tuple((d, 9 * 60, 17 * 60) for d in range(5)))


def hour(day: int, h: int) -> int:
    """The interval of day ``day`` (0 = Monday) at ``h``:00."""
    return day * 24 + h


def test_friday_1700_with_one_working_day_is_due_monday_1700():
    due = due_minutes(OFFICE, WEEK, 480, None)
    assert due[hour(4, 17)] == 72 * 60  # Friday 17:00 -> Monday 17:00
    assert due[hour(4, 16)] == 72 * 60  # Friday 16:00: one hour on Friday, seven on Monday -> Monday 16:00 + 1 h
    assert due[hour(5, 10)] == (2 * 24 + 7) * 60  # Saturday 10:00 -> Monday 17:00
    assert due[hour(0, 9)] == 8 * 60  # Monday 09:00 -> Monday 17:00
    assert due[hour(0, 3)] == 14 * 60  # Monday 03:00 -> Monday 17:00


def test_a_holiday_closes_the_office_and_has_its_own_target():
    office = Calendar("office", "UTC", OFFICE.hours, holidays=(dt.date(2026, 3, 25),))  # Wednesday
    due = due_minutes(office, WEEK, 480, 960)
    assert due[hour(1, 17)] == 48 * 60  # Tuesday 17:00 -> Thursday 17:00 (Wednesday closed)
    assert due[hour(2, 10)] == 55 * 60  # Wednesday 10:00, two working days -> Friday 17:00


def test_around_the_clock_with_a_longer_holiday_target():
    # "within 24 hours, 48 hours on public holidays"
    always = Calendar("always", "UTC", (), holidays=(dt.date(2026, 3, 25),))
    due = due_minutes(always, WEEK, 1440, 2880)
    assert due[hour(1, 10)] == 1440 and due[hour(2, 10)] == 2880 and due[hour(3, 0)] == 1440


def test_business_hours_follow_the_local_clock():
    # Lisbon is UTC+0 in March before the 29th (DST starts 2026-03-29 01:00 UTC): Monday 30th opens at 08:00 UTC
    lisbon = Calendar("lisbon", "Europe/Lisbon", OFFICE.hours)
    due = due_minutes(lisbon, WEEK, 60, None)
    assert due[hour(0, 9)] == 60  # Monday 23rd 09:00 UTC = 09:00 local
    assert due[hour(6, 23)] == (8 + 1) * 60 + 60  # Sunday 23:00 UTC -> opens Monday 08:00 UTC (09:00 local), +1 h


def test_deadline_caps_keep_friday_evening_work_open_until_monday_1700():
    n = WEEK.n_intervals
    work = np.zeros(n)
    work[hour(4, 17)] = 1.0
    due = due_minutes(OFFICE, WEEK, 480, None) / 60
    cap = deadline_sums(work, due[:-1], due[1:] + 1.0)
    assert cap[hour(4, 17)] == 1.0  # open at Friday 18:00
    assert cap[(hour(4, 17) + 70) % n] == 1.0  # still not due at the end of Monday 16:00-17:00 ...
    assert cap[(hour(4, 17) + 71) % n] == 0.0  # ... due once Monday 17:00 has passed
    assert cap.sum() == 71.0


def test_deadline_caps_with_a_fixed_window_are_the_window_sums():
    rng = np.random.default_rng(1)
    work = rng.uniform(0, 5, 168)
    window = 7.25
    caps = deadline_sums(work, np.full(168, window), np.full(168, window + 1))
    assert caps == pytest.approx(window_sums(work, window))


def test_holiday_demand_factor_scales_its_local_date():
    cal = Calendar("office", "Asia/Tokyo", (), (dt.date(2026, 3, 25),), ((dt.date(2026, 3, 25), 0.5),))
    factors = demand_factors(cal, WEEK)
    # Tokyo's 25 March is 24 March 15:00 to 25 March 15:00 UTC
    assert factors[hour(1, 14)] == 1.0 and factors[hour(1, 15)] == 0.5 and factors[hour(2, 14)] == 0.5
    assert factors[hour(2, 15)] == 1.0 and factors.sum() == 168 - 12


# --------------------------------------------------------------------------- through the input

T0 = dt.datetime(2026, 3, 23, 0, 0)
CH_HEADER = [
    "channel",
    "handle_minutes",
    "target_minutes",
    "service_level",
    "deferrable",
    "clock",
    "holiday_target_minutes",
]
CAL_HEADER = ["calendar", "timezone", "days", "open", "close", "holiday", "demand_factor"]


def tables(calendars: list[list[object]], clock: str = "office") -> dict[str, list[list[object]]]:
    return {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"],
                   [T0 + dt.timedelta(hours=hour(4, 17)), "en", "email", "standard", 6.0]],
        "channels": [CH_HEADER, ["email", 10, 480, 1.0, "yes", clock, None]],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["p", "lisbon", "en"]],
        "calendars": [CAL_HEADER, *calendars],
        "settings": [["setting", "value"], ["interval_minutes", 60], ["week_start", T0]],
    }  # fmt: skip


def test_email_on_a_working_day_clock_may_wait_for_monday(tmp_path):
    path = write_xlsx(tables([["office", "UTC", "mon-fri", "09:00", "17:00", None, None]]), tmp_path / "in.xlsx")
    req = compute_requirements(load_scenario(path))
    dw = req.deferred[("en", "email", "standard")]
    # one hour of work (6 contacts x 10 minutes) arriving Friday 17:00-18:00 stays open until Monday 17:00
    first = dw.classes[0]
    assert first.cap[hour(4, 17)] == pytest.approx(first.work.sum())
    assert first.cap[(hour(4, 17) + 71) % 168] == 0.0
    # the smoothest profile spreads it over its arrival hour and the 71 hours to the deadline, all on time
    row = req.table[req.table["contacts"] > 0].iloc[0]
    assert row["service_level"] == pytest.approx(1.0)
    assert (req.table["agents_on_floor"] > 0).sum() == 72
    # served in order at 1/72 of it an hour, the oldest open contact at the end of hour k after 17:00 on
    # Friday arrived (k+1)/72 of the way into that hour: age (k+1) x 71/72 hours, highest at k = 70 (Monday)
    ages = req.backlog_age_by_day().set_index("day")["peak_oldest_open_age_hours"]
    assert ages[dt.datetime(2026, 3, 23)] == pytest.approx(71 * 71 / 72)
    assert ages[dt.datetime(2026, 3, 27)] == pytest.approx(7 * 71 / 72)  # Friday's last hour: k = 6


def test_bad_calendars_are_each_reported(tmp_path):
    rows = [
        ["office", "UTC", "mon-fri", "09:00", "17:00", None, None],  # row 2: fine
        ["office", "UTC", "fri", "16:00", "18:00", None, None],  # row 3: overlaps row 2 on Friday
        ["office", "UTC", "sat", "14:00", "10:00", None, None],  # row 4: inverted
        ["office", "UTC", None, None, None, dt.datetime(2026, 4, 6), None],  # row 5: outside the horizon
        ["other", "Mars/Base", "mon", "09:00", "10:00", None, None],  # row 6: unknown zone
    ]
    path = write_xlsx(tables(rows, clock="offices"), tmp_path / "in.xlsx")
    run = run_cli("validate", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [
        f"Error: {path}: 5 problems found",
        f"{path}, sheet 'channels', row 2, column 'clock': got 'offices'; expected blank (the wall clock) or a calendar listed in the calendars sheet (office)",
        f"{path}, sheet 'calendars', row 3, column 'open': got '16:00'; expected hours not overlapping row 2 (fri 09:00-17:00)",
        f"{path}, sheet 'calendars', row 4, column 'close': got '10:00'; expected a local time after open (14:00); 24:00 for midnight",
        f"{path}, sheet 'calendars', row 5, column 'holiday': got '2026-04-06'; expected a date within the planning horizon (2026-03-23 to 2026-03-29 in UTC)",
        f"{path}, sheet 'calendars', row 6, column 'timezone': got 'Mars/Base'; expected an IANA time zone name such as Europe/Lisbon",
    ]  # fmt: skip


@pytest.mark.parametrize("clock", [None, "office"])
def test_the_roster_plans_half_the_late_share_a_target_allows(tmp_path, clock):
    # a target of 80 % on time lets 20 % of the work be late; the roster plans 10 % late (PLANNED_LATE_SHARE
    # = 0.5): its first deadline class carries 90 % of the work, the late class 10 %, on the wall clock and on
    # a working-time clock alike. The requirements' own profile and prediction keep the target's 80 %.
    t = tables([["office", "UTC", "mon-sun", "00:00", "23:59", None, None]], clock=clock or "")
    t["channels"][1][3] = 0.8
    if clock is None:
        t["channels"][1][5] = None
        del t["calendars"]
    path = write_xlsx(t, tmp_path / "in.xlsx")
    req = compute_requirements(load_scenario(path))
    dw = req.deferred[("en", "email", "standard")]
    assert dw.share == pytest.approx(0.9)
    assert [c.work.sum() for c in dw.classes] == pytest.approx([0.9 * dw.work.sum(), 0.1 * dw.work.sum()])
    assert req.table[req.table["contacts"] > 0].iloc[0]["service_level"] == pytest.approx(0.8)


def test_the_roster_plans_the_work_within_three_quarters_of_its_window(tmp_path):
    # one hour of work arriving Friday 17:00-18:00 with one working day (480 working minutes) on the office
    # clock is due Monday 17:00; the roster plans it within 360 working minutes (PLANNED_WINDOW_SHARE = 0.75):
    # done by Monday 15:00, so nothing of it may be open at the end of Monday 14:00-15:00, all of it at the
    # end of Monday 13:00-14:00 (the hours before are closed or free). The requirements' own profile keeps the
    # target's deadline: it spreads the work over the 72 hours to Monday 17:00.
    path = write_xlsx(tables([["office", "UTC", "mon-fri", "09:00", "17:00", None, None]]), tmp_path / "in.xlsx")
    req = compute_requirements(load_scenario(path))
    first = req.deferred[("en", "email", "standard")].classes[0]
    assert first.cap[(hour(4, 17) + 69) % 168] == 0.0  # Monday 14:00-15:00
    assert first.cap[(hour(4, 17) + 68) % 168] > 0.0  # Monday 13:00-14:00
    assert (req.table["agents_on_floor"] > 0).sum() == 72
    # on the wall clock, a 480-minute window (8 hourly intervals) is planned as 6
    t = tables([["office", "UTC", "mon-fri", "09:00", "17:00", None, None]], clock="")
    t["channels"][1][5] = None
    del t["calendars"]
    wall = compute_requirements(load_scenario(write_xlsx(t, tmp_path / "wall.xlsx")))
    assert wall.deferred[("en", "email", "standard")].window == 6
