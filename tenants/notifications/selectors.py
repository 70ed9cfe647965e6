from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tenants.notifications.models import Notification


def notifications_for(user: Any) -> QuerySet[Notification]:
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def unread_notifications(user: Any) -> int:
    return notifications_for(user).filter(read__isnull=True).count()
