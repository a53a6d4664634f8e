"""The price of each gap: for a roster, every block of uncovered language-hours, and what closing it costs
per week and per year, and how (which site, which start times, how many hires).

A language's gaps are closed by the change `cover_language` (:func:`planner.scenarios.apply.cover_language`):
at each site where it is spoken, a hire pool that speaks only that language and may start shifts at any
hour, at a twin of the site (same time zone, wage and premiums, no cap). The input's own pools, windows
and caps are unchanged, and the new pools can serve nothing but the language, so the difference in weekly
cost to the roster is what closing the language's gaps costs. When the re-solve is not dearer (opening
the hours is no dearer than the current windows, or the difference is within the two solves' gaps) the
price is 0: it is never negative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from planner.analysis.summary import FullCoverageComparison
from planner.domain import Scenario
from planner.roster.plan import RosterOptions, RosterResult, plan_roster
from planner.roster.progress import ProgressFn
from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec
from planner.scenarios.result import OpenedCapacity, ScenarioOutcome
from planner.scenarios.sweep import SweepOptions, SweepProgress, solve_all


@dataclass(frozen=True)
class GapBlock:
    """A run of consecutive intervals in which a language is short."""

    language: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC, exclusive
    agent_hours_short: float
    structural: bool  # no pool can be on duty (a time-zone gap), else a cap or priced-out gap
    reason: str

    def describe(self) -> str:
        kind = "time-zone gap" if self.structural else "gap"
        return (
            f"{self.start:%a %m-%d %H:%M}-{self.end:%a %H:%M} UTC ({kind}, {self.agent_hours_short:,.1f} agent-hours)"
        )


@dataclass(frozen=True)
class GapPrice:
    """What closing every gap of one language costs, and how."""

    language: str
    blocks: tuple[GapBlock, ...]
    weekly_cost: float  # never negative
    annual_cost: float
    raw_difference: float  # the re-solve's weekly cost minus the roster's
    tolerance: float  # the two solves' gaps added up (money per week)
    opened: tuple[OpenedCapacity, ...]
    remaining_agent_hours: float  # still short after opening (e.g. nothing can be scheduled there)

    @property
    def note(self) -> str:
        if abs(self.raw_difference) < self.tolerance:
            return "within solver tolerance"
        if self.raw_difference < 0:
            return "opening these hours is cheaper than the current windows"
        return ""

    def describe(self, currency: str) -> str:
        how = "; ".join(o.describe(currency) for o in self.opened if o.hires) or "no hires"
        left = f"; {self.remaining_agent_hours:,.1f} agent-hours still short" if self.remaining_agent_hours else ""
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.language}: closing {len(self.blocks)} gap block(s) costs {self.weekly_cost:,.0f} {currency}/week "
            f"({self.annual_cost:,.0f} a year){note}: {how}{left}"
        )


@dataclass(frozen=True)
class GapPricing:
    """The roster's gap blocks, priced per language."""

    currency: str
    roster_weekly_cost: float
    prices: tuple[GapPrice, ...]
    weeks_per_year: float

    @property
    def weekly_cost(self) -> float:
        return round(sum(p.weekly_cost for p in self.prices), 2)

    @property
    def annual_cost(self) -> float:
        return round(self.weekly_cost * self.weeks_per_year, 2)

    def lines(self) -> list[str]:
        if not self.prices:
            return ["No gaps: closing them costs 0."]
        return [p.describe(self.currency) for p in self.prices] + [
            f"Closing every gap costs {self.weekly_cost:,.0f} {self.currency}/week ({self.annual_cost:,.0f} a year)."
        ]

    def records(self) -> list[dict[str, object]]:
        """The table's rows for JSON (date-times as ISO text)."""
        return [
            {k: (v.isoformat() if isinstance(v, dt.datetime) else v) for k, v in row.items()}
            for row in self.table().to_dict(orient="records")
        ]

    def table(self) -> pd.DataFrame:
        """One row per gap block with its language's price."""
        rows = [
            {
                "language": p.language,
                "block_start_utc": b.start.isoformat(),
                "block_end_utc": b.end.isoformat(),
                "agent_hours_short": b.agent_hours_short,
                "time_zone_gap": b.structural,
                "language_weekly_price": p.weekly_cost,
                "language_annual_price": p.annual_cost,
                "how": "; ".join(o.describe(self.currency) for o in p.opened if o.hires),
                "note": p.note,
            }
            for p in self.prices
            for b in p.blocks
        ]
        return pd.DataFrame(rows)


