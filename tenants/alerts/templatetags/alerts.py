from __future__ import annotations

from typing import Any

from django import template

from tenants.alerts.selectors import unread_count

register = template.Library()


@register.simple_tag
def unread_alerts(user: Any) -> int:
    return unread_count(user)
