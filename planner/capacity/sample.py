"""Seeded generators of the sample capacity plans: the exchange's 12 months and a tiny plan for tests.

The exchange plan (``inputs/capacity_plan.xlsx``, for ``inputs/exchange_week.xlsx``): 12 monthly periods
from April 2026; ja and pt grow by a step each quarter; a bull-market quarter (October to December) at
2x volume; holiday shrinkage in August and December; 3 % monthly attrition, a 6-week hiring lead time,
4 weeks of training and a ramp over 8 weeks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.capacity.contract import DEFAULT_WEEKLY_TIME_LIMIT

#: People per pool in the sample exchange today: the forecast week's roster headcount with the pools
#: uncapped (8-second weekly solves), before the seeded +-5 % noise.
EXCHANGE_PEOPLE = {
    "tokyo_ja": 24,
    "tokyo_ja_en": 25,
    "seoul_ko": 30,
    "seoul_ko_en": 20,
    "manila_en": 239,
    "manila_en_zh": 801,
    "manila_ko_en": 447,
    "kl_zh_en": 0,
    "kl_vi_en": 138,
    "istanbul_tr_en": 109,
    "istanbul_ru_en": 121,
    "istanbul_ru_tr": 228,
    "lisbon_pt_es_en": 0,
    "lisbon_de_en": 119,
    "lisbon_ja_en": 180,
    "sao_paulo_pt_es": 280,
}
#: Recruiting cost of one hire per site.
EXCHANGE_HIRE_COST = {
    "tokyo": 6000,
    "seoul": 4500,
    "manila": 1200,
    "kuala_lumpur": 1800,
    "istanbul": 2000,
    "lisbon": 3500,
    "sao_paulo": 2200,
}
RAMP_8_WEEKS = "0.3, 0.45, 0.6, 0.7, 0.8, 0.9, 0.95, 1"
SHRINKAGE_BASE = {"shrinkage_holiday": 0.04, "shrinkage_sickness": 0.08, "shrinkage_training": 0.10}


@dataclass(frozen=True)
class CapacitySampleSpec:
    """Knobs of the sample exchange plan."""

    seed: int = 12
    first_month: dt.date = dt.date(2026, 4, 1)
    months: int = 12
    growth: tuple[tuple[str, float], ...] = (("ja", 0.10), ("pt", 0.15))  # per quarter
    bull_quarter: int = 2  # 0-based quarter at bull_volume
    bull_volume: float = 2.0
    monthly_attrition: float = 0.03
    lead_time_weeks: int = 6
    training_weeks: int = 4
    ramp: str = RAMP_8_WEEKS


def _months(first: dt.date, n: int) -> list[tuple[dt.date, dt.date]]:
    out = []
    start = first
    for _ in range(n):
        nxt = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        out.append((start, nxt - dt.timedelta(days=1)))
        start = nxt
    return out


def _periods(spec: CapacitySampleSpec) -> pd.DataFrame:
    rows = []
    for i, (start, end) in enumerate(_months(spec.first_month, spec.months)):
        holiday = 0.08 if end.month in (8, 12) else SHRINKAGE_BASE["shrinkage_holiday"]
        rows.append(
            {
                "period": start.strftime("%Y-%m"),
                "start": pd.Timestamp(start),
                "end": pd.Timestamp(end),
                "volume_index": spec.bull_volume if i // 3 == spec.bull_quarter else 1.0,
                "handle_time_index": 1.0,
                "shrinkage_holiday": holiday,
                "shrinkage_sickness": SHRINKAGE_BASE["shrinkage_sickness"],
                "shrinkage_training": SHRINKAGE_BASE["shrinkage_training"],
                "shrinkage_meetings": 0.08,
            }
        )
    return pd.DataFrame(rows)


def _drivers(spec: CapacitySampleSpec, periods: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for i, period in enumerate(periods["period"]):
        for language, step in spec.growth:
            rows.append({"period": period, "language": language, "volume_index": round(1 + step * (i // 3), 4)})
    return pd.DataFrame(rows, columns=["period", "language", "channel", "volume_index", "weekly_contacts"])


def _workforce(spec: CapacitySampleSpec, rng: np.random.Generator) -> pd.DataFrame:
    sites = {
        "tokyo_ja": "tokyo",
        "tokyo_ja_en": "tokyo",
        "seoul_ko": "seoul",
        "seoul_ko_en": "seoul",
        "manila_en": "manila",
        "manila_en_zh": "manila",
        "manila_ko_en": "manila",
        "kl_zh_en": "kuala_lumpur",
        "kl_vi_en": "kuala_lumpur",
        "istanbul_tr_en": "istanbul",
        "istanbul_ru_en": "istanbul",
        "istanbul_ru_tr": "istanbul",
        "lisbon_pt_es_en": "lisbon",
        "lisbon_de_en": "lisbon",
        "lisbon_ja_en": "lisbon",
        "sao_paulo_pt_es": "sao_paulo",
    }
    rows = [
        {
            "site": site,
            "monthly_attrition": spec.monthly_attrition,
            "lead_time_weeks": spec.lead_time_weeks,
            "training_weeks": spec.training_weeks,
            "ramp": spec.ramp,
            "classes_per_period": 4,
            "class_size": 25,
            "cost_per_hire": cost,
            "trainee_cost": 150,
        }
        for site, cost in EXCHANGE_HIRE_COST.items()
    ]
    for pool, people in EXCHANGE_PEOPLE.items():
        rows.append({"pool": pool, "site": sites[pool], "people": int(round(people * rng.uniform(0.95, 1.05)))})
    columns = ["pool", "site", "people", "monthly_attrition", "annual_attrition", "lead_time_weeks"]
    columns += ["training_weeks", "ramp", "classes_per_period", "class_size", "cost_per_hire", "trainee_cost"]
    return pd.DataFrame(rows, columns=columns + ["weekly_salary"])


def build_capacity_plan(spec: CapacitySampleSpec = CapacitySampleSpec()) -> dict[str, pd.DataFrame]:  # noqa: B008
    """The sample exchange plan's sheets (deterministic for a seed)."""
    rng = np.random.default_rng(spec.seed)
    periods = _periods(spec)
    policies = pd.DataFrame(
        [
            {"site": None, "overtime_share": 0.05, "overtime_premium": 0.5, "transfers": "yes"},
            {"site": "manila", "max_hires": 300},
            {"site": "tokyo", "max_hires": 40},
        ],
        columns=["site", "period", "min_hires", "max_hires", "min_headcount", "overtime_share"]
        + ["overtime_premium", "transfers"],
    )
    settings = pd.DataFrame(
        [("weekly_time_limit", DEFAULT_WEEKLY_TIME_LIMIT), ("risk_uplifts", "10%, 20%")],
        columns=["setting", "value"],
    )
    return {
        "periods": periods,
        "drivers": _drivers(spec, periods),
        "workforce": _workforce(spec, rng),
        "policies": policies,
        "settings": settings,
    }


def build_tiny_plan() -> dict[str, pd.DataFrame]:
    """A three-month plan for ``inputs/tiny.xlsx``: ja grows 50 % in the third month; 1-week lead time."""
    months = _months(dt.date(2026, 4, 1), 3)
    periods = pd.DataFrame(
        [
            {"period": s.strftime("%Y-%m"), "start": pd.Timestamp(s), "end": pd.Timestamp(e), "shrinkage": 0.3}
            for s, e in months
        ]
    )
    drivers = pd.DataFrame([{"period": "2026-06", "language": "ja", "volume_index": 1.5}])
    workforce = pd.DataFrame(
        [
            {"site": "lisbon", "monthly_attrition": 0.03, "lead_time_weeks": 1, "training_weeks": 2, "ramp": "0.5, 1"},
            {"pool": "lisbon_en", "people": 14},
            {"pool": "lisbon_ja_en", "people": 22},
        ],
        columns=["pool", "site", "people", "monthly_attrition", "lead_time_weeks", "training_weeks", "ramp"],
    )
    settings = pd.DataFrame([("weekly_time_limit", 5), ("risk_uplifts", "10%, 20%")], columns=["setting", "value"])
    return {"periods": periods, "drivers": drivers, "workforce": workforce, "settings": settings}
