"""The `planner` command line: a thin Click layer over the library.

Each command parses its options, calls one library function and renders the result.
Exit codes: 0 success; 1 bad input, or a result that fails its targets; 2 wrong usage.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from planner import __version__
from planner.domain import DEFAULT_TIME_LIMIT_SECONDS
from planner.errors import InputError, PlannerError, SolverTimeLimitError
from planner.interrupts import Interrupted, signals_handled

if TYPE_CHECKING:
    from planner.domain import Scenario
    from planner.roster.plan import RosterResult
    from planner.roster.progress import ProgressEvent
    from planner.scenarios.gaps import GapPricing
    from planner.scenarios.sweep import SweepEvent
    from planner.simulation.report import SimulationResult

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
F = TypeVar("F", bound=Callable[..., Any])


#: errors whose remedy is a command-line option: the option is named after the library's message
_FLAG_HINTS: tuple[tuple[type[PlannerError], str], ...] = ((SolverTimeLimitError, " (use --time-limit)"),)


def _interrupted_line(signum: int) -> str:
    return f"Interrupted ({signal.Signals(signum).name}): stopped; existing outputs are left as they were"


def _give_up(signum: int) -> None:
    """A run still busy in native solver code two seconds after a signal: leave at once (called from
    the watchdog thread, once temporary files and solver processes are gone; nothing was written)."""
    click.echo(_interrupted_line(signum), err=True)
    sys.stderr.flush()
    os._exit(128 + signum)


def _library_errors(fn: F) -> F:
    """Turn library errors into `Error: ...` messages with exit code 1 (no traceback); Ctrl-C and
    SIGTERM stop the command with one line and exit 130 / 143."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            with signals_handled(give_up=_give_up):
                return fn(*args, **kwargs)
        except Interrupted as exc:
            click.echo(_interrupted_line(exc.signum), err=True)
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


def _output_options(kind: str) -> Callable[[F], F]:
    """-o/--output and --format for a command whose result is a workbook or a folder of CSV files."""

    def decorate(fn: F) -> F:
        fn = click.option(
            "--format",
            "fmt",
            type=click.Choice(["xlsx", "csv"]),
            default="xlsx",
            show_default=True,
            help="xlsx: one workbook; csv: one CSV file per sheet in a folder.",
        )(fn)
        return click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path),
            default=None,
            help=f"Output workbook (default outputs/{kind}.xlsx), or a folder with --format csv "
            f"(default outputs/{kind}).",
        )(fn)

    return decorate


def _solver_options(scope: str) -> Callable[[F], F]:
    """--solver, --time-limit, --gap and --threads (None: the settings sheet decides), for `scope`."""

    def decorate(fn: F) -> F:
        for option in reversed(
            (
                click.option(
                    "--solver",
                    type=click.Choice(["auto", "highs", "cbc"]),
                    default=None,
                    help="MIP solver (default: the settings sheet, else auto = HiGHS if installed, else CBC).",
                ),
                click.option(
                    "--time-limit",
                    type=click.FloatRange(min=1, max=604_800),
                    default=None,
                    metavar="SECONDS",
                    help=f"Solver time limit for {scope}, a safety net "
                    f"(default: settings, else {DEFAULT_TIME_LIMIT_SECONDS:g}).",
                ),
                click.option(
                    "--gap",
                    type=click.FloatRange(min=0, max=1, max_open=True),
                    default=None,
                    metavar="G",
                    help="Relative gap at which to stop, e.g. 0.005 for 0.5 % (default: settings, else 0.01).",
                ),
                click.option(
                    "--threads", type=click.IntRange(min=1, max=256), default=None, metavar="N", help="Solver threads."
                ),
            )
        ):
            fn = option(fn)
        return fn

    return decorate


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
    from planner.outputs.paths import OutputFormat
    from planner.outputs.template import write_template

    _check_output(path, OutputFormat.XLSX, "PATH", "")
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
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["xlsx", "csv"]),
    default=None,
    help="xlsx: a workbook with requirements and summary sheets; csv: the requirements table "
    "(default: from the -o name).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@_library_errors
