"""A person's commissioning calendar at a secret address a calendar client subscribes to."""

from __future__ import annotations

import datetime
import re

from django.test import Client
from django_tenants.utils import tenant_context
from icalendar import Calendar

from saas.dates import add_months
from tenants.plan import calendar, services
from tenants.plan.models import CalendarFeed
from tests.conftest import host_of


def address_from(response, client) -> str:  # type: ignore[no-untyped-def]
    """The new address, shown once on the page the creation redirects to."""
    assert response.status_code == 302
    response = client.get(response["Location"])
    found = re.search(
        r'value="https?://[^/"]+(/plan/calendar/[^"]+\.ics)"', response.content.decode()
    )
    assert found, "the page shows the new address"
    return found[1]


def test_the_feed_holds_the_commissioning_months_at_an_address_that_can_be_revoked(
    web, tenant, other_tenant, chain, line
):
    u = chain["users"]
    month = add_months(datetime.date.today().replace(day=1), 2)
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        services.update_line(line, {"commissioning_month": month}, by=u["expert"])
    first = address_from(web["expert"].post("/plan/calendar/", {"action": "new"}), web["expert"])
    anonymous = Client(HTTP_HOST=host_of(tenant))
    response = anonymous.get(first)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == month and event.decoded("dtend") == add_months(month, 1)
    assert line.reference in str(event["summary"]) and str(event["url"]).endswith(
        f"/plan/lines/{line.pk}/"
    )
    # The requester of the line's UF follows it in their own calendar.
    requester = address_from(
        web["requester"].post("/plan/calendar/", {"action": "new"}), web["requester"]
    )
    assert line.reference in anonymous.get(requester).content.decode()
    # The address is this tenant's: on another tenant's host it is no address.
    assert Client(HTTP_HOST=host_of(other_tenant)).get(first).status_code == 404
    # A new address revokes the old one; revoking leaves none.
    second = address_from(web["expert"].post("/plan/calendar/", {"action": "new"}), web["expert"])
    assert anonymous.get(first).status_code == 404 and anonymous.get(second).status_code == 200
    web["expert"].post("/plan/calendar/", {"action": "revoke"})
    assert anonymous.get(second).status_code == 404
    with tenant_context(tenant):
        assert not CalendarFeed.objects.filter(user=u["expert"]).exists()
        # Only a digest is kept, never the address's token.
        token = calendar.new_feed(u["expert"])
        assert token not in CalendarFeed.objects.get(user=u["expert"]).token_digest
        u["expert"].is_active = False
        u["expert"].save()
    assert anonymous.get(f"/plan/calendar/{token}.ics").status_code == 404
    for bad in ("x", "é" * 10, "a" * 500):
        assert anonymous.get(f"/plan/calendar/{bad}.ics").status_code == 404


def test_a_line_without_month_closed_or_commissioned_is_not_in_the_calendar(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    assert not calendar.calendar_lines(u["expert"]).exists()
    month = add_months(datetime.date.today().replace(day=1), 1)
    line = services.update_line(line, {"commissioning_month": month}, by=u["expert"])
    assert list(calendar.calendar_lines(u["expert"])) == [line]
    assert not calendar.calendar_lines(u["imaging_expert"]).exists()
    services.close_line(line, by=u["expert"])
    assert not calendar.calendar_lines(u["expert"]).exists()


def test_the_calendar_page_carries_the_plans_tabs(web):
    # No dead end: the person goes back to their lines from it.
    expert = web["expert"].get("/plan/calendar/").content.decode()
    assert 'href="/plan/managed/"' in expert
    assert re.search(r'active" aria-current="page" href="/plan/calendar/"', expert)
    assert 'href="/plan/followed/"' in web["requester"].get("/plan/calendar/").content.decode()
