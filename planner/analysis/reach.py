"""Reach: which queue-intervals some pool can cover under the shift windows (one home, used by `validate`
and by the roster's gap reasons), and the `planner validate` summary.

The summary names the horizon and interval length, the contacts per language, channel and
tier, each site's local time at the start of the horizon and any daylight-saving change in
it, the pools, and per language the time-zone gaps: hours with demand that no pool can
cover under the shift windows at the sites.

A live queue (chat, phone) is coverable in an interval when some pool that speaks the
language and works the channel can be on duty in it. A deferrable queue (email, social)
is coverable when such a pool can be on duty at some point within the response window
that starts at the interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.domain import Scenario, resolve_target
from planner.roster.options import ShiftOptions, coverable_intervals, enumerate_options
from planner.timezones import format_offset, offset_minutes, transitions, utc_to_local

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class SiteSummary:
    site: str
    timezone: str
    local_start: dt.datetime
    utc_offset: str
    dst_changes: tuple[str, ...]
    hourly_cost: float


@dataclass(frozen=True)
class GapSummary:
    """Hours of one language's demand that no pool can ever cover."""

    language: str
    intervals: tuple[int, ...]
    hours: float
    contacts: float
    ranges: tuple[str, ...]
    channels: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class ValidationSummary:
    source: str
    interval_minutes: int
    weeks: int
    start_utc: dt.datetime
    end_utc: dt.datetime
    demand_rows: int
    contacts: pd.DataFrame  # language, channel, tier, contacts
    sites: tuple[SiteSummary, ...]
    pools: tuple[dict[str, Any], ...]
    shift_templates: tuple[str, ...]
    shift_options: int
    coverage_sites: dict[str, tuple[str, ...]]
    gaps: tuple[GapSummary, ...]
    single_site_hours: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = field(default_factory=dict)
    warnings: tuple[str, ...] = field(default=())
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "interval_minutes": self.interval_minutes,
            "weeks": self.weeks,
            "start_utc": self.start_utc.isoformat(),
            "end_utc": self.end_utc.isoformat(),
            "demand_rows": self.demand_rows,
            "total_contacts": round(float(self.contacts["contacts"].sum()), 3),
            "contacts": [
                {"language": r.language, "channel": r.channel, "tier": r.tier, "contacts": round(float(r.contacts), 3)}
                for r in self.contacts.itertuples(index=False)
            ],
            "sites": [
                {
                    "site": s.site,
                    "timezone": s.timezone,
                    "local_time_at_start": s.local_start.isoformat(sep=" ", timespec="minutes"),
                    "utc_offset_at_start": s.utc_offset,
                    "dst_changes": list(s.dst_changes),
                    "hourly_cost": s.hourly_cost,
                }
                for s in self.sites
            ],
            "pools": list(self.pools),
            "shift_templates": list(self.shift_templates),
            "shift_options": self.shift_options,
            "languages": {
                lang: {
                    "coverable_from_sites": list(sites),
                    "hours_only_one_site_can_cover": {
                        site: {"hours": hours, "ranges_utc": list(ranges)}
                        for site, (hours, ranges) in self.single_site_hours.get(lang, {}).items()
                    },
                }
                for lang, sites in self.coverage_sites.items()
            },
            "time_zone_gaps": [
                {
                    "language": g.language,
                    "hours": g.hours,
                    "contacts": round(g.contacts, 3),
                    "ranges_utc": list(g.ranges),
                    "channels": list(g.channels),
                    "reason": g.reason,
                }
                for g in self.gaps
            ],
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }


def summarize(scenario: Scenario, options: ShiftOptions | None = None) -> ValidationSummary:
    """Build the validation summary of a loaded scenario."""
    h = scenario.horizon
    demand = scenario.demand
    contacts = demand.groupby(["language", "channel", "tier"], sort=True)["contacts"].sum().reset_index()
    sites = []
    for site in scenario.sites.values():
        local = utc_to_local(site.timezone, h.start)
        changes = tuple(t.describe() for t in transitions(site.timezone, h.start, h.end))
        sites.append(
            SiteSummary(
                site.name,
                site.timezone,
                local,
                format_offset(offset_minutes(site.timezone, h.start)),
                changes,
                site.hourly_cost,
            )
        )
    pools = tuple(
        {
            "pool": p.name,
            "site": p.site,
            "languages": list(p.languages),
            "channels": "all" if p.channels is None else list(p.channels),
            "available": p.available,
            "hourly_cost": scenario.pool_hourly_cost(p),
        }
        for p in scenario.pools.values()
    )
    options = options if options is not None else enumerate_options(scenario)
    gaps, coverage_sites = find_gaps(scenario, options)
    single = single_site_hours(scenario, options)
    return ValidationSummary(
        source=scenario.source,
        interval_minutes=h.interval_minutes,
        weeks=h.weeks,
        start_utc=h.start,
        end_utc=h.end,
        demand_rows=len(demand),
        contacts=contacts,
        sites=tuple(sites),
        pools=pools,
        shift_templates=tuple(t.name for t in scenario.shifts),
        shift_options=len(options),
        coverage_sites=coverage_sites,
        gaps=gaps,
        single_site_hours=single,
        warnings=scenario.warnings,
        notes=scenario.notes,
    )


