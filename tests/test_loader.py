# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""`load_scenario` on valid inputs: what the input contract promises to accept and how it is read."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from workbooks import DEMAND_HEADER, T0, Tables, valid_tables, write_csv_folder, write_xlsx

from planner.domain import (
    DEFAULT_SHIFTS,
    Channel,
    Pool,
    ShiftTemplate,
    SolverChoice,
    TargetOverride,
    resolve_target,
)
from planner.inputs.load import load_scenario

UTC = dt.UTC


def load_xlsx(tables: Tables, tmp_path: Path, name: str = "input.xlsx"):
    return load_scenario(write_xlsx(tables, tmp_path / name))


def demand_with(rows: list[list[object]], tables: Tables | None = None) -> Tables:
    t = valid_tables() if tables is None else tables
    t["demand"] = [DEMAND_HEADER, *rows]
    return t


# --------------------------------------------------------------------------- the base input


def test_valid_base_input(tmp_path: Path) -> None:
    s = load_xlsx(valid_tables(), tmp_path)
    assert s.warnings == ()
    assert s.notes == ()
    assert s.horizon.start == dt.datetime(2026, 3, 23, tzinfo=UTC)
    assert s.horizon.interval_minutes == 60
    assert s.horizon.weeks == 1
    assert len(s.demand) == 73
    assert sorted(s.languages) == ["en", "ja"]
    assert s.channels["chat"] == Channel(
        "chat",
        9.0,
        1.0,
        0.8,
        concurrency=2,
        patience_minutes=4.0,
        deferrable=False,
        bot_deflection=0.25,
    )
    assert s.channels["email"] == Channel(
        "email",
        12.0,
        1440.0,
        0.95,
        concurrency=1,
        patience_minutes=None,
        deferrable=True,
        bot_deflection=0.0,
    )
    assert s.sites["tokyo"].timezone == "Asia/Tokyo"
    assert s.sites["lisbon"].max_agents == 200
    assert s.sites["tokyo"].max_agents is None
    assert s.pools["tokyo_ja_en"] == Pool("tokyo_ja_en", "tokyo", ("ja", "en"), None, None, None)
    assert s.pools["lisbon_ja"] == Pool("lisbon_ja", "lisbon", ("ja",), ("chat",), 4, 24.0)
    assert [t.name for t in s.shifts] == ["day", "late"]
    assert s.shifts[1].sites == ("lisbon", "tokyo")
    assert s.shifts[0].earliest_start == dt.time(6, 0)
    assert not s.shifts_defaulted
    assert s.settings.currency == "EUR"
    assert s.settings.shrinkage == pytest.approx(0.3)
    assert s.settings.max_occupancy == pytest.approx(0.85)  # written '85%'
    assert s.settings.solver is SolverChoice.AUTO


def test_blank_tier_means_standard(tmp_path: Path) -> None:
    s = load_xlsx(valid_tables(), tmp_path)
    email = s.demand[s.demand["channel"] == "email"]
    assert set(email["tier"]) == {"standard"}  # every email row has a blank tier
    assert set(s.demand["tier"]) == {"standard", "vip"}


def test_tier_column_may_be_left_out(tmp_path: Path) -> None:
    t = valid_tables()
    t["demand"] = [[r[0], r[1], r[2], r[4]] for r in t["demand"][:-1]]  # no tier column, no vip row
    s = load_xlsx(t, tmp_path)
    assert set(s.demand["tier"]) == {"standard"}
    assert len(s.demand) == 72


def test_codes_are_lower_cased(tmp_path: Path) -> None:
    t = demand_with(
        [
            [T0, "EN", "Chat", "Standard", 3],
            [T0, "Ja", "CHAT", "VIP", 1],
        ]
    )
    t["channels"][1][0] = "CHAT"
    t["pools"][2][2] = "JA, En"
    s = load_xlsx(t, tmp_path)
    assert sorted(s.demand["language"]) == ["en", "ja"]
    assert set(s.demand["channel"]) == {"chat"}
    assert sorted(s.demand["tier"]) == ["standard", "vip"]
    assert "chat" in s.channels
    assert s.pools["tokyo_ja_en"].languages == ("ja", "en")


