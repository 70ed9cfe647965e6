"""Reading the spreadsheets hospitals export: CSV (UTF-8 or cp1252, ``;`` or ``,``) and XLSX.

Real exports are messy: a title row or merged header rows above the real header, blank lines,
dates as dd/mm/yyyy, decimal commas and thousands separators. The reader finds the header row
by the columns it is told to expect, and yields each data row with its line number in the file
so that every problem can be reported where a person will find it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_BYTES = 60 * 1024 * 1024
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = ", ".join(
            p for p in (f"line {self.line}" if self.line else "", self.column or "") if p
        )
        return f"{where}: {self.reason}" if where else self.reason


class FileRefused(Exception):
    """The file cannot be read at all (empty, too big, no header...); nothing was changed."""

    def __init__(self, reason: str, line: int | None = None, column: str | None = None) -> None:
        super().__init__(reason)
        self.problem = Problem(line, column, reason)


class ImportRefused(Exception):
    """An import that changed nothing, with every problem found (line and column named)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s); nothing was changed")
        self.problems = problems


@dataclass(frozen=True)
class Table:
    header: list[str]  # normalised column names, the keys of each row's values
    labels: dict[str, str]  # normalised -> the header as the file spells it
    rows: Iterator[Row]


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, str]  # header -> cell text, stripped


@dataclass(frozen=True)
class Coverage:
    """How the file's columns meet the fields: what a person must see before importing."""

    empty_fields: list[str]  # headers of optional fields the file lacks: empty on every row
    unmapped_columns: list[str]  # the file's columns no field reads, as the file spells them


def coverage(table: Table, columns: dict[str, str], optional: Iterable[str]) -> Coverage:
    """``columns``: field -> the header expected for it (the mapping in use); ``optional``:
    the fields an import reads but does without (a missing required one refuses the file)."""
    mapped = {normalise_header(header) for header in columns.values()}
    return Coverage(
        empty_fields=[
            columns[name]
            for name in optional
            if normalise_header(columns[name]) not in table.header
        ],
        unmapped_columns=[table.labels.get(h, h) for h in table.header if h and h not in mapped],
    )


def normalise_header(text: str) -> str:
    return re.sub(r"\s+", " ", str(text or "")).strip().lower()


def read_table(data: bytes, filename: str, expected: list[str]) -> Table:
    """The header row (the first with at least two expected columns) and the rows under it."""
    if not data.strip():
        raise FileRefused("the file is empty")
    if len(data) > MAX_BYTES:
        raise FileRefused(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    rows = _checked(
        _xlsx_rows(data) if filename.lower().endswith((".xlsx", ".xlsm")) else _csv_rows(data)
    )
    wanted = {normalise_header(e) for e in expected}
    buffered: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        buffered.append((line, cells))
        found = {normalise_header(c) for c in cells} & wanted
        if len(found) >= min(2, len(wanted)):
            header = [normalise_header(c) for c in cells]
            labels = {normalise_header(c): re.sub(r"\s+", " ", c).strip() for c in cells if c}
            return Table(header, labels, _rows_under(header, rows))
        if len(buffered) >= HEADER_SEARCH_ROWS:
            break
    raise FileRefused(
        "no header row found: expected columns such as " + ", ".join(sorted(expected)[:6])
    )


def _rows_under(header: list[str], rows: Iterator[tuple[int, list[str]]]) -> Iterator[Row]:
    for line, cells in rows:
        if not any(c.strip() for c in cells):
            continue  # blank lines
        values = {
            h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h
        }
        yield Row(line, values)


def _checked(rows: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    """Refuse control characters PostgreSQL and spreadsheets cannot hold (a NUL byte ends a
    text in PostgreSQL: it would fail the import deep in the database instead of here)."""
    for line, cells in rows:
        for index, text in enumerate(cells):
            if "\0" in text:
                raise FileRefused(
                    "the cell holds a NUL character (\\0): the file is damaged or not text",
                    line=line,
                    column=_column_name(index),
                )
        yield line, cells


def _column_name(index: int) -> str:
    """0 -> A, 26 -> AA: the column as a spreadsheet names it."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return f"column {name}"


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise FileRefused("the file is neither UTF-8 nor Windows-1252 text")
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileRefused(f"not a readable CSV file ({exc})") from exc


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = workbook.worksheets[0]
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise _unreadable(exc) from exc
    # Sheets are parsed as they are read (defusedxml refuses entity declarations then).
    rows = enumerate(sheet.iter_rows(), start=1)
    while True:
        try:
            index, row = next(rows)
        except StopIteration:
            break
        except Exception as exc:
            raise _unreadable(exc) from exc
        cells = []
        for cell in row:
            value = cell.value
            # A formula is refused: its result is not in the file we read. Text that merely
            # starts with "=" (a cell typed as text) is text, as the same value in a CSV is.
            if getattr(cell, "data_type", None) == "f":
                raise FileRefused(
                    "formulas are not imported: paste the values instead",
                    line=index,
                    column=getattr(cell, "coordinate", None),
                )
            if getattr(cell, "data_type", None) == "e":
                raise FileRefused(
                    f"the cell holds an error ({value})",
                    line=index,
                    column=getattr(cell, "coordinate", None),
                )
            cells.append(_cell_text(value))
        yield index, cells
    workbook.close()


def _unreadable(exc: BaseException) -> FileRefused:
    from defusedxml import DefusedXmlException

    # openpyxl wraps what the XML parser raised in its own ValueError.
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, DefusedXmlException):
            return FileRefused(ENTITIES_REFUSED)
        cause = cause.__cause__ or cause.__context__
    return FileRefused(f"not a readable XLSX file ({exc.__class__.__name__})")


ENTITIES_REFUSED = (
    "the file declares XML entities, which spreadsheets never need: save it again from "
    "Excel or LibreOffice"
)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy) and ISO yyyy-mm-dd; empty is None."""
    text = text.strip()
    if not text:
        return None
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text!r} is not a date (dd/mm/yyyy)")


def parse_decimal(text: str) -> Decimal | None:
    """1 234,56 / 1.234,56 / 1234.56 / 1,234.56 -> Decimal; empty is None."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if not cleaned:
        return None
    if "," in cleaned and "." in cleaned:
        decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        cleaned = cleaned.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        return Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"{text!r} is not a number") from exc
