from __future__ import annotations

from typing import Any

from django import template

from tenants.notifications.selectors import unread_notifications

register = template.Library()


@register.simple_tag
def unread_notification_count(user: Any) -> int:
    return unread_notifications(user)
