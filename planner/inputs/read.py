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
import stat
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.errors import InputError, Problem, Severity
from planner.inputs.archive import ArchiveCorrupt, ArchiveLimit, ArchiveScan, Budget, scan_archive

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
#: Largest number of cells in all sheets of a workbook together (counted in the sheets' XML), or in one CSV file.
MAX_CELLS = 2_000_000
#: Largest span (rows x columns) of one sheet's cells; a larger ``<dimension>`` claim is not refused,
#: but then the sheet is streamed with openpyxl instead of read by calamine, which allocates the claim.
MAX_GRID_CELLS = 2_000_000
#: Largest number of shared strings (the table that text cells refer to).
MAX_SHARED_STRINGS = 1_000_000
#: Largest amount of shared text all cells together refer to (one long string used by many cells counts many times).
MAX_SHARED_TEXT_BYTES = 64 * 1024 * 1024
#: Largest number of style records (cell formats, fonts, fills, borders, number formats); Excel allows 64,000 formats.
MAX_STYLES = 100_000


def budget() -> Budget:
    """The reading budget of one workbook (the ``MAX_*`` limits above)."""
    return Budget(
        uncompressed_bytes=MAX_UNCOMPRESSED_BYTES,
        cells=MAX_CELLS,
        grid_cells=MAX_GRID_CELLS,
        shared_strings=MAX_SHARED_STRINGS,
        shared_text_bytes=MAX_SHARED_TEXT_BYTES,
        styles=MAX_STYLES,
    )


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


def control_characters(text: str) -> list[str]:
    """The control characters (NUL, tab, line breaks, other C0/C1 codes) in ``text``, as U+hhhh code points."""
    return [f"U+{ord(ch):04X}" for ch in dict.fromkeys(text) if unicodedata.category(ch) == "Cc"]


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
    _require_regular_file(p, shown, "an .xlsx workbook or a folder of CSV files")
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


def _require_regular_file(path: Path, shown: str, expected: str) -> None:
    """Only regular files are read: a FIFO would block for ever, a device never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise InputError(
            shown, [Problem(shown, f"the file cannot be read ({exc.strerror})", expected=expected)]
        ) from None
    if not stat.S_ISREG(mode):
        kind = (
            "a named pipe (FIFO)"
            if stat.S_ISFIFO(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise InputError(shown, [Problem(shown, f"this is {kind}, not a regular file", expected=expected)])


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
        except Exception:  # olefile raises many kinds on a damaged container
            return Problem(
                shown,
                "this is a damaged OLE compound document (an old .xls or an encrypted workbook?) that cannot be read",
                expected=expected,
            )
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


_XLSX = "an Excel .xlsx workbook (Excel 2007 or later)"


def _refuse(shown: str, message: str, expected: str = _XLSX) -> InputError:
    """The error for a file that cannot be read at all: one problem, naming the file."""
    return InputError(shown, [Problem(shown, message, expected=expected)])


def _check_directory(infos: list[zipfile.ZipInfo], shown: str) -> None:
    """What the archive's directory says: the number of parts, their declared sizes, the workbook part."""
    if len(infos) > MAX_ARCHIVE_MEMBERS:
        raise _refuse(shown, f"the archive holds {len(infos)} parts, more than the limit of {MAX_ARCHIVE_MEMBERS}")
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _refuse(
            shown,
            f"the workbook would expand to {_size(total)}, more than the limit of "
            f"{_size(MAX_UNCOMPRESSED_BYTES)}; refused",
            "a workbook below the size limit",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise _refuse(shown, "this is a binary .xlsb workbook; save it as .xlsx")
    if "xl/workbook.xml" not in names:
        raise _refuse(shown, "this zip archive is not an Excel workbook (no xl/workbook.xml)")


def _check_archive(path: Path, shown: str) -> ArchiveScan:
    """Check the archive's directory, then inflate and measure every part within the budget (the
    directory's declared sizes are checked first, but only what actually inflates counts)."""
    try:
        with zipfile.ZipFile(path) as zf:
            _check_directory(zf.infolist(), shown)
        return scan_archive(str(path), budget())
    except ArchiveLimit as exc:
        raise _refuse(
            shown, f"the workbook holds {exc}; refused", "a workbook within planner's reading limits"
        ) from None
    except ArchiveCorrupt as exc:
        because = f": {exc.reason}" if exc.reason else ""
        raise _refuse(shown, f"the archive is corrupt (part {exc.part} cannot be read{because})") from None
    except zipfile.BadZipFile:
        raise _refuse(shown, "the file is a damaged or incomplete zip archive") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError) as exc:
        raise _refuse(shown, f"the archive cannot be read ({exc.__class__.__name__})") from None


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
    scan = _check_archive(path, shown)
    if scan.fast_reader_safe(budget()):
        fast = _read_xlsx_values(path, shown)
        if fast is not None:
            return fast
    return _read_xlsx_streaming(path, shown)


