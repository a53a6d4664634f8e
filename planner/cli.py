"""The `planner` command line: a thin Click layer over the library.

Each command parses its options, calls one library function and renders the result.
Exit codes: 0 success; 1 bad input, or a result that fails its targets; 2 wrong usage.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from planner import __version__
from planner.errors import InputError, PlannerError, SolverTimeLimitError
from planner.interrupts import Interrupted, signals_handled

if TYPE_CHECKING:
    from planner.roster.plan import RosterResult
    from planner.roster.progress import ProgressEvent

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


#: errors whose remedy is a command-line option: the option is named after the library's message
_FLAG_HINTS: tuple[tuple[type[PlannerError], str], ...] = ((SolverTimeLimitError, " (use --time-limit)"),)


def _library_errors(fn: F) -> F:
    """Turn library errors into `Error: ...` messages with exit code 1 (no traceback); Ctrl-C and
    SIGTERM stop the command with one line and exit 130 / 143."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with signals_handled():
                return fn(*args, **kwargs)
        except Interrupted as exc:
            click.echo(f"Interrupted ({exc.name}): stopped; existing outputs are left as they were", err=True)
            raise SystemExit(exc.exit_code) from None
        except InputError as exc:
            for other in exc.others:
                if other.severity.value == "warning":
                    click.echo(f"warning: {other.describe()}", err=True)
            raise click.ClickException(exc.render()) from None
        except PlannerError as exc:
            hint = next((h for kind, h in _FLAG_HINTS if isinstance(exc, kind)), "")
            raise click.ClickException(f"{exc}{hint}") from None
        except KeyboardInterrupt:
            raise click.ClickException("interrupted") from None
        except MemoryError:
            raise click.ClickException("not enough memory to finish: the input is too large for this machine") from None

    return wrapper  # type: ignore[return-value]


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _echo_findings(warnings: tuple[str, ...], notes: tuple[str, ...]) -> None:
    for w in warnings:
        click.echo(f"warning: {w}", err=True)
    for n in notes:
        click.echo(f"note: {n}", err=True)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="planner")
def cli() -> None:
    """Staff multilingual support teams: requirements from first-response targets, and the
    cheapest weekly roster across sites and time zones.

    \b
    Start with:
      planner init my_week.xlsx          # a template workbook to fill in
      planner validate my_week.xlsx      # check it, see the time-zone gaps
    """


@cli.command("init", context_settings=CONTEXT)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
@_library_errors
def init_cmd(path: Path, force: bool) -> None:
    """Write a template input workbook with every sheet, example rows and column help.

    \b
    Example:
      planner init inputs/my_week.xlsx
      planner validate inputs/my_week.xlsx
    """
    from planner.outputs.files import check_output_path
    from planner.outputs.template import write_template

    check_output_path(path)
    if path.exists() and not force:
        raise click.ClickException(f"{path} already exists; use --force to overwrite it")
    write_template(path)
    click.echo(f"wrote {path}: sheets demand, channels, targets, sites, pools, agents, shifts, settings, about")


