"""Native Excel charts (openpyxl's chart module): per language, required against staffed agents over the
week; cost by site and by channel; people by site. Also the hourly table the coverage charts read."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

REQUIRED_COLOUR = "7F7F7F"
STAFFED_COLOUR = "1F77B4"
SERIES_STYLE = (REQUIRED_COLOUR, STAFFED_COLOUR)


def language_intervals(coverage: pd.DataFrame, speakers: pd.DataFrame) -> pd.DataFrame:
    """Per language and interval: agents required, shortfall, and agents on shift who speak the language
    (``speakers``: see planner.outputs.onshift). Required is the live channels' requirement plus the agents the
    roster puts on deferrable work then: deferrable work may be done any time within its response window, so its
    hour-by-hour requirement is where it arrives, not when it is worked."""
    live = coverage["kind"] == "live"
    need = coverage.assign(required=coverage["required"].where(live, coverage["staffed"]))
    per = need.groupby(["language", "interval_start"], sort=True)[["required", "shortfall"]].sum().reset_index()
    long = speakers.melt(id_vars="interval_start", var_name="language", value_name="on_shift")
    return per.merge(long, on=["language", "interval_start"], how="left").fillna({"on_shift": 0.0})


def hourly_coverage(per_language: pd.DataFrame) -> pd.DataFrame:
    """Agents per language and UTC hour (averaged over the hour's intervals): columns hour_utc, label, then
    per language "<lang> required" and "<lang> on shift"."""
    frame = per_language.assign(hour_utc=per_language["interval_start"].dt.floor("h"))
    hourly = frame.groupby(["hour_utc", "language"], sort=True)[["required", "on_shift"]].mean().unstack("language")
    out = pd.DataFrame({"hour_utc": hourly.index})
    out["label"] = out["hour_utc"].dt.strftime("%a %H:%M")
    for lang in sorted(per_language["language"].unique()):
        out[f"{lang} required"] = hourly[("required", lang)].to_numpy()
        out[f"{lang} on shift"] = hourly[("on_shift", lang)].to_numpy()
    return out.fillna(0.0)


SERIES_PER_LANGUAGE = 2


@dataclass(frozen=True)
class Block:
    """Where a small table sits on a sheet: its header row, first and last data rows, and label column."""

    header_row: int
    first_row: int
    last_row: int
    label_col: int


def coverage_chart(data: Worksheet, language: str, req_col: int, n_rows: int) -> LineChart:
    """Agents required (grey) against agents on shift who speak the language (blue) per UTC hour; ``data``
    is the hourly sheet (labels in B), the language's two columns from ``req_col``."""
    chart = LineChart()
    chart.title = f"{language}: agents required and on shift, hour by hour (UTC)"
    chart.y_axis.title = "agents"
    chart.y_axis.number_format = "#,##0"
    chart.height, chart.width = 7.0, 26.0
    last = req_col + SERIES_PER_LANGUAGE - 1
    chart.add_data(Reference(data, min_col=req_col, max_col=last, min_row=1, max_row=n_rows + 1), titles_from_data=True)
    chart.set_categories(Reference(data, min_col=2, min_row=2, max_row=n_rows + 1))
    for series, colour, width in zip(chart.series, SERIES_STYLE, (28000, 19000), strict=True):
        series.graphicalProperties.line.solidFill = colour
        series.graphicalProperties.line.width = width
        series.smooth = False
    chart.x_axis.tickLblSkip = 24
    chart.x_axis.tickMarkSkip = 24
    _show_axes(chart)
    return chart


def bar_chart(sheet: Worksheet, block: Block, value_col: int, title: str, axis: str) -> BarChart:
    """A bar per row of a dashboard block (labels in its label column)."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.legend = None
    chart.height, chart.width = 7.0, 13.0
    chart.y_axis.number_format = "#,##0"
    chart.y_axis.majorGridlines = None
    chart.y_axis.title = axis
    chart.add_data(
        Reference(sheet, min_col=value_col, min_row=block.first_row, max_row=block.last_row), titles_from_data=False
    )
    chart.set_categories(Reference(sheet, min_col=block.label_col, min_row=block.first_row, max_row=block.last_row))
    chart.series[0].graphicalProperties.solidFill = STAFFED_COLOUR
    chart.x_axis.scaling.orientation = "maxMin"  # first row on top, as in the table beside it
    _show_axes(chart)
    return chart


def _show_axes(chart: LineChart | BarChart) -> None:
    # openpyxl 3.1 marks axes as deleted unless told otherwise; Excel then hides them
    chart.x_axis.delete = False
    chart.y_axis.delete = False