def requirements_cmd(input_path: Path, output: Path | None, fmt: str | None, as_json: bool) -> None:
    """Turn first-response targets into agents per interval, language, channel and tier.

    Live channels use Erlang C (or Erlang A when patience is given) with chat concurrency;
    deferrable channels are staffed to finish their work within the response window.
    Prints peak and total agent-hours per language and channel.

    \b
    Example:
      planner requirements inputs/exchange_week.xlsx
      planner requirements inputs/exchange_week.xlsx -o outputs/requirements.xlsx
      planner requirements inputs/tiny.xlsx -o outputs/tiny_requirements.csv --json
      planner requirements inputs/tiny.xlsx -o outputs/tiny_requirements --format csv
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.files import check_output_path
    from planner.outputs.text import requirements_json, requirements_text
    from planner.outputs.workbooks import write_requirements
    from planner.requirements import compute_requirements

    if output is not None:
        output = _requirements_path(output, fmt)
        check_output_path(output, [input_path])
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    req = compute_requirements(scenario)
    if output is not None:
        write_requirements(req, output)
    if as_json:
        _echo_json(requirements_json(req, None if output is None else str(output)))
    else:
        click.echo(requirements_text(req))
        if output is not None:
            click.echo(f"Wrote {output}")


def _check_output(path: Path, fmt: Any, option: str, other: str) -> None:
    """Refuse (exit 2) an output path that does not suit its format, naming the fix."""
    from planner.outputs.paths import path_mismatch

    mismatch = path_mismatch(path, fmt)
    if mismatch is not None:
        raise click.BadParameter(f"{mismatch.describe()}: use {mismatch.suggestion}{other}", param_hint=option)


def _requirements_path(output: Path, fmt: str | None) -> Path:
    from planner.outputs.paths import OutputFormat

    if fmt is None and output.suffix.lower() in (".csv", ".xlsx"):
        return output
    wanted = OutputFormat(fmt or "xlsx")
    if fmt is None:
        raise click.BadParameter(
            f"cannot tell the format of {output}: name it {output.name}.xlsx or {output.name}.csv, or give --format",
            param_hint="-o",
        )
    other = " or --format " + ("csv" if wanted is OutputFormat.XLSX else "xlsx")
    _check_output(output, wanted, "-o", other)
    return output


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

    def sweep_event(self, event: SweepEvent) -> None:
        """A re-solve of a sweep (e.g. one gap block's price) queued, started or finished."""
        self.stage = f"pricing the gaps: {event.describe()}"
        self._line(f"[{self._clock() - self.start:6.1f} s] {event.describe()}")

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
@_output_options("roster")
@_solver_options("the whole solve")
@click.option(
    "--full-coverage",
    is_flag=True,
    help="Price closing each gap block of the roster on its own, and each language's gaps together: re-solve "
    "with hires that speak the language starting at any hour at the sites where it is spoken; report the cost "
    "(never negative) and the hires and start times, and write a gap_prices sheet.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=256),
    default=None,
    metavar="N",
    help="With --full-coverage: local processes for the re-solves (default: the cores).",
)
@click.option(
    "--verify",
    is_flag=True,
    help="Then simulate the roster contact by contact (as `planner simulate` does) and report whether "
    "each queue meets its target.",
)
@click.option(
    "--replications",
    type=click.IntRange(min=2, max=1000),
    default=10,
    show_default=True,
    help="Simulation replications for --verify.",
)
@click.option(
    "--plots",
    "plots_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DIR",
    help="Also write the coverage charts, heatmaps and cost charts as PNG files into the folder DIR.",
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
    jobs: int | None,
    verify: bool,
    replications: int,
    plots_dir: Path | None,
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
      planner roster inputs/exchange_week.xlsx --verify --replications 10
      planner roster inputs/exchange_week.xlsx -o outputs/week.xlsx --plots outputs/week_plots
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.workbooks import default_output_path, write_roster
    from planner.roster.plan import RosterOptions, plan_roster
    from planner.roster.solve import SolveOptions

    target = output if output is not None else default_output_path("roster", fmt)
    _check_roster_paths(target, fmt, plots_dir, input_path)
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    solve = SolveOptions.from_settings(scenario.settings, solver, time_limit, gap, threads)
    options = RosterOptions(solve=solve)
    pricing = None
    with _ProgressView(verbose) as progress:
        if full_coverage:
            from planner.scenarios.gaps import roster_with_gap_prices
            from planner.scenarios.sweep import SweepOptions

            result, pricing = roster_with_gap_prices(
                scenario, options, progress, SweepOptions(jobs=jobs), progress.sweep_event
            )
        else:
            result = plan_roster(scenario, options, progress=progress)
    written = write_roster(result, target, fmt=fmt, gap_prices=None if pricing is None else pricing.table())
    if plots_dir is not None:
        from planner.outputs.plots import write_plots

        write_plots(result, plots_dir)
    verification = _verify(scenario, result, replications) if verify else None
    _print_roster(result, str(written), pricing, verification, as_json)
    _echo_findings((), _roster_hints(result))
    if result.has_shortfall:
        ctx.exit(1)


def _print_roster(
    result: RosterResult,
    written: str,
    pricing: GapPricing | None,
    verification: SimulationResult | None,
    as_json: bool,
) -> None:
    """The roster's summary (text or JSON), with the gap prices and the verification when asked for."""
    from planner.outputs.text import roster_json, roster_text

    if as_json:
        data = roster_json(result, written)
        if pricing is not None:
            data["gap_prices"] = pricing.records()
        if verification is not None:
            data["verification"] = verification.to_dict()
        _echo_json(data)
        return
    click.echo(roster_text(result, written))
    if pricing is not None:
        click.echo("Price of each gap (closing it with hires starting at any hour):")
        click.echo("\n".join("  " + line for line in pricing.lines()))
    if verification is not None:
        from planner.simulation.report import simulation_text

        click.echo(simulation_text(verification, None))


def _verify(scenario: Scenario, result: RosterResult, replications: int) -> SimulationResult:
    """Simulate the roster just planned (seed 0, replications on every core)."""
    import os

    from planner.simulation.run import verify_roster

    progress = _ReplicationProgress(replications)
    try:
        return verify_roster(scenario, result, replications, seed=0, jobs=os.cpu_count() or 1, progress=progress)
    finally:
        progress.close()


def _check_roster_paths(target: Path, fmt: str, plots_dir: Path | None, input_path: Path) -> None:
    """Refuse, before solving, an output path that does not suit --format, a --plots path that is a file,
    or an output that would replace the input or anything planner did not write."""
    from planner.outputs.files import check_output_path
    from planner.outputs.paths import OutputFormat, plots_folder_problem

    if fmt == "xlsx":
        _check_output(target, OutputFormat.XLSX, "-o", " or --format csv with a folder")
    else:
        _check_output(target, OutputFormat.CSV_FOLDER, "-o", " or --format xlsx with a .xlsx name")
    problem = None if plots_dir is None else plots_folder_problem(plots_dir)
    if problem is not None:
        raise click.BadParameter(problem, param_hint="--plots")
    check_output_path(target, [input_path], folder=fmt == "csv")
    if plots_dir is not None:
        check_output_path(plots_dir, [input_path], folder=True)


def _roster_hints(result: RosterResult) -> tuple[str, ...]:
    """The options that carry out the remedies the roster summary suggests."""
    from planner.outputs.text import Remedy, remedies

    flags = {
        Remedy.LONGER_TIME_LIMIT: "--time-limit SECONDS gives the solver longer",
        Remedy.FULL_COVERAGE: "--full-coverage prices closing each gap",
    }
    return tuple(flags[r] for r in remedies(result))


@cli.command("capacity", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("plan_path", metavar="PLAN", type=click.Path(path_type=Path))
@_output_options("capacity")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@_library_errors
def capacity_cmd(input_path: Path, plan_path: Path, output: Path | None, fmt: str, as_json: bool) -> None:
    """Plan hiring over 12-18 months: how many people to hire per pool and period, and the budget.

    INPUT is the weekly workbook (demand, channels, sites, pools, shifts); PLAN holds the periods
    with their demand drivers and shrinkage, the workforce (people today, attrition, lead time,
    training, ramp, training capacity, costs) and optional policies. Each period's representative
    week is rostered (distinct weeks once); an integer program then picks the hires that meet the
    required productive people at least cost. Writes the plan per period and pool, the hires, the
    budget per month and year by site, and the shortfall under demand 10 % and 20 % above forecast.

    \b
    Example:
      planner capacity inputs/exchange_week.xlsx inputs/capacity_plan.xlsx
      planner capacity inputs/exchange_week.xlsx inputs/capacity_plan.xlsx -o outputs/capacity.xlsx --json
      planner capacity inputs/tiny.xlsx my_plan_csv/ --format csv -o outputs/capacity
    """
    from planner.capacity.load import load_plan
    from planner.capacity.plan import plan_capacity
    from planner.inputs.load import load_scenario
    from planner.outputs.capacity import capacity_json, capacity_text, write_capacity
    from planner.outputs.files import check_output_path
    from planner.outputs.workbooks import default_output_path

    target = output if output is not None else default_output_path("capacity", fmt)
    check_output_path(target, [input_path, plan_path], folder=fmt == "csv")
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    plan = load_plan(plan_path, scenario)
    _echo_findings(plan.warnings, ())
    result = plan_capacity(scenario, plan, log=lambda line: click.echo(line, err=True))
    written = write_capacity(result, target, fmt=fmt)
    if as_json:
        _echo_json(capacity_json(result, str(written)))
    else:
        click.echo(capacity_text(result, str(written)))


class _ReplicationProgress:
    """Replications done, on stderr: a rich progress bar on a terminal, a line per replication elsewhere."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        self.console = Console(stderr=True)
        self.bar = None
        if self.console.is_terminal:
            self.bar = Progress(
                "simulating", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=self.console
            )
            self.task = self.bar.add_task("replications", total=total)
            self.bar.start()

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done)
        else:
            click.echo(f"replication {done}/{total} done", err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@cli.command("simulate", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("roster_path", metavar="ROSTER", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the results to FILE.xlsx (or to a folder of CSV files).",
)
@click.option(
    "--replications",
    type=click.IntRange(min=1, max=10_000),
    default=10,
    show_default=True,
    metavar="N",
    help="Independent simulated weeks (confidence intervals need at least 2).",
)
@click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, metavar="S", help="Seed of the random streams."
)
@click.option(
    "--jobs", type=click.IntRange(min=1, max=256), default=1, show_default=True, metavar="N", help="Parallel processes."
)
@click.option(
    "--absence",
    type=click.Choice(["planned", "random"]),
    default="planned",
    show_default=True,
    help="Shrinkage: the planned share of each pool away every interval, or each agent away at random.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON on stdout.")
@_library_errors
def simulate_cmd(
    input_path: Path,
    roster_path: Path,
    output: Path | None,
    replications: int,
    seed: int,
    jobs: int,
    absence: str,
    as_json: bool,
) -> None:
    """Simulate a roster contact by contact and check its service levels.

    Runs a discrete-event simulation of the rostered week (Poisson arrivals, skill-based
    routing, chat concurrency, abandonment, priority tiers, deferred work, breaks and
    shrinkage) REPLICATIONS times, and reports service level, ASA and abandonment per queue
    and day with 95 % confidence intervals, against the target and the formulas' prediction.
    ROSTER is a workbook written by `planner roster` from the same INPUT.

    \b
    Example:
      planner simulate inputs/exchange_week.xlsx outputs/roster.xlsx --replications 10 --jobs 2
      planner simulate inputs/tiny.xlsx outputs/tiny_roster.xlsx -o outputs/tiny_sim.xlsx --json
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.files import check_output_path
    from planner.simulation.model import Absence
    from planner.simulation.report import simulation_text, write_simulation
    from planner.simulation.run import simulate_roster_file

    if output is not None:
        check_output_path(output, [input_path, roster_path], folder=output.suffix == "")
    scenario = load_scenario(input_path)
    _echo_findings(scenario.warnings, ())
    progress = _ReplicationProgress(replications)
    try:
        result = simulate_roster_file(scenario, roster_path, replications, seed, jobs, progress, Absence(absence))
    finally:
        progress.close()
    written = None if output is None else write_simulation(result, output)
    if as_json:
        data = result.to_dict()
        data["output"] = None if written is None else str(written)
        _echo_json(data)
    else:
        click.echo(simulation_text(result, None if written is None else str(written)))


@cli.command("scenarios", context_settings=CONTEXT)
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.argument("scenarios_path", metavar="[SCENARIOS]", required=False, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write the table to FILE.xlsx.")
@click.option(
    "--rosters",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Write each scenario's roster workbook to DIR/<scenario>.xlsx.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1, max=256),
    default=None,
    metavar="N",
    help="Local processes (default: the cores).",
)
@click.option("--scheduler", metavar="ADDRESS", help="Run the solves on this Dask scheduler, e.g. tcp://host:8786.")
@_solver_options("each scenario's solve")
@click.option(
    "--marginal",
    is_flag=True,
    help="Also price one more point of service level per channel and each target tightened by one step "
    "(an hour for deferrable channels, 10 s for live ones), by re-solving.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON on stdout.")
@_library_errors
def scenarios_cmd(
    input_path: Path,
    scenarios_path: Path | None,
    output: Path | None,
    rosters: Path | None,
    jobs: int | None,
    scheduler: str | None,
    solver: str | None,
    time_limit: float | None,
    gap: float | None,
    threads: int | None,
    marginal: bool,
    as_json: bool,
) -> None:
    """Solve what-if scenarios and compare them side by side with the base.

    Scenarios come from a `scenarios` sheet in INPUT, or from SCENARIOS (a workbook or CSV file):
    one row per change (scale_demand, target, wage, night_premium, weekend_premium, cap_site,
    close_site, cap_pool, close_pool, shift_window, add_pool, cover_language), grouped by scenario
    name. Prints per scenario the weekly and annual cost and the difference to the base, headcount
    by site, cost per contact and service level by channel, shortfall and solver gap. Scenarios run
    in parallel on local processes, or on a Dask cluster with --scheduler.

    \b
    Example:
      planner scenarios inputs/exchange_week.xlsx inputs/scenarios.xlsx -o outputs/scenarios.xlsx
      planner scenarios inputs/tiny.xlsx my_scenarios.csv --jobs 2 --json
      planner scenarios inputs/exchange_week.xlsx inputs/scenarios.xlsx --marginal --time-limit 30
      planner scenarios inputs/exchange_week.xlsx inputs/scenarios.xlsx --scheduler tcp://dask-scheduler:8786
    """
    from planner.inputs.load import load_scenario
    from planner.outputs.files import check_output_path
    from planner.outputs.scenarios import scenarios_json, scenarios_text, write_scenarios
    from planner.roster.plan import RosterOptions
    from planner.roster.solve import SolveOptions
    from planner.scenarios.load import load_specs
    from planner.scenarios.sweep import SweepOptions, run_sweep

    if output is not None and output.suffix.lower() != ".xlsx":
        raise click.BadParameter(f"{output}: the table is written to an .xlsx workbook", param_hint="-o/--output")
    inputs = [input_path] if scenarios_path is None else [input_path, scenarios_path]
    if output is not None:
        check_output_path(output, inputs)
    base = load_scenario(input_path)
    _echo_findings(base.warnings, ())
    specs = load_specs(base, input_path, scenarios_path)
    if marginal:
        from planner.scenarios.marginal import marginal_specs

        specs += marginal_specs(base)
    solve = SolveOptions.from_settings(base.settings, solver, time_limit, gap, threads)
    options = SweepOptions(RosterOptions(solve=solve), jobs=jobs, scheduler=scheduler, rosters_dir=rosters)
    result = run_sweep(base, specs, options, progress=lambda event: click.echo(event.describe(), err=True))
    written = None if output is None else str(write_scenarios(result, output))
    if as_json:
        _echo_json(scenarios_json(result, written))
    else:
        click.echo(scenarios_text(result, written))


def main() -> None:  # pragma: no cover
    cli(prog_name="planner")


if __name__ == "__main__":  # pragma: no cover
    main()
