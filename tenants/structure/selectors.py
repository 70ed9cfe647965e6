"""Read queries on the structure."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from tenants.accounts.models import User
from tenants.structure.models import Establishment, FunctionalUnit


def active_establishments() -> QuerySet[Establishment]:
    return Establishment.objects.filter(is_active=True).order_by("name")


def units_for(user: User) -> QuerySet[FunctionalUnit]:
    """Every UF with its place in the tree and how many devices it holds."""
    return FunctionalUnit.objects.select_related("service__pole__establishment").annotate(
        device_count=Count("devices")
    )


def has_units() -> bool:
    """Whether a structure import (or a hand) has put any UF in place."""
    return FunctionalUnit.objects.exists()
