"""`python -m planner` runs the command-line interface."""

from planner.cli import cli

if __name__ == "__main__":
    cli(prog_name="planner")
