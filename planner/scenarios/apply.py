"""Applying a scenario's changes to the typed base input (frozen dataclasses, replaced, never mutated)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from planner.domain import Pool, Scenario, ShiftTemplate, TargetOverride
from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec

#: scenario target rows rank after the input's `targets` rows of the same specificity
_TARGET_ROW_OFFSET = 1_000_000


@dataclass(frozen=True)
class Opening:
    """What covering a language around the clock adds at one site: a hire pool that speaks only the
    language, at a site of its own (same time zone, wage and premiums, no cap) whose shifts may start at
    any hour, so its cost and headcount are reported apart."""

    language: str
    site: str  # the real site
    opened_site: str  # the added site holding the hire pool
    pool: str
    usual_starts: tuple[tuple[str, tuple[int, ...]], ...] = ()  # per template: local start minutes it already had

    def is_new_start(self, template: str, minute: int) -> bool:
        """Whether the twin's shift of ``template`` (its 24-hour copy's name) starts outside the site's window."""
        original = template.split("_24h@", 1)[0]
        usual = dict(self.usual_starts).get(original, ())
        return minute % (24 * 60) not in {m % (24 * 60) for m in usual}


@dataclass(frozen=True)
class AppliedScenario:
    """A scenario ready to solve, and what it opened."""

    name: str
    description: str
    scenario: Scenario
    openings: tuple[Opening, ...] = ()


def apply_spec(base: Scenario, spec: ScenarioSpec) -> AppliedScenario:
    """The base input with every change of ``spec`` applied, in row order."""
    scenario = base
    openings: list[Opening] = []
    for change in spec.changes:
        if change.kind is ChangeKind.COVER_LANGUAGE and change.start is not None and change.end is not None:
            scenario, opened = cover_language_window(
                scenario, change.language or "", change.start, change.end, change.site
            )
            openings += opened
        elif change.kind is ChangeKind.COVER_LANGUAGE:
            scenario, opened = cover_language(scenario, change.language or "", change.site)
            openings += opened
        else:
            scenario = _apply(scenario, change)
    return AppliedScenario(spec.name, spec.describe(), scenario, tuple(openings))


def _apply(s: Scenario, c: Change) -> Scenario:
    k = c.kind
    if k is ChangeKind.SCALE_DEMAND:
        return _scale_demand(s, c)
    if k is ChangeKind.TARGET:
        minutes = None if c.target_seconds is None else c.target_seconds / 60.0
        row = TargetOverride(c.language, c.channel, c.tier, minutes, c.service_level, row=_TARGET_ROW_OFFSET + c.row)
        return replace(s, targets=(*s.targets, row))
    if k in (ChangeKind.WAGE, ChangeKind.NIGHT_PREMIUM, ChangeKind.WEEKEND_PREMIUM, ChangeKind.CAP_SITE):
        return _site_change(s, c)
    if k is ChangeKind.CLOSE_SITE:
        pools = {n: p for n, p in s.pools.items() if p.site != c.site}
        return replace(s, pools=pools, agents=tuple(a for a in s.agents if a.site != c.site))
    if k is ChangeKind.CAP_POOL:
        pool = s.pools[c.pool or ""]
        return replace(s, pools={**s.pools, pool.name: replace(pool, available=int(c.value or 0))})
    if k is ChangeKind.CLOSE_POOL:
        return replace(s, pools={n: p for n, p in s.pools.items() if n != c.pool})
    if k is ChangeKind.SHIFT_WINDOW:
        return _shift_window(s, c)
    if k is ChangeKind.ADD_POOL:
        available = None if c.value is None else int(c.value)
        pool = Pool(c.pool or "", c.site or "", c.languages or (), c.channels, available)
        return replace(s, pools={**s.pools, pool.name: pool})
    return s


def _scale_demand(s: Scenario, c: Change) -> Scenario:
    d = s.demand
    mask = d["contacts"].notna()
    for column, value in (("language", c.language), ("channel", c.channel), ("tier", c.tier)):
        if value is not None:
            mask &= d[column] == value
    if c.start is not None and c.end is not None:
        mask &= (d["interval_start"] >= c.start) & (d["interval_start"] < c.end)
    demand = d.copy()
    demand.loc[mask, "contacts"] = demand.loc[mask, "contacts"] * float(c.factor or 0.0)
    return replace(s, demand=demand)


def _site_change(s: Scenario, c: Change) -> Scenario:
    site = s.sites[c.site or ""]
    pools, agents = s.pools, s.agents
    if c.kind is ChangeKind.WAGE and c.factor is not None:
        new = replace(site, hourly_cost=site.hourly_cost * c.factor)
        pools = {
            n: replace(p, hourly_cost=p.hourly_cost * c.factor) if p.site == site.name and p.hourly_cost else p
            for n, p in pools.items()
        }
        agents = tuple(
            replace(a, hourly_cost=a.hourly_cost * c.factor) if a.site == site.name and a.hourly_cost else a
            for a in agents
        )
    elif c.kind is ChangeKind.WAGE:
        new = replace(site, hourly_cost=float(c.value or 0.0))
    elif c.kind is ChangeKind.NIGHT_PREMIUM:
        new = replace(site, night_premium=float(c.value or 0.0))
    elif c.kind is ChangeKind.WEEKEND_PREMIUM:
        new = replace(site, weekend_premium=float(c.value or 0.0))
    else:
        new = replace(site, max_agents=int(c.value or 0))
    return replace(s, sites={**s.sites, site.name: new}, pools=pools, agents=agents)


