"""The roster workbook people read: a dashboard first, then finance, heatmaps and coverage charts, the
data sheets as filterable Excel tables with human titles, and the solver's figures; print-ready.

Charts are openpyxl's native chart module (already a dependency; it writes charts into a workbook built
cell by cell, which XlsxWriter cannot add to a workbook openpyxl writes, and it reads charts back for tests).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from planner.outputs.charts import (
    SERIES_PER_LANGUAGE,
    Block,
    bar_chart,
    coverage_chart,
    hourly_coverage,
    language_intervals,
)
from planner.outputs.dashboard import Dashboard, build_dashboard
from planner.outputs.files import SheetOut, atomic_path, cell_value, escape_text
from planner.outputs.finance import FinancePack, finance_pack
from planner.outputs.heatmaps import Heatmap, heatmaps
from planner.outputs.onshift import speakers_on_shift
from planner.outputs.titles import title
from planner.roster.plan import RosterResult

BOOLEAN = '"TRUE";"TRUE";"FALSE"'  # booleans read TRUE/FALSE in Excel and LibreOffice alike (not 1/0)
RATIO = "0%"
PRINT_ROWS = 250  # long data sheets print their header and this many rows unless the print area is cleared
HEAT_RED, HEAT_WHITE, HEAT_BLUE = "F8696B", "FFFFFF", "5B9BD5"
SHORT_FONT = Font(bold=True, color="9C0006")
SHORT_BORDER = Border(*(Side(style="medium", color="9C0006"),) * 4)
BOLD = Font(bold=True)
SECTION = Font(bold=True, size=12, color="1F4E79")
SHADE = PatternFill(start_color="FFF4CCCC", end_color="FFF4CCCC", fill_type="solid")
HEADER_FILL = PatternFill(start_color="FFDDEBF7", end_color="FFDDEBF7", fill_type="solid")


def money(currency: str, decimals: int = 0) -> str:
    return ("#,##0" + ("." + "0" * decimals if decimals else "")) + f' "{escape_text(currency)}"'


def write_roster_workbook(result: RosterResult, path: str | os.PathLike[str], data: Sequence[SheetOut]) -> Path:
    """Write the roster workbook atomically: dashboard (active, the only sheet printed by default), summary,
    finance, heatmaps, coverage charts, the data sheets, the hourly chart data and the solver sheet."""
    finance = finance_pack(result)
    dash = build_dashboard(result, finance)
    wb = Workbook()
    wb.remove(wb.active)
    dashboard = wb.create_sheet("dashboard")
    business, solver = _summary_rows(result)
    _key_value_sheet(wb, "summary", business)
    _table_sheet(wb, _finance_sheet(finance))
    heat = wb.create_sheet("heatmaps")
    charts = wb.create_sheet("coverage_charts")
    for sheet in data:
        if sheet.name != "summary":
            _table_sheet(wb, sheet)
    per_language = language_intervals(result.coverage, speakers_on_shift(result))
    hourly = hourly_coverage(per_language)
    hourly_ws = _table_sheet(wb, SheetOut("hourly", hourly, number_formats=_hourly_formats(hourly)))
    _key_value_sheet(wb, "solver", solver)
    _write_dashboard(dashboard, dash, finance.currency)
    _write_heatmaps(heat, heatmaps(result, per_language))
    _write_coverage_charts(charts, hourly_ws, sorted(result.coverage["language"].unique()), len(hourly))
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws is dashboard
    wb.active = 0
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def _hourly_formats(hourly: Any) -> dict[str, str]:
    return {"hour_utc": "yyyy-mm-dd hh:mm"} | {c: "0.0" for c in hourly.columns[2:]}


def _summary_rows(result: RosterResult) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The summary's rows split into business figures and solver internals (names as in the CSV/JSON)."""
    solver_names = {name for name, _ in result.summary._solver_rows()}
    rows = [(k, "" if v is None else v) for k, v in result.summary.rows()]
    return [r for r in rows if r[0] not in solver_names], [r for r in rows if r[0] in solver_names]


def _key_value_sheet(wb: Workbook, name: str, rows: list[tuple[str, Any]]) -> Worksheet:
    import pandas as pd

    frame = pd.DataFrame([(_sentence(title(k)), v, k) for k, v in rows], columns=["metric", "value", "key"])
    ws = _table_sheet(wb, SheetOut(name, frame, widths={"metric": 42, "value": 40, "key": 40}))
    ws.page_setup.fitToHeight = 1
    for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
        if isinstance(cell.value, float):
            cell.number_format = "#,##0.00####"
        elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
            cell.number_format = "#,##0"
    return ws


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _finance_sheet(finance: FinancePack) -> SheetOut:
    cur = finance.currency
    fmts = {c: money(cur) for c in ("weekly_cost", "monthly_cost", "annual_cost")}
    fmts |= {"cost_per_contact": money(cur, 2), "cost_per_agent_hour": money(cur, 2)}
    fmts |= {"contacts": "#,##0", "agent_hours": "#,##0.0"}
    return SheetOut("finance", finance.table, number_formats=fmts)


