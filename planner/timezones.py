"""Local clock time at sites versus UTC demand, across daylight-saving changes.

Conventions (documented in the README):

* Demand intervals are UTC. Shift windows are local clock times at the pool's site.
* A shift starts at its local clock time on each local date and lasts its length in real
  (elapsed) hours, so on the night clocks change a shift's local end time moves by the
  change, not its length.
* A local start time that does not exist (clocks go forward past it) is skipped that day;
  an ambiguous one (clocks go back) takes its first occurrence.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

UTC = dt.UTC


@lru_cache(maxsize=256)
def zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def offset_minutes(tz: str, when_utc: dt.datetime) -> int:
    """UTC offset of the zone at a UTC instant, in minutes."""
    off = when_utc.astimezone(zone(tz)).utcoffset()
    assert off is not None
    return int(off.total_seconds() // 60)


@dataclass(frozen=True)
class Transition:
    """A change of a zone's UTC offset (daylight saving starts or ends)."""

    at_utc: dt.datetime
    offset_before: int  # minutes
    offset_after: int  # minutes

    @property
    def local_before(self) -> dt.datetime:
        return (self.at_utc + dt.timedelta(minutes=self.offset_before)).replace(tzinfo=None)

    @property
    def local_after(self) -> dt.datetime:
        return (self.at_utc + dt.timedelta(minutes=self.offset_after)).replace(tzinfo=None)

    def describe(self) -> str:
        direction = "forward" if self.offset_after > self.offset_before else "back"
        return (
            f"{self.at_utc:%Y-%m-%d %H:%M} UTC: clocks go {direction} "
            f"{self.local_before:%H:%M} -> {self.local_after:%H:%M} local "
            f"(UTC{_fmt_offset(self.offset_before)} -> UTC{_fmt_offset(self.offset_after)})"
        )


def _fmt_offset(minutes: int) -> str:
    sign = "+" if minutes >= 0 else "-"
    m = abs(minutes)
    return f"{sign}{m // 60:02d}:{m % 60:02d}"


def format_offset(minutes: int) -> str:
    return "UTC" + _fmt_offset(minutes)


def transitions(tz: str, start_utc: dt.datetime, end_utc: dt.datetime) -> list[Transition]:
    """Offset changes in [start, end), located to the minute (scan by 15 minutes, then bisect)."""
    out: list[Transition] = []
    step = dt.timedelta(minutes=15)
    t = start_utc
    prev = offset_minutes(tz, t)
    while t < end_utc:
        nxt = min(t + step, end_utc)
        cur = offset_minutes(tz, nxt)
        if cur != prev:
            lo, hi = t, nxt  # offset(lo) == prev, offset(hi) == cur
            while hi - lo > dt.timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    break
                if offset_minutes(tz, mid) == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(Transition(hi, prev, cur))
            prev = cur
        t = nxt
    return [tr for tr in out if start_utc <= tr.at_utc < end_utc]


def offsets_by_minute(tz: str, start_utc: dt.datetime, n_minutes: int) -> np.ndarray:
    """UTC offset (minutes) of the zone for each minute from ``start_utc``; vectorised."""
    base = offset_minutes(tz, start_utc)
    out = np.full(n_minutes, base, dtype=np.int64)
    for tr in transitions(tz, start_utc, start_utc + dt.timedelta(minutes=n_minutes)):
        i = int((tr.at_utc - start_utc).total_seconds() // 60)
        out[i:] = tr.offset_after
    return out


def local_to_utc(tz: str, local: dt.datetime) -> dt.datetime | None:
    """A naive local wall-clock time as an aware UTC datetime; None if it does not exist."""
    aware = local.replace(tzinfo=zone(tz), fold=0)
    utc = aware.astimezone(UTC)
    back = utc.astimezone(zone(tz)).replace(tzinfo=None)
    if back != local:
        return None  # skipped by a forward change
    return utc


def utc_to_local(tz: str, when_utc: dt.datetime) -> dt.datetime:
    return when_utc.astimezone(zone(tz)).replace(tzinfo=None)
