"""Progress events from the library, the settings-or-request rule for solve options, and library
messages that name no command-line flag."""

from __future__ import annotations

import ast
import re
from dataclasses import replace
from pathlib import Path

import pytest

from planner.domain import SolverChoice
from planner.inputs.load import load_scenario
from planner.inputs.settings import make_settings
from planner.roster.plan import RosterOptions, plan_roster
from planner.roster.progress import ProgressEvent, ProgressKind, Stage
from planner.roster.solve import SolveOptions

TINY = Path("inputs/tiny.xlsx")


@pytest.fixture(scope="module")
def events() -> tuple[list[ProgressEvent], object]:
    seen: list[ProgressEvent] = []
    scenario = load_scenario(TINY)
    result = plan_roster(scenario, RosterOptions(solve=SolveOptions(gap=0.0, time_limit=60)), progress=seen.append)
    return seen, result


def test_model_built_comes_first_and_once(events: tuple) -> None:
    seen, _ = events
    assert seen[0].kind is ProgressKind.MODEL_BUILT
    assert seen[0].message.startswith("model: ")
    assert [e.kind for e in seen].count(ProgressKind.MODEL_BUILT) == 1


def test_each_stage_starts_before_it_ends_and_the_stages_run_in_order(events: tuple) -> None:
    seen, _ = events
    stages = [e for e in seen if e.kind in (ProgressKind.STAGE_STARTED, ProgressKind.STAGE_ENDED)]
    open_stage = None
    for e in stages:
        if e.kind is ProgressKind.STAGE_STARTED:
            assert open_stage is None  # stages do not nest
            open_stage = e.stage
        else:
            assert e.stage is open_stage
            open_stage = None
    assert open_stage is None
    numbered = [e.stage_number for e in stages if e.kind is ProgressKind.STAGE_STARTED and e.stage_number]
    assert numbered[:2] == [1, 2] and numbered == sorted(numbered)
    assert stages[0].stage is Stage.LP_BOUND
    times = [e.elapsed for e in seen[1:]]
    assert times == sorted(times)


def test_lp_bound_is_below_every_roster_found(events: tuple) -> None:
    seen, result = events
    lp_end = next(e for e in seen if e.kind is ProgressKind.STAGE_ENDED and e.stage is Stage.LP_BOUND)
    assert lp_end.bound == pytest.approx(result.info.lp_bound)
    found = [e.objective for e in seen if e.kind is ProgressKind.INCUMBENT_FOUND]
    assert found, "HiGHS reports the rosters it finds"
    assert all(f >= lp_end.bound - 1e-6 for f in found)
    assert result.info.objective <= min(found) + 1e-6  # the roster returned is the best one found


def test_solver_log_lines_are_events_not_console_output(events: tuple, capfd: pytest.CaptureFixture[str]) -> None:
    seen, _ = events
    lines = [e.message for e in seen if e.kind is ProgressKind.SOLVER_LOG_LINE]
    assert any("Presolving model" in ln for ln in lines)
    scenario = load_scenario(TINY)
    plan_roster(scenario, RosterOptions(solve=SolveOptions(time_limit=60)), progress=lambda e: None)
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_full_coverage_builds_two_models(tmp_path: Path) -> None:
    seen: list[ProgressEvent] = []
    scenario = load_scenario(TINY)
    plan_roster(scenario, RosterOptions(full_coverage=True), progress=seen.append)
    assert [e.kind for e in seen].count(ProgressKind.MODEL_BUILT) == 2


def test_solve_options_take_the_request_where_given_else_the_settings() -> None:
    settings = replace(make_settings(), solver=SolverChoice.CBC, time_limit_seconds=12.0, mip_gap=0.02, threads=3)
    assert SolveOptions.from_settings(settings) == SolveOptions(SolverChoice.CBC, 12.0, 0.02, 3)
    given = SolveOptions.from_settings(settings, solver="highs", time_limit=5.0, gap=0.0, threads=1)
    assert given == SolveOptions(SolverChoice.HIGHS, 5.0, 0.0, 1)  # a gap of 0 is a request, not "unset"


FLAG = re.compile(r"(?<![\w-])--[a-z][a-z-]+")


def _message_strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a module except docstrings."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "module",
    ["roster/solve.py", "roster/progress.py", "outputs/text.py", "outputs/workbooks.py", "outputs/files.py"],
)
def test_library_messages_name_no_command_line_flag(module: str) -> None:
    path = Path("planner") / module
    flags = [(line, text) for line, text in _message_strings(path) if FLAG.search(text)]
    assert flags == []


def test_the_cli_names_the_flag_that_answers_a_time_limit_error() -> None:
    import click

    from planner.cli import _library_errors
    from planner.errors import SolverTimeLimitError

    @_library_errors
    def failing() -> None:
        raise SolverTimeLimitError("the solver found no roster within its time limit of 5 s; a longer one may find one")

    with pytest.raises(click.ClickException) as caught:
        failing()
    assert caught.value.message == (
        "the solver found no roster within its time limit of 5 s; a longer one may find one (use --time-limit)"
    )


def test_events_read_as_one_line_each() -> None:
    started = ProgressEvent(ProgressKind.STAGE_STARTED, 0.5, Stage.FULL_MIP, 3, message="warm-started")
    assert started.describe() == "stage 3/3: full MIP (warm-started)"
    found = ProgressEvent(ProgressKind.INCUMBENT_FOUND, 2.0, Stage.RESTRICTED_MIP, 2, objective=8385.0)
    assert found.describe() == "stage 2/3: roster found, cost 8,385.00"
    lp_done = ProgressEvent(ProgressKind.STAGE_ENDED, 0.1, Stage.LP_BOUND, 1, bound=7990.0)
    assert lp_done.describe() == "stage 1/3 done, bound 7,990.00"
    repair = ProgressEvent(ProgressKind.STAGE_STARTED, 3.0, Stage.REPAIR, message="4 shift options may move")
    assert repair.describe() == "repair of the shortfall (4 shift options may move)"
    line = ProgressEvent(ProgressKind.SOLVER_LOG_LINE, 3.0, message="Presolving model")
    assert line.describe() == "Presolving model"


def test_an_improving_roster_is_reported_at_the_models_cost_of_its_columns() -> None:
    """HiGHS's callback value can leave out the presolved model's objective offset (a full-MIP roster of
    232,777.59 came as 230,364.11, below the LP bound): the event carries the cost of the roster's columns."""
    import highspy
    import numpy as np

    from planner.roster.solve import _highs_callback

    seen: list[ProgressEvent] = []

    class Run:
        report = type("R", (), {"emit": lambda self, kind, **kw: seen.append(ProgressEvent(kind, 0.0, **kw))})()
        stage = Stage.FULL_MIP

    class Backend:
        cost = np.array([3.0, 4.0])
        stop_when = None
        interrupt = False

    class Out:
        objective_function_value = 1.0  # what the callback said
        mip_solution = [1.0, 2.0]  # costs 3 x 1 + 4 x 2 = 11
        mip_dual_bound = 10.0

    callback = _highs_callback(Run(), Backend())  # type: ignore[arg-type]
    callback(highspy.cb.HighsCallbackType.kCallbackMipImprovingSolution, "", Out(), None, None)
    assert [e.objective for e in seen] == [11.0]
