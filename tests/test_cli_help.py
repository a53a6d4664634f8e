"""Every command explains itself; `init` writes a template that `validate` accepts."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest
from workbooks import run_cli

from planner.cli import cli

COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"init", "validate"} <= set(COMMANDS)


@pytest.mark.parametrize("flag", ["-h", "--help"])
def test_top_level_help(flag: str) -> None:
    run = run_cli(flag)
    assert run.exit_code == 0
    assert run.stdout.startswith("Usage: planner [OPTIONS] COMMAND [ARGS]...")
    for name in COMMANDS:
        assert f"\n  {name} " in run.stdout
    assert "planner init" in run.stdout and "planner validate" in run.stdout


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("name", COMMANDS)
def test_command_help(name: str, flag: str) -> None:
    run = run_cli(name, flag)
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    lines = run.stdout.splitlines()
    assert lines[0].startswith(f"Usage: planner {name} ")
    assert lines[1] == ""
    # a one-sentence summary paragraph (one line in the docstring; the terminal may wrap it)
    end = lines.index("", 2)
    summary = " ".join(line.strip() for line in lines[2:end])
    assert summary.endswith(".") and ". " not in summary, summary
    doc = cli.commands[name].help or ""
    assert "\n" not in doc.strip().split("\n\n")[0], "the summary should be one line of the docstring"
    assert summary == cli.commands[name].get_short_help_str(limit=200)
    # an example block: 'Example:' or 'Examples:', then indented 'planner NAME ...' lines
    heads = [i for i, line in enumerate(lines) if line.strip() in ("Example:", "Examples:")]
    assert heads, run.stdout
    example = lines[heads[0] + 1]
    assert example.strip().startswith(f"planner {name}"), example
    assert "-h, --help" in run.stdout


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str) -> None:
    run = run_cli(flag)
    assert run.exit_code == 0
    assert run.stdout == f"planner, version {version('planner')}\n"


def test_init_then_validate(tmp_path: Path) -> None:
    path = tmp_path / "inputs" / "my_week.xlsx"
    run = run_cli("init", path)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"wrote {path}")
    assert path.is_file()
    run = run_cli("validate", path)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.startswith(f"{path}: valid\n")
    assert "warning:" not in run.stdout
    run = run_cli("validate", path, "--json")
    assert run.exit_code == 0, run.stderr
    assert '"source"' in run.stdout


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "week.xlsx"
    path.write_bytes(b"my precious work")
    run = run_cli("init", path)
    assert run.exit_code == 1
    assert run.stderr_lines == [f"Error: {path} already exists; use --force to overwrite it"]
    assert path.read_bytes() == b"my precious work"
    run = run_cli("init", path, "--force")
    assert run.exit_code == 0, run.stderr
    assert path.read_bytes()[:2] == b"PK"
    assert run_cli("validate", path).exit_code == 0


def test_wrong_usage_exits_2() -> None:
    run = run_cli("validate")
    assert run.exit_code == 2
    assert "Missing argument 'INPUT'" in run.stderr
    run = run_cli("no-such-command")
    assert run.exit_code == 2
