"""Benchmark: the roster model's size per rule and per variable family, and the time of its LP relaxation.

    python benchmarks/model_size.py [--only NAME ...] [--lp simplex ipm ...] [--no-lp] [--model-breaks]

Each instance of :mod:`roster_bench` is generated, written and loaded as the CLI does, its problem and
model built as ``plan_roster`` builds them (with the ``weekly_tours`` setting), and one table printed:
per rule (the constraints' name prefix, see ``RULE_DESCRIPTIONS``) its rows and nonzeros, per variable
family (the variables' name prefix) its columns; then the whole model's rows, columns and nonzeros and,
per HiGHS LP method asked for, the seconds of the LP relaxation (one thread, presolve on) and its value.

LP methods: ``choose`` (HiGHS's default choice, as the solve runs it), ``simplex`` (dual simplex),
``primal`` (primal simplex), ``ipm`` (interior point with crossover),
``ipm-nocross`` (interior point without crossover), ``simplex-nopresolve``.

This is a benchmark, not a test: nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
for extra in (REPO, REPO / "benchmarks"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from roster_bench import BY_NAME, INSTANCES  # noqa: E402

from planner.inputs.load import load_scenario  # noqa: E402
from planner.requirements import compute_requirements  # noqa: E402
from planner.roster.highs_model import HighsModel  # noqa: E402
from planner.roster.options import enumerate_options  # noqa: E402
from planner.roster.problem import build_problem  # noqa: E402
from planner.roster.rules import RosterModel, build_model  # noqa: E402
from planner.sample import build_sample, write_workbook  # noqa: E402

LP_METHODS: dict[str, dict[str, bool | float | str | int]] = {
    "choose": {},
    "simplex": {"solver": "simplex"},
    "primal": {"solver": "simplex", "simplex_strategy": 4},
    "ipm": {"solver": "ipm", "run_crossover": "on"},
    "ipm-nocross": {"solver": "ipm", "run_crossover": "off"},
    "simplex-nopresolve": {"solver": "simplex", "presolve": "off"},
}


def build(name: str, folder: Path, model_breaks: bool | None = None) -> RosterModel:
    """The roster model of one benchmark instance, as ``plan_roster`` builds it (``model_breaks``: the
    setting of that name, else the instance's)."""
    path = folder / f"{name}.xlsx"
    write_workbook(build_sample(BY_NAME[name].spec), path)
    scenario = load_scenario(path)
    if model_breaks is not None:
        scenario = replace(scenario, settings=replace(scenario.settings, model_breaks=model_breaks))
    problem = build_problem(
        scenario, compute_requirements(scenario), enumerate_options(scenario), tours=scenario.settings.weekly_tours
    )
    return build_model(problem)


def family(name: str) -> str:
    return name.split("__", 1)[0]


def size_rows(model: RosterModel) -> list[tuple[str, int, int, int]]:
    """(rule or variable family, rows, columns, nonzeros) of the model."""
    constraints = model.lp.constraints()
    rule_of = {name: rule for rule, names in model.rules.items() for name in names}
    rows: Counter[str] = Counter()
    nonzeros: Counter[str] = Counter()
    for c in constraints:
        rule = rule_of.get(c.name, "(no rule)")
        rows[rule] += 1
        nonzeros[rule] += len(c)
    out = [(f"rule {rule}", rows[rule], 0, nonzeros[rule]) for rule in sorted(rows)]
    columns = Counter(family(v.name) for v in model.lp.variables())
    out += [(f"vars {fam}", 0, count, 0) for fam, count in sorted(columns.items())]
    out.append(("total", len(constraints), len(model.lp.variables()), sum(nonzeros.values())))
    return out


def lp_seconds(model: RosterModel, method: str) -> tuple[float, float, str, int]:
    """Seconds, value, status and iterations (simplex + interior point) of the LP relaxation with one
    HiGHS method: the iterations, unlike the seconds, do not depend on the machine's load."""
    options = {"output_flag": False, "threads": 1, "random_seed": 0, **LP_METHODS[method]}
    highs = HighsModel(model, options)
    highs.set_integer(False)
    t0 = time.perf_counter()
    status = highs.run()
    seconds = time.perf_counter() - t0
    info = highs.info()
    return (
        seconds,
        float(info.objective_function_value),
        status,
        int(info.simplex_iteration_count + info.ipm_iteration_count),
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="*", default=["sample", "30-min", "15-min", "2x-languages-sites"])
    ap.add_argument("--lp", nargs="*", default=["simplex"], choices=sorted(LP_METHODS))
    ap.add_argument("--no-lp", action="store_true", help="sizes only")
    ap.add_argument("--model-breaks", action="store_true", help="with the setting model_breaks = yes")
    args = ap.parse_args(argv)
    known = {i.name for i in INSTANCES}
    print(f"{'instance':<20} {'rule / variable family':<32} {'rows':>9} {'cols':>9} {'nonzeros':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.only:
            if name not in known:
                print(f"{name}: unknown instance", file=sys.stderr)
                continue
            t0 = time.perf_counter()
            model = build(name, Path(tmp), True if args.model_breaks else None)
            print(f"# {name}: built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
            for label, rows, cols, nonzeros in size_rows(model):
                print(f"{name:<20} {label:<32} {rows:>9,} {cols:>9,} {nonzeros:>10,}")
            for method in [] if args.no_lp else args.lp:
                seconds, value, status, iterations = lp_seconds(model, method)
                print(
                    f"{name:<20} LP {method:<29} {seconds:>8.1f}s  {iterations:>7,} iterations"
                    f"  value {value:,.2f} ({status})"
                )
            sys.stdout.flush()
            del model
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