# --------------------------------------------------------------------------- names of sheets and columns


def test_headers_match_case_and_space_insensitively(tmp_path: Path) -> None:
    t = valid_tables()
    t["demand"][0] = ["Interval Start", "LANGUAGE", " Channel ", "tier", "Contacts"]
    t["channels"][0] = [
        "Channel",
        "HANDLE_MINUTES",
        "Target-Minutes",
        "service level",
        "Concurrency",
        "patience minutes",
        "DEFERRABLE",
        "Bot Deflection",
    ]
    t["sites"][0] = [
        "SITE",
        "Time Zone",
        "hourly cost",
        "Night_Premium",
        "weekend-premium",
        "Max Agents",
    ]
    s = load_xlsx(t, tmp_path)
    base = load_xlsx(valid_tables(), tmp_path, "base.xlsx")
    assert s.notes == ()
    pd.testing.assert_frame_equal(s.demand, base.demand)
    assert s.channels == base.channels
    assert s.sites == base.sites


def test_sheet_names_match_case_and_space_insensitively(tmp_path: Path) -> None:
    t = valid_tables()
    renamed = {
        "demand": "Demand",
        "channels": "CHANNELS",
        "sites": "Sites ",
        "pools": "POOLS",
        "shifts": "Shifts",
        "settings": "Settings",
        "targets": "Targets",
    }
    t = {renamed[k]: v for k, v in t.items()}
    s = load_xlsx(t, tmp_path)
    base = load_xlsx(valid_tables(), tmp_path, "base.xlsx")
    assert s.notes == ()
    pd.testing.assert_frame_equal(s.demand, base.demand)
    assert (s.channels, s.sites, s.pools, s.shifts, s.targets, s.settings) == (
        base.channels,
        base.sites,
        base.pools,
        base.shifts,
        base.targets,
        base.settings,
    )


def test_csv_folder_equals_workbook(tmp_path: Path) -> None:
    xlsx = load_xlsx(valid_tables(), tmp_path)
    folder = load_scenario(write_csv_folder(valid_tables(), tmp_path / "csv"))
    pd.testing.assert_frame_equal(folder.demand, xlsx.demand)
    assert folder.horizon == xlsx.horizon
    assert folder.channels == xlsx.channels
    assert folder.sites == xlsx.sites
    assert folder.pools == xlsx.pools
    assert folder.shifts == xlsx.shifts
    assert folder.targets == xlsx.targets
    assert folder.settings == xlsx.settings


def test_csv_with_semicolons_and_windows_encoding(tmp_path: Path) -> None:
    """A European Excel export: ';' between fields, cp1252 text, a site name with an accent."""
    t = valid_tables()
    t["sites"].append(["são paulo", "America/Sao_Paulo", 12, None, None, None])
    xlsx = load_xlsx(t, tmp_path)
    folder = load_scenario(write_csv_folder(t, tmp_path / "csv", delimiter=";", encoding="cp1252"))
    assert (tmp_path / "csv" / "pools.csv").read_bytes().startswith(b"pool;site;languages;")
    assert "são paulo" in folder.sites
    pd.testing.assert_frame_equal(folder.demand, xlsx.demand)
    assert (folder.channels, folder.sites, folder.pools, folder.shifts) == (
        xlsx.channels,
        xlsx.sites,
        xlsx.pools,
        xlsx.shifts,
    )


def test_csv_with_byte_order_mark(tmp_path: Path) -> None:
    folder = write_csv_folder(valid_tables(), tmp_path / "csv", encoding="utf-8-sig")
    assert (folder / "demand.csv").read_bytes().startswith(b"\xef\xbb\xbfinterval_start")
    assert len(load_scenario(folder).demand) == 73


