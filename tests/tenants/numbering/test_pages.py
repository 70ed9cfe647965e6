"""References where people see requests and plan lines: lists, search, the request's page,
the notifications."""

from __future__ import annotations

import lxml.html
import pytest
from django_tenants.utils import tenant_context

from tenants.notifications.models import Notification
from tenants.plan.services import add_granted_request
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.services import PartInput, save_draft


@pytest.fixture
def two_requests(tenant, chain):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        other = save_draft(
            by=chain["users"]["requester"],
            campaign=chain["campaign"],
            uf=chain["rea"],
            title="Échographe",
            parts=[PartInput("investment", 1, "45000")],
        )
        # Sent: the management sees requests once sent, not their authors' drafts.
        requester = chain["users"]["requester"]
        return tuple(workflow.submit(r, by=requester) for r in (chain["request"], other))


def test_the_request_list_shows_each_reference_linked_to_its_request(tenant, web, two_requests):
    body = web["manager"].get("/requests/").content.decode()
    page = lxml.html.fromstring(body)
    assert page.xpath("//thead//th[1]/@data-column") == ["reference"]
    for request in two_requests:
        (link,) = page.xpath(f'//tbody//a[text()="{request.reference}"]')
        assert link.get("href") == f"/requests/{request.pk}/"


@pytest.mark.parametrize("typed", ["same", "lower", "digits"])
def test_the_request_lists_find_a_request_by_its_reference(tenant, web, two_requests, typed):
    breathing, echo = two_requests
    words = {
        "same": echo.reference,
        "lower": echo.reference.lower(),
        "digits": echo.reference.rsplit("-", 1)[1],  # "00042"
    }
    for url in ("/requests/", "/requests/mine/"):
        client = web["manager"] if url == "/requests/" else web["requester"]
        body = client.get(url, {"q": words[typed]}).content.decode()
        assert echo.reference in body and "Échographe" in body
        assert breathing.reference not in body and "Respirateur" not in body


def test_a_request_page_and_its_form_are_headed_by_its_reference(tenant, chain, web):
    request = chain["request"]
    page = lxml.html.fromstring(web["requester"].get(f"/requests/{request.pk}/").content)
    assert " ".join(page.xpath("//h1")[0].text_content().split()) == (
        f"{request.reference} — Respirateur"
    )
    assert page.xpath("//title")[0].text_content().startswith(f"{request.reference} — ")


def test_the_next_actors_are_told_the_reference(tenant, chain):
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=chain["users"]["requester"])
        note = Notification.objects.get(recipient=chain["users"]["pole_head"])
        assert note.subject.startswith(f"{request.reference} «\u00a0Respirateur\u00a0»")


def test_the_plan_shows_and_finds_a_line_by_its_reference_and_its_request(tenant, chain, web):
    with tenant_context(tenant):
        request = chain["request"]
        EquipmentRequest.objects.filter(pk=request.pk).update(
            state=RequestState.GRANTED, granted_amount=30000
        )
        request.refresh_from_db()
        line = add_granted_request(request, by=chain["admin"])
    # The column set that shows the request's reference beside the line's.
    web["manager"].post("/lists/plan.lines/sets/", {"set": "plan", "next": "/plan/"})
    body = web["manager"].get("/plan/").content.decode()
    page = lxml.html.fromstring(body)
    assert line.reference in body
    (link,) = page.xpath(f'//tbody//a[text()="{request.reference}"]')
    assert link.get("href") == f"/requests/{request.pk}/"
    for typed in (line.reference.lower(), request.reference.lower(), line.reference[-5:]):
        found = web["manager"].get("/plan/", {"q": typed}).content.decode()
        assert line.reference in found, typed
    nothing = web["manager"].get("/plan/", {"q": "PLN-1999"}).content.decode()
    assert line.reference not in nothing
