"""Downloads never hand a spreadsheet a formula: names and notes come from members and from
imported files."""

from __future__ import annotations

import io

import openpyxl

from chapter.platform.csv_download import plain_cell
from chapter.platform.spreadsheets import workbook

ATTACKS = ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)"]


def test_csv_cells_that_would_be_formulas_get_an_apostrophe() -> None:
    assert [plain_cell(value) for value in ATTACKS] == ["'" + value for value in ATTACKS]
    assert [plain_cell(v) for v in ("Ann Lee", 12, -5, None)] == ["Ann Lee", 12, -5, None]


def test_xlsx_text_that_starts_with_an_equals_sign_stays_text() -> None:
    data = workbook("Sheet", "Title", ["Name"], [[ATTACKS[0]], ["Ann"]], money_column=2)
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A3"].value == ATTACKS[0]
    assert sheet["A3"].data_type == "s"
