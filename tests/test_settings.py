"""The settings' one home: the documented defaults are the ones applied, and every setting reaches Settings."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from planner.domain import Settings, SolverChoice
from planner.inputs.contract import ParseError
from planner.inputs.settings import DEFAULT_SETTINGS, EXAMPLE_SETTINGS, SETTING_SPECS, SETTINGS_BY_NAME, make_settings


def test_defaults_are_the_documented_ones():
    # the README's settings table, written out by hand
    assert (
        Settings(
            currency="USD",
            shrinkage=0.30,
            max_occupancy=0.85,
            deferred_max_occupancy=0.95,
            concurrency_efficiency=0.7,
            shifts_per_week=5,
            night_start=dt.time(22, 0),
            night_end=dt.time(6, 0),
            under_coverage_penalty=None,
            solver=SolverChoice.AUTO,
            time_limit_seconds=600.0,
            mip_gap=0.01,
            threads=None,
            interval_minutes=None,
            week_start=None,
            weeks_per_year=52.0,
            weekly_tours=False,
            consecutive_days_off=True,
            min_rest_hours=11.0,
            max_consecutive_days=6,
            start_time_band_minutes=120,
            max_nights_per_week=None,
            model_breaks=True,
        )
        == DEFAULT_SETTINGS
    )


@pytest.mark.parametrize("spec", [s for s in SETTING_SPECS if s.default is not None], ids=lambda s: s.name)
def test_shown_default_reads_as_the_default(spec):
    assert spec.read(spec.shown_default) == spec.default


def test_every_settings_field_has_exactly_one_setting():
    targets = [field for s in SETTING_SPECS for field in s.targets]
    assert sorted(targets) == sorted(f.name for f in dataclasses.fields(Settings))


def test_examples_are_valid_values():
    assert [name for name, _ in EXAMPLE_SETTINGS] == [
        "currency",
        "shrinkage",
        "max_occupancy",
        "shifts_per_week",
        "night_hours",
    ]
    assert make_settings({name: SETTINGS_BY_NAME[name].read(v) for name, v in EXAMPLE_SETTINGS}) == DEFAULT_SETTINGS


@pytest.mark.parametrize(
    ("name", "text"),
    [("shrinkage", "1"), ("shifts_per_week", "8"), ("solver", "gurobi"), ("interval_minutes", "20"), ("mip_gap", "-1")],
)
def test_out_of_range_values_are_refused(name, text):
    with pytest.raises(ParseError):
        SETTINGS_BY_NAME[name].read(text)


def test_a_window_setting_fills_two_fields():
    s = make_settings(
        {"night_hours": SETTINGS_BY_NAME["night_hours"].read("21:30 to 05:00"), "solver": SolverChoice.CBC}
    )
    assert (s.night_start, s.night_end, s.solver) == (dt.time(21, 30), dt.time(5, 0), SolverChoice.CBC)
    assert s.shrinkage == 0.30


def test_unknown_setting_names_are_refused():
    with pytest.raises(KeyError):
        make_settings({"overtime": 1.5})
