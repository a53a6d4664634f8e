"""The roster model as one persistent HiGHS model: built once from the PuLP model's matrix, then solved
stage after stage with bounds and integrality changed in place (see :mod:`planner.roster.solve`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pulp

from planner import interrupts
from planner.roster.rules import RosterModel

#: Work limits are counted by the solver itself, so a stage ends at the same point on any machine load.
STAGE_OPTIONS_RESET: dict[str, bool | float | str | int] = {
    "mip_max_nodes": 2**31 - 1,
    "mip_max_leaves": 2**31 - 1,
    "mip_max_improving_sols": 2**31 - 1,
    "objective_target": -np.inf,
    "mip_abs_gap": 1e-6,
}


@dataclass(frozen=True)
class MatrixSize:
    """Rows, columns and nonzeros of a model's matrix."""

    rows: int
    columns: int
    nonzeros: int


@dataclass(frozen=True)
class Matrix:
    """A PuLP model's columns (in ``lp.variables()`` order) and rows (in ``lp.constraints`` order),
    rows in compressed sparse row form."""

    names: tuple[str, ...]
    cost: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    integer: np.ndarray  # bool per column
    row_names: tuple[str, ...]
    row_lower: np.ndarray
    row_upper: np.ndarray
    starts: np.ndarray
    index: np.ndarray
    value: np.ndarray

    @property
    def size(self) -> MatrixSize:
        return MatrixSize(len(self.row_names), len(self.names), len(self.value))

    def feasible(self, values: np.ndarray, tol: float = 1e-5) -> bool:
        """Whether column values satisfy every bound, row and integrality (within ``tol``)."""
        if np.any(values < self.lower - tol) or np.any(values > self.upper + tol):
            return False
        if np.any(np.abs(values[self.integer] - np.round(values[self.integer])) > tol):
            return False
        products = self.value * values[self.index]
        activity = np.zeros(len(self.row_names))
        rows = np.repeat(np.arange(len(self.row_names)), np.diff(self.starts))
        np.add.at(activity, rows, products)
        return bool(np.all(activity >= self.row_lower - tol) and np.all(activity <= self.row_upper + tol))


def matrix_of(lp: pulp.LpProblem) -> Matrix:
    """The matrix of any PuLP minimisation model (so that new rules need nothing here)."""
    variables = lp.variables()
    position = {v.name: j for j, v in enumerate(variables)}
    inf = np.inf
    lower = np.array([-inf if v.lowBound is None else float(v.lowBound) for v in variables])
    upper = np.array([inf if v.upBound is None else float(v.upBound) for v in variables])
    integer = np.array([v.cat == pulp.LpInteger for v in variables], dtype=bool)
    cost = np.zeros(len(variables))
    for v, c in lp.objective.items():
        cost[position[v.name]] = float(c)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    row_lower: list[float] = []
    row_upper: list[float] = []
    constraints = lp.constraints()
    for constraint in constraints:
        for v, c in constraint.items():
            if c != 0:
                index.append(position[v.name])
                value.append(float(c))
        starts.append(len(index))
        lb, ub = constraint.getLb(), constraint.getUb()
        row_lower.append(-inf if lb is None else float(lb))
        row_upper.append(inf if ub is None else float(ub))
    return Matrix(
        names=tuple(v.name for v in variables),
        cost=cost,
        lower=lower,
        upper=upper,
        integer=integer,
        row_names=tuple(c.name for c in constraints),
        row_lower=np.array(row_lower),
        row_upper=np.array(row_upper),
        starts=np.array(starts, dtype=np.int32),
        index=np.array(index, dtype=np.int32),
        value=np.array(value, dtype=float),
    )


