"""Seeded, vectorised generator of sample input workbooks.

`build_sample` makes the week of a large crypto exchange's multilingual support team
(10 languages, 4 channels, 2 tiers, 7 sites in different time zones, a volatility spike
on Wednesday afternoon and the EU's switch to summer time inside the week). Its
`SampleSpec` scales it up for benchmarks: more languages, more sites, more weeks and
15- or 30-minute intervals. `build_tiny` makes a one-day, one-site case small enough to
check by hand. `write_workbook` writes the tables as the input workbook.

Everything random comes from one ``numpy.random.default_rng(spec.seed)``; nothing
depends on the clock, so the same spec always gives identical tables.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from planner.inputs.contract import SHEETS
from planner.inputs.settings import EXAMPLE_SETTINGS

# --- the sheets' columns, in workbook order -------------------------------------------

# the sample models pools of interchangeable agents, so it has no `agents` sheet; its clocks are the wall clock
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    sheet.name: sheet.column_names for sheet in SHEETS if sheet.name not in ("agents", "calendars")
}

DEFAULT_LANGUAGES: tuple[str, ...] = ("en", "zh", "ja", "ko", "ru", "pt", "es", "tr", "vi", "de")

# Home-market clocks: (UTC offset in hours, weight) components, and weekly contacts.
KNOWN_LANGUAGES: dict[str, tuple[tuple[tuple[float, float], ...], float]] = {
    "en": (((0.0, 0.4), (-5.0, 0.3), (8.0, 0.3)), 120_000.0),
    "zh": (((8.0, 1.0),), 60_000.0),
    "ko": (((9.0, 1.0),), 40_000.0),
    "ja": (((9.0, 1.0),), 30_000.0),
    "ru": (((3.0, 1.0),), 30_000.0),
    "tr": (((3.0, 1.0),), 25_000.0),
    "vi": (((7.0, 1.0),), 20_000.0),
    "pt": (((-3.0, 1.0),), 20_000.0),
    "es": (((-5.0, 0.6), (1.0, 0.4)), 20_000.0),
    "de": (((1.0, 1.0),), 12_000.0),
}
PHONE_LANGUAGES = frozenset({"en", "ja", "ko", "de"})
PHONE_HOURS = (9, 21)  # local business hours [start, end) of the language's home clock

CHANNEL_ORDER: tuple[str, ...] = ("chat", "phone", "email", "social")
CHANNEL_MIX = {"chat": 0.55, "phone": 0.10, "email": 0.25, "social": 0.10}
TIERS: tuple[str, ...] = ("standard", "vip")
VIP_SHARE = 0.05
WEEKEND_FACTOR = 0.85
NOISE_SD = 0.08

# Relative demand by local hour of day: quiet 02:00-06:00, a late-morning peak and a
# higher evening peak 20:00-23:00 (crypto traders).
HOURLY_PROFILE = np.array(
    [
        0.95, 0.70, 0.45, 0.32, 0.28, 0.30, 0.40, 0.58, 0.80, 0.98, 1.12, 1.20,
        1.12, 1.02, 0.98, 0.96, 0.98, 1.02, 1.08, 1.18, 1.30, 1.38, 1.35, 1.18,
    ]
)  # fmt: skip

# Shape of a volatility spike (0 = normal demand, 1 = the full spike factor), sampled at
# hour centres for a 6-hour spike and interpolated for other lengths.
SPIKE_SHAPE = np.array([0.5, 1.0, 1.0, 1.0, 0.75, 0.25])

CHANNEL_ROWS: dict[str, tuple] = {
    # channel: handle, target, service_level, concurrency, patience, deferrable, bot share
    "chat": (9.0, 1.0, 0.80, 2, 4.0, "no", 0.25),
    "phone": (6.0, 0.5, 0.80, 1, 3.0, "no", 0.0),
    "email": (12.0, 1440.0, 0.95, 1, None, "yes", 0.0),
    "social": (7.0, 120.0, 0.90, 1, None, "yes", 0.10),
}
VIP_TARGETS: dict[str, tuple[float, float]] = {
    "chat": (0.5, 0.90),
    "phone": (0.33, 0.90),
    "email": (240.0, 0.95),
    "social": (60.0, 0.90),
}


@dataclass(frozen=True)
class _SiteRow:
    name: str
    timezone: str
    hourly_cost: float
    night_premium: float
    weekend_premium: float
    max_agents: int | None = None
    pool_prefix: str = ""
    night_shifts: bool = True

    @property
    def prefix(self) -> str:
        return self.pool_prefix or self.name


DEFAULT_SITES: tuple[_SiteRow, ...] = (
    _SiteRow("tokyo", "Asia/Tokyo", 32.0, 0.25, 0.35, 400, night_shifts=False),
    _SiteRow("seoul", "Asia/Seoul", 26.0, 0.30, 0.25, night_shifts=False),
    _SiteRow("manila", "Asia/Manila", 9.0, 0.10, 0.10),
    _SiteRow("kuala_lumpur", "Asia/Kuala_Lumpur", 12.0, 0.15, 0.10, pool_prefix="kl"),
    _SiteRow("istanbul", "Europe/Istanbul", 14.0, 0.20, 0.15),
    _SiteRow("lisbon", "Europe/Lisbon", 18.0, 0.25, 0.20),
    _SiteRow("sao_paulo", "America/Sao_Paulo", 13.0, 0.20, 0.20),
)

# Synthetic sites for `extra_sites`, in time zones the defaults don't use.
EXTRA_SITE_ZONES: tuple[tuple[str, str], ...] = (
    ("new_york", "America/New_York"),
    ("bengaluru", "Asia/Kolkata"),
    ("warsaw", "Europe/Warsaw"),
    ("jakarta", "Asia/Jakarta"),
    ("mexico_city", "America/Mexico_City"),
    ("sydney", "Australia/Sydney"),
    ("cairo", "Africa/Cairo"),
    ("dubai", "Asia/Dubai"),
    ("bogota", "America/Bogota"),
    ("bangkok", "Asia/Bangkok"),
    ("johannesburg", "Africa/Johannesburg"),
    ("taipei", "Asia/Taipei"),
    ("bucharest", "Europe/Bucharest"),
    ("buenos_aires", "America/Argentina/Buenos_Aires"),
    ("dublin", "Europe/Dublin"),
    ("karachi", "Asia/Karachi"),
    ("nairobi", "Africa/Nairobi"),
    ("vancouver", "America/Vancouver"),
    ("auckland", "Pacific/Auckland"),
    ("dhaka", "Asia/Dhaka"),
)

# (pool, site, languages, channels or None, available or None, hourly_cost or None)
DEFAULT_POOLS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...] | None, int | None, float | None], ...] = (
    ("tokyo_ja", "tokyo", ("ja",), None, None, None),
    ("tokyo_ja_en", "tokyo", ("ja", "en"), None, None, None),
    ("seoul_ko", "seoul", ("ko",), None, None, None),
    ("seoul_ko_en", "seoul", ("ko", "en"), None, None, None),
    ("manila_en", "manila", ("en",), None, None, None),
    ("manila_en_zh", "manila", ("en", "zh"), None, None, None),
    ("manila_ko_en", "manila", ("ko", "en"), ("chat", "email", "social"), 40, None),
    ("kl_zh_en", "kuala_lumpur", ("zh", "en"), None, None, None),
    ("kl_vi_en", "kuala_lumpur", ("vi", "en"), None, None, None),
    ("istanbul_tr_en", "istanbul", ("tr", "en"), None, None, None),
    ("istanbul_ru_en", "istanbul", ("ru", "en"), None, None, None),
    ("istanbul_ru_tr", "istanbul", ("ru", "tr"), None, None, None),
    ("lisbon_pt_es_en", "lisbon", ("pt", "es", "en"), None, None, None),
    ("lisbon_de_en", "lisbon", ("de", "en"), None, None, None),
    ("lisbon_ja_en", "lisbon", ("ja", "en"), ("chat", "email", "social"), 30, 24.0),
    ("sao_paulo_pt_es", "sao_paulo", ("pt", "es", "en"), None, None, None),
)


@dataclass(frozen=True)
class SampleSpec:
    """What to generate. The defaults give `inputs/exchange_week.xlsx`."""

    seed: int = 20260323
    week_start: dt.datetime = dt.datetime(2026, 3, 23)  # a Monday, naive UTC
    weeks: int = 1
    interval_minutes: int = 60  # 15, 30 or 60
    languages: tuple[str, ...] = field(default=DEFAULT_LANGUAGES)
    extra_sites: int = 0  # synthetic sites (with pools) beyond the seven defaults
    volume_scale: float = 1.0
    spike_day: int = 2  # days after week_start (the horizon's, not each week's)
    spike_start_hour: int = 13  # UTC hour of day
    spike_hours: int = 6
    spike_factor: float = 3.0

    def __post_init__(self) -> None:
        if self.interval_minutes not in (15, 30, 60):
            raise ValueError(f"interval_minutes must be 15, 30 or 60, not {self.interval_minutes}")
        if self.weeks < 1:
            raise ValueError(f"weeks must be at least 1, not {self.weeks}")
        if not self.languages:
            raise ValueError("languages must not be empty")
        codes = [code.strip().lower() for code in self.languages]
        if any(not code for code in codes):
            raise ValueError("language codes must not be blank")
        if len(set(codes)) != len(codes):
            raise ValueError(f"duplicate language codes in {self.languages}")
        if self.extra_sites < 0:
            raise ValueError(f"extra_sites must be >= 0, not {self.extra_sites}")
        if not (self.volume_scale > 0 and math.isfinite(self.volume_scale)):
            raise ValueError(f"volume_scale must be a positive number, not {self.volume_scale}")
        if self.spike_hours < 0 or self.spike_factor <= 0:
            raise ValueError("spike_hours must be >= 0 and spike_factor > 0")
        if self.week_start.tzinfo is not None:
            raise ValueError("week_start must be a naive datetime (UTC)")


# --- demand --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Language:
    code: str
    clocks: tuple[tuple[float, float], ...]  # (UTC offset hours, weight)
    weekly_contacts: float
    phone: bool

    @property
    def main_offset(self) -> float:
        return max(self.clocks, key=lambda c: c[1])[0]


def _languages(spec: SampleSpec, rng: np.random.Generator) -> list[_Language]:
    codes = [code.strip().lower() for code in spec.languages]
    unknown = [code for code in codes if code not in KNOWN_LANGUAGES]
    # Draw for all unknown codes at once, so the draws don't depend on their order.
    offsets = rng.integers(-8, 11, size=len(unknown))
    volumes = np.round(rng.uniform(6_000, 25_000, size=len(unknown)), -3)
    synthetic = {
        code: (((float(off), 1.0),), float(vol)) for code, off, vol in zip(unknown, offsets, volumes, strict=True)
    }
    out = []
    for code in codes:
        clocks, weekly = KNOWN_LANGUAGES.get(code) or synthetic[code]
        out.append(_Language(code, clocks, weekly, code in PHONE_LANGUAGES))
    return out


def _hour_starts(spec: SampleSpec) -> np.ndarray:
    n_hours = spec.weeks * 7 * 24
    start = np.datetime64(spec.week_start, "m")
    return start + np.arange(n_hours).astype("timedelta64[h]").astype("timedelta64[m]")


def _local_clock(hours_utc: np.ndarray, offset_hours: float) -> tuple[np.ndarray, np.ndarray]:
    """Local hour of day and weekday (Monday = 0) of UTC hour starts under a fixed offset."""
    local = hours_utc + np.timedelta64(round(offset_hours * 60), "m")
    minutes = local.astype("int64")
    hour = (minutes // 60) % 24
    weekday = (minutes // (24 * 60) + 3) % 7  # 1970-01-01 was a Thursday
    return hour, weekday


def _spike_factors(spec: SampleSpec, hours_utc: np.ndarray) -> np.ndarray:
    factors = np.ones(len(hours_utc))
    if spec.spike_hours == 0 or spec.spike_factor == 1.0:
        return factors
    start = np.datetime64(spec.week_start + dt.timedelta(days=spec.spike_day, hours=spec.spike_start_hour), "m")
    # hour offset of each hour start from the spike's start (hour starts may not align)
    since = (hours_utc - start).astype("int64") / 60.0
    inside = (since >= 0) & (since < spec.spike_hours)
    n_template = len(SPIKE_SHAPE)
    centres = (np.arange(n_template) + 0.5) / n_template
    position = (np.floor(since[inside]) + 0.5) / spec.spike_hours
    shape = np.interp(position, centres, SPIKE_SHAPE)
    factors[inside] = 1.0 + (spec.spike_factor - 1.0) * shape
    return factors


def _hourly_demand(spec: SampleSpec, languages: Sequence[_Language], hours_utc: np.ndarray) -> np.ndarray:
    """Expected contacts per (hour, language, channel), before tiers and noise."""
    n_hours, n_lang = len(hours_utc), len(languages)
    total = np.zeros((n_hours, n_lang))
    phone_fraction = np.zeros((n_hours, n_lang))
    spike = _spike_factors(spec, hours_utc)
    for j, lang in enumerate(languages):
        weight_sum = sum(w for _, w in lang.clocks)
        shape = np.zeros(n_hours)
        in_business = np.zeros(n_hours)
        for offset, weight in lang.clocks:
            hour, weekday = _local_clock(hours_utc, offset)
            part = weight / weight_sum * HOURLY_PROFILE[hour]
            part = part * np.where(weekday >= 5, WEEKEND_FACTOR, 1.0)
            shape += part
            in_business += part * ((hour >= PHONE_HOURS[0]) & (hour < PHONE_HOURS[1]))
        if lang.phone:
            phone_fraction[:, j] = in_business / shape
        # the spike is part of the week: weekly totals match `weekly_contacts`
        shape = shape * spike
        total[:, j] = shape / shape.sum() * lang.weekly_contacts * spec.weeks * spec.volume_scale
    mix = np.empty((n_hours, n_lang, len(CHANNEL_ORDER)))
    for c, channel in enumerate(CHANNEL_ORDER):
        mix[:, :, c] = CHANNEL_MIX[channel]
    phone = CHANNEL_ORDER.index("phone")
    chat = CHANNEL_ORDER.index("chat")
    mix[:, :, phone] = CHANNEL_MIX["phone"] * phone_fraction
    mix[:, :, chat] = CHANNEL_MIX["chat"] + CHANNEL_MIX["phone"] * (1.0 - phone_fraction)
    return total[:, :, None] * mix


def _demand_table(spec: SampleSpec, languages: Sequence[_Language], rng: np.random.Generator) -> pd.DataFrame:
    hours_utc = _hour_starts(spec)
    hourly = _hourly_demand(spec, languages, hours_utc)  # (hour, language, channel)
    per_hour = 60 // spec.interval_minutes
    tier_share = np.array([1.0 - VIP_SHARE, VIP_SHARE])
    # split each hour evenly into its intervals, then by tier
    expected = np.repeat(hourly / per_hour, per_hour, axis=0)[..., None] * tier_share
    noise = rng.lognormal(mean=-(NOISE_SD**2) / 2, sigma=NOISE_SD, size=expected.shape)
    contacts = np.round(expected * noise, 1)

    n_int, n_lang, n_chan, n_tier = contacts.shape
    starts = np.datetime64(spec.week_start, "m") + (np.arange(n_int) * spec.interval_minutes).astype("timedelta64[m]")
    idx_int, idx_lang, idx_chan, idx_tier = np.nonzero(contacts > 0)  # C order: interval first
    return pd.DataFrame(
        {
            "interval_start": starts[idx_int].astype("datetime64[ns]"),
            "language": np.array([lang.code for lang in languages], dtype=object)[idx_lang],
            "channel": np.array(CHANNEL_ORDER, dtype=object)[idx_chan],
            "tier": np.array(TIERS, dtype=object)[idx_tier],
            "contacts": contacts[idx_int, idx_lang, idx_chan, idx_tier],
        }
    )


# --- sites, pools, shifts -------------------------------------------------------------


def _utc_offset_hours(timezone: str, when: dt.datetime) -> float:
    offset = ZoneInfo(timezone).utcoffset(when)
    return 0.0 if offset is None else offset.total_seconds() / 3600.0


def _clock_distance(a: float, b: float) -> float:
    d = abs(a - b) % 24.0
    return min(d, 24.0 - d)


def _extra_sites(spec: SampleSpec, rng: np.random.Generator) -> list[_SiteRow]:
    n = spec.extra_sites
    costs = np.round(rng.uniform(8.0, 35.0, size=n) * 2) / 2
    nights = np.round(rng.uniform(0.10, 0.30, size=n), 2)
    weekends = np.round(rng.uniform(0.10, 0.30, size=n), 2)
    sites = []
    for i in range(n):
        name, zone = EXTRA_SITE_ZONES[i % len(EXTRA_SITE_ZONES)]
        if i >= len(EXTRA_SITE_ZONES):
            name = f"{name}_{i // len(EXTRA_SITE_ZONES) + 1}"
        sites.append(_SiteRow(name, zone, float(costs[i]), float(nights[i]), float(weekends[i])))
    return sites


def _pool_rows(spec: SampleSpec, languages: Sequence[_Language], sites: Sequence[_SiteRow]) -> list[tuple]:
    codes = [lang.code for lang in languages]
    wanted = set(codes)
    has_en = "en" in wanted
    pools: dict[str, tuple] = {}

    def add(name, site, langs, channels=None, available=None, cost=None) -> None:
        langs = tuple(code for code in langs if code in wanted)
        if not langs or name in pools:
            return
        if channels is None and not any(code in PHONE_LANGUAGES for code in langs):
            channels = tuple(c for c in CHANNEL_ORDER if c != "phone")  # no phone demand
        pools[name] = (name, site, langs, channels, available, cost)

    for row in DEFAULT_POOLS:
        add(*row)

    offsets = {s.name: _utc_offset_hours(s.timezone, spec.week_start) for s in sites}
    extra = sites[len(DEFAULT_SITES) :]
    # Each extra site: English, plus the two languages whose home clock is nearest.
    for site in extra:
        add(f"{site.prefix}_en", site.name, ("en",))
        others = [lang for lang in languages if lang.code != "en"]
        others.sort(key=lambda lang: _clock_distance(lang.main_offset, offsets[site.name]))
        for lang in others[:2]:
            suffix = "_en" if has_en else ""
            add(f"{site.prefix}_{lang.code}{suffix}", site.name, (lang.code, "en"))
    # Each language no default pool speaks: the two nearest sites with night shifts
    # (a site with night shifts can staff every hour of the day on its own).
    night_sites = [s for s in sites if s.night_shifts]
    for lang in languages:
        if lang.code in KNOWN_LANGUAGES:
            continue
        ranked = sorted(night_sites, key=lambda s: _clock_distance(lang.main_offset, offsets[s.name]))
        for site in ranked[:2]:
            suffix = "_en" if has_en else ""
            add(f"{site.prefix}_{lang.code}{suffix}", site.name, (lang.code, "en"))
    return list(pools.values())


def _join(items: Sequence[str] | None) -> str | None:
    return None if items is None else ", ".join(items)


def _frame(sheet: str, rows: Sequence[Sequence[object]]) -> pd.DataFrame:
    columns = SHEET_COLUMNS[sheet]
    # optional columns the sample does not use (e.g. tiers_share_agents, priority) stay blank
    return pd.DataFrame([[*r, *[None] * (len(columns) - len(r))] for r in rows], columns=list(columns), dtype=object)


def _typed(df: pd.DataFrame, numeric: Sequence[str]) -> pd.DataFrame:
    """Numeric columns as float (blanks NaN); text columns stay object with None blanks."""
    for column in numeric:
        df[column] = pd.to_numeric(df[column]).astype(float)
    return df


def _settings_table() -> pd.DataFrame:
    return _frame("settings", EXAMPLE_SETTINGS)


# --- public API -----------------------------------------------------------------------


def build_sample(spec: SampleSpec = SampleSpec()) -> dict[str, pd.DataFrame]:  # noqa: B008
    """The sample scenario's tables, sheet name -> DataFrame, in workbook order."""
    rng = np.random.default_rng(spec.seed)
    languages = _languages(spec, rng)
    sites = list(DEFAULT_SITES) + _extra_sites(spec, rng)
    demand = _demand_table(spec, languages, rng)
    with_phone = any(lang.phone for lang in languages)
    channels = [c for c in CHANNEL_ORDER if c != "phone" or with_phone]
    return {
        "demand": demand,
        "channels": _channels_table(channels),
        "targets": _vip_targets_table(channels),
        "sites": _sites_table(sites),
        "pools": _pools_table(_pool_rows(spec, languages, sites)),
        "shifts": _sample_shifts_table(sites),
        "settings": _settings_table(),
    }


