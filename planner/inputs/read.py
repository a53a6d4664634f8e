"""Untrusted file reading: an input workbook (.xlsx) or a folder of CSV files into raw tables.

This is the only module that touches input files. It treats them as untrusted:

* the size of what is read is bounded (see the ``MAX_*`` limits, documented in the README);
* formulas are never evaluated: a formula cell yields the value Excel cached when it last
  saved the file, and a formula without a cached value is reported as a problem. Workbooks
  without formulas (the usual case) are read with python-calamine, which is many times
  faster; workbooks with formulas are read with openpyxl, which tells cached values apart;
* XML is parsed by openpyxl, which uses ``defusedxml`` when it is installed (it is a dependency).

The result is a :class:`RawBook`: per sheet, the header cells and the data rows with their
spreadsheet row numbers, before any typing or validation (that is :mod:`planner.inputs.contract`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, Severity

#: Largest uncompressed size of all parts of an .xlsx file (a zip archive).
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024
#: Largest number of parts inside an .xlsx archive.
MAX_ARCHIVE_MEMBERS = 10_000
#: Largest CSV file read.
MAX_CSV_BYTES = 100 * 1024 * 1024
#: Largest number of data rows read from one sheet or CSV file.
MAX_ROWS = 1_000_000
#: Largest number of columns read from one sheet or CSV file.
MAX_COLUMNS = 200
#: Largest accepted input file (either kind).
MAX_FILE_BYTES = 200 * 1024 * 1024

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"


def _size(n: float) -> str:
    """A byte count for messages: '256 MiB', '256.4 MiB', '12 KiB', '900 bytes'."""
    for unit, scale in (("MiB", 2**20), ("KiB", 2**10)):
        if n >= scale:
            return f"{n / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{int(n)} bytes"


def _one_line(exc: BaseException, limit: int = 120) -> str:
    """An exception as one short line (library messages may span several lines)."""
    text = " ".join(str(exc).split())
    if len(text) > limit:
        text = text[: limit - 3] + "..."
    return f"{exc.__class__.__name__}: {text}" if text else exc.__class__.__name__


def normalize_name(name: Any) -> str:
    """Header and sheet names match case- and space-insensitively: 'Handle Minutes',
    'handle_minutes' and 'HANDLE-MINUTES' are the same column."""
    return re.sub(r"[^0-9a-z]+", "", str(name).strip().lower())


@dataclass
class RawTable:
    """One sheet (or CSV file) as read: header cells and data rows with their row numbers."""

    file: str
    sheet: str
    headers: list[str]
    rows: list[tuple[int, list[Any]]]

    @property
    def is_empty(self) -> bool:
        return not self.rows


@dataclass
class RawBook:
    """Every table of one input, keyed by normalised sheet name."""

    file: str
    kind: str  # "xlsx" or "csv"
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def display_path(path: Path) -> str:
    return str(path)


def read_book(path: str | os.PathLike[str]) -> RawBook:
    """Read an .xlsx workbook or a folder of CSV files.

    Raises :class:`InputError` when the file cannot be read at all (missing, not a workbook,
    corrupt, encrypted, too large). Cell-level findings are collected in ``RawBook.problems``.
    """
    p = Path(path)
    shown = display_path(p)
    if not p.exists():
        raise InputError(
            shown, [Problem(shown, "file not found", expected="an .xlsx workbook or a folder of CSV files")]
        )
    if p.is_dir():
        return _read_csv_folder(p, shown)
    if p.suffix.lower() == ".csv":
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    "a single CSV file holds only one table",
                    expected="an .xlsx workbook, or a folder holding demand.csv, channels.csv, sites.csv, ...",
                )
            ],
        )
    return _read_xlsx(p, shown)


# --------------------------------------------------------------------------- xlsx


def _diagnose_not_xlsx(path: Path, shown: str, head: bytes) -> Problem:
    expected = "an Excel .xlsx workbook (Excel 2007 or later)"
    if not head:
        return Problem(shown, "the file is empty", expected=expected)
    if head.startswith(_OLE_MAGIC):
        try:
            import olefile

            with olefile.OleFileIO(str(path)) as ole:
                encrypted = ole.exists("EncryptionInfo") or ole.exists("EncryptedPackage")
                legacy = ole.exists("Workbook") or ole.exists("Book")
        except OSError:
            encrypted, legacy = False, False
        if encrypted:
            return Problem(
                shown,
                "the workbook is password-protected (encrypted); remove the password in Excel and save again",
                expected=expected,
            )
        if legacy:
            return Problem(
                shown,
                "this is an old Excel 97-2003 .xls workbook; open it in Excel and save it as .xlsx",
                expected=expected,
            )
        return Problem(shown, "this is an OLE compound document, not an .xlsx workbook", expected=expected)
    if head.startswith(_ZIP_MAGIC) or head.startswith(_EMPTY_ZIP_MAGIC):
        return Problem(shown, "the file is a damaged or incomplete zip archive", expected=expected)
    sample = head[:2048]
    if b"\x00" not in sample:
        try:
            sample.decode("utf-8")
            return Problem(
                shown,
                "this is a text file, not an Excel workbook (a CSV file renamed .xlsx?)",
                expected=expected,
            )
        except UnicodeDecodeError:
            pass
    return Problem(shown, "the file is not an Excel workbook", expected=expected)


def _check_archive(path: Path, shown: str) -> None:
    expected = "an Excel .xlsx workbook (Excel 2007 or later)"
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                raise InputError(
                    shown,
                    [
                        Problem(
                            shown,
                            f"the archive holds {len(infos)} parts, more than the limit of {MAX_ARCHIVE_MEMBERS}",
                            expected=expected,
                        )
                    ],
                )
            total = sum(i.file_size for i in infos)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise InputError(
                    shown,
                    [
                        Problem(
                            shown,
                            f"the workbook would expand to {_size(total)}, more than the limit of "
                            f"{_size(MAX_UNCOMPRESSED_BYTES)}; refused",
                            expected="a workbook below the size limit",
                        )
                    ],
                )
            names = {i.filename for i in infos}
            if "xl/workbook.bin" in names:
                raise InputError(
                    shown, [Problem(shown, "this is a binary .xlsb workbook; save it as .xlsx", expected=expected)]
                )
            if "xl/workbook.xml" not in names:
                raise InputError(
                    shown,
                    [
                        Problem(
                            shown, "this zip archive is not an Excel workbook (no xl/workbook.xml)", expected=expected
                        )
                    ],
                )
            for info in infos:
                # Read every part (bounded by its declared size) so a corrupt part is reported
                # here rather than as a crash later; zlib errors are not BadZipFile.
                try:
                    with zf.open(info) as part:
                        while part.read(1 << 20):
                            pass
                except (zipfile.BadZipFile, zlib.error, EOFError):
                    raise InputError(
                        shown,
                        [
                            Problem(
                                shown,
                                f"the archive is corrupt (part {info.filename} cannot be read)",
                                expected=expected,
                            )
                        ],
                    ) from None
    except zipfile.BadZipFile:
        raise InputError(
            shown, [Problem(shown, "the file is a damaged or incomplete zip archive", expected=expected)]
        ) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise InputError(
            shown, [Problem(shown, f"the archive cannot be read ({exc.__class__.__name__})", expected=expected)]
        ) from None


def _read_xlsx(path: Path, shown: str) -> RawBook:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    f"the file is {_size(size)}, more than the limit of {_size(MAX_FILE_BYTES)}; refused",
                    expected="a smaller workbook",
                )
            ],
        )
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not zipfile.is_zipfile(path):
        raise InputError(shown, [_diagnose_not_xlsx(path, shown, head)])
    _check_archive(path, shown)
    if not _has_formulas(path):
        fast = _read_xlsx_values(path, shown)
        if fast is not None:
            return fast

    import warnings

    import openpyxl

    book = RawBook(file=shown, kind="xlsx")
    try:
        with warnings.catch_warnings():
            # openpyxl warns about unsupported extensions (data validation, conditional
            # formatting); they do not affect the values we read.
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on malformed parts
        raise InputError(
            shown,
            [Problem(shown, f"the workbook cannot be opened ({_one_line(exc)})", expected="an Excel .xlsx workbook")],
        ) from None
    cached_wb = None
    title: str | None = None
    try:
        for ws in wb.worksheets:
            title = ws.title
            key = normalize_name(title)
            if _duplicate_sheet(book, title):
                continue
            headers, rows, formulas = _read_sheet(ws, shown, title, book.problems)
            if formulas:
                if cached_wb is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        cached_wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
                _fill_cached_values(cached_wb[title], shown, title, headers, rows, formulas, book.problems)
            book.tables[key] = RawTable(file=shown, sheet=title, headers=headers, rows=rows)
    except InputError:
        raise
    except Exception as exc:  # a damaged sheet part (bad XML, bad shared-string index ...) is read lazily
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    f"the workbook cannot be read ({_one_line(exc)})",
                    sheet=title,
                    expected="an Excel .xlsx workbook",
                )
            ],
        ) from None
    finally:
        wb.close()
        if cached_wb is not None:
            cached_wb.close()
    return book


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s>/]")


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the (already size-checked) archive holds a formula cell."""
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml") and _FORMULA_TAG.search(zf.read(name)):
                return True
    return False


