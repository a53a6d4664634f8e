# ruff: noqa: E501  (expected messages are long single lines; keep each one greppable)
"""Hostile files and real faults (issue 17): resource bombs read under a 1 GiB memory limit, files that are
not regular files, damaged containers, silent misreadings, output safety, numeric edges and signals.

Every case asserts the exact error line (or the behaviour), the exit code, that no traceback is printed
and the state of the files afterwards.
"""

from __future__ import annotations

import datetime as _dt
import os
import zlib
from pathlib import Path

import pytest
from hostile import Part, replace_part, run_limited, workbook_parts, zip_parts
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from workbooks import error_block, run_cli, valid_tables, write_csv_folder, write_xlsx

XLSX = "an Excel .xlsx workbook (Excel 2007 or later)"
LIMITS = "a workbook within planner's reading limits"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def minimal_workbook(
    path: Path, sheet_xml: bytes, extra: list[Part] = (), compressed: dict[str, bytes] | None = None
) -> Path:
    """A one-sheet workbook (sheet 'demand') around ``sheet_xml``; ``extra`` parts such as
    xl/sharedStrings.xml or xl/styles.xml are declared in the content types and relationships."""
    kinds = {
        "xl/sharedStrings.xml": (
            "sharedStrings",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ),
        "xl/styles.xml": ("styles", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
    }
    overrides = "".join(f'<Override PartName="/{p.name}" ContentType="{kinds[p.name][1]}"/>' for p in extra)
    rels = "".join(
        f'<Relationship Id="rId{k + 2}" Type="{REL}/{kinds[p.name][0]}" Target="{p.name[3:]}"/>'
        for k, p in enumerate(extra)
    )
    parts = [
        Part(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                f"{overrides}</Types>"
            ).encode(),
        ),
        Part(
            "_rels/.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ).encode(),
        ),
        Part(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
                '<sheets><sheet name="demand" sheetId="1" r:id="rId1"/></sheets></workbook>'
            ).encode(),
        ),
        Part(
            "xl/_rels/workbook.xml.rels",
            (
                '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>{rels}</Relationships>'
            ).encode(),
        ),
        Part("xl/worksheets/sheet1.xml", sheet_xml),
        *extra,
    ]
    return zip_parts(path, parts, compressed)


def sheet(rows: bytes, dimension: str = "A1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'.encode()
        + rows
        + b"</sheetData></worksheet>"
    )


def assert_refused(run, path: Path, line: str) -> None:
    assert "Traceback" not in run.stdout + run.stderr
    assert "panicked" not in run.stderr
    assert run.stdout == ""
    assert run.stderr.splitlines() == error_block(path, [line])
    assert run.returncode == 1


# --------------------------------------------------------------------------- resource bombs, under 1 GiB


def test_dimension_claiming_the_last_cell_is_read_within_memory(tmp_path: Path) -> None:
    """A 3 KB workbook whose sheet claims A1:XFD1048576 used to make calamine allocate hundreds of
    gigabytes and abort; the claim is not trusted, the sheet is streamed and validates as before."""
    honest = write_xlsx(valid_tables(), tmp_path / "honest.xlsx")
    parts = workbook_parts(tmp_path)
    demand = next(p for p in parts if p.name == "xl/worksheets/sheet1.xml")
    assert b'<dimension ref="A1:E74" />' in demand.data
    claim = demand.data.replace(b'<dimension ref="A1:E74" />', b'<dimension ref="A1:XFD1048576"/>')
    bomb = zip_parts(tmp_path / "claim.xlsx", replace_part(parts, demand.name, claim))
    run = run_limited("validate", str(bomb))
    assert "Traceback" not in run.stderr and "panicked" not in run.stderr
    assert run.returncode == 0, run.stderr
    expected = run_cli("validate", honest).stdout.replace(str(honest), str(bomb))
    assert run.stdout == expected


def test_part_inflating_past_its_declared_size_is_refused_within_memory(tmp_path: Path) -> None:
    """The headers declare the sheet's real size (and the CRC of those bytes), but the deflate stream
    goes on to a gigabyte of zeros: only the declared bytes may ever be inflated."""
    parts = workbook_parts(tmp_path)
    demand = next(p for p in parts if p.name == "xl/worksheets/sheet1.xml")
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(demand.data) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(b"\0" * (1 << 24)) + c.flush(zlib.Z_FULL_FLUSH)  # byte-aligned, history reset: repeatable
    stream = head + block * 64 + c.flush()
    bomb = zip_parts(tmp_path / "understated.xlsx", parts, compressed={demand.name: stream})
    assert bomb.stat().st_size < 2 * 2**20
    run = run_limited("validate", str(bomb))
    assert_refused(
        run,
        bomb,
        f"{bomb}: the archive is corrupt (part xl/worksheets/sheet1.xml cannot be read: it expands beyond the size its header declares); expected {XLSX}",
    )


