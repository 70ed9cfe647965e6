from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import Workbook

from tenants.imports.reader import FileRefused, parse_date, parse_decimal, read_table


def rows_of(data: bytes, name: str = "file.csv", expected=("Code UF", "UF")):
    table = read_table(data, name, list(expected))
    header, rows = table.header, table.rows
    return header, [(r.line, r.values) for r in rows]


def test_a_cp1252_semicolon_file_with_a_title_row_and_blank_lines():
    text = (
        "Export GMAO du 01/02/2026;;\n\nCode UF;UF;Début\n"
        "1101;Réanimation médicale;01/01/2020\n\n1102;Cardiologie;\n"
    )
    header, rows = rows_of(text.encode("cp1252"))
    assert header == ["code uf", "uf", "début"]
    assert rows == [
        (4, {"code uf": "1101", "uf": "Réanimation médicale", "début": "01/01/2020"}),
        (6, {"code uf": "1102", "uf": "Cardiologie", "début": ""}),
    ]


def test_a_utf8_comma_file_with_quotes():
    _, rows = rows_of('\ufeffCode UF,UF\n"2001","Bloc, opératoire"\n'.encode())
    assert rows == [(2, {"code uf": "2001", "uf": "Bloc, opératoire"})]


def test_an_xlsx_with_a_merged_title_row_and_typed_cells():
    book = Workbook()
    sheet = book.active
    sheet.append(["Structure du CHU"])
    sheet.merge_cells("A1:C1")
    sheet.append(["Code UF", "UF", "Début"])
    sheet.append([3001, "Pédiatrie", date(2021, 9, 1)])
    buffer = BytesIO()
    book.save(buffer)
    _, rows = rows_of(buffer.getvalue(), "structure.xlsx")
    assert rows == [(3, {"code uf": "3001", "uf": "Pédiatrie", "début": "01/09/2021"})]


def test_a_formula_is_refused_with_its_cell():
    book = Workbook()
    sheet = book.active
    sheet.append(["Code UF", "UF"])
    sheet.append(["=1+1", "Pédiatrie"])
    buffer = BytesIO()
    book.save(buffer)
    rows = read_table(buffer.getvalue(), "s.xlsx", ["Code UF", "UF"]).rows
    with pytest.raises(FileRefused) as refused:
        list(rows)
    assert (refused.value.problem.line, refused.value.problem.column) == (2, "A2")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"a;b;c\n1;2;3\n", "no header row"),
        (b"PK\x03\x04garbage", "not a readable XLSX"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, reason):
    with pytest.raises(FileRefused, match=reason):
        read_table(data, "x.xlsx" if data.startswith(b"PK") else "x.csv", ["Code UF", "UF"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12/03/2024", date(2024, 3, 12)),
        ("2024-03-12", date(2024, 3, 12)),
        ("12.03.2024", date(2024, 3, 12)),
        ("", None),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


def test_a_non_date_says_so():
    with pytest.raises(ValueError, match="dd/mm/yyyy"):
        parse_date("31/02/2024")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 234,56", Decimal("1234.56")),
        ("1.234,56", Decimal("1234.56")),
        ("1,234.56", Decimal("1234.56")),
        ("12,5 €", Decimal("12.5")),
        ("1\u202f500", Decimal("1500")),
        ("", None),
    ],
)
def test_numbers_with_decimal_commas_and_thousands_separators(text, expected):
    assert parse_decimal(text) == expected
