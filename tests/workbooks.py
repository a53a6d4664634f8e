"""Builders of input workbooks and CSV folders for the input-validation tests.

A *tables* value is a dict ``{sheet name: list of rows}`` whose first row is the header.
``valid_tables()`` returns a small valid input that tests copy and break in one place.
Datetime values become real date-time cells in a workbook and ISO text in a CSV file;
``None`` becomes an empty cell; a string starting with ``=`` becomes a formula (openpyxl
writes it without a cached value, as a program that does not compute formulas would).
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from openpyxl import Workbook

Tables = dict[str, list[list[Any]]]

#: Monday 2026-03-23 00:00, the first demand interval of ``valid_tables()`` (UTC, naive).
T0 = dt.datetime(2026, 3, 23, 0, 0)
HOUR = dt.timedelta(hours=1)

DEMAND_HEADER = ["interval_start", "language", "channel", "tier", "contacts"]


def demand_rows(start: dt.datetime = T0, hours: int = 24) -> list[list[Any]]:
    """Hourly demand: per hour h, en/chat (spreadsheet row 3h + 2), ja/chat (3h + 3) and
    en/email with a blank tier (3h + 4); then one ja/chat/vip row at 09:00 (last row)."""
    rows: list[list[Any]] = []
    for h in range(hours):
        t = start + h * HOUR
        rows.append([t, "en", "chat", "standard", 10.0 + h])
        rows.append([t, "ja", "chat", "standard", 4.0])
        rows.append([t, "en", "email", None, 6.5])
    if hours > 9:
        rows.append([start + 9 * HOUR, "ja", "chat", "vip", 1.5])
    return rows


def valid_tables() -> Tables:
    """A small valid input: 2 languages, 2 channels, 2 sites, 3 pools, 2 shifts, 1 day."""
    return {
        "demand": [DEMAND_HEADER, *demand_rows()],
        "channels": [
            [
                "channel",
                "handle_minutes",
                "target_minutes",
                "service_level",
                "concurrency",
                "patience_minutes",
                "deferrable",
                "bot_deflection",
            ],
            ["chat", 9, 1, 0.8, 2, 4, "no", 0.25],
            ["email", 12, 1440, 0.95, None, None, "yes", None],
        ],
        "targets": [
            ["language", "channel", "tier", "target_minutes", "service_level"],
            [None, "chat", "vip", 0.5, 0.9],
        ],
        "sites": [
            ["site", "timezone", "hourly_cost", "night_premium", "weekend_premium", "max_agents"],
            ["lisbon", "Europe/Lisbon", 18, 0.25, 0.2, 200],
            ["tokyo", "Asia/Tokyo", 32, 0.25, 0.35, None],
        ],
        "pools": [
            ["pool", "site", "languages", "channels", "available", "hourly_cost"],
            ["lisbon_en", "lisbon", "en", "chat, email", 25, None],
            ["tokyo_ja_en", "tokyo", "ja, en", None, None, None],
            ["lisbon_ja", "lisbon", "ja", "chat", 4, 24],
        ],
        "shifts": [
            [
                "shift",
                "paid_hours",
                "length_hours",
                "earliest_start",
                "latest_start",
                "start_step_minutes",
                "sites",
            ],
            ["day", 8, 9, "06:00", "12:00", 60, None],
            ["late", 8, 9, "12:00", "18:00", 60, "lisbon, tokyo"],
        ],
        "settings": [
            ["setting", "value"],
            ["currency", "EUR"],
            ["shrinkage", 0.3],
            ["max_occupancy", "85%"],
        ],
    }


def tables_copy(tables: Tables | None = None) -> Tables:
    return copy.deepcopy(valid_tables() if tables is None else tables)


# --------------------------------------------------------------------------- writing


def write_xlsx(tables: Tables, path: Path) -> Path:
    """Write ``tables`` as an .xlsx workbook, one sheet per key, in dict order.

    An empty row list gives a sheet with no cells at all (not even a header)."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in tables.items():
        ws = wb.create_sheet(title=name)
        for row in rows:
            ws.append(list(row))
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, dt.datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv_folder(tables: Tables, folder: Path, delimiter: str = ",", encoding: str = "utf-8") -> Path:
    """Write ``tables`` as a folder of CSV files named ``<sheet>.csv``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        buf = io.StringIO()
        writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
        for row in rows:
            writer.writerow([_csv_text(v) for v in row])
        (folder / f"{name}.csv").write_text(buf.getvalue(), encoding=encoding)
    return folder


def set_cached_value(path: Path, sheet_index: int, cell_ref: str, cached: str) -> Path:
    """Give the formula cell ``cell_ref`` of the ``sheet_index``-th sheet (1-based) a cached
    value ``<v>cached</v>``, as Excel does when it saves a workbook. Rewrites ``path``."""
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with zipfile.ZipFile(path) as zf:
        parts = {info: zf.read(info.filename) for info in zf.infolist()}
    for info, data in parts.items():
        if info.filename != member:
            continue
        xml = data.decode("utf-8")
        pattern = re.compile(r'(<c r="' + re.escape(cell_ref) + r'"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?(</c>)')
        new, n = pattern.subn(lambda m: m.group(1) + m.group(2) + f"<v>{cached}</v>" + m.group(4), xml)
        if n != 1:
            raise AssertionError(f"formula cell {cell_ref} not found in {member}: {xml[:500]}")
        parts[info] = new.encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in parts.items():
            zf.writestr(info.filename, data)
    return path


# --------------------------------------------------------------------------- OLE2 compound files

_SECTOR = 512
_FREESECT, _ENDOFCHAIN, _FATSECT, _NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def _dir_entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
    encoded = (name + "\0").encode("utf-16-le") if name else b""
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        encoded,
        len(encoded),
        kind,
        1 if name else 0,  # name, name length, type, colour (black)
        _NOSTREAM,
        right,
        child,  # left sibling, right sibling, child
        b"\0" * 16,
        0,
        0,
        0,  # clsid, state bits, creation and modification times
        start,
        size,
    )


def cfb_bytes(streams: dict[str, bytes]) -> bytes:
    """A minimal version-3 Compound File Binary (OLE2) holding ``streams`` under the root.

    Each stream is padded to the 4096-byte mini-stream cutoff so it lives in regular sectors
    (no mini FAT needed); everything fits one FAT sector (at most 128 sectors)."""
    items = sorted(streams.items(), key=lambda kv: (len(kv[0]), kv[0].upper()))
    n_entries = 1 + len(items)
    dir_sectors = -(-n_entries * 128 // _SECTOR)
    fat = [_FATSECT] + [i + 2 for i in range(dir_sectors - 1)] + [_ENDOFCHAIN]
    body = b""
    placed = []
    for _, data in items:
        data = data.ljust(4096, b"\0")
        n = -(-len(data) // _SECTOR)
        start = len(fat)
        fat += [start + i + 1 for i in range(n - 1)] + [_ENDOFCHAIN]
        body += data.ljust(n * _SECTOR, b"\0")
        placed.append((start, len(data)))
    if len(fat) > _SECTOR // 4:
        raise ValueError("streams too large for this minimal compound file")
    fat += [_FREESECT] * (_SECTOR // 4 - len(fat))
    entries = _dir_entry("Root Entry", 5, _NOSTREAM, 1 if items else _NOSTREAM, _ENDOFCHAIN, 0)
    for i, ((name, _), (start, size)) in enumerate(zip(items, placed, strict=True), start=1):
        entries += _dir_entry(name, 2, i + 1 if i < len(items) else _NOSTREAM, _NOSTREAM, start, size)
    while len(entries) < dir_sectors * _SECTOR:
        entries += _dir_entry("", 0, _NOSTREAM, _NOSTREAM, 0, 0)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        OLE_MAGIC,
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,
        1,
        1,
        0,
        4096,  # directory sectors (v3: 0), FAT sectors, first directory sector, txn, cutoff
        _ENDOFCHAIN,
        0,
        _ENDOFCHAIN,
        0,  # mini FAT start and count, DIFAT start and count
    ) + struct.pack("<109I", 0, *([_FREESECT] * 108))
    return header + struct.pack(f"<{_SECTOR // 4}I", *fat) + entries + body


def biff8_workbook_stream() -> bytes:
    """The start of an Excel 97-2003 'Workbook' stream: a BIFF8 BOF record, then EOF."""
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06)
    eof = struct.pack("<HH", 0x000A, 0)
    return bof + eof


def write_legacy_xls(path: Path) -> Path:
    path.write_bytes(cfb_bytes({"Workbook": biff8_workbook_stream()}))
    return path


# --------------------------------------------------------------------------- running the CLI


@dataclass(frozen=True)
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def stderr_lines(self) -> list[str]:
        return self.stderr.splitlines()


def run_cli(*args: str | Path) -> Run:
    """Run ``planner ARGS`` in-process; exceptions other than SystemExit propagate."""
    from planner.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, [str(a) for a in args], catch_exceptions=False, prog_name="planner")
    return Run(result.exit_code, result.stdout, result.stderr)


def error_block(source: str | Path, lines: Sequence[str]) -> list[str]:
    """The stderr lines ``planner`` prints for ``lines`` problems in ``source``."""
    n = len(lines)
    head = f"Error: {source}: {n} problem{'s' if n != 1 else ''} found"
    return [head, *lines]
