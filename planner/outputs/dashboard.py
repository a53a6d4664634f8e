"""The dashboard: the roster's business figures in plain words (cost, cost per contact, people, service
against target, shortfall, the time-zone answer per language, the solver's quality in one line)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.analysis.summary import time_zone_answer
from planner.outputs.finance import FinancePack
from planner.roster.plan import RosterResult


@dataclass(frozen=True)
class Figure:
    """One headline figure: its label, value and kind of number (money, count, hours, share, text)."""

    label: str
    value: float | int | str
    kind: str


@dataclass(frozen=True)
class Dashboard:
    title: str
    subtitle: str
    headline: tuple[Figure, ...]
    by_channel: pd.DataFrame  # channel, contacts, weekly_cost, cost_per_contact, service_level, target, met
    by_language: pd.DataFrame  # language, contacts, weekly_cost, cost_per_contact
    by_site: pd.DataFrame  # site, people, weekly_cost
    languages: tuple[tuple[str, str], ...]  # (language, the time-zone answer in a sentence)
    solver_line: str


def service_by_channel(result: RosterResult) -> pd.DataFrame:
    """Contact-weighted predicted service level and target per channel, and whether it meets it."""
    cov = result.coverage[result.coverage["contacts"] > 0]
    w = cov["contacts"]
    frame = pd.DataFrame(
        {
            "channel": cov["channel"],
            "sl": cov["service_level"].fillna(1.0) * w,
            "target": cov["target_service_level"] * w,
        }
    ).assign(w=w)
    out = frame.groupby("channel", sort=True).sum()
    res = pd.DataFrame(
        {"service_level": out["sl"] / out["w"], "target_service_level": out["target"] / out["w"]}
    ).reset_index()
    res["meets_target"] = res["service_level"] >= res["target_service_level"] - 1e-9
    return res


def language_sentences(result: RosterResult) -> tuple[tuple[str, str], ...]:
    """The time-zone answer, one sentence per language (the summary's lines, grouped by language)."""
    lines = time_zone_answer(result)
    sites = result.language_sites
    out = []
    for lang in sorted({q[0] for q in result.requirements.queues}):
        mine = [ln.split(": ", 1)[1] for ln in lines if ln.startswith(f"{lang}: ")]
        if not any("not fully covered" in ln for ln in mine):
            where = sites[sites["language"] == lang]["site"].tolist()
            mine.insert(0, "every hour with demand is covered" + (f", from {', '.join(where)}" if where else ""))
        out.append((lang, "; ".join(mine) + ("" if mine[-1].endswith(".") else ".")))
    return tuple(out)


def solver_line(result: RosterResult) -> str:
    m = result.summary
    quality = "proven cheapest" if m.mip_gap <= 1e-9 else f"at most {m.mip_gap:.2%} above the cheapest possible"
    return (
        f"{m.solver.upper()} {m.solver_status} in {m.solve_seconds:,.0f} s: this roster is {quality} "
        f"(details on the solver sheet)."
    )


def build_dashboard(result: RosterResult, finance: FinancePack) -> Dashboard:
    m = result.summary
    cur = m.currency
    total = finance.total()
    headline = (
        Figure(f"Weekly cost ({cur})", m.weekly_cost, "money"),
        Figure(f"Monthly cost ({cur}, weekly x {m.weeks_per_year:g} / 12)", float(total["monthly_cost"]), "money"),
        Figure(f"Annual cost ({cur}, {m.weeks_per_year:g} weeks)", m.annual_cost, "money"),
        Figure(f"Cost per contact ({cur})", float(total["cost_per_contact"]), "money"),
        Figure("Contacts a week", float(total["contacts"]), "count"),
        Figure("People (headcount)", m.headcount, "count"),
        Figure("Paid hours a week", m.paid_hours_per_week, "hours"),
        Figure("Shortfall (agent-hours a week)", m.shortfall_agent_hours, "hours"),
        Figure("  of which no pool can cover", m.shortfall_uncoverable_agent_hours, "hours"),
    )
    channel = finance.view("channel").rename(columns={"key": "channel"})
    channel = channel[channel["channel"] != "(idle)"]
    service = service_by_channel(result)
    by_channel = channel[["channel", "contacts", "weekly_cost", "cost_per_contact"]].merge(
        service, on="channel", how="left"
    )
    language = finance.view("language").rename(columns={"key": "language"})
    by_language = language[["language", "contacts", "weekly_cost", "cost_per_contact"]]
    people = result.headcount.groupby("site", sort=True)["headcount"].sum()
    site = finance.view("site").rename(columns={"key": "site"})
    by_site = pd.DataFrame({"site": people.index, "people": people.to_numpy().astype(np.int64)})
    by_site = by_site.merge(site[["site", "weekly_cost"]], on="site", how="left").fillna({"weekly_cost": 0.0})
    start = pd.Timestamp(m.horizon_start_utc)
    return Dashboard(
        title=f"Roster for {m.input}",
        subtitle=f"{m.weeks} week(s) from {start:%a %d %b %Y %H:%M} UTC; all money in {cur}; "
        f"{m.interval_minutes}-minute intervals",
        headline=headline,
        by_channel=by_channel.reset_index(drop=True),
        by_language=by_language.reset_index(drop=True),
        by_site=by_site,
        languages=language_sentences(result),
        solver_line=solver_line(result),
    )
