"""Filters of the inventory list (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.core.suggest import SuggestInput
from tenants.inventory.models import Device, DeviceStatus, MatchState
from tenants.structure.models import Establishment


class DeviceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control form-control-sm"}),
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    uf = django_filters.CharFilter(
        label=_("UF"),
        field_name="uf__code",
        widget=SuggestInput("uf", attrs={"class": "form-control form-control-sm", "size": 8}),
    )
    nomenclature = django_filters.CharFilter(
        label=_("Nomenclature code"),
        method="by_code",
        widget=SuggestInput(
            "nomenclature", attrs={"class": "form-control form-control-sm", "size": 10}
        ),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=DeviceStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    match_state = django_filters.ChoiceFilter(
        label=_("Match"),
        choices=MatchState.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    commissioned_from = django_filters.DateFilter(
        label=_("Commissioned from"),
        field_name="commissioning_date",
        lookup_expr="gte",
        widget=forms.DateInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "jj/mm/aaaa", "size": 10}
        ),
    )
    commissioned_until = django_filters.DateFilter(
        label=_("until"),
        field_name="commissioning_date",
        lookup_expr="lte",
        widget=forms.DateInput(
            attrs={"class": "form-control form-control-sm", "placeholder": "jj/mm/aaaa", "size": 10}
        ),
    )

    class Meta:
        model = Device
        fields: list[str] = []

    def by_code(self, queryset: QuerySet[Device], name: str, value: str) -> QuerySet[Device]:
        """Devices whose reference model carries this code or one under it (Z1203 -> Z120302)."""
        code = value.strip().split(" ", 1)[0].upper()
        return queryset.filter(reference_model__nomenclature__icontains=f":{code}")

    def search(self, queryset: QuerySet[Device], name: str, value: str) -> QuerySet[Device]:
        for word in value.split():
            queryset = queryset.filter(
                Q(inventory_number__icontains=word)
                | Q(serial_number__icontains=word)
                | Q(manufacturer_name__icontains=word)
                | Q(model_name__icontains=word)
            )
        return queryset
