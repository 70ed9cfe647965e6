"""Filters of the plan's lines (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.campaigns.models import Campaign, Nature
from tenants.plan.models import PlanLine
from tenants.structure.models import Establishment
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet, SearchFilter


class PlanLineFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "reference__icontains",
            "request__reference__icontains",
            "title__icontains",
            "uf__code__istartswith",
        ),
        number="request_id",
    )
    year = django_filters.NumberFilter(label=_("Year"), widget=forms.NumberInput(attrs={"size": 6}))
    campaign = django_filters.ModelChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Campaign"), queryset=Campaign.objects.all()
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
    )
    nature = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Nature"), choices=Nature.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PlanLine.Status.choices)

    class Meta:
        model = PlanLine
        fields: list[str] = []
