"""Heatmaps of agents on shift who speak a language against the agents its work requires, by day and hour:
on the clock of the language's main market (the site that serves most of its hours) and in UTC; the hours
with a shortfall are flagged."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.roster.plan import RosterResult

TOL = 1e-6


@dataclass(frozen=True)
class Heatmap:
    """One language's grid: rows are days, columns hours 0-23 on ``clock``; NaN where nobody is required."""

    language: str
    clock: str  # an IANA time zone, or "UTC"
    label: str
    ratio: pd.DataFrame  # agents on shift who speak the language / agents required
    short: pd.DataFrame  # True where the hour has a shortfall


def main_market(result: RosterResult, language: str) -> tuple[str, str]:
    """(time zone, site) of the site serving most of the language's agent-hours; ("UTC", "") if none does."""
    ls = result.language_sites
    mine = ls[ls["language"] == language] if len(ls) else ls
    if not len(mine):
        return "UTC", ""
    site = str(mine.sort_values(["agent_hours", "site"], ascending=[False, True]).iloc[0]["site"])
    return result.scenario.sites[site].timezone, site


def _grid(frame: pd.DataFrame, clock: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sum required, staffed and shortfall per local (day, hour); the ratio grid and the shortfall grid."""
    local = frame["interval_start"].dt.tz_convert(clock)
    keyed = pd.DataFrame(
        {
            "day": local.dt.strftime("%a %d %b"),
            "date": local.dt.date,
            "hour": local.dt.hour,
            "required": frame["required"].to_numpy(),
            "staffed": frame["on_shift"].to_numpy(),
            "shortfall": frame["shortfall"].to_numpy(),
        }
    )
    sums = keyed.groupby(["date", "day", "hour"], sort=True)[["required", "staffed", "shortfall"]].sum()
    ratio = (sums["staffed"] / sums["required"].where(sums["required"] > TOL)).unstack("hour")
    short = (sums["shortfall"] > TOL).unstack("hour", fill_value=False)
    hours = list(range(24))
    ratio = ratio.reindex(columns=hours).droplevel("date")
    short = short.reindex(columns=hours, fill_value=False).droplevel("date").astype(bool)
    return ratio, short


def heatmaps(result: RosterResult, per_language: pd.DataFrame) -> list[Heatmap]:
    """Per language (sorted): its main market's clock first, then UTC (only UTC when the two agree);
    ``per_language`` is planner.outputs.charts.language_intervals."""
    out = []
    for lang, frame in per_language.groupby("language", sort=True):
        zone, site = main_market(result, str(lang))
        clocks = [(zone, f"local time at {site} ({zone})")] if zone != "UTC" else []
        clocks.append(("UTC", "UTC"))
        for clock, label in clocks:
            ratio, short = _grid(frame, clock)
            out.append(Heatmap(str(lang), clock, label, ratio, short))
    return out


def shortfall_cells(h: Heatmap) -> np.ndarray:
    """(row, hour) positions of the hours with a shortfall."""
    return np.argwhere(h.short.to_numpy())
