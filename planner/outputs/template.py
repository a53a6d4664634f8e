"""`planner init`: a template workbook with every sheet, example rows and an `about` sheet explaining
every column and setting (generated from :mod:`planner.inputs.contract` and :mod:`planner.inputs.settings`)."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from planner.inputs.contract import SHEETS, SHEETS_BY_KEY
from planner.inputs.settings import EXAMPLE_SETTINGS, SETTING_SPECS
from planner.outputs.files import SheetOut, write_workbook

ABOUT_SHEET = "about"


def _columns(sheet: str) -> list[str]:
    return list(SHEETS_BY_KEY[sheet].column_names)


def _example_demand() -> pd.DataFrame:
    """Two hours of demand: English chat and email, Japanese chat for two tiers."""
    t0 = dt.datetime(2026, 3, 23, 9, 0)
    hour = dt.timedelta(hours=1)
    return pd.DataFrame(
        [
            (t0, "en", "chat", "standard", 40.0),
            (t0, "en", "email", "standard", 12.0),
            (t0, "ja", "chat", "standard", 18.0),
            (t0, "ja", "chat", "vip", 3.0),
            (t0 + hour, "en", "chat", "standard", 55.0),
            (t0 + hour, "en", "email", "standard", 15.0),
            (t0 + hour, "ja", "chat", "standard", 20.0),
            (t0 + hour, "ja", "chat", "vip", 2.5),
        ],
        columns=_columns("demand"),
    )


def _examples() -> dict[str, pd.DataFrame]:
    demand = _example_demand()
    channels = pd.DataFrame(
        [
            ("chat", 9, 1, 0.8, 2, 4, "no", 0.25, None, None, None, None, None),
            ("phone", 6, 0.5, 0.8, 1, 3, "no", None, None, None, None, None, None),
            ("email", 12, 1440, 0.95, 1, None, "yes", None, None, None, None, None, None),
            ("social", 7, 120, 0.9, 1, None, "yes", 0.1, None, None, None, None, None),
        ],
        columns=_columns("channels"),
    )
    targets = pd.DataFrame(
        [
            (None, "chat", "vip", 0.5, 0.9, None, None, None, None, None),
            (None, "email", "vip", 240, 0.95, None, None, None, None, None),
        ],
        columns=_columns("targets"),
    )
    sites = pd.DataFrame(
        [("tokyo", "Asia/Tokyo", 32, 0.25, 0.35, None), ("lisbon", "Europe/Lisbon", 18, 0.25, 0.2, 200)],
        columns=_columns("sites"),
    )
    pools = pd.DataFrame(
        [
            ("tokyo_ja_en", "tokyo", "ja, en", None, None, None, None),
            ("lisbon_en", "lisbon", "en", "chat, email, social", 25, None, None),
            ("lisbon_ja_en", "lisbon", "ja, en", "chat, email", 6, 24, None),
        ],
        columns=_columns("pools"),
    )
    shifts = pd.DataFrame(
        [
            ("day", 8, 9, "06:00", "12:00", 60, None, 180, 300, None),
            ("late", 8, 9, "12:00", "16:00", 60, None, None, None, None),
            ("night", 8, 8.5, "21:00", "01:00", 60, "lisbon", None, None, 60),  # a 60-minute break, half paid
        ],
        columns=_columns("shifts"),
    )
    settings = pd.DataFrame(list(EXAMPLE_SETTINGS), columns=_columns("settings"))
    agents = pd.DataFrame(columns=_columns("agents"))
    calendars = pd.DataFrame(
        [("office", "Europe/Lisbon", "mon-fri", "09:00", "17:00", None, None, None)], columns=_columns("calendars")
    )
    return {
        "demand": demand,
        "channels": channels,
        "targets": targets,
        "sites": sites,
        "pools": pools,
        "agents": agents,
        "shifts": shifts,
        "settings": settings,
        "calendars": calendars,
    }


def about_table() -> pd.DataFrame:
    rows = []
    for sheet in SHEETS:
        for col in sheet.columns:
            rows.append(
                {
                    "sheet": sheet.name,
                    "sheet required": "yes" if sheet.required else ("unless agents" if sheet.name == "pools" else "no"),
                    "column": col.name,
                    "column required": "yes" if (col.required and not col.blank_ok) else "no",
                    "unit": col.unit,
                    "default when blank": "" if not col.blank_ok else ("" if col.default is None else str(col.default)),
                    "expected": col.expected,
                    "meaning": col.description,
                }
            )
    for s in SETTING_SPECS:
        rows.append(
            {
                "sheet": "settings",
                "sheet required": "no",
                "column": f"setting: {s.name}",
                "column required": "no",
                "unit": "",
                "default when blank": s.shown_default,
                "expected": s.expected,
                "meaning": s.description,
            }
        )
    return pd.DataFrame(rows)


def write_template(path: str | os.PathLike[str]) -> Path:
    """Write the template workbook (atomically)."""
    tables = _examples()
    sheets = [
        SheetOut(name, frame, number_formats={"interval_start": "yyyy-mm-dd hh:mm"} if name == "demand" else {})
        for name, frame in tables.items()
    ]
    sheets.append(SheetOut(ABOUT_SHEET, about_table(), widths={"meaning": 90, "expected": 45}))
    return write_workbook(path, sheets)
