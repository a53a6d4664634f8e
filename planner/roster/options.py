"""Shift options: every (pool, template, start) the roster may use, with its coverage and cost.

A shift option is one decision of the roster model: "how many agents of pool P start
template K at this instant". For each option we compute, once and vectorised:

* its UTC start as minutes from the horizon start, from the local start time at the
  pool's site on each local date (correct across daylight-saving changes, see
  :mod:`planner.timezones`);
* its coverage: the fraction of each interval the agent is on duty. The break
  (:attr:`ShiftTemplate.break_minutes`) sits in the middle of the shift, rounded to 15 minutes. The horizon is
  cyclic (the week repeats), so a shift that starts late on the last day covers the
  first hours of the horizon;
* its cost: on-duty minutes x hourly cost (the pool's, else the site's) x (1 + night premium)
  for minutes in the site's local night window x (1 + weekend premium) for minutes on a
  local Saturday or Sunday, plus the break's minutes priced the same way x the break's paid share
  (0 for an unpaid break). Premiums multiply where they overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.domain import Horizon, Pool, Scenario, Settings, ShiftTemplate, Site
from planner.timezones import local_to_utc, offsets_by_minute, utc_to_local

DAY = 24 * 60


@dataclass(frozen=True)
class ShiftOptions:
    """All shift options of a scenario, as parallel arrays (one row per option).

    ``table`` columns: option, pool, site, template, local_start (naive local datetime),
    utc_start (aware), start_minute (from horizon start), length_minutes, paid_minutes,
    break_start, break_end (minutes after the start), break_paid_share (the paid share of the break:
    0 unpaid, 1 wholly paid), cost (per agent), local_day (int, days since the horizon's first local
    date: used for per-day limits).
    ``cover_index``/``cover_fraction``: for option i, the intervals it touches and the
    fraction of each it is on duty: row i of two (n_options x width) arrays (fraction 0 pads).
    """

    table: pd.DataFrame
    cover_index: np.ndarray
    cover_fraction: np.ndarray
    n_intervals: int

    def __len__(self) -> int:
        return len(self.table)

    def presence(self) -> np.ndarray:
        """Dense (options x intervals) on-duty fractions (for small problems and tests)."""
        out = np.zeros((len(self.table), self.n_intervals))
        rows = np.repeat(np.arange(len(self.table)), self.cover_index.shape[1])
        np.add.at(out, (rows, self.cover_index.ravel()), self.cover_fraction.ravel())
        return out


def break_window(template: ShiftTemplate) -> tuple[int, int]:
    """The break [start, end) in minutes after the shift start: mid-shift, on a 15-minute grid."""
    brk = template.break_minutes
    if brk <= 0:
        return template.length_minutes, template.length_minutes
    start = template.mid_break_start
    return start, start + brk


def rate_multipliers(site: Site, settings: Settings, horizon: Horizon, extra_minutes: int = DAY + 60) -> np.ndarray:
    """Pay multiplier for each UTC minute from the horizon start (night and weekend premiums)."""
    n = horizon.minutes + extra_minutes
    offsets = offsets_by_minute(site.timezone, horizon.start, n)
    utc_minute = np.arange(n, dtype=np.int64)
    start_epoch_min = int(horizon.start.timestamp() // 60)
    local = start_epoch_min + utc_minute + offsets  # local wall-clock minutes since 1970-01-01
    minute_of_day = local % DAY
    weekday = ((local // DAY) + 3) % 7  # 1970-01-01 was a Thursday (weekday 3); Monday = 0
    ns = settings.night_start.hour * 60 + settings.night_start.minute
    ne = settings.night_end.hour * 60 + settings.night_end.minute
    if ns == ne:
        night = np.zeros(n, dtype=bool)
    elif ns < ne:
        night = (minute_of_day >= ns) & (minute_of_day < ne)
    else:
        night = (minute_of_day >= ns) | (minute_of_day < ne)
    weekend = weekday >= 5
    return (1.0 + site.night_premium * night) * (1.0 + site.weekend_premium * weekend)


def enumerate_options(scenario: Scenario, pools: list[Pool] | None = None) -> ShiftOptions:
    """Every allowed (pool, template, start) within the horizon, with coverage and cost."""
    horizon = scenario.horizon
    pools = list(scenario.pools.values()) if pools is None else pools
    records: list[tuple[object, ...]] = []
    site_starts: dict[tuple[str, str], list[tuple[dt.datetime, dt.datetime, int, int]]] = {}
    h0 = horizon.start
    h1 = horizon.end
    for pool in pools:
        site = scenario.sites[pool.site]
        first_local_day = utc_to_local(site.timezone, h0).date()
        for template in scenario.shifts:
            if not template.allowed_at(site.name):
                continue
            key = (site.name, template.name)
            if key not in site_starts:
                site_starts[key] = _starts(site, template, horizon, first_local_day, h0, h1)
            for local_start, utc_start, start_minute, local_day in site_starts[key]:
                records.append((pool.name, site.name, template.name, local_start, utc_start, start_minute, local_day))
    table = pd.DataFrame(
        records, columns=["pool", "site", "template", "local_start", "utc_start", "start_minute", "local_day"]
    )
    templates = {t.name: t for t in scenario.shifts}
    if table.empty:
        for col in ("length_minutes", "paid_minutes", "break_start", "break_end"):
            table[col] = pd.Series(dtype="int64")
        table["break_paid_share"] = pd.Series(dtype=float)
        table["cost"] = pd.Series(dtype=float)
        table.insert(0, "option", pd.Series(dtype="int64"))
        return ShiftOptions(table, np.zeros((0, 1), dtype=np.int64), np.zeros((0, 1)), horizon.n_intervals)
    table["length_minutes"] = table["template"].map(lambda k: templates[k].length_minutes).astype("int64")
    table["paid_minutes"] = table["template"].map(lambda k: templates[k].paid_minutes).astype("int64")
    brk = table["template"].map(lambda k: break_window(templates[k]))
    table["break_start"] = brk.map(lambda b: b[0]).astype("int64")
    table["break_end"] = brk.map(lambda b: b[1]).astype("int64")
    table["break_paid_share"] = table["template"].map(lambda k: templates[k].break_paid_share).astype(float)
    table = table.sort_values(["pool", "template", "start_minute"], kind="mergesort").reset_index(drop=True)
    table.insert(0, "option", np.arange(len(table), dtype=np.int64))

    # cost, per site, from cumulative pay multipliers
    cost = np.zeros(len(table))
    for site_name, idx in table.groupby("site").groups.items():
        site = scenario.sites[str(site_name)]
        cum = np.concatenate([[0.0], np.cumsum(rate_multipliers(site, scenario.settings, horizon))])
        sub = table.loc[idx]
        m0 = sub["start_minute"].to_numpy()
        b0, b1 = m0 + sub["break_start"].to_numpy(), m0 + sub["break_end"].to_numpy()
        on_duty = (cum[b0] - cum[m0]) + (cum[m0 + sub["length_minutes"].to_numpy()] - cum[b1])
        paid = on_duty + sub["break_paid_share"].to_numpy() * (cum[b1] - cum[b0])
        cost[np.asarray(idx)] = paid / 60.0
    rates = table["pool"].map(lambda p: scenario.pool_hourly_cost(scenario.pools[p])).to_numpy(dtype=float)
    table["cost"] = cost * rates

    cover_index, cover_fraction = coverage_arrays(
        table["start_minute"].to_numpy(),
        table["length_minutes"].to_numpy(),
        table["break_start"].to_numpy(),
        table["break_end"].to_numpy(),
        horizon,
    )
    return ShiftOptions(table, cover_index, cover_fraction, horizon.n_intervals)


def _starts(
    site: Site, template: ShiftTemplate, horizon: Horizon, first_local_day: dt.date, h0: dt.datetime, h1: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime, int, int]]:
    step = template.start_step_minutes or horizon.interval_minutes
    offsets = template.start_offsets(step)
    out: list[tuple[dt.datetime, dt.datetime, int, int]] = []
    seen: set[int] = set()
    days = horizon.weeks * 7 + 2
    for d in range(-1, days):
        date = first_local_day + dt.timedelta(days=d)
        midnight = dt.datetime(date.year, date.month, date.day)
        for off in offsets:
            local = midnight + dt.timedelta(minutes=off)
            utc = local_to_utc(site.timezone, local)
            if utc is None or not (h0 <= utc < h1):
                continue
            minute = int((utc - h0).total_seconds() // 60)
            if minute in seen:
                continue
            seen.add(minute)
            local_day = (local.date() - first_local_day).days
            out.append((local, utc, minute, local_day))
    return out


def coverage_arrays(
    start: np.ndarray,
    length: np.ndarray,
    break_start: np.ndarray,
    break_end: np.ndarray,
    horizon: Horizon,
    width: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Fraction of each interval on duty, for shifts [start, start+length) minus the break.

    Returns (index, fraction) arrays of shape (n, width); indices wrap around the cyclic horizon. ``width``
    (default: enough for the longest shift) lets a subset of shifts match the options' arrays.
    """
    step = horizon.interval_minutes
    n_int = horizon.n_intervals
    if width is None:
        width = int(np.max(length, initial=0) // step + 2) if len(start) else 1
    first = start // step
    k = np.arange(width)
    j = first[:, None] + k[None, :]  # unwrapped interval numbers
    lo = j * step
    hi = lo + step

    def overlap(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.clip(np.minimum(hi, b[:, None]) - np.maximum(lo, a[:, None]), 0, None)

    on = overlap(start, start + break_start) + overlap(start + break_end, start + length)
    return (j % n_int).astype(np.int64), on / step


def interval_costs(
    options: ShiftOptions,
    scenario: Scenario,
    chosen: np.ndarray,
    break_start: np.ndarray | None = None,
    break_end: np.ndarray | None = None,
) -> np.ndarray:
    """Cost per agent of option ``chosen[i]`` falling in each interval it touches (row i has the shape and
    order of the option's row of the cover arrays): its on-duty minutes, and its break's minutes at the
    break's paid share, each at its rate with premiums. The break lies ``break_start``..``break_end``
    minutes after the start, per row (default: the options' mid-shift break)."""
    horizon = scenario.horizon
    tab = options.table.iloc[chosen].copy()
    if break_start is not None and break_end is not None:
        tab["break_start"], tab["break_end"] = break_start, break_end
    out = np.zeros((len(tab), options.cover_index.shape[1]))
    step = horizon.interval_minutes
    for site_name, pos in tab.reset_index(drop=True).groupby("site").groups.items():
        site = scenario.sites[str(site_name)]
        mult = rate_multipliers(site, scenario.settings, horizon)
        cum = np.concatenate([[0.0], np.cumsum(mult)])
        sub = tab.iloc[np.asarray(pos)]
        m0 = sub["start_minute"].to_numpy()
        first = m0 // step
        k = np.arange(out.shape[1])
        lo = (first[:, None] + k[None, :]) * step
        hi = lo + step

        def paid(
            a: np.ndarray, b: np.ndarray, lo: np.ndarray = lo, hi: np.ndarray = hi, cum: np.ndarray = cum
        ) -> np.ndarray:
            x0 = np.clip(np.maximum(lo, a[:, None]), 0, len(cum) - 1)
            x1 = np.clip(np.minimum(hi, b[:, None]), 0, len(cum) - 1)
            return np.where(x1 > x0, cum[x1] - cum[np.minimum(x0, x1)], 0.0)

        bs, be, ln = (sub[c].to_numpy() for c in ("break_start", "break_end", "length_minutes"))
        share = sub["break_paid_share"].to_numpy()
        minutes = paid(m0, m0 + bs) + paid(m0 + be, m0 + ln) + share[:, None] * paid(m0 + bs, m0 + be)
        rates = sub["pool"].map(lambda p: scenario.pool_hourly_cost(scenario.pools[p])).to_numpy(dtype=float)
        out[np.asarray(pos)] = minutes / 60.0 * rates[:, None]
    return out


def coverable_intervals(options: ShiftOptions, pool_names: list[str]) -> np.ndarray:
    """Boolean per interval: can any of these pools be on duty then (under the shift windows)?"""
    out = np.zeros(options.n_intervals, dtype=bool)
    mask = options.table["pool"].isin(pool_names).to_numpy()
    if not mask.any():
        return out
    idx = options.cover_index[mask]
    frac = options.cover_fraction[mask]
    out[idx[frac > 0]] = True
    return out
