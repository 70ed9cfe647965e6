from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.campaigns.models import Campaign, Nature
from tenants.plan.models import PlanLine
from tenants.structure.models import Establishment

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class PlanLineFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control form-control-sm"}),
    )
    year = django_filters.NumberFilter(
        label=_("Year"),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "size": 6}),
    )
    campaign = django_filters.ModelChoiceFilter(
        label=_("Campaign"), queryset=Campaign.objects.all(), widget=SELECT
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
        widget=SELECT,
    )
    nature = django_filters.ChoiceFilter(label=_("Nature"), choices=Nature.choices, widget=SELECT)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=PlanLine.Status.choices, widget=SELECT
    )

    class Meta:
        model = PlanLine
        fields: list[str] = []

    def search(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        for word in value.split():
            query = Q(title__icontains=word) | Q(uf__code__istartswith=word)
            if word.isdigit():
                query |= Q(request_id=int(word))
            queryset = queryset.filter(query)
        return queryset
