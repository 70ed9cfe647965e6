"""Notify people in the app, and by e-mail once the change that concerns them is committed."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User
from tenants.notifications.models import Notification


def notify(recipients: Iterable[User], *, subject: str, url: str, body: str = "") -> int:
    """One notification per active recipient (each once), written with the caller's change;
    the e-mails leave after it commits (a rolled back change notifies nobody)."""
    unique = {user.pk: user for user in recipients if user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, subject=subject[:300], url=url, body=body)
        for user in unique.values()
    )
    ids = [row.pk for row in rows if row.pk is not None]
    if ids:
        from tenants.notifications.tasks import send_notification_mails

        transaction.on_commit(lambda: send_notification_mails.delay(ids))
    return len(ids)


def mark_read(user: User, pk: int | None = None) -> int:
    """Mark one of the user's notifications read, or all of them."""
    unread = Notification.objects.filter(recipient=user, read__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read=timezone.now())


def send_mails(ids: list[int]) -> int:
    """E-mail the given notifications not yet e-mailed; returns how many left. Idempotent: a
    retried task sends nothing twice (each row is claimed before its message goes)."""
    tenant = getattr(connection, "tenant", None)
    host = tenant.get_primary_domain().domain if tenant is not None else ""
    sent = 0
    for pk in ids:
        with transaction.atomic():
            claimed = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("recipient")
                .filter(pk=pk, emailed__isnull=True)
                .first()
            )
            if claimed is None or not claimed.recipient.email:
                continue
            with translation.override(settings.LANGUAGE_CODE):
                message = render_to_string(
                    "notifications/email/notification.txt",
                    {
                        "notification": claimed,
                        "tenant_name": getattr(tenant, "name", ""),
                        "link": host_url(host, claimed.url) if host else claimed.url,
                    },
                )
            send_mail(
                subject=claimed.subject,
                message=message,
                from_email=None,
                recipient_list=[claimed.recipient.email],
            )
            Notification.objects.filter(pk=pk).update(emailed=timezone.now())
            sent += 1
    return sent
