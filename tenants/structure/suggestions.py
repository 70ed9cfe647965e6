"""Suggestions of places of the structure (registered in StructureConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.accounts.models import User
from tenants.core.suggest import LIMIT
from tenants.structure.labels import place_label
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service


def units(text: str, user: User) -> list[tuple[str, str]]:
    """Any UF (list filters: the lists themselves keep to what the person may see)."""
    return _units(FunctionalUnit.objects.all(), text)


def request_units(text: str, user: User) -> list[tuple[str, str]]:
    """The UF the person may ask equipment for (the request form's field)."""
    return _units(FunctionalUnit.objects.filter(scope_filter(user, Action.DRAFT_REQUEST, "")), text)


def _units(units: QuerySet[Any], text: str) -> list[tuple[str, str]]:
    units = units.filter(Q(code__istartswith=text) | Q(name__icontains=text))
    return [(u.code, f"{u.code} {u.name}") for u in units.order_by("code")[:LIMIT]]


def envelope_scopes(text: str, user: User) -> list[tuple[str, str]]:
    """Establishments, pôles and services by code or name, where a budget envelope may sit
    (values: ``kind:id``)."""
    found: list[tuple[str, str]] = []
    for kind, model in (("establishment", Establishment), ("pole", Pole), ("service", Service)):
        rows = model._default_manager.filter(
            Q(name__icontains=text) | Q(**{f"{_code_field(model)}__istartswith": text}),
            is_active=True,
        )
        # Labels may name the establishment (in a GHT): fetch it with the row.
        related: tuple[str, ...] = {
            "pole": ("establishment",),
            "service": ("pole__establishment",),
        }.get(kind, ())
        found += [
            (f"{kind}:{obj.pk}", place_label(obj)) for obj in rows.select_related(*related)[:5]
        ]
    return found[:LIMIT]


def _code_field(model: Any) -> str:
    return "code" if any(f.name == "code" for f in model._meta.get_fields()) else "finess"


def may_manage_campaigns(user: User) -> bool:
    return has_permission(user, Action.MANAGE_CAMPAIGNS)
