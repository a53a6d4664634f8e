# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Malformed inputs: `planner validate` must list every problem, one located line each, and exit 1.

Each case builds its own input from ``valid_tables()`` (tests/workbooks.py), breaks it, and
compares the complete stderr with the expected error block, written from the input contract
(planner/schema.py, planner/loader.py): ``FILE, sheet 'S', row R, column 'C': got V; expected E``.
Row numbers are spreadsheet rows (the header is row 1). The unchanged base tables are:

* demand: hour h of 2026-03-23 has en/chat on row 3h+2, ja/chat on 3h+3, en/email on 3h+4;
  row 74 is ja/chat/vip at 09:00;
* channels: chat (row 2), email (row 3); sites: lisbon (2), tokyo (3);
* pools: lisbon_en (2), tokyo_ja_en (3), lisbon_ja (4); shifts: day (2), late (3);
* settings: currency (2), shrinkage (3), max_occupancy (4).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import msoffcrypto.format.ooxml
import pytest
from workbooks import (
    T0,
    Tables,
    cfb_bytes,
    error_block,
    run_cli,
    set_cached_value,
    valid_tables,
    write_csv_folder,
    write_legacy_xls,
    write_xlsx,
)

import planner.inputs.read
from planner.inputs.load import load_scenario

XLSX = "an Excel .xlsx workbook (Excel 2007 or later)"
DT = "a date-time in the years 1900-2199 such as 2026-03-23 14:00 (UTC) or 2026-03-23T23:00+09:00"
KNOWN_SETTINGS = (
    "currency, shrinkage, max_occupancy, deferred_max_occupancy, concurrency_efficiency, shifts_per_week, "
    "weekly_tours, model_breaks, consecutive_days_off, min_rest_hours, max_consecutive_days, start_time_band_minutes, max_nights_per_week, "
    "night_hours, under_coverage_penalty, solver, time_limit_seconds, mip_gap, threads, interval_minutes, "
    "week_start, weeks_per_year"
)


def at(source: object, sheet: str, row: int, column: str, got: str, expected: str) -> str:
    """The line for one bad cell; ``got`` is written as the user sees it (text in quotes)."""
    return f"{source}, sheet '{sheet}', row {row}, column '{column}': got {got}; expected {expected}"


