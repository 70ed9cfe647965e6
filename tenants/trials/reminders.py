"""Warnings to the expert in charge, once a day: a lent device's planned return is near
(``DAYS_BEFORE`` days or fewer), or has passed without the device coming back or being
bought. Each is sent once per planned return date (``TrialReminder``): a rerun the same day,
or after a crash, sends nothing twice; a return postponed to a new date warns again.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.notifications.services import first_time, notify
from tenants.trials.models import Trial, TrialReminder
from tenants.trials.rules import LENT_STATES

DAYS_BEFORE = 3


def send_reminders(today: date | None = None) -> int:
    """Warn each expert in charge of their lent devices; the number of warnings sent."""
    today = today or timezone.localdate()
    lent = Trial.objects.filter(state__in=LENT_STATES, expert__is_active=True).select_related(
        "expert"
    )
    sent = 0
    soon = lent.filter(
        planned_return__gte=today, planned_return__lte=today + timedelta(days=DAYS_BEFORE)
    )
    for trial in soon.order_by("pk"):
        if first_time(
            TrialReminder,
            trial=trial,
            kind=TrialReminder.Kind.SOON,
            about=trial.planned_return.isoformat(),
        ):
            sent += notify(
                [trial.expert],
                subject=_("%(trial)s goes back to its supplier on %(date)s")
                % {"trial": trial, "date": trial.planned_return.strftime("%d/%m/%Y")},
                url=trial.get_absolute_url(),
                body=_(
                    "Ask the UF for its clinical evaluation, give your technical one, and "
                    "arrange the return with the supplier (or postpone it)."
                ),
                kind="trials",
            )
    for trial in lent.filter(planned_return__lt=today).order_by("pk"):
        if first_time(
            TrialReminder,
            trial=trial,
            kind=TrialReminder.Kind.LATE,
            about=trial.planned_return.isoformat(),
        ):
            sent += notify(
                [trial.expert],
                subject=_("%(trial)s should have gone back on %(date)s")
                % {"trial": trial, "date": trial.planned_return.strftime("%d/%m/%Y")},
                url=trial.get_absolute_url(),
                body=_(
                    "The loan's insurance may no longer cover it: record its return, its "
                    "purchase, or a new return date agreed with the supplier."
                ),
                kind="trials",
            )
    return sent
