"""Which alerts a user sees: those on devices in the user's scopes (all for tenant-wide roles)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, QuerySet

from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.alerts.models import Alert, AlertReceipt


def alerts_for(user: User | AnonymousUser, *, open_only: bool = True) -> QuerySet[Alert]:
    visible = Alert.objects.filter(scope_filter(user, Action.VIEW_ALERTS, "units")).values("pk")
    alerts = Alert.objects.filter(pk__in=visible)
    if open_only:
        alerts = alerts.filter(closed__isnull=True)
    return alerts.annotate(
        is_read=Exists(
            AlertReceipt.objects.filter(
                alert=OuterRef("pk"), user_id=user.pk or 0, read__isnull=False
            )
        )
    )


def unread_count(user: User | AnonymousUser) -> int:
    if not user.is_authenticated:
        return 0
    read = AlertReceipt.objects.filter(user_id=user.pk, read__isnull=False).values("alert")
    return alerts_for(user).exclude(pk__in=read).count()