def xlsx_with(mutate: Callable[[Tables], object]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        t = valid_tables()
        mutate(t)
        return write_xlsx(t, tmp / "input.xlsx")

    return make


def assert_fails_with(path: Path, lines: list[str], source: object | None = None) -> None:
    run = run_cli("validate", path)
    assert "Traceback" not in run.stdout + run.stderr
    assert run.stdout == ""
    assert run.stderr_lines == error_block(path if source is None else source, lines)
    assert run.exit_code == 1


# --------------------------------------------------------------------------- not a workbook at all


def missing_file(tmp: Path):
    p = tmp / "no_such_week.xlsx"
    return p, [f"{p}: file not found; expected an .xlsx workbook or a folder of CSV files"]


def text_renamed_xlsx(tmp: Path):
    p = tmp / "demand.xlsx"
    p.write_text("interval_start,language,channel,contacts\n2026-03-23 09:00,en,chat,4\n", encoding="utf-8")
    return p, [f"{p}: this is a text file, not an Excel workbook (a CSV file renamed .xlsx?); expected {XLSX}"]


def truncated_zip(tmp: Path):
    whole = write_xlsx(valid_tables(), tmp / "whole.xlsx").read_bytes()
    p = tmp / "truncated.xlsx"
    p.write_bytes(whole[: len(whole) // 2])
    return p, [f"{p}: the file is a damaged or incomplete zip archive; expected {XLSX}"]


def corrupt_zip_part(tmp: Path):
    """The central directory is intact but the compressed bytes of the first sheet are garbage."""
    p = write_xlsx(valid_tables(), tmp / "corrupt.xlsx")
    data = bytearray(p.read_bytes())
    with zipfile.ZipFile(p) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(40, 80):
        data[start + k] ^= 0x5A
    p.write_bytes(bytes(data))
    return p, [f"{p}: the archive is corrupt (part xl/worksheets/sheet1.xml cannot be read); expected {XLSX}"]


def legacy_xls(tmp: Path):
    p = write_legacy_xls(tmp / "old_week.xls")
    return p, [
        f"{p}: this is an old Excel 97-2003 .xls workbook; open it in Excel and save it as .xlsx; expected {XLSX}"
    ]


def ole_not_a_workbook(tmp: Path):
    p = tmp / "report.xlsx"
    p.write_bytes(cfb_bytes({"WordDocument": b"\xec\xa5" + b"\0" * 100}))
    return p, [f"{p}: this is an OLE compound document, not an .xlsx workbook; expected {XLSX}"]


def password_protected(tmp: Path):
    plain = write_xlsx(valid_tables(), tmp / "plain.xlsx")
    p = tmp / "locked.xlsx"
    with open(plain, "rb") as src, open(p, "wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(src).encrypt("s3cret", out)
    return p, [
        f"{p}: the workbook is password-protected (encrypted); remove the password in Excel and save again; "
        f"expected {XLSX}"
    ]


def zip_not_workbook(tmp: Path):
    p = tmp / "photos.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("holiday/readme.txt", "not a spreadsheet")
    return p, [f"{p}: this zip archive is not an Excel workbook (no xl/workbook.xml); expected {XLSX}"]


def binary_xlsb(tmp: Path):
    p = tmp / "week.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    return p, [f"{p}: this is a binary .xlsb workbook; save it as .xlsx; expected {XLSX}"]


def empty_file(tmp: Path):
    p = tmp / "empty.xlsx"
    p.write_bytes(b"")
    return p, [f"{p}: the file is empty; expected {XLSX}"]


def damaged_sheet_xml(tmp: Path):
    """A well-formed zip whose first sheet's XML is cut in half (read lazily by openpyxl)."""
    src = write_xlsx(valid_tables(), tmp / "src.xlsx")
    p = tmp / "damaged.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: data.index(b'<row r="40"')] + b'<row r="40"><c r="A40'
            zout.writestr(info.filename, data)
    return p, [
        f"{p}, sheet 'demand': the workbook cannot be read (ParseError: unclosed token: line 1, column "
        f"{_unclosed_column(p)}); expected an Excel .xlsx workbook"
    ]


def _unclosed_column(p: Path) -> int:
    with zipfile.ZipFile(p) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    return xml.rindex(b"<c r=")


def single_csv_file(tmp: Path):
    folder = write_csv_folder(valid_tables(), tmp / "csv")
    p = folder / "demand.csv"
    return p, [
        f"{p}: a single CSV file holds only one table; expected an .xlsx workbook, or a folder holding "
        "demand.csv, channels.csv, sites.csv, ..."
    ]


def folder_without_csv(tmp: Path):
    p = tmp / "exports"
    p.mkdir()
    (p / "demand.txt").write_text("interval_start\n", encoding="utf-8")
    return p, [
        f"{p}: the folder holds no .csv files; expected CSV files named after the sheets: "
        "demand.csv, channels.csv, sites.csv, pools.csv, ..."
    ]


def binary_csv(tmp: Path):
    p = write_csv_folder(valid_tables(), tmp / "csv")
    (p / "sites.csv").write_bytes(b"site,timezone\x00\x00\x01\x02")
    f = p / "sites.csv"
    return p, [f"{f}: this is a binary file, not a CSV text file; expected a UTF-8 CSV file"], f


# --------------------------------------------------------------------------- sheets and columns


def missing_required_sheet(tmp: Path):
    p = xlsx_with(lambda t: t.pop("channels"))(tmp)
    return p, [f"{p}: missing required sheet 'channels'; expected a sheet named 'channels'"]


def missing_csv_files(tmp: Path):
    t = valid_tables()
    del t["sites"], t["demand"]
    p = write_csv_folder(t, tmp / "csv")
    return p, [
        f"{p}: missing required sheet 'demand'; expected a sheet named 'demand' (or a file demand.csv)",
        f"{p}: missing required sheet 'sites'; expected a sheet named 'sites' (or a file sites.csv)",
    ]


def no_pools_no_agents(tmp: Path):
    p = xlsx_with(lambda t: t.pop("pools"))(tmp)
    return p, [f"{p}: missing required sheet 'pools'; expected a sheet named 'pools' (or an 'agents' sheet)"]


def missing_required_columns(tmp: Path):
    def mutate(t: Tables) -> None:
        t["sites"] = [[r[0], *r[2:]] for r in t["sites"]]  # no timezone
        t["channels"] = [[r[0], r[1], *r[3:]] for r in t["channels"]]  # no target_minutes

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'channels': missing required column 'target_minutes'; expected a header named target_minutes",
        f"{p}, sheet 'sites': missing required column 'timezone'; expected a header named timezone",
    ]


def header_only_sheets(tmp: Path):
    def mutate(t: Tables) -> None:
        t["channels"] = t["channels"][:1]
        t["demand"] = t["demand"][:1]

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'demand': the sheet has a header but no data rows; expected at least one data row",
        f"{p}, sheet 'channels': the sheet has a header but no data rows; expected at least one data row",
    ]


def sheets_without_header(tmp: Path):
    def mutate(t: Tables) -> None:
        t["sites"] = []
        t["targets"] = []  # optional, present and completely empty: treated as absent (a note)

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'sites': the sheet is empty (no header row); expected a header row with site, timezone, hourly_cost",
    ]


def empty_shifts_sheet(tmp: Path):
    p = xlsx_with(lambda t: t.update(shifts=t["shifts"][:1]))(tmp)
    return p, [
        f"{p}, sheet 'shifts': the sheet has a header but no data rows; "
        "expected at least one shift template (or remove the sheet to use the default)"
    ]


# --------------------------------------------------------------------------- cell values


def text_in_number_columns(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][3][4] = "lots"
        t["channels"][1][1] = "9 min"
        t["sites"][2][2] = True
        t["pools"][1][4] = "2.5"

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 4, "contacts", "'lots'", "a number >= 0 and <= 1,000,000"),
        at(p, "channels", 2, "handle_minutes", "'9 min'", "a number of minutes > 0 and <= 1440"),
        at(p, "sites", 3, "hourly_cost", "TRUE", "a number >= 0 and <= 1,000,000"),
        at(p, "pools", 2, "available", "'2.5'", "blank (hire as needed) or a whole number from 0 to 1,000,000"),
    ]