def _read_xlsx_streaming(path: Path, shown: str) -> RawBook:
    """Read a workbook with openpyxl in read-only (streaming) mode; formulas yield their cached values."""
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
            _hidden_sheet(book, title, str(ws.sheet_state) == "veryHidden")
            ws.reset_dimensions()  # never trust the sheet's <dimension> claim: no padding to it
            headers, rows, formulas = _read_sheet(ws, shown, title, book.problems)
            if formulas:
                if cached_wb is None:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        cached_wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
                cached_ws = cached_wb[title]
                cached_ws.reset_dimensions()
                _fill_cached_values(cached_ws, shown, title, headers, rows, formulas, book.problems)
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
        hidden = {m.name for m in wb.sheets_metadata if "veryhidden" in str(m.visible).lower()}
        for title in wb.sheet_names:
            key = normalize_name(title)
            if _duplicate_sheet(book, title):
                continue
            _hidden_sheet(book, title, title in hidden)
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


def _hidden_sheet(book: RawBook, title: str, very_hidden: bool) -> None:
    """A very hidden sheet (visible only in the VBA editor) is read like any other, but never silently."""
    if very_hidden:
        book.problems.append(
            Problem(
                book.file,
                "the sheet is very hidden (it shows only in the VBA editor); it is read like any other sheet",
                sheet=title,
                severity=Severity.WARNING,
            )
        )


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
        values = _data_row([_openpyxl_value(c) for c in row_cells], len(headers))
        if values is None:
            continue
        if len(rows) >= MAX_ROWS:
            raise _too_many_rows(shown, title, "sheet")
        for col, c in enumerate(row_cells):
            if getattr(c, "data_type", None) == "f":
                formulas.add((row_no, col))
        rows.append((row_no, values))
    return headers, rows, formulas


def _openpyxl_value(cell: Any) -> Any:
    """A cell's value; an error cell (#N/A, #DIV/0! ...) becomes a :class:`CellError`."""
    value = cell.value
    if getattr(cell, "data_type", None) == "e" and value is not None:
        return CellError(str(value))
    return value


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
            values[col] = CellError(value) if isinstance(value, str) and value in EXCEL_ERRORS else value


#: The error values Excel writes into cells.
EXCEL_ERRORS = frozenset(
    ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")
)


@dataclass(frozen=True)
class CellError:
    """An Excel error value in a cell (#N/A, #DIV/0! ...): reported as itself, never as blank."""

    code: str

    def __str__(self) -> str:
        return f"{self.code} (an Excel error value)"


class _FormulaWithoutValue:
    """Marker left in a cell whose formula has no cached value (already reported)."""

    def __repr__(self) -> str:
        return "<formula>"


def is_unreadable(value: Any) -> bool:
    return isinstance(value, _FormulaWithoutValue)


# --------------------------------------------------------------------------- csv


def _read_csv_folder(folder: Path, shown: str) -> RawBook:
    book = RawBook(file=shown, kind="csv")
    entries = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv")
    for p in entries:
        if not p.is_dir():
            _require_regular_file(p, display_path(p), "a CSV text file")
    files = [p for p in entries if p.is_file()]
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
        book.tables[key] = read_csv_file(f, fshown, book.problems)
    return book


def _decode_csv(data: bytes, shown: str) -> str:
    """CSV text: UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order mark (Excel's
    "Unicode Text" export), else Windows-1252; NUL bytes otherwise mean a binary file."""
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in data[:4096]:
        raise InputError(
            shown, [Problem(shown, "this is a binary file, not a CSV text file", expected="a UTF-8 CSV file")]
        )
    for encoding in ("utf-16", "utf-8-sig", "cp1252") if utf16 else ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(shown, [Problem(shown, "the file is not valid UTF-8 text", expected="a UTF-8 CSV file")])


def read_csv_file(path: Path, shown: str, problems: list[Problem]) -> RawTable:
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
    text = _decode_csv(path.read_bytes(), shown)
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    if text.count(delimiter) + text.count("\n") + 1 > MAX_CELLS:  # an upper bound on the cells, before parsing
        raise InputError(
            shown,
            [
                Problem(
                    shown,
                    f"the file holds more than {MAX_CELLS:,} cells; refused",
                    expected="a CSV file within planner's reading limits",
                )
            ],
        )
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