def _read_xlsx_values(path: Path, shown: str) -> RawBook | None:
    """Read a workbook without formulas with calamine (Rust; one of pandas' Excel engines),
    many times faster than openpyxl. None when calamine is missing or cannot read the file
    (openpyxl then reads it and reports what is wrong)."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:  # pragma: no cover - it is a dependency
        return None
    book = RawBook(file=shown, kind="xlsx")
    try:
        wb = CalamineWorkbook.from_path(str(path))
        for title in wb.sheet_names:
            key = normalize_name(title)
            if _duplicate_sheet(book, title):
                continue
            grid = wb.get_sheet_by_name(title).to_python(skip_empty_area=False)
            headers, rows = _table_rows(([_cell(v) for v in row] for row in grid), shown, title, book.problems)
            book.tables[key] = RawTable(file=shown, sheet=title, headers=headers, rows=rows)
    except InputError:
        raise
    except Exception:  # calamine cannot read it: openpyxl will, or will say why
        return None
    return book


def _cell(value: Any) -> Any:
    """calamine's cell values as openpyxl would give them (blank cells are '')."""
    if isinstance(value, str):
        return None if value == "" else value
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.time, dt.timedelta)):
        return value
    return str(value)  # e.g. an error cell


def _header(values: Sequence[Any], shown: str, title: str, problems: list[Problem]) -> list[str]:
    """Column names from row 1: at most MAX_COLUMNS, trailing blanks dropped (a warning when
    non-blank cells lie beyond the limit)."""
    raw = list(values[:MAX_COLUMNS])
    while raw and (raw[-1] is None or str(raw[-1]).strip() == ""):
        raw.pop()
    if len(values) > MAX_COLUMNS and any(v is not None for v in values[MAX_COLUMNS:]):
        problems.append(
            Problem(
                shown,
                f"more than {MAX_COLUMNS} columns; only the first {MAX_COLUMNS} are read",
                sheet=title,
                severity=Severity.WARNING,
            )
        )
    return ["" if h is None else str(h).strip() for h in raw]


