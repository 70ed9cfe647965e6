"""Read queries on loans: who sees which, who may record or close one, the device's loans.

A loan concerns two UF. A person sees it when their scope covers either one; they may record
or close it when their grants for recording loans (the biomedical team's experts, the
services that may ask for equipment) cover either one. An expert's grant on an expertise
domain covers every loan, as it covers every alert on equipment: devices are routed to no
domain.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.accounts.models import User
from tenants.inventory.models import Device
from tenants.loans.models import OPEN_STATES, Loan, LoanEvent, LoanState
from tenants.structure.models import FunctionalUnit


def _touching(user: Any, action: Action) -> Q:
    return scope_filter(user, action, "lending_uf") | scope_filter(user, action, "borrowing_uf")


def with_state(loans: QuerySet[Loan], today: date | None = None) -> QuerySet[Loan]:
    """Each loan with ``current_state`` (a LoanState value) and ``late``, in SQL: the list
    filters and sorts on them."""
    today = today or timezone.localdate()
    return loans.annotate(
        current_state=Case(
            When(cancelled_at__isnull=False, then=Value(LoanState.CANCELLED.value)),
            When(returned_on__isnull=False, then=Value(LoanState.RETURNED.value)),
            When(starts_on__lte=today, then=Value(LoanState.UNDER_WAY.value)),
            default=Value(LoanState.PLANNED.value),
            output_field=CharField(),
        ),
        late=Case(
            When(
                cancelled_at__isnull=True,
                returned_on__isnull=True,
                starts_on__lte=today,
                due_on__lt=today,
                then=Value(True),
            ),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def open_loans(loans: QuerySet[Loan] | None = None) -> QuerySet[Loan]:
    """Loans still holding their device: neither returned nor cancelled."""
    loans = Loan.objects.all() if loans is None else loans
    return loans.filter(returned_on__isnull=True, cancelled_at__isnull=True)


def loans_for(user: Any) -> QuerySet[Loan]:
    """The loans touching the person's scopes (every loan for tenant-wide roles)."""
    return with_state(
        Loan.objects.filter(_touching(user, Action.VIEW_STRUCTURE)).select_related(
            "device", "lending_uf", "borrowing_uf", "created_by"
        )
    )


def may_record_for(user: Any, uf: FunctionalUnit) -> bool:
    """May this person record a loan out of, or into, this UF?"""
    if not has_permission(user, Action.RECORD_LOAN):
        return False
    keep = scope_filter(user, Action.RECORD_LOAN, "")
    return FunctionalUnit.objects.filter(keep, pk=uf.pk).exists()


def may_record_any(user: Any) -> bool:
    return has_permission(user, Action.RECORD_LOAN)


def may_handle(user: Any, loan: Loan) -> bool:
    """May this person mark the loan returned, cancel it or move its return date: the same
    people who may record it, on either of its UF."""
    return may_record_for(user, loan.lending_uf) or may_record_for(user, loan.borrowing_uf)


def events_of(loan: Loan) -> QuerySet[LoanEvent]:
    return loan.events.select_related("actor")


def device_loans(device: Device, user: Any) -> list[Loan]:
    """The device's open loans this person may see, soonest first (the device page's panel)."""
    today = timezone.localdate()
    loans = open_loans(loans_for(user)).filter(device=device).order_by("starts_on", "pk")
    return [loan for loan in loans if loan.state_on(today) in OPEN_STATES]


def watchers(loan: Loan) -> list[User]:
    """Who is warned about the loan's return: the person who recorded it, and the services'
    requesters of both UF (granted on that very UF: a pôle's head is not told of each loan)."""
    people = {loan.created_by_id: loan.created_by}
    granted = RoleGrant.objects.filter(
        role=Role.REQUESTER,
        scope=ScopeKind.UF,
        uf_id__in=[loan.lending_uf_id, loan.borrowing_uf_id],
        user__is_active=True,
    ).select_related("user")
    for grant in granted:
        people.setdefault(grant.user_id, grant.user)
    return [person for person in people.values() if person.is_active]


def current_loan(field: str, *, seen_by: Any = None) -> Subquery:
    """``field`` of the loan under way of the device of the outer query (the inventory's
    rows), None when it is lent to nobody today (or, given ``seen_by``, to nobody that person
    may see)."""
    under_way = open_loans().filter(device=OuterRef("pk"), starts_on__lte=timezone.localdate())
    if seen_by is not None:
        under_way = under_way.filter(_touching(seen_by, Action.VIEW_STRUCTURE))
    return Subquery(under_way.order_by("starts_on").values(field)[:1])
