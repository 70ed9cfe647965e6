"""Attacks on the purchasing pages and services: rights, states, versions, hostile input."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.purchasing import services
from tenants.purchasing.models import PurchaseFile, PurchaseRequest, RequestState
from tests.conftest import B_MARKER, client_for, host_of
from tests.fuzzing import Form, form_on, fuzz
from tests.tenants.purchasing.conftest import TODAY, line_input, on_market

pytestmark = pytest.mark.django_db

HOSTILE = [
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "1e30",
    "-1",
    "99999999999999999999999",
    "NaN",
    "Infinity",
    "0000",
    "31/02/2027",
    "2027-13-45",
    "[]",
    "%00",
    "é",
    "=cmd|' /C calc'!A0",
]


@pytest.fixture
def clients(buying, tenant):  # type: ignore[no-untyped-def]
    return {
        name: client_for(host_of(tenant), buying["users"][name], tenant)
        for name in ("buyer", "expert", "requester", "finance", "imaging_expert")
    }


LIST_PARAMS = {
    "/purchasing/requests/": ["q", "state", "off_contract", "sort", "page", "export", "columns"],
    "/purchasing/files/": ["q", "sort", "page", "export", "columns"],
    "/purchasing/exceptions/": ["q", "code", "expired", "sort", "page", "export", "columns"],
    "/purchasing/spending/": ["from", "to", "export"],
    "/purchasing/requests/new/": ["file", "line"],
    "/purchasing/files/new/": ["line"],
}


def test_hostile_get_parameters_never_give_a_500(buying, clients, tenant):
    with tenant_context(tenant):
        on_market(buying)
    for url, names in LIST_PARAMS.items():
        for name in names:
            for value in HOSTILE:
                response = clients["buyer"].get(url, {name: value})
                assert response.status_code < 500, (url, name, value[:20])


def test_an_expert_may_not_move_their_draft_into_a_file_they_may_not_change(buying, tenant):
    """Creating a draft in a file the person may not change is refused: so is moving one there."""
    u = buying["users"]
    with tenant_context(tenant):
        file = services.create_file(
            services.FileInput(title="Projet", lead=u["buyer"], plan_lines=[buying["line"]]),
            by=u["buyer"],
        )
        with pytest.raises(services.Refused):
            on_market(buying, by=u["expert"], file=file)
        item = on_market(buying, by=u["expert"])
        with pytest.raises(services.Refused) as caught:
            services.save_purchase_request(
                services.RequestInput(
                    supplier=buying["maquet"],
                    quote_date=TODAY,
                    market=buying["market"],
                    lot=buying["lot"],
                    lines=[line_input(buying)],
                    file=file,
                ),
                by=u["expert"],
                item=item,
                expected_version=item.version,
            )
        assert caught.value.field == "file"
        item.refresh_from_db()
        assert item.file is None
        assert PurchaseFile.objects.get(pk=file.pk).requests.count() == 0


def test_ordering_a_draft_or_a_stale_version_through_the_page_changes_nothing(
    buying, clients, tenant
):
    with tenant_context(tenant):
        item = on_market(buying)
    url = f"/purchasing/requests/{item.pk}/act/"
    response = clients["buyer"].post(url, {"action": "order", "version": str(item.version)})
    assert response.status_code in (400, 403, 409)
    response = clients["buyer"].post(url, {"action": "send", "version": str(item.version + 7)})
    assert response.status_code == 409
    for version in HOSTILE:
        response = clients["buyer"].post(url, {"action": "send", "version": version})
        assert response.status_code < 500, version[:20]
    with tenant_context(tenant):
        assert PurchaseRequest.objects.get(pk=item.pk).state == RequestState.DRAFT


# Every form of the purchasing pages, one field at a time ------------------------------------


def _page_form(client, url: str, action: str = "") -> Form:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return form_on(response.content.decode(), action)


@pytest.fixture
def objects(buying, tenant):  # type: ignore[no-untyped-def]
    u = buying["users"]
    with tenant_context(tenant):
        item = on_market(buying)
        file = services.create_file(
            services.FileInput(title="Projet", lead=u["buyer"], plan_lines=[buying["line"]]),
            by=u["buyer"],
        )
        check = file.checklist.first()
    return {"item": item, "file": file, "check": check, "exception": buying["exception"]}


def test_hostile_posts_to_the_exception_forms(buying, clients, objects):
    buyer = clients["buyer"]
    fuzz(buyer, "/purchasing/exceptions/new/", _page_form(buyer, "/purchasing/exceptions/new/"))
    edit = f"/purchasing/exceptions/{objects['exception'].pk}/edit/"
    fuzz(buyer, edit, _page_form(buyer, edit), fresh=lambda: _page_form(buyer, edit))


def test_hostile_posts_to_the_request_forms(buying, clients, objects):
    buyer = clients["buyer"]
    new = "/purchasing/requests/new/"
    base = _page_form(buyer, new)
    base.update(
        {
            "supplier": "Maquet SAS",
            "market": str(buying["market"].pk),
            "lot": "1",
            "lines-0-plan_line": buying["line"].reference,
            "lines-0-description": "Respirateur",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "100",
            "lines-0-vat_rate": "20",
        }
    )
    fuzz(buyer, new, base)
    edit = f"/purchasing/requests/{objects['item'].pk}/edit/"
    fuzz(buyer, edit, _page_form(buyer, edit), fresh=lambda: _page_form(buyer, edit))


def test_hostile_posts_to_the_file_forms(buying, clients, objects):
    buyer = clients["buyer"]
    new = "/purchasing/files/new/"
    base = _page_form(buyer, new) | {"title": "P", "plan_lines": buying["line"].reference}
    fuzz(buyer, new, base)
    edit = f"/purchasing/files/{objects['file'].pk}/edit/"
    fuzz(buyer, edit, _page_form(buyer, edit), fresh=lambda: _page_form(buyer, edit))
    detail = f"/purchasing/files/{objects['file'].pk}/"
    check = f"/purchasing/files/{objects['file'].pk}/checklist/{objects['check'].pk}/"
    response = buyer.get(detail)
    fuzz(buyer, check, form_on(response.content.decode(), "checklist"))
    fuzz(buyer, "/purchasing/files/add-line/", {"file": str(objects["file"].pk), "line": "1"})


def test_hostile_posts_to_a_request_s_actions_and_documents(buying, clients, objects):
    buyer = clients["buyer"]
    item = objects["item"]
    act = f"/purchasing/requests/{item.pk}/act/"
    versions = [v for v in HOSTILE if v != str(item.version)]
    # The kinds of the note and the order's fields as the page draws them (a draft's page
    # shows no order form: its fields are given their kinds by their values).
    page = _page_form(buyer, f"/purchasing/requests/{item.pk}/", "act")
    for action in ("send", "return", "order", "cancel", "\x00", "x" * 10_000):
        base = page | {"action": action, "version": str(item.version), "act-note": "n"}
        if action == "order":
            base |= {"order-order_number": "C1", "order-ordered_on": "01/01/2027"}
        # The action and the version with every value of the list; the action only once
        # (replaced, it is the same post whatever the action was).
        hidden = {"version", "action"} if action == "send" else {"version"}
        fuzz(buyer, act, base, values=versions, only=hidden)
        fuzz(buyer, act, base, only=set(base) - {"version", "action"})
    documents = f"/purchasing/requests/{item.pk}/documents/"
    fuzz(buyer, documents, {"version": "999999999"})
    status = f"/purchasing/requests/{item.pk}/documents/status/"
    for value in [*HOSTILE, "99999999999999999999"]:
        response = buyer.get(status, {"version": value})
        # A NUL byte in a URL is turned away (400) before any view; the rest shows the section.
        assert response.status_code == (400 if "\x00" in value else 200), repr(value[:20])


def test_another_tenant_s_purchasing_objects_are_not_found(buying, clients, other_tenant):
    """Ids of B's requests, files, exceptions and jobs on A's host: 404, never B's data."""
    from tenants.purchasing.models import DocumentJob, OffContractException

    with tenant_context(other_tenant):
        ids = {
            "requests": list(PurchaseRequest.objects.values_list("pk", flat=True)),
            "files": list(PurchaseFile.objects.values_list("pk", flat=True)),
            "exceptions": list(OffContractException.objects.values_list("pk", flat=True)),
            "jobs": list(DocumentJob.objects.values_list("pk", flat=True)),
        }
    assert ids["requests"] and ids["files"] and ids["exceptions"], "B holds no purchasing data"
    for client in clients.values():
        for pk in [*ids["requests"], *ids["jobs"], 99_999_999]:
            for path in ("", "edit/", "documents/status/"):
                response = client.get(f"/purchasing/requests/{pk}/{path}")
                assert response.status_code in (302, 403, 404), (pk, path)
                assert B_MARKER not in response.content.decode()
            for path in ("act/", "documents/", "edit/"):
                response = client.post(
                    f"/purchasing/requests/{pk}/{path}", {"action": "send", "version": "1"}
                )
                assert response.status_code in (302, 403, 404), (pk, path)
        for pk in [*ids["files"], 99_999_999]:
            for path in ("", "edit/", "checklist/1/"):
                response = client.get(f"/purchasing/files/{pk}/{path}")
                assert response.status_code in (302, 403, 404, 405), (pk, path)
                assert B_MARKER not in response.content.decode()
        for pk in [*ids["exceptions"], 99_999_999]:
            for path in ("", "edit/"):
                response = client.get(f"/purchasing/exceptions/{pk}/{path}")
                assert response.status_code in (302, 403, 404), (pk, path)
                assert B_MARKER not in response.content.decode()


