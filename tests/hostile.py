"""Builders of hostile inputs for the hardening tests: zip archives whose headers lie, resource bombs,
and a subprocess runner under a memory limit.

``zip_parts`` writes a zip archive by hand (local headers, deflated data, central directory) so a
test can make a part's declared size differ from what its data inflates to, which Python's own
``zipfile`` writer never does.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from workbooks import valid_tables, write_xlsx

REPO = Path(__file__).resolve().parent.parent
MEMORY_LIMIT = 1 << 30  # 1 GiB of address space


@dataclass(frozen=True)
class Part:
    """One archive member; ``declared`` overrides the uncompressed size (and CRC) its headers state."""

    name: str
    data: bytes
    declared: int | None = None


def deflate(data: bytes) -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def zip_parts(path: Path, parts: list[Part], compressed: dict[str, bytes] | None = None) -> Path:
    """Write the parts as a deflated zip archive; ``compressed`` gives ready deflated bytes by name."""
    out = bytearray()
    central = bytearray()
    for part in parts:
        raw = (compressed or {}).get(part.name) or deflate(part.data)
        size = len(part.data) if part.declared is None else part.declared
        crc = zlib.crc32(part.data[:size])
        name = part.name.encode()
        offset = len(out)
        out += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(raw), size, len(name), 0)
        out += name + raw
        central += struct.pack(
            "<4sHHHHHHIIIHHHHHII",
            b"PK\x01\x02",
            20,
            20,
            0,
            8,
            0,
            0x21,
            crc,
            len(raw),
            size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        central += name
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(parts), len(parts), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))
    return path


def workbook_parts(tmp: Path) -> list[Part]:
    """The parts of the valid test workbook, in order."""
    src = write_xlsx(valid_tables(), tmp / "source.xlsx")
    with zipfile.ZipFile(src) as zf:
        return [Part(i.filename, zf.read(i.filename)) for i in zf.infolist()]


def replace_part(parts: list[Part], name: str, data: bytes, declared: int | None = None) -> list[Part]:
    return [Part(name, data, declared) if p.name == name else p for p in parts]


def zeros_deflated(n: int) -> bytes:
    """``n`` zero bytes, deflated in pieces (never holding ``n`` bytes at once)."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\0" * (1 << 24)
    out = [c.compress(block) for _ in range(n // len(block))]
    out.append(c.compress(b"\0" * (n % len(block))))
    out.append(c.flush())
    return b"".join(out)


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_limited(*args: str, cwd: Path | None = None, timeout: float = 120) -> Run:
    """``planner ARGS`` in a fresh interpreter whose address space is capped at 1 GiB."""
    code = (
        "import resource, sys\n"
        f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
        "from planner.cli import cli\n"
        "cli(sys.argv[1:], prog_name='planner')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "OPENBLAS_NUM_THREADS": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=timeout,
        check=False,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)
