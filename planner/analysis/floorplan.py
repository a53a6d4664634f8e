"""The roster's floor plan after the solve: activity plan, routing guidance and staggered break schedule."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.analysis.activities import plan_activities
from planner.analysis.breaks import schedule_breaks
from planner.domain import Scenario
from planner.requirements import Requirements
from planner.roster.options import ShiftOptions
from planner.roster.rules import RosterProblem


@dataclass(frozen=True)
class FloorTables:
    """How the floor should run the roster: ``activities`` (agents per pool, interval and demand group),
    ``routing`` (per pool, the order in which it takes queues), ``breaks`` (break start per pool, shift
    start and agents) and ``unkept`` (pool-intervals where whole agents cannot keep a live target)."""

    activities: pd.DataFrame
    routing: pd.DataFrame
    breaks: pd.DataFrame
    unkept: pd.DataFrame


def floor_tables(
    scenario: Scenario,
    req: Requirements,
    options: ShiftOptions,
    problem: RosterProblem,
    agents: np.ndarray,
    alloc: dict[tuple[str, str, int], float],
    placed: dict[int, list[tuple[int, int]]] | None = None,
) -> FloorTables:
    """The activity plan, routing guidance and break schedule of one solved roster (``placed``: the breaks
    the model placed, per option; the other shifts' breaks are staggered around them)."""
    plan = plan_activities(scenario, req, problem, agents, alloc, placed)
    names = [p.name for p in problem.pools]
    breaks = schedule_breaks(scenario, options, agents, plan.live_need, names, placed)
    return FloorTables(plan.activities, plan.routing, breaks, plan.unkept)
