"""Scenarios: the sheet's checks, applying changes, sweeps on processes and Dask, and the price of each gap."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from workbooks import T0, error_block, run_cli, valid_tables, write_xlsx

from planner.inputs.load import load_scenario
from planner.roster.plan import RosterOptions, plan_roster
from planner.roster.solve import SolveOptions
from planner.scenarios.apply import apply_spec
from planner.scenarios.changes import Change, ChangeKind, ScenarioSpec
from planner.scenarios.gaps import price_gaps, roster_with_gap_prices
from planner.scenarios.load import load_specs
from planner.scenarios.sweep import SweepOptions, run_sweep

TINY = Path(__file__).resolve().parents[1] / "inputs" / "tiny.xlsx"
HEADER = [
    "scenario",
    "change",
    "language",
    "channel",
    "tier",
    "site",
    "pool",
    "factor",
    "value",
    "from",
    "to",
    "target_seconds",
    "service_level",
    "shift",
    "earliest_start",
    "latest_start",
    "languages",
    "channels",
]
OPTIONS = RosterOptions(solve=SolveOptions(time_limit=30.0, gap=0.0))


def row(scenario: str, change: str, **cells: object) -> list[object]:
    return [scenario, change] + [cells.get(h) for h in HEADER[2:]]


def write_csv(rows: list[list[object]], path: Path) -> Path:
    frame = pd.DataFrame(rows, columns=HEADER)
    frame.to_csv(path, index=False)
    return path


TINY_ROWS = [
    row(
        "spike",
        "scale_demand",
        language="en",
        channel="chat",
        factor=3,
        **{"from": "2026-03-23 12:00"},
        to="2026-03-23 18:00",
    ),
    row("wage", "wage", site="lisbon", factor=1.2),
    row("chat30", "target", channel="chat", target_seconds=30),
    row("ja247", "cover_language", language="ja", site="lisbon"),
]


# --------------------------------------------------------------------------- applying changes


def test_scaling_demand_touches_only_the_named_queue_and_window():
    base = load_scenario(TINY)
    change = Change(
        "spike",
        ChangeKind.SCALE_DEMAND,
        2,
        language="en",
        channel="chat",
        factor=3.0,
        start=dt.datetime(2026, 3, 23, 12, tzinfo=dt.UTC),
        end=dt.datetime(2026, 3, 23, 18, tzinfo=dt.UTC),
    )
    after = apply_spec(base, ScenarioSpec("spike", (change,))).scenario.demand
    before = base.demand
    hit = (
        (before["language"] == "en")
        & (before["channel"] == "chat")
        & (before["interval_start"] >= change.start)
        & (before["interval_start"] < change.end)
    )
    assert hit.sum() == 6  # six hourly rows: 12:00 ... 17:00
    assert (after.loc[hit, "contacts"] == 3 * before.loc[hit, "contacts"]).all()
    assert (after.loc[~hit, "contacts"] == before.loc[~hit, "contacts"]).all()
    assert (base.demand["contacts"] == before["contacts"]).all()  # the base is not mutated


def test_target_wage_close_and_cover_changes():
    from planner.domain import Pool, resolve_target

    base = load_scenario(TINY)
    spec = ScenarioSpec(
        "mix",
        (
            Change("mix", ChangeKind.TARGET, 2, channel="chat", target_seconds=30.0),
            Change("mix", ChangeKind.WAGE, 3, site="lisbon", factor=1.2),
            Change("mix", ChangeKind.CLOSE_POOL, 4, pool="lisbon_en"),
        ),
    )
    s = apply_spec(base, spec).scenario
    assert resolve_target(s.channels["chat"], s.targets, "en", "standard") == (0.5, 0.8)
    assert s.sites["lisbon"].hourly_cost == pytest.approx(24.0)  # 20 x 1.2
    assert set(s.pools) == {"lisbon_ja_en"}
    more = ScenarioSpec(
        "more",
        (
            Change("more", ChangeKind.SHIFT_WINDOW, 2, site="lisbon", shift="day", earliest_start=dt.time(20, 0),
                   latest_start=dt.time(2, 0)),
            Change("more", ChangeKind.ADD_POOL, 3, pool="lisbon_ja", site="lisbon", languages=("ja",), value=4),
            Change("more", ChangeKind.CAP_SITE, 4, site="lisbon", value=12),
            Change("more", ChangeKind.NIGHT_PREMIUM, 5, site="lisbon", value=0.5),
        ),
    )  # fmt: skip
    m = apply_spec(base, more).scenario
    day = next(t for t in m.shifts if t.name == "day@lisbon")
    assert (day.paid_hours, day.sites, day.start_offsets(60)) == (8.0, ("lisbon",), [h * 60 for h in range(20, 27)])
    assert m.pools["lisbon_ja"] == Pool("lisbon_ja", "lisbon", ("ja",), None, 4)
    assert (m.sites["lisbon"].max_agents, m.sites["lisbon"].night_premium) == (12, 0.5)
    covered = apply_spec(base, ScenarioSpec("ja", (Change("ja", ChangeKind.COVER_LANGUAGE, 2, language="ja"),)))
    (opening,) = covered.openings
    twin = covered.scenario.pools[opening.pool]
    assert (twin.languages, twin.site, twin.available) == (("ja",), "lisbon_ja_24h", None)
    day = next(t for t in covered.scenario.shifts if t.name == "day_24h@lisbon_ja_24h")
    assert (day.earliest_start, day.latest_start, day.sites) == (dt.time(0, 0), dt.time(23, 0), ("lisbon_ja_24h",))
    assert all(t.sites != ("lisbon_ja_24h",) or "24h" in t.name for t in covered.scenario.shifts)


def test_covering_a_language_in_windows_relabels_only_their_rows_and_shares_one_hire_pool():
    base = load_scenario(TINY)  # one day, ja and en chat and email every hour from T0 (UTC)
    windows = [(2, 5), (20, 22)]
    changes = tuple(
        Change("w", ChangeKind.COVER_LANGUAGE, 2 + i, language="ja", start=utc(a), end=utc(b))
        for i, (a, b) in enumerate(windows)
    )
    covered = apply_spec(base, ScenarioSpec("w", changes))
    (opening,) = covered.openings  # the second window reuses the first one's hire pool
    d = covered.scenario.demand
    label = "ja (window)"
    hours = sorted({ts.hour for ts in d.loc[d["language"] == label, "interval_start"]})
    assert hours == [2, 3, 4, 20, 21]
    # rows are relabelled, not dropped: 24 hours x 2 channels of ja in all, 5 x 2 of them in the windows
    assert (int((d["language"] == label).sum()), int(d["language"].isin(["ja", label]).sum())) == (10, 48)
    assert float(d["contacts"].sum()) == float(base.demand["contacts"].sum())
    pools = covered.scenario.pools
    assert pools["lisbon_ja_en"].languages == ("ja", "en", label) and pools["lisbon_en"].languages == ("en",)
    twin = pools[opening.pool]
    assert (opening.language, twin.languages, twin.site) == ("ja", (label,), "lisbon_ja_window")
    assert changes[0].describe() == "ja covered Mon 02:00-Mon 05:00 UTC"


def test_a_scenarios_sheet_in_the_input_workbook_is_read_and_the_base_comes_first(tmp_path):
    tables = valid_tables()
    tables["scenarios"] = [HEADER, row("jp", "cover_language", language="ja", site="tokyo"), row("base", "base")]
    path = write_xlsx(tables, tmp_path / "week.xlsx")
    base = load_scenario(path)
    assert not any("scenarios" in n for n in base.notes)  # the roster's loader leaves the sheet alone
    specs = load_specs(base, path, None)
    assert [(s.name, [c.kind for c in s.changes]) for s in specs] == [
        ("base", []),
        ("jp", [ChangeKind.COVER_LANGUAGE]),
    ]


# --------------------------------------------------------------------------- bad input


def test_every_bad_row_is_reported_located_and_nothing_is_written(tmp_path):
    rows = [
        row("a", "scale_demand", language="xx", factor=2),
        row("a", "scale_demand", factor=-1),
        row("a", "scale_demand", language="yy", factor="abc"),
        row("a", "scale_demand", factor=2, **{"from": "Monday noon"}, to="2026-03-23 18:00"),
        row("b", "wage", site="paris", factor=1.1),
        row("b", "close_pool", pool="nope"),
        row("b", "target", channel="fax", target_seconds=30),
        row("c", "wage", site="lisbon", factor=1.2),
        row("c", "wage", site="lisbon", value=25),
        row("d", "scale_demand", factor=2, **{"from": "2026-03-23 18:00"}, to="2026-03-23 12:00"),
        row("e", "explode"),
    ]
    sheet = write_csv(rows, tmp_path / "sc.csv")
    out = tmp_path / "out.xlsx"
    rosters = tmp_path / "rosters"
    run = run_cli("scenarios", TINY, sheet, "-o", out, "--rosters", rosters, "--jobs", "1")
    assert run.exit_code == 1
    s = str(sheet)
    assert run.stderr_lines == error_block(
        s,
        [
            f"{s}, sheet 'sc', row 2, column 'language': got 'xx'; expected a language of the demand sheet: en, ja",
            f"{s}, sheet 'sc', row 3, column 'factor': got '-1'; expected blank or a number >= 0",
            f"{s}, sheet 'sc', row 4, column 'language': got 'yy'; expected a language of the demand sheet: en, ja",
            f"{s}, sheet 'sc', row 4, column 'factor': got 'abc'; expected blank or a number >= 0",
            f"{s}, sheet 'sc', row 5, column 'from': got 'Monday noon'; "
            "expected blank or a date-time such as 2026-03-25 12:00",
            f"{s}, sheet 'sc', row 6, column 'site': got 'paris'; expected a site of the sites sheet: lisbon",
            f"{s}, sheet 'sc', row 7, column 'pool': got 'nope'; "
            "expected a pool of the pools sheet: lisbon_en, lisbon_ja_en",
            f"{s}, sheet 'sc', row 8, column 'channel': got 'fax'; "
            "expected a channel of the channels sheet: chat, email",
            f"{s}, sheet 'sc', row 10, column 'site': contradicts row 9 of scenario 'c' (lisbon wage x1.2); "
            "expected one change per thing changed in a scenario",
            f"{s}, sheet 'sc', row 11, column 'to': got '2026-03-23 12:00'; "
            "expected a date-time after 'from' (2026-03-23 18:00 UTC)",
            f"{s}, sheet 'sc', row 12, column 'change': got 'explode'; expected one of "
            "base, scale_demand, target, wage, night_premium, weekend_premium, cap_site, close_site, cap_pool, "
            "close_pool, shift_window, add_pool, cover_language",
        ],
    )
    assert run.stdout == ""
    assert not out.exists() and not rosters.exists()


# --------------------------------------------------------------------------- sweeps


def test_the_table_prices_each_scenario_against_the_base(tmp_path):
    sheet = write_csv(TINY_ROWS, tmp_path / "sc.csv")
    out = tmp_path / "table.xlsx"
    run = run_cli("scenarios", TINY, sheet, "-o", out, "--jobs", "1", "--gap", "0.000001", "--rosters", tmp_path / "r")
    assert run.exit_code == 0, run.stderr
    table = pd.read_excel(out, sheet_name="scenario_rows").set_index("scenario")
    assert list(table.index) == ["base", "spike", "wage", "chat30", "ja247"]
    # one site: a 20 % wage rise raises every roster's cost by 20 %, so the optimum's by 20 % (the roster itself
    # may be another of equal cost: full and part-time shifts of the same paid hours tie)
    assert table.at["base", "solver_status"] == table.at["wage", "solver_status"] == "optimal"
    assert table.at["wage", "weekly_cost"] == pytest.approx(1.2 * table.at["base", "weekly_cost"])
    assert table.at["wage", "vs_base_pct"] == pytest.approx(20.0)
    # a tighter chat target and a chat spike never make the roster cheaper
    assert table.at["chat30", "vs_base_weekly"] >= 0 and table.at["spike", "vs_base_weekly"] >= 0
    assert table.at["ja247", "headcount lisbon_ja_24h"] > 0
    assert sorted(p.name for p in (tmp_path / "r").iterdir()) == [
        "base.xlsx",
        "chat30.xlsx",
        "ja247.xlsx",
        "spike.xlsx",
        "wage.xlsx",
    ]
    assert "scenario wage done" in run.stderr


def test_roster_file_names_are_safe_and_unique():
    from planner.scenarios.sweep import roster_paths

    specs = [ScenarioSpec(n, ()) for n in ("base", "wage +20%", "wage_20", "Wage 20", "../../etc")]
    names = [p.name for p in roster_paths(specs, Path("out")) if p is not None]
    assert names == ["base.xlsx", "wage_20.xlsx", "wage_20-2.xlsx", "Wage_20-3.xlsx", "etc.xlsx"]
    assert roster_paths(specs, None) == [None] * 5


def test_processes_and_a_dask_cluster_give_the_same_table_as_one_job():
    from dask.distributed import LocalCluster

    base = load_scenario(TINY)
    specs = [
        ScenarioSpec("base", ()),
        ScenarioSpec("wage", (Change("wage", ChangeKind.WAGE, 3, site="lisbon", factor=1.2),)),
        ScenarioSpec("chat30", (Change("chat30", ChangeKind.TARGET, 4, channel="chat", target_seconds=30.0),)),
    ]
    one = run_sweep(base, specs, SweepOptions(OPTIONS, jobs=1)).table()
    two = run_sweep(base, specs, SweepOptions(OPTIONS, jobs=2)).table()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = run_sweep(base, specs, SweepOptions(OPTIONS, scheduler=cluster.scheduler_address)).table()
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, dask)


# --------------------------------------------------------------------------- the price of each gap


def gap_week() -> dict[str, list[list[object]]]:
    """Japanese chat, 1 contact an hour from 00:00 to 12:00 UTC on Monday, spoken only in Tokyo (UTC+9), whose
    one shift starts at 09:00 local (00:00-08:00 UTC): 08:00-12:00 UTC is a time-zone gap.

    By hand: 6-minute chats at 1 an hour are 0.1 Erlang; one agent answers 1 - 0.1 e^(-0.9/6) = 91 % within a
    minute (>= 80 %), so each hour with demand needs exactly 1 agent (no shrinkage). The 12 hours need two
    8-hour shifts whatever their starts, at 8 x 10 = 80 each; the base roster pays one (80): closing the gap
    costs one more shift, 80 a week, 80 x 52 = 4,160 a year, one hire.
    """
    return {
        "demand": [
            ["interval_start", "language", "channel", "tier", "contacts"],
            *[[T0 + dt.timedelta(hours=h), "ja", "chat", "standard", 1] for h in range(12)],
        ],
        "channels": [
            ["channel", "handle_minutes", "target_minutes", "service_level", "concurrency", "deferrable"],
            ["chat", 6, 1, 0.8, 1, "no"],
        ],
        "sites": [
            ["site", "timezone", "hourly_cost", "night_premium", "weekend_premium"],
            ["tokyo", "Asia/Tokyo", 10, 0, 0],
        ],
        "pools": [["pool", "site", "languages"], ["tokyo_ja", "tokyo", "ja"]],
        "shifts": [
            ["shift", "paid_hours", "length_hours", "earliest_start", "latest_start", "start_step_minutes"],
            ["day", 8, 8, "09:00", "09:00", 60],
        ],
        "settings": [["setting", "value"], ["shrinkage", 0], ["weeks_per_year", 52]],
    }


def test_a_time_zone_gap_costs_what_it_takes_to_close_by_hand(tmp_path):
    path = write_xlsx(gap_week(), tmp_path / "gap.xlsx")
    result, pricing = roster_with_gap_prices(load_scenario(path), OPTIONS)
    assert result.summary.weekly_cost == pytest.approx(80.0)
    (price,) = pricing.prices
    (block,) = price.blocks
    assert (block.language, block.structural, block.agent_hours_short) == ("ja", True, 4.0)
    assert (block.start, block.end) == (T0.replace(hour=8, tzinfo=dt.UTC), T0.replace(hour=12, tzinfo=dt.UTC))
    assert (price.weekly_cost, price.annual_cost) == (pytest.approx(80.0), pytest.approx(4160.0))
    (opened,) = price.opened  # the hires may take one shift or both (the same cost): at least one
    assert opened.site == "tokyo" and opened.hires == 1 and opened.shifts_per_week in (1.0, 2.0)
    # exactly one shift in an opened window: it starts 13:00-17:00 Tokyo time to cover 08:00-12:00 UTC
    assert opened.new_window_shifts_per_week == 1.0
    assert opened.new_window_starts in ("13:00", "14:00", "15:00", "16:00", "17:00")
    assert price.remaining_agent_hours == 0.0
    assert result.summary.comparison is not None
    assert result.summary.comparison.cost_of_full_coverage_weekly == pytest.approx(80.0)


def test_the_full_coverage_price_is_never_negative_and_zero_without_gaps(tmp_path):
    tiny = plan_roster(load_scenario(TINY), OPTIONS)
    assert len(tiny.gaps) == 0
    none = price_gaps(tiny, OPTIONS)
    assert (none.prices, none.weekly_cost, none.annual_cost) == ((), 0.0, 0.0)
    week = plan_roster(load_scenario(write_xlsx(valid_tables(), tmp_path / "valid.xlsx")), OPTIONS)
    priced = price_gaps(week, OPTIONS)
    assert all(p.weekly_cost >= 0 for p in priced.prices) and priced.weekly_cost >= 0


def test_roster_full_coverage_prints_the_price_of_each_gap(tmp_path):
    path = write_xlsx(gap_week(), tmp_path / "gap.xlsx")
    run = run_cli("roster", path, "--full-coverage", "-o", tmp_path / "r.xlsx")
    assert run.exit_code == 1  # the roster itself still has the gap
    assert "ja: closing 1 gap block(s) costs 80 USD/week (4,160 a year): ja at tokyo: 1 hire speaking only ja" in (
        run.stdout
    )
    assert "ja Mon 03-23 08:00-Mon 12:00 UTC = tokyo Mon 17:00-Mon 21:00 local (time-zone gap, 4.0 agent-hours): " in (
        run.stdout
    )
    assert "scenario close ja 2026-03-23 08:00-2026-03-23 12:00 UTC done (" in run.stderr  # progress on stderr
    assert "scenario close" not in run.stdout
    summary = pd.read_excel(tmp_path / "r.xlsx", sheet_name="summary").set_index("Key")["Value"]
    assert float(summary["cost_of_full_coverage_weekly"]) == pytest.approx(80.0)
    sheet = pd.read_excel(tmp_path / "r.xlsx", sheet_name="gap_prices")
    assert len(sheet) == 1
    assert list(sheet.iloc[0, :4]) == [
        "ja",
        "2026-03-23T08:00:00+00:00",
        "2026-03-23T12:00:00+00:00",
        "tokyo Mon 17:00-Mon 21:00",
    ]
    assert list(sheet.iloc[0, 8:10]) == [80.0, 4160.0]  # weekly and annual price


def test_roster_full_coverage_json_lists_one_row_per_block(tmp_path):
    import json

    path = write_xlsx(two_language_week(), tmp_path / "two.xlsx")
    run = run_cli("roster", path, "--full-coverage", "--json", "--jobs", "1", "-o", tmp_path / "r.xlsx")
    rows = json.loads(run.stdout)["gap_prices"]
    assert [(r["language"], r["block_start_utc"], r["weekly_price"], r["language_weekly_price"]) for r in rows] == [
        ("ja", "2026-03-23T08:00:00+00:00", 80.0, 80.0),
        ("ja", "2026-03-23T14:00:00+00:00", 80.0, 80.0),
        ("pt", "2026-03-23T20:00:00+00:00", 160.0, 160.0),
    ]


def test_marginal_steps_are_one_point_of_service_level_and_one_step_of_target():
    from planner.scenarios.marginal import marginal_specs

    steps = [
        (s.name, c.channel, c.service_level, c.target_seconds)
        for s in marginal_specs(load_scenario(TINY))
        for c in s.changes
    ]
    # tiny: chat 80 % in 60 s (live), email 90 % in 480 min (deferrable)
    assert steps == [
        ("marginal: chat service level +1 point", "chat", 0.81, None),
        ("marginal: chat target -10 s", "chat", None, 50.0),
        ("marginal: email service level +1 point", "email", 0.91, None),
        ("marginal: email target -1 h", "email", None, 480 * 60.0 - 3600.0),
    ]


def test_json_lists_every_scenario_with_its_difference_to_the_base(tmp_path):
    import json

    sheet = write_csv([row("wage", "wage", site="lisbon", value=30)], tmp_path / "sc.csv")
    run = run_cli("scenarios", TINY, sheet, "--jobs", "1", "--json", "--gap", "0.000001")
    assert run.exit_code == 0, run.stderr
    data = json.loads(run.stdout)
    base, wage = data["scenarios"]
    assert (base["scenario"], wage["scenario"], data["currency"]) == ("base", "wage", "USD")
    # the only site's wage from 20 to 30: every cost x 1.5, the same roster
    assert wage["weekly_cost"] == pytest.approx(1.5 * base["weekly_cost"])
    assert wage["vs_base_pct"] == pytest.approx(50.0)
    assert wage["changes"] == "lisbon wage = 30"


def two_language_week() -> dict[str, list[list[object]]]:
    """Three gap blocks of two prices, all time-zone gaps (one 8-hour shift at 09:00 local at every site).

    Japanese chat (Tokyo, UTC+9, 10 an hour) 1 contact an hour 00:00-12:00 and 14:00-16:00 UTC on Monday: the
    09:00 shift covers 00:00-08:00 UTC, leaving 08:00-12:00 (4 agent-hours) and 14:00-16:00 (2). Portuguese chat
    (Sao Paulo, UTC-3, 20 an hour) 1 contact an hour 12:00-24:00 UTC: the 09:00 shift covers 12:00-20:00,
    leaving 20:00-24:00 (4). Each hour with demand needs 1 agent (see :func:`gap_week`).

    By hand: the roster pays 80 + 160 = 240. Closing ja 08-12 alone takes one more Tokyo shift starting
    04:00-08:00 UTC (13:00-17:00 local): 80; ja 14-16 alone one starting 06:00-14:00 UTC (15:00-23:00): 80;
    pt 20-24 one Sao Paulo shift starting 16:00-20:00 UTC (13:00-17:00 local): 160. Both ja blocks together
    take ONE shift starting 08:00 UTC (17:00 local): 80, not 80 + 80. Every gap closed: 80 + 160 = 240 a week.
    """
    tables = gap_week()
    tables["demand"] = [
        ["interval_start", "language", "channel", "tier", "contacts"],
        *[[T0 + dt.timedelta(hours=h), "ja", "chat", "standard", 1] for h in (*range(12), 14, 15)],
        *[[T0 + dt.timedelta(hours=h), "pt", "chat", "standard", 1] for h in range(12, 24)],
    ]
    tables["sites"].append(["saopaulo", "America/Sao_Paulo", 20, 0, 0])
    tables["pools"].append(["saopaulo_pt", "saopaulo", "pt"])
    return tables


def utc(hour: int) -> dt.datetime:
    return T0.replace(tzinfo=dt.UTC) + dt.timedelta(hours=hour)


def test_each_gap_block_is_priced_on_its_own_and_each_language_together(tmp_path):
    from planner.scenarios.sweep import SweepEventKind

    path = write_xlsx(two_language_week(), tmp_path / "two.xlsx")
    events: list[object] = []
    result, pricing = roster_with_gap_prices(load_scenario(path), OPTIONS, sweep_progress=events.append)
    assert result.summary.weekly_cost == pytest.approx(240.0)
    got = [
        (b.block.language, b.block.start, b.block.end, b.block.agent_hours_short, b.block.structural, b.weekly_cost)
        for b in pricing.block_prices
        if b.block is not None
    ]
    assert got == [
        ("ja", utc(8), utc(12), 4.0, True, pytest.approx(80.0)),
        ("ja", utc(14), utc(16), 2.0, True, pytest.approx(80.0)),
        ("pt", utc(20), utc(24), 4.0, True, pytest.approx(160.0)),
    ]
    ja_morning, ja_afternoon, pt = pricing.block_prices
    assert [b.annual_cost for b in pricing.block_prices] == [pytest.approx(4160.0)] * 2 + [pytest.approx(8320.0)]
    # how: one hire at the language's site, starting where the hand computation says; the other ja block stays open
    (opened,) = ja_morning.opened
    assert (opened.site, opened.hires, opened.shifts_per_week) == ("tokyo", 1, 1.0)
    assert opened.new_window_starts in ("13:00", "14:00", "15:00", "16:00", "17:00")
    assert (ja_morning.remaining_agent_hours, ja_morning.short_elsewhere) == (0.0, 2.0)
    assert (ja_afternoon.remaining_agent_hours, ja_afternoon.short_elsewhere) == (0.0, 4.0)
    (opened,) = pt.opened
    assert (opened.site, opened.hires, opened.shifts_per_week) == ("saopaulo", 1, 1.0)
    assert opened.new_window_starts in ("13:00", "14:00", "15:00", "16:00", "17:00")
    assert ja_morning.block is not None and ja_morning.block.local == (("tokyo", "Mon 17:00-Mon 21:00"),)
    assert pt.block is not None and pt.block.local == (("saopaulo", "Mon 17:00-Mon 21:00"),)
    # together: ja's two blocks close with one shift (80, not 160); every gap closed costs 240
    assert [(p.language, p.weekly_cost, len(p.blocks)) for p in pricing.prices] == [
        ("ja", pytest.approx(80.0), 2),
        ("pt", pytest.approx(160.0), 1),
    ]
    assert (pricing.weekly_cost, pricing.annual_cost) == (pytest.approx(240.0), pytest.approx(12480.0))
    assert result.summary.comparison is not None
    assert result.summary.comparison.cost_of_full_coverage_weekly == pytest.approx(240.0)
    # the table: one row per block; progress: one started and one finished event per re-solve (3 blocks + 2)
    table = pricing.table()
    assert list(table["weekly_price"]) == [80.0, 80.0, 160.0]
    assert list(table["language_weekly_price"]) == [80.0, 80.0, 160.0]
    assert list(table["hours"]) == [4.0, 2.0, 4.0]
    kinds = [e.kind for e in events]  # type: ignore[attr-defined]
    assert (kinds.count(SweepEventKind.STARTED), kinds.count(SweepEventKind.FINISHED)) == (5, 5)


def test_a_week_without_gaps_is_priced_zero_without_a_re_solve():
    events: list[object] = []
    tiny = plan_roster(load_scenario(TINY), OPTIONS)
    pricing = price_gaps(tiny, OPTIONS, progress=events.append)
    assert (pricing.block_prices, pricing.prices, pricing.weekly_cost, events) == ((), (), 0.0, [])
    assert len(pricing.table()) == 0 and "language" in pricing.table().columns


def test_a_price_within_the_solvers_tolerance_is_zero_and_a_time_limit_is_marked():
    from planner.scenarios.gaps import Closing

    within = Closing(0.0, 0.0, raw_difference=-30.0, tolerance=50.0, opened=(), remaining_agent_hours=0.0,
                     time_limited=True)  # fmt: skip
    assert within.note == "within solver tolerance; time limit"
    cheaper = Closing(0.0, 0.0, -80.0, 10.0, (), 0.0, False)
    assert cheaper.note == "opening these hours is cheaper than the current windows"


def test_gap_prices_are_the_same_on_one_process_two_processes_and_dask(tmp_path):
    from dask.distributed import LocalCluster

    path = write_xlsx(two_language_week(), tmp_path / "two.xlsx")
    result = plan_roster(load_scenario(path), OPTIONS)
    one = price_gaps(result, OPTIONS, SweepOptions(jobs=1)).table()
    two = price_gaps(result, OPTIONS, SweepOptions(jobs=2)).table()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        dask = price_gaps(result, OPTIONS, SweepOptions(scheduler=cluster.scheduler_address)).table()
    assert len(one) == 3
    pd.testing.assert_frame_equal(one, two)
    pd.testing.assert_frame_equal(one, dask)
