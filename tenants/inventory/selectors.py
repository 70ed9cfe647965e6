"""Read queries on the inventory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Case, Count, QuerySet, Value, When
from django.db.models.functions import Coalesce

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.inventory.models import Device, MatchState, ModelMatch

# Columns other apps add to the inventory's rows (the loans app: the loan a device is on),
# registered in their AppConfig.ready, so that the inventory imports none of them.
ROW_ANNOTATIONS: dict[str, Callable[[User], Any]] = {}


def register_row_annotation(name: str, make: Callable[[User], Any]) -> None:
    """Annotate every row of ``devices_for(user)`` with ``make(user)`` (an expression made
    per query, for the person looking)."""
    ROW_ANNOTATIONS[name] = make


def devices_for(user: User) -> QuerySet[Device]:
    """Every device, with what its list row shows: the inventory is open to every person of
    the tenant who holds a role; a person without any (told so on the home page) sees none.

    ``effective_end_of_support`` is the hospital's own date for the model where it set one
    (tenants.mirror.overlays), else the reference's."""
    if not has_permission(user, Action.VIEW_STRUCTURE):
        return Device.objects.none()
    return Device.objects.select_related(
        "uf__service__pole__establishment", "reference_model__manufacturer"
    ).annotate(
        effective_end_of_support=Coalesce(
            "reference_model__overlay__end_of_support", "reference_model__end_of_support"
        ),
        **{name: make(user) for name, make in ROW_ANNOTATIONS.items()},
    )


def spellings_to_review() -> QuerySet[Device, dict[str, Any]]:
    """One row per manufacturer and model spelling still to decide: proposals first, then
    spellings without a match, most devices first; spellings a person decided are left out."""
    decided = ModelMatch.objects.values("match_key")
    return (
        Device.objects.filter(match_state__in=[MatchState.PROPOSED, MatchState.NONE])
        .exclude(model_name="")
        .exclude(match_key__in=decided)
        .values("match_key", "match_state", "proposed_model")
        .annotate(
            devices=Count("pk"),
            rank=Case(When(match_state=MatchState.PROPOSED, then=Value(0)), default=Value(1)),
        )
        .order_by("rank", "-devices", "match_key")
    )


def has_devices() -> bool:
    """Whether an inventory import has brought any device in."""
    return Device.objects.exists()
