"""Plain-text renderings of results for the terminal (the CLI prints these)."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pandas as pd

from planner.analysis.activities import DEFERRED_DUE
from planner.analysis.summary import time_zone_answer
from planner.requirements import Requirements
from planner.roster.plan import RosterResult


def requirements_text(req: Requirements) -> str:
    s = req.summary()
    h = req.horizon
    lines = [
        f"Requirements: {len(req.queues)} queues x {h.n_intervals} intervals of {h.interval_minutes} min "
        f"({len(req.table):,} rows); shrinkage {req.shrinkage:.0%}",
        "Peak agents and agent-hours per language and channel "
        "(tiers added; scheduled = on the floor / (1 - shrinkage)):",
    ]
    view = s.rename(
        columns={
            "peak_agents_on_floor": "peak_floor",
            "peak_agents_scheduled": "peak_sched",
            "agent_hours_on_floor": "hours_floor",
            "agent_hours_scheduled": "hours_sched",
            "workload_hours": "workload_h",
        }
    )
    view = view[
        [
            "language",
            "channel",
            "kind",
            "contacts",
            "workload_h",
            "peak_floor",
            "peak_sched",
            "hours_floor",
            "hours_sched",
        ]
    ]
    fmt = {
        c: "{:,.1f}".format
        for c in ("contacts", "workload_h", "peak_floor", "peak_sched", "hours_floor", "hours_sched")
    }
    lines.extend("  " + ln for ln in view.to_string(index=False, formatters=fmt).splitlines())
    lines.append(
        f"Total: {s['contacts'].sum():,.0f} contacts, {s['agent_hours_scheduled'].sum():,.0f} scheduled agent-hours "
        f"({s['agent_hours_on_floor'].sum():,.0f} on the floor)"
    )
    return "\n".join(lines)


class Remedy(Enum):
    """What another run could do better, as the summary suggests it."""

    LONGER_TIME_LIMIT = "a longer time limit can give a cheaper roster"
    FULL_COVERAGE = "a full-coverage run prices closing each gap"


def remedies(result: RosterResult) -> tuple[Remedy, ...]:
    """The remedies the roster's summary suggests: a longer time limit when the solver stopped at it, a
    full-coverage run (the price of each gap) when a shortfall was left and is not priced yet."""
    m = result.summary
    found = []
    if result.info.status == "time limit":
        found.append(Remedy.LONGER_TIME_LIMIT)
    if result.has_shortfall and m.comparison is None:
        found.append(Remedy.FULL_COVERAGE)
    return tuple(found)


def floor_plan_lines(result: RosterResult) -> list[str]:
    """What the coverage prediction assumes about how the floor runs the roster (issue 13)."""
    plan = result.floor
    if plan is None:
        return []
    lines = [
        "Assumes the floor runs the activities sheet: in each interval each pool's agents work the groups it "
        "lists (live agents on live work only, the rest on deferred work), take queues in the routing sheet's "
        "order and break at the breaks sheet's times"
    ]
    if len(plan.unkept):
        due = int((plan.unkept["reason"] == DEFERRED_DUE).sum())
        why = f" ({due} of them because an agent works deferred work that falls due)" if due else ""
        lines.append(
            f"  {len(plan.unkept)} group-interval(s) where whole agents do not keep a live target{why}: "
            "see the activity_gaps sheet"
        )
    return lines


def roster_text(result: RosterResult, output: str | None) -> str:
    m = result.summary
    todo = remedies(result)
    cur = m.currency
    info = result.info
    lines = [
        f"Roster for {m.input}: {m.shifts_per_week:,} shifts, {m.paid_hours_per_week:,.0f} paid hours a week",
        f"Cost: {m.weekly_cost:,.2f} {cur} a week, {m.annual_cost:,.0f} {cur} a year ({m.weeks_per_year:g} weeks)",
        f"Solver: {info.solver}, {info.status}; objective {info.objective:,.2f}, best bound {info.best_bound:,.2f}, "
        f"gap {info.gap:.3%}; LP-relaxation bound {info.lp_bound:,.2f} "
        f"(cost within {m.gap_to_lp_bound:.3%} of it); {info.seconds:.1f} s solve, {m.model.variables:,} variables, "
        f"{m.model.constraints:,} constraints",
    ]
    if Remedy.LONGER_TIME_LIMIT in todo:
        less = " with less shortfall" if result.has_shortfall else ""
        lines.append(
            f"  the solver stopped at its time limit {info.gap:.2%} above its best bound: "
            f"a longer time limit can give a cheaper roster{less}"
        )
    if m.tours:
        lines.append(f"Headcount: {m.headcount:,} people on weekly tours (days off, rest and start band per person)")
    else:
        lines.append(
            f"Headcount: {m.headcount:,} people (ceil(shifts / shifts_per_week) per pool); "
            f"{m.people_needed:,} when each pool's busiest local day is counted too"
        )
    lines.extend(_tables(result))
    if m.labour_rules is not None:
        r = m.labour_rules
        bound = "" if r.price_at_lp_bounds_weekly is None else f"; {r.price_at_lp_bounds_weekly:,.0f} between LP bounds"
        lines.append(
            f"Price of the labour rules: {r.price_weekly:,.0f} {cur} a week ({r.price_annual:,.0f} a year): "
            f"the same week without tours costs {r.without_tours_weekly_cost:,.0f} with "
            f"{r.without_tours_headcount:,} people ({r.without_tours_solver_status}{bound})"
        )
        if r.price_weekly < 0:
            lines.append(
                f"  below zero only because each solve stops within its gap of its own LP bound: the week without "
                f"tours at {r.without_tours_gap:.3%}, the tour roster at {m.gap_to_lp_bound or 0.0:.3%}"
            )
    if result.has_shortfall:
        lines.append(
            f"SHORTFALL: {m.shortfall_agent_hours:,.1f} agent-hours in {m.shortfall_intervals} queue-intervals "
            f"({m.shortfall_uncoverable_agent_hours:,.1f} that no pool can cover, "
            f"{m.shortfall_coverable_agent_hours:,.1f} coverable); see the gaps sheet"
        )
        if Remedy.FULL_COVERAGE in todo:
            lines.append(
                "  a full-coverage run prices closing each gap (hires starting at any hour where it is spoken)"
            )
    else:
        lines.append(
            "Coverage: every queue meets its target in every interval with demand "
            f"({m.live_intervals_with_demand:,} live queue-intervals checked against Erlang)"
        )
    lines.extend(floor_plan_lines(result))
    lines.append("Time-zone coverage:")
    lines.extend("  " + ln for ln in time_zone_answer(result))
    if output:
        lines.append(f"Wrote {output}")
    return "\n".join(lines)


def requirements_json(req: Requirements, output: str | None) -> dict[str, Any]:
    """The requirements summary as JSON-ready data, with the path written (or None)."""
    return {**req.summary_dict(), "output": output}


def _aligned(frame: pd.DataFrame, formats: dict[str, Any]) -> list[str]:
    return ["  " + ln for ln in frame.to_string(index=False, formatters=formats).splitlines()]


def _tables(result: RosterResult) -> list[str]:
    """People and cost by site, and contacts, cost and service against target by channel, as aligned tables."""
    from planner.outputs.dashboard import build_dashboard
    from planner.outputs.finance import finance_pack

    dash = build_dashboard(result, finance_pack(result))
    cur = result.summary.currency
    money = "{:,.0f}".format
    share = "{:.1%}".format
    sites = dash.by_site.rename(columns={"weekly_cost": f"weekly cost ({cur})"})
    channels = dash.by_channel.assign(
        meets_target=dash.by_channel["meets_target"].map({True: "yes", False: "NO"})
    ).rename(
        columns={
            "contacts": "contacts/week",
            "weekly_cost": f"weekly cost ({cur})",
            "cost_per_contact": "per contact",
            "service_level": "service level",
            "target_service_level": "target",
            "meets_target": "met",
        }
    )
    return [
        "  by site:",
        *_aligned(sites, {"people": "{:,}".format, f"weekly cost ({cur})": money}),
        "By channel:",
        *_aligned(
            channels,
            {
                "contacts/week": money,
                f"weekly cost ({cur})": money,
                "per contact": "{:,.2f}".format,
                "service level": share,
                "target": share,
            },
        ),
    ]


def roster_json(result: RosterResult, output: str | None) -> dict[str, Any]:
    gaps = result.gaps
    return {
        "metrics": {k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in result.summary.rows()},
        "time_zone_coverage": time_zone_answer(result),
        "gaps": [
            {
                "interval_start": r.interval_start.isoformat(),
                "language": r.language,
                "channel": r.channel,
                "tier": r.tier,
                "shortfall": round(float(r.shortfall), 4),
                "coverable": bool(r.coverable),
                "reason": r.reason,
            }
            for r in gaps.itertuples(index=False)
        ][:1000],
        "output": output,
    }