def dates_that_are_not_dates(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][2][0] = "tomorrow"
        t["demand"][5][0] = "2026-02-30 09:00"
        t["demand"][8][0] = "23/03/2026 09:00"
        t["demand"][11][0] = dt.time(9, 0)  # a time of day without a date
        t["demand"][14][0] = "2026-03-23T09:00+25:00"

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 3, "interval_start", "'tomorrow'", DT),
        at(p, "demand", 6, "interval_start", "'2026-02-30 09:00'", DT),
        at(p, "demand", 9, "interval_start", "'23/03/2026 09:00'", DT),
        at(p, "demand", 12, "interval_start", "09:00:00", DT),
        at(p, "demand", 15, "interval_start", "'2026-03-23T09:00+25:00'", DT),
    ]


def negative_numbers(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][6][4] = -1
        t["sites"][1][2] = -18.5
        t["sites"][2][3] = -0.25
        t["pools"][3][4] = -4

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 7, "contacts", "-1", "a number >= 0 and <= 1,000,000"),
        at(p, "sites", 2, "hourly_cost", "-18.5", "a number >= 0 and <= 1,000,000"),
        at(p, "sites", 3, "night_premium", "-0.25", "blank or a share >= 0 and <= 10 (0.25 means +25 %)"),
        at(p, "pools", 4, "available", "-4", "blank (hire as needed) or a whole number from 0 to 1,000,000"),
    ]


def csv_nan_and_infinity(tmp: Path):
    t = valid_tables()
    t["demand"][3][4] = "nan"
    t["demand"][5][4] = "inf"
    t["demand"][6][4] = "-Infinity"
    t["channels"][1][1] = "NaN"
    t["sites"][1][2] = "1e999"  # overflows to infinity
    p = write_csv_folder(t, tmp / "csv")
    return p, [
        at(p / "demand.csv", "demand", 4, "contacts", "'nan'", "a number >= 0 and <= 1,000,000"),
        at(p / "demand.csv", "demand", 6, "contacts", "'inf'", "a number >= 0 and <= 1,000,000"),
        at(p / "demand.csv", "demand", 7, "contacts", "'-Infinity'", "a number >= 0 and <= 1,000,000"),
        at(p / "channels.csv", "channels", 2, "handle_minutes", "'NaN'", "a number of minutes > 0 and <= 1440"),
        at(p / "sites.csv", "sites", 2, "hourly_cost", "'1e999'", "a number >= 0 and <= 1,000,000"),
    ]


def blank_required_cells(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][4][1] = None
        t["demand"][4][4] = "  "
        t["pools"][2][2] = None

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 5, "language", "blank", "a language code such as en or ja"),
        at(p, "demand", 5, "contacts", "blank", "a number >= 0 and <= 1,000,000"),
        at(p, "pools", 3, "languages", "blank", "a list of language codes such as 'ja, en'"),
    ]


def bad_codes_flags_and_integers(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][2][1] = "en us"
        t["channels"][1][4] = 1.5
        t["channels"][1][6] = "maybe"
        t["channels"][2][7] = 1

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 3, "language", "'en us'", "a language code such as en or ja"),
        at(p, "channels", 2, "concurrency", "1.5", "a whole number from 1 to 100"),
        at(p, "channels", 2, "deferrable", "'maybe'", "yes or no"),
        at(p, "channels", 3, "bot_deflection", "1", "blank or a share >= 0 and < 1"),
    ]


def bad_clock_times(tmp: Path):
    def mutate(t: Tables) -> None:
        t["shifts"][1][4] = "25:00"
        t["shifts"][2][3] = "noon"
        t["shifts"][2][5] = 0

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "shifts", 2, "latest_start", "'25:00'", "a local clock time HH:MM"),
        at(p, "shifts", 3, "earliest_start", "'noon'", "a local clock time HH:MM"),
        at(
            p,
            "shifts",
            3,
            "start_step_minutes",
            "0",
            "blank or a whole number of minutes from 1 to 1440",
        ),
    ]


def service_level_out_of_range(tmp: Path):
    def mutate(t: Tables) -> None:
        t["channels"][1][3] = 0
        t["channels"][2][3] = "120%"
        t["targets"][1][4] = 1.01

    p = xlsx_with(mutate)(tmp)
    share = "a share > 0 and <= 1 (e.g. 0.8 or 80%)"
    return p, [
        at(p, "channels", 2, "service_level", "0", share),
        at(p, "channels", 3, "service_level", "'120%'", share),
        at(p, "targets", 2, "service_level", "1.01", "blank or a share > 0 and <= 1"),
    ]


def handle_time_not_positive(tmp: Path):
    def mutate(t: Tables) -> None:
        t["channels"][1][1] = 0
        t["channels"][2][1] = -3
        t["channels"][2][2] = 0.0

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "channels", 2, "handle_minutes", "0", "a number of minutes > 0 and <= 1440"),
        at(p, "channels", 3, "handle_minutes", "-3", "a number of minutes > 0 and <= 1440"),
        at(p, "channels", 3, "target_minutes", "0", "a number of minutes > 0 and <= 10080"),
    ]


def formula_without_cached_value(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][7][4] = "=2*3"
        t["sites"][1][2] = "=SUM(10,8)"

    p = xlsx_with(mutate)(tmp)
    hint = (
        "a value (this cell holds a formula with no cached result; planner never evaluates formulas - "
        "open the file in Excel and save it, or paste values)"
    )
    return p, [
        at(p, "demand", 8, "contacts", "'=2*3'", hint),
        at(p, "sites", 2, "hourly_cost", "'=SUM(10,8)'", hint),
    ]


