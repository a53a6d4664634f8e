"""scripts/compare_outputs.py: exact sheet-by-sheet comparison, timing rows and the gap rewording expected."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pandas as pd

_spec = importlib.util.spec_from_file_location("compare_outputs", Path("scripts/compare_outputs.py"))
assert _spec is not None and _spec.loader is not None
compare_outputs = importlib.util.module_from_spec(_spec)
sys.modules["compare_outputs"] = compare_outputs
_spec.loader.exec_module(compare_outputs)


def _folder(path: Path, weekly_cost: float, solve_seconds: float, reason: str) -> Path:
    path.mkdir()
    pd.DataFrame({"metric": ["weekly_cost", "solve_seconds"], "value": [weekly_cost, solve_seconds]}).to_csv(
        path / "summary.csv", index=False
    )
    pd.DataFrame({"language": ["en"], "shortfall": [1.5], "reason": [reason]}).to_csv(path / "gaps.csv", index=False)
    return path


def test_only_timing_and_the_flag_free_wording_are_expected(tmp_path):
    old_reason = "... or a longer --time-limit or a smaller --gap would cover it"
    new_reason = "... or a longer time limit or a smaller relative gap would cover it"
    old = _folder(tmp_path / "old", 100.0, 1.0, old_reason)
    same = _folder(tmp_path / "same", 100.0, 2.5, new_reason)
    diffs = compare_outputs.compare(old, same)
    assert [(d.sheet, d.what, d.expected) for d in diffs] == [
        ("gaps", "reason wording", True),
        ("summary", "value of solve_seconds", True),
    ]
    other = _folder(tmp_path / "other", 101.0, 1.0, old_reason)
    diffs = compare_outputs.compare(old, other)
    assert [(d.sheet, d.what, d.expected) for d in diffs] == [("summary", "value of weekly_cost", False)]
    assert compare_outputs.main([str(old), str(other)]) == 1
    assert compare_outputs.main([str(old), str(same)]) == 0
