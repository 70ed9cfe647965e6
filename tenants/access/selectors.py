"""Read queries of the administration pages."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from tenants.access.models import AccessEvent, Role, RoleGrant
from tenants.access.scopes import GRANT_TARGETS, held_paths
from tenants.accounts.models import User


def users_with_grants(search: str = "") -> QuerySet[User]:
    grants = RoleGrant.objects.select_related(*held_paths(GRANT_TARGETS.values()))
    users = User.objects.prefetch_related(
        Prefetch("grants", queryset=grants), "external_identities"
    ).order_by("email")
    if search:
        users = users.filter(Q(email__icontains=search) | Q(full_name__icontains=search))
    return users


def grants_of_user(user: User) -> QuerySet[RoleGrant]:
    return RoleGrant.objects.filter(user=user).select_related(*held_paths(GRANT_TARGETS.values()))


def recent_access_events(limit: int = 200) -> QuerySet[AccessEvent]:
    return AccessEvent.objects.all()[:limit]


def has_any_role(user: User) -> bool:
    return RoleGrant.objects.filter(user=user).exists()


def tenant_administrators() -> QuerySet[User]:
    """Whom a person without any role should ask: the tenant's active administrators."""
    return (
        User.objects.filter(is_active=True, grants__role=Role.TENANT_ADMIN)
        .distinct()
        .order_by("full_name", "email")
    )


def people_hold_roles() -> bool:
    """Whether anyone holds a role besides administrator: the people who ask, give opinions
    and decide have been invited (the tenant starts with its administrator alone)."""
    return RoleGrant.objects.exclude(role=Role.TENANT_ADMIN).exists()
