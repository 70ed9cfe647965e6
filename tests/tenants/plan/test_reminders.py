"""Managers are reminded, once, of a line without a commissioning month and of a late one."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from saas.dates import add_months
from tenants.notifications.models import Notification
from tenants.plan import reminders, services
from tenants.plan.models import PlanLine


def mine(user, line) -> list[str]:  # type: ignore[no-untyped-def]
    """The subjects of what this person was told about this line."""
    subjects = Notification.objects.filter(recipient=user).values_list("subject", flat=True)
    return [s for s in subjects if line.reference in s]


def test_a_line_without_month_is_recalled_after_the_managers_delay_once(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    reminders.set_reminder_delay(u["expert"], 7)
    now = timezone.now()
    assert reminders.send_reminders(now + datetime.timedelta(days=6)) == 0
    assert reminders.send_reminders(now + datetime.timedelta(days=8)) == 1
    assert reminders.send_reminders(now + datetime.timedelta(days=9)) == 0  # once
    (subject,) = mine(u["expert"], line)
    assert "mois de mise en service" in subject
    with pytest.raises(services.Refused) as refused:
        reminders.set_reminder_delay(u["expert"], 3)
    assert refused.value.field == "no_month_after_days"


def test_a_passed_month_is_recalled_once_per_month_it_was_expected(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    month = add_months(timezone.localdate().replace(day=1), 1)
    line = services.update_line(line, {"commissioning_month": month}, by=u["expert"])
    later = timezone.now() + datetime.timedelta(days=75)
    assert reminders.send_reminders(later) == 1
    assert reminders.send_reminders(later) == 0
    assert any("en retard" in s for s in mine(u["expert"], line))
    # Given a new month that passes too: a new reminder.
    PlanLine.objects.filter(pk=line.pk).update(commissioning_month=add_months(month, 1))
    assert reminders.send_reminders(later + datetime.timedelta(days=31)) == 1
    # Commissioned or closed lines, or lines nobody manages, are left alone.
    PlanLine.objects.filter(pk=line.pk).update(commissioning_month=add_months(month, 2))
    PlanLine.objects.filter(pk=line.pk).update(status="commissioned")
    assert reminders.send_reminders(later + datetime.timedelta(days=90)) == 0
    PlanLine.objects.filter(pk=line.pk).update(status="planned", manager=None)
    assert reminders.send_reminders(later + datetime.timedelta(days=90)) == 0


def test_a_manager_chooses_the_delay_on_their_calendar_page(web, tenant, chain):
    response = web["expert"].post(
        "/plan/calendar/", {"action": "reminders", "no_month_after_days": "1"}
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        assert reminders.reminder_delay(chain["users"]["expert"]) == 1
    bad = web["expert"].post("/plan/calendar/", {"action": "reminders", "no_month_after_days": "3"})
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.content.decode()
    # Someone who manages no line has no reminders to set.
    assert "data-reminders" not in web["requester"].get("/plan/calendar/").content.decode()