# --------------------------------------------------------------------------- date-times and intervals


def test_naive_datetimes_are_utc_and_offsets_are_converted(tmp_path: Path) -> None:
    rows = [
        ["2026-03-23T09:00+09:00", "ja", "chat", None, 1],  # 00:00 UTC
        ["2026-03-23 01:00", "en", "chat", None, 2],  # naive text: UTC
        [dt.datetime(2026, 3, 23, 2, 0), "en", "chat", None, 3],  # naive cell: UTC
        ["2026-03-23T03:00Z", "en", "chat", None, 4],
        ["2026-03-22T23:00-05:00", "en", "chat", None, 5],  # 04:00 UTC the next day
        ["2026-03-23T10:30+0530", "en", "chat", None, 6],  # 05:00 UTC
    ]
    for name, path in (
        ("xlsx", write_xlsx(demand_with(rows), tmp_path / "in.xlsx")),
        ("csv", write_csv_folder(demand_with(rows), tmp_path / "csv")),
    ):
        s = load_scenario(path)
        assert s.horizon.start == dt.datetime(2026, 3, 23, 0, 0, tzinfo=UTC), name
        assert s.horizon.interval_minutes == 60, name
        got = dict(zip(s.demand["contacts"], s.demand["interval_start"], strict=True))
        assert got == {float(h + 1): pd.Timestamp(2026, 3, 23, h, tz="UTC") for h in range(6)}, name
        assert s.demand["interval"].tolist() == [0, 1, 2, 3, 4, 5], name


@pytest.mark.parametrize(
    ("minutes", "expected"),
    [
        ([0, 15, 30, 45, 60], 15),
        ([0, 30, 60, 90], 30),
        ([0, 60, 120, 180], 60),
        ([0, 45, 120], 15),  # sparse 15-minute data: missing rows are zero demand
        ([0, 90, 180], 30),
        ([0], 60),  # one interval: the default length
    ],
)
def test_interval_length_is_inferred(minutes: list[int], expected: int, tmp_path: Path) -> None:
    rows = [[T0 + dt.timedelta(minutes=m), "en", "chat", None, 1] for m in minutes]
    s = load_xlsx(demand_with(rows), tmp_path)
    assert s.horizon.interval_minutes == expected
    assert s.demand["interval"].tolist() == [m // expected for m in minutes]


def test_interval_length_setting_overrides_inference(tmp_path: Path) -> None:
    t = demand_with([[T0 + dt.timedelta(minutes=m), "en", "chat", None, 1] for m in (0, 60, 120)])
    t["settings"].append(["interval_minutes", 15])
    s = load_xlsx(t, tmp_path)
    assert s.horizon.interval_minutes == 15
    assert s.demand["interval"].tolist() == [0, 4, 8]


def test_week_start_setting_sets_the_horizon(tmp_path: Path) -> None:
    t = valid_tables()
    t["settings"].append(["week_start", "2026-03-22T00:00"])
    s = load_xlsx(t, tmp_path)
    assert s.horizon.start == dt.datetime(2026, 3, 22, tzinfo=UTC)
    assert s.demand["interval"].min() == 24


def test_two_week_horizon(tmp_path: Path) -> None:
    t = valid_tables()
    t["demand"].append([T0 + dt.timedelta(days=13, hours=23), "en", "chat", None, 1])
    s = load_xlsx(t, tmp_path)
    assert s.horizon.weeks == 2
    assert s.demand["interval"].max() == 14 * 24 - 1


# --------------------------------------------------------------------------- cell formats


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ja, en", ("ja", "en")),
        ("ja;en", ("ja", "en")),
        ("ja / en", ("ja", "en")),
        ("ja en", ("ja", "en")),
        ("JA,, en ; ja", ("ja", "en")),  # empty items and repeats dropped
    ],
)
def test_list_separators(text: str, expected: tuple[str, ...], tmp_path: Path) -> None:
    t = valid_tables()
    t["pools"][2][2] = text
    t["pools"][1][3] = text.replace("ja", "chat").replace("JA", "CHAT").replace("en", "email")
    for path in (write_xlsx(t, tmp_path / "in.xlsx"), write_csv_folder(t, tmp_path / "csv")):
        s = load_scenario(path)
        assert s.pools["tokyo_ja_en"].languages == expected, path
        assert s.pools["lisbon_en"].channels == tuple(
            x.replace("ja", "chat").replace("en", "email") for x in expected
        ), path


