"""The typed changes a scenario makes to the base input (one row of the `scenarios` sheet each)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class ChangeKind(StrEnum):
    """What one row of the `scenarios` sheet changes."""

    BASE = "base"  # no change (names a scenario equal to the input)
    SCALE_DEMAND = "scale_demand"  # contacts x factor, for a language/channel/tier and/or time window
    TARGET = "target"  # first-response target and/or service level for a language/channel/tier
    WAGE = "wage"  # a site's hourly cost: x factor, or set to value
    NIGHT_PREMIUM = "night_premium"  # a site's night premium set to value
    WEEKEND_PREMIUM = "weekend_premium"  # a site's weekend premium set to value
    CAP_SITE = "cap_site"  # a site's headcount cap set to value
    CLOSE_SITE = "close_site"  # a site's pools removed
    CAP_POOL = "cap_pool"  # a pool's headcount cap set to value
    CLOSE_POOL = "close_pool"  # a pool removed
    SHIFT_WINDOW = "shift_window"  # a shift template usable at a site from earliest_start to latest_start
    ADD_POOL = "add_pool"  # a new pool at a site
    COVER_LANGUAGE = "cover_language"  # a language met every hour, or from/to (windows opened, hires added)


@dataclass(frozen=True)
class Change:
    """One validated row of the `scenarios` sheet."""

    scenario: str
    kind: ChangeKind
    row: int
    language: str | None = None
    channel: str | None = None
    tier: str | None = None
    site: str | None = None
    pool: str | None = None
    factor: float | None = None
    value: float | None = None
    start: dt.datetime | None = None  # UTC, inclusive
    end: dt.datetime | None = None  # UTC, exclusive
    target_seconds: float | None = None
    service_level: float | None = None
    shift: str | None = None
    earliest_start: dt.time | None = None
    latest_start: dt.time | None = None
    languages: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None

    def describe(self) -> str:
        """The change in a few words, for the table."""
        k = self.kind
        scope = "/".join(x for x in (self.language, self.channel, self.tier) if x) or "all"
        if k is ChangeKind.BASE:
            return "no change"
        if k is ChangeKind.SCALE_DEMAND:
            when = f" {self.start:%a %H:%M}-{self.end:%a %H:%M} UTC" if self.start and self.end else ""
            return f"{scope} demand x{self.factor:g}{when}"
        if k is ChangeKind.TARGET:
            parts = []
            if self.target_seconds is not None:
                parts.append(f"target {self.target_seconds:g} s")
            if self.service_level is not None:
                parts.append(f"service level {self.service_level:.0%}")
            return f"{scope} " + ", ".join(parts)
        if k is ChangeKind.WAGE:
            return f"{self.site} wage " + (f"x{self.factor:g}" if self.factor is not None else f"= {self.value:g}")
        if k in (ChangeKind.NIGHT_PREMIUM, ChangeKind.WEEKEND_PREMIUM, ChangeKind.CAP_SITE):
            return f"{self.site} {k.value} = {self.value:g}"
        if k is ChangeKind.CLOSE_SITE:
            return f"{self.site} closed"
        if k is ChangeKind.CAP_POOL:
            return f"pool {self.pool} cap = {self.value:g}"
        if k is ChangeKind.CLOSE_POOL:
            return f"pool {self.pool} closed"
        if k is ChangeKind.SHIFT_WINDOW:
            return f"{self.shift} at {self.site} from {self.earliest_start:%H:%M} to {self.latest_start:%H:%M}"
        if k is ChangeKind.ADD_POOL:
            return f"new pool {self.pool} at {self.site} ({', '.join(self.languages or ())})"
        where = f" from {self.site}" if self.site else ""
        if self.start and self.end:
            return f"{self.language} covered {self.start:%a %H:%M}-{self.end:%a %H:%M} UTC{where}"
        return f"{self.language} around the clock{where}"


@dataclass(frozen=True)
class ScenarioSpec:
    """A named scenario: the base input with these changes applied, in order."""

    name: str
    changes: tuple[Change, ...]

    def describe(self) -> str:
        return "; ".join(c.describe() for c in self.changes) or "no change"


#: the name of the scenario every other is compared with (added when the sheet does not name it)
BASE_NAME = "base"