def _shift_window(s: Scenario, c: Change) -> Scenario:
    template = next(t for t in s.shifts if t.name == c.shift)
    assert c.earliest_start is not None and c.latest_start is not None
    added = replace(
        template,
        name=f"{template.name}@{c.site}",
        earliest_start=c.earliest_start,
        latest_start=c.latest_start,
        sites=(c.site or "",),
    )
    return replace(s, shifts=(*s.shifts, added))


def cover_language(
    s: Scenario, language: str, site: str | None = None, serves: str | None = None
) -> tuple[Scenario, list[Opening]]:
    """Open round-the-clock hiring for ``language`` at ``site`` (else at every site where it is spoken).

    Each such site gets a twin (same time zone, wage and premiums, no headcount cap) holding a pool that
    speaks only the language (or only ``serves``, a label standing for part of its demand), on the site's
    channels for it, with every shift template allowed there starting at any hour. The twin's pool can only
    serve the language, so whatever it costs is the price of covering it; the input's own pools, windows
    and caps are unchanged.
    """
    serves = serves or language
    speakers = [p for p in s.pools.values() if language in p.languages and (site is None or p.site == site)]
    sites = sorted({p.site for p in speakers})
    shifts = tuple(t if t.sites is not None else replace(t, sites=tuple(s.sites)) for t in s.shifts)
    new_sites = dict(s.sites)
    pools = dict(s.pools)
    openings: list[Opening] = []
    for name in sites:
        at_site = [p for p in speakers if p.site == name]
        twin = f"{name}_{language}_24h" if serves == language else f"{name}_{language}_window"
        new_sites[twin] = replace(s.sites[name], name=twin, max_agents=None)
        channels = _channel_union(at_site)
        pools[twin] = Pool(twin, twin, (serves,), channels, None, _hourly_cost(s, at_site))
        shifts += tuple(_all_day(t, twin, s.horizon.interval_minutes) for t in s.shifts if t.allowed_at(name))
        usual = tuple((t.name, tuple(t.start_offsets(t.start_step_minutes or s.horizon.interval_minutes)))
                      for t in s.shifts if t.allowed_at(name))  # fmt: skip
        openings.append(Opening(language, name, twin, twin, usual))
    return replace(s, sites=new_sites, pools=pools, shifts=shifts), openings


def window_label(language: str) -> str:
    """The label a windowed cover gives the language's demand inside the window (a queue of its own)."""
    return f"{language} (window)"


def cover_language_window(
    s: Scenario, language: str, start: dt.datetime, end: dt.datetime, site: str | None = None
) -> tuple[Scenario, list[Opening]]:
    """Require ``language``'s demand from ``start`` to ``end`` (UTC) to be met, and only that (hiring at
    ``site``, else at every site where it is spoken).

    The language's demand rows in the window are relabelled (:func:`window_label`); every pool, agent and
    `targets` row of the language also takes the label, so the input's own staff serve them as before.
    Then :func:`cover_language` adds, at every site where the language is spoken, a hire pool starting at
    any hour that speaks only the label: it can serve nothing but the window's demand, so it closes that
    and leaves the language's other gaps as they are. Several windows of one language in a scenario share
    the label and the hire pools. (For a deferrable channel the window's work becomes a backlog of its own,
    finished within its response window as before.)
    """
    label = window_label(language)
    opened = any(label in p.languages for p in s.pools.values())  # an earlier window of the same scenario
    d = s.demand
    inside = (d["language"] == language) & (d["interval_start"] >= start) & (d["interval_start"] < end)
    demand = d.copy()
    demand.loc[inside, "language"] = label

    def speak(languages: tuple[str, ...]) -> tuple[str, ...]:
        return (*languages, label) if language in languages else languages

    if opened:  # its pools, hires and targets are there already: one more window of the same queue
        return replace(s, demand=demand), []
    pools = {n: replace(p, languages=speak(p.languages)) for n, p in s.pools.items()}
    agents = tuple(replace(a, languages=speak(a.languages)) for a in s.agents)
    targets = s.targets + tuple(replace(t, language=label) for t in s.targets if t.language == language)
    labelled = replace(s, demand=demand, pools=pools, agents=agents, targets=targets)
    return cover_language(labelled, language, site, serves=label)


def _channel_union(pools: list[Pool]) -> tuple[str, ...] | None:
    if any(p.channels is None for p in pools):
        return None
    return tuple(sorted({c for p in pools for c in p.channels or ()}))


def _hourly_cost(s: Scenario, pools: list[Pool]) -> float | None:
    """The pool wage the twin pays: the cheapest of the site's pools speaking the language, if they have their own."""
    own = [p.hourly_cost for p in pools if p.hourly_cost is not None]
    return min(own) if len(own) == len(pools) and own else None


def _all_day(t: ShiftTemplate, site: str, interval_minutes: int) -> ShiftTemplate:
    step = t.start_step_minutes or interval_minutes
    last = dt.time(*divmod(24 * 60 - step, 60)) if step < 24 * 60 else dt.time(0, 0)
    return replace(t, name=f"{t.name}_24h@{site}", earliest_start=dt.time(0, 0), latest_start=last, sites=(site,))