# --------------------------------------------------------------------------- keys and cross-table checks


def duplicate_demand_keys(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"].append(list(t["demand"][5]))  # row 75 repeats row 6 (01:00 ja chat standard)
        t["demand"].append([T0, "EN", "Email", "standard", 2])  # row 76: blank tier is standard (row 4)

    p = xlsx_with(mutate)(tmp)
    key = "column 'interval_start, language, channel, tier'"
    expected = "expected each interval, language, channel and tier once"
    return p, [
        f"{p}, sheet 'demand', row 75, {key}: duplicate (interval_start=2026-03-23 01:00, language=ja, "
        f"channel=chat, tier=standard) already on row 6; {expected}",
        f"{p}, sheet 'demand', row 76, {key}: duplicate (interval_start=2026-03-23 00:00, language=en, "
        f"channel=email, tier=standard) already on row 4; {expected}",
    ]


def duplicate_site_and_pool(tmp: Path):
    def mutate(t: Tables) -> None:
        t["sites"].append(["lisbon", "Europe/Lisbon", 20, None, None, None])
        t["pools"].append(["tokyo_ja_en", "tokyo", "ja", None, 3, None])

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'sites', row 4, column 'site': duplicate (site=lisbon) already on row 2; expected each site once",
        f"{p}, sheet 'pools', row 5, column 'pool': duplicate (pool=tokyo_ja_en) already on row 3; expected each pool once",
    ]


def demand_for_unknown_channel(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][4][2] = "phone"
        t["demand"][20][2] = "Social"

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(
            p,
            "demand",
            5,
            "channel",
            "'phone'",
            "a channel listed in the channels sheet (chat, email)",
        ),
        at(
            p,
            "demand",
            21,
            "channel",
            "'social'",
            "a channel listed in the channels sheet (chat, email)",
        ),
    ]


def pool_at_unknown_site(tmp: Path):
    p = xlsx_with(lambda t: t["pools"][3].__setitem__(1, "osaka"))(tmp)
    return p, [at(p, "pools", 4, "site", "'osaka'", "a site listed in the sites sheet (lisbon, tokyo)")]


def invalid_time_zones(tmp: Path):
    def mutate(t: Tables) -> None:
        t["sites"][1][1] = "CET+1"
        t["sites"][2][1] = "Asia/Tokio"
        t["sites"].append(["dublin", "../../etc/passwd", 20, None, None, None])

    p = xlsx_with(mutate)(tmp)
    zone = "an IANA time zone name such as Asia/Tokyo"
    return p, [
        at(p, "sites", 2, "timezone", "'CET+1'", zone),
        at(p, "sites", 3, "timezone", "'Asia/Tokio'", zone),
        at(p, "sites", 4, "timezone", "'../../etc/passwd'", zone),
    ]


def pool_lists_unknown_channel(tmp: Path):
    p = xlsx_with(lambda t: t["pools"][1].__setitem__(3, "chat; phone / fax"))(tmp)
    return p, [
        at(
            p,
            "pools",
            2,
            "channels",
            "'chat, phone, fax'",
            "channels listed in the channels sheet (chat, email); unknown: phone, fax",
        ),
    ]


def shift_names_unknown_site(tmp: Path):
    p = xlsx_with(lambda t: t["shifts"][2].__setitem__(6, "lisbon osaka"))(tmp)
    return p, [
        at(
            p,
            "shifts",
            3,
            "sites",
            "'lisbon, osaka'",
            "sites listed in the sites sheet (lisbon, tokyo); unknown: osaka",
        ),
    ]


def target_for_unknown_channel(tmp: Path):
    p = xlsx_with(lambda t: t["targets"].append(["ja", "phone", None, 0.5, None]))(tmp)
    return p, [
        at(
            p,
            "targets",
            3,
            "channel",
            "'phone'",
            "blank or a channel listed in the channels sheet (chat, email)",
        )
    ]


def length_shorter_than_paid(tmp: Path):
    p = xlsx_with(lambda t: t["shifts"][2].__setitem__(2, 7.5))(tmp)
    return p, [
        at(
            p,
            "shifts",
            3,
            "length_hours",
            "7.5",
            "a number of hours at least paid_hours (8); the difference is the unpaid break",
        ),
    ]


def misaligned_interval_starts(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][7][0] = dt.datetime(2026, 3, 23, 2, 20)
        t["demand"][13][0] = "2026-03-23T13:50+09:00"  # 04:50 UTC

    p = xlsx_with(mutate)(tmp)
    aligned = "a start aligned to the 60-minute intervals of this file (inferred from the data), counted from 2026-03-23 00:00 UTC"
    return p, [
        at(p, "demand", 8, "interval_start", "'2026-03-23 02:20'", aligned),
        at(p, "demand", 14, "interval_start", "'2026-03-23 04:50'", aligned),
    ]


def misaligned_with_interval_setting(tmp: Path):
    def mutate(t: Tables) -> None:
        t["settings"].append(["interval_minutes", 30])
        t["demand"][3][0] = dt.datetime(2026, 3, 23, 0, 15)

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(
            p,
            "demand",
            4,
            "interval_start",
            "'2026-03-23 00:15'",
            "a start aligned to the 30-minute intervals of this file (set by the interval_minutes setting), "
            "counted from 2026-03-23 00:00 UTC",
        ),
    ]


