"""Suggestions of the administration pages: users and scopes (registered in AccessConfig.ready)."""

from __future__ import annotations

from django.db.models import Q

from tenants.access.models import ScopeKind
from tenants.access.permissions import Action, has_permission
from tenants.access.scopes import GRANT_TARGETS, target_label
from tenants.accounts.models import User
from tenants.core.suggest import LIMIT


def users(text: str, user: User) -> list[tuple[str, str]]:
    found = User.objects.filter(
        Q(email__icontains=text) | Q(full_name__icontains=text), is_active=True
    )
    return [
        (str(u.pk), f"{u.full_name} <{u.email}>" if u.full_name else u.email)
        for u in found.order_by("full_name", "email")[:LIMIT]
    ]


def scopes(text: str, user: User) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if str(ScopeKind.TENANT.label).lower().startswith(text.lower()):
        found.append((ScopeKind.TENANT.value, str(ScopeKind.TENANT.label)))
    for kind, target in GRANT_TARGETS.items():
        fields = [f.name for f in target.model._meta.get_fields() if f.name in ("name", "code")]
        query = Q()
        for name in fields:
            query |= Q(**{f"{name}__icontains": text})
        rows = target.model._default_manager.filter(query)
        if target.label_path:  # labels may name the establishment (in a GHT)
            rows = rows.select_related(target.label_path)
        for obj in rows[:LIMIT]:
            found.append((f"{kind}:{obj.pk}", target_label(obj)))
    return found[:LIMIT]


def is_administrator(user: User) -> bool:
    return has_permission(user, Action.ADMINISTER_TENANT)
