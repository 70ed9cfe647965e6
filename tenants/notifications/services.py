"""Notify people in the app, and by e-mail once the change that concerns them is committed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User
from tenants.notifications.models import Notification, NotificationPreference


def notify(recipients: Iterable[User], *, subject: str, url: str, body: str = "") -> int:
    """One notification per active recipient (each once), written with the caller's change.

    The e-mail leaves a little after the change commits (a rolled back change notifies
    nobody), gathering what else reached the same person meanwhile: a manager validating
    forty requests sends the commission one e-mail each, not forty.
    """
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject[:300], url=url, body=body)
        for user in unique.values()
    )
    people = sorted(unique)
    if rows:
        from tenants.notifications.tasks import send_notification_mails

        delay = settings.NOTIFICATION_MAIL_DELAY
        transaction.on_commit(
            lambda: send_notification_mails.apply_async(args=[people], countdown=delay)
        )
    return len(rows)


def first_time(record: type[models.Model], **fields: Any) -> bool:
    """Record that a warning is sent; False when it already was. The model's unique
    constraint says what "once" means (per loan, kind and return date, say), so the daily
    reminders' rerun, or their retry after a crash, sends nothing twice."""
    try:
        with transaction.atomic():
            record._default_manager.create(**fields)
    except IntegrityError:
        return False
    return True


def settle_notifications(url: str) -> int:
    """Mark done what was said about ``url`` (a request's page) now that it moved on: it
    leaves the unread count, and an e-mail not sent yet will not carry it."""
    now = timezone.now()
    return Notification.objects.filter(url=url, settled__isnull=True).update(
        settled=now,
        read=Coalesce("read", Value(now)),
        emailed=Coalesce("emailed", Value(now)),
    )


def set_email_preference(user: User, by_email: bool) -> None:
    NotificationPreference.objects.update_or_create(user=user, defaults={"by_email": by_email})


def wants_email(user: User) -> bool:
    found = NotificationPreference.objects.filter(user=user).values_list("by_email", flat=True)
    return next(iter(found), True)


def mark_read(user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=user, read__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read=timezone.now())


def send_mails(recipient_ids: list[int]) -> int:
    """E-mail each of these people, in one message, their notifications not yet e-mailed;
    returns how many messages left. Idempotent: each person's rows are claimed before the
    message goes, so a retried or a second task sends nothing twice."""
    tenant = getattr(connection, "tenant", None)
    host = tenant.get_primary_domain().domain if tenant is not None else ""
    sent = 0
    people = User.objects.filter(pk__in=recipient_ids, is_active=True).exclude(email="")
    quiet = set(
        NotificationPreference.objects.filter(user__in=people, by_email=False).values_list(
            "user_id", flat=True
        )
    )
    # Settled without an e-mail, in one statement: turning e-mails back on sends only what
    # comes next.
    Notification.objects.filter(recipient_id__in=quiet, emailed__isnull=True).update(
        emailed=timezone.now()
    )
    for person in people:
        if person.pk in quiet:
            continue
        with transaction.atomic():
            pending = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(recipient=person, emailed__isnull=True)
                .order_by("created", "pk")[:100]
            )
            if not pending:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                items = [
                    {"notification": n, "link": host_url(host, n.url) if host else n.url}
                    for n in pending
                ]
                message = render_to_string(
                    "notifications/email/notifications.txt",
                    {"items": items, "tenant_name": getattr(tenant, "name", "")},
                )
                subject = (
                    pending[0].subject
                    if len(pending) == 1
                    else _("%(count)d notifications wait for you") % {"count": len(pending)}
                )
            send_mail(
                subject=subject, message=message, from_email=None, recipient_list=[person.email]
            )
            Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
                emailed=timezone.now()
            )
            sent += 1
    return sent