class HighsModel:
    """One ``highspy.Highs`` holding the roster model for the whole solve.

    Columns keep the order of ``model.lp.variables()``; ``shift_columns`` are the shift starts'.
    The LP basis stays in the object between stages (bounds change in place), so each LP
    re-solve starts from the last one's basis.
    """

    def __init__(self, model: RosterModel, options: dict[str, bool | float | str | int]) -> None:
        import highspy

        self.model = model
        self.matrix = matrix_of(model.lp)
        position = {name: j for j, name in enumerate(self.matrix.names)}
        self.shift_columns = np.array([position[v.name] for v in model.shifts], dtype=np.int32)
        self.short_columns = np.array([position[v.name] for v in model.short.values()], dtype=np.int32)
        self.tour_columns = np.array([position[v.name] for v in model.tours.values()], dtype=np.int32)
        self.integer_columns = np.flatnonzero(self.matrix.integer).astype(np.int32)
        self.h = highspy.Highs()
        for key, value in options.items():
            self.h.setOptionValue(key, value)
        m = self.matrix
        n = len(m.names)
        self.h.addVars(n, m.lower, m.upper)
        self.h.changeColsCost(n, np.arange(n, dtype=np.int32), m.cost)
        self.h.addRows(len(m.row_names), m.row_lower, m.row_upper, len(m.value), m.starts[:-1], m.index, m.value)
        self.integer = False
        self._partial = False  # some integer columns integer, others relaxed (set_integrality)

    @property
    def size(self) -> MatrixSize:
        return self.matrix.size

    def set_options(self, options: dict[str, bool | float | str | int]) -> None:
        """HiGHS options (set the integrality first); a ``time_limit`` counts from now: HiGHS checks an LP's
        against the time all runs of the model have taken so far (a MIP's against its own run), so for an LP
        that time is added."""
        lp = not self.integer and not self._partial
        for key, value in options.items():
            if key == "time_limit" and lp and isinstance(value, float | int) and not isinstance(value, bool):
                value = float(value) + float(self.h.getRunTime())
            self.h.setOptionValue(key, value)

    def option_values(self, keys: Iterable[str]) -> dict[str, bool | float | str | int]:
        """The current values of these HiGHS options (to set them back after a change)."""
        return {key: self.h.getOptionValue(key)[1] for key in keys}

    def set_integer(self, integer: bool) -> None:
        """Integer shift starts and headcounts (MIP) or all columns continuous (its LP relaxation)."""
        import highspy

        if (integer == self.integer and not self._partial) or len(self.integer_columns) == 0:
            self.integer = integer
            return
        kind = highspy.HighsVarType.kInteger if integer else highspy.HighsVarType.kContinuous
        cols = self.integer_columns
        self.h.changeColsIntegrality(len(cols), cols, np.array([kind] * len(cols)))
        self.integer = integer
        self._partial = False

    def set_shift_bounds(self, lower: np.ndarray, upper: np.ndarray) -> None:
        cols = self.shift_columns
        self.h.changeColsBounds(len(cols), cols, np.asarray(lower, dtype=float), np.asarray(upper, dtype=float))

    def reset_shift_bounds(self) -> None:
        self.reset_bounds(self.shift_columns)

    def set_bounds(self, cols: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> None:
        """Bounds of any set of columns (shift starts, tours, ...) changed in place; undo with reset_bounds."""
        lo, up = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
        self.h.changeColsBounds(len(cols), np.asarray(cols, dtype=np.int32), lo, up)

    def reset_bounds(self, cols: np.ndarray) -> None:
        """The model's own bounds back on these columns."""
        cols = np.asarray(cols, dtype=np.int32)
        self.h.changeColsBounds(len(cols), cols, self.matrix.lower[cols], self.matrix.upper[cols])

    def set_integrality(self, integer_cols: np.ndarray) -> None:
        """Only ``integer_cols`` (a subset of the integer columns) integer, every other column continuous;
        undo with set_integer (which sets all integer columns alike)."""
        import highspy

        cols = self.integer_columns
        chosen = np.isin(cols, integer_cols)
        kinds = [highspy.HighsVarType.kInteger if c else highspy.HighsVarType.kContinuous for c in chosen]
        self.h.changeColsIntegrality(len(cols), cols, np.array(kinds))
        self.integer = bool(chosen.all())  # a partial choice counts as not all integer: set_integer redoes it
        self._partial = not bool(chosen.all()) and bool(chosen.any())

    def set_start(self, values: np.ndarray) -> None:
        import highspy

        sol = highspy.HighsSolution()
        sol.col_value = list(map(float, values))
        sol.value_valid = True
        self.h.setSolution(sol)

    def run(self) -> str:
        """Solve as the model now stands; returns HiGHS's model status in lower case."""
        with interrupts.native_call():  # HiGHS stops through its interrupt callbacks
            self.h.run()
        return str(self.h.modelStatusToString(self.h.getModelStatus())).lower()

    def info(self) -> Any:
        return self.h.getInfo()

    def has_solution(self) -> bool:
        return bool(self.h.getInfo().primal_solution_status == 2)

    def values(self) -> np.ndarray:
        return np.array(self.h.getSolution().col_value, dtype=float)

    def objective(self, values: np.ndarray) -> float:
        return float(self.matrix.cost @ values)

    def write_back(self, values: np.ndarray) -> None:
        """The solution's values onto the PuLP model's variables."""
        for v, x in zip(self.model.lp.variables(), values, strict=True):
            v.varValue = float(x)

    def set_callback(self, callback: Callable[..., None], kinds: list[Any]) -> None:
        self.h.setCallback(callback, None)
        for kind in kinds:
            self.h.startCallback(kind)
