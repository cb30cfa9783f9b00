"""Excel downloads: a title, a bold header, the rows, amounts formatted as money."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font


def workbook(
    sheet_title: str,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    money_column: int,
    bold_last: bool = False,
) -> bytes:
    """One sheet: ``title`` on row 1, ``header`` in bold, then ``rows``; the 1-based
    ``money_column`` shown as #,##0.00; ``bold_last`` for a Total row."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title
    sheet.append([title])
    sheet["A1"].font = Font(bold=True)
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # text that starts with "=" stays text, never a formula
                cell.data_type = "s"
    if bold_last and sheet.max_row > 2:
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    for (cell,) in sheet.iter_rows(min_row=3, min_col=money_column, max_col=money_column):
        cell.number_format = "#,##0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
