"""Filters of the inventory list (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tenants.core.suggest import SuggestInput
from tenants.inventory.models import Device, DeviceStatus, MatchState
from tenants.structure.models import Establishment
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet, DateFilter, SearchFilter


class DeviceFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "inventory_number__icontains",
            "serial_number__icontains",
            "manufacturer_name__icontains",
            "model_name__icontains",
        )
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="uf__service__pole__establishment",
        queryset=Establishment.objects.all(),
    )
    uf = django_filters.CharFilter(
        label=_("UF"), field_name="uf__code", widget=SuggestInput("uf", attrs={"size": 8})
    )
    nomenclature = django_filters.CharFilter(
        label=_("Nomenclature code"),
        method="by_code",
        widget=SuggestInput("nomenclature", attrs={"size": 10}),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DeviceStatus.choices)
    match_state = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Match"), choices=MatchState.choices
    )
    commissioned_from = DateFilter(
        label=_("Commissioned from"), field_name="commissioning_date", lookup_expr="gte"
    )
    commissioned_until = DateFilter(
        label=_("until"), field_name="commissioning_date", lookup_expr="lte"
    )

    class Meta:
        model = Device
        fields: list[str] = []

    def by_code(self, queryset: QuerySet[Device], name: str, value: str) -> QuerySet[Device]:
        """Devices whose reference model carries this code or one under it (Z1203 -> Z120302)."""
        code = value.strip().split(" ", 1)[0].upper()
        return queryset.filter(reference_model__nomenclature__icontains=f":{code}")
