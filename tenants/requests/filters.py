"""Filters of the request lists (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.access.models import ExpertiseDomain
from tenants.campaigns.models import Campaign, Nature
from tenants.core.suggest import SuggestInput
from tenants.requests.models import EquipmentRequest, Priority, RequestState
from tenants.structure.models import Establishment
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet, SearchFilter

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class RequestFilter(BaseFilterSet):
    q = SearchFilter(
        ("reference__icontains", "title__icontains", "argument__icontains"), number="pk"
    )
    campaign = django_filters.ModelChoiceFilter(
        empty_label=ALL_FEMININE,
        label=_("Campaign"),
        queryset=Campaign.objects.all(),
        widget=SELECT,
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
        widget=SELECT,
    )
    uf = django_filters.CharFilter(
        label=_("UF"),
        field_name="uf__code",
        widget=SuggestInput("uf", attrs={"class": "form-control form-control-sm", "size": 8}),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RequestState.choices, widget=SELECT
    )
    priority = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Priority"), choices=Priority.choices, widget=SELECT
    )
    nature = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Nature"), choices=Nature.choices, widget=SELECT
    )
    domain = django_filters.ModelChoiceFilter(
        label=_("Expertise domain"), queryset=ExpertiseDomain.objects.all(), widget=SELECT
    )

    class Meta:
        model = EquipmentRequest
        fields: list[str] = []