def _data_row(values: Sequence[Any], width: int) -> list[Any] | None:
    """A data row cut or padded to the header's width; None when every cell is blank."""
    row = list(values[:width]) if width else []
    if len(row) < width:
        row.extend([None] * (width - len(row)))
    if all(v is None or (isinstance(v, str) and v.strip() == "") for v in row):
        return None
    return row


def _too_many_rows(shown: str, title: str | None, per: str) -> InputError:
    return InputError(
        shown,
        [
            Problem(
                shown,
                f"more than {MAX_ROWS:,} data rows; refused",
                sheet=title,
                expected=f"at most {MAX_ROWS:,} rows per {per}",
            )
        ],
    )


def _table_rows(
    grid: Iterable[list[Any]], shown: str, title: str, problems: list[Problem]
) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """Header (row 1) and the non-blank data rows with their spreadsheet row numbers."""
    headers: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    for row_no, values in enumerate(grid, start=1):
        if row_no == 1:
            headers = _header(values, shown, title, problems)
            continue
        row = _data_row(values, len(headers))
        if row is None:
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows(shown, title, "sheet")
        rows.append((row_no, row))
    return headers, rows


def _duplicate_sheet(book: RawBook, title: str) -> bool:
    """Whether a sheet of that name (case and spaces ignored) was read already; warns if so."""
    if normalize_name(title) not in book.tables:
        return False
    book.problems.append(
        Problem(
            book.file,
            f"two sheets are both named '{title}' once case and spaces are ignored; the second is ignored",
            sheet=title,
            severity=Severity.WARNING,
        )
    )
    return True


