"""Marginal costs by re-solving: one more point of service level per channel, and a target tightened by one
step (an hour for deferrable channels, ten seconds for live ones), each priced against the base roster.

Re-solves rather than LP duals: service level and targets reach the roster through Erlang requirements that
move in whole agents per interval, so a dual at the final roster's fixing (the price of one more agent-hour
in one interval) does not say which intervals a point of service level would add; the re-solve does, at the
cost of one solve per step. A difference smaller than the two solves' gaps is noise and is marked so.
"""

from __future__ import annotations

from planner.domain import Scenario
from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec

#: how much a target is tightened: deferrable channels by an hour, live channels by ten seconds
DEFERRABLE_STEP_SECONDS = 3600.0
LIVE_STEP_SECONDS = 10.0
#: one point of service level
LEVEL_STEP = 0.01

MARGINAL_PREFIX = "marginal: "


def marginal_specs(base: Scenario) -> list[ScenarioSpec]:
    """One scenario per channel and step (skipped where the step is impossible: 100 % or a target that short).

    The steps apply at the channel's level: queues with a more specific `targets` row (a tier's own promise)
    keep it.
    """
    specs: list[ScenarioSpec] = []
    for name, ch in sorted(base.channels.items()):
        if ch.service_level + LEVEL_STEP <= 1.0 + 1e-9:
            level = round(ch.service_level + LEVEL_STEP, 4)
            label = f"{MARGINAL_PREFIX}{name} service level +1 point"
            specs.append(ScenarioSpec(label, (Change(label, ChangeKind.TARGET, 0, channel=name, service_level=level),)))
        step = DEFERRABLE_STEP_SECONDS if ch.deferrable else LIVE_STEP_SECONDS
        seconds = ch.target_minutes * 60.0
        if seconds > step:
            what = "1 h" if ch.deferrable else f"{LIVE_STEP_SECONDS:g} s"
            label = f"{MARGINAL_PREFIX}{name} target -{what}"
            specs.append(
                ScenarioSpec(label, (Change(label, ChangeKind.TARGET, 0, channel=name, target_seconds=seconds - step),))
            )
    return specs