def _channels_table(channels: Sequence[str]) -> pd.DataFrame:
    table = _typed(
        _frame("channels", [(c, *CHANNEL_ROWS[c]) for c in channels]),
        ["handle_minutes", "target_minutes", "service_level", "concurrency",
         "patience_minutes", "bot_deflection"],
    )  # fmt: skip
    table["concurrency"] = table["concurrency"].astype(int)
    return table


def _vip_targets_table(channels: Sequence[str]) -> pd.DataFrame:
    return _typed(
        _frame("targets", [(None, c, "vip", *VIP_TARGETS[c]) for c in channels]),
        ["target_minutes", "service_level"],
    )


def _sites_table(sites: Sequence[_SiteRow]) -> pd.DataFrame:
    return _typed(
        _frame(
            "sites",
            [
                (s.name, s.timezone, s.hourly_cost, s.night_premium, s.weekend_premium,
                 s.max_agents)
                for s in sites
            ],
        ),
        ["hourly_cost", "night_premium", "weekend_premium"],
    )  # fmt: skip


def _pools_table(pools: Sequence[tuple]) -> pd.DataFrame:
    table = _frame(
        "pools",
        [
            (name, site, _join(langs), _join(chans), available, cost)
            for name, site, langs, chans, available, cost in pools
        ],
    )
    return _typed(table, ["hourly_cost"])


