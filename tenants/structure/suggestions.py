"""Suggestions of places of the structure (registered in StructureConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.access.scopes import ENVELOPE_TARGETS, target_label
from tenants.accounts.models import User
from tenants.core.suggest import LIMIT
from tenants.structure.models import FunctionalUnit


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
    for kind, target in ENVELOPE_TARGETS.items():
        rows = target.model._default_manager.filter(
            Q(name__icontains=text) | Q(**{f"{_code_field(target.model)}__istartswith": text}),
            is_active=True,
        )
        if target.label_path:  # labels may name the establishment (in a GHT)
            rows = rows.select_related(target.label_path)
        found += [(f"{kind}:{obj.pk}", target_label(obj)) for obj in rows[:5]]
    return found[:LIMIT]


def _code_field(model: Any) -> str:
    return "code" if any(f.name == "code" for f in model._meta.get_fields()) else "finess"


def may_manage_campaigns(user: User) -> bool:
    return has_permission(user, Action.MANAGE_CAMPAIGNS)
