"""Bounded scan of an .xlsx archive: every part is inflated through a counting stream with hard caps,
and what drives a reader's allocations (cells, grid span, shared strings, styles) is measured as it streams.

Nothing here trusts the archive's own claims: a part must inflate to exactly the size its header
declares (never more is inflated), and a sheet's ``<dimension>`` claim only decides which reader
is safe to use. :func:`scan_archive` raises :class:`ArchiveLimit` or :class:`ArchiveCorrupt`;
:mod:`planner.inputs.read` turns them into located input errors.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

_CHUNK = 1 << 16
_CARRY = 1024  # bytes of the previous chunk searched again, so no tag is split between chunks
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"
_STORED, _DEFLATED = 0, 8


@dataclass(frozen=True)
class Budget:
    """The reading budget of one workbook (see docs/hardening.md)."""

    uncompressed_bytes: int
    cells: int  # cell elements in all sheets together
    grid_cells: int  # rows x columns one sheet's cells span
    shared_strings: int  # entries of the shared-string table
    shared_text_bytes: int  # bytes of shared text all cells referring to it would hold
    styles: int  # style records (cell formats, fonts, fills, borders, number formats)


class ArchiveLimit(Exception):
    """The archive exceeds the budget; the message says which limit."""


class ArchiveCorrupt(Exception):
    """A part of the archive cannot be read, or does not match its header."""

    def __init__(self, part: str, reason: str) -> None:
        self.part = part
        self.reason = reason
        super().__init__(f"{part}: {reason}")


@dataclass
class SheetScan:
    """What one worksheet part holds, measured while it streamed."""

    cells: int = 0
    cell_refs: int = 0
    max_row: int = 0
    max_column: int = 0
    claimed_rows: int = 0
    claimed_columns: int = 0
    formulas: bool = False
    errors: bool = False
    shared_refs: Counter[int] = field(default_factory=Counter)

    @property
    def grid(self) -> int:
        return self.max_row * self.max_column

    @property
    def claimed_grid(self) -> int:
        return max(self.claimed_rows, self.max_row) * max(self.claimed_columns, self.max_column)


@dataclass
class ArchiveScan:
    """The whole archive, measured."""

    sheets: dict[str, SheetScan] = field(default_factory=dict)
    shared_sizes: list[int] = field(default_factory=list)
    styles: int = 0
    uncompressed: int = 0

    @property
    def has_formulas(self) -> bool:
        return any(s.formulas for s in self.sheets.values())

    def fast_reader_safe(self, budget: Budget) -> bool:
        """Whether calamine may read it: it sizes each sheet by the claimed dimension, returns error
        cells as blanks and formulas as their cached values (openpyxl tells those apart)."""
        return not any(
            s.formulas or s.errors or s.claimed_grid > budget.grid_cells or s.cell_refs < s.cells
            for s in self.sheets.values()
        )


_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"[A-Z]{1,3}\d{1,7}\"")
_CELL_COLUMN = re.compile(rb"\sr=\"([A-Z]{1,3})\d{1,7}\"")
_CELL_ROW = re.compile(rb"\sr=\"[A-Z]{1,3}(\d{1,7})\"")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d{1,7})\"")
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\bt=\"e\"")
_SHARED_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\bt=\"s\"[^>]*>\s*<(?:\w+:)?v>\s*(\d{1,9})\s*<")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d{1,7})?(?::([A-Z]{1,3})(\d{1,7}))?\"")
_SI = re.compile(rb"<(?:\w+:)?si[\s>/]|</(?:\w+:)?si>")
_STYLE = re.compile(rb"<(?:\w+:)?(?:xf|font|fill|border|numFmt|dxf|cellStyle)[\s>/]")


def column_number(letters: bytes) -> int:
    """'A' -> 1, 'XFD' -> 16384."""
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _count(pattern: re.Pattern[bytes], buf: bytes, carried: int) -> int:
    """Matches in carry + chunk that were not already complete in the carried bytes."""
    return len(pattern.findall(buf)) - len(pattern.findall(buf, 0, carried))


def _scan_sheet_chunk(sheet: SheetScan, buf: bytes, carried: int) -> None:
    sheet.cells += _count(_CELL, buf, carried)
    sheet.cell_refs += _count(_CELL_REF, buf, carried)
    columns = set(_CELL_COLUMN.findall(buf))
    if columns:
        sheet.max_column = max(sheet.max_column, max(column_number(c) for c in columns))
    rows = _CELL_ROW.findall(buf) + _ROW_REF.findall(buf)
    if rows:
        sheet.max_row = max(sheet.max_row, max(map(int, rows)))
    sheet.formulas = sheet.formulas or _FORMULA.search(buf) is not None
    sheet.errors = sheet.errors or _ERROR_CELL.search(buf) is not None
    refs = Counter(map(int, _SHARED_REF.findall(buf)))
    if carried:
        refs.subtract(map(int, _SHARED_REF.findall(buf, 0, carried)))
    sheet.shared_refs.update(refs)


def _claim(sheet: SheetScan, head: bytes) -> None:
    """The sheet's own ``<dimension ref="A1:XFD1048576"/>`` claim (readers size their grid by it)."""
    m = _DIMENSION.search(head)
    if not m:
        return
    col1, row1, col2, row2 = m.groups()
    cols = [column_number(c) for c in (col1, col2) if c]
    rows = [int(r) for r in (row1, row2) if r]
    sheet.claimed_columns = max(cols, default=0)
    sheet.claimed_rows = max(rows, default=0)


