"""Reading the spreadsheets hospitals export: CSV (UTF-8 or cp1252, ``;`` or ``,``) and XLSX.

Real exports are messy: a title row or merged header rows above the real header, blank lines,
dates as dd/mm/yyyy, decimal commas and thousands separators. The reader finds the header row
by the columns it is told to expect, and yields each data row with its line number in the file
so that every problem can be reported where a person will find it. Every reason is written
for that person (gettext: French by default), naming the column as the file spells it.
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

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saas.errors import UserError

MAX_BYTES = 60 * 1024 * 1024
HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class Problem:
    line: int | None
    column: str | None
    reason: str

    def __str__(self) -> str:
        line = _("line %(line)s") % {"line": self.line} if self.line else ""
        where = ", ".join(p for p in (line, self.column or "") if p)
        if not where:
            return self.reason
        return _("%(where)s: %(reason)s") % {"where": where, "reason": self.reason}


class FileRefused(UserError):
    """The file cannot be read at all (empty, too big, no header...); nothing was changed."""

    def __init__(self, reason: str, line: int | None = None, column: str | None = None) -> None:
        super().__init__("file", reason)
        self.problem = Problem(line, column, self.reason)

    def errors(self) -> list[tuple[str, str]]:
        return [("file", str(self.problem))]


class ImportRefused(UserError):
    """An import that changed nothing, with every problem found (line and column named)."""

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        super().__init__(
            "file",
            ngettext(
                "%(count)s problem: nothing was changed",
                "%(count)s problems: nothing was changed",
                count,
            )
            % {"count": count},
        )
        self.problems = problems

    def errors(self) -> list[tuple[str, str]]:
        return [("file", str(p)) for p in self.problems]


# What every importer says of a file's columns and cells (functions: each call speaks the
# language of the moment, the worker's being the person's who started the job).
def missing_column() -> str:
    return _("column missing from the header row")


def no_data_row() -> str:
    return _("the file has a header row but no data under it")


def required_but_empty() -> str:
    return _("required, but empty on this line")


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
        raise FileRefused(_("the file is empty"))
    if len(data) > MAX_BYTES:
        raise FileRefused(
            _("the file is larger than %(size)s MB") % {"size": MAX_BYTES // (1024 * 1024)}
        )
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
        _("no header row found in the first %(rows)s lines: expected columns such as %(columns)s")
        % {"rows": HEADER_SEARCH_ROWS, "columns": ", ".join(sorted(expected)[:6])}
    )


def read_mapped_rows(
    data: bytes, filename: str, columns: dict[str, str], required: Iterable[str]
) -> tuple[Table, list[Row]]:
    """The file's table and all its rows, under ``columns`` (field -> header, the mapping in
    use); refused whole when the file cannot be read, lacks a required field's column or
    holds no data row."""
    try:
        table = read_table(data, filename, list(columns.values()))
        missing = [columns[f] for f in required if normalise_header(columns[f]) not in table.header]
        if missing:
            raise ImportRefused([Problem(None, name, missing_column()) for name in missing])
        rows = list(table.rows)
    except FileRefused as exc:
        raise ImportRefused([exc.problem]) from exc
    if not rows:
        raise ImportRefused([Problem(None, None, no_data_row())])
    return table, rows


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
                    _("the cell holds a NUL character: the file is damaged or is not text"),
                    line=line,
                    column=_column_name(index),
                )
        yield line, cells


def _column_name(index: int) -> str:
    """0 -> "column A", 26 -> "column AA": the column as a spreadsheet names it."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return _("column %(letter)s") % {"letter": name}


def _cell_column(cell: Any) -> str | None:
    """The column of an XLSX cell, named as for a CSV (its line is given apart)."""
    column = getattr(cell, "column", None)
    return _column_name(column - 1) if isinstance(column, int) else None


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise FileRefused(_("the file is neither UTF-8 nor Windows-1252 text"))
    sample = "\n".join(text.splitlines()[:HEADER_SEARCH_ROWS])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, quotechar='"')
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        # csv's own words ("field larger than field limit") are for programmers.
        raise FileRefused(
            _("not a readable CSV file: a cell is far too long, or a quote is never closed"),
            line=reader.line_num or None,
        ) from exc


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
                    _("the cell holds a formula, which is not imported: paste its value instead"),
                    line=index,
                    column=_cell_column(cell),
                )
            if getattr(cell, "data_type", None) == "e":
                raise FileRefused(
                    _("the cell holds a spreadsheet error (%(error)s)") % {"error": value},
                    line=index,
                    column=_cell_column(cell),
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
            return FileRefused(
                _(
                    "the file declares XML entities, which spreadsheets never need: save it "
                    "again from Excel or LibreOffice"
                )
            )
        cause = cause.__cause__ or cause.__context__
    return FileRefused(_("not a readable XLSX file: save it again from Excel or LibreOffice"))


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


USUAL_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


def parse_date(text: str) -> date | None:
    """dd/mm/yyyy (or dd-mm-yyyy, dd.mm.yyyy) and ISO yyyy-mm-dd; empty is None."""
    text = text.strip()
    if not text:
        return None
    usual = USUAL_DATE.fullmatch(text)
    if usual:
        # dd/mm/yyyy, what nearly every export writes: read without strptime (ten times
        # slower); a day that does not exist falls through to the message below.
        try:
            return date(int(usual[3]), int(usual[2]), int(usual[1]))
        except ValueError:
            pass
    for pattern in ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(text)s” is not a date: write it dd/mm/yyyy, e.g. 31/01/2027") % {"text": text}
    )


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
        raise ValueError(_("“%(text)s” is not a number") % {"text": text}) from exc
