"""The typed outcome of one scenario's solve, and the side-by-side table of a sweep."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.roster.plan import RosterResult
from planner.scenarios.apply import AppliedScenario, Opening

WITHIN_TOLERANCE = "within solver tolerance"


@dataclass(frozen=True)
class OpenedCapacity:
    """What covering a language around the clock took at one site."""

    language: str
    site: str
    hires: int
    shifts_per_week: float
    weekly_cost: float
    local_starts: str  # e.g. "00:00-07:00, 22:00"
    new_window_shifts_per_week: float = 0.0  # of which start where the site's templates did not allow
    new_window_starts: str = ""

    def describe(self, currency: str) -> str:
        if self.hires == 0:
            return f"{self.language} at {self.site}: nothing needed"
        hire = "hire" if self.hires == 1 else "hires"
        opened = (
            f"; {self.new_window_shifts_per_week:g} of them in windows opened at {self.new_window_starts}"
            if self.new_window_shifts_per_week
            else "; none outside the site's windows"
        )
        return (
            f"{self.language} at {self.site}: {self.hires} {hire} speaking only {self.language}, "
            f"{self.shifts_per_week:g} shift{'' if self.shifts_per_week == 1 else 's'}/week starting "
            f"{self.local_starts} local{opened}, "
            f"paid {self.weekly_cost:,.0f} {currency}/week"
        )


@dataclass(frozen=True)
class ScenarioOutcome:
    """One scenario's roster in figures (small and picklable: it travels back from worker processes)."""

    name: str
    description: str
    currency: str
    weekly_cost: float
    annual_cost: float
    headcount: int
    headcount_by_site: tuple[tuple[str, int], ...]
    cost_per_contact: tuple[tuple[str, float], ...]  # per channel
    service_level: tuple[tuple[str, float], ...]  # per live channel, contact-weighted
    shortfall_agent_hours: float
    solver_status: str
    mip_gap: float
    gap_per_week: float  # objective minus best bound, per week (money)
    seconds: float
    opened: tuple[OpenedCapacity, ...] = ()
    roster_path: str | None = None
    shortfall_by_language: tuple[tuple[str, float], ...] = ()  # agent-hours per week


def channel_figures(result: RosterResult) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """(cost per contact, contact-weighted service level of live channels), per channel."""
    weeks = result.scenario.horizon.weeks
    contacts = result.scenario.demand.groupby("channel")["contacts"].sum() / weeks
    cost = result.cost.groupby("channel")["weekly_cost"].sum() if len(result.cost) else pd.Series(dtype=float)
    per_contact = tuple((str(ch), round(float(cost.get(ch, 0.0)) / float(n), 4)) for ch, n in contacts.items() if n > 0)
    cov = result.coverage
    live = cov[(cov["kind"] == "live") & (cov["contacts"] > 0) & cov["service_level"].notna()]
    levels = tuple(
        (str(ch), round(float(np.average(g["service_level"], weights=g["contacts"])), 4))
        for ch, g in live.groupby("channel", sort=True)
    )
    return per_contact, levels


def opened_capacity(result: RosterResult, openings: tuple[Opening, ...]) -> tuple[OpenedCapacity, ...]:
    """The hires, shifts and start times the round-the-clock pools took."""
    weeks = result.scenario.horizon.weeks
    out = []
    heads = dict(result.summary.headcount_by_pool)
    for o in openings:
        rows = result.shifts[result.shifts["pool"] == o.pool]
        starts = sorted(set(rows["local_start"].astype(str)))
        minutes = rows["local_start"].astype(str).map(_minute)
        new = rows[[o.is_new_start(t, m) for t, m in zip(rows["shift"], minutes, strict=True)]]
        out.append(
            OpenedCapacity(
                language=o.language,
                site=o.site,
                hires=int(heads.get(o.pool, 0)),
                shifts_per_week=round(float(rows["agents"].sum()) / weeks, 2),
                weekly_cost=round(float(rows["cost"].sum()) / weeks, 2),
                local_starts=_ranges(starts),
                new_window_shifts_per_week=round(float(new["agents"].sum()) / weeks, 2),
                new_window_starts=_ranges(sorted(set(new["local_start"].astype(str)))),
            )
        )
    return tuple(out)


def _minute(clock: str) -> int:
    """'HH:MM' (possibly followed by more text) -> minutes after midnight."""
    return int(clock[:2]) * 60 + int(clock[3:5])