@pytest.mark.parametrize(
    ("written", "share"), [("80%", 0.8), (" 95 % ", 0.95), (0.8, 0.8), ("0.8", 0.8), ("100%", 1.0)]
)
def test_service_level_as_percent(written: object, share: float, tmp_path: Path) -> None:
    t = valid_tables()
    t["channels"][1][3] = written
    s = load_xlsx(t, tmp_path)
    assert s.channels["chat"].service_level == pytest.approx(share)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("yes", True),
        ("Y", True),
        ("TRUE", True),
        (True, True),
        (1, True),
        ("no", False),
        ("n", False),
        (False, False),
        (0, False),
        (None, False),
    ],
)
def test_yes_no_cells(written: object, value: bool, tmp_path: Path) -> None:
    t = valid_tables()
    t["channels"][1][6] = written
    assert load_xlsx(t, tmp_path).channels["chat"].deferrable is value


def test_clock_times_and_wrapping_shift_window(tmp_path: Path) -> None:
    t = valid_tables()
    t["shifts"].append(["night", 8, 8.5, "22:00", "1:30", 30, "lisbon"])
    t["shifts"].append(["early", 7.5, 8, dt.time(5, 0), "24:00", None, None])
    s = load_xlsx(t, tmp_path)
    night = s.shifts[2]
    assert night == ShiftTemplate("night", 8.0, 8.5, dt.time(22, 0), dt.time(1, 30), 30, ("lisbon",))
    assert night.start_offsets(30)[0] == 22 * 60 and night.start_offsets(30)[-1] == 25 * 60 + 30
    assert night.break_minutes == 30
    early = s.shifts[3]
    assert (early.earliest_start, early.latest_start, early.start_step_minutes) == (
        dt.time(5, 0),
        dt.time(0, 0),
        None,
    )


def test_settings_are_parsed(tmp_path: Path) -> None:
    t = valid_tables()
    t["settings"] += [
        ["night_hours", "21:00 - 05:00"],
        ["solver", "CBC"],
        ["shifts_per_week", "4"],
        ["threads", 2],
        ["MIP Gap", "0.01"],  # setting names match like headers
        ["time_limit_seconds", None],  # blank: the default
    ]
    st = load_xlsx(t, tmp_path).settings
    assert (st.night_start, st.night_end) == (dt.time(21, 0), dt.time(5, 0))
    assert st.solver is SolverChoice.CBC
    assert st.shifts_per_week == 4
    assert st.threads == 2
    assert st.mip_gap == pytest.approx(0.01)
    assert st.time_limit_seconds == 600.0  # the safety net: stages end by work (planner.roster.solve)


# --------------------------------------------------------------------------- optional sheets


def test_a_pool_or_agent_speaking_a_language_the_demand_never_names_is_warned(tmp_path: Path) -> None:
    t = valid_tables()
    del t["pools"]
    t["agents"] = [
        ["agent", "site", "languages"],
        ["A-1", "lisbon", "en"],
        ["A-2", "lisbon", "jp"],  # a misspelt ja: serves nothing
        ["A-3", "tokyo", "ja, xx"],  # one language unknown: still serves ja
    ]
    s = load_xlsx(t, tmp_path)
    lines = sorted(w.split(": ", 1)[1] for w in s.warnings if "never names" in w)
    assert lines == [
        "the agents of pool 'agents:lisbon:jp' speak 'jp', which the demand sheet never names: they can serve "
        "nothing (a misspelt language code?)",
        "the agents of pool 'agents:tokyo:ja+xx' speak 'xx', which the demand sheet never names",
    ]


