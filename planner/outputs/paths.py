"""Output paths against output formats: what a path should look like for a format, checked before any
work starts so a long solve never ends in a refused path."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class OutputFormat(Enum):
    XLSX = "xlsx"  # one workbook, FILE.xlsx
    CSV = "csv"  # one CSV file, FILE.csv
    CSV_FOLDER = "csv-folder"  # one CSV file per table, in a folder


@dataclass(frozen=True)
class PathMismatch:
    """``path`` does not suit ``fmt``; ``suggestion`` is the nearest path that does."""

    path: Path
    fmt: OutputFormat
    suggestion: Path

    def describe(self) -> str:
        want = {
            OutputFormat.XLSX: "a workbook name ending in .xlsx",
            OutputFormat.CSV: "a file name ending in .csv",
            OutputFormat.CSV_FOLDER: "a folder (a name without .csv or .xlsx)",
        }[self.fmt]
        return f"{self.path} does not suit {self.fmt.value.replace('-folder', '')} output, which needs {want}"


def path_mismatch(path: Path, fmt: OutputFormat) -> PathMismatch | None:
    """None when ``path`` suits ``fmt``, else what is wrong and the path to use instead."""
    suffix = path.suffix.lower()
    if fmt is OutputFormat.CSV_FOLDER:
        if suffix in (".csv", ".xlsx", ".xls", ".xlsm") or (path.exists() and not path.is_dir()):
            return PathMismatch(path, fmt, path.with_suffix("") if suffix else path.with_name(path.name + "_csv"))
        return None
    want = "." + fmt.value
    if suffix == want and not path.is_dir():
        return None
    return PathMismatch(path, fmt, path.with_suffix(want) if suffix else path.with_name(path.name + want))


def plots_folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a folder of plots (None when it can)."""
    if path.exists() and not path.is_dir():
        return f"{path} is a file, not a folder for plots"
    if path.suffix.lower() in (".png", ".xlsx", ".csv", ".pdf"):
        return f"{path} looks like a file name; plots go into a folder, for example {path.with_suffix('')}"
    return None
