"""The roster workbook people read: dashboard, finance, heatmaps, native charts and workbook hygiene, read
back with openpyxl; the PNG plots; output paths refused before solving."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from workbooks import run_cli

from planner.inputs.load import load_scenario
from planner.outputs.report import BOOLEAN, PRINT_ROWS
from planner.outputs.titles import stable_names
from planner.outputs.workbooks import write_roster
from planner.roster.plan import RosterResult, plan_roster

TINY = Path("inputs/tiny.xlsx")  # one week from Mon 23 Mar 2026 00:00 UTC, hourly; one site, Lisbon; en, ja


@pytest.fixture(scope="module")
def tiny() -> RosterResult:
    return plan_roster(load_scenario(TINY))


@pytest.fixture(scope="module")
def book(tiny: RosterResult, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_roster(tiny, tmp_path_factory.mktemp("book") / "tiny.xlsx")


def _sheet(path: Path, name: str) -> pd.DataFrame:
    return stable_names(pd.read_excel(path, sheet_name=name))


def _dashboard_value(ws: openpyxl.worksheet.worksheet.Worksheet, label: str) -> object:
    for row in ws.iter_rows(min_row=1, max_row=ws.max_row, max_col=2):
        if row[0].value == label:
            return row[1].value
    raise AssertionError(f"no dashboard row {label!r}")


def _block(ws: openpyxl.worksheet.worksheet.Worksheet, heading: str) -> pd.DataFrame:
    """A dashboard block read back: the rows under its header until the first empty row."""
    start = next(r for r in range(1, ws.max_row + 1) if ws.cell(row=r, column=1).value == heading)
    header = [c.value for c in ws[start + 1] if c.value is not None]
    rows = []
    r = start + 2
    while ws.cell(row=r, column=1).value is not None:
        rows.append([ws.cell(row=r, column=k + 1).value for k in range(len(header))])
        r += 1
    return pd.DataFrame(rows, columns=header)


def test_sheets_in_reading_order_dashboard_active_and_alone_selected(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    assert wb.sheetnames == [
        *["dashboard", "summary", "finance", "heatmaps", "coverage_charts"],
        *["shifts", "coverage", "cost", "gaps", "headcount", "language_sites"],
        *["activities", "routing", "breaks", "activity_gaps", "person_activities", "hourly", "solver"],
    ]
    assert wb.active.title == "dashboard"
    assert [ws.title for ws in wb.worksheets if ws.sheet_view.tabSelected] == ["dashboard"]


def test_dashboard_figures_equal_the_data_sheets(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["dashboard"]
    summary = _sheet(book, "summary").set_index("key")["value"]
    cost = _sheet(book, "cost")
    coverage = _sheet(book, "coverage")
    headcount = _sheet(book, "headcount")
    finance = _sheet(book, "finance")
    weekly = _dashboard_value(ws, "Weekly cost (USD)")
    assert weekly == pytest.approx(float(summary["weekly_cost"]))
    assert weekly == pytest.approx(cost["weekly_cost"].sum(), rel=1e-9)
    assert _dashboard_value(ws, "Annual cost (USD, 52 weeks)") == pytest.approx(float(summary["annual_cost"]))
    assert _dashboard_value(ws, "Monthly cost (USD, weekly x 52 / 12)") == pytest.approx(weekly * 52 / 12)
    contacts = coverage["contacts"].sum()
    assert _dashboard_value(ws, "Contacts a week") == pytest.approx(contacts)
    assert _dashboard_value(ws, "Cost per contact (USD)") == pytest.approx(weekly / contacts)
    assert _dashboard_value(ws, "People (headcount)") == headcount["headcount"].sum()
    sites = _block(ws, "People by site").set_index("Site")
    assert sites["People"].to_dict() == headcount.groupby("site")["headcount"].sum().to_dict()
    channels = _block(ws, "By channel").set_index("Channel")
    per_channel = coverage.groupby("channel")["contacts"].sum()
    assert channels["Contacts a week"].to_dict() == pytest.approx(per_channel.to_dict())
    assert channels["Weekly cost"].to_dict() == pytest.approx(cost.groupby("channel")["weekly_cost"].sum().to_dict())
    assert channels["Cost per contact"].to_dict() == pytest.approx(
        (cost.groupby("channel")["weekly_cost"].sum() / per_channel).to_dict()
    )
    fin = finance[finance["view"] == "channel"].set_index("key")
    assert fin["cost_per_contact"].to_dict() == pytest.approx(channels["Cost per contact"].to_dict())
    # service level: contact-weighted over the intervals with contacts, as in the coverage sheet
    live = coverage[(coverage["channel"] == "chat") & (coverage["contacts"] > 0)]
    sl = (live["service_level"] * live["contacts"]).sum() / live["contacts"].sum()
    assert channels.loc["chat", "Service level"] == pytest.approx(sl)
    assert channels["Meets target"].dtype == bool and channels.loc["chat", "Meets target"]
    solver = _sheet(book, "solver").set_index("key")
    line = _block(ws, "Solver").columns[0]  # the one line under the heading
    assert line.startswith(f"HIGHS {solver.loc['solver_status', 'value']} in ")
    assert {"objective", "mip_gap", "variables"} <= set(solver.index)
    assert not {"objective", "mip_gap", "variables"} & set(summary.index)


def test_finance_views_add_up_and_the_month_is_weekly_times_52_over_12(book: Path) -> None:
    finance = _sheet(book, "finance")
    total = finance[finance["view"] == "total"].iloc[0]
    for view in ("site", "language", "channel", "tier"):
        part = finance[finance["view"] == view]
        assert part["weekly_cost"].sum() == pytest.approx(total["weekly_cost"], rel=1e-9), view
        assert part["contacts"].sum() == pytest.approx(total["contacts"], rel=1e-9), view
        assert part["agent_hours"].sum() == pytest.approx(total["agent_hours"], rel=1e-9), view
    assert finance["monthly_cost"].to_list() == pytest.approx((finance["weekly_cost"] * 52 / 12).to_list())
    assert finance["cost_per_agent_hour"].to_list() == pytest.approx(
        (finance["weekly_cost"] / finance["agent_hours"]).to_list()
    )
    assert set(finance[finance["view"] == "tier"]["key"]) == {"standard"}


def test_coverage_charts_read_the_hourly_sheet_and_the_hours_on_shift_are_the_shifts(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    charts = wb["coverage_charts"]._charts
    # 168 hours: rows 2-169 of the hourly sheet; en in columns C (required) and D (on shift), ja in E and F
    assert [[s.val.numRef.f for s in c.series] for c in charts] == [
        ["'hourly'!$C$2:$C$169", "'hourly'!$D$2:$D$169"],
        ["'hourly'!$E$2:$E$169", "'hourly'!$F$2:$F$169"],
    ]
    assert all(s.cat.numRef.f == "'hourly'!$B$2:$B$169" for c in charts for s in c.series)
    hourly = wb["hourly"]
    assert [hourly.cell(row=1, column=k).value for k in range(3, 7)] == [
        "en required",
        "en on shift",
        "ja required",
        "ja on shift",
    ]
    # agents on shift at 10:00 UTC on Monday: every shift spanning that hour (both pools speak en)
    shifts = _sheet(book, "shifts")
    t = pd.Timestamp("2026-03-23 10:00")
    spanning = shifts[(pd.to_datetime(shifts["utc_start"]) <= t) & (pd.to_datetime(shifts["utc_end"]) > t)]
    assert hourly.cell(row=2 + 10, column=2).value == "Mon 10:00"
    assert hourly.cell(row=2 + 10, column=4).value == pytest.approx(spanning["agents"].sum())
    ja = spanning[spanning["pool"] == "lisbon_ja_en"]["agents"].sum()
    assert hourly.cell(row=2 + 10, column=6).value == pytest.approx(ja)
    dash = wb["dashboard"]._charts
    assert [c.series[0].val.numRef.f for c in dash][1:] == ["'dashboard'!$C$17:$C$18", "'dashboard'!$B$27"]


def test_heatmap_colour_scales_cover_each_grid_and_daylight_saving_shows(book: Path) -> None:
    ws = openpyxl.load_workbook(book)["heatmaps"]
    ranges = {str(cf.sqref): [r.type for r in cf.rules] for cf in ws.conditional_formatting}
    # en then ja; each on Lisbon's clock (8 local days: summer time starts Sun 29 Mar 01:00 UTC, so the
    # UTC week ends at 01:00 on Mon 30 Mar local), then UTC (7 days); a title and an hour row above each grid
    assert ranges == {
        "B6:Y13": ["colorScale"],
        "B17:Y23": ["colorScale"],
        "B27:Y34": ["colorScale"],
        "B38:Y44": ["colorScale"],
    }
    assert ws["A4"].value == "en: local time at lisbon (Europe/Lisbon)"
    assert [ws.cell(row=r, column=1).value for r in (6, 12, 13, 17, 23)] == [
        "Mon 23 Mar",
        "Sun 29 Mar",
        "Mon 30 Mar",
        "Mon 23 Mar",
        "Sun 29 Mar",
    ]


def test_heatmap_frames_the_hours_with_a_shortfall(tiny: RosterResult, tmp_path: Path) -> None:
    cov = tiny.coverage.copy()
    hit = (cov["language"] == "ja") & (cov["interval_start"] == pd.Timestamp("2026-03-24 10:00", tz="UTC"))
    cov.loc[hit & (cov["channel"] == "chat"), "shortfall"] = 1.0
    ws = openpyxl.load_workbook(write_roster(replace(tiny, coverage=cov), tmp_path / "short.xlsx"))["heatmaps"]
    framed = [c.coordinate for row in ws.iter_rows(min_row=4, max_col=25) for c in row if c.border.left.style]
    # Tue 24 Mar 10:00 in Lisbon (UTC+0 then) is row 2 of each ja grid, column L (hour 10)
    assert framed == ["L28", "L39"]


def test_hygiene_tables_frozen_headers_titles_booleans_and_print(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    cov = wb["coverage"]
    n = len(pd.read_excel(book, sheet_name="coverage"))
    assert list(cov.tables.values())[0].ref == f"A1:O{n + 1}"
    assert cov.freeze_panes == "A2"
    assert [c.value for c in cov[1]][:3] == ["Interval start (UTC)", "Language", "Channel"]
    meets = [c.value for c in cov[1]].index("Meets target") + 1
    cells = [cov.cell(row=r, column=meets) for r in range(2, n + 2)]
    assert {c.data_type for c in cells} == {"b"} and {c.value for c in cells} <= {True, False}
    assert {c.number_format for c in cells} == {BOOLEAN}
    assert str(cov.print_area) == f"'coverage'!$A$1:$O${PRINT_ROWS + 1}"
    for name in ("dashboard", "shifts", "coverage", "heatmaps"):
        setup = wb[name].page_setup
        assert (setup.orientation, setup.fitToWidth) == ("landscape", 1), name
        assert wb[name].sheet_properties.pageSetUpPr.fitToPage, name
    assert wb["dashboard"].page_setup.fitToHeight == 1


def test_formula_like_text_is_still_escaped(tiny: RosterResult, tmp_path: Path) -> None:
    head = tiny.headcount.assign(site="+lisbon")
    evil = replace(tiny, headcount=head, summary=replace(tiny.summary, input="=HYPERLINK(1)"))
    wb = openpyxl.load_workbook(write_roster(evil, tmp_path / "evil.xlsx"))
    assert wb["headcount"]["B2"].value == "'+lisbon"
    people = _block(wb["dashboard"], "People by site")
    assert people["Site"].to_list() == ["'+lisbon"]
    assert wb["summary"]["B2"].value == "'=HYPERLINK(1)"
    assert wb["dashboard"]["A1"].value == "Roster for =HYPERLINK(1)"  # not a formula: it starts with text


def test_plots_written_as_one_folder_and_json_alone_on_stdout(tmp_path: Path) -> None:
    plots = tmp_path / "plots"
    assert run_cli("roster", TINY, "-o", tmp_path / "r.xlsx", "--plots", plots).exit_code == 0
    (plots / "stale.png").write_bytes(b"old")  # a folder planner wrote is replaced whole
    run = run_cli("roster", TINY, "-o", tmp_path / "r.xlsx", "--plots", plots, "--json")
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["output"] == str(tmp_path / "r.xlsx")
    names = sorted(p.name for p in plots.iterdir() if p.name != ".planner-output")
    assert names == [
        *["cost_by_channel.png", "cost_by_site.png", "coverage_en.png", "coverage_ja.png"],
        *["heatmap_en.png", "heatmap_ja.png", "people_by_site.png"],
    ]
    assert all((plots / n).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for n in names)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plots", "r.xlsx"]


def test_plots_never_replace_a_folder_planner_did_not_write(tmp_path: Path) -> None:
    plots = tmp_path / "photos"
    plots.mkdir()
    (plots / "holiday.png").write_bytes(b"mine")
    run = run_cli("roster", TINY, "-o", tmp_path / "r.xlsx", "--plots", plots)
    assert run.exit_code == 1
    assert "planner did not write it" in run.stderr
    assert (plots / "holiday.png").read_bytes() == b"mine"
    assert not (tmp_path / "r.xlsx").exists()  # refused before the solve


@pytest.mark.parametrize(
    ("args", "fix"),
    [
        (("roster", TINY, "-o", "week.csv"), "use week.xlsx or --format csv with a folder"),
        (("roster", TINY, "-o", "week"), "use week.xlsx or --format csv with a folder"),
        (("roster", TINY, "--format", "csv", "-o", "week.xlsx"), "use week or --format xlsx with a .xlsx name"),
        (("requirements", TINY, "-o", "req.xlsx", "--format", "csv"), "use req.csv or --format xlsx"),
        (("requirements", TINY, "-o", "req"), "name it req.xlsx or req.csv, or give --format"),
        (("init", "template.csv"), "use template.xlsx"),
    ],
)
def test_output_path_that_does_not_suit_the_format_is_refused_before_any_work(
    args: tuple, fix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    absolute = [str(Path(__file__).parents[1] / TINY) if a == TINY else a for a in args]
    run = run_cli(*absolute)
    assert run.exit_code == 2
    assert fix in run.stderr
    assert list(tmp_path.iterdir()) == []


def test_requirements_format_csv_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "req.csv"
    run = run_cli("requirements", TINY, "-o", out, "--format", "csv")
    assert run.exit_code == 0, run.stderr
    assert pd.read_csv(out).columns[0] == "interval_start"
