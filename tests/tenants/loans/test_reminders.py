"""Both sides of a loan are warned, once, before its planned return date and after it."""

from __future__ import annotations

import datetime

from django.utils import timezone

from tenants.loans import reminders, services
from tenants.loans.models import Loan
from tenants.notifications.models import Notification
from tests.tenants.loans.conftest import lend


def told(user, loan) -> list[str]:  # type: ignore[no-untyped-def]
    subjects = Notification.objects.filter(recipient=user).values_list("subject", flat=True)
    return [s for s in subjects if s.startswith(loan.reference)]


def test_both_sides_are_warned_once_a_few_days_before_the_return_date(lending):
    u = lending["users"]
    loan = lend(lending, due=10, by=u["expert"])
    now = timezone.now()
    assert reminders.send_reminders(now + datetime.timedelta(days=6)) == 0
    # The person who recorded it and the requesters of both UF; not the others.
    assert reminders.send_reminders(now + datetime.timedelta(days=7)) == 3
    assert reminders.send_reminders(now + datetime.timedelta(days=8)) == 0  # once
    for name in ("expert", "requester", "bloc"):
        assert len([s for s in told(u[name], loan) if "doit revenir" in s]) == 1, name
    assert told(u["outsider"], loan) == []
    assert told(u["pole_head"], loan) == []


def test_a_late_loan_is_warned_once_and_again_after_its_date_moves(lending):
    u = lending["users"]
    loan = lend(lending, start=-10, due=-1)
    Notification.objects.all().delete()
    assert reminders.send_reminders() == 2  # the requester (who recorded it) and the block
    assert reminders.send_reminders() == 0
    assert any("en retard" in s for s in told(u["bloc"], loan))
    loan = services.move_return_date(loan, timezone.localdate(), by=u["bloc"])
    later = timezone.now() + datetime.timedelta(days=2)
    assert reminders.send_reminders(later) == 2  # late again, about the new date
    assert reminders.send_reminders(later) == 0


def test_returned_and_cancelled_loans_are_left_alone(lending):
    u = lending["users"]
    returned = lend(lending, start=-10, due=-5)
    services.return_loan(returned, by=u["requester"], returned_on=returned.due_on)
    cancelled = lend(lending, start=1, due=2)
    services.cancel_loan(cancelled, by=u["requester"])
    assert reminders.send_reminders(timezone.now() + datetime.timedelta(days=3)) == 0
    assert Loan.objects.count() == 2


def test_the_daily_task_is_in_the_beat_schedule():
    from django.conf import settings

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tenants.loans.tasks.send_all_reminders" in tasks