def test_one_huge_shared_string_in_many_cells_is_refused_within_memory(tmp_path: Path) -> None:
    """One 8 MiB shared string referred to by 100,000 cells would be 800 GiB of text."""
    entry = b"<si><t>" + b"x" * (8 << 20) + b"</t></si>"
    shared = Part(
        "xl/sharedStrings.xml", f'<sst xmlns="{MAIN}" count="1" uniqueCount="1">'.encode() + entry + b"</sst>"
    )
    rows = b"".join(b'<row r="%d"><c r="A%d" t="s"><v>0</v></c></row>' % (r, r) for r in range(1, 100_001))
    bomb = minimal_workbook(tmp_path / "strings.xlsx", sheet(rows, "A1:A100000"), [shared])
    run = run_limited("validate", str(bomb))
    text = len(entry) * 100_000
    assert_refused(
        run,
        bomb,
        f"{bomb}: the workbook holds cells referring to {text:,} bytes of shared text, more than the limit of 67,108,864; refused; expected {LIMITS}",
    )


def test_millions_of_cell_formats_are_refused_within_memory(tmp_path: Path) -> None:
    xfs = b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' * 2_000_000
    styles = Part(
        "xl/styles.xml",
        f'<styleSheet xmlns="{MAIN}"><cellXfs count="2000000">'.encode() + xfs + b"</cellXfs></styleSheet>",
    )
    bomb = minimal_workbook(tmp_path / "styles.xlsx", sheet(b'<row r="1"><c r="A1"><v>1</v></c></row>'), [styles])
    run = run_limited("validate", str(bomb))
    assert_refused(
        run,
        bomb,
        f"{bomb}: the workbook holds more than 100,000 style records (cell formats, fonts, fills ...); refused; expected {LIMITS}",
    )


def test_too_many_cells_are_refused_within_memory(tmp_path: Path) -> None:
    """11 million cells without positions (``<c/>``, 4 bytes each) in 1,000 rows."""
    row = b"<row>" + b"<c/>" * 11_000 + b"</row>"
    bomb = minimal_workbook(tmp_path / "cells.xlsx", sheet(row * 1_000))
    run = run_limited("validate", str(bomb))
    assert_refused(
        run,
        bomb,
        f"{bomb}: the workbook holds 11,000,000 cells, more than the limit of 2,000,000; refused; expected {LIMITS}",
    )


def test_csv_file_of_millions_of_empty_cells_is_refused_within_memory(tmp_path: Path) -> None:
    """60 MB of commas: 60 million cells, refused before the CSV parser builds a list of them."""
    folder = write_csv_folder(valid_tables(), tmp_path / "csv")
    f = folder / "demand.csv"
    with f.open("ab") as fh:
        fh.write(b"," * 60_000_000 + b"\n")
    run = run_limited("validate", str(folder))
    assert_refused(
        run,
        f,
        f"{f}: the file holds more than 2,000,000 cells; refused; expected a CSV file within planner's reading limits",
    )


def test_cells_spanning_the_whole_grid_are_refused_within_memory(tmp_path: Path) -> None:
    rows = b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    bomb = minimal_workbook(tmp_path / "grid.xlsx", sheet(rows, "A1:XFD1048576"))
    run = run_limited("validate", str(bomb))
    assert_refused(
        run,
        bomb,
        f"{bomb}: the workbook holds a sheet (part xl/worksheets/sheet1.xml) whose cells span 1,048,576 rows x 16,384 columns, more than the limit of 2,000,000 cells; refused; expected {LIMITS}",
    )


