from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tenants.access.models import Role, ScopeKind
from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.plan.models import LineEvent, PlanLine


def plan_lines_for(user: Any) -> QuerySet[PlanLine]:
    """The plan's lines on the person's scopes (the whole plan for tenant-wide roles); a grant
    on an expertise domain shows the lines of the requests dispatched to that domain."""
    keep = scope_filter(user, Action.VIEW_STRUCTURE, "uf", domain_path="request__domain_id")
    return PlanLine.objects.filter(keep).select_related(
        "campaign", "request", "uf__service__pole__establishment", "manager"
    )


def managed_by(user: Any) -> QuerySet[PlanLine]:
    """The lines waiting for this person: those they manage that are not closed."""
    return plan_lines_for(user).filter(manager_id=user.pk, closed=False)


def manager_candidates(line: PlanLine) -> QuerySet[User]:
    """Who may be named the line's operation manager: the active experts whose scope covers
    it (the whole tenant, or the expertise domain its request went to)."""
    covers = Q(grants__scope=ScopeKind.TENANT)
    if line.request.domain_id is not None:
        covers |= Q(grants__scope=ScopeKind.DOMAIN, grants__domain_id=line.request.domain_id)
    return (
        User.objects.filter(covers, grants__role=Role.EXPERT, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


def events_of(line: PlanLine) -> QuerySet[LineEvent]:
    return line.events.select_related("actor")
