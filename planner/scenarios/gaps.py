"""The price of each gap: for a roster, every block of uncovered language-hours, and what closing it costs
per week and per year, and how (which site, which start times, how many hires).

A gap block is one language's run of consecutive intervals (UTC) in which it is short, its queues added up:
exact and stable, the same roster gives the same blocks. A gap that recurs every night is one block per
night (each priced on its own); closing all of a language's gaps together is priced too.

Each block is closed by a windowed `cover_language` (:func:`planner.scenarios.apply.cover_language_window`):
the language's demand in the block becomes a queue of its own, served by the input's own staff as before
and by a hire pool, at each site where the language is spoken, that may start at any hour and speaks only
that queue, so it closes the block and nothing else. Each language's gaps together are closed the same
way, with every one of its blocks in the window queue (one hire may then close two blocks). The price is the
re-solve's weekly cost minus the roster's; when the re-solve is not dearer (opening the hours is no dearer
than the current windows, or the difference is within the two solves' gaps) it is 0 with a note: never
negative. Prices of blocks are not additive: one hire may close two blocks of a language.
The re-solves are scenarios of one sweep (:mod:`planner.scenarios.sweep`): in this process, on local
processes or on a Dask cluster, with the same results whichever way they run.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from planner.analysis.summary import FullCoverageComparison
from planner.domain import Scenario
from planner.roster.plan import RosterOptions, RosterResult, plan_roster
from planner.roster.progress import ProgressFn
from planner.scenarios.apply import window_label
from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec
from planner.scenarios.result import WITHIN_TOLERANCE, OpenedCapacity, ScenarioOutcome
from planner.scenarios.sweep import SweepOptions, SweepProgress, solve_all
from planner.timezones import utc_to_local

#: the solver status of a solve cut short by the overall time limit (:class:`planner.roster.solve.SolveInfo`)
TIME_LIMIT = "time limit"


@dataclass(frozen=True)
class GapBlock:
    """A run of consecutive intervals in which a language is short."""

    language: str
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC, exclusive
    agent_hours_short: float
    structural: bool  # no pool can be on duty (a time-zone gap), else a cap or priced-out gap
    reason: str
    local: tuple[tuple[str, str], ...] = ()  # (site, "Mon 17:00-21:00") at each site where it is spoken

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600.0

    @property
    def kind(self) -> str:
        return "time-zone gap" if self.structural else "gap"

    @property
    def local_text(self) -> str:
        return ", ".join(f"{site} {when}" for site, when in self.local)

    @property
    def scenario_name(self) -> str:
        """The name of the re-solve that closes this block (unique: a language's blocks do not overlap)."""
        return f"close {self.language} {self.start:%Y-%m-%d %H:%M}-{self.end:%Y-%m-%d %H:%M} UTC"

    def describe(self) -> str:
        local = f" = {self.local_text} local" if self.local else ""
        return (
            f"{self.start:%a %m-%d %H:%M}-{self.end:%a %H:%M} UTC{local} "
            f"({self.kind}, {self.agent_hours_short:,.1f} agent-hours)"
        )


@dataclass(frozen=True)
class Closing:
    """What one re-solve says closing some gaps costs, and how."""

    weekly_cost: float  # never negative
    annual_cost: float
    raw_difference: float  # the re-solve's weekly cost minus the roster's
    tolerance: float  # the two solves' gaps added up (money per week)
    opened: tuple[OpenedCapacity, ...]
    remaining_agent_hours: float  # of what it closes, still short (e.g. nothing can be scheduled there)
    time_limited: bool  # the roster's solve or the re-solve stopped at the time limit

    @property
    def note(self) -> str:
        notes = []
        if abs(self.raw_difference) < self.tolerance:
            notes.append(WITHIN_TOLERANCE)
        elif self.raw_difference < 0:
            notes.append("opening these hours is cheaper than the current windows")
        if self.time_limited:
            notes.append(TIME_LIMIT)
        return "; ".join(notes)

    def how(self, currency: str) -> str:
        return "; ".join(o.describe(currency) for o in self.opened if o.hires) or "no hires"

    def price_text(self, currency: str) -> str:
        """'80 USD/week (4,160 a year) (note): how; what stays short'."""
        left = f"; {self.remaining_agent_hours:,.1f} agent-hours still short" if self.remaining_agent_hours else ""
        note = f" ({self.note})" if self.note else ""
        cost = f"{self.weekly_cost:,.0f} {currency}/week ({self.annual_cost:,.0f} a year)"
        return f"{cost}{note}: {self.how(currency)}{left}"


@dataclass(frozen=True)
class BlockPrice(Closing):
    """What closing one gap block (and only it) costs."""

    block: GapBlock | None = None
    short_elsewhere: float = 0.0  # the language's other agent-hours still short in the re-solve

    def describe(self, currency: str) -> str:
        assert self.block is not None
        return f"{self.block.language} {self.block.describe()}: {self.price_text(currency)}"


@dataclass(frozen=True)
class GapPrice(Closing):
    """What closing every gap of one language together costs, and how."""

    language: str = ""
    blocks: tuple[GapBlock, ...] = ()

    def describe(self, currency: str) -> str:
        return f"{self.language}: closing {len(self.blocks)} gap block(s) costs {self.price_text(currency)}"


@dataclass(frozen=True)
class GapPricing:
    """The roster's gap blocks, each priced on its own, and each language's gaps priced together."""

    currency: str
    roster_weekly_cost: float
    prices: tuple[GapPrice, ...]  # per language, all its blocks together
    weeks_per_year: float
    block_prices: tuple[BlockPrice, ...] = ()  # per block, in (language, start) order

    @property
    def weekly_cost(self) -> float:
        """Closing every gap: each language's blocks together, the languages added up."""
        return round(sum(p.weekly_cost for p in self.prices), 2)

    @property
    def annual_cost(self) -> float:
        return round(self.weekly_cost * self.weeks_per_year, 2)

    def lines(self) -> list[str]:
        if not self.prices:
            return ["No gaps: closing them costs 0."]
        total = f"{self.weekly_cost:,.0f} {self.currency}/week ({self.annual_cost:,.0f} a year)"
        return (
            ["Each block on its own (the others left open):"]
            + ["  " + b.describe(self.currency) for b in self.block_prices]
            + ["Each language's blocks together (block prices are not additive: one hire may close several):"]
            + ["  " + p.describe(self.currency) for p in self.prices]
            + [f"Closing every gap costs {total}."]
        )

    def records(self) -> list[dict[str, object]]:
        """The table's rows for JSON."""
        return [{str(k): v for k, v in row.items()} for row in self.table().to_dict(orient="records")]

    def table(self) -> pd.DataFrame:
        """One row per gap block: its own price and its language's price for all its blocks together."""
        languages = {p.language: p for p in self.prices}
        rows = []
        for b in self.block_prices:
            assert b.block is not None
            together = languages[b.block.language]
            rows.append(
                {
                    "language": b.block.language,
                    "block_start_utc": b.block.start.isoformat(),
                    "block_end_utc": b.block.end.isoformat(),
                    "block_local": b.block.local_text,
                    "hours": b.block.hours,
                    "agent_hours_short": b.block.agent_hours_short,
                    "time_zone_gap": b.block.structural,
                    "reason": b.block.reason,
                    "weekly_price": b.weekly_cost,
                    "annual_price": b.annual_cost,
                    "how": b.how(self.currency),
                    "still_short_in_block": b.remaining_agent_hours,
                    "raw_difference": b.raw_difference,
                    "solver_tolerance": b.tolerance,
                    "note": b.note,
                    "language_weekly_price": together.weekly_cost,
                    "language_annual_price": together.annual_cost,
                }
            )
        return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


#: the columns of :meth:`GapPricing.table` (the `gap_prices` sheet), in order
TABLE_COLUMNS = (
    "language",
    "block_start_utc",
    "block_end_utc",
    "block_local",
    "hours",
    "agent_hours_short",
    "time_zone_gap",
    "reason",
    "weekly_price",
    "annual_price",
    "how",
    "still_short_in_block",
    "raw_difference",
    "solver_tolerance",
    "note",
    "language_weekly_price",
    "language_annual_price",
)


def gap_blocks(result: RosterResult) -> list[GapBlock]:
    """Consecutive short intervals per language (queues of the language added up), in (language, start) order."""
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
                out.append(_block(result.scenario, str(lang), run, step, h.interval_hours, g))
                run = []
            run.append((ts.to_pydatetime(), float(r["short"]), bool(r["coverable"])))
        out.append(_block(result.scenario, str(lang), run, step, h.interval_hours, g))
    return out


def _block(
    scenario: Scenario,
    lang: str,
    run: list[tuple[dt.datetime, float, bool]],
    step: dt.timedelta,
    hours: float,
    g: pd.DataFrame,
) -> GapBlock:
    first = g[g["interval_start"] == run[0][0]]
    start, end = run[0][0], run[-1][0] + step
    return GapBlock(
        language=lang,
        start=start,
        end=end,
        agent_hours_short=round(sum(x[1] for x in run) * hours, 3),
        structural=not any(x[2] for x in run),
        reason=str(first["reason"].iloc[0]) if len(first) else "",
        local=_local_times(scenario, lang, start, end),
    )


def _local_times(scenario: Scenario, lang: str, start: dt.datetime, end: dt.datetime) -> tuple[tuple[str, str], ...]:
    """The block in local time at each site where the language is spoken."""
    sites = sorted({p.site for p in scenario.pools.values() if lang in p.languages})
    out = []
    for site in sites:
        tz = scenario.sites[site].timezone
        a, b = utc_to_local(tz, start), utc_to_local(tz, end)
        out.append((site, f"{a:%a %H:%M}-{b:%a %H:%M}"))
    return tuple(out)


def _language_scenario(lang: str) -> str:
    return f"close {lang} (all its gaps)"


def gap_specs(blocks: list[GapBlock]) -> list[ScenarioSpec]:
    """The re-solves: one per block (a windowed cover), then one per language (all its blocks' windows)."""
    per_block = [
        ScenarioSpec(
            b.scenario_name,
            (Change(b.scenario_name, ChangeKind.COVER_LANGUAGE, 0, b.language, start=b.start, end=b.end),),
        )
        for b in blocks
    ]
    languages = sorted({b.language for b in blocks})
    per_language = [
        ScenarioSpec(
            _language_scenario(lang),
            tuple(
                Change(_language_scenario(lang), ChangeKind.COVER_LANGUAGE, 0, lang, start=b.start, end=b.end)
                for b in blocks
                if b.language == lang
            ),
        )
        for lang in languages
    ]
    return per_block + per_language


def price_gaps(
    result: RosterResult,
    options: RosterOptions,
    sweep: SweepOptions | None = None,
    progress: SweepProgress | None = None,
) -> GapPricing:
    """Price closing each gap block of ``result`` on its own, and each language's blocks together (one
    sweep of re-solves; none when the roster has no gaps)."""
    blocks = gap_blocks(result)
    specs = gap_specs(blocks)
    sweep = replace(sweep or SweepOptions(jobs=1), roster=options)
    outcomes = solve_all(result.scenario, specs, sweep, progress) if specs else {}
    s = result.summary
    block_prices = tuple(_block_price(b, outcomes[b.scenario_name], result) for b in blocks)
    prices = tuple(
        _language_price(lang, [b for b in blocks if b.language == lang], outcomes[_language_scenario(lang)], result)
        for lang in sorted({b.language for b in blocks})
    )
    return GapPricing(s.currency, s.weekly_cost, prices, result.scenario.settings.weeks_per_year, block_prices)


def _closing(o: ScenarioOutcome, result: RosterResult, remaining: float) -> Closing:
    """The price of one re-solve against the roster: never negative, 0 within the two solves' gaps."""
    weeks = result.scenario.horizon.weeks
    base_gap = max(0.0, (result.info.objective - result.info.best_bound) / weeks)
    diff = o.weekly_cost - result.summary.weekly_cost
    tolerance = base_gap + o.gap_per_week
    weekly = 0.0 if diff < tolerance else round(diff, 2)
    return Closing(
        weekly_cost=weekly,
        annual_cost=round(weekly * result.scenario.settings.weeks_per_year, 2),
        raw_difference=round(diff, 2),
        tolerance=round(tolerance, 2),
        opened=o.opened,
        remaining_agent_hours=remaining,
        time_limited=TIME_LIMIT in (o.solver_status, result.info.status),
    )


def _block_price(block: GapBlock, o: ScenarioOutcome, result: RosterResult) -> BlockPrice:
    short = dict(o.shortfall_by_language)
    closing = _closing(o, result, short.get(window_label(block.language), 0.0))
    return BlockPrice(**vars(closing), block=block, short_elsewhere=short.get(block.language, 0.0))


def _language_price(lang: str, blocks: list[GapBlock], o: ScenarioOutcome, result: RosterResult) -> GapPrice:
    closing = _closing(o, result, dict(o.shortfall_by_language).get(window_label(lang), 0.0))
    return GapPrice(**vars(closing), language=lang, blocks=tuple(blocks))


def roster_with_gap_prices(
    scenario: Scenario,
    options: RosterOptions,
    progress: ProgressFn | None = None,
    sweep: SweepOptions | None = None,
    sweep_progress: SweepProgress | None = None,
) -> tuple[RosterResult, GapPricing]:
    """The roster, and the price of closing each of its gaps; the summary's full-coverage rows carry the total
    (every language's gaps closed)."""
    result = plan_roster(scenario, replace(options, full_coverage=False), progress)
    pricing = price_gaps(result, replace(options, full_coverage=False), sweep, sweep_progress)
    s = result.summary
    comparison = FullCoverageComparison(
        default_weekly_cost=s.weekly_cost,
        default_shortfall_agent_hours=s.shortfall_agent_hours,
        cost_of_full_coverage_weekly=pricing.weekly_cost,
        cost_of_full_coverage_annual=pricing.annual_cost,
    )
    return replace(result, summary=replace(s, comparison=comparison)), pricing
