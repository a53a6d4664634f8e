"""The README's input reference is the one generated from the input contract."""

from __future__ import annotations

from pathlib import Path

from planner.inputs.contract import SHEETS
from planner.inputs.settings import SETTING_SPECS
from planner.outputs.reference import BEGIN, END, input_reference

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_input_reference_is_current():
    text = README.read_text(encoding="utf-8")
    start = text.index(BEGIN) + len(BEGIN)
    end = text.index(END)
    assert text[start:end].strip() == input_reference().strip(), (
        "run `python -m planner.outputs.reference` and paste it into README.md"
    )


def test_every_sheet_column_and_setting_is_documented():
    text = README.read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"`{sheet.name}`" in text
        for col in sheet.columns:
            assert f"`{col.name}`" in text
    for s in SETTING_SPECS:
        assert f"`{s.name}`" in text


def test_readme_opens_with_the_two_setup_commands():
    text = README.read_text(encoding="utf-8")
    blocks = [b.split("\n", 1)[1].split("```", 1)[0].strip() for b in text.split("```bash")[1:3]]
    assert blocks[0].endswith("planner roster inputs/exchange_week.xlsx")
    assert "pip install -e '.[test]'" in blocks[1] and blocks[1].endswith("python -m pytest -q")
