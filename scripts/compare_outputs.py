"""Compare two roster or requirements outputs (Excel workbooks or CSV folders) sheet by sheet, exactly.

    python scripts/compare_outputs.py OLD NEW

Prints one line per difference (sheet, what differs, where) and exits 1 when anything differs
other than the summary's timing rows (``solve_seconds``, ``lp_seconds``, ``build_seconds``) and
the gap reasons' wording without CLI flag names, which are listed as expected differences.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

#: Summary rows that measure wall-clock time and naturally differ between runs.
TIMING_METRICS = frozenset({"solve_seconds", "lp_seconds", "build_seconds"})
#: The one intended change in the sheets: gap reasons no longer name CLI flags.
OLD_WORDING = "a longer --time-limit or a smaller --gap would cover it"
NEW_WORDING = "a longer time limit or a smaller relative gap would cover it"


@dataclass(frozen=True)
class Difference:
    sheet: str
    what: str
    detail: str
    expected: bool = False


def read_sheets(path: Path) -> dict[str, pd.DataFrame]:
    """Every sheet of a workbook, or every CSV file of a folder (by file stem), read as it is stored."""
    if path.is_dir():
        return {p.stem: pd.read_csv(p, keep_default_na=False) for p in sorted(path.glob("*.csv"))}
    if path.suffix.lower() == ".csv":
        return {path.stem: pd.read_csv(path, keep_default_na=False)}
    return pd.read_excel(path, sheet_name=None, keep_default_na=False, engine="openpyxl")


def _summary_differences(old: pd.DataFrame, new: pd.DataFrame) -> list[Difference]:
    out = []
    if list(old["metric"]) != list(new["metric"]):
        out.append(Difference("summary", "metric names", f"{list(old['metric'])} != {list(new['metric'])}"))
        return out
    for metric, a, b in zip(old["metric"], old["value"], new["value"], strict=True):
        if a != b:
            out.append(Difference("summary", f"value of {metric}", f"{a!r} -> {b!r}", metric in TIMING_METRICS))
    return out


def compare_frames(sheet: str, old: pd.DataFrame, new: pd.DataFrame) -> list[Difference]:
    """Exact comparison: columns, shape, dtypes and every cell (NaN equal to NaN)."""
    if sheet == "summary" and list(old.columns) == list(new.columns) == ["metric", "value"]:
        return _summary_differences(old, new)
    if list(old.columns) != list(new.columns):
        return [Difference(sheet, "columns", f"{list(old.columns)} != {list(new.columns)}")]
    if old.shape != new.shape:
        return [Difference(sheet, "shape", f"{old.shape} != {new.shape}")]
    out = []
    if sheet == "gaps" and "reason" in old.columns:
        was = int(old["reason"].astype(str).str.contains(OLD_WORDING, regex=False).sum())
        now = int(new["reason"].astype(str).str.contains(OLD_WORDING, regex=False).sum())
        old, new = (f.assign(reason=f["reason"].astype(str).str.replace(OLD_WORDING, NEW_WORDING)) for f in (old, new))
        if was != now:
            out.append(Difference(sheet, "reason wording", f"{was - now} rows no longer name CLI flags", True))
    for col in old.columns:
        a, b = old[col], new[col]
        if a.dtype != b.dtype:
            out.append(Difference(sheet, f"dtype of {col}", f"{a.dtype} != {b.dtype}"))
        same = (a == b) | (a.isna() & b.isna())
        if not same.all():
            rows = list(same[~same].index[:5])
            out.append(
                Difference(
                    sheet,
                    f"column {col}",
                    f"{int((~same).sum())} cells differ, rows {rows}: {[a[r] for r in rows]} -> {[b[r] for r in rows]}",
                )
            )
    return out


def compare(old_path: Path, new_path: Path) -> list[Difference]:
    old, new = read_sheets(old_path), read_sheets(new_path)
    out = []
    if list(old) != list(new):
        out.append(Difference("(workbook)", "sheets", f"{list(old)} != {list(new)}"))
    for sheet in old:
        if sheet in new:
            out.extend(compare_frames(sheet, old[sheet], new[sheet]))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    diffs = compare(Path(argv[0]), Path(argv[1]))
    sheets = read_sheets(Path(argv[0]))
    for name, frame in sheets.items():
        print(f"{name:16} {frame.shape[0]:>7} rows x {frame.shape[1]:>2} columns")
    if not diffs:
        print("identical: every sheet, column and cell")
        return 0
    print(f"{'sheet':16} {'expected':8} {'what':34} detail")
    for d in diffs:
        print(f"{d.sheet:16} {'yes' if d.expected else 'NO':8} {d.what:34} {d.detail}")
    unexpected = [d for d in diffs if not d.expected]
    print(f"{len(unexpected)} unexpected difference(s), {len(diffs) - len(unexpected)} expected (timing, wording)")
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
