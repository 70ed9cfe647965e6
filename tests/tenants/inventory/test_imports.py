"""The inventory import: messy files, upsert, matching, all or nothing, a dry run."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from tenants.inventory.imports import ImportRefused, import_inventory
from tenants.inventory.models import Device, MatchState
from tenants.inventory.services import decide_match
from tests.tenants.inventory.factories import catalogue, structure

HEADER = (
    "N° inventaire;UF;Marque;Modèle;N° série;Date mise en service;Valeur d'achat;Statut;Criticité\n"
)


def export(*lines: str, header: str = HEADER, title: bool = True) -> bytes:
    text = ("Export GMAO du 02/11/2026;;;\n\n" if title else "") + header + "\n".join(lines)
    return (text + "\n").encode("cp1252")


FIRST = export(
    "INV001;1101;Philips;IntelliVue MX450;SN1;15/03/2018;6 540,50;En service;Haute",
    "INV002;1101;PHILIPS HEALTHCARE;MX450;SN2;01/02/2019;1.234,56;En panne;",
    "",
    "INV003;1102;Getinge;Servo-u;SN3;;;Réformé;Basse",
)


@pytest.fixture
def in_alpha(tenant):
    with tenant_context(tenant):
        structure()
        yield catalogue()


def problems_of(data: bytes, name: str = "export.csv") -> list[tuple]:
    with pytest.raises(ImportRefused) as refused:
        import_inventory(data, name)
    return [(p.line, p.column, p.reason) for p in refused.value.problems]


def test_a_messy_cp1252_export_creates_devices_with_their_matches(in_alpha):
    report = import_inventory(FIRST, "export.csv")
    assert (report.created, report.updated, report.rows) == (3, 0, 3)
    assert (report.matched, report.proposed, report.unmatched) == (1, 1, 1)
    first = Device.objects.get(inventory_number="INV001")
    assert first.purchase_value == Decimal("6540.50")
    assert first.commissioning_date.isoformat() == "2018-03-15"
    assert first.reference_model == in_alpha["mx450"] and first.match_state == MatchState.EXACT
    assert first.attributes == {"Criticité": "Haute"}  # the extra column, as the file spells it
    second = Device.objects.get(inventory_number="INV002")
    assert second.purchase_value == Decimal("1234.56") and second.status == "out_of_order"
    assert second.reference_model is None and second.proposed_model == in_alpha["mx450"]
    third = Device.objects.get(inventory_number="INV003")
    assert (third.status, third.match_state, third.attributes) == (
        "retired",
        "none",
        {"Criticité": "Basse"},
    )


def test_reimporting_upserts_by_inventory_number_and_leaves_absent_devices(in_alpha):
    import_inventory(FIRST, "export.csv")
    second = export(
        "INV001;1102;Philips;IntelliVue MX450;SN1;15/03/2018;6 540,50;En service;Haute",
        "INV002;1101;PHILIPS HEALTHCARE;MX450;SN2;01/02/2019;1.234,56;En panne;",
        "INV004;2101;Dräger;Evita V500;SN4;03/04/2021;38 000;En service;",
    )
    report = import_inventory(second, "export.csv")
    assert (report.created, report.updated, report.unchanged, report.absent) == (1, 1, 1, 1)
    assert report.changes[0] == {
        "inventory_number": "INV001",
        "change": "updated",
        "fields": ["UF"],  # by its label: the person reads the report
    }
    assert Device.objects.get(inventory_number="INV001").uf.code == "1102"
    assert Device.objects.filter(inventory_number="INV003").exists()  # absent, not deleted


def test_a_dry_run_reports_and_writes_nothing(in_alpha):
    report = import_inventory(FIRST, "export.csv", dry_run=True)
    assert report.dry_run and report.created == 3
    assert not Device.objects.exists()


def test_a_confirmed_match_is_remembered_by_the_next_import(in_alpha, make_user, tenant):
    import_inventory(FIRST, "export.csv")
    person = make_user(tenant)
    with tenant_context(tenant):
        key = Device.objects.get(inventory_number="INV002").match_key
        assert decide_match(key, in_alpha["mx450"], by=person) == 1
        again = export(
            "INV002;1101;PHILIPS HEALTHCARE;MX450;SN2;01/02/2019;1.234,56;En panne;",
            "INV005;1101;Philips Healthcare;mx-450;SN5;;;;",
        )
        report = import_inventory(again, "export.csv")
        assert report.matched == 2 and report.proposed == 0
        assert set(
            Device.objects.filter(match_state="confirmed").values_list("pk", flat=True)
        ) == set(
            Device.objects.filter(inventory_number__in=["INV002", "INV005"]).values_list(
                "pk", flat=True
            )
        )


def test_an_xlsx_export_with_a_merged_title_and_typed_cells(in_alpha):
    book = Workbook()
    sheet = book.active
    sheet.append(["Parc biomédical"])
    sheet.merge_cells("A1:H1")
    sheet.append(
        [
            "N° inventaire",
            "UF",
            "Marque",
            "Modèle",
            "N° série",
            "Date mise en service",
            "Valeur d'achat",
            "Statut",
        ]
    )
    from datetime import datetime

    sheet.append(
        ["X1", 1101, "Dräger", "Evita V500", "S", datetime(2020, 5, 4), 38000.5, "en service"]
    )
    buffer = BytesIO()
    book.save(buffer)
    report = import_inventory(buffer.getvalue(), "parc.xlsx")
    device = Device.objects.get(inventory_number="X1")
    assert report.created == 1 and device.uf.code == "1101"
    assert (device.commissioning_date.isoformat(), device.purchase_value) == (
        "2020-05-04",
        Decimal("38000.50"),
    )
    assert device.reference_model == in_alpha["v500"]


def test_every_bad_row_is_reported_with_line_and_column_and_nothing_changes(in_alpha):
    import_inventory(FIRST, "export.csv")
    bad = export(
        "INV001;9999;Philips;MX450;SN1;15/03/2018;100;En service;",
        "INV001;1101;Philips;MX450;SN1;15/03/2018;100;En service;",
        "INV006;1101;Philips;MX450;SN6;31/02/2018;-5;Perdu;",
        ";1101;;;;;;;",
        "INV007;1101;Philips;MX450;SN7;01/01/1900;abc;;",
    )
    # In French, as the person reads them, each next to the column as the file names it.
    assert problems_of(bad) == [
        (4, "UF", "aucune UF n\u2019a le code 9999"),
        (5, "N° inventaire", "le numéro d\u2019inventaire INV001 figure déjà à la ligne 4"),
        (
            6,
            "Date mise en service",
            "«\u00a031/02/2018\u00a0» n\u2019est pas une date\u00a0: écrivez-la jj/mm/aaaa, "
            "par exemple 31/01/2027",
        ),
        (6, "Valeur d'achat", "-5\u00a0€ n\u2019est pas une valeur d\u2019achat plausible"),
        (
            6,
            "Statut",
            "statut inconnu «\u00a0Perdu\u00a0»\u00a0: écrivez en service, en panne, en stock, "
            "en prêt ou réformé",
        ),
        (7, "N° inventaire", "obligatoire, mais vide sur cette ligne"),
        (
            8,
            "Date mise en service",
            "01/01/1900 n\u2019est pas une date de mise en service plausible",
        ),
        (8, "Valeur d'achat", "«\u00a0abc\u00a0» n\u2019est pas un nombre"),
    ]
    assert Device.objects.get(inventory_number="INV001").uf.code == "1101"  # unchanged
    assert Device.objects.count() == 3


def test_the_reasons_follow_the_language_of_the_moment(in_alpha):
    bad = export("INV009;9999;Philips;MX450;SN9;31/02/2018;;;")  # line 4
    with translation.override("en"):
        assert problems_of(bad) == [
            (4, "UF", "no UF has the code 9999"),
            (
                4,
                "Date mise en service",
                "“31/02/2018” is not a date: write it dd/mm/yyyy, e.g. 31/01/2027",
            ),
        ]


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"", "empty.csv", [(None, None, "le fichier est vide")]),
        (b"a;b;c\n1;2;3\n", "x.csv", "aucune ligne d\u2019en-tête dans les 20 premières lignes"),
        (
            export(title=False),
            "x.csv",
            [(None, None, "le fichier a une ligne d\u2019en-tête mais aucune donnée en dessous")],
        ),
        (
            export("I1;1101", header="N° inventaire;Marque\n"),
            "x.csv",
            [(None, "UF", "colonne absente de la ligne d\u2019en-tête")],
        ),
    ],
)
def test_files_that_cannot_be_read_are_refused_with_a_reason(in_alpha, data, name, expected):
    found = problems_of(data, name)
    if isinstance(expected, str):
        assert len(found) == 1 and found[0][2].startswith(expected)
    else:
        assert found == expected


def test_a_formula_in_a_cell_is_refused_with_its_cell(in_alpha):
    book = Workbook()
    book.active.append(["N° inventaire", "UF", "Valeur d'achat"])
    book.active.append(["X1", "1101", "=2*3"])
    buffer = BytesIO()
    book.save(buffer)
    assert problems_of(buffer.getvalue(), "x.xlsx") == [
        (
            2,
            "colonne C",
            "la cellule contient une formule, qui n\u2019est pas importée\u00a0: "
            "collez sa valeur à la place",
        )
    ]


def test_a_file_over_the_size_limit_is_refused_before_reading(in_alpha, settings):
    from tenants.imports import reader

    data = HEADER.encode() + b"x" * (reader.MAX_BYTES + 1)
    assert problems_of(data) == [(None, None, "le fichier dépasse 60 Mo")]


def test_progress_is_reported_while_checking_and_writing(in_alpha):
    lines = [f"P{i:05d};1101;Philips;MX450;;;;;" for i in range(4500)]
    seen: list[tuple[str, int, int]] = []
    import_inventory(export(*lines), "export.csv", progress=lambda *step: seen.append(step))
    assert ("check", 2000, 4500) in seen and seen.count(("check", 4500, 4500)) == 1
    assert [s for s in seen if s[0] == "write"] == [
        ("write", 2000, 4500),
        ("write", 4000, 4500),
        ("write", 4500, 4500),
    ]


def test_a_device_on_loan_is_not_in_stock(in_alpha):
    import_inventory(
        export(
            "INV001;1101;Philips;MX450;SN1;;;En prêt;",
            "INV002;1101;Philips;MX450;SN2;;;En stock;",
        ),
        "export.csv",
    )
    statuses = dict(Device.objects.values_list("inventory_number", "status"))
    assert statuses == {"INV001": "on_loan", "INV002": "in_storage"}


def test_the_report_names_the_fields_left_empty_and_the_columns_no_field_reads(in_alpha):
    header = "N° inventaire;UF;Marque;Modèle;Valeur d'achat (€);Criticité\n"
    report = import_inventory(
        export("INV001;1101;Philips;MX450;6 540,50;Haute", header=header), "x.csv", dry_run=True
    )
    assert report.empty_fields == ["N° série", "Date mise en service", "Valeur d'achat", "Statut"]
    assert report.unmapped_columns == ["Valeur d'achat (€)", "Criticité"]
    assert "left empty: N° série, Date mise en service, Valeur d'achat, Statut" in str(report)
    complete = import_inventory(FIRST, "x.csv", dry_run=True)
    assert complete.empty_fields == [] and complete.unmapped_columns == ["Criticité"]