def _sample_shifts_table(sites: Sequence[_SiteRow]) -> pd.DataFrame:
    """Early, day, late and part-time shifts everywhere; night shifts where `night_shifts` is set."""
    night_sites = _join([s.name for s in sites if s.night_shifts])
    table = _typed(
        _frame(
            "shifts",
            [
                ("early", 8.0, 9.0, "05:00", "09:00", 60, None),
                ("day", 8.0, 9.0, "09:00", "14:00", 60, None),
                ("late", 8.0, 9.0, "14:00", "18:00", 60, None),
                ("night", 8.0, 8.5, "21:00", "01:00", 60, night_sites),
                ("part", 4.0, 4.0, "07:00", "20:00", 60, None),
            ],
        ),
        ["paid_hours", "length_hours"],
    )
    table["start_step_minutes"] = table["start_step_minutes"].astype(int)
    return table


TINY_DAY = dt.datetime(2026, 3, 23)  # a Monday; Lisbon is on UTC+0 that day
# Hourly contacts (UTC hours 0..23): peaks en chat 30, ja chat 10, en email 5, ja email 3.
TINY_PEAKS = {("en", "chat"): 30, ("en", "email"): 5, ("ja", "chat"): 10, ("ja", "email"): 3}
TINY_CLOCKS = {"en": 0.0, "ja": 9.0}