def on_duty_within(on_duty: np.ndarray, window: int) -> np.ndarray:
    """Per interval t: is any interval of the cyclic span [t, t + window) on duty?"""
    n = len(on_duty)
    window = min(max(1, window), n)
    if window == 1:
        return on_duty
    ext = np.concatenate([on_duty, on_duty[: window - 1]])
    csum = np.concatenate([[0], np.cumsum(ext)])
    t = np.arange(n)
    return np.asarray((csum[t + window] - csum[t]) > 0)


def coverable(scenario: Scenario, options: ShiftOptions, language: str, channel: str, window: int = 1) -> np.ndarray:
    """Per interval: can a pool that speaks ``language`` and works ``channel`` be on duty within ``window``
    intervals from it (live queues: window 1; deferrable ones: the response window)?"""
    serving = [p.name for p in scenario.pools.values() if p.serves(language, channel)]
    return on_duty_within(coverable_intervals(options, serving), window)


def unservable_reason(scenario: Scenario, language: str, channels: tuple[str, ...]) -> str | None:
    """Why no pool can ever serve ``language`` on any of ``channels``, or None when some pool can."""
    if not any(language in p.languages for p in scenario.pools.values()):
        return f"no pool speaks '{language}'"
    if all(not any(p.serves(language, c) for p in scenario.pools.values()) for c in channels):
        return f"no pool that speaks '{language}' works {', '.join(channels)}"
    return None


def queue_coverable(scenario: Scenario, options: ShiftOptions) -> dict[tuple[str, str, str], np.ndarray]:
    """Per (language, channel, tier) with demand: which intervals could ever be served.

    Live queues need a serving pool on duty in the interval itself; deferrable queues need
    one somewhere in the response window that starts at the interval.
    """
    h = scenario.horizon
    out: dict[tuple[str, str, str], np.ndarray] = {}
    for (lang, chan, tier), _ in scenario.demand.groupby(["language", "channel", "tier"], sort=True):
        lang, chan, tier = str(lang), str(chan), str(tier)
        channel = scenario.channels[chan]
        window = 1
        if channel.deferrable:
            target, _ = resolve_target(channel, scenario.targets, lang, tier)
            window = int(np.ceil(target / h.interval_minutes))
        out[(lang, chan, tier)] = coverable(scenario, options, lang, chan, window)
    return out


def find_gaps(scenario: Scenario, options: ShiftOptions) -> tuple[tuple[GapSummary, ...], dict[str, tuple[str, ...]]]:
    h = scenario.horizon
    demand = scenario.demand[scenario.demand["contacts"] > 0]
    coverable = queue_coverable(scenario, options)
    gaps = []
    coverage_sites: dict[str, tuple[str, ...]] = {}
    for lang in sorted(scenario.demand["language"].unique()):
        sites = sorted({p.site for p in scenario.pools.values() if lang in p.languages})
        coverage_sites[str(lang)] = tuple(sites)
        rows = demand[demand["language"] == lang]
        if rows.empty:
            continue
        ok = np.array(
            [coverable[(r.language, r.channel, r.tier)][r.interval] for r in rows.itertuples(index=False)], dtype=bool
        )
        bad = rows[~ok]
        if bad.empty:
            continue
        intervals = tuple(sorted(int(i) for i in bad["interval"].unique()))
        chans = tuple(sorted(bad["channel"].unique()))
        reason = unservable_reason(scenario, str(lang), chans) or (
            "outside every shift window of the pools that speak it (sites: " + ", ".join(sites) + ")"
        )
        gaps.append(
            GapSummary(
                language=str(lang),
                intervals=intervals,
                hours=len(intervals) * h.interval_hours,
                contacts=float(bad["contacts"].sum()),
                ranges=tuple(interval_ranges(intervals, scenario)),
                channels=chans,
                reason=reason,
            )
        )
    return tuple(gaps), coverage_sites