def _read_sheet(
    ws: Any, shown: str, title: str, problems: list[Problem]
) -> tuple[list[str], list[tuple[int, list[Any]]], set[tuple[int, int]]]:
    """Stream one worksheet; return headers, non-blank rows and formula cell positions."""
    headers: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    formulas: set[tuple[int, int]] = set()
    for row_no, cells in enumerate(ws.iter_rows(), start=1):
        if row_no == 1:
            headers = _header([c.value for c in cells], shown, title, problems)
            continue
        row_cells = cells[: len(headers)]
        values = _data_row([c.value for c in row_cells], len(headers))
        if values is None:
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows(shown, title, "sheet")
        for col, c in enumerate(row_cells):
            if getattr(c, "data_type", None) == "f":
                formulas.add((row_no, col))
        rows.append((row_no, values))
    return headers, rows, formulas


def _fill_cached_values(
    ws: Any,
    shown: str,
    title: str,
    headers: list[str],
    rows: list[tuple[int, list[Any]]],
    formulas: set[tuple[int, int]],
    problems: list[Problem],
) -> None:
    """Replace formula text by the value Excel cached; report formulas without one.

    A formula is never evaluated: if the file was written by a program that does not
    compute formulas, the cell has no cached value and must be fixed by the user.
    """
    wanted_rows = {r for r, _ in formulas}
    cached: dict[int, tuple[Any, ...]] = {}
    for row_no, cells in enumerate(ws.iter_rows(values_only=True), start=1):
        if row_no in wanted_rows:
            cached[row_no] = tuple(cells)
        if row_no >= max(wanted_rows):
            break
    index = {r: i for i, (r, _) in enumerate(rows)}
    for row_no, col in sorted(formulas):
        values = rows[index[row_no]][1]
        formula = values[col]
        cached_row = cached.get(row_no, ())
        value = cached_row[col] if col < len(cached_row) else None
        if value is None:
            name = headers[col] if col < len(headers) else f"#{col + 1}"
            problems.append(
                Problem.cell(
                    shown,
                    title,
                    row_no,
                    name,
                    str(formula) if isinstance(formula, str) else "a formula",
                    "a value (this cell holds a formula with no cached result; planner never evaluates "
                    "formulas - open the file in Excel and save it, or paste values)",
                )
            )
            values[col] = _FormulaWithoutValue()
        else:
            values[col] = value


class _FormulaWithoutValue:
    """Marker left in a cell whose formula has no cached value (already reported)."""

    def __repr__(self) -> str:
        return "<formula>"


def is_unreadable(value: Any) -> bool:
    return isinstance(value, _FormulaWithoutValue)


# --------------------------------------------------------------------------- csv


def _read_csv_folder(folder: Path, shown: str) -> RawBook:
    book = RawBook(file=shown, kind="csv")
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv")
    if not files:
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    "the folder holds no .csv files",
                    expected="CSV files named after the sheets: demand.csv, channels.csv, sites.csv, pools.csv, ...",
                )
            ],
        )
    for f in files:
        key = normalize_name(f.stem)
        fshown = display_path(f)
        if key in book.tables:
            book.problems.append(
                Problem(
                    fshown, f"two files map to the sheet '{f.stem}'; this one is ignored", severity=Severity.WARNING
                )
            )
            continue
        book.tables[key] = _read_csv_file(f, fshown, book.problems)
    return book


def _read_csv_file(path: Path, shown: str, problems: list[Problem]) -> RawTable:
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    f"the file is {_size(size)}, more than the limit of {_size(MAX_CSV_BYTES)}; refused",
                    expected="a smaller CSV file",
                )
            ],
        )
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise InputError(
            shown, [Problem(shown, "this is a binary file, not a CSV text file", expected="a UTF-8 CSV file")]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                shown, [Problem(shown, "the file is not valid UTF-8 text", expected="a UTF-8 CSV file")]
            ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    try:
        for row_no, record in enumerate(reader, start=1):
            if row_no == 1:
                raw = record[:MAX_COLUMNS]
                while raw and raw[-1].strip() == "":
                    raw.pop()
                headers = [h.strip() for h in raw]
                continue
            values: list[Any] = list(record[: len(headers)])
            if len(values) < len(headers):
                values.extend([None] * (len(headers) - len(values)))
            values = [None if (v is None or v.strip() == "") else v.strip() for v in values]
            if all(v is None for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows(shown, None, "file")
            rows.append((row_no, values))
    except csv.Error as exc:
        raise InputError(
            shown, [Problem(shown, f"the CSV text cannot be parsed ({exc})", expected="a comma-separated text file")]
        ) from None
    return RawTable(file=shown, sheet=path.stem, headers=headers, rows=rows)
