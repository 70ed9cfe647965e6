"""Filters of the markets' list (their values live in the URL)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.dates import add_months
from saas.labels import matching_words
from tenants.access.models import Role
from tenants.markets.models import (
    Lot,
    Market,
    MarketState,
    Origin,
    Procedure,
    PurchasingBody,
    Scope,
)
from tenants.markets.selectors import people_with
from tenants.tables.filters import ALL, ALL_FEMININE, BaseFilterSet

MAX_MONTHS = 600


class MarketFilter(BaseFilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    origin = django_filters.ChoiceFilter(
        label=_("Origin"), choices=Origin.choices, empty_label=ALL_FEMININE
    )
    state = django_filters.ChoiceFilter(
        label=_("State"),
        choices=MarketState.choices,
        field_name="current_state",
        empty_label=ALL,
    )
    ends_within = django_filters.NumberFilter(
        label=_("Ends within (months)"),
        method="ending_within",
        min_value=0,
        max_value=MAX_MONTHS,
        widget=forms.NumberInput(attrs={"size": 4, "min": 0, "max": MAX_MONTHS}),
    )
    purchasing_body = django_filters.ModelChoiceFilter(
        label=_("Purchasing body"), queryset=PurchasingBody.objects.order_by("name")
    )
    procedure = django_filters.ChoiceFilter(
        label=_("Procedure"), choices=Procedure.choices, empty_label=ALL_FEMININE
    )
    scope = django_filters.ChoiceFilter(
        label=_("Scope of a lot"), choices=Scope.choices, method="lot_scope", empty_label=ALL
    )
    supplier = django_filters.CharFilter(
        label=_("Supplier"), method="lot_supplier", widget=forms.TextInput(attrs={"size": 12})
    )
    buyer = django_filters.ModelChoiceFilter(
        label=_("Buyer"), queryset=people_with(Role.BUYER), method="bought_by"
    )

    class Meta:
        model = Market
        fields: list[str] = []

    def search(self, qs: QuerySet[Market], name: str, value: str) -> QuerySet[Market]:
        return matching_words(qs, value or "")

    def ending_within(self, qs: QuerySet[Market], name: str, value: Any) -> QuerySet[Market]:
        if value is None:
            return qs
        today = timezone.localdate()
        return qs.filter(ends__gte=today, ends__lte=add_months(today, int(value)))

    def lot_scope(self, qs: QuerySet[Market], name: str, value: str) -> QuerySet[Market]:
        if not value:
            return qs
        return qs.filter(
            Exists(Lot.objects.filter(market=OuterRef("pk"), scopes__contains=[value]))
        )

    def lot_supplier(self, qs: QuerySet[Market], name: str, value: str) -> QuerySet[Market]:
        words = (value or "").strip()
        if not words:
            return qs
        suppliers = Lot.suppliers.through.objects.filter(lot__market=OuterRef("pk"))
        for word in words.split()[:10]:
            suppliers = suppliers.filter(supplier__name__icontains=word)
        return qs.filter(Exists(suppliers))

    def bought_by(self, qs: QuerySet[Market], name: str, value: Any) -> QuerySet[Market]:
        return qs.filter(buyer=value) if value else qs
