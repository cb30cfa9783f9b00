"""Read a spreadsheet's first sheet into a grid of text cells, whatever it was saved as.

BNI Connect exports "Excel" files that are SpreadsheetML 2003 XML; users re-save them as real
``.xlsx`` or CSV. The format is told from the content, never the file name. Every reader
gives the same thing: rows of ``Cell`` (text, bold), columns in place (a merged cell keeps its
value in its first column and leaves the swallowed ones empty). Bytes in, values out: nothing
from a file is executed, XML with a DTD or entities is refused (defusedxml), and a broken file
raises ``UnreadableFile`` with a message a leader can act on.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
MAX_ROWS = 100_000
MAX_COLUMNS = 200


class UnreadableFile(ValueError):
    """The bytes are not a spreadsheet this importer can read; the message says why."""


class FileFormat(StrEnum):
    SPREADSHEETML = "spreadsheetml"
    XLSX = "xlsx"
    CSV = "csv"

    @property
    def label(self) -> str:
        return {
            "spreadsheetml": "Excel 2003 XML (.xls from BNI Connect)",
            "xlsx": "Excel workbook (.xlsx)",
            "csv": "CSV",
        }[self.value]


@dataclass(frozen=True)
class Cell:
    text: str = ""
    bold: bool = False


EMPTY = Cell()
Row = list[Cell]


@dataclass(frozen=True)
class Sheet:
    format: FileFormat
    rows: list[Row]

    def cell(self, row: int, column: int) -> Cell:
        """0-based; outside the sheet is an empty cell."""
        if row < len(self.rows) and column < len(self.rows[row]):
            return self.rows[row][column]
        return EMPTY


def detect_format(data: bytes) -> FileFormat:
    if data.startswith(b"PK\x03\x04"):
        return FileFormat.XLSX
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml") or head.startswith(b"<workbook"):
        return FileFormat.SPREADSHEETML
    if data.startswith((b"\xd0\xcf\x11\xe0", b"%PDF", b"\x7fELF", b"MZ")) or b"\x00" in head:
        raise UnreadableFile(
            "This is not a file the importer can read: upload the Excel (.xls or .xlsx) "
            "or CSV file exported from BNI Connect."
        )
    return FileFormat.CSV


def read_sheet(data: bytes) -> Sheet:
    """The first worksheet of ``data`` as rows of cells."""
    if not data.strip():
        raise UnreadableFile("The file is empty.")
    file_format = detect_format(data)
    reader = {
        FileFormat.SPREADSHEETML: _read_spreadsheetml,
        FileFormat.XLSX: _read_xlsx,
        FileFormat.CSV: _read_csv,
    }[file_format]
    rows = reader(data)
    if len(rows) > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows.")
    while rows and not any(cell.text for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise UnreadableFile("The file has no rows.")
    return Sheet(file_format, rows)


def _read_spreadsheetml(data: bytes) -> list[Row]:
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise UnreadableFile(
            "The XML file declares a DTD or entities, which the importer refuses."
        ) from error
    except (ParseError, LookupError, ValueError) as error:  # LookupError: unknown encoding
        raise UnreadableFile(f"The XML file is broken ({error}).") from error
    if root.tag != f"{SS}Workbook":
        raise UnreadableFile("The XML file is not an Excel 2003 (SpreadsheetML) workbook.")
    bold_styles = {
        style.get(f"{SS}ID")
        for style in root.iter(f"{SS}Style")
        if (font := style.find(f"{SS}Font")) is not None and font.get(f"{SS}Bold") == "1"
    }
    sheet = root.find(f"{SS}Worksheet/{SS}Table")
    if sheet is None:
        raise UnreadableFile("The workbook has no worksheet.")
    rows: list[Row] = []
    for row in sheet.findall(f"{SS}Row"):
        index = _int_attr(row, "Index", len(rows) + 1)
        if not 0 < index <= MAX_ROWS:
            raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows.")
        while len(rows) < index - 1:
            rows.append([])
        cells: Row = []
        column = 0
        for cell in row.findall(f"{SS}Cell"):
            column = _int_attr(cell, "Index", column + 1)
            if column > MAX_COLUMNS:
                raise UnreadableFile(f"A row has more than {MAX_COLUMNS} columns.")
            data_node = cell.find(f"{SS}Data")
            text = _xml_text(data_node)
            while len(cells) < column - 1:
                cells.append(EMPTY)
            cells.append(Cell(text, cell.get(f"{SS}StyleID") in bold_styles) if text else EMPTY)
            column += _int_attr(cell, "MergeAcross", 0)
        rows.append(cells)
    return rows


def _xml_text(node: object) -> str:
    if node is None:
        return ""
    text = "".join(node.itertext()).strip()  # type: ignore[attr-defined]
    if node.get(f"{SS}Type") == "DateTime" and "T" in text:  # type: ignore[attr-defined]
        text = text.split("T", 1)[0]  # dates are what the reports carry
    if node.get(f"{SS}Type") == "Number":  # type: ignore[attr-defined]
        text = number_text(text)
    return text


def number_text(text: str) -> str:
    """A number cell's text, so that the money rule (``chapter.ledger.money``, which reads
    typed "1.000" as one thousand) reads it as the number it is: a fraction of exactly three
    digits keeps a fourth ("12.345" -> "12.3450", refused there as more than two decimals)."""
    whole, dot, fraction = text.partition(".")
    if dot and len(fraction) == 3 and fraction.isdigit():
        return f"{whole}.{fraction}0"
    return text


def _int_attr(node: object, name: str, default: int) -> int:
    raw = node.get(f"{SS}{name}")  # type: ignore[attr-defined]
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise UnreadableFile(f"The XML file has a bad {name} ({raw!r}).") from error


def _read_xlsx(data: bytes) -> list[Row]:
    from openpyxl import load_workbook  # heavy: imported only for .xlsx files

    try:
        book = load_workbook(io.BytesIO(data), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFile(f"The .xlsx file is broken ({error}).") from error
    except Exception as error:  # openpyxl raises many kinds on malformed packages
        raise UnreadableFile("The .xlsx file could not be read.") from error
    sheet = book.worksheets[0]
    if sheet.max_row > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} rows.")
    rows: list[Row] = []
    for row in sheet.iter_rows(max_col=min(sheet.max_column, MAX_COLUMNS)):
        cells: Row = []
        for cell in row:
            text = _xlsx_text(cell.value)
            bold = bool(text and cell.font is not None and cell.font.b)
            cells.append(Cell(text, bold) if text else EMPTY)
        rows.append(cells)
    return rows


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return number_text(str(Decimal(repr(value))))
    return str(value).strip()


class _Semicolons(csv.excel):
    delimiter = ";"


def _read_csv(data: bytes) -> list[Row]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise UnreadableFile("The CSV file is not in a text encoding the importer knows.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # ragged rows: guess from the first line
        first = text.split("\n", 1)[0]
        dialect = _Semicolons if first.count(";") > first.count(",") else csv.excel
    try:
        return [
            [Cell(value.strip()) if value.strip() else EMPTY for value in row[:MAX_COLUMNS]]
            for row in csv.reader(io.StringIO(text, newline=""), dialect)
        ]
    except csv.Error as error:
        raise UnreadableFile(f"The CSV file is broken ({error}).") from error