def demand_beyond_eight_weeks(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"].append([T0 + dt.timedelta(weeks=8), "en", "chat", "standard", 3])  # row 75: first excluded start
        t["demand"].append([T0 + dt.timedelta(weeks=9, hours=5), "ja", "chat", "standard", 1])  # row 76

    p = xlsx_with(mutate)(tmp)
    limit = "a date-time before 2026-05-18 00:00 UTC (at most 8 weeks from 2026-03-23 00:00)"
    return p, [
        at(p, "demand", 75, "interval_start", "'2026-05-18 00:00'", limit),
        at(p, "demand", 76, "interval_start", "'2026-05-25 05:00'", limit),
    ]


def demand_before_week_start(tmp: Path):
    p = xlsx_with(lambda t: t["settings"].append(["week_start", dt.datetime(2026, 3, 23, 23, 0)]))(tmp)
    # the 00:00 .. 22:00 rows are before the horizon: 3 rows per hour, 23 hours, plus the 09:00 vip row
    after = "a date-time at or after the week_start setting (2026-03-23 23:00 UTC)"
    lines = []
    for row in range(2, 71):
        hour = (row - 2) // 3
        lines.append(at(p, "demand", row, "interval_start", f"'2026-03-23 {hour:02d}:00'", after))
    lines.append(at(p, "demand", 74, "interval_start", "'2026-03-23 09:00'", after))
    return p, lines


# --------------------------------------------------------------------------- settings


def unknown_setting(tmp: Path):
    p = xlsx_with(lambda t: t["settings"].append(["overtime", 1]))(tmp)
    return p, [
        at(
            p,
            "settings",
            5,
            "setting",
            "'overtime'",
            f"one of the known settings: {KNOWN_SETTINGS}",
        )
    ]


def bad_setting_values(tmp: Path):
    def mutate(t: Tables) -> None:
        t["settings"][2][1] = 1.5  # shrinkage
        t["settings"] += [
            ["solver", "gurobi"],
            ["night_hours", "22-06"],
            ["shifts_per_week", 8],
            ["interval_minutes", 20],
            ["week_start", "next monday"],
        ]

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "settings", 3, "value", "1.5", "a share >= 0 and < 1 for setting 'shrinkage'"),
        at(p, "settings", 5, "value", "'gurobi'", "auto, highs or cbc for setting 'solver'"),
        at(
            p,
            "settings",
            6,
            "value",
            "'22-06'",
            "a local time window such as 22:00-06:00 for setting 'night_hours'",
        ),
        at(
            p,
            "settings",
            7,
            "value",
            "8",
            "a whole number from 1 to 7 for setting 'shifts_per_week'",
        ),
        at(p, "settings", 8, "value", "20", "15, 30 or 60 for setting 'interval_minutes'"),
        at(
            p,
            "settings",
            9,
            "value",
            "'next monday'",
            "a date-time such as 2026-03-23 00:00 (UTC) for setting 'week_start'",
        ),
    ]


def duplicate_setting(tmp: Path):
    p = xlsx_with(lambda t: t["settings"].extend([["Shrinkage", 0.2], ["Max-Occupancy", 0.9]]))(tmp)
    return p, [
        f"{p}, sheet 'settings', row 5, column 'setting': duplicate (setting=shrinkage) already on row 3; "
        "expected each setting once",
        f"{p}, sheet 'settings', row 6, column 'setting': duplicate (setting=max_occupancy) already on row 4; "
        "expected each setting once",
    ]


# --------------------------------------------------------------------------- many problems at once


def numbers_beyond_what_the_maths_allows(tmp: Path):
    """Values the maths cannot use: 1e20 contacts used to spin the staffing search for ever, 1e308 to
    give a PuLP traceback, a year-9999 date an OverflowError; every bound is in the input reference."""

    def mutate(t: Tables) -> None:
        t["demand"][1][4] = 1e20
        t["demand"][2][4] = 1e9
        t["demand"][3][0] = dt.datetime(9999, 12, 31, 23, 0)
        t["channels"][1][1] = 1e9
        t["channels"][1][2] = 20000
        t["channels"][1][4] = 1000
        t["sites"][1][2] = 1e308
        t["sites"][2][4] = 50
        t["pools"][1][4] = 10**7

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 2, "contacts", "1e+20", "a number >= 0 and <= 1,000,000"),
        at(p, "demand", 3, "contacts", "1000000000", "a number >= 0 and <= 1,000,000"),
        at(p, "demand", 4, "interval_start", "9999-12-31 23:00:00", DT),
        at(p, "channels", 2, "handle_minutes", "1000000000", "a number of minutes > 0 and <= 1440"),
        at(p, "channels", 2, "target_minutes", "20000", "a number of minutes > 0 and <= 10080"),
        at(p, "channels", 2, "concurrency", "1000", "a whole number from 1 to 100"),
        at(p, "sites", 2, "hourly_cost", "1e+308", "a number >= 0 and <= 1,000,000"),
        at(p, "sites", 3, "weekend_premium", "50", "blank or a share >= 0 and <= 10 (0.25 means +25 %)"),
        at(p, "pools", 2, "available", "10000000", "blank (hire as needed) or a whole number from 0 to 1,000,000"),
    ]


