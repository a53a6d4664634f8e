"""The seeded sample-data generator: determinism, sizes, shape and coverability."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.sample import (
    DEFAULT_LANGUAGES,
    SHEET_COLUMNS,
    SampleSpec,
    build_sample,
    build_tiny,
    write_workbook,
)

UTC = dt.UTC
MORE_LANGUAGES = DEFAULT_LANGUAGES + (
    "fr", "it", "id", "th", "hi", "ar", "uk", "pl", "nl", "fil",
    "ms", "he", "fa", "bn", "sv", "cs", "ro", "el", "hu", "da",
)  # fmt: skip
BIG_SPEC = SampleSpec(languages=MORE_LANGUAGES, extra_sites=7, interval_minutes=15, weeks=2)


@cache
def default_tables() -> dict[str, pd.DataFrame]:
    return build_sample()


def _split(text: object) -> tuple[str, ...] | None:
    if text is None or (isinstance(text, float) and np.isnan(text)) or str(text).strip() == "":
        return None
    return tuple(part.strip() for part in str(text).split(","))


def _clock(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _coverable(tables: dict[str, pd.DataFrame], week_start: dt.datetime, interval: int,
               weeks: int = 1) -> list[str]:  # fmt: skip
    """(language, channel, interval) with demand that no pool can be on duty for.

    A pool can be on duty for an interval when some shift template allowed at its site
    has a start in its local window (any local day) whose elapsed span, converted to UTC
    with the site's time zone (DST included), contains the whole interval.
    """
    n = weeks * 7 * 24 * 60 // interval
    origin = week_start.replace(tzinfo=UTC)
    zones = dict(zip(tables["sites"]["site"], tables["sites"]["timezone"], strict=True))
    on_duty: dict[str, np.ndarray] = {}
    for pool in tables["pools"].itertuples():
        zone = ZoneInfo(zones[pool.site])
        covered = np.zeros(n, dtype=bool)
        for shift in tables["shifts"].itertuples():
            sites = _split(shift.sites)
            if sites is not None and pool.site not in sites:
                continue
            first, last = _clock(shift.earliest_start), _clock(shift.latest_start)
            if last < first:
                last += 24 * 60
            length = round(shift.length_hours * 60)
            for day in range(-2, weeks * 7 + 1):
                local_day = week_start.date() + dt.timedelta(days=day)
                midnight = dt.datetime.combine(local_day, dt.time(0, 0))
                for offset in range(first, last + 1, int(shift.start_step_minutes)):
                    local = (midnight + dt.timedelta(minutes=offset)).replace(tzinfo=zone)
                    start = (local.astimezone(UTC) - origin).total_seconds() / 60
                    lo = max(int(np.ceil(start / interval)), 0)
                    hi = min(int(np.floor((start + length) / interval)), n)  # exclusive
                    if lo < hi:
                        covered[lo:hi] = True
        on_duty[pool.pool] = covered

    demand = tables["demand"]
    index = ((demand["interval_start"] - week_start) / pd.Timedelta(minutes=interval)).astype(int)
    gaps = []
    for (language, channel), rows in demand.groupby(["language", "channel"]):
        can = np.zeros(n, dtype=bool)
        for pool in tables["pools"].itertuples():
            channels = _split(pool.channels)
            if language in _split(pool.languages) and (channels is None or channel in channels):
                can |= on_duty[pool.pool]
        missing = ~can[index[rows.index].to_numpy()]
        gaps += [f"{language}/{channel} at {t}" for t in rows["interval_start"][missing]]
    return gaps


# --- the default sample ---------------------------------------------------------------


def test_deterministic() -> None:
    first, second = build_sample(), build_sample()
    assert list(first) == list(SHEET_COLUMNS)
    for sheet in first:
        pd.testing.assert_frame_equal(first[sheet], second[sheet])
    other = build_sample(SampleSpec(seed=1))["demand"]
    assert not other["contacts"].equals(first["demand"]["contacts"])


def test_sheets_have_the_contract_columns() -> None:
    for tables in (default_tables(), build_tiny()):
        for sheet, columns in SHEET_COLUMNS.items():
            assert tuple(tables[sheet].columns) == columns, sheet
    settings = dict(zip(*default_tables()["settings"].to_numpy().T, strict=True))
    assert settings == {
        "currency": "USD",
        "shrinkage": 0.30,
        "max_occupancy": 0.85,
        "shifts_per_week": 5,
        "night_hours": "22:00-06:00",
    }


def test_sizes() -> None:
    tables = default_tables()
    demand = tables["demand"]
    totals = demand.groupby("language")["contacts"].sum()
    assert len(totals) >= 10 and len(tables["sites"]) >= 5
    assert (totals >= 10_000).all()
    assert totals["en"] == pytest.approx(120_000, rel=0.05)
    assert totals["de"] == pytest.approx(12_000, rel=0.05)
    assert set(demand["channel"]) == {"chat", "phone", "email", "social"}
    assert (demand["contacts"] > 0).all()
    assert (demand["contacts"] == demand["contacts"].round(1)).all()
    starts = demand["interval_start"]
    assert starts.min() == pd.Timestamp("2026-03-23 00:00")
    assert starts.max() == pd.Timestamp("2026-03-29 23:00")
    assert starts.dt.tz is None
    assert starts.nunique() == 168


def test_channel_and_tier_mix() -> None:
    demand = default_tables()["demand"]
    by_channel = demand.groupby("channel")["contacts"].sum() / demand["contacts"].sum()
    assert by_channel["email"] == pytest.approx(0.25, abs=0.01)
    assert by_channel["social"] == pytest.approx(0.10, abs=0.01)
    vip = demand.groupby(["language", "channel", "tier"])["contacts"].sum().unstack("tier")
    share = vip["vip"] / vip.sum(axis=1)
    assert share.between(0.04, 0.06).all()


def test_phone_only_in_home_business_hours() -> None:
    demand = default_tables()["demand"]
    phone = demand[demand["channel"] == "phone"]
    assert set(phone["language"]) == {"en", "ja", "ko", "de"}
    home = {"ja": 9, "ko": 9, "de": 1}
    for language, offset in home.items():
        local_hour = phone.loc[phone["language"] == language, "interval_start"].dt.hour + offset
        assert ((local_hour % 24 >= 9) & (local_hour % 24 < 21)).all(), language


def test_daily_curve_follows_home_clock() -> None:
    demand = default_tables()["demand"]
    ja = demand[demand["language"] == "ja"].groupby("interval_start")["contacts"].sum()
    local_hour = (ja.index.hour + 9) % 24
    by_hour = ja.groupby(local_hour).mean()
    assert by_hour.loc[2:5].max() < 0.5 * by_hour.loc[20:22].min()
    assert by_hour.idxmax() in range(20, 24)
    # weekends ~85 % of weekdays (Tuesday vs Saturday, away from the spike)
    days = ja.groupby(ja.index.date).sum()
    assert days[dt.date(2026, 3, 28)] / days[dt.date(2026, 3, 24)] == pytest.approx(0.85, abs=0.05)


def test_volatility_spike() -> None:
    demand = default_tables()["demand"]
    hourly = demand.groupby("interval_start")["contacts"].sum()

    def hours(day: int, start: int, end: int) -> float:
        base = pd.Timestamp("2026-03-23") + pd.Timedelta(days=day)
        return hourly[base + pd.Timedelta(hours=start) : base + pd.Timedelta(hours=end - 1)].sum()

    assert hours(2, 14, 17) / hours(1, 14, 17) == pytest.approx(3.0, abs=0.25)
    assert hours(2, 13, 19) / hours(1, 13, 19) == pytest.approx(2.5, abs=0.25)
    assert hours(2, 19, 24) / hours(1, 19, 24) == pytest.approx(1.0, abs=0.1)
    # every language and channel spikes
    wed = demand[demand["interval_start"] == pd.Timestamp("2026-03-25 15:00")]
    tue = demand[demand["interval_start"] == pd.Timestamp("2026-03-24 15:00")]
    keys = ["language", "channel", "tier"]
    ratio = wed.set_index(keys)["contacts"] / tue.set_index(keys)["contacts"]
    ratio = ratio[tue.set_index(keys)["contacts"] >= 5]
    assert (np.abs(np.log(ratio / 3.0)) < 0.4).all()  # two rows' noise: sd ~0.11 in log


def test_lisbon_changes_utc_offset_inside_the_week() -> None:
    sites = default_tables()["sites"].set_index("site")
    lisbon = ZoneInfo(sites.loc["lisbon", "timezone"])
    start = dt.datetime(2026, 3, 23, tzinfo=UTC)
    end = start + dt.timedelta(weeks=1)
    assert start.astimezone(lisbon).utcoffset() == dt.timedelta(0)
    assert (end - dt.timedelta(hours=1)).astimezone(lisbon).utcoffset() == dt.timedelta(hours=1)
    change = dt.datetime(2026, 3, 29, 1, tzinfo=UTC)
    assert (change - dt.timedelta(minutes=1)).astimezone(lisbon).utcoffset() == dt.timedelta(0)
    assert change.astimezone(lisbon).utcoffset() == dt.timedelta(hours=1)
    # the Asian sites don't change
    tokyo = ZoneInfo(sites.loc["tokyo", "timezone"])
    assert start.astimezone(tokyo).utcoffset() == end.astimezone(tokyo).utcoffset()


def test_every_language_coverable_around_the_clock() -> None:
    tables = default_tables()
    assert _coverable(tables, dt.datetime(2026, 3, 23), 60) == []
    # and Japanese / Korean need the sites abroad for it: at home there is no night shift
    pools = tables["pools"]
    outside = pools[~pools["site"].isin(["tokyo", "seoul"])]["languages"].map(_split)
    assert any("ja" in langs for langs in outside)
    assert any("ko" in langs for langs in outside)


def test_sites_pools_shifts_tables() -> None:
    tables = default_tables()
    sites = tables["sites"].set_index("site")
    assert len(sites) == 7 and sites["timezone"].nunique() == 7
    assert sites.loc["tokyo", "max_agents"] == 400
    assert sites["max_agents"].isna().sum() == 6
    pools = tables["pools"].set_index("pool")
    assert len(pools) == 16
    assert set(pools["site"]) <= set(sites.index)
    assert pools.loc["lisbon_ja_en", "hourly_cost"] == 24
    assert pools.loc["lisbon_ja_en", "available"] == 30
    assert pools.loc["manila_ko_en", "channels"] == "chat, email, social"
    # pools without a phone language don't claim the phone channel
    assert pools.loc["istanbul_ru_tr", "channels"] == "chat, email, social"
    shifts = tables["shifts"].set_index("shift")
    assert "tokyo" not in shifts.loc["night", "sites"]
    assert (shifts["length_hours"] >= shifts["paid_hours"]).all()


# --- scaling --------------------------------------------------------------------------


def test_scales_to_more_languages_sites_weeks_and_shorter_intervals() -> None:
    tables = build_sample(BIG_SPEC)
    again = build_sample(BIG_SPEC)
    pd.testing.assert_frame_equal(tables["demand"], again["demand"])
    pd.testing.assert_frame_equal(tables["pools"], again["pools"])
    demand = tables["demand"]
    assert demand["language"].nunique() == 30
    assert len(tables["sites"]) == 14 and tables["sites"]["site"].is_unique
    assert tables["pools"]["pool"].is_unique
    starts = demand["interval_start"]
    assert starts.nunique() == 2 * 7 * 24 * 4
    assert starts.max() == pd.Timestamp("2026-04-05 23:45")
    # each week carries about a week of demand
    weekly = demand.groupby("language")["contacts"].sum() / 2
    assert weekly["en"] == pytest.approx(120_000, rel=0.05)
    assert weekly.drop(list(DEFAULT_LANGUAGES)).between(5_000, 26_000).all()
    assert _coverable(tables, BIG_SPEC.week_start, 15, weeks=2) == []


def test_quarter_hours_split_the_hour_evenly() -> None:
    hourly = build_sample(SampleSpec(languages=("en",)))["demand"]
    quarters = build_sample(SampleSpec(languages=("en",), interval_minutes=15))["demand"]
    chat = quarters[(quarters["channel"] == "chat") & (quarters["tier"] == "standard")]
    per_hour = chat.groupby(chat["interval_start"].dt.floor("h"))["contacts"]
    assert (per_hour.count() == 4).all()
    # the four quarters of an hour are near-equal, and add up to about an hour's volume
    spread = per_hour.max() / per_hour.min()
    assert spread.median() < 1.4
    same = hourly[(hourly["channel"] == "chat") & (hourly["tier"] == "standard")]
    ratio = per_hour.sum().to_numpy() / same["contacts"].to_numpy()
    assert np.median(ratio) == pytest.approx(1.0, abs=0.03)


def test_subset_of_languages_keeps_only_useful_pools() -> None:
    tables = build_sample(SampleSpec(languages=("ru", "tr"), volume_scale=0.5))
    assert set(tables["demand"]["language"]) == {"ru", "tr"}
    assert "phone" not in set(tables["channels"]["channel"])
    for langs in tables["pools"]["languages"].map(_split):
        assert set(langs) <= {"ru", "tr"}
    total = tables["demand"].groupby("language")["contacts"].sum()
    assert total["ru"] == pytest.approx(15_000, rel=0.05)
    assert _coverable(tables, dt.datetime(2026, 3, 23), 60) == []


def test_bad_specs_are_refused() -> None:
    for bad in (
        {"interval_minutes": 20},
        {"weeks": 0},
        {"languages": ()},
        {"languages": ("en", "EN")},
        {"extra_sites": -1},
        {"volume_scale": 0.0},
    ):
        with pytest.raises(ValueError):
            SampleSpec(**bad)


# --- tiny -----------------------------------------------------------------------------


def test_tiny() -> None:
    tiny = build_tiny()
    demand = tiny["demand"]
    assert len(demand) == 2 * 2 * 24
    assert set(demand["tier"]) == {"standard"}
    assert demand.groupby(["language", "channel"]).size().eq(24).all()
    assert demand["interval_start"].min() == pd.Timestamp("2026-03-23 00:00")
    assert demand["interval_start"].max() == pd.Timestamp("2026-03-23 23:00")
    peaks = demand.groupby(["language", "channel"])["contacts"].max()
    assert peaks["en", "chat"] == 30 and peaks["ja", "chat"] == 10
    assert peaks["en", "email"] <= 6
    assert len(tiny["sites"]) == 1 and len(tiny["pools"]) == 2 and len(tiny["shifts"]) == 2
    assert tiny["targets"].empty
    assert _coverable(tiny, dt.datetime(2026, 3, 23), 60) == []
    pd.testing.assert_frame_equal(build_tiny()["demand"], demand)


# --- writing --------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["small", "tiny"])
def test_write_workbook_round_trip(tmp_path: Path, which: str) -> None:
    tables = build_tiny() if which == "tiny" else build_sample(SampleSpec(languages=("ja",)))
    path = tmp_path / "out" / "sample.xlsx"
    write_workbook(tables, path)
    assert path.exists()
    assert [p.name for p in path.parent.iterdir()] == ["sample.xlsx"]  # no temp file left

    wb = load_workbook(path)
    assert wb.sheetnames == list(tables)
    for sheet, df in tables.items():
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        assert header == list(df.columns)
        assert ws.freeze_panes == "A2"
        assert all(c.font.bold for c in ws[1])
        assert ws.max_row == len(df) + 1
    demand = wb["demand"]
    column = [c.value for c in demand["A"][1:]]
    assert all(isinstance(v, dt.datetime) for v in column)
    assert column[0] == dt.datetime(2026, 3, 23)
    assert demand["A2"].number_format == "yyyy-mm-dd hh:mm"
    assert demand["A2"].is_date
    # blanks stay blank
    sites = wb["sites"]
    assert sites.cell(row=2, column=6).value == (None if which == "tiny" else 400)
    assert sites.max_row == 2 or sites.cell(row=3, column=6).value is None

    back = pd.read_excel(path, sheet_name="demand")
    pd.testing.assert_series_equal(
        back["contacts"],
        tables["demand"]["contacts"],
        check_names=False,
        check_dtype=False,
    )
    assert (back["interval_start"] == tables["demand"]["interval_start"]).all()


def test_write_workbook_replaces_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "tiny.xlsx"
    path.write_bytes(b"old")
    write_workbook(build_tiny(), path)
    assert load_workbook(path).sheetnames[0] == "demand"