def _ranges(starts: list[str]) -> str:
    """'00:00, 01:00, 02:00, 05:00' -> '00:00-02:00, 05:00' (hourly runs)."""
    minutes = sorted({int(s[:2]) * 60 + int(s[3:5]) for s in starts if len(s) >= 5 and s[2] == ":"})
    parts: list[str] = []
    i = 0
    while i < len(minutes):
        j = i
        while j + 1 < len(minutes) and minutes[j + 1] - minutes[j] <= 60:
            j += 1
        a, b = minutes[i], minutes[j]
        parts.append(f"{a // 60:02d}:{a % 60:02d}" + (f"-{b // 60:02d}:{b % 60:02d}" if b != a else ""))
        i = j + 1
    return ", ".join(parts)


@dataclass(frozen=True)
class SweepResult:
    """Every scenario's outcome, the base first."""

    outcomes: tuple[ScenarioOutcome, ...]
    weeks_per_year: float

    @property
    def base(self) -> ScenarioOutcome:
        return self.outcomes[0]

    def table(self) -> pd.DataFrame:
        """One row per scenario: cost, difference to the base, headcount by site, cost per contact and
        service level by channel, shortfall, solver gap. Columns in a fixed order."""
        base = self.base
        sites = sorted({s for o in self.outcomes for s, _ in o.headcount_by_site})
        channels = sorted({c for o in self.outcomes for c, _ in o.cost_per_contact})
        live = sorted({c for o in self.outcomes for c, _ in o.service_level})
        rows = []
        for o in self.outcomes:
            diff = o.weekly_cost - base.weekly_cost
            tolerance = o.gap_per_week + base.gap_per_week
            row: dict[str, object] = {
                "scenario": o.name,
                "changes": o.description,
                "weekly_cost": o.weekly_cost,
                "annual_cost": o.annual_cost,
                "vs_base_weekly": round(diff, 2),
                "vs_base_annual": round(diff * self.weeks_per_year, 2),
                "vs_base_pct": round(100.0 * diff / base.weekly_cost, 2) if base.weekly_cost else None,
                "note": _note(o, base, diff, tolerance),
                "headcount": o.headcount,
            }
            heads = dict(o.headcount_by_site)
            row.update({f"headcount {s}": heads.get(s, 0) for s in sites})
            cpc = dict(o.cost_per_contact)
            row.update({f"cost_per_contact {c}": cpc.get(c) for c in channels})
            sl = dict(o.service_level)
            row.update({f"service_level {c}": sl.get(c) for c in live})
            row.update(
                {
                    "shortfall_agent_hours": o.shortfall_agent_hours,
                    "solver_status": o.solver_status,
                    "mip_gap": o.mip_gap,
                    "solver_gap_per_week": round(o.gap_per_week, 2),
                    "opened": "; ".join(x.describe(o.currency) for x in o.opened),
                }
            )
            rows.append(row)
        return pd.DataFrame(rows)


def _note(o: ScenarioOutcome, base: ScenarioOutcome, diff: float, tolerance: float) -> str:
    """'within solver tolerance' and/or the shortfall the scenario adds: a cheaper roster that leaves
    more demand uncovered is not a saving."""
    if o is base:
        return ""
    notes = [WITHIN_TOLERANCE] if abs(diff) < tolerance else []
    more = o.shortfall_agent_hours - base.shortfall_agent_hours
    if more > 1.0:
        notes.append(f"{more:,.0f} more agent-hours short")
    return "; ".join(notes)


def outcome_of(
    applied: AppliedScenario, result: RosterResult, seconds: float, roster_path: str | None
) -> ScenarioOutcome:
    """The figures of one solved scenario."""
    s = result.summary
    per_contact, levels = channel_figures(result)
    weeks = result.scenario.horizon.weeks
    return ScenarioOutcome(
        name=applied.name,
        description=applied.description,
        currency=s.currency,
        weekly_cost=s.weekly_cost,
        annual_cost=s.annual_cost,
        headcount=s.headcount,
        headcount_by_site=s.headcount_by_site,
        cost_per_contact=per_contact,
        service_level=levels,
        shortfall_agent_hours=s.shortfall_agent_hours,
        solver_status=s.solver_status,
        mip_gap=s.mip_gap,
        gap_per_week=max(0.0, (result.info.objective - result.info.best_bound) / weeks),
        seconds=round(seconds, 2),
        opened=opened_capacity(result, applied.openings),
        roster_path=roster_path,
        shortfall_by_language=tuple(
            (str(lang), round(float(v) * result.scenario.horizon.interval_hours / weeks, 3))
            for lang, v in result.coverage.groupby("language")["shortfall"].sum().items()
            if v > 0
        ),
    )
