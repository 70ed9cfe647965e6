"""A supplier's page: its postal address (the order letter's), changed by a buyer for a
supplier the hospital recorded; a central one's details are the reference server's."""

from __future__ import annotations

import uuid

import pytest
from django_tenants.utils import tenant_context

from saas.errors import UserError
from tenants.markets import services
from tenants.markets.models import Supplier
from tests.tenants.markets.conftest import MANAGES, ROLES, SEES, clients

ADDRESS = {
    "name": "Biomed Services",
    "siren": "552 100 554",
    "address_line1": "12 rue des Lilas",
    "address_line2": "",
    "postcode": "80000",
    "city": "Amiens",
    "country": "",
}


@pytest.mark.parametrize("name", sorted(ROLES))
def test_who_sees_a_supplier_and_who_changes_its_address(tenant, people, name):
    with tenant_context(tenant):
        supplier = Supplier.objects.create(name="Biomed")
    web = clients(tenant, people)[name]
    seen = web.get(f"/markets/suppliers/{supplier.pk}/")
    assert seen.status_code == (200 if name in SEES else 403)
    if name in SEES:
        assert ("data-supplier-form" in seen.content.decode()) == (name in MANAGES)
    answer = web.post(f"/markets/suppliers/{supplier.pk}/", ADDRESS)
    assert answer.status_code == (302 if name in MANAGES else 403)
    with tenant_context(tenant):
        supplier.refresh_from_db()
        if name in MANAGES:
            assert (supplier.siren, supplier.postcode, supplier.city, supplier.country) == (
                "552100554",
                "80000",
                "Amiens",
                "France",
            )
            assert supplier.address_lines == ["12 rue des Lilas", "80000 Amiens"]
        else:
            assert supplier.city == ""


def test_a_central_suppliers_details_are_the_reference_servers(tenant, people):
    with tenant_context(tenant):
        supplier = Supplier.objects.create(
            name="Philips France", central_uuid=uuid.uuid4(), city="Suresnes"
        )
    web = clients(tenant, people)["buyer"]
    page = web.get(f"/markets/suppliers/{supplier.pk}/").content.decode()
    assert "data-supplier-form" not in page and "Suresnes" in page
    answer = web.post(f"/markets/suppliers/{supplier.pk}/", {**ADDRESS, "name": "Philips"})
    assert answer.status_code == 409
    assert "serveur de référence" in answer.content.decode()
    with tenant_context(tenant):
        supplier.refresh_from_db()
        assert (supplier.name, supplier.city) == ("Philips France", "Suresnes")


def test_a_name_another_supplier_has_whatever_its_case_is_refused(tenant, people):
    with tenant_context(tenant):
        Supplier.objects.create(name="Biomed Services")
        supplier = Supplier.objects.create(name="Biomed")
    web = clients(tenant, people)["buyer"]
    answer = web.post(f"/markets/suppliers/{supplier.pk}/", {**ADDRESS, "name": "BIOMED services"})
    assert answer.status_code == 409
    assert "un autre fournisseur porte déjà ce nom" in answer.content.decode().lower()
    with tenant_context(tenant):
        supplier.refresh_from_db()
        assert supplier.name == "Biomed"


@pytest.mark.parametrize(
    ("field", "value"),
    [("siren", "12345"), ("postcode", "8" * 11), ("name", ""), ("city", "x\x00")],
)
def test_bad_details_are_refused_naming_the_field(tenant, people, field, value):
    with tenant_context(tenant):
        supplier = Supplier.objects.create(name="Biomed")
    web = clients(tenant, people)["buyer"]
    answer = web.post(f"/markets/suppliers/{supplier.pk}/", {**ADDRESS, field: value})
    assert answer.status_code == 400
    with tenant_context(tenant):
        supplier.refresh_from_db()
        assert supplier.name == "Biomed" and supplier.city == ""


def test_the_service_refuses_who_may_not_change_suppliers(tenant_context_people):
    supplier = Supplier.objects.create(name="Biomed")
    with pytest.raises(UserError) as refused:
        services.update_supplier(supplier, ADDRESS, by=tenant_context_people["users"]["viewer"])
    assert refused.value.status == 403