@cli.command("validate", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@_library_errors
def validate_cmd(input_path: Path, as_json: bool) -> None:
    """Check an input workbook (or CSV folder) and summarise it.

    Reports every problem found (file, sheet, row, column, value, expectation) and exits 1;
    otherwise prints the horizon, contacts per language/channel/tier, sites with their local
    time and daylight-saving changes, pools, and the time-zone gaps per language.

    \b
    Example:
      planner validate inputs/exchange_week.xlsx
      planner validate inputs/exchange_week.xlsx --json > summary.json
    """
    from planner.analysis.reach import render, summarize
    from planner.inputs.load import load_scenario

    scenario = load_scenario(input_path)
    summary = summarize(scenario)
    if as_json:
        _echo_findings(scenario.warnings, ())
        _echo_json(summary.to_dict())
    else:
        click.echo(render(summary))


@cli.command("requirements", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the per-interval requirements to FILE.csv or FILE.xlsx.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@_library_errors
def requirements_cmd(input_path: Path, output: Path | None, as_json: bool) -> None:
    """Turn first-response targets into agents per interval, language, channel and tier.

    Live channels use Erlang C (or Erlang A when patience is given) with chat concurrency;
    deferrable channels are staffed to finish their work within the response window.
    Prints peak and total agent-hours per language and channel.

    \b
    Example:
      planner requirements inputs/exchange_week.xlsx
      planner requirements inputs/exchange_week.xlsx -o outputs/requirements.xlsx
      planner requirements inputs/tiny.xlsx -o outputs/tiny_requirements.csv --json
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.files import check_output_path
    from planner.outputs.text import requirements_text
    from planner.outputs.workbooks import write_requirements
    from planner.requirements import compute_requirements

    if output is not None:
        check_output_path(output, [input_path])
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    req = compute_requirements(scenario)
    if output is not None:
        write_requirements(req, output)
    if as_json:
        data = req.summary_dict()
        data["output"] = None if output is None else str(output)
        _echo_json(data)
    else:
        click.echo(requirements_text(req))
        if output is not None:
            click.echo(f"Wrote {output}")


class _ProgressView:
    """Renders the library's progress events on stderr with rich: a live status (elapsed time, stage,
    best roster so far) on a terminal, plain lines elsewhere; with ``verbose``, the solver's log too."""

    def __init__(self, verbose: bool) -> None:
        import time

        from rich.console import Console
        from rich.spinner import Spinner

        self.verbose = verbose
        self._clock = time.perf_counter
        self.start = self._clock()
        self.stage = "building the model"
        self.console = Console(stderr=True, highlight=False, soft_wrap=True)
        self._spinner = Spinner("dots")
        self._live: Any = None

    def __enter__(self) -> _ProgressView:
        if self.console.is_terminal:
            from rich.live import Live

            self._live = Live(self, console=self.console, refresh_per_second=4, transient=True)
            self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.stop()

    def __rich__(self) -> Any:
        self._spinner.update(text=f"[{self._clock() - self.start:6.1f} s] {self.stage} ...")
        return self._spinner

    def _line(self, text: str) -> None:
        from rich.text import Text

        self.console.print(Text(text))

    def __call__(self, event: ProgressEvent) -> None:
        from planner.roster.progress import ProgressKind

        elapsed = self._clock() - self.start
        if event.kind is ProgressKind.SOLVER_LOG_LINE:
            if self.verbose:
                self._line(event.message)
            return
        if event.kind is ProgressKind.STAGE_STARTED and event.stage is not None:
            self.stage = event.stage.value
        if event.kind is ProgressKind.INCUMBENT_FOUND:
            if event.stage is not None and event.objective is not None:
                self.stage = f"{event.stage.value}, best roster so far {event.objective:,.2f}"
            return
        self._line(f"[{elapsed:6.1f} s] {event.describe()}")


@cli.command("roster", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Output workbook (default outputs/roster.xlsx), or a folder with --format csv (default outputs/roster).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default="xlsx",
    show_default=True,
    help="xlsx: one workbook; csv: one CSV file per sheet in a folder.",
)
@click.option(
    "--solver",
    type=click.Choice(["auto", "highs", "cbc"]),
    default=None,
    help="MIP solver (default: the settings sheet, else auto = HiGHS if installed, else CBC).",
)
@click.option(
    "--time-limit",
    type=click.FloatRange(min=1, max=604_800),
    default=None,
    metavar="SECONDS",
    help="Solver time limit for the whole solve (default: settings, else 50).",
)
@click.option(
    "--gap",
    type=click.FloatRange(min=0, max=1, max_open=True),
    default=None,
    metavar="G",
    help="Relative gap at which to stop, e.g. 0.005 for 0.5 % (default: settings, else 0.005).",
)
@click.option("--threads", type=click.IntRange(min=1, max=256), default=None, metavar="N", help="Solver threads.")
@click.option(
    "--full-coverage",
    is_flag=True,
    help="Cover every queue-interval any pool could cover (hiring past headcount caps); also solves the "
    "default roster and reports what closing the gaps costs.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("-v", "--verbose", is_flag=True, help="Stream the solver log to stderr.")
@click.pass_context
@_library_errors
def roster_cmd(
    ctx: click.Context,
    input_path: Path,
    output: Path | None,
    fmt: str,
    solver: str | None,
    time_limit: float | None,
    gap: float | None,
    threads: int | None,
    full_coverage: bool,
    as_json: bool,
    verbose: bool,
) -> None:
    """Find the cheapest weekly roster that meets every first-response target.

    Solves an integer program (PuLP; HiGHS or CBC) over shift starts of every pool at every
    site, in local time across daylight-saving changes, splitting multilingual agents'
    time between queues. Writes shifts, coverage, cost, gaps and headcount. Exits 1 when
    any demand is left uncovered (the gaps sheet says where and why).

    \b
    Example:
      planner roster inputs/exchange_week.xlsx
      planner roster inputs/exchange_week.xlsx -o outputs/week.xlsx --time-limit 60 --gap 0.005
      planner roster inputs/exchange_week.xlsx --format csv -o outputs/week_csv --json
      planner roster inputs/exchange_week.xlsx --full-coverage -o outputs/full.xlsx
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.files import check_output_path
    from planner.outputs.text import roster_json, roster_text
    from planner.outputs.workbooks import default_roster_path, write_roster
    from planner.roster.plan import RosterOptions, plan_roster
    from planner.roster.solve import SolveOptions

    target = output if output is not None else default_roster_path(fmt)
    check_output_path(target, [input_path], folder=fmt == "csv")
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    solve = SolveOptions.from_settings(scenario.settings, solver, time_limit, gap, threads)
    options = RosterOptions(solve=solve, full_coverage=full_coverage)
    with _ProgressView(verbose) as progress:
        result = plan_roster(scenario, options, progress=progress)
    written = write_roster(result, target, fmt=fmt)
    if as_json:
        _echo_json(roster_json(result, str(written)))
    else:
        click.echo(roster_text(result, str(written)))
    _echo_findings((), _roster_hints(result))
    if result.has_shortfall:
        ctx.exit(1)


def _roster_hints(result: RosterResult) -> tuple[str, ...]:
    """The options that carry out the remedies the roster summary suggests."""
    from planner.outputs.text import Remedy, remedies

    flags = {
        Remedy.LONGER_TIME_LIMIT: "--time-limit SECONDS gives the solver longer",
        Remedy.FULL_COVERAGE: "--full-coverage prices closing the coverable gaps",
    }
    return tuple(flags[r] for r in remedies(result))


def main() -> None:  # pragma: no cover
    cli(prog_name="planner")


if __name__ == "__main__":  # pragma: no cover
    main()
