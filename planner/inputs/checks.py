"""Checks across fields, made on the whole input before anything is computed: the interval length
from the spacing of the demand stamps, the load one queue-interval may offer, and names that would
collide or could not be written once the roster is solved."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.domain import ALLOWED_INTERVAL_MINUTES, Channel, model_name
from planner.errors import Problem
from planner.inputs.contract import TypedTable

#: Most agents one queue-interval may keep busy at once (contacts x handle time / interval length);
#: beyond it the staffing search no longer resolves in floating point.
MAX_OFFERED_LOAD = 1_000_000
#: A series (language, channel, tier) with at least this many evenly spaced stamps shows its own interval length.
DENSE_SERIES = 4


@dataclass(frozen=True)
class IntervalGuess:
    """The interval length the demand stamps' spacing shows, and the stamps' offset from the hour grid."""

    length: int
    phase: int  # minutes past the reference the stamps are aligned to (e.g. 15 for stamps at :15)
    coarser: int | None = None  # a dense series spaced by this longer allowed length: ambiguous


def infer_interval(minutes: np.ndarray, series: Iterable[object]) -> IntervalGuess:
    """The interval length from the spacing of the stamps (never from their minute: hourly data stamped
    at :15 is hourly), per series (language, channel, tier) so that sparse series do not shorten it."""
    frame = pd.DataFrame({"series": list(series), "t": minutes}).drop_duplicates()
    frame = frame.sort_values(["series", "t"], kind="mergesort")
    steps = frame.groupby("series", sort=False)["t"].diff().dropna().astype("int64")
    spacing = steps[steps > 0].to_numpy()
    if spacing.size == 0:
        spacing = np.diff(np.unique(minutes))
    g = int(np.gcd.reduce(spacing)) if spacing.size else 0
    allowed = sorted(ALLOWED_INTERVAL_MINUTES, reverse=True)
    if g == 0:
        length = 60
    elif any(g % n == 0 for n in allowed):
        length = next(n for n in allowed if g % n == 0)
    else:
        length = max(allowed, key=lambda n: (int(np.sum(spacing % n == 0)), n))
    phase = int(np.min(minutes)) % length
    return IntervalGuess(length, phase, _coarser_series(frame, steps, length))


def _coarser_series(frame: pd.DataFrame, steps: pd.Series, length: int) -> int | None:
    """A longer allowed length by which some dense series is evenly spaced (mixed interval lengths)."""
    counts = frame.groupby("series", sort=False)["t"].size()
    by_series = steps.groupby(frame.loc[steps.index, "series"], sort=False)
    for name, diffs in by_series:
        values = set(diffs.tolist())
        if len(values) == 1 and counts[name] >= DENSE_SERIES:
            step = values.pop()
            if step > length and step in ALLOWED_INTERVAL_MINUTES:
                return int(step)
    return None


def offered_load_problems(
    file: str, sheet: str, rows: pd.DataFrame, channels: dict[str, Channel], length: int
) -> list[Problem]:
    """Demand rows whose contacts would keep more than MAX_OFFERED_LOAD agents busy at once.
    ``rows`` has columns row, channel and contacts."""
    problems = []
    for rec in rows.itertuples(index=False):
        channel = channels.get(str(rec.channel))
        if channel is None:
            continue
        per_contact = channel.handle_minutes * (1.0 - channel.bot_deflection) / length
        limit = MAX_OFFERED_LOAD / per_contact
        if float(rec.contacts) > limit:
            problems.append(
                Problem.cell(
                    file,
                    sheet,
                    int(rec.row),
                    "contacts",
                    rec.contacts,
                    f"at most {limit:,.0f} contacts for channel '{channel.name}' in a {length}-minute interval "
                    f"(with its {channel.handle_minutes:g}-minute handle time, more would keep over "
                    f"{MAX_OFFERED_LOAD:,} agents busy at once)",
                )
            )
    return problems


# --------------------------------------------------------------------------- names


def name_collisions(table: TypedTable | None, column: str, what: str) -> list[Problem]:
    """Rows whose name spells like an earlier row's in the optimisation model (``model_name``): 'tokyo ja'
    and 'tokyo-ja' would be one variable there."""
    if table is None:
        return []
    frame = table.good()
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for name, row in zip(frame[column], frame["row"], strict=True):
        key = model_name(str(name))
        if key not in first:
            first[key] = (str(name), int(row))
            continue
        earlier, earlier_row = first[key]
        if earlier == str(name):
            continue  # an exact duplicate: reported with the sheet's key
        problems.append(
            Problem(
                table.file,
                f"{what} '{name}' and {what} '{earlier}' (row {earlier_row}) are the same name once spaces "
                "and punctuation are ignored",
                sheet=table.sheet,
                row=int(row),
                column=column,
                expected=f"{what} names that differ in letters or digits",
            )
        )
    return problems
