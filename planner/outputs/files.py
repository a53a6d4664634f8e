"""Write workbooks and CSV files: atomically, formatted, and safe to open.

* Atomic: every file is written to a temporary file in the target folder and renamed over
  the target only when complete, so a failure never leaves a half-written output.
* Never destructive: an output never replaces an input file or folder, nor anything but a regular
  file or a folder planner wrote (marked by a ``.planner-output`` file); :func:`check_output_path`
  says so before any work is done, and the writers check again when they write.
* A CSV output folder is written whole into a temporary folder next to it and swapped in, so a
  failed or concurrent run never leaves a folder mixing two results.
* Safe: text that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return)
  could be taken for a formula by Excel or by a spreadsheet opening the CSV; such text is
  written with a leading apostrophe (OWASP's advice on CSV injection).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import OutputError

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_text(value: Any) -> Any:
    """Neutralise text that a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


#: The file that marks a folder as written by planner (only such folders are ever replaced).
MARKER = ".planner-output"


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a file"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _clash_with_input(target: Path, source: Path, folder: bool) -> str | None:
    """Why writing ``target`` would destroy the input ``source`` (None when it would not)."""
    t, s = target.resolve(), source.resolve()
    if t == s or _same_file(t, s):
        return f"it is the input {source}"
    if s.is_dir() and t.parent == s and t.suffix.lower() == ".csv":
        return f"it would be a file of the input folder {source}"
    if folder and _inside(s, t):
        return f"it holds the input {source}"
    return None


def check_output_path(
    path: str | os.PathLike[str], inputs: Sequence[str | os.PathLike[str]] = (), folder: bool = False
) -> Path:
    """Refuse, before any work is done, an output that would replace an input, or anything but a
    regular file (``folder``: a folder planner wrote, or an empty one). Returns the path."""
    target = Path(path)
    for source in inputs:
        reason = _clash_with_input(target, Path(source), folder)
        if reason:
            raise OutputError(f"refusing to write {target}: {reason}")
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    if folder:
        if not stat.S_ISDIR(mode):
            raise OutputError(f"refusing to write files into {target}: it is {_kind_of(mode)}, not a folder")
        if not (target / MARKER).is_file() and any(target.iterdir()):
            raise OutputError(
                f"refusing to replace the folder {target}: planner did not write it (it has no {MARKER} file); "
                "give a new or empty folder"
            )
    elif not stat.S_ISREG(mode):
        raise OutputError(f"refusing to write {target}: it is {_kind_of(mode)}, not a regular file")
    return target


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path next to ``path``; rename it over ``path`` on success."""
    target = check_output_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        os.chmod(tmp_path, _new_file_mode(target))  # mkstemp makes files private (0600)
        yield tmp_path
        os.replace(tmp_path, target)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()


def _new_file_mode(path: Path) -> int:
    """The existing file's permissions, else what a plain ``open`` would give."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        return 0o666 & ~_umask()


@dataclass
class SheetOut:
    """One sheet to write: a table plus presentation hints."""

    name: str
    frame: pd.DataFrame
    number_formats: dict[str, str] = field(default_factory=dict)
    highlight_column: str | None = None  # rows where this column > 0 are shaded
    widths: dict[str, float] = field(default_factory=dict)
    header: bool = True
    freeze: str = "A2"  # the first cell that scrolls (with a header)
    landscape: bool = False  # printed landscape, fitted to the page width


def cell_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        f = float(v)
        return None if math.isnan(f) or math.isinf(f) else f
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, pd.Timestamp):
        if pd.isna(v):
            return None
        v = v.to_pydatetime()
    if isinstance(v, dt.datetime):
        # Excel has no time zones: aware values are written as UTC wall-clock time
        return v.astimezone(dt.UTC).replace(tzinfo=None) if v.tzinfo is not None else v
    if isinstance(v, (list, tuple)):
        return escape_text(", ".join(str(x) for x in v))
    return escape_text(v) if isinstance(v, str) else v


