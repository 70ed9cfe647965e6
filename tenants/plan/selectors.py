from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.dates import add_months
from tenants.access.models import Role, ScopeKind
from tenants.access.permissions import Action, scope_filter
from tenants.accounts.models import User
from tenants.plan.models import LineEvent, LineStep, PlanLine, StepDefinition, StepStatus
from tenants.plan.steps import DEFAULT_STEPS, default_label
from tenants.requests.selectors import visible_requests

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


def followed_by_team(user: Any) -> QuerySet[PlanLine]:
    """The lines whose whole follow-up (amounts, private note) this person may read: the plan
    list's rows. Their scope for following the plan, not only for seeing the structure."""
    keep = scope_filter(user, Action.FOLLOW_PLAN, "uf", domain_path="request__domain_id")
    return plan_lines_for(user).filter(keep)


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
    ahead_id = (
        StepDefinition.objects.filter(nature=OuterRef("nature"), hidden=False)
        .exclude(pk__in=behind)
        .order_by("position", "pk")
        .values("pk")[:1]
    )
    return lines.annotate(
        current_step=Coalesce(Subquery(ahead), Value("")), current_step_id=Subquery(ahead_id)
    )


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
    return followed_by_team(user).filter(manager_id=user.pk, closed=False)


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


@dataclass(frozen=True)
class ScheduledLine:
    pk: int
    reference: str
    title: str
    uf_code: str
    manager: str
    month: date | None
    status: str


@dataclass
class Month:
    first_day: date
    lines: list[ScheduledLine] = field(default_factory=list)
    count: int = 0


@dataclass
class Schedule:
    """The months ahead with the lines expected in service in each, what is late (its month
    has passed, not commissioned yet), what has no month yet, and each manager's load."""

    months: list[Month]
    late: list[ScheduledLine]
    undated: list[ScheduledLine]
    late_count: int
    undated_count: int
    load: list[tuple[str, int, list[int], int]]  # manager, late, per month, total
    shown_per_month: int


SCHEDULE_MONTHS = 12
LOAD_MONTHS = 6
SHOWN_PER_MONTH = 25


def schedule(user: Any, today: date | None = None) -> Schedule:
    """One query over the open, not yet commissioned lines the person may see."""
    today = today or timezone.localdate()
    current = today.replace(day=1)
    months = [Month(add_months(current, i)) for i in range(SCHEDULE_MONTHS)]
    by_month = {m.first_day: m for m in months}
    late: list[ScheduledLine] = []
    undated: list[ScheduledLine] = []
    late_count = undated_count = 0
    nobody = str(_("nobody yet"))
    load: dict[str, list[int]] = {}  # manager -> [late, month 0..LOAD_MONTHS-1, total]
    rows = (
        plan_lines_for(user)
        .filter(closed=False)
        .exclude(status=PlanLine.Status.COMMISSIONED)
        .order_by("commissioning_month", "reference")
        .values_list(
            "pk",
            "reference",
            "title",
            "uf__code",
            "manager__full_name",
            "manager__email",
            "commissioning_month",
            "status",
        )
    )
    for pk, reference, title, uf_code, name, email, month, status in rows.iterator(2000):
        manager = name or email or nobody
        line = ScheduledLine(pk, reference, title, uf_code, manager, month, status)
        counts = load.setdefault(manager, [0] * (LOAD_MONTHS + 2))
        counts[-1] += 1
        if month is None:
            undated_count += 1
            if len(undated) < SHOWN_PER_MONTH:
                undated.append(line)
        elif month < current:
            late_count += 1
            counts[0] += 1
            if len(late) < SHOWN_PER_MONTH:
                late.append(line)
        elif (slot := by_month.get(month)) is not None:
            slot.count += 1
            if len(slot.lines) < SHOWN_PER_MONTH:
                slot.lines.append(line)
            offset = months.index(slot)
            if offset < LOAD_MONTHS:
                counts[1 + offset] += 1
    return Schedule(
        months=months,
        late=late,
        undated=undated,
        late_count=late_count,
        undated_count=undated_count,
        load=[
            (manager, c[0], c[1 : LOAD_MONTHS + 1], c[-1])
            for manager, c in sorted(load.items(), key=lambda item: (item[0] == nobody, item[0]))
        ],
        shown_per_month=SHOWN_PER_MONTH,
    )


def plan_lines_matching(
    user: Any,
    *,
    year: int | None = None,
    manager_id: int | None = None,
    closed: bool | None = None,
    q: str = "",
) -> QuerySet[PlanLine]:
    """The lines the person may see, narrowed by the tenant API's filters (None: any)."""
    lines = plan_lines_for(user)
    if year is not None:
        lines = lines.filter(year=year)
    if manager_id is not None:
        lines = lines.filter(manager_id=manager_id)
    if closed is not None:
        lines = lines.filter(closed=closed)
    if q:
        lines = lines.filter(title__icontains=q)
    return lines


def request_readable(user: Any, line: PlanLine) -> bool:
    """May this person open the equipment request the line came from? Purchasing and finance
    follow the line without reading the requests of the campaign."""
    return visible_requests(user).filter(pk=line.request_id).exists()
