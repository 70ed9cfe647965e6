"""The catalogue import: all or nothing, every refusal naming its line and column."""

from __future__ import annotations

import uuid

import pytest

from tenants.catalogue.imports import import_catalogue
from tenants.catalogue.models import Family, Product
from tenants.imports.reader import ImportRefused
from tenants.markets.models import Supplier
from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
from tests.tenants.catalogue.conftest import HEADER, ROWS, csv_of

GOOD = "NEW-001;Électrode ECG néonatale;Électrodes;Ambu;NEO-1;M-2026-01;1;sachet de 30;9,90"


def refusal(data: bytes) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(ImportRefused) as caught:
        import_catalogue(data, "catalogue.csv")
    return [(p.line, p.column, p.reason) for p in caught.value.problems]


def test_the_import_creates_products_with_their_market_lot_supplier_and_family(catalogue):
    product = Product.objects.select_related("market", "lot", "supplier", "family").get(
        code="SPO-001"
    )
    assert product.market.reference == "M-2026-02" and product.lot.number == "2"
    assert product.supplier.name == "Masimo" and product.family.name == "Capteurs"
    assert str(product.unit_price) == "185.00" and product.unit == "boîte de 20"
    assert Product.objects.get(code="BRA-001").market is None


def test_a_duplicate_code_refuses_the_whole_file_naming_line_and_column(catalogue):
    before = Product.objects.count()
    problems = refusal(csv_of(GOOD, ROWS[1], GOOD.replace("néonatale", "bis")))
    assert problems == [(4, "Code article", "code NEW-001 déjà présent ligne 2")]
    assert Product.objects.count() == before
    assert not Product.objects.filter(code="NEW-001").exists()


def test_a_duplicate_code_differing_in_case_is_a_duplicate(catalogue):
    problems = refusal(csv_of(GOOD, GOOD.replace("NEW-001", "new-001")))
    assert problems[0][:2] == (3, "Code article")


def test_an_unknown_market_refuses_the_whole_file(catalogue):
    problems = refusal(
        csv_of(GOOD, GOOD.replace("NEW-001", "NEW-002").replace("M-2026-01", "M-9999"))
    )
    assert problems == [(3, "Marché", "aucun marché n\u2019a la référence M-9999")]
    assert not Product.objects.filter(code="NEW-001").exists()


def test_an_unknown_lot_or_a_lot_without_market_is_refused(catalogue):
    problems = refusal(
        csv_of(
            GOOD.replace(";1;sachet", ";7;sachet"),
            GOOD.replace("NEW-001", "NEW-002").replace("M-2026-01;1", ";1"),
        )
    )
    assert problems == [
        (2, "Lot", "le marché M-2026-01 n\u2019a pas de lot 7"),
        (3, "Lot", "un lot a besoin de son marché"),
    ]


def test_a_bad_price_is_refused(catalogue):
    problems = refusal(
        csv_of(
            GOOD.replace("9,90", "neuf euros"),
            GOOD.replace("NEW-001", "NEW-002").replace("9,90", "-3"),
            GOOD.replace("NEW-001", "NEW-003").replace("9,90", "99999999999"),
        )
    )
    assert [p[:2] for p in problems] == [(n, "Prix unitaire HT") for n in (2, 3, 4)]


def test_missing_required_values_and_columns_are_named(catalogue):
    assert refusal(csv_of(";Sans code;;;;;;;")) == [(2, "Code article", "required, but empty")] or (
        refusal(csv_of(";Sans code;;;;;;;"))[0][:2] == (2, "Code article")
    )
    problems = refusal(b"Code;Nom\nA;B\n")
    assert {p[1] for p in problems} >= {"Code article"} or problems[0][0] is None


def test_reimport_updates_by_code_and_keeps_absent_products(catalogue):
    report = import_catalogue(
        csv_of(ROWS[0].replace("12,40", "13,00"), GOOD), "catalogue.csv", dry_run=True
    )
    assert (report.created, report.updated, report.absent) == (1, 1, 5)
    assert str(Product.objects.get(code="ECG-001").unit_price) == "12.40"  # dry run
    report = import_catalogue(csv_of(ROWS[0].replace("12,40", "13,00"), GOOD), "catalogue.csv")
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert str(Product.objects.get(code="ECG-001").unit_price) == "13.00"
    assert Product.objects.filter(code="SPO-001").exists()


def test_new_suppliers_and_families_are_created_once(catalogue):
    row = "NEW-9;Sonde de température;Sondes;Nouveau Fournisseur;T-1;;;pièce;3"
    import_catalogue(
        csv_of(row, row.replace("NEW-9", "NEW-10").replace("Nouveau", "NOUVEAU")), "c.csv"
    )
    assert Supplier.objects.filter(name__iexact="nouveau fournisseur").count() == 1
    assert Family.objects.filter(name="Sondes").count() == 1


def test_names_whose_capitals_differ_between_python_and_postgresql_are_imported(catalogue):
    # Python writes "STRASSE" for "Straße", PostgreSQL's UPPER "STRAßE": a new supplier is
    # looked up the way the file's names are, and the product gets it.
    row = "NEW-11;Câble de rechange;Pièces ﬁnes;Straße Medizintechnik;S-1;;;pièce;8"
    import_catalogue(csv_of(row), "c.csv")
    product = Product.objects.select_related("supplier", "family").get(code="NEW-11")
    assert product.supplier.name == "Straße Medizintechnik"
    assert product.family.name == "Pièces ﬁnes"
    import_catalogue(csv_of(row.replace("8", "9")), "c.csv")  # known by now: found again
    assert Supplier.objects.filter(name__startswith="Straße").count() == 1


def test_fitted_models_by_uuid_or_catalogue_reference_and_unknown_refused(catalogue):
    maker = ReferenceManufacturer.objects.create(uuid=uuid.uuid4(), name="Philips")
    model = ReferenceDeviceModel.objects.create(
        uuid=uuid.uuid4(),
        manufacturer=maker,
        commercial_name="IntelliVue MX450",
        catalogue_reference="866060",
    )
    other = uuid.uuid4()  # not mirrored yet: the sync subscribes to it
    header = HEADER.rstrip("\n") + ";Modèles compatibles\n"
    import_catalogue(csv_of(GOOD + f";866060, {other}", header=header), "c.csv")
    product = Product.objects.get(code="NEW-001")
    assert [str(u) for u in product.fits_models] == [str(model.uuid), str(other)]
    from tenants.mirror.usage import entities_in_use

    assert {str(model.uuid), str(other)} <= entities_in_use()["device_model"]
    problems = refusal(csv_of(GOOD + ";XX-404", header=header))
    assert problems == [
        (2, "Modèles compatibles", "aucun modèle d\u2019appareil n\u2019a la référence XX-404")
    ]


def test_the_saved_mapping_reads_another_export(catalogue):
    data = "Article;Libellé;Tarif\nZ-1;Électrode de défibrillation;45,5\n".encode()
    report = import_catalogue(
        data,
        "autre.csv",
        mapping={"code": "Article", "designation": "Libellé", "unit_price": "Tarif"},
    )
    assert report.created == 1
    assert str(Product.objects.get(code="Z-1").unit_price) == "45.50"
