"""The `scenarios` sheet: its contract (columns, kinds, help) and reading it into checked :class:`ScenarioSpec`s.

The sheet sits in the input workbook or in a workbook or CSV file of its own. Every problem is
reported at once, located by file, sheet, row and column.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pandas as pd

from planner.domain import Scenario
from planner.errors import InputError, Problem, ProblemLog
from planner.inputs.contract import LANG_LIST, NONNEG, POSITIVE, SHARE_OPEN, Column, Kind, Sheet, type_table
from planner.inputs.read import RawTable, display_path, normalize_name, read_book, read_csv_file
from planner.scenarios.changes import BASE_NAME, Change, ChangeKind, ScenarioSpec


def _blank(name: str, kind: Kind, expected: str, description: str, **kw: Any) -> Column:
    return Column(name, kind, expected, description, required=False, blank_ok=True, **kw)


SCENARIOS = Sheet(
    name="scenarios",
    description="What-if scenarios: one row per change, grouped by scenario name; each is solved and compared "
    "with the base (the input unchanged).",
    columns=(
        Column("scenario", Kind.TEXT, "a scenario name", "Name of the scenario the change belongs to.", example="jp"),
        Column(
            "change",
            Kind.KEY,
            "one of " + ", ".join(k.value for k in ChangeKind),
            "What the row changes.",
            example="scale_demand",
        ),
        _blank("language", Kind.CODE, "blank or a language of the demand sheet", "Language the change applies to."),
        _blank("channel", Kind.CODE, "blank or a channel of the channels sheet", "Channel the change applies to."),
        _blank("tier", Kind.CODE, "blank or a tier of the demand sheet", "Tier the change applies to."),
        _blank("site", Kind.TEXT, "blank or a site of the sites sheet", "Site the change applies to."),
        _blank("pool", Kind.TEXT, "blank or a pool name", "Pool the change applies to (or the new pool's name)."),
        _blank("factor", Kind.NUMBER, "blank or a number >= 0", "Multiplier (demand, wage).", checks=NONNEG),
        _blank(
            "value", Kind.NUMBER, "blank or a number >= 0", "New value (wage, premium, cap, pool size).", checks=NONNEG
        ),
        _blank("from", Kind.DATETIME, "blank or a date-time such as 2026-03-25 12:00", "Start of a demand window."),
        _blank("to", Kind.DATETIME, "blank or a date-time after 'from'", "End (exclusive) of a demand window."),
        _blank("target_seconds", Kind.NUMBER, "blank or a number > 0", "First-response target.", checks=POSITIVE),
        _blank("service_level", Kind.SHARE, "blank or a share > 0 and <= 1", "Service level.", checks=SHARE_OPEN),
        _blank("shift", Kind.TEXT, "blank or a template of the shifts sheet", "Shift template to use at the site."),
        _blank("earliest_start", Kind.CLOCK, "blank or a local clock time HH:MM", "Earliest local start."),
        _blank("latest_start", Kind.CLOCK, "blank or a local clock time HH:MM", "Latest local start."),
        _blank("languages", Kind.LIST, LANG_LIST, "Languages of a new pool."),
        _blank("channels", Kind.LIST, "blank (all) or a list of channels", "Channels of a new pool."),
    ),
)

#: which fields each kind needs (one of a tuple's alternatives is enough)
_NEEDS: dict[ChangeKind, tuple[tuple[str, ...], ...]] = {
    ChangeKind.BASE: (),
    ChangeKind.SCALE_DEMAND: (("factor",),),
    ChangeKind.TARGET: (("target_seconds", "service_level"),),
    ChangeKind.WAGE: (("site",), ("factor", "value")),
    ChangeKind.NIGHT_PREMIUM: (("site",), ("value",)),
    ChangeKind.WEEKEND_PREMIUM: (("site",), ("value",)),
    ChangeKind.CAP_SITE: (("site",), ("value",)),
    ChangeKind.CLOSE_SITE: (("site",),),
    ChangeKind.CAP_POOL: (("pool",), ("value",)),
    ChangeKind.CLOSE_POOL: (("pool",),),
    ChangeKind.SHIFT_WINDOW: (("site",), ("shift",), ("earliest_start",), ("latest_start",)),
    ChangeKind.ADD_POOL: (("pool",), ("site",), ("languages",)),
    ChangeKind.COVER_LANGUAGE: (("language",),),
}


def load_specs(
    base: Scenario, input_path: str | os.PathLike[str], path: str | os.PathLike[str] | None
) -> list[ScenarioSpec]:
    """The scenarios of the `scenarios` sheet of ``path`` (else of the input workbook), checked against ``base``.

    The base scenario comes first (named 'base', with no change, unless the sheet names it).
    Raises :class:`InputError` listing every problem.
    """
    raw = _raw_sheet(Path(path) if path is not None else Path(input_path), own_file=path is not None)
    log = ProblemLog()
    typed = type_table(raw, SCENARIOS, log.problems)
    if typed is None or typed.frame.empty:
        if typed is not None:
            log.add(Problem(raw.file, "the sheet has no data rows", sheet=raw.sheet, expected="a row per change"))
        log.raise_if_errors(raw.file)
        raise InputError(raw.file, [Problem(raw.file, "no scenarios", sheet=raw.sheet)])
    changes = []
    for _, r in typed.frame.iterrows():
        if int(r["row"]) in typed.bad:  # a cell did not parse: its names are still checked (all problems in one run)
            _check_row_names(base, raw, r, log)
            continue
        change = _check_row(base, raw, r, log)
        if change is not None:
            changes.append(change)
    _check_contradictions(base, raw, changes, log)
    columns = {c.name: i for i, c in enumerate(SCENARIOS.columns)}
    log.problems.sort(key=lambda p: (p.row or 0, columns.get(p.column or "", len(columns))))
    log.raise_if_errors(raw.file)
    return _group(changes)


def _raw_sheet(path: Path, own_file: bool) -> RawTable:
    shown = display_path(path)
    if path.suffix.lower() == ".csv" and path.is_file():
        problems: list[Problem] = []
        csv_table = read_csv_file(path, shown, problems)
        if any(p.severity.value == "error" for p in problems):
            raise InputError(shown, problems)
        return csv_table
    book = read_book(path)
    table = book.tables.get(normalize_name(SCENARIOS.name))
    if table is None and own_file and len(book.tables) == 1:
        table = next(iter(book.tables.values()))
    if table is None:
        raise InputError(shown, [Problem(shown, "no 'scenarios' sheet", expected="a sheet named 'scenarios'")])
    return table


def _group(changes: list[Change]) -> list[ScenarioSpec]:
    order: dict[str, list[Change]] = {}
    for c in changes:
        order.setdefault(c.scenario, []).append(c)
    specs = [ScenarioSpec(name, tuple(c for c in cs if c.kind is not ChangeKind.BASE)) for name, cs in order.items()]
    base = [s for s in specs if s.name == BASE_NAME]
    rest = [s for s in specs if s.name != BASE_NAME]
    return (base or [ScenarioSpec(BASE_NAME, ())]) + rest


def _field(r: pd.Series, name: str) -> Any:
    v = r[name]
    return None if v is None or (isinstance(v, float) and pd.isna(v)) else v


def _check_row(base: Scenario, raw: RawTable, r: pd.Series, log: ProblemLog) -> Change | None:
    """One row as a Change, or None after logging its problems."""
    row = int(r["row"])
    before = len(log.errors)

    def bad(column: str, value: Any, expected: str) -> None:
        log.add(Problem.cell(raw.file, raw.sheet, row, column, value, expected))

    kind_text = r["change"]
    try:
        kind = ChangeKind(kind_text)
    except ValueError:
        bad("change", kind_text, SCENARIOS.column("change").expected)
        return None
    values = {c.name: _field(r, c.name) for c in SCENARIOS.columns}
    for alternatives in _NEEDS[kind]:
        if all(values[a] is None for a in alternatives):
            bad(alternatives[0], None, " or ".join(alternatives) + f" for a '{kind.value}' change")
    if values["scenario"] == BASE_NAME and kind is not ChangeKind.BASE:
        bad("change", kind_text, "no change in the 'base' scenario (it is the input unchanged)")
    _check_names(base, kind, values, bad)
    if (values["from"] is None) != (values["to"] is None):
        missing = "from" if values["from"] is None else "to"
        bad(missing, None, "both 'from' and 'to' for a time window")
    elif values["from"] is not None and values["to"] <= values["from"]:
        bad("to", f"{values['to']:%Y-%m-%d %H:%M}", f"a date-time after 'from' ({values['from']:%Y-%m-%d %H:%M} UTC)")
    if len(log.errors) > before:
        return None
    return Change(
        scenario=values["scenario"],
        kind=kind,
        row=row,
        start=values.pop("from"),
        end=values.pop("to"),
        **{k: v for k, v in values.items() if k not in ("scenario", "change")},
    )


def _check_row_names(base: Scenario, raw: RawTable, r: pd.Series, log: ProblemLog) -> None:
    """The names of a row that has another problem (a cell that did not parse), checked on their own."""
    try:
        kind = ChangeKind(r["change"])
    except ValueError:
        return
    row = int(r["row"])

    def bad(column: str, value: Any, expected: str) -> None:
        log.add(Problem.cell(raw.file, raw.sheet, row, column, value, expected))

    _check_names(base, kind, {c.name: _field(r, c.name) for c in SCENARIOS.columns}, bad)


def _check_names(base: Scenario, kind: ChangeKind, v: dict[str, Any], bad: Any) -> None:
    """Languages, channels, tiers, sites, pools and templates named by a row must exist (a new pool must not)."""
    languages = set(base.languages)
    tiers = set(base.demand["tier"].unique())
    known = {
        "language": (languages, "a language of the demand sheet: " + ", ".join(sorted(languages))),
        "channel": (set(base.channels), "a channel of the channels sheet: " + ", ".join(sorted(base.channels))),
        "tier": (tiers, "a tier of the demand sheet: " + ", ".join(sorted(tiers))),
        "site": (set(base.sites), "a site of the sites sheet: " + ", ".join(sorted(base.sites))),
        "shift": ({t.name for t in base.shifts}, "a shift template: " + ", ".join(t.name for t in base.shifts)),
    }
    for column, (names, expected) in known.items():
        if v[column] is not None and v[column] not in names:
            bad(column, v[column], expected)
    for column, key in (("languages", "language"), ("channels", "channel")):
        for item in v[column] or ():
            if item not in known[key][0]:
                bad(column, item, known[key][1])
    pool = v["pool"]
    if pool is not None:
        if kind is ChangeKind.ADD_POOL and pool in base.pools:
            bad("pool", pool, "a new pool name (this pool exists)")
        elif kind is not ChangeKind.ADD_POOL and pool not in base.pools:
            bad("pool", pool, "a pool of the pools sheet: " + ", ".join(sorted(base.pools)))


def _setter_key(c: Change) -> tuple[Any, ...] | None:
    """Changes with the same key set the same thing: two in one scenario contradict each other."""
    k = c.kind
    if k is ChangeKind.TARGET:
        return ("target", c.language, c.channel, c.tier)
    if k in (ChangeKind.CAP_SITE, ChangeKind.CLOSE_SITE):
        return ("site size", c.site)
    if k in (ChangeKind.CAP_POOL, ChangeKind.CLOSE_POOL, ChangeKind.ADD_POOL):
        return ("pool", c.pool)
    if k in (ChangeKind.WAGE, ChangeKind.NIGHT_PREMIUM, ChangeKind.WEEKEND_PREMIUM):
        return (k.value, c.site)
    return None


def _check_contradictions(base: Scenario, raw: RawTable, changes: list[Change], log: ProblemLog) -> None:
    """Two rows of one scenario that set the same thing, or use a site the scenario closes."""
    by_scenario: dict[str, list[Change]] = {}
    for c in changes:
        by_scenario.setdefault(c.scenario, []).append(c)
    for group in by_scenario.values():
        seen: dict[tuple[Any, ...], Change] = {}
        closed = {c.site: c for c in group if c.kind is ChangeKind.CLOSE_SITE}
        for c in group:
            key = _setter_key(c)
            column = "pool" if key and key[0] == "pool" else "site" if key and key[0] != "target" else "change"
            if key is not None and key in seen:
                _contradiction(raw, log, c, seen[key], column)
            elif key is not None:
                seen[key] = c
            shut = closed.get(c.site)
            if (
                shut is not None
                and c is not shut
                and c.kind is not ChangeKind.CLOSE_SITE
                and key != ("site size", c.site)
            ):
                _contradiction(raw, log, c, shut, "site")
            if c.kind is ChangeKind.COVER_LANGUAGE and c.site is not None:
                _check_spoken(base, raw, log, c, group)


def _contradiction(raw: RawTable, log: ProblemLog, c: Change, other: Change, column: str) -> None:
    log.add(
        Problem(
            raw.file,
            f"contradicts row {other.row} of scenario '{c.scenario}' ({other.describe()})",
            sheet=raw.sheet,
            row=c.row,
            column=column,
            expected="one change per thing changed in a scenario",
        )
    )


def _check_spoken(base: Scenario, raw: RawTable, log: ProblemLog, c: Change, group: list[Change]) -> None:
    """`cover_language` from a site needs a pool there that speaks the language (existing or added)."""
    spoken = {p.site for p in base.pools.values() if c.language in p.languages}
    added = any(g.kind is ChangeKind.ADD_POOL and g.site == c.site and c.language in (g.languages or ()) for g in group)
    if not added and c.site not in spoken:
        log.add(
            Problem.cell(
                raw.file,
                raw.sheet,
                c.row,
                "site",
                c.site,
                f"a site where {c.language} is spoken: " + ", ".join(sorted(spoken)),
            )
        )
