"""Progress of a roster solve as typed events: what the library reports while it works
(model built, stages started and ended, incumbents found, solver log lines)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


class ProgressKind(Enum):
    """What happened."""

    MODEL_BUILT = "model built"
    STAGE_STARTED = "stage started"
    STAGE_SKIPPED = "stage skipped"
    INCUMBENT_FOUND = "incumbent found"
    STAGE_ENDED = "stage ended"
    SOLVER_LOG_LINE = "solver log line"


class Stage(Enum):
    """The stages of a solve (see :func:`planner.roster.solve.solve_model`)."""

    LP_BOUND = "LP relaxation (lower bound)"
    LP_DIVE = "rounding dive from the LP (first roster)"
    TOUR_PEOPLE = "whole people per tour near the LP's tours (shift starts continuous)"
    TOUR_STARTS = "whole shift starts for the tours' people"
    TOUR_REPAIR = "people added on tours where a shortfall is coverable"
    RESTRICTED_MIP = "restricted MIP around the LP solution"
    REPAIR = "repair of the shortfall"
    COVER = "constructive cover of the shortfall"
    FULL_MIP = "full MIP"


@dataclass(frozen=True)
class ProgressEvent:
    """One progress event. ``elapsed`` counts seconds from the start of the solve (from the start of the
    model build for MODEL_BUILT). ``objective`` is the incumbent's cost (INCUMBENT_FOUND, STAGE_ENDED),
    ``bound`` the best bound known then; ``message`` a one-line description (the log line itself for
    SOLVER_LOG_LINE)."""

    kind: ProgressKind
    elapsed: float
    stage: Stage | None = None
    stage_number: int | None = None
    stages: int = 3
    objective: float | None = None
    bound: float | None = None
    message: str = ""

    def describe(self) -> str:
        """One line for a person to read."""
        if self.kind is ProgressKind.SOLVER_LOG_LINE or self.stage is None:
            return self.message
        head = f"stage {self.stage_number}/{self.stages}" if self.stage_number else self.stage.value.split(" ")[0]
        if self.kind is ProgressKind.STAGE_STARTED:
            text = f"{head}: {self.stage.value}" if self.stage_number else self.stage.value
        elif self.kind is ProgressKind.STAGE_SKIPPED:
            text = f"{head} skipped: {self.stage.value}"
        elif self.kind is ProgressKind.INCUMBENT_FOUND:
            text = f"{head}: roster found, cost {self.objective:,.2f}"
        else:
            cost = "" if self.objective is None else f", cost {self.objective:,.2f}"
            if self.objective is None and self.bound is not None:
                cost = f", bound {self.bound:,.2f}"
            text = f"{head} done{cost}"
        return f"{text} ({self.message})" if self.message else text


ProgressFn = Callable[[ProgressEvent], None]


class Reporter:
    """Emits events to an optional callback, with the elapsed time since it was made."""

    def __init__(self, callback: ProgressFn | None, start: float | None = None) -> None:
        self.callback = callback
        self.start = time.perf_counter() if start is None else start

    def __bool__(self) -> bool:
        return self.callback is not None

    def emit(self, kind: ProgressKind, **fields: object) -> None:
        if self.callback is not None:
            self.callback(ProgressEvent(kind, time.perf_counter() - self.start, **fields))  # type: ignore[arg-type]

    def log_line(self, line: str) -> None:
        self.emit(ProgressKind.SOLVER_LOG_LINE, message=line)