def single_site_hours(scenario: Scenario, options: ShiftOptions) -> dict[str, dict[str, tuple[float, tuple[str, ...]]]]:
    """Per language, the hours with live demand that only one site's pools can cover.

    These are the hours a site's shift windows leave to another site (for instance
    Japanese support outside Tokyo's day): covered, but only from there, at its price.
    Languages spoken at a single site are left out (every hour is theirs).
    """
    h = scenario.horizon
    out: dict[str, dict[str, tuple[float, tuple[str, ...]]]] = {}
    live = {c.name for c in scenario.channels.values() if not c.deferrable}
    demand = scenario.demand[(scenario.demand["contacts"] > 0) & scenario.demand["channel"].isin(list(live))]
    for lang, rows in demand.groupby("language", sort=True):
        sites = sorted({p.site for p in scenario.pools.values() if lang in p.languages})
        if len(sites) < 2:
            continue
        wanted = np.zeros(h.n_intervals, dtype=bool)
        wanted[rows["interval"].to_numpy()] = True
        by_site = {
            site: coverable_intervals(
                options, [p.name for p in scenario.pools.values() if p.site == site and lang in p.languages]
            )
            for site in sites
        }
        count = np.sum([by_site[s] for s in sites], axis=0)
        result: dict[str, tuple[float, tuple[str, ...]]] = {}
        for site in sites:
            only = np.flatnonzero(wanted & by_site[site] & (count == 1))
            if 0 < len(only) < wanted.sum():
                result[site] = (len(only) * h.interval_hours, tuple(interval_ranges([int(i) for i in only], scenario)))
        if result:
            out[str(lang)] = result
    return out


def interval_ranges(intervals: tuple[int, ...] | list[int], scenario: Scenario) -> list[str]:
    """Compress interval indices into 'Mon 15:00-18:00' UTC ranges."""
    h = scenario.horizon
    out: list[str] = []
    if not intervals:
        return out
    runs: list[list[int]] = [[intervals[0], intervals[0]]]
    for i in intervals[1:]:
        if i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    for a, b in runs:
        start = h.interval_start(a)
        end = h.interval_start(b + 1)
        out.append(f"{WEEKDAYS[start.weekday()]} {start:%m-%d %H:%M}-{WEEKDAYS[end.weekday()]} {end:%m-%d %H:%M}")
    return out


def render(summary: ValidationSummary) -> str:
    """The human-readable summary printed by `planner validate`."""
    lines = []
    s = summary
    lines.append(f"{s.source}: valid")
    lines.append(
        f"Horizon: {s.start_utc:%a %Y-%m-%d %H:%M} to {s.end_utc:%a %Y-%m-%d %H:%M} UTC "
        f"({s.weeks} week{'s' if s.weeks != 1 else ''}), {s.interval_minutes}-minute intervals, "
        f"{s.demand_rows} demand rows"
    )
    lines.append("")
    lines.append(f"Contacts per language, channel and tier (total {s.contacts['contacts'].sum():,.0f}):")
    pivot = s.contacts.pivot_table(
        index="language", columns=["channel", "tier"], values="contacts", aggfunc="sum", fill_value=0
    )
    pivot.columns = [f"{c[0]}/{c[1]}" for c in pivot.columns]
    pivot["total"] = pivot.sum(axis=1)
    pivot.index.name = None
    lines.extend("  " + line for line in pivot.round(0).astype(int).to_string().splitlines())
    lines.append("")
    lines.append("Sites (local time at the start of the horizon):")
    for site in s.sites:
        dst = "; ".join(site.dst_changes) if site.dst_changes else "no daylight-saving change"
        lines.append(
            f"  {site.site:<14} {site.timezone:<22} {site.local_start:%a %Y-%m-%d %H:%M} ({site.utc_offset}); {dst}"
        )
    lines.append("")
    lines.append(f"Pools ({len(s.pools)}):")
    for p in s.pools:
        chans = p["channels"] if p["channels"] == "all" else ", ".join(p["channels"])
        avail = "hire as needed" if p["available"] is None else f"{p['available']} people"
        lines.append(
            f"  {p['pool']:<18} {p['site']:<14} languages {', '.join(p['languages']):<12} channels {chans:<22} {avail}"
        )
    lines.append(f"Shift templates: {', '.join(s.shift_templates)} ({s.shift_options} possible shift starts)")
    lines.append("")
    if s.gaps:
        lines.append("Time-zone gaps (hours with demand that no pool can ever cover under the shift windows):")
        for g in s.gaps:
            lines.append(
                f"  {g.language}: {g.hours:g} h, {g.contacts:,.0f} contacts ({', '.join(g.channels)}): {g.reason}"
            )
            for r in g.ranges:
                lines.append(f"      {r} UTC")
    else:
        lines.append("Time-zone gaps: none - every language's demand can be covered at every hour by some pool.")
    for lang, sites in s.coverage_sites.items():
        if len(sites) == 1:
            lines.append(f"  note: '{lang}' is spoken at one site only ({sites[0]})")
    if s.single_site_hours:
        lines.append("")
        lines.append("Hours with live demand that only one site can cover (the other sites' shift windows leave them):")
        for lang, per_site in s.single_site_hours.items():
            for site_name, (hours, ranges) in per_site.items():
                shown = ", ".join(ranges[:4]) + (f" ... ({len(ranges)} ranges)" if len(ranges) > 4 else "")
                lines.append(f"  {lang}: {hours:g} h only from {site_name}: {shown} UTC")
    for w in s.warnings:
        lines.append(f"warning: {w}")
    for n in s.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines)
