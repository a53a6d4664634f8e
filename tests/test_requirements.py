"""The requirements engine on small workbooks whose answers are known."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest
from workbooks import run_cli, write_xlsx

from planner.inputs.load import load_scenario
from planner.queueing import erlang
from planner.requirements import OUTPUT_COLUMNS, compute_requirements, queue_index

T0 = dt.datetime(2026, 3, 23, 9, 0)
CH_HEADER = [
    "channel",
    "handle_minutes",
    "target_minutes",
    "service_level",
    "concurrency",
    "patience_minutes",
    "deferrable",
    "bot_deflection",
]


def scenario(tmp_path, demand_rows, channels, targets=None, settings=(), interval=30):
    tables = {
        "demand": [["interval_start", "language", "channel", "tier", "contacts"], *demand_rows],
        "channels": [CH_HEADER, *channels],
        "sites": [["site", "timezone", "hourly_cost"], ["lisbon", "Europe/Lisbon", 20]],
        "pools": [["pool", "site", "languages"], ["p", "lisbon", "en ja"]],
        "settings": [
            ["setting", "value"],
            ["interval_minutes", interval],
            ["shrinkage", 0.3],
            ["max_occupancy", 0.85],
            *settings,
        ],
    }
    if targets:
        tables["targets"] = [["language", "channel", "tier", "target_minutes", "service_level"], *targets]
    path = write_xlsx(tables, tmp_path / "in.xlsx")
    return load_scenario(path)


def row(table, when, language="en", channel="chat", tier="standard"):
    t = table
    sel = t[
        (t["interval_start"] == pd.Timestamp(when, tz="UTC"))
        & (t["language"] == language)
        & (t["channel"] == channel)
        & (t["tier"] == tier)
    ]
    assert len(sel) == 1
    return sel.iloc[0]


def test_published_case_14_on_the_floor_become_20_scheduled(tmp_path):
    # 100 contacts in 30 minutes, AHT 180 s, 80 % within 20 s, max occupancy 0.85, shrinkage 0.30
    sc = scenario(tmp_path, [[T0, "en", "chat", "standard", 100]], [["chat", 3, 20 / 60, 0.8, 1, None, "no", None]])
    req = compute_requirements(sc)
    r = row(req.table, T0)
    assert r["agents_required"] == 14
    assert r["agents_scheduled"] == pytest.approx(20.0)  # 14 / (1 - 0.3), not rounded
    assert r["service_level"] == pytest.approx(0.888350, abs=5e-7)
    assert r["asa_seconds"] == pytest.approx(7.8359, abs=5e-5)
    assert r["occupancy"] == pytest.approx(10 / 14)
    assert r["abandon_rate"] == 0.0
    assert r["workload_hours"] == pytest.approx(5.0)


def test_output_columns_and_full_grid(tmp_path):
    sc = scenario(
        tmp_path,
        [[T0, "en", "chat", "standard", 100], [T0, "ja", "chat", "vip", 3]],
        [["chat", 3, 20 / 60, 0.8, 1, None, "no", None]],
    )
    req = compute_requirements(sc)
    assert list(req.table.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    # one row per interval of the horizon (a week of 30-minute intervals) and queue with demand
    assert len(req.table) == 2 * 7 * 48
    zero = req.table[req.table["contacts"] == 0]
    assert (zero["agents_required"] == 0).all() and (zero["agents_scheduled"] == 0).all()


def test_fractional_scheduled_is_never_rounded(tmp_path):
    sc = scenario(tmp_path, [[T0, "en", "chat", "standard", 80]], [["chat", 3, 20 / 60, 0.8, 1, None, "no", None]])
    r = row(compute_requirements(sc).table, T0)
    n = int(r["agents_required"])
    assert r["agents_scheduled"] == pytest.approx(n / 0.7)
    assert r["agents_scheduled"] != round(r["agents_scheduled"])


def test_bot_deflection_removes_contacts_before_agents(tmp_path):
    half = scenario(tmp_path, [[T0, "en", "chat", "standard", 200]], [["chat", 3, 20 / 60, 0.8, 1, None, "no", 0.5]])
    full = scenario(tmp_path, [[T0, "en", "chat", "standard", 100]], [["chat", 3, 20 / 60, 0.8, 1, None, "no", None]])
    a = row(compute_requirements(half).table, T0)
    b = row(compute_requirements(full).table, T0)
    assert a["contacts"] == 200 and a["contacts_to_agents"] == pytest.approx(100)
    assert a["agents_required"] == b["agents_required"] == 14
    assert a["service_level"] == pytest.approx(b["service_level"])


def test_tiers_are_separate_queues_with_their_own_targets(tmp_path):
    channels = [["chat", 6, 1, 0.8, 2, 4, "no", None]]
    targets = [[None, "chat", "vip", 0.5, 0.9]]
    base = [[T0, "en", "chat", "standard", 300], [T0, "en", "chat", "vip", 12]]
    more = [[T0, "en", "chat", "standard", 900], [T0, "en", "chat", "vip", 12]]
    a = compute_requirements(scenario(tmp_path, base, channels, targets))
    b = compute_requirements(scenario(tmp_path, more, channels, targets))
    vip_a = row(a.table, T0, tier="vip")
    vip_b = row(b.table, T0, tier="vip")
    # the vip queue does not depend on the standard volume: it has its own agents
    assert vip_a["agents_required"] == vip_b["agents_required"]
    assert vip_a["target_minutes"] == 0.5 and vip_a["target_service_level"] == 0.9
    # and equals an independent Erlang A computation with its own target
    expected = erlang.required_agents(12 / 30, 6, 0.5, 0.9, 0.85, patience_minutes=4, concurrency=2)
    assert vip_a["agents_required"] == int(expected)
    std = row(a.table, T0)
    assert std["target_minutes"] == 1 and std["target_service_level"] == 0.8
    assert std["agents_required"] == int(
        erlang.required_agents(300 / 30, 6, 1, 0.8, 0.85, patience_minutes=4, concurrency=2)
    )


def test_zero_demand_needs_zero_agents(tmp_path):
    sc = scenario(tmp_path, [[T0, "en", "chat", "standard", 0]], [["chat", 3, 20 / 60, 0.8, 1, None, "no", None]])
    t = compute_requirements(sc).table
    assert (t["agents_required"] == 0).all()
    assert (t["service_level"] == 1.0).all()


def test_deferrable_work_is_smoothed_within_its_window(tmp_path):
    # 60 emails at 09:00, 12 minutes each = 12 hours of work, due 95 % within 4 hours
    sc = scenario(
        tmp_path, [[T0, "en", "email", "standard", 60]], [["email", 12, 240, 0.95, 1, None, "yes", None]], interval=60
    )
    req = compute_requirements(sc)
    t = req.table
    assert (t["kind"] == "deferrable").all()
    assert t["workload_hours"].sum() == pytest.approx(12.0)
    # on-floor agents x hours x deferred occupancy (0.95) = the work
    assert (t["agents_on_floor"].sum() * 0.95) == pytest.approx(12.0)
    # no interval needs the whole work at once: it is spread over the window
    assert t["agents_on_floor"].max() < 12.0 / 0.95
    busy = t[t["agents_on_floor"] > 1e-9]
    assert busy["interval_start"].min() == pd.Timestamp(T0, tz="UTC")
    assert busy["interval_start"].max() <= pd.Timestamp(T0 + dt.timedelta(hours=8), tz="UTC")
    assert (t["service_level"] >= 0.95 - 1e-9).all()
    assert (t["agents_required"] == np.ceil(t["agents_on_floor"] - 1e-9)).all()
    assert req.deferred[("en", "email", "standard")].total == pytest.approx(12.0 / 0.95 / 0.7)


def test_summary_adds_tiers_per_language_and_channel(tmp_path):
    channels = [["chat", 6, 1, 0.8, 2, 4, "no", None]]
    rows = [
        [T0, "en", "chat", "standard", 300],
        [T0, "en", "chat", "vip", 12],
        [T0 + dt.timedelta(minutes=30), "en", "chat", "standard", 150],
    ]
    req = compute_requirements(scenario(tmp_path, rows, channels, [[None, "chat", "vip", 0.5, 0.9]]))
    s = req.summary().set_index(["language", "channel"]).loc[("en", "chat")]
    t = req.table
    per_interval = t.groupby("interval")["agents_scheduled"].sum()
    assert s["peak_agents_scheduled"] == pytest.approx(per_interval.max())
    assert s["agent_hours_scheduled"] == pytest.approx(t["agents_scheduled"].sum() * 0.5)
    assert s["contacts"] == pytest.approx(462)


def test_cli_requirements_writes_csv_and_json(tmp_path):
    out = tmp_path / "req.csv"
    run = run_cli("requirements", "inputs/tiny.xlsx", "-o", out, "--json")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["queues"] == 4 and data["interval_minutes"] == 60
    frame = pd.read_csv(out)
    assert list(frame.columns[: len(OUTPUT_COLUMNS)]) == OUTPUT_COLUMNS
    assert len(frame) == data["rows"]
    # text summary
    run = run_cli("requirements", "inputs/tiny.xlsx", "-o", tmp_path / "req.xlsx")
    assert run.exit_code == 0
    assert "Peak agents and agent-hours per language and channel" in run.stdout
    sheets = pd.read_excel(tmp_path / "req.xlsx", sheet_name=None)
    assert list(sheets) == ["requirements", "summary", "backlog_age"]


def test_cli_requirements_bad_input(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_text("interval_start,language\n")
    run = run_cli("requirements", bad)
    assert run.exit_code == 1
    assert run.stderr.splitlines()[1] == (
        f"{bad}: this is a text file, not an Excel workbook (a CSV file renamed .xlsx?); "
        "expected an Excel .xlsx workbook (Excel 2007 or later)"
    )
    assert "Traceback" not in run.stderr


def test_queue_index_sorts_queues_and_maps_every_row():
    demand = pd.DataFrame(
        {
            "language": ["ja", "en", "ja", "en", "de", "en"],
            "channel": ["chat", "email", "chat", "chat", "phone", "email"],
            "tier": ["vip", "standard", "standard", "vip", "standard", "standard"],
        }
    ).astype("str")
    keys, row_queue = queue_index(demand)
    assert keys == [
        ("de", "phone", "standard"),
        ("en", "chat", "vip"),
        ("en", "email", "standard"),
        ("ja", "chat", "standard"),
        ("ja", "chat", "vip"),
    ]
    assert [keys[i] for i in row_queue] == list(demand.itertuples(index=False, name=None))
