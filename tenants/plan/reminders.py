"""Reminders to operation managers, once a day: a line still without a commissioning month
some days after its grant (each manager chooses how many), a commissioning month that passed
without the line being commissioned. Each is sent once (``LineReminder``): running the task
again the same day, or after a crash, sends nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.notifications.services import first_time, notify
from tenants.plan.models import LineReminder, PlanLine, ReminderPreference

DEFAULT_DELAY = ReminderPreference.Delay.TWO


def reminder_delay(user: User) -> int:
    found = ReminderPreference.objects.filter(user=user).values_list(
        "no_month_after_days", flat=True
    )
    chosen = found.first()
    return int(DEFAULT_DELAY if chosen is None else chosen)


def set_reminder_delay(user: User, days: int) -> None:
    if days not in ReminderPreference.Delay.values:
        from tenants.plan.services import Refused

        raise Refused("no_month_after_days", _("choose 0, 1, 2 or 7 days"))
    ReminderPreference.objects.update_or_create(user=user, defaults={"no_month_after_days": days})


def _still_manages(line: PlanLine) -> bool:
    """A manager who lost the expert grant on the line lost its rights (tenants/plan/rules.py):
    reminding them would tell them of a line that is no longer theirs to follow."""
    return line.manager is not None and has_permission(line.manager, Action.MANAGE_LINES, line)


def send_reminders(now: datetime | None = None) -> int:
    """Remind each manager of their lines that need it; the number of reminders sent."""
    now = now or timezone.now()
    today: date = timezone.localdate(now)
    month = today.replace(day=1)
    open_lines = (
        PlanLine.objects.filter(closed=False, manager__is_active=True)
        .exclude(status=PlanLine.Status.COMMISSIONED)
        .select_related("manager")
    )
    delays = dict(ReminderPreference.objects.values_list("user_id", "no_month_after_days"))
    sent = 0
    undated = open_lines.filter(commissioning_month__isnull=True).filter(
        ~Q(reminders__kind=LineReminder.Kind.NO_MONTH)
    )
    for line in undated.order_by("pk"):
        assert line.manager is not None and line.manager_id is not None
        if not _still_manages(line):
            continue
        delay = delays.get(line.manager_id, DEFAULT_DELAY)
        # In days, not hours: granted at 15:00 with 1 day, reminded the next morning.
        if timezone.localdate(line.created) + timedelta(days=delay) > today:
            continue
        if first_time(LineReminder, line=line, kind=LineReminder.Kind.NO_MONTH, about=""):
            sent += notify(
                [line.manager],
                subject=_("%(line)s has no commissioning month yet") % {"line": line},
                url=line.get_absolute_url(),
                body=_(
                    "Give it the month the equipment should be in service: the schedule "
                    "and the calendars show it."
                ),
                kind="plan",
            )
    for line in open_lines.filter(commissioning_month__lt=month).order_by("pk"):
        assert line.manager is not None and line.commissioning_month is not None
        if not _still_manages(line):
            continue
        expected = line.commissioning_month.strftime("%m/%Y")
        if first_time(
            LineReminder,
            line=line,
            kind=LineReminder.Kind.LATE,
            about=line.commissioning_month.isoformat(),
        ):
            sent += notify(
                [line.manager],
                subject=_("%(line)s is late: it was expected in service in %(month)s")
                % {"line": line, "month": expected},
                url=line.get_absolute_url(),
                body=_("Update its steps, or give it a new commissioning month."),
                kind="plan",
            )
    return sent