def gap_blocks(result: RosterResult) -> list[GapBlock]:
    """Consecutive short intervals per language (queues of the language added up)."""
    gaps = result.gaps
    h = result.scenario.horizon
    out: list[GapBlock] = []
    if not len(gaps):
        return out
    step = dt.timedelta(minutes=h.interval_minutes)
    for lang, g in gaps.groupby("language", sort=True):
        per_interval = g.groupby("interval_start").agg(short=("shortfall", "sum"), coverable=("coverable", "any"))
        run: list[tuple[dt.datetime, float, bool]] = []
        for ts, r in per_interval.sort_index().iterrows():
            if run and ts.to_pydatetime() != run[-1][0] + step:
                out.append(_block(str(lang), run, step, h.interval_hours, g))
                run = []
            run.append((ts.to_pydatetime(), float(r["short"]), bool(r["coverable"])))
        out.append(_block(str(lang), run, step, h.interval_hours, g))
    return out


def _block(
    lang: str, run: list[tuple[dt.datetime, float, bool]], step: dt.timedelta, hours: float, g: pd.DataFrame
) -> GapBlock:
    first = g[g["interval_start"] == run[0][0]]
    return GapBlock(
        language=lang,
        start=run[0][0],
        end=run[-1][0] + step,
        agent_hours_short=round(sum(x[1] for x in run) * hours, 3),
        structural=not any(x[2] for x in run),
        reason=str(first["reason"].iloc[0]) if len(first) else "",
    )


def price_gaps(
    result: RosterResult,
    options: RosterOptions,
    sweep: SweepOptions | None = None,
    progress: SweepProgress | None = None,
) -> GapPricing:
    """Price closing each language's gaps in ``result`` (re-solves with round-the-clock hiring, one per language)."""
    blocks = gap_blocks(result)
    languages = sorted({b.language for b in blocks})
    scenario = result.scenario
    specs = [
        ScenarioSpec(f"close {lang}", (Change(f"close {lang}", ChangeKind.COVER_LANGUAGE, 0, lang),))
        for lang in languages
    ]
    sweep = replace(sweep or SweepOptions(jobs=1), roster=options)
    outcomes = solve_all(scenario, specs, sweep, progress) if specs else {}
    base_gap = max(0.0, (result.info.objective - result.info.best_bound) / scenario.horizon.weeks)
    prices = tuple(
        _price(lang, [b for b in blocks if b.language == lang], outcomes[f"close {lang}"], result, base_gap)
        for lang in languages
    )
    s = result.summary
    return GapPricing(s.currency, s.weekly_cost, prices, scenario.settings.weeks_per_year)


def _price(lang: str, blocks: list[GapBlock], o: ScenarioOutcome, result: RosterResult, base_gap: float) -> GapPrice:
    diff = o.weekly_cost - result.summary.weekly_cost
    tolerance = base_gap + o.gap_per_week
    weekly = 0.0 if diff < tolerance else round(diff, 2)
    return GapPrice(
        language=lang,
        blocks=tuple(blocks),
        weekly_cost=weekly,
        annual_cost=round(weekly * result.scenario.settings.weeks_per_year, 2),
        raw_difference=round(diff, 2),
        tolerance=round(tolerance, 2),
        opened=o.opened,
        remaining_agent_hours=dict(o.shortfall_by_language).get(lang, 0.0),
    )


def roster_with_gap_prices(
    scenario: Scenario, options: RosterOptions, progress: ProgressFn | None = None
) -> tuple[RosterResult, GapPricing]:
    """The roster, and the price of closing each of its gaps; the summary's full-coverage rows carry the total."""
    result = plan_roster(scenario, replace(options, full_coverage=False), progress)
    pricing = price_gaps(result, replace(options, full_coverage=False))
    s = result.summary
    comparison = FullCoverageComparison(
        default_weekly_cost=s.weekly_cost,
        default_shortfall_agent_hours=s.shortfall_agent_hours,
        cost_of_full_coverage_weekly=pricing.weekly_cost,
        cost_of_full_coverage_annual=pricing.annual_cost,
    )
    return replace(result, summary=replace(s, comparison=comparison)), pricing
