"""The finance system's and the CMMS's exports, imported as tables: messy files, upsert by the
natural key, every problem named by line and column, all or nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.finance.imports import FIXED_ASSETS, INVOICES, ORDER_LINES
from tenants.finance.models import FinanceOrderLine, FixedAsset, Invoice
from tenants.imports.reader import ImportRefused
from tenants.imports.tabular import tabular_imported
from tenants.inventory.models import Device, WorkOrder
from tenants.inventory.work_orders import WORK_ORDERS
from tests.tenants.inventory.factories import structure

ORDERS_HEADER = (
    "Exercice;N° commande;N° ligne;Gestionnaire;N° marché;Fournisseur;Date commande;"
    "Objet de la dépense;UF;Compte;Libellé;Qté commandée;Qté reçue;Montant engagé;"
    "Montant liquidé;Soldée"
)


def orders(*lines: str, header: str = ORDERS_HEADER) -> bytes:
    text = "Extraction Magh2 du 30/11/2026;;;\n" + header + "\n" + "\n".join(lines) + "\n"
    return text.encode("cp1252")


FIRST = orders(
    "2026;C0042;1;BIO;M2024-07;Philips;15/03/2026;Moniteurs réa;1101;2154;MX450;2;2;"
    "13 081,00;13 081,00;O",
    "2026;C0042;2;BIO;M2024-07;Philips;15/03/2026;Moniteurs réa;1101;2154;Câbles;4;0;320,50;0;N",
    "2026;C0043;1;BIO;;Getinge;02/04/2026;HM4 urgence;1102;2154;Servo-u;1;;0;;N",
)


@pytest.fixture
def units(tenant):
    with tenant_context(tenant):
        yield structure()


def problems_of(spec, data: bytes) -> list[tuple]:
    with pytest.raises(ImportRefused) as refused, translation.override("en"):
        spec.run(data, "export.csv")
    return [(p.line, p.column, p.reason) for p in refused.value.problems]


def test_a_magh2_export_creates_order_lines_with_their_amounts(units):
    report = ORDER_LINES.run(FIRST, "export.csv")
    assert (report.rows, report.created, report.updated) == (3, 3, 0)
    line = FinanceOrderLine.objects.get(order_number="C0042", line_number=1)
    assert line.committed == Decimal("13081.00") and line.closed is True
    assert line.uf == units[0] and line.order_date == date(2026, 3, 15)
    assert line.quantity_ordered == 2 and line.market_number == "M2024-07"
    open_line = FinanceOrderLine.objects.get(order_number="C0043")
    assert open_line.quantity_received is None and open_line.paid is None
    assert open_line.closed is False and open_line.purpose == "HM4 urgence"


def test_reimporting_upserts_by_year_order_and_line_and_counts_the_absent(units):
    ORDER_LINES.run(FIRST, "export.csv")
    with translation.override("en"):
        report = ORDER_LINES.run(
            orders(
                "2026;C0042;1;BIO;M2024-07;Philips;15/03/2026;Moniteurs réa;1101;2154;MX450;2;2;"
                "13 081,00;13 081,00;O",
                "2026;C0042;2;BIO;M2024-07;Philips;15/03/2026;Moniteurs réa;1101;2154;Câbles;4;4;"
                "320,50;320,50;O",
                "2027;C0042;1;BIO;;Philips;05/01/2027;Autre année;1101;2154;Câble;1;;10;;N",
            ),
            "export.csv",
        )
    assert (report.created, report.updated, report.unchanged, report.absent) == (1, 1, 1, 1)
    changed = next(c for c in report.changes if c["change"] == "updated")
    assert changed["key"] == "order C0042 of 2026, line 2"
    assert set(changed["fields"]) == {"quantity received", "paid (€)", "line closed"}
    assert FinanceOrderLine.objects.count() == 4  # the absent one is kept


def test_the_signal_names_the_rows_written_in_the_import(units):
    seen = []

    def receiver(sender, kind, written, **kwargs):
        seen.append((kind, sorted(written)))

    tabular_imported.connect(receiver)
    try:
        ORDER_LINES.run(FIRST, "export.csv")
        ORDER_LINES.run(FIRST, "export.csv")  # nothing changed: no row written
    finally:
        tabular_imported.disconnect(receiver)
    assert seen == [
        ("finance_orders", [(2026, "C0042", 1), (2026, "C0042", 2), (2026, "C0043", 1)]),
        ("finance_orders", []),
    ]


def test_a_dry_run_reports_and_keeps_nothing(units):
    report = ORDER_LINES.run(FIRST, "export.csv", dry_run=True)
    assert report.created == 3 and not FinanceOrderLine.objects.exists()


def test_bad_rows_are_refused_whole_with_line_and_column(units):
    ORDER_LINES.run(FIRST, "export.csv")
    before = list(FinanceOrderLine.objects.values_list("pk", "committed", "updated"))
    found = problems_of(
        ORDER_LINES,
        orders(
            "2026;C0050;1;BIO;;Philips;15/03/2026;;9999;2154;X;1;1;10;10;O",
            "2026;C0050;2;BIO;;Philips;31/02/2026;;1101;2154;X;1;1;dix euros;10;O",
            "2026;C0050;2;BIO;;Philips;15/03/2026;;1101;2154;X;1;3;10;10;peut-être",
            "2026;C0042;1;BIO;;Philips;15/03/2026;;1101;2154;X;1;1;NaN;10;O",
            ";C0051;1;BIO;;Philips;15/03/2026;;1101;2154;X;1;1;1e30;10;O",
        ),
    )
    assert (3, "UF", "no UF has the code 9999") in found
    assert any(p[:2] == (4, "Date commande") and "not a date" in p[2] for p in found)
    assert (4, "Montant engagé", "“dix euros” is not a number") in found
    assert (5, "Soldée", "“peut-être” is neither O (yes) nor N (no)") in found
    assert (5, "Qté reçue", "more received (3.00) than ordered (1.00)") in found
    assert (6, "Montant engagé", "NaN is not a plausible amount") in found
    assert (7, "Exercice", "required, but empty on this line") in found
    assert any(p[:2] == (7, "Montant engagé") and "not a plausible amount" in p[2] for p in found)
    assert (
        5,
        "Exercice, N° commande, N° ligne",
        "order C0050 of 2026, line 2 is already on line 4",
    ) in found
    assert list(FinanceOrderLine.objects.values_list("pk", "committed", "updated")) == before


def test_a_duplicate_order_and_line_is_named_with_the_first_line(units):
    found = problems_of(
        ORDER_LINES,
        orders(
            "2026;C0042;1;BIO;;Philips;15/03/2026;;1101;2154;X;1;1;10;10;O",
            "2026;C0042;1;BIO;;Philips;15/03/2026;;1101;2154;Y;1;1;20;20;O",
        ),
    )
    assert found == [
        (
            4,
            "Exercice, N° commande, N° ligne",
            "order C0042 of 2026, line 1 is already on line 3",
        )
    ]


def test_a_file_without_a_key_column_is_refused_before_any_row(units):
    header = ORDERS_HEADER.replace("N° ligne", "Ligne")
    found = problems_of(ORDER_LINES, orders("2026;C1;1;;;;;;1101;;;;;;;", header=header))
    assert found == [(None, "N° ligne", "column missing from the header row")]


def test_a_tenants_own_headers_are_used_and_optional_columns_may_be_absent(units):
    data = "Année;Commande;Ligne;UF\n2026;C9;1;1101\n".encode()
    report = ORDER_LINES.run(
        data,
        "e.csv",
        mapping={"year": "Année", "order_number": "Commande", "line_number": "Ligne"},
    )
    assert report.created == 1
    assert "Montant engagé" in report.empty_fields


def test_fixed_assets_by_sheet(units):
    data = (
        "N° fiche;Exercice;UF;Compte;N° commande;N° ligne;Libellé;N° inventaire;N° série;"
        "Date mise en service;Durée;Valeur;Date sortie\n"
        "IMM-1;2026;1101;2154;C0042;1;Moniteur;INV001;SN1;20/03/2026;7;6 540,50;\n"
        "IMM-2;2019;1102;2154;;;Respirateur;INV003;;01/02/2019;10;38000;31/12/2025\n"
    ).encode()
    report = FIXED_ASSETS.run(data, "immo.csv")
    assert report.created == 2
    first = FixedAsset.objects.get(sheet="IMM-1")
    assert (first.order_line, first.duration, first.value) == (1, 7, Decimal("6540.50"))
    assert FixedAsset.objects.get(sheet="IMM-2").disposed == date(2025, 12, 31)
    found = problems_of(
        FIXED_ASSETS,
        (
            "N° fiche;Exercice;UF;Durée;Valeur\n"
            "IMM-3;2026;1101;sept;-5\n"
            "IMM-4;2026;1101;12.0;1 000,00\n"
        ).encode(),
    )
    assert found == [
        (2, "Durée", "“sept” is not a whole number"),
        (2, "Valeur", "-5 is not a plausible amount"),
    ]


def test_invoices_by_supplier_and_reference_with_their_state_in_words(units):
    data = (
        "Fournisseur;N° facture;N° commande;Date facture;Date réception;N° engagement Chorus;"
        "Montant TTC;État\n"
        "Philips;F-001;C0042;20/03/2026;22/03/2026;1300012345;13 081,00;Payée\n"
        "Philips;F-002;C0042;21/03/2026;;;320,50;En attente\n"
        "Getinge;F-001;C0043;;;;-50;Rejetée\n"
    ).encode("cp1252")
    assert INVOICES.run(data, "factures.csv").created == 3
    assert dict(
        Invoice.objects.values_list("reference", "state").filter(supplier_name="Philips")
    ) == {
        "F-001": "paid",
        "F-002": "waiting",
    }
    found = problems_of(INVOICES, "Fournisseur;N° facture;État\nPhilips;F-9;Perdue\n".encode())
    assert found[0][:2] == (2, "État") and "unknown value “Perdue”" in found[0][2]


def test_work_orders_name_their_device_by_inventory_number(units):
    device = Device.objects.create(inventory_number="INV001", uf=units[0])
    data = (
        "N° intervention;N° inventaire;Type;Date début;Date fin;Coût\n"
        "BT-1;INV001;Maintenance préventive;01/10/2026;02/10/2026;150\n"
        "BT-2;INV404;Dépannage;03/10/2026;01/10/2026;\n"
    ).encode()
    found = problems_of(WORK_ORDERS, data)
    assert found == [
        (3, "N° inventaire", "no device has the inventory number INV404"),
        (3, "Date fin", "closed before it was opened (03/10/2026)"),
    ]
    assert not WorkOrder.objects.exists()
    WORK_ORDERS.run(data.split(b"\nBT-2")[0] + b"\n", "bt.csv")
    work_order = WorkOrder.objects.get()
    assert (work_order.device, work_order.kind, work_order.cost) == (
        device,
        "preventive",
        Decimal("150.00"),
    )


def test_huge_and_hostile_cells_are_refused_by_name(units):
    long_number = "9" * 40
    data = (
        "Exercice;N° commande;N° ligne;UF;Libellé\n"
        f"{long_number};{'C' * 61};{long_number};1101;{'x' * 600}\n"
    ).encode()
    found = problems_of(ORDER_LINES, data)
    columns = [p[1] for p in found]
    assert columns == ["Exercice", "N° commande", "N° ligne", "Libellé"]


def test_cells_keep_their_tabs_backslashes_and_line_breaks_through_the_copy(units):
    label = 'Câble "ECG"\t5 brins\\10 m\r\nréf. \\N'
    quoted = label.replace('"', '""')
    header = "Exercice;N° commande;N° ligne;UF;Libellé;Objet de la dépense"
    data = f'{header}\n2026;C1;1;1101;"{quoted}";\n'.encode()
    ORDER_LINES.run(data, "export.csv")
    line = FinanceOrderLine.objects.get()
    assert line.label == label
    assert line.purpose == "" and line.committed is None and line.closed is False


def test_an_update_moves_updated_and_leaves_the_unchanged_rows_alone(units):
    ORDER_LINES.run(FIRST, "export.csv")
    before = dict(FinanceOrderLine.objects.values_list("order_number", "updated"))
    pk = FinanceOrderLine.objects.get(order_number="C0043").pk
    ORDER_LINES.run(FIRST.replace(b"HM4 urgence", b"HM4 urgence absolue"), "export.csv")
    after = dict(FinanceOrderLine.objects.values_list("order_number", "updated"))
    assert after["C0042"] == before["C0042"] and after["C0043"] > before["C0043"]
    # Updated in place: the same row, not a new one.
    assert FinanceOrderLine.objects.get(order_number="C0043").pk == pk
    assert FinanceOrderLine.objects.get(pk=pk).purpose == "HM4 urgence absolue"


def test_a_column_the_next_file_lacks_keeps_its_values_on_known_rows(units):
    ORDER_LINES.run(FIRST, "export.csv")
    lacking = "Exercice;N° commande;N° ligne;UF;Montant engagé\n2026;C0042;1;1101;13 500\n"
    report = ORDER_LINES.run(lacking.encode(), "export.csv")
    assert report.updated == 1 and "Soldée" in report.empty_fields
    line = FinanceOrderLine.objects.get(order_number="C0042", line_number=1)
    # Changed where the file says so, kept where it says nothing.
    assert line.committed == Decimal("13500.00")
    assert line.closed is True and line.paid == Decimal("13081.00")
    assert line.market_number == "M2024-07"


def test_a_thousands_separator_is_not_a_whole_number(units):
    found = problems_of(
        ORDER_LINES,
        "Exercice;N° commande;N° ligne;UF\n2026;C1;1.000;1101\n2026;C1;2,0;1101\n".encode(),
    )
    assert found == [(2, "N° ligne", "“1.000” is not a whole number")]