def settings_beyond_what_the_maths_allows(tmp: Path):
    """weeks_per_year 1e308 used to write Infinity into JSON; 100000 threads to raise MemoryError."""

    def mutate(t: Tables) -> None:
        t["settings"] += [
            ["weeks_per_year", 1e308],
            ["threads", 100000],
            ["time_limit_seconds", 1e9],
            ["under_coverage_penalty", 1e20],
        ]

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "settings", 5, "value", "1e+308", "a number > 0 and <= 53 for setting 'weeks_per_year'"),
        at(p, "settings", 6, "value", "100000", "a whole number from 1 to 256 for setting 'threads'"),
        at(
            p,
            "settings",
            7,
            "value",
            "1000000000",
            "a number of seconds > 0 and <= 604,800 (a week) for setting 'time_limit_seconds'",
        ),
        at(
            p,
            "settings",
            8,
            "value",
            "1e+20",
            "a number > 0 and <= 10,000,000,000 for setting 'under_coverage_penalty'",
        ),
    ]


def offered_load_beyond_the_search(tmp: Path):
    """Each bound holds alone, but 200,000 chats an hour of 600 minutes each would keep 2,000,000
    agents busy at once (after the chat channel's 25 % bot deflection: 1,500,000)."""

    def mutate(t: Tables) -> None:
        t["channels"][1][1] = 600
        t["demand"][1][4] = 200_000
        t["demand"][2][4] = 100_000

    p = xlsx_with(mutate)(tmp)
    limit = "at most 133,333 contacts for channel 'chat' in a 60-minute interval (with its 600-minute handle time, more would keep over 1,000,000 agents busy at once)"
    return p, [
        at(p, "demand", 2, "contacts", "200000", limit),
    ]


def control_characters_in_names(tmp: Path):
    """Names a workbook cell cannot hold used to crash the writer after the solve (a UTF-16 export
    can hold a NUL character)."""
    t = valid_tables()
    t["pools"][1][0] = "lisbon\x07en"
    t["shifts"][2][0] = "la\x1bte"
    t["demand"][1][1] = "e\x00n"
    p = write_csv_folder(t, tmp / "csv", delimiter="\t", encoding="utf-16")
    return (
        p,
        [
            at(
                p / "demand.csv",
                "demand",
                2,
                "language",
                "'e\\x00n'",
                "a language code such as en or ja without control characters (this one holds U+0000)",
            ),
            at(
                p / "pools.csv",
                "pools",
                2,
                "pool",
                "'lisbon\\x07en'",
                "a pool name without control characters (this one holds U+0007)",
            ),
            at(
                p / "shifts.csv",
                "shifts",
                3,
                "shift",
                "'la\\x1bte'",
                "a shift name without control characters (this one holds U+001B)",
            ),
        ],
        p,
    )


def names_colliding_in_the_model(tmp: Path):
    """'tokyo-ja-en' and 'tokyo_ja_en' are one name in the optimisation model (a CBC traceback before)."""

    def mutate(t: Tables) -> None:
        t["pools"][3][0] = "tokyo-ja-en"
        t["shifts"][2][0] = "day!"

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'pools', row 4, column 'pool': pool 'tokyo-ja-en' and pool 'tokyo_ja_en' (row 3) are the same name once spaces and punctuation are ignored; expected pool names that differ in letters or digits",
        f"{p}, sheet 'shifts', row 3, column 'shift': shift 'day!' and shift 'day' (row 2) are the same name once spaces and punctuation are ignored; expected shift names that differ in letters or digits",
    ]


def mixed_interval_lengths(tmp: Path):
    """en/chat every 30 minutes, the other series hourly: read as 30-minute data, the hourly counts
    would fall into every other half hour."""

    def mutate(t: Tables) -> None:
        half = dt.timedelta(minutes=30)
        t["demand"] += [[T0 + h * dt.timedelta(hours=1) + half, "en", "chat", "standard", 3.0] for h in range(24)]

    p = xlsx_with(mutate)(tmp)
    return p, [
        f"{p}, sheet 'demand', column 'interval_start': the interval length is ambiguous: the stamps are 30 minutes apart, but some language/channel/tier has rows exactly every 60 minutes; expected one interval length for the whole file; state it with the interval_minutes setting"
    ]


def csv_folder_errors_across_files(tmp: Path):
    t = valid_tables()
    t["demand"][2][0] = "2026-03-23 25:00"
    t["channels"][1][3] = "120%"
    t["sites"][1][2] = -5
    t["pools"][2][4] = 2.5
    t["shifts"][2][3] = "noon"
    t["settings"].append(["colour", "blue"])
    p = write_csv_folder(t, tmp / "week_csv")
    return p, [
        at(p / "demand.csv", "demand", 3, "interval_start", "'2026-03-23 25:00'", DT),
        at(
            p / "channels.csv",
            "channels",
            2,
            "service_level",
            "'120%'",
            "a share > 0 and <= 1 (e.g. 0.8 or 80%)",
        ),
        at(p / "sites.csv", "sites", 2, "hourly_cost", "'-5'", "a number >= 0 and <= 1,000,000"),
        at(
            p / "pools.csv",
            "pools",
            3,
            "available",
            "'2.5'",
            "blank (hire as needed) or a whole number from 0 to 1,000,000",
        ),
        at(p / "shifts.csv", "shifts", 3, "earliest_start", "'noon'", "a local clock time HH:MM"),
        at(
            p / "settings.csv",
            "settings",
            5,
            "setting",
            "'colour'",
            f"one of the known settings: {KNOWN_SETTINGS}",
        ),
    ]


