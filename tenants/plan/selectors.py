from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from tenants.access.models import Role, ScopeKind
from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.plan.models import LineEvent, LineStep, PlanLine, StepDefinition, StepStatus
from tenants.plan.steps import DEFAULT_STEPS, default_label

# A step with one of these statuses is behind the line; the first other one is where it stands.
PAST = (StepStatus.DONE, StepStatus.NOT_APPLICABLE, StepStatus.CANCELLED)
# The services follow a line until this long after it was finished (commissioned or closed).
FOLLOWED_AFTER_FINISH = timedelta(days=90)


def plan_lines_for(user: Any) -> QuerySet[PlanLine]:
    """The plan's lines on the person's scopes (the whole plan for tenant-wide roles); a grant
    on an expertise domain shows the lines of the requests dispatched to that domain."""
    keep = scope_filter(user, Action.VIEW_STRUCTURE, "uf", domain_path="request__domain_id")
    return with_current_step(
        PlanLine.objects.filter(keep).select_related(
            "campaign", "request", "uf__service__pole__establishment", "manager"
        )
    )


def with_current_step(lines: QuerySet[PlanLine]) -> QuerySet[PlanLine]:
    """Each line with ``current_step``: the name of the first of its nature's steps it has not
    done (nor set aside), in the tenant's words; empty once every step is behind it."""
    defaults = [code for steps in DEFAULT_STEPS.values() for code, _label in steps]
    name = Coalesce(
        NullIf("label", Value("")),
        Case(
            *[When(code=code, then=Value(default_label(code))) for code in dict.fromkeys(defaults)],
            default="code",
            output_field=CharField(),
        ),
        output_field=CharField(),
    )
    behind = LineStep.objects.filter(line=OuterRef(OuterRef("pk")), status__in=PAST).values(
        "definition_id"
    )
    ahead = (
        StepDefinition.objects.filter(nature=OuterRef("nature"), hidden=False)
        .exclude(pk__in=behind)
        .order_by("position", "pk")
        .annotate(step_name=name)
        .values("step_name")[:1]
    )
    return lines.annotate(current_step=Coalesce(Subquery(ahead), Value("")))


def followed_by_requester(user: Any) -> QuerySet[PlanLine]:
    """The lines of the UF this person may request for, until 90 days after they were
    finished: what a service follows of its purchases."""
    keep = scope_filter(user, Action.DRAFT_REQUEST, "uf")
    since = timezone.now() - FOLLOWED_AFTER_FINISH
    return (
        with_current_step(PlanLine.objects.filter(keep))
        .exclude(finished_at__lt=since)
        .exclude(closed_at__lt=since)
        .select_related("campaign", "request", "uf")
        .prefetch_related("steps")
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
