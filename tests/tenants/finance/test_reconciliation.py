"""The books against the CMMS: sure pairs, likely pairs to confirm, and the rest."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.finance.imports import FIXED_ASSETS
from tenants.finance.models import AssetMatch, FixedAsset
from tenants.finance.pairing import pairs, proposals
from tenants.inventory.models import Device
from tests.conftest import client_for, host_of
from tests.tenants.inventory.factories import structure

ASSETS = (
    "N° fiche;Exercice;UF;N° commande;N° inventaire;N° série;Date mise en service;Valeur\n"
    "IMM1;2026;1101;C1;INV1;;;5 000\n"  # by inventory number
    "IMM2;2026;1101;C2;;SN-2;;800\n"  # by serial
    "IMM3;2026;1101;C3;;;01/03/2026;12 000\n"  # likely INV3 (same order, UF, value, date)
    "IMM4;2026;1102;C3;;;;400\n"  # same order, but its devices are taken: left alone
    "IMM5;2026;1101;;;;;99\n"  # nothing to go on
)


@pytest.fixture
def books(tenant):
    with tenant_context(tenant):
        uf1, _uf2, _uf3 = structure()
        for number, serial, order, value, commissioned in (
            ("INV1", "", "C1", "5000", None),
            ("INV2", "SN 2", "", "800", None),
            ("INV3", "", "C3", "11900", datetime.date(2026, 3, 15)),
            ("INV4", "", "C3", "300", None),
            ("INV9", "", "", "50", None),
        ):
            Device.objects.create(
                inventory_number=number,
                uf=uf1,
                serial_number=serial,
                order_number=order,
                purchase_value=Decimal(value),
                commissioning_date=commissioned,
            )
        FIXED_ASSETS.run(ASSETS.encode(), "immo.csv")
        yield


def sheets(found) -> dict[str, str]:
    names = dict(FixedAsset.objects.values_list("pk", "sheet"))
    devices = dict(Device.objects.values_list("pk", "inventory_number"))
    return {names[a]: devices[d] for a, d in found.by_asset.items()}


def test_sure_pairs_by_inventory_and_serial_number(books):
    assert sheets(pairs()) == {"IMM1": "INV1", "IMM2": "INV2"}


def test_likely_pairs_by_order_best_first_each_device_once(books):
    proposed = [(p.asset["sheet"], p.device["inventory_number"], p.score) for p in proposals()]
    assert proposed == [("IMM3", "INV3", 4), ("IMM4", "INV4", 1)]


def test_a_confirmed_pair_is_sure_and_a_refused_one_is_not_proposed(books, tenant, make_user):
    from tenants.finance.services import Refused, decide_asset

    person = make_user(tenant)
    grant_role(person, Role.FINANCE, ScopeKind.TENANT, by="test")
    imm3, imm4 = FixedAsset.objects.get(sheet="IMM3"), FixedAsset.objects.get(sheet="IMM4")
    decide_asset(imm3, Device.objects.get(inventory_number="INV3"), by=person)
    decide_asset(imm4, None, by=person)
    assert sheets(pairs()) == {"IMM1": "INV1", "IMM2": "INV2", "IMM3": "INV3"}
    assert proposals() == []
    # A device surely paired with another asset cannot be given to this one.
    with pytest.raises(Refused) as refused:
        decide_asset(imm4, Device.objects.get(inventory_number="INV1"), by=person)
    assert refused.value.status == 409
    assert AssetMatch.objects.get(asset=imm4).device is None


def test_the_page_shows_each_part_and_finance_confirms(books, tenant, make_user):
    finance, buyer = make_user(tenant), make_user(tenant)
    with tenant_context(tenant):
        grant_role(finance, Role.FINANCE, ScopeKind.TENANT, by="test")
        grant_role(buyer, Role.BUYER, ScopeKind.TENANT, by="test")
        imm3 = FixedAsset.objects.get(sheet="IMM3")
        inv3 = Device.objects.get(inventory_number="INV3")
    page = client_for(host_of(tenant), finance, tenant).get(
        "/finance/reconciliation/", HTTP_ACCEPT_LANGUAGE="en"
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert 'data-count="sure">2<' in text and 'data-count="proposals">2<' in text
    assert 'data-count="assets">1<' in text and "IMM5" in text and "INV9" in text
    # A lone asset may be said to have no device, from its row.
    with tenant_context(tenant):
        imm5 = FixedAsset.objects.get(sheet="IMM5")
    assert f'name="asset" value="{imm5.pk}"' in text
    # A buyer reads it, but confirms nothing.
    by_buyer = client_for(host_of(tenant), buyer, tenant)
    assert "decision" not in by_buyer.get("/finance/reconciliation/").content.decode()
    refused = by_buyer.post(
        "/finance/reconciliation/decide/",
        {"asset": imm3.pk, "device": inv3.pk, "decision": "confirm"},
    )
    assert refused.status_code == 403
    done = client_for(host_of(tenant), finance, tenant).post(
        "/finance/reconciliation/decide/",
        {"asset": imm3.pk, "device": inv3.pk, "decision": "confirm"},
    )
    assert done.status_code == 302
    with tenant_context(tenant):
        assert AssetMatch.objects.get().device == inv3


@pytest.mark.parametrize(
    "fields",
    [
        {"asset": "\x00", "decision": "confirm"},
        {"asset": "99999999999999999999"},
        {"asset": "-1", "device": "1", "decision": "confirm"},
        {"decision": "confirm"},
    ],
)
def test_hostile_decisions_are_refused_not_500(books, tenant, make_user, fields):
    finance = make_user(tenant)
    with tenant_context(tenant):
        grant_role(finance, Role.FINANCE, ScopeKind.TENANT, by="test")
    response = client_for(host_of(tenant), finance, tenant).post(
        "/finance/reconciliation/decide/", fields
    )
    assert response.status_code in (302, 400)
    with tenant_context(tenant):
        assert not AssetMatch.objects.exists()


def test_who_reads_no_finance_is_told_why(books, tenant, make_user):
    requester = make_user(tenant)
    with tenant_context(tenant):
        grant_role(requester, Role.REQUESTER, ScopeKind.TENANT, by="test")
    page = client_for(host_of(tenant), requester, tenant).get("/finance/reconciliation/")
    assert page.status_code == 403
