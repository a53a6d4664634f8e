"""Working-time clocks: which minutes of the (cyclic) horizon a calendar counts, deadlines in
working time, holiday targets and holiday demand factors per interval.

A calendar's business hours are local times per weekday in its time zone (daylight saving
handled by ``zoneinfo``); a holiday closes its local date. A calendar without business hours
counts every minute. The horizon repeats, so the minutes are built for three copies of it (the
previous, this and the next week, holidays repeating with it) and a deadline past the horizon's
end lands in the next copy.

An arrival at minute ``a`` with a target of ``T`` working minutes is due at the first minute
``d`` at which the calendar has counted ``T`` working minutes since ``a``: with office hours
09:00-17:00 on weekdays, a contact arriving on Friday at 17:00 with a target of one working day
(480 minutes) is due on Monday at 17:00. Contacts arriving on a holiday get the holiday target.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import numpy as np

from planner.domain import Calendar, Horizon

COPIES = 3  # the horizon before, the horizon, the horizon after


def _local_days(calendar: Calendar, horizon: Horizon) -> list[dt.date]:
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    first = (horizon.start - dt.timedelta(weeks=horizon.weeks) - dt.timedelta(days=1)).astimezone(zone).date()
    days = (COPIES * horizon.weeks * 7) + 3
    return [first + dt.timedelta(days=k) for k in range(days)]


def _holiday_dates(calendar: Calendar, horizon: Horizon) -> set[dt.date]:
    """The holidays, repeated in the copies of the horizon before and after."""
    shift = dt.timedelta(weeks=horizon.weeks)
    return {d + k * shift for d in calendar.holidays for k in (-1, 0, 1)}


def _minute_of(moment: dt.datetime, origin: dt.datetime) -> int:
    return int((moment - origin).total_seconds() // 60)


def working_minutes(calendar: Calendar, horizon: Horizon) -> np.ndarray:
    """Whether each minute of the three copies of the horizon (from one horizon before its start) is working time."""
    total = COPIES * horizon.minutes
    if not calendar.hours:
        out = np.ones(total, dtype=bool)
        return out
    out = np.zeros(total, dtype=bool)
    origin = horizon.start - dt.timedelta(weeks=horizon.weeks)
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    holidays = _holiday_dates(calendar, horizon)
    for day in _local_days(calendar, horizon):
        if day in holidays:
            continue
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        for weekday, start, end in calendar.hours:
            if weekday != day.weekday():
                continue
            a = _minute_of(midnight + dt.timedelta(minutes=start), origin)
            b = _minute_of(midnight + dt.timedelta(minutes=end), origin)
            out[max(a, 0) : max(min(b, total), 0)] = True
    return out


def holiday_minutes(calendar: Calendar, horizon: Horizon) -> np.ndarray:
    """Whether each minute of the horizon (one copy) falls on a local holiday date."""
    out = np.zeros(horizon.minutes, dtype=bool)
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    for day in calendar.holidays:
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        a = _minute_of(midnight, horizon.start)
        b = _minute_of(midnight + dt.timedelta(days=1), horizon.start)
        out[max(a, 0) : max(min(b, horizon.minutes), 0)] = True
    return out


def due_minutes(calendar: Calendar, horizon: Horizon, target: float, holiday_target: float | None) -> np.ndarray:
    """For an arrival at each interval boundary ``0..n`` of the horizon: the minutes until it is due.

    The boundary ``n`` (the horizon's end) is the start of the next copy, with the same clock as ``0``.
    """
    work = working_minutes(calendar, horizon)
    counted = np.concatenate([[0], np.cumsum(work)])  # working minutes before each minute
    m = horizon.minutes
    arrivals = np.arange(horizon.n_intervals + 1) * horizon.interval_minutes
    holiday = np.append(holiday_minutes(calendar, horizon), False)[np.minimum(arrivals, m)]
    holiday[-1] = holiday[0]
    targets = np.where(holiday & (holiday_target is not None), holiday_target or target, target)
    start = arrivals + m  # in the middle copy
    goal = counted[start] + targets
    due = np.searchsorted(counted, goal - 1e-9, side="left")
    due = np.where(goal > counted[-1], COPIES * m + (goal - counted[-1]), due)  # past the last copy: wall clock
    return (due - start).astype(float)


def demand_factors(calendar: Calendar, horizon: Horizon) -> np.ndarray:
    """The holiday demand factor of each interval (by the local date of its start), 1 elsewhere."""
    out = np.ones(horizon.n_intervals)
    zone = zoneinfo.ZoneInfo(calendar.timezone)
    for day, factor in calendar.demand_factors:
        midnight = dt.datetime(day.year, day.month, day.day, tzinfo=zone)
        a = _minute_of(midnight, horizon.start)
        b = _minute_of(midnight + dt.timedelta(days=1), horizon.start)
        starts = np.arange(horizon.n_intervals) * horizon.interval_minutes
        out[(starts >= a) & (starts < b)] = factor
    return out