def write_workbook(path: str | os.PathLike[str], sheets: Sequence[SheetOut]) -> Path:
    """Write an .xlsx workbook atomically: bold frozen header, widths, number formats, shading.

    Written in openpyxl's normal mode (not write-only) so the sheets carry their dimension
    record, which lets readers stream them without a pre-scan.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    shade = PatternFill(start_color="FFF4CCCC", end_color="FFF4CCCC", fill_type="solid")
    for sheet in sheets:
        ws = wb.create_sheet(title=sheet.name[:31])
        frame = sheet.frame
        cols = [str(c) for c in frame.columns]
        first_data_row = 1
        if sheet.header:
            ws.append([escape_text(c) for c in cols])
            for cell in ws[1]:
                cell.font = bold
            ws.freeze_panes = sheet.freeze
            first_data_row = 2
        values = frame.to_numpy(dtype=object)
        for rec in values:
            ws.append([cell_value(v) for v in rec])
        last_row = first_data_row + len(values) - 1
        for i, c in enumerate(cols, start=1):
            letter = get_column_letter(i)
            width = sheet.widths.get(c)
            if width is None:
                sample = frame[c].head(200).map(lambda v: len(str(cell_value(v))) if v is not None else 0)
                width = min(60.0, max(len(c) + 2.0, float(sample.max() if len(sample) else 0) + 2.0))
            ws.column_dimensions[letter].width = width
            fmt = sheet.number_formats.get(c)
            if fmt and len(values):
                for (cell,) in ws.iter_rows(min_row=first_data_row, max_row=last_row, min_col=i, max_col=i):
                    cell.number_format = fmt
        if sheet.highlight_column in cols and len(values):
            flags = pd.to_numeric(frame[sheet.highlight_column], errors="coerce").fillna(0).to_numpy() > 1e-9
            for k in np.flatnonzero(flags):
                row = first_data_row + int(k)
                # ws.cell per column: ws[row] rescans the whole sheet for its width each time
                for col in range(1, len(cols) + 1):
                    ws.cell(row=row, column=col).fill = shade
        if sheet.landscape:
            ws.page_setup.orientation = "landscape"
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0
            ws.sheet_properties.pageSetUpPr.fitToPage = True
            ws.print_title_rows = "1:1"
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_csv(path: str | os.PathLike[str], frame: pd.DataFrame) -> Path:
    """Write one CSV file atomically (UTF-8, ISO date-times, escaped text)."""
    out = frame.copy()
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c]):
            out[c] = out[c].map(_csv_value)
        elif isinstance(out[c].dtype, pd.DatetimeTZDtype):
            out[c] = out[c].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    out.columns = [escape_text(str(c)) for c in out.columns]
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False, lineterminator="\n")
    return Path(path)


def _csv_value(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if isinstance(v, (list, tuple)):
        return escape_text(", ".join(str(x) for x in v))
    return escape_text(v) if isinstance(v, str) else v


def write_csv_folder(folder: str | os.PathLike[str], tables: dict[str, pd.DataFrame]) -> Path:
    """Write several CSV files into a new folder, marked as planner's, and swap it in whole."""

    def fill(tmp: Path) -> None:
        for name, frame in tables.items():
            write_csv(tmp / f"{name}.csv", frame)

    return write_folder(folder, fill)


def write_folder(folder: str | os.PathLike[str], fill: Callable[[Path], None]) -> Path:
    """Write a whole output folder: ``fill`` writes into a new temporary folder next to it, which is
    marked as planner's and swapped in only when complete (an existing folder is replaced only if
    planner wrote it or it is empty)."""
    base = check_output_path(folder, folder=True)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{base.name}.", suffix=".tmp", dir=base.parent))
    except OSError as exc:
        raise OutputError(f"cannot write {base}: {exc.strerror or exc}") from None
    try:
        os.chmod(tmp, 0o777 & ~_umask())
        fill(tmp)
        (tmp / MARKER).write_text("written by planner; planner may replace this folder\n", encoding="utf-8")
        _swap_in(tmp, base)
    except OSError as exc:
        raise OutputError(f"cannot write {base}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return base


def _swap_in(new: Path, target: Path) -> None:
    """Put the folder ``new`` in place of ``target``: the old folder is moved aside first and
    removed only once the new one is in place (restored if that fails)."""
    if not target.exists():
        os.rename(new, target)
        return
    check_output_path(target, folder=True)
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    os.rmdir(old)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _umask() -> int:
    umask = os.umask(0o022)
    os.umask(umask)
    return umask