def test_a_buyer_of_tenant_a_does_nothing_on_tenant_b_host(buying, tenant, other_tenant):
    client = client_for(host_of(other_tenant), buying["users"]["buyer"], tenant)
    for url in (
        "/purchasing/requests/",
        "/purchasing/exceptions/new/",
        "/purchasing/files/new/",
        "/purchasing/requests/1/documents/status/",
    ):
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert B_MARKER not in response.content.decode()
    response = client.post("/purchasing/exceptions/new/", {"code": "HM4"})
    assert response.status_code in (302, 403, 404)


@pytest.mark.parametrize("role", ["requester", "expert", "finance", "imaging_expert"])
def test_who_is_not_a_buyer_records_no_exception_and_produces_no_documents(
    role, buying, clients, objects, tenant
):
    from tenants.purchasing.models import DocumentJob, OffContractException

    client = clients[role]
    before = OffContractException.objects.count
    with tenant_context(tenant):
        count = before()
    data = {
        "code": "HM4",
        "supplier": "Maquet SAS",
        "valid_from": "01/01/2027",
        "valid_until": "01/02/2027",
    }
    assert client.post("/purchasing/exceptions/new/", data).status_code in (403, 404)
    edit = f"/purchasing/exceptions/{objects['exception'].pk}/edit/"
    assert client.post(edit, {**data, "version": "1"}).status_code in (403, 404)
    item = objects["item"]
    response = client.post(
        f"/purchasing/requests/{item.pk}/documents/", {"version": str(item.version)}
    )
    assert response.status_code in (403, 404)
    with tenant_context(tenant):
        assert before() == count
        assert not DocumentJob.objects.filter(request=item).exists()


def test_the_documents_post_wants_the_shown_version(buying, clients, objects, tenant):
    from tenants.purchasing.models import DocumentJob

    item = objects["item"]
    url = f"/purchasing/requests/{item.pk}/documents/"
    for version in ("", "abc", "99999999999999999999", "-1", "\x00", str(item.version + 1)):
        response = clients["buyer"].post(url, {"version": version})
        assert response.status_code in (400, 409), repr(version)
    response = clients["buyer"].post(url, {})
    assert response.status_code in (400, 409)
    with tenant_context(tenant):
        assert not DocumentJob.objects.filter(request=item).exists()
    for _ in range(2):
        response = clients["buyer"].post(url, {"version": str(item.version)})
        assert response.status_code == 302
    with tenant_context(tenant):
        assert DocumentJob.objects.filter(request=item).count() == 1
