"""The loans' pages: who sees and does what, and bad input that never gives a 500."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from tenants.loans.models import Loan
from tests.conftest import client_for, host_of
from tests.tenants.loans.conftest import days, lend


def clients(tenant, lending) -> dict:  # type: ignore[no-untyped-def]
    return {
        name: client_for(host_of(tenant), user, tenant) for name, user in lending["users"].items()
    }


def form(lending, **extra) -> dict:  # type: ignore[no-untyped-def]
    return {
        "device": lending["device"].inventory_number,
        "borrowing_uf": "2201",
        "starts_on": days(0).strftime("%d/%m/%Y"),
        "due_on": days(7).strftime("%d/%m/%Y"),
        "borrower_name": "Dr Martin",
        **extra,
    }


def test_a_requester_records_a_loan_from_the_device_page(tenant, lending):
    web = clients(tenant, lending)
    page = web["requester"].get(f"/inventory/devices/{lending['device'].pk}/")
    assert "Prêter cet équipement" in page.content.decode()
    new = web["requester"].get(f"/loans/new/?device={lending['device'].pk}")
    assert 'value="INV-LOAN-1"' in new.content.decode()
    response = web["requester"].post("/loans/new/", form(lending))
    assert response.status_code == 302
    with tenant_context(tenant):
        loan = Loan.objects.get()
    assert response["Location"] == f"/loans/{loan.pk}/"
    page = web["requester"].get(f"/inventory/devices/{lending['device'].pk}/").content.decode()
    assert loan.reference in page and "en prêt" in page
    listing = web["bloc"].get("/loans/").content.decode()
    assert loan.reference in listing
    until = "en prêt jusqu\u2019au " + loan.due_on.strftime("%d/%m/%Y")
    inventory = web["bloc"].get("/inventory/?q=INV-LOAN").content.decode()
    assert f'href="/loans/{loan.pk}/" data-on-loan>{until}' in inventory
    # Someone who may not open the loan sees the device is lent, without a link to it.
    inventory = web["outsider"].get("/inventory/?q=INV-LOAN").content.decode()
    assert f"data-on-loan>{until}" in inventory and f"/loans/{loan.pk}/" not in inventory
    page = web["outsider"].get(f"/inventory/devices/{lending['device'].pk}/").content.decode()
    assert until in page and loan.reference not in page


def test_impossible_dates_come_back_with_the_field_named_and_what_was_typed(tenant, lending):
    web = clients(tenant, lending)
    response = web["requester"].post(
        "/loans/new/", form(lending, due_on=days(-1).strftime("%d/%m/%Y"))
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "date de début" in body and "Dr Martin" in body
    assert 'aria-invalid="true"' in body


def test_the_same_uf_and_an_unknown_device_are_refused_on_their_fields(tenant, lending):
    web = clients(tenant, lending)
    response = web["requester"].post("/loans/new/", form(lending, borrowing_uf="1101"))
    assert response.status_code == 400
    assert "différer" in response.content.decode()
    response = web["requester"].post("/loans/new/", form(lending, device="NOPE"))
    assert response.status_code == 400
    assert "aucun équipement" in response.content.decode().lower()


def test_nul_bytes_and_huge_values_give_4xx(tenant, lending):
    web = clients(tenant, lending)
    for bad in (
        {"reason": "a\x00b"},
        {"device": "\x00"},
        {"borrowing_uf": "x" * 100000},
        {"starts_on": "99/99/99999999999999"},
        {"lender_phone": "9" * 5000},
    ):
        response = web["requester"].post("/loans/new/", form(lending, **bad))
        assert 400 <= response.status_code < 500, bad
    assert web["requester"].get("/loans/new/?device=99999999999999999999").status_code == 200
    assert web["requester"].get("/loans/?late=\x00&state=zz").status_code < 500
    assert web["requester"].get("/loans/?late=maybe&state=zz&q=" + "x" * 5000).status_code == 200
    assert web["requester"].get("/loans/99999999999/").status_code == 404


def test_people_without_the_right_may_not_record(tenant, lending):
    web = clients(tenant, lending)
    assert web["manager"].get("/loans/new/").status_code == 403
    response = web["outsider"].post("/loans/new/", form(lending))
    assert response.status_code == 403
    assert "Dr Martin" in response.content.decode()  # what was typed is kept
    with tenant_context(tenant):
        assert not Loan.objects.exists()


def test_others_see_only_loans_touching_their_scope(tenant, lending):
    with tenant_context(tenant):
        loan = lend(lending)
    web = clients(tenant, lending)
    assert web["outsider"].get(f"/loans/{loan.pk}/").status_code == 404
    assert loan.reference not in web["outsider"].get("/loans/").content.decode()
    assert web["manager"].get(f"/loans/{loan.pk}/").status_code == 200  # tenant-wide
    response = web["outsider"].post(
        f"/loans/{loan.pk}/act/", {"action": "cancel", "version": loan.version}
    )
    assert response.status_code == 404
    # The management sees it but may not act on it.
    response = web["manager"].post(
        f"/loans/{loan.pk}/act/", {"action": "cancel", "version": loan.version}
    )
    assert response.status_code == 403
    with tenant_context(tenant):
        assert Loan.objects.get().cancelled_at is None


def test_another_tenants_loan_is_not_found(tenant, other_tenant, lending, make_user):
    with tenant_context(tenant):
        loan = lend(lending)
    from tenants.access.models import Role, RoleGrant, ScopeKind

    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
    web = client_for(host_of(other_tenant), stranger, other_tenant)
    assert web.get(f"/loans/{loan.pk}/").status_code == 404
    assert web.post(f"/loans/{loan.pk}/act/", {"action": "cancel", "version": 1}).status_code == 404


def test_marking_returned_and_a_stale_page(tenant, lending):
    with tenant_context(tenant):
        loan = lend(lending, start=-2, due=3)
    web = clients(tenant, lending)
    page = web["bloc"].get(f"/loans/{loan.pk}/").content.decode()
    assert "Marquer rendu" in page
    bad = web["bloc"].post(
        f"/loans/{loan.pk}/act/",
        {
            "action": "return",
            "version": loan.version,
            "return-returned_on": days(-5).strftime("%d/%m/%Y"),
            "return-note": "gardé",
        },
    )
    assert bad.status_code == 400
    assert "date de début" in bad.content.decode() and "gardé" in bad.content.decode()
    moved = web["requester"].post(
        f"/loans/{loan.pk}/act/",
        {"action": "move", "version": loan.version, "move-due_on": days(5).strftime("%d/%m/%Y")},
    )
    assert moved.status_code == 302
    # What was done is said, not only "Saved".
    said = web["requester"].get(moved["Location"]).content.decode()
    assert f"Date de retour déplacée au {days(5).strftime('%d/%m/%Y')}." in said
    stale = web["bloc"].post(
        f"/loans/{loan.pk}/act/", {"action": "return", "version": loan.version}
    )
    assert stale.status_code == 409
    done = web["bloc"].post(
        f"/loans/{loan.pk}/act/", {"action": "return", "version": loan.version + 1}
    )
    assert done.status_code == 302
    with tenant_context(tenant):
        assert Loan.objects.get().returned_on == days(0)
    for bad in ({"action": "zz", "version": "1"}, {"action": "return", "version": "\x00"}):
        assert web["bloc"].post(f"/loans/{loan.pk}/act/", bad).status_code in (400, 409)


def test_the_list_filters_late_loans_and_says_so(tenant, lending):
    with tenant_context(tenant):
        # The planned one first: once the late one is recorded, the device is held by it.
        planned = lend(lending, start=5, due=8)
        late = lend(lending, start=-10, due=-2)
    web = clients(tenant, lending)
    body = web["expert"].get("/loans/?late=true").content.decode()
    assert late.reference in body and planned.reference not in body
    assert "en retard" in body
    body = web["expert"].get("/loans/?state=planned&borrowing_uf=2201").content.decode()
    assert planned.reference in body and late.reference not in body
    body = web["expert"].get("/loans/?q=INV-LOAN").content.decode()
    assert planned.reference in body and late.reference in body


def test_the_list_costs_as_many_queries_for_one_loan_as_for_several(tenant, lending):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = clients(tenant, lending)
    with tenant_context(tenant):
        lend(lending, start=80, due=85)
    with CaptureQueriesContext(connection) as one:
        assert web["expert"].get("/loans/").status_code == 200
    with tenant_context(tenant):
        for start in (0, 20, 40, 60):
            lend(lending, start=start, due=start + 5)
    with CaptureQueriesContext(connection) as five:
        body = web["expert"].get("/loans/").content.decode()
    assert body.count('href="/loans/') >= 5
    assert len(five.captured_queries) == len(one.captured_queries)


def test_the_lists_export_writes_each_state_in_words(tenant, lending):
    from io import BytesIO

    from openpyxl import load_workbook

    from tests.tenants.tables.test_every_export import workbook_of

    with tenant_context(tenant):
        lend(lending)
    response = clients(tenant, lending)["requester"].get("/loans/", {"export": "xlsx"})
    sheet = load_workbook(BytesIO(workbook_of(response))).worksheets[0]
    cells = {cell.value for line in sheet.iter_rows() for cell in line}
    assert "En prêt" in cells, cells
    assert "under_way" not in cells


def test_the_lists_query_count_does_not_grow_with_rows(tenant, lending):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tenants.inventory.models import Device
    from tenants.loans.views import LOANS
    from tenants.tables.listing import all_columns

    web = clients(tenant, lending)
    columns = [name for name, _header in all_columns(LOANS)]
    web["requester"].post("/lists/loans.loans/columns/", {"columns": columns})

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert web["requester"].get("/loans/").status_code == 200
        return len(queries)

    with tenant_context(tenant):
        lend(lending)
    one = count()
    with tenant_context(tenant):
        for n in range(6):
            device = Device.objects.create(
                inventory_number=f"INV-LOAN-N{n}", uf=lending["rea"], model_name="Servo-u"
            )
            lend({**lending, "device": device})
    assert count() == one
