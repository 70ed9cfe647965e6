"""Filters of the loans' list (their values live in the URL)."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.loans.models import Loan, LoanState
from tenants.tables.filters import ALL, BaseFilterSet, SearchFilter

YES_NO = [("true", pgettext_lazy("filter", "Yes")), ("false", pgettext_lazy("filter", "No"))]


class LoanFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "reference__icontains",
            "device__inventory_number__istartswith",
            "device__model_name__icontains",
            "lender_name__icontains",
            "borrower_name__icontains",
            "reason__icontains",
        ),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=LoanState.choices, field_name="current_state", empty_label=ALL
    )
    lending_uf = django_filters.CharFilter(
        label=_("Lending UF"),
        field_name="lending_uf__code",
        widget=forms.TextInput(attrs={"size": 8}),
    )
    borrowing_uf = django_filters.CharFilter(
        label=_("Borrowing UF"),
        field_name="borrowing_uf__code",
        widget=forms.TextInput(attrs={"size": 8}),
    )
    late = django_filters.ChoiceFilter(
        label=_("Late"), choices=YES_NO, empty_label=ALL, method="is_late"
    )

    class Meta:
        model = Loan
        fields: list[str] = []

    def is_late(self, qs: QuerySet[Loan], name: str, value: str) -> QuerySet[Any]:
        if value in ("true", "false"):
            # ``late`` is with_state's annotation (loans_for, the list's rows).
            return qs.filter(**{"late": value == "true"})
        return qs