def test_pools_derived_from_agents(tmp_path: Path) -> None:
    t = valid_tables()
    del t["pools"]
    t["agents"] = [
        ["agent", "site", "languages", "channels", "weekly_hours", "hourly_cost"],
        ["A-1", "lisbon", "en", "chat, email", 40, None],
        ["A-2", "lisbon", "en", "email chat", 32, None],
        ["A-3", "lisbon", "EN", "chat;email", None, None],
        ["B-1", "tokyo", "ja, en", None, 40, 30],
        ["B-2", "tokyo", "en/ja", None, 40, 40],
        ["C-1", "lisbon", "ja", "chat", None, None],
    ]
    s = load_xlsx(t, tmp_path)
    assert len(s.agents) == 6
    assert s.agents[0].weekly_hours == 40.0
    assert {
        name: (
            p.site,
            tuple(sorted(p.languages)),
            p.channels and tuple(sorted(p.channels)),
            p.available,
            p.hourly_cost,
        )
        for name, p in s.pools.items()
    } == {
        "agents:lisbon:en:chat+email": ("lisbon", ("en",), ("chat", "email"), 3, None),
        "agents:tokyo:en+ja": ("tokyo", ("en", "ja"), None, 2, 35.0),
        "agents:lisbon:ja:chat": ("lisbon", ("ja",), ("chat",), 1, None),
    }
    # B-1 (30) and B-2 (40) share a pool: one rate, their mean, and a warning that says so (B-1 is row 5)
    (warning,) = s.warnings
    assert "sheet 'agents', row 5, column 'hourly_cost'" in warning
    assert "the 2 agents of pool 'agents:tokyo:en+ja' cost from 30 to 40 per paid hour" in warning
    assert "at their mean 35.00" in warning


def test_agents_sheet_with_header_only_next_to_pools(tmp_path: Path) -> None:
    """The template's agents sheet has a header and no rows: pools are used as given."""
    t = valid_tables()
    t["agents"] = [["agent", "site", "languages", "channels", "weekly_hours", "hourly_cost"]]
    s = load_xlsx(t, tmp_path)
    assert sorted(s.pools) == ["lisbon_en", "lisbon_ja", "tokyo_ja_en"]
    assert s.agents == ()


def test_default_shift_template_without_shifts_sheet(tmp_path: Path) -> None:
    t = valid_tables()
    del t["shifts"]
    p = write_xlsx(t, tmp_path / "input.xlsx")
    s = load_scenario(p)
    assert s.shifts == DEFAULT_SHIFTS
    assert s.shifts_defaulted
    (only,) = s.shifts
    assert (only.name, only.paid_hours, only.length_hours) == ("full_time", 8.0, 9.0)
    assert s.notes == (f"{p}: no shifts sheet: using the default template 'full_time' (8 paid hours in 9, any hour)",)


def test_optional_sheets_may_be_left_out(tmp_path: Path) -> None:
    t = valid_tables()
    for name in ("targets", "settings"):
        del t[name]
    s = load_xlsx(t, tmp_path)
    assert s.targets == ()
    assert s.settings.currency == "USD"
    assert s.settings.shrinkage == pytest.approx(0.30)


def test_optional_columns_take_their_defaults(tmp_path: Path) -> None:
    t = valid_tables()
    t["channels"] = [r[:4] for r in t["channels"]]
    t["sites"] = [r[:3] for r in t["sites"]]
    t["pools"] = [r[:3] for r in t["pools"]]
    s = load_xlsx(t, tmp_path)
    assert s.channels["chat"] == Channel("chat", 9.0, 1.0, 0.8)
    assert (
        s.sites["tokyo"].night_premium,
        s.sites["tokyo"].weekend_premium,
        s.sites["tokyo"].max_agents,
    ) == (0.0, 0.0, None)
    assert all(p.channels is None and p.available is None and p.hourly_cost is None for p in s.pools.values())