def _tiny_demand() -> pd.DataFrame:
    """Each language's hourly profile on its home clock, scaled to its peak, at least 1 contact an hour."""
    hours = np.datetime64(TINY_DAY, "m") + np.arange(24).astype("timedelta64[h]").astype("timedelta64[m]")
    rows = []
    for language in ("en", "ja"):
        local_hour, _ = _local_clock(hours, TINY_CLOCKS[language])
        shape = HOURLY_PROFILE[local_hour] / HOURLY_PROFILE.max()
        for channel in ("chat", "email"):
            contacts = np.maximum(np.round(TINY_PEAKS[language, channel] * shape), 1.0)
            for start, value in zip(hours, contacts, strict=True):
                rows.append((start, language, channel, "standard", float(value)))
    demand = pd.DataFrame(rows, columns=list(SHEET_COLUMNS["demand"]))
    demand["interval_start"] = demand["interval_start"].astype("datetime64[ns]")
    demand = demand.sort_values(["interval_start", "language", "channel"], kind="stable")
    return demand.reset_index(drop=True)


def build_tiny() -> dict[str, pd.DataFrame]:
    """One day, one site, two languages, two channels: checkable by hand. No randomness."""
    demand = _tiny_demand()
    channels = _typed(
        _frame(
            "channels",
            [
                ("chat", 6.0, 1.0, 0.8, 1, None, "no", None),
                ("email", 10.0, 480.0, 0.9, 1, None, "yes", None),
            ],
        ),
        ["handle_minutes", "target_minutes", "service_level", "patience_minutes",
         "bot_deflection"],
    )  # fmt: skip
    channels["concurrency"] = channels["concurrency"].astype(int)
    sites = _typed(
        _frame("sites", [("lisbon", "Europe/Lisbon", 20.0, 0.2, 0.25, None)]),
        ["hourly_cost", "night_premium", "weekend_premium"],
    )
    pools = _typed(
        _frame(
            "pools",
            [
                ("lisbon_en", "lisbon", "en", None, None, None),
                ("lisbon_ja_en", "lisbon", "ja, en", None, None, None),
            ],
        ),
        ["hourly_cost"],
    )
    shifts = _typed(
        _frame(
            "shifts",
            [
                ("day", 8.0, 9.0, "06:00", "14:00", 60, None),
                ("night", 8.0, 8.5, "21:00", "23:00", 60, None),
            ],
        ),
        ["paid_hours", "length_hours"],
    )
    shifts["start_step_minutes"] = shifts["start_step_minutes"].astype(int)
    return {
        "demand": demand,
        "channels": channels,
        "targets": _frame("targets", []),
        "sites": sites,
        "pools": pools,
        "shifts": shifts,
        "settings": _settings_table(),
    }


# --- writing --------------------------------------------------------------------------

DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def write_workbook(tables: dict[str, pd.DataFrame], path: Path) -> None:
    """Write the tables, one sheet each, as an .xlsx at `path`, atomically.

    Header in row 1 (bold, frozen), data from row 2, blanks as empty cells, date-times
    with a date-time number format (see :func:`planner.outputs.files.write_workbook`).
    """
    from planner.outputs.files import SheetOut
    from planner.outputs.files import write_workbook as write_sheets

    sheets = [
        SheetOut(
            name,
            frame,
            number_formats={
                str(c): DATETIME_FORMAT for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])
            },
        )
        for name, frame in tables.items()
    ]
    write_sheets(Path(path), sheets)
