from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tenants.access.permissions import Action, scope_filter
from tenants.plan.models import PlanLine


def plan_lines_for(user: Any) -> QuerySet[PlanLine]:
    """The plan's lines on the person's scopes (the whole plan for tenant-wide roles); a grant
    on an expertise domain shows the lines of the requests dispatched to that domain."""
    keep = scope_filter(user, Action.VIEW_STRUCTURE, "uf", domain_path="request__domain_id")
    return PlanLine.objects.filter(keep).select_related(
        "campaign", "request", "uf__service__pole__establishment"
    )
