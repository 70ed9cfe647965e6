"""Attacks on the purchasing pages and services: rights, states, versions, hostile input."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.purchasing import services
from tenants.purchasing.models import PurchaseFile, PurchaseRequest, RequestState
from tests.conftest import client_for, host_of
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
