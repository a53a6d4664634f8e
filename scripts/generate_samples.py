"""Regenerate the sample workbooks: inputs/exchange_week.xlsx, inputs/tiny.xlsx and inputs/capacity_plan.xlsx.

    python scripts/generate_samples.py [--seed N] [--out-dir inputs/]

Deterministic: the same seed always writes the same tables.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))

from planner.capacity.sample import CapacitySampleSpec, build_capacity_plan  # noqa: E402
from planner.sample import SampleSpec, build_sample, build_tiny, write_workbook  # noqa: E402


def _summary(name: str, path: Path, tables: dict) -> str:
    demand = tables["demand"]
    rows = ", ".join(f"{sheet} {len(df)}" for sheet, df in tables.items())
    per_language = demand.groupby("language", sort=False)["contacts"].sum().round()
    peak = demand.groupby("interval_start")["contacts"].sum()
    lines = [
        f"{name}: {path} ({path.stat().st_size:,} bytes)",
        f"  rows: {rows}",
        "  contacts: " + ", ".join(f"{lang} {total:,.0f}" for lang, total in per_language.items()),
        f"  total {demand['contacts'].sum():,.0f}; peak interval {peak.max():,.1f}"
        f" at {peak.idxmax():%Y-%m-%d %H:%M} UTC",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=SampleSpec().seed, help="random seed")
    parser.add_argument("--out-dir", type=Path, default=Path("inputs"), help="folder to write to (inputs/)")
    args = parser.parse_args(argv)

    out_dir: Path = args.out_dir
    week = build_sample(SampleSpec(seed=args.seed))
    week_path = out_dir / "exchange_week.xlsx"
    write_workbook(week, week_path)
    print(_summary("exchange_week", week_path, week))

    tiny = build_tiny()
    tiny_path = out_dir / "tiny.xlsx"
    write_workbook(tiny, tiny_path)
    print(_summary("tiny", tiny_path, tiny))

    plan = build_capacity_plan(CapacitySampleSpec())
    plan_path = out_dir / "capacity_plan.xlsx"
    write_workbook(plan, plan_path)
    rows = ", ".join(f"{sheet} {len(df)}" for sheet, df in plan.items())
    print(f"capacity_plan: {plan_path} ({plan_path.stat().st_size:,} bytes)\n  rows: {rows}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