def test_entity_expansion_in_a_sheet_is_refused_within_memory(tmp_path: Path) -> None:
    """'Billion laughs': nine levels of entities expanding to 10^9 'lol's; entities are never expanded."""
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{k} "{f"&lol{k - 1};" * 10}">' for k in range(1, 10)]
    dtd = f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(levels)}]>'.encode()
    xml = dtd + sheet(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>').split(b"?>", 1)[1]
    bomb = minimal_workbook(tmp_path / "laughs.xlsx", xml)
    run = run_limited("validate", str(bomb))
    assert "Traceback" not in run.stderr and run.returncode == 1
    lines = run.stderr.splitlines()
    assert len(lines) == 2 and lines[0] == f"Error: {bomb}: 1 problem found"
    assert lines[1].startswith(f"{bomb}: the workbook cannot be opened (")


# --------------------------------------------------------------------------- not regular files, damaged containers


def test_fifo_input_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "week.xlsx"
    os.mkfifo(fifo)
    run = run_limited("validate", str(fifo), timeout=30)
    assert_refused(
        run,
        fifo,
        f"{fifo}: this is a named pipe (FIFO), not a regular file; expected an .xlsx workbook or a folder of CSV files",
    )


def test_device_input_is_refused() -> None:
    run = run_cli("validate", "/dev/zero")
    assert run.stderr_lines == error_block(
        "/dev/zero",
        ["/dev/zero: this is a device, not a regular file; expected an .xlsx workbook or a folder of CSV files"],
    )
    assert run.exit_code == 1 and run.stdout == ""


def test_fifo_in_a_csv_folder_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(valid_tables(), tmp_path / "csv")
    (folder / "pools.csv").unlink()
    os.mkfifo(folder / "pools.csv")
    run = run_limited("validate", str(folder), timeout=30)
    f = folder / "pools.csv"
    assert_refused(run, f, f"{f}: this is a named pipe (FIFO), not a regular file; expected a CSV text file")


@pytest.mark.parametrize("body", [b"\xff" * 600, bytes(range(256)) * 4, b"\0" * 1536])
def test_ole_container_with_a_corrupt_body_is_a_clear_error(tmp_path: Path, body: bytes) -> None:
    p = tmp_path / "old.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    run = run_cli("validate", p)
    assert run.stderr_lines == error_block(
        p,
        [
            f"{p}: this is a damaged OLE compound document (an old .xls or an encrypted workbook?) that cannot be read; expected {XLSX}"
        ],
    )
    assert run.exit_code == 1


def test_truncated_legacy_workbook_is_a_clear_error(tmp_path: Path) -> None:
    """A real .xls container cut after its header: the OLE parser used to end in a traceback."""
    from workbooks import biff8_workbook_stream, cfb_bytes

    p = tmp_path / "cut.xls"
    p.write_bytes(cfb_bytes({"Workbook": biff8_workbook_stream()})[:512])
    run = run_cli("validate", p)
    assert run.stderr_lines == error_block(
        p,
        [
            f"{p}: this is a damaged OLE compound document (an old .xls or an encrypted workbook?) that cannot be read; expected {XLSX}"
        ],
    )
    assert run.exit_code == 1


# --------------------------------------------------------------------------- silent misreadings in the reader


def test_utf16_csv_export_is_read_like_utf8(tmp_path: Path) -> None:
    """Excel's "Unicode Text" export: UTF-16 with a byte-order mark, tab separated."""
    utf8 = write_csv_folder(valid_tables(), tmp_path / "utf8")
    utf16 = write_csv_folder(valid_tables(), tmp_path / "utf16", delimiter="\t", encoding="utf-16")
    assert (utf16 / "demand.csv").read_bytes()[:2] == b"\xff\xfe"
    plain, unicode = run_cli("validate", utf8), run_cli("validate", utf16)
    assert unicode.exit_code == 0, unicode.stderr
    assert unicode.stdout == plain.stdout.replace(str(utf8), str(utf16))


def set_error_cell(path: Path, sheet: str, ref: str, code: str) -> Path:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cell = wb[sheet][ref]
    cell.value = code
    cell.data_type = "e"
    wb.save(path)
    return path


def test_excel_error_cells_are_reported_as_errors_not_blanks(tmp_path: Path) -> None:
    p = write_xlsx(valid_tables(), tmp_path / "errors.xlsx")
    set_error_cell(p, "demand", "E5", "#N/A")
    set_error_cell(p, "channels", "B2", "#DIV/0!")
    run = run_cli("validate", p)
    assert run.stderr_lines == error_block(
        p,
        [
            f"{p}, sheet 'demand', row 5, column 'contacts': got #N/A (an Excel error value); expected a number >= 0 and <= 1,000,000",
            f"{p}, sheet 'channels', row 2, column 'handle_minutes': got #DIV/0! (an Excel error value); expected a number of minutes > 0 and <= 1440",
        ],
    )
    assert run.exit_code == 1


def test_very_hidden_settings_sheet_is_not_used_silently(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    p = write_xlsx(valid_tables(), tmp_path / "hidden.xlsx")
    wb = load_workbook(p)
    wb["settings"].sheet_state = "veryHidden"
    wb.save(p)
    run = run_cli("validate", p)
    assert run.exit_code == 0, run.stderr
    warnings = [line for line in run.stdout.splitlines() if line.startswith("warning:")]
    assert warnings == [
        f"warning: {p}, sheet 'settings': the sheet is very hidden (it shows only in the VBA editor); it is read like any other sheet"
    ]


# --------------------------------------------------------------------------- outputs never destroy anything


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("command", ["roster", "requirements"])
def test_output_over_the_input_workbook_is_refused_before_any_work(tmp_path: Path, command: str) -> None:
    week = write_xlsx(valid_tables(), tmp_path / "week.xlsx")
    before = week.read_bytes()
    run = run_cli(command, week, "-o", week)
    assert run.stderr_lines == [f"Error: refusing to write {week}: it is the input {week}"]
    assert run.exit_code == 1 and run.stdout == ""
    assert week.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.xlsx"]


def test_output_through_another_name_of_the_input_is_refused(tmp_path: Path) -> None:
    week = write_xlsx(valid_tables(), tmp_path / "week.xlsx")
    link = tmp_path / "link.xlsx"
    os.link(week, link)  # a hard link: another name of the same file
    before = week.read_bytes()
    run = run_cli("requirements", week, "-o", link)
    assert run.stderr_lines == [f"Error: refusing to write {link}: it is the input {week}"]
    assert run.exit_code == 1 and week.read_bytes() == before


def test_csv_output_folder_that_is_the_input_folder_is_refused(tmp_path: Path) -> None:
    folder = write_csv_folder(valid_tables(), tmp_path / "week")
    before = snapshot(folder)
    run = run_cli("roster", folder, "--format", "csv", "-o", folder)
    assert run.stderr_lines == [f"Error: refusing to write {folder}: it is the input {folder}"]
    assert run.exit_code == 1
    run = run_cli("roster", folder / "demand", "--format", "csv", "-o", tmp_path)
    assert run.stderr_lines[0].startswith("Error: ")  # a missing input is reported before the output
    run = run_cli("roster", folder, "--format", "csv", "-o", tmp_path)
    assert run.stderr_lines == [f"Error: refusing to write {tmp_path}: it holds the input {folder}"]
    run = run_cli("requirements", folder, "-o", folder / "demand.csv")
    assert run.stderr_lines == [
        f"Error: refusing to write {folder / 'demand.csv'}: it would be a file of the input folder {folder}"
    ]
    assert snapshot(folder) == before


def test_fifo_or_folder_as_output_file_is_refused(tmp_path: Path) -> None:
    week = write_xlsx(valid_tables(), tmp_path / "week.xlsx")
    fifo = tmp_path / "out.xlsx"
    os.mkfifo(fifo)
    run = run_cli("requirements", week, "-o", fifo)
    assert run.stderr_lines == [f"Error: refusing to write {fifo}: it is a named pipe (FIFO), not a regular file"]
    assert run.exit_code == 1
    assert fifo.is_fifo()
    folder = tmp_path / "folder.xlsx"
    folder.mkdir()
    run = run_cli("roster", week, "-o", folder)  # refused as a path that does not suit the format
    assert run.exit_code == 2 and folder.is_dir() and not any(folder.iterdir())
    run = run_cli("init", fifo, "--force")
    assert run.stderr_lines == [f"Error: refusing to write {fifo}: it is a named pipe (FIFO), not a regular file"]
    assert fifo.is_fifo()


def test_device_node_as_output_is_refused(tmp_path: Path) -> None:
    """A character device (like /dev/null, made here in a scratch folder when allowed) used to be
    replaced by a regular file."""
    import stat

    node = tmp_path / "null.xlsx"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except PermissionError:
        node = Path("/dev/null")  # without the right to make a device, nor to replace this one
    week = write_xlsx(valid_tables(), tmp_path / "week.xlsx")
    for args in (("requirements", week, "-o", node), ("roster", week, "-o", node)):
        run = run_cli(*args)
        assert run.stderr_lines == [f"Error: refusing to write {node}: it is a device, not a regular file"]
        assert run.exit_code == 1
    assert stat.S_ISCHR(node.stat().st_mode)


def test_capacity_simulate_and_scenarios_never_write_over_their_inputs(tmp_path: Path) -> None:
    import shutil

    week = Path(shutil.copy("inputs/tiny.xlsx", tmp_path / "week.xlsx"))
    other = Path(shutil.copy("inputs/tiny.xlsx", tmp_path / "other.xlsx"))
    before = week.read_bytes(), other.read_bytes()
    run = run_cli("capacity", week, other, "-o", other)
    assert run.stderr_lines == [f"Error: refusing to write {other}: it is the input {other}"]
    assert run.exit_code == 1
    run = run_cli("simulate", week, other, "-o", week)
    assert run.stderr_lines == [f"Error: refusing to write {week}: it is the input {week}"]
    assert run.exit_code == 1
    run = run_cli("scenarios", week, other, "-o", other)
    assert run.stderr_lines == [f"Error: refusing to write {other}: it is the input {other}"]
    assert run.exit_code == 1
    assert (week.read_bytes(), other.read_bytes()) == before


def test_csv_output_replaces_only_folders_planner_wrote_and_swaps_them_whole(tmp_path: Path) -> None:
    mine = tmp_path / "notes"
    mine.mkdir()
    (mine / "plan.txt").write_text("my notes", encoding="utf-8")
    run = run_cli("roster", "inputs/tiny.xlsx", "--format", "csv", "-o", mine)
    assert run.stderr_lines == [
        f"Error: refusing to replace the folder {mine}: planner did not write it (it has no .planner-output file); give a new or empty folder"
    ]
    assert run.exit_code == 1
    assert snapshot(mine) == {"plan.txt": b"my notes"}
    out = tmp_path / "roster"
    assert run_cli("roster", "inputs/tiny.xlsx", "--format", "csv", "-o", out).exit_code == 0
    first = snapshot(out)
    assert {".planner-output", "summary.csv", "shifts.csv", "coverage.csv", "gaps.csv"} <= set(first)
    (out / "stale.csv").write_text("from an older run", encoding="utf-8")
    assert run_cli("roster", "inputs/tiny.xlsx", "--format", "csv", "-o", out).exit_code == 0
    second = snapshot(out)
    assert sorted(second) == sorted(first)  # swapped in whole: nothing of the older folder is left
    assert second["shifts.csv"] == first["shifts.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes", "roster"]  # no temporary folders


def _stop_after_first(kind: str, path: Path) -> BaseException:
    from planner.errors import OutputError
    from planner.interrupts import Interrupted

    return OutputError(f"cannot write {path}: No space left on device") if kind == "disk" else Interrupted(2)


@pytest.mark.parametrize("kind", ["disk", "signal"])
def test_csv_folder_failing_midway_leaves_the_previous_folder_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    """A full disk, or Ctrl-C, after the first file of the new folder: the old folder is whole and no
    temporary folder is left."""
    import pandas as pd

    import planner.outputs.files as files

    out = tmp_path / "roster"
    files.write_csv_folder(out, {"a": pd.DataFrame({"x": [1]}), "b": pd.DataFrame({"y": [2]})})
    before = snapshot(out)
    real = files.write_csv
    written: list[str] = []

    def stops(path: Path, frame: pd.DataFrame) -> Path:
        if written:
            raise _stop_after_first(kind, path)
        written.append(str(path))
        return real(path, frame)

    monkeypatch.setattr(files, "write_csv", stops)
    with pytest.raises(BaseException) as caught:
        files.write_csv_folder(out, {"a": pd.DataFrame({"x": [3]}), "b": pd.DataFrame({"y": [4]})})
    assert type(caught.value).__name__ == ("OutputError" if kind == "disk" else "Interrupted")
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster"]


def test_workbook_interrupted_while_saving_leaves_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd
    from openpyxl import Workbook

    import planner.outputs.files as files
    from planner.interrupts import Interrupted

    out = tmp_path / "week.xlsx"
    out.write_bytes(b"previous roster")

    def interrupted(_self: object, path: str) -> None:
        Path(path).write_bytes(b"half a workbook")
        raise Interrupted(15)

    monkeypatch.setattr(Workbook, "save", interrupted)
    with pytest.raises(Interrupted):
        files.write_workbook(out, [files.SheetOut("s", pd.DataFrame({"x": [1]}))])
    assert out.read_bytes() == b"previous roster"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["week.xlsx"]


# --------------------------------------------------------------------------- signals


def _solver_children(pid: int) -> list:
    import psutil

    return [p for p in psutil.Process(pid).children(recursive=True) if p.is_running()]


@pytest.mark.parametrize(
    ("signame", "solver", "code"),
    [("SIGINT", "highs", 130), ("SIGTERM", "cbc", 143), ("SIGINT", "cbc", 130)],
)
def test_signal_stops_the_solve_and_leaves_the_previous_output(
    tmp_path: Path, signame: str, solver: str, code: int
) -> None:
    """A real `planner roster` on the sample: the signal arrives while the solver runs; the run stops
    within 5 s with one line, the previous output is byte-identical, and no temporary file or solver
    process is left behind."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "week.xlsx"
    previous = write_xlsx(valid_tables(), out).read_bytes()
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", "roster", "inputs/exchange_week.xlsx", "-o", str(out), "--solver", solver],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        children: list = []
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.25)
            children = _solver_children(proc.pid)
            # CBC: until its process exists; HiGHS runs in-process: until the model is built and solving
            if (solver == "cbc" and children) or (solver == "highs" and psutil.Process(proc.pid).cpu_times().user > 4):
                break
        assert proc.poll() is None, "the solve ended before the signal was sent"
        time.sleep(1.0)
        children = _solver_children(proc.pid) if solver == "cbc" else []
        sent = time.monotonic()
        proc.send_signal(getattr(signal, signame))
        _, stderr = proc.communicate(timeout=5)
        assert time.monotonic() - sent < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == code
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == f"Interrupted ({signame}): stopped; existing outputs are left as they were"
    assert out.read_bytes() == previous
    assert sorted(p.name for p in out_dir.iterdir()) == ["week.xlsx"]
    assert list(scratch.iterdir()) == []  # the solver's model, solution and log files are gone
    if solver == "cbc":
        assert children, "CBC was running when the signal was sent"
    assert not any(c.is_running() and c.status() != psutil.STATUS_ZOMBIE for c in children)


def test_sigterm_stops_a_parallel_scenario_sweep(tmp_path: Path) -> None:
    """Scenario solves run in worker processes: SIGTERM ends them all (multiprocessing's resource
    tracker is left to clean up after them, so nothing prints a traceback)."""
    import signal
    import subprocess
    import sys
    import time

    import psutil

    out = tmp_path / "table.xlsx"
    out.write_bytes(b"previous table")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    args = ["scenarios", "inputs/exchange_week.xlsx", "inputs/scenarios.xlsx", "--jobs", "2", "-o", str(out)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        deadline = time.monotonic() + 60
        workers: list = []
        while time.monotonic() < deadline and proc.poll() is None and len(workers) < 3:
            time.sleep(0.25)
            workers = psutil.Process(proc.pid).children(recursive=True)  # the tracker and two workers
        time.sleep(3.0)
        assert proc.poll() is None, "the sweep ended before the signal was sent"
        workers = psutil.Process(proc.pid).children(recursive=True)
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=5)
        assert time.monotonic() - sent < 5
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 143
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == "Interrupted (SIGTERM): stopped; existing outputs are left as they were"
    assert out.read_bytes() == b"previous table"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["table.xlsx"]
    time.sleep(1.0)  # the resource tracker leaves once its parent has gone
    assert len(workers) >= 2
    assert not any(w.is_running() and w.status() != psutil.STATUS_ZOMBIE for w in workers)


def test_a_run_stuck_in_native_code_is_given_up_after_the_grace(tmp_path: Path) -> None:
    """A solver phase that polls no callback: the signal is only recorded inside a native call, so the
    watchdog (woken by the signal itself) removes the registered temporary folder and gives up."""
    import subprocess
    import sys
    import time

    scratch = tmp_path / "solver-files"
    code = f"""
import os, signal, threading, time
from planner import interrupts

def give_up(signum):
    print("gave up", signum, flush=True)
    os._exit(128 + signum)

os.mkdir({str(scratch)!r})
with interrupts.signals_handled(give_up=give_up, grace=0.5), interrupts.temporary_folder({str(scratch)!r}):
    threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGTERM)).start()
    with interrupts.native_call():
        time.sleep(30)  # resumed after the handler: like native code that ignores the signal
