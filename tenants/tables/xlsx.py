"""Writing list exports to XLSX with openpyxl's write-only mode: typed cells, bounded memory."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import IO, Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tenants.tables.listing import ExportColumn

FORMATS = {"date": "DD/MM/YYYY", "money": '#,##0.00\\ "€"', "number": "#,##0.##"}
PIXELS_PER_CHARACTER = 7


def write_xlsx(
    target: IO[bytes], title: str, columns: list[ExportColumn], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Write the header and rows; returns the number of data rows written."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31] or "Export")
    for index, column in enumerate(columns, start=1):
        width = (column.width / PIXELS_PER_CHARACTER) if column.width else 18
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    # One styled cell per typed column, reused: write-only sheets serialise each row at once.
    prototypes: list[WriteOnlyCell | None] = []
    for column in columns:
        if column.kind in FORMATS:
            cell = WriteOnlyCell(sheet)
            cell.number_format = FORMATS[column.kind]
            prototypes.append(cell)
        else:
            prototypes.append(None)
    count = 0
    for values in rows:
        out: list[Any] = []
        for prototype, value in zip(prototypes, values, strict=True):
            if prototype is None or value is None:
                out.append(_plain(sheet, value))
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


def _plain(sheet: Any, value: Any) -> Any:
    if value is None or isinstance(value, int | float):
        return value
    text = str(value)
    if text.startswith("="):
        # Text from a hospital's file must never become a formula in someone's spreadsheet.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text
