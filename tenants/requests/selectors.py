"""Reads of requests: their costs, and who sees which."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, ExpressionWrapper, F, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from tenants.access.permissions import Action, scope_filter
from tenants.requests.models import EquipmentRequest, RequestState

ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))

# What one part of a request costs: the expert's unit price when they corrected it.
PART_COST = ExpressionWrapper(
    Coalesce(F("expert_unit_price"), F("unit_price")) * F("quantity"),
    output_field=DecimalField(max_digits=16, decimal_places=2),
)


def with_costs(requests: QuerySet[EquipmentRequest]) -> QuerySet[EquipmentRequest]:
    line = ExpressionWrapper(
        Coalesce(F("parts__expert_unit_price"), F("parts__unit_price")) * F("parts__quantity"),
        output_field=DecimalField(max_digits=16, decimal_places=2),
    )
    return requests.annotate(cost=Coalesce(Sum(line), ZERO))


# Who sees a request once sent: its author; whoever holds a role of the chain on its UF's
# place in the structure; the dispatchers and experts of the domain it was dispatched to (a
# grant on a domain covers nothing else: what is not dispatched yet is for the dispatchers
# whose grant lets them dispatch it); the tenant's administrators. A draft is its author's and
# their colleagues' (who may draft for the UF) until it is sent: nobody else has to read
# half-written requests.
SENT_ACTIONS = (
    Action.ADMINISTER_TENANT,
    Action.DRAFT_REQUEST,
    Action.GIVE_POLE_OPINION,
    Action.DISPATCH_REQUEST,
    Action.EXPERTISE_REQUEST,
    Action.VALIDATE_REQUEST,
    Action.ARBITRATE_REQUEST,
    Action.MANAGE_CAMPAIGNS,
)
DRAFT_ACTIONS = (Action.ADMINISTER_TENANT, Action.DRAFT_REQUEST)


def _any_of(user: Any, actions: tuple[Action, ...], extra: Q) -> Q | None:
    """Rows any of these actions' scopes cover, or ``extra``; None: every row."""
    keep = extra
    for action in actions:
        scoped = scope_filter(user, action, "uf", domain_path="domain_id")
        if not scoped.children:  # Q() keeps every row (but vanishes in an OR)
            return None
        keep |= scoped
    return keep


# What the request list's columns show besides the request's own fields: read with the rows.
LISTED = ("campaign", "uf__service__pole__establishment", "domain", "requested_by")


def visible_requests(user: Any) -> QuerySet[EquipmentRequest]:
    if not user.is_authenticated or not user.is_active:
        return EquipmentRequest.objects.none()
    sent = _any_of(user, SENT_ACTIONS, Q(requested_by=user))
    is_draft = Q(state=RequestState.DRAFT)
    keep = (~is_draft if sent is None else ~is_draft & sent) | (is_draft & readable_drafts(user))
    return EquipmentRequest.objects.filter(keep).select_related(*LISTED)


def readable_drafts(user: Any) -> Q:
    """The drafts this user may read, as a filter: their own, and those of the UF they may
    draft for. It also filters a campaign's history of deleted drafts (same field names)."""
    drafts = _any_of(user, DRAFT_ACTIONS, Q(requested_by=user))
    return Q() if drafts is None else drafts


def drafts_of(user: Any) -> QuerySet[EquipmentRequest]:
    """The user's own requests not sent yet, the last changed first."""
    return (
        visible_requests(user)
        .filter(requested_by=user, state=RequestState.DRAFT)
        .order_by("-updated")
    )