def many_errors_in_one_workbook(tmp: Path):
    def mutate(t: Tables) -> None:
        t["demand"][8][2] = "phone"
        t["demand"][3][4] = "lots"
        t["channels"][2][1] = 0
        t["sites"][2][1] = "Mars/Olympus"
        t["pools"][3][1] = "osaka"
        t["shifts"][1][4] = "25:00"
        t["settings"][2][1] = 1.5
        t["targets"][1][3] = -1

    p = xlsx_with(mutate)(tmp)
    return p, [
        at(p, "demand", 4, "contacts", "'lots'", "a number >= 0 and <= 1,000,000"),
        at(
            p,
            "demand",
            9,
            "channel",
            "'phone'",
            "a channel listed in the channels sheet (chat, email)",
        ),
        at(p, "channels", 3, "handle_minutes", "0", "a number of minutes > 0 and <= 1440"),
        at(p, "targets", 2, "target_minutes", "-1", "blank or a number of minutes > 0 and <= 10080"),
        at(p, "sites", 3, "timezone", "'Mars/Olympus'", "an IANA time zone name such as Asia/Tokyo"),
        at(p, "pools", 4, "site", "'osaka'", "a site listed in the sites sheet (lisbon, tokyo)"),
        at(p, "shifts", 2, "latest_start", "'25:00'", "a local clock time HH:MM"),
        at(p, "settings", 3, "value", "1.5", "a share >= 0 and < 1 for setting 'shrinkage'"),
    ]


CASES = {
    f.__name__: f
    for f in (
        missing_file,
        text_renamed_xlsx,
        truncated_zip,
        corrupt_zip_part,
        legacy_xls,
        ole_not_a_workbook,
        password_protected,
        zip_not_workbook,
        binary_xlsb,
        empty_file,
        damaged_sheet_xml,
        single_csv_file,
        folder_without_csv,
        binary_csv,
        missing_required_sheet,
        missing_csv_files,
        no_pools_no_agents,
        missing_required_columns,
        header_only_sheets,
        sheets_without_header,
        empty_shifts_sheet,
        text_in_number_columns,
        dates_that_are_not_dates,
        negative_numbers,
        csv_nan_and_infinity,
        blank_required_cells,
        bad_codes_flags_and_integers,
        bad_clock_times,
        service_level_out_of_range,
        handle_time_not_positive,
        formula_without_cached_value,
        duplicate_demand_keys,
        duplicate_site_and_pool,
        demand_for_unknown_channel,
        pool_at_unknown_site,
        invalid_time_zones,
        pool_lists_unknown_channel,
        shift_names_unknown_site,
        target_for_unknown_channel,
        length_shorter_than_paid,
        misaligned_interval_starts,
        misaligned_with_interval_setting,
        demand_beyond_eight_weeks,
        demand_before_week_start,
        unknown_setting,
        bad_setting_values,
        duplicate_setting,
        numbers_beyond_what_the_maths_allows,
        settings_beyond_what_the_maths_allows,
        offered_load_beyond_the_search,
        control_characters_in_names,
        names_colliding_in_the_model,
        mixed_interval_lengths,
        csv_folder_errors_across_files,
        many_errors_in_one_workbook,
    )
}


@pytest.mark.parametrize("name", list(CASES))
def test_malformed_input_lists_every_problem(name: str, tmp_path: Path) -> None:
    """Each case returns (path given to planner, expected lines[, source named in the heading])."""
    path, lines, *source = CASES[name](tmp_path)
    assert_fails_with(path, lines, *source)


def test_several_errors_in_one_run_are_all_reported(tmp_path: Path) -> None:
    path, lines = many_errors_in_one_workbook(tmp_path)
    run = run_cli("validate", path)
    assert len(run.stderr_lines) == 1 + len(lines) >= 6
    assert run.stderr_lines[0] == f"Error: {path}: 8 problems found"


# --------------------------------------------------------------------------- limits


def test_workbook_expanding_beyond_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner.inputs.read, "MAX_UNCOMPRESSED_BYTES", 2**20)
    p = write_xlsx(valid_tables(), tmp_path / "bomb.xlsx")
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/padding.bin", b"\0" * (5 * 2**20))  # compresses to a few KiB
    assert p.stat().st_size < 2**20
    assert_fails_with(
        p,
        [
            f"{p}: the workbook would expand to 5 MiB, more than the limit of 1 MiB; refused; "
            "expected a workbook below the size limit"
        ],
    )
    monkeypatch.setattr(planner.inputs.read, "MAX_UNCOMPRESSED_BYTES", 3 * 2**19)
    assert_fails_with(
        p,
        [
            f"{p}: the workbook would expand to 5 MiB, more than the limit of 1.5 MiB; refused; "
            "expected a workbook below the size limit"
        ],
    )


def test_archive_with_too_many_parts_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner.inputs.read, "MAX_ARCHIVE_MEMBERS", 5)
    p = write_xlsx(valid_tables(), tmp_path / "parts.xlsx")
    with zipfile.ZipFile(p) as zf:
        n = len(zf.infolist())
    assert n > 5
    assert_fails_with(p, [f"{p}: the archive holds {n} parts, more than the limit of 5; expected {XLSX}"])