def _table_sheet(wb: Workbook, sheet: SheetOut) -> Worksheet:
    """A data sheet: human titles, an Excel table with filters, frozen header, formats, print setup."""
    ws = wb.create_sheet(title=sheet.name[:31])
    frame = sheet.frame
    cols = [str(c) for c in frame.columns]
    ws.append([escape_text(t) for t in _unique_titles(cols)])
    for rec in frame.to_numpy(dtype=object):
        ws.append([cell_value(v) for v in rec])
    n = len(frame)
    for i, c in enumerate(cols, start=1):
        letter = get_column_letter(i)
        width = sheet.widths.get(c)
        if width is None:
            sample = frame[c].head(200).map(lambda v: len(str(cell_value(v))) if v is not None else 0)
            width = min(60.0, max(len(title(c)) + 4.0, float(sample.max() if n else 0) + 2.0))
        ws.column_dimensions[letter].width = width
        fmt = sheet.number_formats.get(c) or (BOOLEAN if _is_boolean(frame[c]) else None)
        if fmt and n:
            for (cell,) in ws.iter_rows(min_row=2, max_row=n + 1, min_col=i, max_col=i):
                cell.number_format = fmt
    if sheet.highlight_column in cols and n:
        _shade_rows(ws, frame[sheet.highlight_column], len(cols))
    ref = f"A1:{get_column_letter(len(cols))}{max(n + 1, 2)}"
    table = Table(displayName=f"t_{sheet.name[:28]}", ref=ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = "A2"
    _print_setup(ws, f"A1:{get_column_letter(len(cols))}{min(n, PRINT_ROWS) + 1}")
    ws.print_title_rows = "1:1"
    return ws


def _unique_titles(cols: list[str]) -> list[str]:
    """Human titles, made unique (an Excel table needs distinct headers) by adding the stable name."""
    titles = [title(c) for c in cols]
    return [t if titles.count(t) == 1 else f"{t} ({c})" for t, c in zip(titles, cols, strict=True)]


def _is_boolean(column: Any) -> bool:
    import pandas as pd

    if pd.api.types.is_bool_dtype(column):
        return True
    values = column.dropna()
    return len(values) > 0 and column.dtype == object and all(isinstance(v, bool) for v in values.head(50))


def _shade_rows(ws: Worksheet, column: Any, width: int) -> None:
    import numpy as np
    import pandas as pd

    flags = pd.to_numeric(column, errors="coerce").fillna(0).to_numpy() > 1e-9
    for k in np.flatnonzero(flags):
        for col in range(1, width + 1):
            ws.cell(row=2 + int(k), column=col).fill = SHADE


def _print_setup(ws: Worksheet, area: str, pages_high: int = 0) -> None:
    """Landscape, A4, one page wide (``pages_high`` 0: as many pages down as needed), over ``area``."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = pages_high
    ws.print_area = area


def _put(ws: Worksheet, row: int, values: Sequence[Any], formats: Sequence[str | None] = (), font: Font | None = None):
    for col, v in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=cell_value(v))
        fmt = formats[col - 1] if col - 1 < len(formats) else None
        if isinstance(cell.value, bool):
            fmt = BOOLEAN
        if fmt:
            cell.number_format = fmt
        if font is not None:
            cell.font = font
            cell.fill = HEADER_FILL


def _block(ws: Worksheet, row: int, heading: str, header: list[str], frame: Any, formats: list[str | None]) -> Block:
    """A titled small table on the dashboard; returns where its rows are."""
    ws.cell(row=row, column=1, value=heading).font = SECTION
    _put(ws, row + 1, header, font=BOLD)
    for k, rec in enumerate(frame.itertuples(index=False)):
        _put(ws, row + 2 + k, list(rec), formats)
    return Block(row + 1, row + 2, row + 1 + len(frame), 1)


def _write_dashboard(ws: Worksheet, dash: Dashboard, cur: str) -> None:
    kinds = {"money": money(cur), "count": "#,##0", "hours": "#,##0.0", "share": "0.0%"}
    ws["A1"] = escape_text(dash.title)
    ws["A1"].font = Font(bold=True, size=16)
    ws["A2"] = escape_text(dash.subtitle)
    ws["A2"].font = Font(italic=True, color="595959")
    ws.cell(row=4, column=1, value="The week in figures").font = SECTION
    for k, fig in enumerate(dash.headline):
        fmt = money(cur, 2) if "per contact" in fig.label else kinds[fig.kind]
        _put(ws, 5 + k, [fig.label, fig.value], [None, fmt])
    row = 6 + len(dash.headline)
    channel = _block(
        ws,
        row,
        "By channel",
        ["Channel", "Contacts a week", "Weekly cost", "Cost per contact", "Service level", "Target", "Meets target"],
        dash.by_channel,
        [None, "#,##0", money(cur), money(cur, 2), "0.0%", "0.0%", None],
    )
    row = channel.last_row + 2
    lang = _block(
        ws,
        row,
        "By language",
        ["Language", "Contacts a week", "Weekly cost", "Cost per contact"],
        dash.by_language,
        [None, "#,##0", money(cur), money(cur, 2)],
    )
    row = lang.last_row + 2
    site = _block(
        ws, row, "People by site", ["Site", "People", "Weekly cost"], dash.by_site, [None, "#,##0", money(cur)]
    )
    row = _write_sentences(ws, site.last_row + 2, dash)
    for col, width in zip("ABCDEFG", (44, 16, 16, 16, 14, 12, 14), strict=True):
        ws.column_dimensions[col].width = width
    ws.add_chart(bar_chart(ws, site, 3, f"Weekly cost by site ({cur})", cur), "I4")
    ws.add_chart(bar_chart(ws, channel, 3, f"Weekly cost by channel ({cur})", cur), "I18")
    ws.add_chart(bar_chart(ws, site, 2, "People by site", "people"), "I32")
    _print_setup(ws, f"A1:P{max(row, 46)}", pages_high=1)


def _write_sentences(ws: Worksheet, row: int, dash: Dashboard) -> int:
    """The time-zone answer per language and the solver line; returns the next free row."""
    ws.cell(row=row, column=1, value="Time zones: who covers each language, and what is left uncovered").font = SECTION
    for k, (lang, sentence) in enumerate(dash.languages, start=1):
        r = row + k
        label = ws.cell(row=r, column=1, value=escape_text(lang))
        label.font, label.alignment = BOLD, Alignment(vertical="top")
        cell = ws.cell(row=r, column=2, value=escape_text(sentence))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=7)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(sentence) // 80))
    row += len(dash.languages) + 2
    ws.cell(row=row, column=1, value="Solver").font = SECTION
    ws.cell(row=row + 1, column=1, value=escape_text(dash.solver_line))
    ws.cell(row=row + 3, column=1, value=PRINT_NOTE).font = Font(italic=True, color="595959")
    return row + 3


PRINT_NOTE = (
    "Printing prints this sheet; long data sheets print their first rows only (Page Layout > Print Area > Clear "
    "to print them in full)."
)


def _write_heatmaps(ws: Worksheet, maps: list[Heatmap]) -> None:
    """One grid per language and clock: days down, hours across, coloured red (short) to green (covered)."""
    ws["A1"] = "Agents on shift who speak the language, as a share of the agents its work requires, by day and hour"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Red: fewer than required; white: just enough (100%); blue: spare (multilingual agents may be serving "
        "another language then); blank: no demand. Bold with a dark red frame: an hour with a shortfall."
    )
    ws["A2"].font = Font(italic=True, color="595959")
    row = 4
    languages: list[str] = []
    for h in maps:
        if h.language not in languages:
            languages.append(h.language)
            if len(languages) > 1:
                ws.row_breaks.append(Break(id=row - 1))  # a language a printed page, never a grid cut in two
        ws.cell(row=row, column=1, value=escape_text(f"{h.language}: {h.label}")).font = SECTION
        _put(ws, row + 1, ["day \\ hour", *[f"{x:02d}" for x in range(24)]], font=BOLD)
        grid = h.ratio.to_numpy()
        short = h.short.to_numpy()
        for i, day in enumerate(h.ratio.index):
            r = row + 2 + i
            ws.cell(row=r, column=1, value=day)
            for j in range(24):
                cell = ws.cell(row=r, column=2 + j, value=cell_value(grid[i, j]))
                cell.number_format = RATIO
                if short[i, j]:
                    cell.font, cell.border = SHORT_FONT, SHORT_BORDER
        first, last = row + 2, row + 1 + len(h.ratio)
        ws.conditional_formatting.add(f"B{first}:Y{last}", heat_scale())
        row = last + 2
    ws.column_dimensions["A"].width = 14
    for j in range(24):
        ws.column_dimensions[get_column_letter(2 + j)].width = 6.3
    ws.freeze_panes = "B4"
    _print_setup(ws, f"A1:Y{row}")


def heat_scale() -> ColorScaleRule:
    return ColorScaleRule(
        start_type="num",
        start_value=0.5,
        start_color=HEAT_RED,
        mid_type="num",
        mid_value=1,
        mid_color=HEAT_WHITE,
        end_type="num",
        end_value=2,
        end_color=HEAT_BLUE,
    )


def _write_coverage_charts(ws: Worksheet, data: Worksheet, languages: list[str], n_rows: int) -> None:
    ws["A1"] = "Agents required against agents on shift, per language, hour by hour over the week (UTC)"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = (
        "Grey: agents the language's work requires (live channels' requirement, shrinkage included, plus the agents "
        "the roster puts on e-mail and social then); blue: agents on shift who speak it (a multilingual agent "
        "counts in each of their languages). Blue under grey: short."
    )
    ws["A2"].font = Font(italic=True, color="595959")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells("A2:P2")
    ws.row_dimensions[2].height = 30
    for k, lang in enumerate(languages):
        top = 4 + 15 * k
        ws.add_chart(coverage_chart(data, lang, 3 + SERIES_PER_LANGUAGE * k, n_rows), f"A{top}")
        if k % 2 == 0 and k:
            ws.row_breaks.append(Break(id=top - 1))  # two charts a printed page
    _print_setup(ws, f"A1:P{4 + 15 * max(len(languages), 1)}")
