"""The real `planner` process: standard output carries only what the command prints (its JSON
parses), the solver's banner and log reach standard error only with -v."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "inputs" / "tiny.xlsx"
BANNER = "Running HiGHS"


def planner(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m planner ARGS`` in a fresh interpreter, importing this checkout."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "planner", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def roster_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("cli_stdout")
    return {
        "quiet": planner("roster", TINY, "--json", "-o", tmp / "quiet.xlsx", cwd=tmp),
        "verbose": planner("roster", TINY, "--json", "-v", "-o", tmp / "verbose.xlsx", cwd=tmp),
        "text": planner("roster", TINY, "-o", tmp / "text.xlsx", cwd=tmp),
        "tmp": tmp,  # type: ignore[dict-item]
    }


def test_roster_json_on_stdout_parses_and_names_the_written_workbook(roster_runs: dict) -> None:
    run = roster_runs["quiet"]
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)  # nothing but the JSON document on stdout
    assert BANNER not in run.stdout
    out = roster_runs["tmp"] / "quiet.xlsx"
    assert out.is_file()
    assert set(data) >= {"metrics"}
    assert str(out) in run.stdout


def test_roster_json_matches_the_library_result(roster_runs: dict) -> None:
    from planner.inputs.load import load_scenario
    from planner.roster.plan import RosterOptions, plan_roster
    from planner.roster.solve import SolveOptions

    data = json.loads(roster_runs["quiet"].stdout)
    scenario = load_scenario(TINY)
    result = plan_roster(scenario, RosterOptions(solve=SolveOptions.from_settings(scenario.settings)))
    assert data["metrics"]["weekly_cost"] == pytest.approx(result.summary.weekly_cost)
    assert data["metrics"]["shifts_per_week"] == result.summary.shifts_per_week


def test_without_verbose_stderr_has_the_stages_but_no_solver_banner_or_log(roster_runs: dict) -> None:
    err = roster_runs["quiet"].stderr
    assert BANNER not in err
    assert "Presolving model" not in err
    lines = err.splitlines()
    assert "model: " in lines[0]
    assert any("stage 1/3: LP relaxation (lower bound)" in ln for ln in lines)


def test_verbose_streams_the_solver_banner_and_log_to_stderr_only(roster_runs: dict) -> None:
    run = roster_runs["verbose"]
    assert run.returncode == 0, run.stderr
    json.loads(run.stdout)
    assert BANNER not in run.stdout
    assert run.stderr.count(BANNER) == 1  # HiGHS's banner, once per process
    quiet = roster_runs["quiet"].stderr.splitlines()
    assert len(run.stderr.splitlines()) > len(quiet) + 10  # the solver's own log lines too


def test_text_summary_starts_with_the_summary_not_the_banner(roster_runs: dict) -> None:
    run = roster_runs["text"]
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("Roster for ")
    assert BANNER not in run.stdout + run.stderr


def test_validate_json_on_stdout_parses(tmp_path: Path) -> None:
    from planner.analysis.reach import summarize
    from planner.inputs.load import load_scenario

    run = planner("validate", TINY, "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    expected = json.loads(json.dumps(summarize(load_scenario(TINY)).to_dict(), default=str))
    assert json.loads(run.stdout) == expected


def test_requirements_json_on_stdout_parses(tmp_path: Path) -> None:
    out = tmp_path / "req.csv"
    run = planner("requirements", TINY, "--json", "-o", out, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["output"] == str(out)
    assert out.is_file()
    assert BANNER not in run.stdout + run.stderr
