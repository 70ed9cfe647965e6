"""Attacks on the finance pages, the imports' pages and the personal alert settings: a
requester and a buyer of one UF try every URL and form (deciding a reconciliation pair,
importing the finance system's files, reading its import reports); hostile values in every
parameter and field. Nothing answers 500, nobody acts outside their role."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.finance.models import AssetMatch, FixedAsset
from tenants.imports.models import ImportJob
from tenants.inventory.models import Device
from tests.conftest import client_for, host_of
from tests.fuzzing import HOSTILE, form_on, fuzz
from tests.tenants.finance.test_reconciliation import books  # noqa: F401

KINDS = ("finance_orders", "finance_assets", "finance_invoices")


@pytest.fixture
def people(books, tenant, make_user):  # noqa: F811
    found = {}
    for name, role, scope in (
        ("finance", Role.FINANCE, ScopeKind.TENANT),
        ("buyer_uf", Role.BUYER, ScopeKind.UF),
        ("requester", Role.REQUESTER, ScopeKind.TENANT),
    ):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            target = Device.objects.first().uf if scope == ScopeKind.UF else None
            grant_role(person, role, scope, target, by="test")
        found[name] = client_for(host_of(tenant), person, tenant)
    with tenant_context(tenant):
        found["asset"] = FixedAsset.objects.get(sheet="IMM3").pk
        found["device"] = Device.objects.get(inventory_number="INV3").pk
        found["job"] = ImportJob.objects.create(kind="finance_assets", filename="immo.csv").pk
    return found


@pytest.mark.parametrize("who", ["requester", "buyer_uf"])
def test_no_finance_role_decides_nor_imports(people, tenant, who):
    client = people[who]
    for decision in ("confirm", "none"):
        response = client.post(
            "/finance/reconciliation/decide/",
            {"asset": people["asset"], "device": people["device"], "decision": decision},
        )
        assert response.status_code == 403
    assert client.post("/controls/run/").status_code == 403
    for kind in KINDS:
        assert client.get(f"/imports/{kind}/").status_code == 403
        assert client.post(f"/imports/{kind}/", {"dry_run": "on"}).status_code == 403
        assert client.get(f"/imports/{kind}/{people['job']}/").status_code == 403
        assert client.post(f"/imports/{kind}/{people['job']}/apply/").status_code == 403
    with tenant_context(tenant):
        assert not AssetMatch.objects.exists()
        assert ImportJob.objects.count() == 1


def test_a_requester_reads_neither_the_books_nor_the_imports(people):
    client = people["requester"]
    assert client.get("/finance/reconciliation/").status_code == 403
    assert client.get("/imports/").status_code == 403


def test_an_import_job_is_read_only_under_its_own_kind(people):
    client = people["finance"]
    assert client.get(f"/imports/finance_assets/{people['job']}/").status_code == 200
    assert client.get(f"/imports/finance_orders/{people['job']}/").status_code == 404
    assert client.post(f"/imports/finance_orders/{people['job']}/apply/").status_code == 404
    for kind in ("nothing", "inventory", "x" * 300):
        assert client.get(f"/imports/{kind}/").status_code == 404
    assert client.get("/imports/finance_orders/99999999999999999999/").status_code == 404


def test_hostile_pages_of_the_imports_history_never_answer_500(people):
    for value in [*HOSTILE, "0", "99999"]:
        response = people["finance"].get("/imports/", {"page": value})
        assert response.status_code in (200, 400), repr(value[:20])  # NUL: 400


def test_hostile_reconciliation_decisions_never_answer_500(people, tenant):
    base = {"asset": str(people["asset"]), "device": str(people["device"]), "decision": "confirm"}
    fuzz(people["finance"], "/finance/reconciliation/decide/", base)


def test_a_decision_that_is_neither_confirm_nor_none_changes_nothing(people, tenant):
    response = people["finance"].post(
        "/finance/reconciliation/decide/",
        {"asset": people["asset"], "device": people["device"], "decision": "\x00"},
    )
    assert response.status_code == 400
    with tenant_context(tenant):
        assert not AssetMatch.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_import_forms_never_answer_500(people, kind):
    client = people["finance"]
    base = form_on(client.get(f"/imports/{kind}/").content.decode())  # posts to itself
    assert f"column_{'year' if kind != 'finance_invoices' else 'supplier_name'}" in base
    fuzz(client, f"/imports/{kind}/", base)


def test_hostile_alert_settings_never_answer_500(people):
    for who in ("requester", "finance"):
        client = people[who]
        base = form_on(client.get("/notifications/settings/").content.decode())
        fuzz(client, "/notifications/settings/", base)


def test_a_buyer_of_one_uf_reads_the_reconciliation_of_that_uf_only(people):
    everything = people["finance"].get("/finance/reconciliation/").content.decode()
    assert "IMM4" in everything and 'data-count="proposals">2<' in everything
    mine = people["buyer_uf"].get("/finance/reconciliation/").content.decode()
    assert "IMM4" not in mine  # UF 1102's
    assert 'data-count="proposals">1<' in mine and "IMM3" in mine and "IMM5" in mine
