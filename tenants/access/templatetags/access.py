"""``{% if user|can:"tenant.administer" %}``: templates ask the same permission function."""

from __future__ import annotations

from django import template
from django.contrib.auth.models import AnonymousUser

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User

register = template.Library()


@register.filter
def can(user: User | AnonymousUser, action: str) -> bool:
    return has_permission(user, Action(action))