class _SharedStrings:
    """Sizes of the shared-string entries (bytes between <si> and </si>: at least their text)."""

    def __init__(self, sizes: list[int], limit: int) -> None:
        self.sizes = sizes
        self.limit = limit
        self.start: int | None = None

    def feed(self, buf: bytes, carried: int, offset: int) -> None:
        for m in _SI.finditer(buf):
            if m.end() <= carried:
                continue
            if m.group(0).startswith(b"</"):
                if self.start is not None:
                    self.sizes.append(offset + m.end() - self.start)
                    self.start = None
            else:
                self.start = offset + m.start()
                if len(self.sizes) >= self.limit:
                    raise ArchiveLimit(f"more than {self.limit:,} shared strings")


def _inflate(fh: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, inflated through a counting stream: never more than the declared size
    is produced, and the stream must end exactly there."""
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or not header.startswith(_LOCAL_MAGIC):
        raise ArchiveCorrupt(info.filename, "its local header is missing")
    *_, name_len, extra_len = _LOCAL_HEADER.unpack(header)
    fh.seek(info.header_offset + _LOCAL_HEADER.size + name_len + extra_len)
    if info.flag_bits & 0x1:
        raise ArchiveCorrupt(info.filename, "it is encrypted")
    if info.compress_type not in (_STORED, _DEFLATED):
        raise ArchiveCorrupt(
            info.filename, f"it uses compression method {info.compress_type}, which Excel never writes"
        )
    inflater = zlib.decompressobj(-15) if info.compress_type == _DEFLATED else None
    left_raw, produced, crc = info.compress_size, 0, 0
    while left_raw > 0:
        raw = fh.read(min(_CHUNK, left_raw))
        if not raw:
            raise ArchiveCorrupt(info.filename, "it is cut short")
        left_raw -= len(raw)
        pending = raw
        while pending:
            if inflater is None:
                out, pending = pending, b""
            else:
                try:
                    out = inflater.decompress(pending, _CHUNK)
                except zlib.error:
                    raise ArchiveCorrupt(info.filename, "") from None
                pending = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise ArchiveCorrupt(info.filename, "it expands beyond the size its header declares")
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    if inflater is not None and not inflater.eof:
        raise ArchiveCorrupt(info.filename, "its compressed data does not end where its header says")
    if produced != info.file_size or crc != info.CRC:
        raise ArchiveCorrupt(info.filename, "its contents do not match its header")


def _scanner(name: str, scan: ArchiveScan, budget: Budget) -> Callable[[bytes, int, int], None] | None:
    """The chunk scanner of one part, by what the part is."""
    lower = name.lower()
    if lower.endswith("sharedstrings.xml"):
        shared = _SharedStrings(scan.shared_sizes, budget.shared_strings)
        return shared.feed
    if lower.endswith("styles.xml"):

        def styles(buf: bytes, carried: int, _offset: int) -> None:
            scan.styles += _count(_STYLE, buf, carried)
            if scan.styles > budget.styles:
                raise ArchiveLimit(f"more than {budget.styles:,} style records (cell formats, fonts, fills ...)")

        return styles
    if lower.endswith(".xml") and lower.startswith("xl/") and "/_rels/" not in lower:
        sheet = scan.sheets.setdefault(name, SheetScan())

        def cells(buf: bytes, carried: int, _offset: int) -> None:
            if carried == 0:
                _claim(sheet, buf)
            _scan_sheet_chunk(sheet, buf, carried)

        return cells
    return None


def _scan_part(fh: BinaryIO, info: zipfile.ZipInfo, scan: ArchiveScan, budget: Budget) -> None:
    feed = _scanner(info.filename, scan, budget)
    tail = b""
    offset = 0  # bytes of the part before the current chunk
    if info.file_size > budget.uncompressed_bytes - scan.uncompressed:
        raise ArchiveLimit(f"more than {budget.uncompressed_bytes:,} bytes uncompressed")
    for out in _inflate(fh, info):
        scan.uncompressed += len(out)
        if feed is not None:
            buf = tail + out
            feed(buf, len(tail), offset - len(tail))
            tail = buf[-_CARRY:]
        offset += len(out)


def scan_archive(path: str, budget: Budget) -> ArchiveScan:
    """Inflate and measure every part; raise ArchiveLimit / ArchiveCorrupt (or zipfile's errors)."""
    scan = ArchiveScan()
    with zipfile.ZipFile(path) as zf, open(path, "rb") as fh:
        for info in zf.infolist():
            if info.is_dir():
                continue
            _scan_part(fh, info, scan, budget)
    cells = sum(s.cells for s in scan.sheets.values())
    if cells > budget.cells:
        raise ArchiveLimit(f"{cells:,} cells, more than the limit of {budget.cells:,}")
    for name, sheet in scan.sheets.items():
        if sheet.grid > budget.grid_cells:
            raise ArchiveLimit(
                f"a sheet (part {name}) whose cells span {sheet.max_row:,} rows x {sheet.max_column:,} columns, "
                f"more than the limit of {budget.grid_cells:,} cells"
            )
    text = _shared_text(scan)
    if text > budget.shared_text_bytes:
        raise ArchiveLimit(
            f"cells referring to {text:,} bytes of shared text, more than the limit of {budget.shared_text_bytes:,}"
        )
    return scan


def _shared_text(scan: ArchiveScan) -> int:
    """Bytes of shared text the cells would hold if each cell kept its own copy."""
    sizes = scan.shared_sizes
    total = 0
    for sheet in scan.sheets.values():
        for index, count in sheet.shared_refs.items():
            if 0 <= index < len(sizes):
                total += sizes[index] * count
    return total
