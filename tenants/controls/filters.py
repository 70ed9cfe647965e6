"""Filters of the findings' list (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.accounts.models import User
from tenants.controls.models import Finding, FindingState, Level
from tenants.controls.registry import every_check
from tenants.core.suggest import SuggestInput
from tenants.tables.filters import ALL, BaseFilterSet, SearchFilter


def _controls() -> list[tuple[str, str]]:
    return [(c.code, str(c.title)) for c in every_check()]


class FindingFilter(BaseFilterSet):
    q = SearchFilter(("key__icontains", "buyer__iexact", "uf__code__istartswith"))
    code = django_filters.ChoiceFilter(label=_("Control"), choices=_controls, empty_label=ALL)
    level = django_filters.ChoiceFilter(label=_("Level"), choices=Level.choices, empty_label=ALL)
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=FindingState.choices, empty_label=ALL
    )
    buyer = django_filters.CharFilter(
        label=_("Buyer"), widget=forms.TextInput(attrs={"size": 8}), max_length=20
    )
    uf = django_filters.CharFilter(
        label=_("UF"), field_name="uf__code", widget=SuggestInput("uf", attrs={"size": 8})
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Assigned to"),
        queryset=User.objects.filter(assigned_findings__isnull=False).distinct(),
        empty_label=ALL,
    )

    class Meta:
        model = Finding
        fields: list[str] = []
