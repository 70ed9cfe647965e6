"""Warnings about a loan's return, once a day: a few days before its planned return date, and
once that date has passed without the device coming back. Both sides are told (the person
who recorded it, the requesters of both UF); each warning is sent once (``LoanReminder``), so
running the task again the same day, or after a crash, sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.loans.models import Loan, LoanReminder
from tenants.loans.selectors import open_loans, watchers
from tenants.notifications.services import first_time, notify

# How many days before its planned return date a loan is recalled.
DAYS_BEFORE = 3


def send_reminders(now: datetime | None = None) -> int:
    """Warn about the loans that need it; the number of notifications sent."""
    today = timezone.localdate(now or timezone.now())
    loans = open_loans().select_related("device", "lending_uf", "borrowing_uf", "created_by")
    sent = 0
    soon = loans.filter(due_on__gte=today, due_on__lte=today + timedelta(days=DAYS_BEFORE))
    for loan in soon.order_by("due_on", "pk"):
        if first_time(
            LoanReminder, loan=loan, kind=LoanReminder.Kind.DUE_SOON, about=loan.due_on.isoformat()
        ):
            sent += notify(
                watchers(loan),
                subject=_("%(loan)s: %(device)s is due back in UF %(uf)s on %(due)s")
                % _words(loan),
                url=loan.get_absolute_url(),
                body=_("Return it on time, or move its return date on the loan's page."),
                kind="loans",
            )
    for loan in loans.filter(due_on__lt=today, starts_on__lte=today).order_by("due_on", "pk"):
        if first_time(
            LoanReminder, loan=loan, kind=LoanReminder.Kind.OVERDUE, about=loan.due_on.isoformat()
        ):
            sent += notify(
                watchers(loan),
                subject=_("%(loan)s is late: %(device)s was due back in UF %(uf)s on %(due)s")
                % _words(loan),
                url=loan.get_absolute_url(),
                body=_("Mark it returned once it is back, or move its return date."),
                kind="loans",
            )
    return sent


def _words(loan: Loan) -> dict[str, str]:
    return {
        "loan": loan.reference,
        "device": loan.device.inventory_number,
        "uf": loan.lending_uf.code,
        "due": loan.due_on.strftime("%d/%m/%Y"),
    }
