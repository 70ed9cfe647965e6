"""Curators keep the suppliers the lots name: one name whatever its case (the database, the
service and the form refuse a case variant, in French, on the name), a postal address
published inside the lots; suppliers typed twice before are merged by the migration."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from shared_reference import curation
from shared_reference.models import ChangeLogEntry, Lot, Market, PurchasingBody, Supplier
from shared_reference.services import publish_release
from tests.conftest import client_for

ADDRESS = {
    "name": "Dräger France",
    "siren": "562046536",
    "address_line1": "25 rue Georges Besse",
    "address_line2": "",
    "postcode": "92160",
    "city": "Antony",
    "country": "France",
}


@pytest.fixture
def curator(db, make_user):
    user = make_user(None, email="curator@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return client_for("localhost", user)


@pytest.fixture
def lot(db):
    body = PurchasingBody.objects.create(code="ugap", name="UGAP")
    market = Market.objects.create(
        purchasing_body=body,
        reference="UGAP-2025-VENT",
        title="Ventilation",
        starts=datetime.date(2025, 1, 1),
        ends=datetime.date(2028, 12, 31),
    )
    return Lot.objects.create(market=market, number="1", title="Ventilateurs")


def test_only_curators_reach_the_supplier_pages(db, make_user, lot):
    supplier = Supplier.objects.create(name="Dräger France")
    someone = client_for("localhost", make_user(None, email="someone@ref.test"))
    assert someone.get("/reference/suppliers/").status_code == 403
    assert someone.get(f"/reference/suppliers/{supplier.uuid}/").status_code == 403
    assert someone.post(f"/reference/suppliers/{supplier.uuid}/", ADDRESS).status_code == 403
    supplier.refresh_from_db()
    assert supplier.city == ""


def test_a_curator_gives_the_address_and_the_lots_go_out_again_with_it(curator, lot):
    supplier = Supplier.objects.create(name="Drager")
    lot.suppliers.add(supplier)
    publish_release(notes="v1", by="curator")
    assert "Drager" in curator.get("/reference/suppliers/?q=drag").content.decode()
    response = curator.post(f"/reference/suppliers/{supplier.uuid}/", ADDRESS)
    assert response.status_code == 302
    lot.refresh_from_db()
    assert lot.dirty
    release = publish_release(notes="address", by="curator")
    published = ChangeLogEntry.objects.get(release=release, entity_uuid=lot.uuid).payload
    assert published["suppliers"] == [
        {"uuid": str(supplier.uuid), **ADDRESS},
    ]


def test_a_case_variant_of_another_suppliers_name_is_refused_in_french_on_the_name(curator, lot):
    Supplier.objects.create(name="Dräger France")
    supplier = Supplier.objects.create(name="Drager")
    response = curator.post(
        f"/reference/suppliers/{supplier.uuid}/", {**ADDRESS, "name": "DRÄGER  france"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["name"] == [
        "Un autre fournisseur porte déjà ce nom, à la casse près\u00a0: Dräger France."
    ]
    supplier.refresh_from_db()
    assert supplier.name == "Drager"


def test_the_service_refuses_a_case_variant_too(db):
    Supplier.objects.create(name="Dräger France")
    supplier = Supplier.objects.create(name="Drager")
    supplier.name = "dräger FRANCE"
    with pytest.raises(curation.MarketRefused) as refused:
        curation.save_supplier(supplier)
    assert refused.value.field == "name"


def test_the_database_refuses_a_case_variant(db):
    Supplier.objects.create(name="Dräger France")
    with pytest.raises(IntegrityError), transaction.atomic():
        Supplier.objects.create(name="DRÄGER FRANCE")


def test_a_lot_naming_a_case_variant_uses_the_supplier_known(curator, lot):
    known = Supplier.objects.create(name="Dräger France")
    curation.save_lot(lot, supplier_names=["DRÄGER FRANCE"])
    assert list(lot.suppliers.all()) == [known]


def test_the_migration_merges_suppliers_typed_twice_then_the_constraint_holds(lot):
    """Rows differing only by their case, as the case-sensitive column allowed: the oldest
    kept, the others' lots pointed at it (and published again), their SIREN kept."""
    migration = __import__(
        "shared_reference.migrations.0007_merge_suppliers_differing_by_case",
        fromlist=["merge_case_variants"],
    )
    constraint = next(
        c for c in Supplier._meta.constraints if c.name == "reference_supplier_name_unique"
    )
    with connection.schema_editor() as editor:  # as the table stood before the migration
        editor.remove_constraint(Supplier, constraint)
    first = Supplier.objects.create(name="Dräger France")
    second = Supplier.objects.create(name="DRÄGER FRANCE", siren="562046536")
    other = Supplier.objects.create(name="Philips France")
    lot.suppliers.add(second, other)
    Lot.objects.filter(pk=lot.pk).update(dirty=False)
    migration.merge_case_variants(apps, None)
    assert list(Supplier.objects.order_by("pk")) == [first, other]
    first.refresh_from_db()
    assert first.name == "Dräger France" and first.siren == "562046536"
    lot.refresh_from_db()
    assert set(lot.suppliers.all()) == {first, other} and lot.dirty
    with connection.cursor() as cursor:  # the deletions' deferred checks, as a commit would
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        editor.add_constraint(Supplier, constraint)
