"""Write inputs/scenarios.xlsx: the what-if scenarios of the sample week (inputs/exchange_week.xlsx).

    python scripts/generate_scenarios.py [--out inputs/scenarios.xlsx]

Deterministic (no randomness): dates follow the sample's SampleSpec (week start, spike day), so the
scenarios and the sample agree when the sample is regenerated with another seed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing the package
    sys.path.insert(0, str(REPO))

from planner.sample import SampleSpec, write_workbook  # noqa: E402
from planner.scenarios.load import SCENARIOS  # noqa: E402


def scenario_rows(spec: SampleSpec = SampleSpec()) -> pd.DataFrame:  # noqa: B008
    """Base; Japanese 24/7 from Tokyo (round-the-clock hiring there, Lisbon's Japanese pool closed);
    a 3x spike of 6 hours on a weekday; Manila wage +20 %; Lisbon closed; chat target 30 s."""
    spike_start = spec.week_start + dt.timedelta(days=spec.spike_day, hours=12)
    rows = [
        {"scenario": "base", "change": "base"},
        {"scenario": "ja_24_7_tokyo", "change": "cover_language", "language": "ja", "site": "tokyo"},
        {"scenario": "ja_24_7_tokyo", "change": "close_pool", "pool": "lisbon_ja_en"},
        {
            "scenario": "spike_3x_6h",
            "change": "scale_demand",
            "factor": 3.0,
            "from": spike_start,
            "to": spike_start + dt.timedelta(hours=6),
        },
        {"scenario": "manila_wage_+20%", "change": "wage", "site": "manila", "factor": 1.2},
        {"scenario": "lisbon_closed", "change": "close_site", "site": "lisbon"},
        {"scenario": "chat_target_30s", "change": "target", "channel": "chat", "target_seconds": 30.0},
    ]
    frame = pd.DataFrame(rows, columns=list(SCENARIOS.column_names))
    frame["from"] = pd.to_datetime(frame["from"])
    frame["to"] = pd.to_datetime(frame["to"])
    return frame


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("inputs/scenarios.xlsx"), help="workbook to write")
    args = parser.parse_args(argv)
    frame = scenario_rows()
    write_workbook({"scenarios": frame}, args.out)
    print(f"wrote {args.out}: {frame['scenario'].nunique()} scenarios, {len(frame)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
