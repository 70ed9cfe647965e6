"""Writes the two default templates shipped with the product (purchase_request_form.docx and
order_letter.docx) with python-docx, in docxtpl's syntax. Run it again after changing them:

    PYTHONPATH=. python tenants/wordtemplates/defaults/build.py
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt
from docx.table import Table

HERE = Path(__file__).resolve().parent


def _new() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(1.8)
    style = document.styles["Normal"]
    style.font.name = "Liberation Sans"  # metric-compatible with Arial, shipped with LibreOffice
    style.font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.text = "{{ hospital.name }} — {{ reference }} — {{ date }}"
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def _letterhead(document: DocumentObject) -> None:
    head = document.add_paragraph()
    head.add_run("{{ hospital.name }}").bold = True
    head.add_run("\n{{ establishment.name }}\n{{ establishment.city }}")
    head.add_run("\nFINESS {{ establishment.finess }}")


def _supplier_block(document: DocumentObject) -> None:
    block = document.add_paragraph()
    block.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    block.add_run("{{ supplier.name }}").bold = True
    # The postal address, a line each, lines left empty skipped; the country abroad only.
    block.add_run(
        "{% if supplier.address_line1 %}\n{{ supplier.address_line1 }}{% endif %}"
        "{% if supplier.address_line2 %}\n{{ supplier.address_line2 }}{% endif %}"
        "{% if supplier.postcode or supplier.city %}\n{{ supplier.postcode }} "
        "{{ supplier.city }}{% endif %}"
        "{% if supplier.country and supplier.country != 'France' %}\n{{ supplier.country }}"
        "{% endif %}"
    )
    # A SIREN or a contact the request does not give is left out, not printed empty: "(, )".
    block.add_run("{% if supplier.siren %}\nSIREN {{ supplier.siren }}{% endif %}")
    block.add_run(
        "{% if contact.name %}\nÀ l’attention de {{ contact.name }}"
        "{% if contact.email or contact.phone %} ({{ contact.email }}"
        "{% if contact.email and contact.phone %}, {% endif %}{{ contact.phone }}){% endif %}"
        "{% endif %}"
    )


def _procedure(document: DocumentObject) -> None:
    document.add_paragraph("Devis n° {{ quote.number }} du {{ quote.date }}")
    document.add_paragraph("{%p if market.name %}")
    document.add_paragraph(
        "Marché\u00a0: {{ market.name }} (réf. {{ market.reference }}), {{ market.lot }}"
    )
    document.add_paragraph("{%p else %}")
    document.add_paragraph("Achat hors marché — dérogation {{ off_contract.label }}")
    document.add_paragraph("{%p endif %}")


def _widths(table: Table, centimetres: list[float]) -> None:
    # Word reads the cells' widths, LibreOffice the grid's: both are set.
    table.autofit = False
    for column, width in zip(table.columns, centimetres, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, centimetres, strict=True):
            cell.width = Cm(width)


def _lines_table(document: DocumentObject) -> None:
    headers = ["Désignation", "Référence", "Qté", "PU HT", "TVA", "Total HT", "Total TTC"]
    fields = ["designation", "reference", "quantity", "unit_price", "vat_rate"]
    fields += ["total_excl", "total_incl"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    # docxtpl repeats the rows between {%tr for %} and {%tr endfor %}.
    table.add_row().cells[0].text = "{%tr for line in lines %}"
    for cell, name in zip(table.add_row().cells, fields, strict=True):
        cell.text = "{{ line." + name + " }}"
    table.add_row().cells[0].text = "{%tr endfor %}"
    _widths(table, [5.0, 2.3, 1.0, 2.4, 1.3, 2.5, 2.5])
    for label, value in (
        ("Total HT", "{{ total_excl }}"),
        ("TVA", "{{ total_vat }}"),
        ("Total TTC", "{{ total_incl }}"),
    ):
        row = table.add_row().cells
        row[0].merge(row[-2]).text = label
        row[-1].paragraphs[0].add_run(value).bold = True


def _budget_table(document: DocumentObject) -> None:
    document.add_paragraph("Imputation budgétaire").runs[0].bold = True
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["Ligne", "Libellé", "Montant TTC"], strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    table.add_row().cells[0].text = "{%tr for budget in budget_lines %}"
    row = table.add_row().cells
    row[0].text, row[1].text, row[2].text = (
        "{{ budget.code }}",
        "{{ budget.label }}",
        "{{ budget.amount }}",
    )
    table.add_row().cells[0].text = "{%tr endfor %}"
    _widths(table, [4.0, 9.5, 3.5])


def _buyer(document: DocumentObject) -> None:
    document.add_paragraph("Acheteur\u00a0: {{ buyer.name }} — {{ buyer.email }}")


def purchase_request_form() -> DocumentObject:
    document = _new()
    _letterhead(document)
    document.add_heading("Demande d’achat {{ reference }}", level=1)
    document.add_paragraph("Date\u00a0: {{ date }}")
    _supplier_block(document)
    _procedure(document)
    _lines_table(document)
    document.add_paragraph()
    _budget_table(document)
    document.add_paragraph()
    _buyer(document)
    document.add_paragraph("Visa de l’ordonnateur\u00a0:")
    return document


def order_letter() -> DocumentObject:
    document = _new()
    _letterhead(document)
    _supplier_block(document)
    document.add_paragraph(
        "{{ establishment.name }}, le {{ date }}"
    ).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.add_heading("Lettre de commande — {{ reference }}", level=1)
    document.add_paragraph("Madame, Monsieur,")
    document.add_paragraph(
        "Suite à votre devis n° {{ quote.number }} du {{ quote.date }}, nous vous prions de"
        " bien vouloir livrer les articles suivants."
    )
    _procedure(document)
    _lines_table(document)
    document.add_paragraph()
    _budget_table(document)
    document.add_paragraph()
    document.add_paragraph(
        "La facture rappellera la référence {{ reference }}. Veuillez agréer, Madame, Monsieur,"
        " nos salutations distinguées."
    )
    _buyer(document)
    return document


def main() -> None:
    purchase_request_form().save(str(HERE / "purchase_request_form.docx"))
    order_letter().save(str(HERE / "order_letter.docx"))


if __name__ == "__main__":
    main()