print("not reached", flush=True)
"""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=20, check=False
    )
    assert time.monotonic() - started < 10
    assert proc.returncode == 143, proc.stderr
    assert proc.stdout == "gave up 15\n"
    assert not scratch.exists()


# --------------------------------------------------------------------------- silent misreadings, legal inputs after the solve


def test_hourly_data_stamped_at_quarter_past_stays_hourly(tmp_path: Path) -> None:
    """A site in a +05:45 zone stamps its hours at :15 UTC; that is hourly data (4x over-staffed when
    read as 15-minute data), on a grid starting at 00:15 UTC."""
    import datetime as dt

    from planner.inputs.load import load_scenario

    t = valid_tables()
    for row in t["demand"][1:]:
        row[0] = row[0] + dt.timedelta(minutes=15)
    shifted = load_scenario(write_xlsx(t, tmp_path / "kathmandu.xlsx"))
    plain = load_scenario(write_xlsx(valid_tables(), tmp_path / "plain.xlsx"))
    assert shifted.horizon.interval_minutes == 60
    assert shifted.horizon.start == dt.datetime(2026, 3, 23, 0, 15, tzinfo=dt.UTC)
    assert shifted.demand["interval"].tolist() == plain.demand["interval"].tolist()
    assert shifted.demand["contacts"].tolist() == plain.demand["contacts"].tolist()


def test_mixed_interval_lengths_are_read_as_stated_by_the_setting(tmp_path: Path) -> None:
    import datetime as dt

    from planner.inputs.load import load_scenario

    t = valid_tables()
    t["demand"] += [
        [row[0] + dt.timedelta(minutes=30), "en", "chat", "standard", 3.0]
        for row in t["demand"][1:]
        if row[2] == "chat" and row[1] == "en"
    ]
    t["settings"].append(["interval_minutes", 30])
    scenario = load_scenario(write_xlsx(t, tmp_path / "stated.xlsx"))
    assert scenario.horizon.interval_minutes == 30
    assert len(scenario.demand) == len(t["demand"]) - 1


def tiny_tables():
    """valid_tables() without the vip tier and the email channel: a quick roster."""
    t = valid_tables()
    t["demand"] = [r for r in t["demand"] if r[2] != "email" and r[3] != "vip"]
    return t


def roster(tmp_path: Path, t, *extra: str):
    p = write_xlsx(t, tmp_path / "in.xlsx")
    out = tmp_path / "out.xlsx"
    run = run_cli("roster", p, "-o", out, *extra)
    assert "Traceback" not in run.stdout + run.stderr
    return run, out


def test_zero_demand_everywhere_gives_an_empty_roster(tmp_path: Path) -> None:
    """Used to write the output and then raise a TypeError printing the summary."""
    t = tiny_tables()
    for row in t["demand"][1:]:
        row[4] = 0
    run, out = roster(tmp_path, t)
    assert run.exit_code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[1] == "Cost: 0.00 EUR a week, 0 EUR a year (52 weeks)"
    assert "LP-relaxation bound 0.00 (cost within 0.000% of it)" in lines[2]
    assert lines[-1] == f"Wrote {out}"
    run, _ = roster(tmp_path, t, "--json")
    import json

    assert json.loads(run.stdout)["metrics"]["gap_to_lp_bound"] == 0.0


def test_all_costs_zero_still_covers_the_demand(tmp_path: Path) -> None:
    t = tiny_tables()
    for row in t["sites"][1:]:
        row[2] = 0
    for row in t["pools"][1:]:
        row[5] = None
    run, out = roster(tmp_path, t)
    assert run.exit_code == 0, run.stderr
    assert run.stdout.splitlines()[1] == "Cost: 0.00 EUR a week, 0 EUR a year (52 weeks)"
    assert "Coverage: every queue meets its target in every interval with demand" in run.stdout
    assert out.is_file()


def test_non_ascii_pool_names_stay_distinct_in_the_model(tmp_path: Path) -> None:
    """'東京' and '大阪' used to be the same (empty) name in the model."""
    t = tiny_tables()
    t["pools"][2][0] = "東京"
    t["pools"][3][0] = "大阪"
    run, out = roster(tmp_path, t)
    assert run.exit_code == 0, run.stderr
    import pandas as pd

    pools = set(pd.read_excel(out, sheet_name="headcount", engine="openpyxl")["Pool"])
    assert pools == {"東京", "大阪", "lisbon_en"}


def test_shift_windows_that_never_fit_give_the_partial_roster_with_named_gaps(tmp_path: Path) -> None:
    """Every template may be used only at tokyo, where no pool works: no shift can be scheduled, so
    the roster is empty and every demand is a gap saying why (exit 1, as for any shortfall)."""
    import pandas as pd

    t = tiny_tables()
    t["pools"] = [t["pools"][0], t["pools"][1], t["pools"][3]]  # lisbon pools only
    t["shifts"] = [t["shifts"][0], ["day", 8, 9, "06:00", "12:00", 60, "tokyo"]]
    run, out = roster(tmp_path, t)
    assert run.exit_code == 1
    assert (
        run.stderr.splitlines()[0]
        == f"warning: {tmp_path / 'in.xlsx'}, sheet 'shifts': no shift template may be used at site 'lisbon'"
    )
    assert run.stdout.splitlines()[0] == f"Roster for {tmp_path / 'in.xlsx'}: 0 shifts, 0 paid hours a week"
    gaps = pd.read_excel(out, sheet_name="gaps", engine="openpyxl")
    demand = [r for r in t["demand"][1:] if r[4] > 0]
    assert len(gaps) == len(demand)
    assert set(gaps["Reason"]) == {
        "time-zone gap: no pool that speaks 'en' and works chat can be on shift then under the shift windows (sites: lisbon)",
        "time-zone gap: no pool that speaks 'ja' and works chat can be on shift then under the shift windows (sites: lisbon)",
    }


def test_threads_beyond_the_bound_is_a_usage_error() -> None:
    run = run_cli("roster", "inputs/tiny.xlsx", "--threads", "100000")
    assert run.exit_code == 2
    assert run.stderr_lines[-1] == "Error: Invalid value for '--threads': 100000 is not in the range 1<=x<=256."


# --------------------------------------------------------------------------- fuzzing the sample workbook


def _tiny_tables() -> dict[str, list[list[object]]]:
    from openpyxl import load_workbook

    wb = load_workbook(Path(__file__).resolve().parent.parent / "inputs" / "tiny.xlsx")
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


TINY = _tiny_tables()
SHEETS = sorted(TINY)

_TEXT = st.text(st.characters(exclude_categories=("Cs", "Cc")), max_size=12)
_SPECIAL = st.sampled_from(
    [
        "",
        " ",
        "=1+1",
        "#N/A",
        "80%",
        "-0",
        "1e308",
        "nan",
        "inf",
        "2026-03-23 09:00",
        "24:00",
        "yes",
        "x",
        "9999-12-31",
        "ja, en",
        "Asia/Kathmandu",
    ]
)
CELL = st.one_of(
    st.none(),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 0.0, 1, -1, 0.5, 1e-9, 1e6, 1e20]),
    st.booleans(),
    st.datetimes(min_value=_dt.datetime(1900, 3, 1), max_value=_dt.datetime(9999, 12, 31)),
    st.times(),
    _TEXT,
    _SPECIAL,
)
MUTATION = st.tuples(
    st.sampled_from(SHEETS), st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=9), CELL
)


def _mutated(mutations: list[tuple[str, int, int, object]]) -> dict[str, list[list[object]]]:
    tables = {name: [list(r) for r in rows] for name, rows in TINY.items()}
    for sheet, row, col, value in mutations:
        rows = tables[sheet]
        r = rows[row % len(rows)]
        r[col % len(r)] = value
    return tables


def _write(tables: dict[str, list[list[object]]], path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in tables.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(
    max_examples=200, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(mutations=st.lists(MUTATION, min_size=1, max_size=4), validate=st.booleans())
def test_mutated_sample_gives_a_result_or_located_errors(fuzz_dir: Path, mutations: list, validate: bool) -> None:
    """Cells of the tiny sample changed to other types, magnitudes, blanks and text: `validate` or
    `requirements` exits 0 with a result or 1 with located error lines, never with a traceback."""
    path = _write(_mutated(mutations), fuzz_dir / "fuzzed.xlsx")
    run = run_cli("validate" if validate else "requirements", path)  # exceptions propagate: a failure
    event(f"exit {run.exit_code}")
    assert run.exit_code in (0, 1), run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    if run.exit_code == 0:
        assert run.stdout.strip()
        return
    errors = [line for line in run.stderr_lines if not line.startswith("warning:")]
    head = errors[0]
    assert head.startswith(f"Error: {path}: ") and head.endswith("found"), head
    n = int(head.split(": ")[-1].split()[0])
    assert n == len(errors) - 1 >= 1
    assert all(line.startswith(str(path)) for line in errors[1:]), errors


def test_running_out_of_memory_is_one_error_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inputs within every limit can still be too large for a small machine: no traceback then either."""
    import planner.inputs.load as load

    def exhausted(_path: object) -> None:
        raise MemoryError

    monkeypatch.setattr(load, "load_scenario", exhausted)
    run = run_cli("requirements", "inputs/tiny.xlsx")
    assert run.stderr_lines == ["Error: not enough memory to finish: the input is too large for this machine"]
    assert run.exit_code == 1 and run.stdout == ""


