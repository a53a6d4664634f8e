"""The workbook's pictures as PNG files for slides and e-mail (matplotlib, Agg backend): per language a
coverage chart and a heatmap, and cost by site and channel and people by site; written as one folder."""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from planner.outputs.charts import hourly_coverage, language_intervals
from planner.outputs.dashboard import build_dashboard
from planner.outputs.files import write_folder
from planner.outputs.finance import finance_pack
from planner.outputs.heatmaps import Heatmap, heatmaps
from planner.outputs.onshift import speakers_on_shift
from planner.roster.plan import RosterResult

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DPI = 100
GREY, BLUE, RED = "#7f7f7f", "#1f77b4", "#c00000"


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) or "_"


def write_plots(result: RosterResult, folder: str | os.PathLike[str]) -> Path:
    """Write the PNG files into ``folder``, replacing it whole: built in a sibling temporary folder and
    renamed into place, so a failure leaves the previous folder (or none) and never a partial one."""
    import matplotlib

    matplotlib.use("Agg")

    def fill(tmp: Path) -> None:
        for name, figure in _figures(result):
            _save(figure, tmp / f"{name}.png")

    return write_folder(folder, fill)


def _save(figure: Figure, path: Path) -> None:
    import matplotlib.pyplot as plt

    try:
        figure.savefig(path, dpi=DPI, bbox_inches="tight")
    finally:
        plt.close(figure)


def _figures(result: RosterResult) -> list[tuple[str, Figure]]:
    per_language = language_intervals(result.coverage, speakers_on_shift(result))
    hourly = hourly_coverage(per_language)
    out = []
    for lang in sorted(per_language["language"].unique()):
        out.append((f"coverage_{_safe(lang)}", coverage_figure(hourly, lang)))
    maps = heatmaps(result, per_language)
    for lang in sorted({h.language for h in maps}):
        out.append((f"heatmap_{_safe(lang)}", heatmap_figure([h for h in maps if h.language == lang])))
    dash = build_dashboard(result, finance_pack(result))
    cur = result.summary.currency
    out.append(
        ("cost_by_site", bar_figure(dash.by_site["site"], dash.by_site["weekly_cost"], f"Weekly cost by site ({cur})"))
    )
    out.append(
        (
            "cost_by_channel",
            bar_figure(dash.by_channel["channel"], dash.by_channel["weekly_cost"], f"Weekly cost by channel ({cur})"),
        )
    )
    out.append(("people_by_site", bar_figure(dash.by_site["site"], dash.by_site["people"], "People by site")))
    return out


def coverage_figure(hourly: pd.DataFrame, language: str) -> Figure:
    """Agents required (grey) and agents on shift who speak the language (blue), hour by hour in UTC."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.0))
    ax = fig.add_subplot()
    x = hourly["hour_utc"].dt.tz_localize(None) if hourly["hour_utc"].dt.tz is not None else hourly["hour_utc"]
    req, on = hourly[f"{language} required"], hourly[f"{language} on shift"]
    ax.fill_between(x, 0, req, color=GREY, alpha=0.25, step="post", label="required")
    ax.step(x, on, where="post", color=BLUE, linewidth=1.4, label="on shift, speaks it")
    ax.fill_between(x, on, req, where=(on < req - 1e-6).to_numpy(), color=RED, alpha=0.5, step="post", label="short")
    ax.set_title(f"{language}: agents required and on shift, hour by hour (UTC)", loc="left", fontsize=11)
    ax.set_ylabel("agents")
    ax.set_ylim(bottom=0)
    days = pd.date_range(x.iloc[0].normalize(), x.iloc[-1], freq="D")
    ax.set_xticks(days, [d.strftime("%a %d %b") for d in days], fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(loc="upper right", fontsize=8, ncols=3, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def heatmap_figure(maps: list[Heatmap]) -> Figure:
    """One panel per clock: agents on shift who speak the language / agents required, by day and hour."""
    from matplotlib.colors import TwoSlopeNorm
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=(6.2 * len(maps), 3.4), layout="constrained")
    axes = fig.subplots(1, len(maps), squeeze=False)[0]
    norm = TwoSlopeNorm(vmin=0.5, vcenter=1.0, vmax=2.0)
    image: Any = None
    for ax, h in zip(axes, maps, strict=True):
        grid = np.ma.masked_invalid(h.ratio.to_numpy(dtype=float))
        image = ax.imshow(grid, cmap="RdBu", norm=norm, aspect="auto")
        for i, j in np.argwhere(h.short.to_numpy()):
            ax.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=1.5))
        ax.set_yticks(range(len(h.ratio)), list(h.ratio.index), fontsize=7)
        ax.set_xticks(range(0, 24, 3), [f"{x:02d}" for x in range(0, 24, 3)], fontsize=7)
        ax.set_title(f"{h.language}: {h.label}", fontsize=9, loc="left")
    fig.colorbar(image, ax=list(axes), label="on shift / required", shrink=0.9)
    return fig


def bar_figure(labels: pd.Series, values: pd.Series, title: str) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6, 0.45 * len(labels) + 1.2))
    ax = fig.add_subplot()
    ax.barh(list(map(str, labels)), values.to_numpy(dtype=float), color=BLUE)
    ax.invert_yaxis()
    ax.set_title(title, loc="left", fontsize=11)
    ax.xaxis.set_major_formatter(lambda v, _pos: f"{v:,.0f}")
    for k, v in enumerate(values):
        ax.text(float(v), k, f" {float(v):,.0f}", va="center", fontsize=8)
    ax.spines[["top", "right"]].set_visible(False)
    with contextlib.suppress(ValueError):
        ax.set_xlim(right=float(values.max()) * 1.15)
    return fig
