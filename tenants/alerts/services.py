"""What people do with alerts: read them; and the e-mail digest of those not yet sent."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from saas.tenancy.urls_helpers import host_url
from tenants.accounts.models import User
from tenants.alerts.models import Alert, AlertReceipt
from tenants.alerts.selectors import alerts_for
from tenants.notifications.kinds import NEVER
from tenants.notifications.services import delivery


def mark_read(alert: Alert, user: User) -> None:
    AlertReceipt.objects.update_or_create(alert=alert, user=user, defaults={"read": timezone.now()})


def send_digests() -> int:
    """E-mail each active user the open alerts of their scope not yet sent to them, in one
    message; returns the number of messages sent. Runs in the tenant's schema."""
    tenant = getattr(connection, "tenant", None)
    host = tenant.get_primary_domain().domain if tenant is not None else ""
    sent = 0
    users = User.objects.filter(is_active=True).exclude(email="").order_by("pk")
    for user in users:
        mode, _wait = delivery(user, "reference_alerts")
        if mode == NEVER:
            continue
        emailed = AlertReceipt.objects.filter(user=user, emailed__isnull=False).values("alert")
        alerts = list(alerts_for(user).exclude(pk__in=emailed).order_by("kind", "-raised")[:200])
        if not alerts:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            message = render_to_string(
                "alerts/email/digest.txt",
                {
                    "user": user,
                    "alerts": alerts,
                    "tenant_name": getattr(tenant, "name", ""),
                    "link": host_url(host, "/alerts/") if host else "",
                },
            )
            subject = ngettext(
                "%(count)d new alert on your equipment",
                "%(count)d new alerts on your equipment",
                len(alerts),
            ) % {"count": len(alerts)}
        send_mail(subject=subject, message=message, from_email=None, recipient_list=[user.email])
        now = timezone.now()
        for alert in alerts:
            AlertReceipt.objects.update_or_create(alert=alert, user=user, defaults={"emailed": now})
        sent += 1
    return sent