#: (sheet, column) cells a roster fuzz may change; values stay within the contract, so the solve runs
ROSTER_CELLS = [
    ("demand", 4),
    ("channels", 1),
    ("channels", 2),
    ("channels", 4),
    ("channels", 5),
    ("sites", 2),
    ("sites", 3),
    ("sites", 5),
    ("pools", 4),
    ("pools", 5),
    ("shifts", 1),
    ("shifts", 5),
]
ROSTER_VALUE = st.sampled_from([None, 0, 1e-6, 0.5, 1, 3, 60, 1000, 100_000])


@settings(max_examples=4, deadline=None, derandomize=True, database=None)
@given(
    mutations=st.lists(
        st.tuples(st.sampled_from(ROSTER_CELLS), st.integers(min_value=1, max_value=200), ROSTER_VALUE),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_sample_roster_gives_a_roster_or_located_errors(fuzz_dir: Path, mutations: list) -> None:
    """A few roster runs on the tiny sample with changed numbers: a roster (exit 0, or 1 with a
    shortfall) or located errors, never a traceback after the solve."""
    path = _write(_mutated([(s, r, c, v) for (s, c), r, v in mutations]), fuzz_dir / "roster_in.xlsx")
    out = fuzz_dir / "roster_out.xlsx"
    out.unlink(missing_ok=True)
    run = run_cli("roster", path, "-o", out, "--time-limit", "10")
    assert run.exit_code in (0, 1), run.stderr
    assert "Traceback" not in run.stdout + run.stderr
    if run.stdout:
        assert run.stdout.splitlines()[-1] == f"Wrote {out}" and out.is_file()
        return
    errors = [line for line in run.stderr_lines if line.startswith("Error: ")]
    assert len(errors) == 1 and errors[0].startswith(f"Error: {path}: ") and errors[0].endswith("found"), run.stderr
    assert not out.exists()


def test_negligible_deferred_work_nobody_can_do_is_a_gap_not_an_infeasible_model(tmp_path: Path) -> None:
    """Found by the roster fuzz: email work below the solver's tolerance, at a site capped at 0 agents,
    made the LP infeasible ('the LP relaxation ended with status Infeasible')."""
    t = _mutated([("sites", 1, 5, 0), ("channels", 2, 1, 1e-6)])  # lisbon max_agents 0; email handle 1e-6 min
    run, out = roster(tmp_path, t)
    assert run.exit_code == 1
    assert run.stdout.splitlines()[0] == f"Roster for {tmp_path / 'in.xlsx'}: 0 shifts, 0 paid hours a week"
    assert "SHORTFALL" in run.stdout and out.is_file()
