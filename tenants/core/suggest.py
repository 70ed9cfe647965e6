"""Suggest-as-you-type: sources of suggestions, and the widgets that ask them.

A source turns what the person typed into at most LIMIT (value, label) pairs, among what that
person may choose (a requester is offered the UF they may ask for, not every UF). The widgets ask
/suggest/<source>/ with htmx as the person types and show the answers under the field;
choosing one fills the field (SuggestInput: the value itself, for codes) or a hidden input
(SuggestSelect: an id, with the label shown).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.urls import reverse

from tenants.accounts.models import User

LIMIT = 15


@dataclass(frozen=True)
class Source:
    find: Callable[[str, User], list[tuple[str, str]]]
    can_use: Callable[[User], bool] = lambda user: True


def _ufs(text: str, user: User) -> list[tuple[str, str]]:
    """Any UF (list filters: the lists themselves keep to what the person may see)."""
    from tenants.structure.models import FunctionalUnit

    return _units(FunctionalUnit.objects.all(), text)


def _request_ufs(text: str, user: User) -> list[tuple[str, str]]:
    """The UF the person may ask equipment for (the request form's field)."""
    from tenants.access.permissions import Action, scope_filter
    from tenants.structure.models import FunctionalUnit

    return _units(FunctionalUnit.objects.filter(scope_filter(user, Action.DRAFT_REQUEST, "")), text)


def _units(units: QuerySet[Any], text: str) -> list[tuple[str, str]]:
    units = units.filter(Q(code__istartswith=text) | Q(name__icontains=text))
    return [(u.code, f"{u.code} {u.name}") for u in units.order_by("code")[:LIMIT]]


def _users(text: str, user: User) -> list[tuple[str, str]]:
    users = User.objects.filter(
        Q(email__icontains=text) | Q(full_name__icontains=text), is_active=True
    )
    return [
        (str(u.pk), f"{u.full_name} <{u.email}>" if u.full_name else u.email)
        for u in users.order_by("full_name", "email")[:LIMIT]
    ]


def _catalogue_models(text: str, user: User) -> list[tuple[str, str]]:
    """The reference server's whole catalogue, searched live (values: central UUIDs)."""
    from tenants.mirror.sync import search_catalogue

    return search_catalogue(text, LIMIT) if len(text.strip()) >= 2 else []


def _nomenclature_codes(text: str, user: User) -> list[tuple[str, str]]:
    """Mirrored codes whose code or labels hold every word typed (case and accents ignored)."""
    from saas.labels import matching_words
    from tenants.mirror.models import ReferenceTerm

    terms = matching_words(ReferenceTerm.objects.exclude(status="deleted"), text)
    return [(t.code, f"{t.code} {t.label}") for t in terms.order_by("code")[:LIMIT]]


def _scopes(text: str, user: User) -> list[tuple[str, str]]:
    from tenants.access.forms import SCOPE_MODELS, scope_target_label
    from tenants.access.models import ScopeKind

    found: list[tuple[str, str]] = []
    if str(ScopeKind.TENANT.label).lower().startswith(text.lower()):
        found.append((ScopeKind.TENANT.value, str(ScopeKind.TENANT.label)))
    for kind, model in SCOPE_MODELS.items():
        fields = [f.name for f in model._meta.get_fields() if f.name in ("name", "code")]
        query = Q()
        for name in fields:
            query |= Q(**{f"{name}__icontains": text})
        for obj in model._default_manager.filter(query)[:LIMIT]:
            found.append((f"{kind}:{obj.pk}", scope_target_label(obj)))
    return found[:LIMIT]


def _envelope_scopes(text: str, user: User) -> list[tuple[str, str]]:
    """Establishments, pôles and services by code or name (values: ``kind:id``)."""
    from tenants.structure.labels import place_label
    from tenants.structure.models import Establishment, Pole, Service

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


def _may_manage_campaigns(user: User) -> bool:
    from tenants.access.permissions import Action, has_permission

    return has_permission(user, Action.MANAGE_CAMPAIGNS)


def _is_administrator(user: User) -> bool:
    from tenants.access.permissions import Action, has_permission

    return has_permission(user, Action.ADMINISTER_TENANT)


SOURCES: dict[str, Source] = {
    "uf": Source(_ufs),
    "request_uf": Source(_request_ufs),
    "user": Source(_users, can_use=_is_administrator),
    "catalogue_model": Source(_catalogue_models),
    "nomenclature": Source(_nomenclature_codes),
    "scope": Source(_scopes, can_use=_is_administrator),
    "envelope_scope": Source(_envelope_scopes, can_use=_may_manage_campaigns),
}


def _flat(choices: Any) -> list[tuple[str, str]]:
    """Choices with their groups opened: [(value, label), ...] as text."""
    flat: list[tuple[str, str]] = []
    for value, text in choices:
        if isinstance(text, list | tuple):
            flat += [(str(v), str(t)) for v, t in text]
        else:
            flat.append((str(value), str(text)))
    return flat


class SuggestInput(forms.TextInput):
    """A text field whose value is what the suggestion says (a UF code, say)."""

    template_name = "core/widgets/suggest_input.html"

    def __init__(self, source: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"autocomplete": "off", **(attrs or {})})
        self.source = source

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["suggest_url"] = reverse("suggest", args=[self.source])
        return context


class SuggestSelect(forms.Select):
    """A choice (an id) picked by typing: a hidden input holds the value, a text field the label."""

    template_name = "core/widgets/suggest_select.html"

    def __init__(self, source: str, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.source = source
        self.known_labels: dict[str, str] = {}  # set by a view that already holds the objects

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        value = super().value_from_datadict(data, files, name)
        label = data.get(f"{name}__label")
        if value and label:
            # A refused submit shows again what the person picked, not an empty field.
            self.known_labels.setdefault(str(value), str(label)[:300])
        return value

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        current = str(value[0] if isinstance(value, list | tuple) and value else value or "")
        label = self.known_labels.get(current, "")
        queryset = getattr(self.choices, "queryset", None)
        if current and not label and queryset is not None:
            found = queryset.filter(pk=current).first() if current.isdigit() else None
            label = str(found) if found is not None else ""
        elif current and not label:
            label = next((text for value, text in _flat(self.choices) if value == current), "")
        context["suggest_url"] = reverse("suggest", args=[self.source])
        context["current"] = current
        context["current_label"] = label
        return context
