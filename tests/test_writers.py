"""Spreadsheet output: formatting, highlighting, formula escaping, atomic writes."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from planner.errors import OutputError
from planner.outputs.files import SheetOut, write_csv, write_workbook


def test_workbook_shades_exactly_the_rows_with_a_shortfall(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "queue": ["ja chat", "=cmd|' /C calc'!A0", "+1", "@sum", "en email"],
            "required": [3.0, 2.0, 1.0, 0.0, 4.0],
            "shortfall": [0.0, 1.5, 0.0, 2e-12, 0.25],
        }
    )
    out = write_workbook(
        tmp_path / "out.xlsx",
        [SheetOut("coverage", frame, number_formats={"required": "0.00"}, highlight_column="shortfall")],
    )
    ws = openpyxl.load_workbook(out)["coverage"]
    assert ws.freeze_panes == "A2"
    assert all(cell.font.bold for cell in ws[1])
    shaded = [
        r
        for r in range(2, ws.max_row + 1)
        if all(ws.cell(row=r, column=c).fill.fill_type == "solid" for c in range(1, 4))
    ]
    unshaded = [
        r for r in range(2, ws.max_row + 1) if all(ws.cell(row=r, column=c).fill.fill_type is None for c in range(1, 4))
    ]
    assert shaded == [3, 6]  # rows of 1.5 and 0.25; 2e-12 is rounding noise, not a shortfall
    assert unshaded == [2, 4, 5]
    assert ws.cell(row=2, column=2).number_format == "0.00"
    # text that would be a formula is written as text
    assert [ws.cell(row=r, column=1).value for r in range(3, 6)] == ["'=cmd|' /C calc'!A0", "'+1", "'@sum"]
    assert ws.cell(row=3, column=1).data_type == "s"


def test_large_highlighted_sheet_is_written(tmp_path: Path) -> None:
    # 20,000 rows, every other one short: the shading must not rescan the sheet per row
    n = 20_000
    frame = pd.DataFrame({"interval": range(n), "shortfall": [float(i % 2) for i in range(n)]})
    out = write_workbook(tmp_path / "big.xlsx", [SheetOut("gaps", frame, highlight_column="shortfall")])
    ws = openpyxl.load_workbook(out, read_only=True)["gaps"]
    assert ws.max_row == n + 1


def test_csv_escapes_formula_text_and_leaves_no_temp_file(tmp_path: Path) -> None:
    frame = pd.DataFrame({"pool": ["-tokyo", "manila"], "agents": [2, 3]})
    path = write_csv(tmp_path / "shifts.csv", frame)
    assert path.read_text().splitlines() == ["pool,agents", "'-tokyo,2", "manila,3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shifts.csv"]


def test_failed_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "roster.xlsx"
    target.write_bytes(b"previous")

    def half_written(self: object, filename: str) -> None:
        Path(filename).write_bytes(b"PK\x03\x04 half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", half_written)
    with pytest.raises(OutputError, match=r"cannot write .*roster\.xlsx: disk full"):
        write_workbook(target, [SheetOut("s", pd.DataFrame({"x": [1]}))])
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.xlsx"]
