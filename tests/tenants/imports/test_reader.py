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
    assert (refused.value.problem.line, refused.value.problem.column) == (2, "colonne A")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "le fichier est vide"),
        (b"   \n\n", "le fichier est vide"),
        (b"a;b;c\n1;2;3\n", "aucune ligne d\u2019en-tête"),
        (b"PK\x03\x04garbage", "fichier XLSX illisible"),
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


def test_a_non_date_says_so_in_french():
    with pytest.raises(ValueError) as refused:
        parse_date("31/02/2027")
    assert str(refused.value) == (
        "«\u00a031/02/2027\u00a0» n\u2019est pas une date\u00a0: écrivez-la jj/mm/aaaa, "
        "par exemple 31/01/2027"
    )


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


HOSTILE = ('=HYPERLINK("http://evil.example","Cliquez")', "+33 6 12", "-5", "@home")


def test_text_starting_like_a_formula_is_text_in_a_csv_and_in_an_xlsx_alike():
    from tenants.tables import xlsx

    book = xlsx.new_workbook()
    sheet = book.active
    xlsx.append(sheet, ["Code UF", "UF"])
    for value in HOSTILE:
        xlsx.append(sheet, ["1101", value])
    buffer = BytesIO()
    book.save(buffer)
    _, from_xlsx = rows_of(buffer.getvalue(), "s.xlsx")
    csv = "Code UF;UF\n" + "".join(f'1101;"{v.replace(chr(34), 2 * chr(34))}"\n' for v in HOSTILE)
    _, from_csv = rows_of(csv.encode())
    assert [values["uf"] for _line, values in from_xlsx] == list(HOSTILE)
    assert from_xlsx == from_csv


def test_a_nul_byte_in_a_cell_is_refused_with_its_line_and_column():
    data = "Code UF;UF\n1101;Réa\n1102;Ca\x00rdio\n".encode()
    with pytest.raises(FileRefused) as refused:
        list(read_table(data, "gmao.csv", ["Code UF", "UF"]).rows)
    problem = refused.value.problem
    assert (problem.line, problem.column) == (3, "colonne B") and "NUL" in problem.reason
    assert str(problem) == (
        "ligne 3, colonne B\u00a0: la cellule contient un caractère NUL\u00a0: "
        "le fichier est abîmé ou n\u2019est pas du texte"
    )


def _rewrite_sheet(book, change) -> bytes:  # type: ignore[no-untyped-def]
    import zipfile

    buffer = BytesIO()
    book.save(buffer)
    out = BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            target.writestr(item, content)
    return out.getvalue()


def test_an_xlsx_declaring_xml_entities_is_refused_clearly():
    book = Workbook()
    book.active.append(["Code UF", "UF"])
    book.active.append(["1101", "Réa"])

    def with_entities(xml: bytes) -> bytes:
        declaration = (
            b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
        )
        return declaration + xml

    data = _rewrite_sheet(book, with_entities)
    with pytest.raises(FileRefused, match="entités XML"):
        list(read_table(data, "s.xlsx", ["Code UF", "UF"]).rows)
