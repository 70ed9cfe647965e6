"""Read queries on the inventory."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from tenants.accounts.models import User
from tenants.inventory.models import Device, MatchState


def devices_for(user: User) -> QuerySet[Device]:
    """Every device, with what its list row shows. The inventory is open to the whole tenant."""
    return Device.objects.select_related(
        "uf__service__pole__establishment", "reference_model__manufacturer"
    )


def spellings_to_review() -> QuerySet[Device, dict[str, Any]]:
    """One row per manufacturer and model spelling still to decide, most devices first."""
    return (
        Device.objects.filter(match_state__in=[MatchState.PROPOSED, MatchState.NONE])
        .exclude(model_name="")
        .values("match_key", "match_state", "proposed_model")
        .annotate(devices=Count("pk"))
        .order_by("match_state", "-devices", "match_key")
    )
