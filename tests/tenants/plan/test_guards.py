"""Guards found by trying the follow-up as a requester, an attacker and a reviewer would."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.access.models import RoleGrant
from tenants.campaigns.services import Refused as AmountRefused
from tenants.campaigns.services import money
from tenants.plan import configuration, reminders, rules, services
from tenants.plan.models import PlanLine, StepDefinition


def test_only_the_team_reads_the_whole_plan_with_its_amounts_and_notes(web, tenant, chain, line):
    with tenant_context(tenant):
        services.assign_manager(line, chain["users"]["expert"], by=chain["users"]["dispatcher"])
    # A requester is taken to their own purchases, from the list and from its export.
    for params in ({}, {"export": "xlsx"}, {"columns": "private_note"}):
        response = web["requester"].get("/plan/", params)
        assert response.status_code == 302 and response["Location"] == "/plan/followed/"
    response = web["requester"].post(
        "/lists/plan.lines/columns/", {"columns": ["private_note", "paid_amount"], "next": "/plan/"}
    )
    assert response.status_code == 404
    # Someone who neither follows the plan nor asks for equipment has no plan list.
    assert web["commission"].get("/plan/").status_code == 404
    assert line.reference in web["expert"].get("/plan/").content.decode()


def test_a_manager_who_lost_the_expert_grant_loses_the_lines_rights(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    assert rules.STEPS in rules.editable_fields(u["expert"], line)
    RoleGrant.objects.filter(user=u["expert"]).delete()
    fresh = type(u["expert"]).objects.get(pk=u["expert"].pk)  # its grants read again
    assert rules.editable_fields(fresh, line) == frozenset()
    with pytest.raises(services.Refused):
        services.update_line(line, {"public_note": "x"}, by=fresh)


def test_a_change_without_the_lines_version_is_refused(web, tenant, chain, line):
    with tenant_context(tenant):
        line = services.assign_manager(
            line, chain["users"]["expert"], by=chain["users"]["dispatcher"]
        )
    for version in (None, "abc", "-1"):
        data = {"action": "line", "public_note": "Écrasé"}
        if version is not None:
            data["version"] = version
        response = web["expert"].post(f"/plan/lines/{line.pk}/act/", data)
        assert response.status_code == 400
        # What was typed comes back, with why.
        assert "Écrasé" in response.content.decode()
    with tenant_context(tenant):
        assert PlanLine.objects.get(pk=line.pk).public_note == ""


def test_a_stale_change_keeps_what_was_typed(web, tenant, chain, line):
    with tenant_context(tenant):
        line = services.assign_manager(
            line, chain["users"]["expert"], by=chain["users"]["dispatcher"]
        )
        services.update_line(line, {"public_note": "Avant"}, by=chain["users"]["expert"])
    response = web["expert"].post(
        f"/plan/lines/{line.pk}/act/",
        {"action": "line", "version": line.version, "public_note": "Mon long texte"},
    )
    assert response.status_code == 409 and "Mon long texte" in response.content.decode()


@pytest.mark.parametrize("month", ["01/0000", "03/9999", "03/1999"])
def test_a_month_out_of_range_is_a_field_error_not_a_500(web, tenant, chain, line, month):
    with tenant_context(tenant):
        line = services.assign_manager(
            line, chain["users"]["expert"], by=chain["users"]["dispatcher"]
        )
    response = web["expert"].post(
        f"/plan/lines/{line.pk}/act/",
        {"action": "line", "version": line.version, "commissioning_month": month},
    )
    assert (
        response.status_code == 400
        and 'id="id_commissioning_month_error"' in response.content.decode()
    )
    listed = web["expert"].get("/plan/", {"commissioning": month})
    assert listed.status_code == 200 and "invalid-feedback" in listed.content.decode()
    api = web["expert"].patch(
        f"/api/tenant/v1/plan/lines/{line.pk}/",
        {"version": line.version, "commissioning_month": f"{month[3:]}-{month[:2]}"},
        content_type="application/json",
    )
    assert api.status_code == 400 and "commissioning_month" in api.json()


def test_digits_are_the_ones_people_type():
    assert money("12", "amount") == 12
    # Arabic-Indic and full-width digits, which Decimal() would read.
    for text in ("\u0661\u0662", "\uff11\uff12", "\uff11\uff12,\uff15\uff10"):
        with pytest.raises(AmountRefused):
            money(text, "amount")


def test_the_calendar_page_makes_an_address_only_when_asked(web, tenant, chain):
    response = web["expert"].post("/plan/calendar/", {"action": "new"})
    assert response.status_code == 302
    shown = web["expert"].get("/plan/calendar/").content.decode()
    assert "data-calendar-address" in shown
    # Reloading shows it no more and makes no new one.
    assert "data-calendar-address" not in web["expert"].get("/plan/calendar/").content.decode()
    for action in ("", "nope", "reminders"):
        assert web["requester"].post("/plan/calendar/", {"action": action}).status_code == 400


def test_a_reminder_delay_counts_days_not_hours(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    reminders.set_reminder_delay(u["expert"], 1)
    granted = timezone.make_aware(datetime.datetime(2027, 3, 10, 15, 0))
    PlanLine.objects.filter(pk=line.pk).update(created=granted)
    next_morning = timezone.make_aware(datetime.datetime(2027, 3, 11, 7, 10))
    assert reminders.send_reminders(next_morning) == 1


def test_the_step_that_puts_a_line_in_service_cannot_be_hidden(chain):
    commissioning = StepDefinition.objects.get(nature="equipment", code="commissioning")
    with pytest.raises(services.Refused) as refused:
        configuration.set_hidden(commissioning, True, by=chain["admin"])
    assert refused.value.field == "hidden"


def test_who_may_not_change_a_field_is_refused_before_its_value_is_read(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    # Finance may never change the commissioning month: a malformed one is still a 403, so
    # checking values tells a stranger nothing about the line.
    for field, value in (("commissioning_month", "not a month"), ("ordered_amount", "-1e999")):
        with pytest.raises(services.Refused) as refused:
            services.update_line(line, {field: value}, by=u["finance"])
        assert refused.value.status == 403 and refused.value.field == field
    # Its own field with a bad value is the value's 400.
    with pytest.raises(services.Refused) as refused:
        services.update_line(line, {"paid_amount": "abc"}, by=u["finance"])
    assert refused.value.status == 400
    # An unknown field stays a 400 naming it, whoever asks.
    with pytest.raises(services.Refused) as refused:
        services.update_line(line, {"colour": "red"}, by=u["finance"])
    assert refused.value.status == 400 and refused.value.field == "colour"