# --------------------------------------------------------------------------- target overrides


def test_targets_sheet_is_read(tmp_path: Path) -> None:
    t = valid_tables()
    t["targets"].append(["JA", None, None, None, "85%"])
    s = load_xlsx(t, tmp_path)
    assert s.targets == (
        TargetOverride(None, "chat", "vip", 0.5, 0.9, row=2),
        TargetOverride("ja", None, None, None, 0.85, row=3),
    )
    chat = s.channels["chat"]
    assert resolve_target(chat, s.targets, "ja", "vip") == (0.5, 0.9)
    assert resolve_target(chat, s.targets, "ja", "standard") == (1.0, 0.85)
    assert resolve_target(chat, s.targets, "en", "standard") == (1.0, 0.8)
    assert resolve_target(s.channels["email"], s.targets, "en", "vip") == (1440.0, 0.95)


CHAT = Channel("chat", handle_minutes=9, target_minutes=1, service_level=0.8)
EMAIL = Channel("email", handle_minutes=12, target_minutes=1440, service_level=0.95, deferrable=True)
OVERRIDES = (
    TargetOverride(None, "chat", None, 2.0, None, row=2),  # channel only: target
    TargetOverride(None, None, "vip", None, 0.95, row=3),  # tier only: level
    TargetOverride("ja", "chat", "vip", 0.5, None, row=4),  # all three: target
    TargetOverride("ja", None, None, 3.0, 0.85, row=5),  # language only: both
)


@pytest.mark.parametrize(
    ("channel", "language", "tier", "expected"),
    [
        (CHAT, "ja", "vip", (0.5, 0.95)),  # target: most specific row 4; level: tier beats language
        (CHAT, "ja", "standard", (2.0, 0.85)),  # target: channel beats language (same specificity)
        (CHAT, "en", "vip", (2.0, 0.95)),
        (CHAT, "en", "standard", (2.0, 0.8)),  # level: the channel's own
        (EMAIL, "en", "standard", (1440.0, 0.95)),  # nothing matches
        (EMAIL, "ja", "vip", (3.0, 0.95)),  # target from language row, level from tier row
    ],
)
def test_resolve_target_most_specific_wins_per_field(
    channel: Channel, language: str, tier: str, expected: tuple[float, float]
) -> None:
    assert resolve_target(channel, OVERRIDES, language, tier) == expected


def test_resolve_target_later_row_wins_a_full_tie() -> None:
    rows = (
        TargetOverride(None, "chat", None, 2.0, None, row=2),
        TargetOverride(None, "chat", None, 4.0, None, row=7),
    )
    assert resolve_target(CHAT, rows, "en", "standard") == (4.0, 0.8)
    assert resolve_target(CHAT, rows[::-1], "en", "standard") == (4.0, 0.8)


def test_fast_and_openpyxl_readers_give_the_same_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workbooks without formulas are read with calamine; the openpyxl path must agree."""
    import planner.inputs.read as readers
    from planner.inputs.load import load_scenario

    path = write_xlsx(valid_tables(), tmp_path / "in.xlsx")
    fast = load_scenario(path)
    monkeypatch.setattr(readers.ArchiveScan, "fast_reader_safe", lambda _scan, _budget: False)  # force openpyxl
    slow = load_scenario(path)
    pd.testing.assert_frame_equal(fast.demand, slow.demand)
    assert fast.channels == slow.channels and fast.sites == slow.sites and fast.pools == slow.pools
    assert fast.shifts == slow.shifts and fast.settings == slow.settings and fast.targets == slow.targets