def test_sheet_over_row_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner.inputs.read, "MAX_ROWS", 72)
    p = write_xlsx(valid_tables(), tmp_path / "rows.xlsx")  # demand has 73 data rows
    assert_fails_with(
        p,
        [f"{p}, sheet 'demand': more than 72 data rows; refused; expected at most 72 rows per sheet"],
    )


def test_csv_over_row_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner.inputs.read, "MAX_ROWS", 72)
    p = write_csv_folder(valid_tables(), tmp_path / "csv")
    f = p / "demand.csv"
    run = run_cli("validate", p)
    assert "Traceback" not in run.stderr
    assert run.stderr_lines == error_block(
        f, [f"{f}: more than 72 data rows; refused; expected at most 72 rows per file"]
    )
    assert run.exit_code == 1


def test_row_limit_counts_data_rows_not_trailing_blank_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Exactly MAX_ROWS data rows plus blank lines (',,,,' as Excel exports them) is accepted."""
    monkeypatch.setattr(planner.inputs.read, "MAX_ROWS", 73)
    t = valid_tables()
    t["demand"] += [[None] * 5, [None] * 5]
    csv_dir = write_csv_folder(t, tmp_path / "csv")
    assert (csv_dir / "demand.csv").read_text(encoding="utf-8").endswith(",,,,\n,,,,\n")
    assert run_cli("validate", csv_dir).exit_code == 0
    xlsx = write_xlsx(valid_tables(), tmp_path / "styled.xlsx")
    from openpyxl import load_workbook
    from openpyxl.styles import Font

    wb = load_workbook(xlsx)
    wb["demand"]["A90"].font = Font(bold=True)  # an empty but formatted cell below the data
    wb.save(xlsx)
    assert run_cli("validate", xlsx).exit_code == 0


# --------------------------------------------------------------------------- accepted with a warning or note


def test_language_no_pool_speaks_is_a_warning(tmp_path: Path) -> None:
    t = valid_tables()
    t["pools"] = [t["pools"][0], ["tokyo_en", "tokyo", "en", None, None, None]]  # nobody speaks ja
    p = write_xlsx(t, tmp_path / "input.xlsx")
    expected = (
        f"warning: {p}, sheet 'demand': language 'ja' has demand but no pool speaks it; its demand cannot be covered"
    )
    run = run_cli("validate", p)
    assert run.exit_code == 0
    assert run.stderr == ""
    assert [line for line in run.stdout.splitlines() if line.startswith("warning:")] == [expected]
    run = run_cli("validate", p, "--json")
    assert run.exit_code == 0
    assert run.stderr_lines == [expected]


def test_channel_no_pool_works_is_a_warning(tmp_path: Path) -> None:
    t = valid_tables()
    t["pools"] = [
        t["pools"][0],
        ["lisbon_en", "lisbon", "en", "chat", 25, None],
        ["tokyo_ja_en", "tokyo", "ja, en", "chat", None, None],
    ]
    p = write_xlsx(t, tmp_path / "input.xlsx")
    run = run_cli("validate", p)
    assert run.exit_code == 0
    assert [line for line in run.stdout.splitlines() if line.startswith("warning:")] == [
        f"warning: {p}, sheet 'demand': no pool that speaks 'en' works channel 'email'; that demand cannot be covered"
    ]


def test_unknown_sheets_and_columns_are_noted(tmp_path: Path) -> None:
    t = valid_tables()
    t["notes"] = [["anything"], ["goes here"]]
    t["about"] = [["sheet", "column"], ["demand", "contacts"]]  # the template's help sheet: no note
    t["sites"][0].append("Region")
    for row in t["sites"][1:]:
        row.append("EU")
    p = write_xlsx(t, tmp_path / "input.xlsx")
    run = run_cli("validate", p)
    assert run.exit_code == 0, run.stderr
    assert run.stderr == ""
    findings = [line for line in run.stdout.splitlines() if line.startswith(("warning:", "note:"))]
    assert findings == [
        f"note: {p}: unknown sheet 'notes' is ignored",
        f"note: {p}, sheet 'sites', column 'Region': unknown column 'Region' is ignored",
    ]


def test_unknown_csv_file_is_noted(tmp_path: Path) -> None:
    t = valid_tables()
    t["readme"] = [["text"], ["exported from WFM"]]
    p = write_csv_folder(t, tmp_path / "csv")
    scenario = load_scenario(p)
    assert scenario.notes == (f"{p / 'readme.csv'}: unknown sheet 'readme' is ignored",)


def test_formula_with_cached_value_is_accepted(tmp_path: Path) -> None:
    t = valid_tables()
    t["demand"][7][4] = "=2*3"  # row 8, column E
    p = write_xlsx(t, tmp_path / "cached.xlsx")
    set_cached_value(p, 1, "E8", "6")
    run = run_cli("validate", p)
    assert run.exit_code == 0, run.stderr
    scenario = load_scenario(p)
    d = scenario.demand
    rows = d[(d["interval"] == 2) & (d["language"] == "en") & (d["channel"] == "chat")]  # row 8: 02:00 en/chat
    assert rows["contacts"].tolist() == [6.0]
