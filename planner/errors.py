"""Library errors and the problem records that input validation collects.

Library code raises these; only ``planner.cli`` turns them into ``click.ClickException``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How serious a validation finding is."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


def render_value(value: Any) -> str:
    """Show a cell value the way a spreadsheet user would recognise it."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return "blank"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        if math.isinf(value):
            return "infinity" if value > 0 else "-infinity"
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:57] + "..."
        return repr(text)
    return str(value)


@dataclass(frozen=True)
class Problem:
    """One finding about an input file, located as precisely as possible."""

    file: str
    message: str = ""
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    severity: Severity = Severity.ERROR
    has_value: bool = False

    @classmethod
    def cell(
        cls,
        file: str,
        sheet: str,
        row: int,
        column: str,
        value: Any,
        expected: str,
        severity: Severity = Severity.ERROR,
    ) -> Problem:
        """A bad cell: names the file, sheet, row, column, value and expectation."""
        return cls(
            file=file,
            sheet=sheet,
            row=row,
            column=column,
            value=value,
            expected=expected,
            severity=severity,
            has_value=True,
        )

    def location(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column '{self.column}'")
        return ", ".join(parts)

    def describe(self) -> str:
        """The one-line text shown to the user."""
        detail = []
        if self.has_value:
            detail.append(f"got {render_value(self.value)}")
        if self.message:
            detail.append(self.message)
        if self.expected:
            detail.append(f"expected {self.expected}")
        text = "; ".join(detail)
        return f"{self.location()}: {text}" if text else self.location()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "severity": self.severity.value,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "message": self.describe(),
        }
        if self.has_value:
            out["value"] = render_value(self.value)
        if self.expected:
            out["expected"] = self.expected
        return out


@dataclass
class ProblemLog:
    """Collects findings while a file is read, so all of them can be reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    @property
    def notes(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.NOTE]

    def raise_if_errors(self, source: str) -> None:
        if self.errors:
            raise InputError(source, self.errors, self.warnings + self.notes)


class PlannerError(Exception):
    """Base class of every error planner reports to its user."""


class InputError(PlannerError):
    """The input workbook or CSV folder has problems; every one found is listed."""

    def __init__(self, source: str, problems: list[Problem], others: list[Problem] | None = None):
        self.source = source
        self.problems = problems
        self.others = others or []
        super().__init__(self.render())

    def render(self, limit: int = 1000) -> str:
        n = len(self.problems)
        head = f"{self.source}: {n} problem{'s' if n != 1 else ''} found"
        lines = [head] + [p.describe() for p in self.problems[:limit]]
        if n > limit:
            lines.append(f"... and {n - limit} more problems not shown")
        return "\n".join(lines)


class ModelError(PlannerError):
    """The optimisation model could not be built from the given requirements."""


class SolverError(PlannerError):
    """The solver failed, was unavailable, or returned no usable roster."""


class OutputError(PlannerError):
    """An output file could not be written."""


class SolverTimeLimitError(SolverError):
    """The solver found no roster within its time limit (a longer one may find one)."""
