"""The one XLSX writer of the product: every workbook it builds goes through here.

User text is always written as text: a title such as ``=HYPERLINK("http://…"&B2,"Cliquez")``
typed by a requester must reach the commission's spreadsheet as those characters, never as a
live formula. openpyxl turns any string starting with ``=`` into a formula cell; a cell whose
data type is forced to string is stored as a shared string, which Excel and LibreOffice show
as text and never evaluate, whatever its first character (``=``, ``+``, ``-``, ``@``). The
value itself is kept unchanged (no quote prefix): what the person typed is what they get back.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from tenants.tables.listing import ExportColumn

FORMATS = {"date": "DD/MM/YYYY", "money": '#,##0.00\\ "€"', "number": "#,##0.##"}
PIXELS_PER_CHARACTER = 7


def new_workbook(*, write_only: bool = False) -> Workbook:
    """A workbook to fill with ``cell``/``row``; ``write_only`` for streams of many rows."""
    return Workbook(write_only=write_only)


def text_cell(sheet: Any, value: Any) -> Cell:
    """A cell that holds ``value`` as text, never as a formula."""
    # Control characters other than tab and line breaks are not allowed in XML 1.0: openpyxl
    # refuses them, so a stray one in a title would turn the whole export into an error.
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell


def cell(
    sheet: Any,
    value: Any,
    *,
    number_format: str | None = None,
    font: Font | None = None,
) -> Any:
    """A cell for a typed value: numbers and dates stay numbers and dates, anything else is
    written as text."""
    if value is None:
        made = WriteOnlyCell(sheet)
    elif isinstance(value, bool | int | float | date):
        if isinstance(value, datetime):
            value = value.replace(tzinfo=None)
        made = WriteOnlyCell(sheet, value=value)
    else:
        made = text_cell(sheet, value)
    if number_format:
        made.number_format = number_format
    if font is not None:
        made.font = font
    return made


def row(sheet: Any, values: Sequence[Any]) -> list[Any]:
    """The cells of one row for ``sheet.append``: user text as text, numbers as numbers."""
    return [cell(sheet, value) for value in values]


def append(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Append one row to a regular (not write-only) sheet."""
    sheet.append(row(sheet, values))


def write_xlsx(
    target: IO[bytes], title: str, columns: list[ExportColumn], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Write a list page's header and rows; returns the number of data rows written."""
    workbook = new_workbook(write_only=True)
    sheet = workbook.create_sheet(title=ILLEGAL_CHARACTERS_RE.sub("", title)[:31] or "Export")
    for index, column in enumerate(columns, start=1):
        width = (column.width / PIXELS_PER_CHARACTER) if column.width else 18
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([cell(sheet, column.header, font=bold) for column in columns])
    # One styled cell per typed column, reused: write-only sheets serialise each row at once.
    prototypes: list[Any] = []
    for column in columns:
        if column.kind in FORMATS:
            prototype = WriteOnlyCell(sheet)
            prototype.number_format = FORMATS[column.kind]
            prototypes.append(prototype)
        else:
            prototypes.append(None)
    count = 0
    for values in rows:
        out: list[Any] = []
        for prototype, value in zip(prototypes, values, strict=True):
            if prototype is None or value is None:
                out.append(cell(sheet, value))
                continue
            if isinstance(value, datetime):
                value = value.replace(tzinfo=None)
            elif not isinstance(value, date):
                value = float(value)
            prototype.value = value
            out.append(prototype)
        sheet.append(out)
        count += 1
    workbook.save(target)
    return count
