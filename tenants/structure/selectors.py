"""Read queries on the structure."""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.structure.models import Establishment


def active_establishments() -> QuerySet[Establishment]:
    return Establishment.objects.filter(is_active=True).order_by("name")
