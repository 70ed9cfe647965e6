"""Filters of the purchasing lists (their values live in the URL)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tenants.purchasing.models import (
    ExceptionCode,
    OffContractException,
    PurchaseFile,
    PurchaseRequest,
    RequestState,
)
from tenants.tables.filters import ALL, BaseFilterSet, SearchFilter

YES_NO = [("true", pgettext_lazy("filter", "Yes")), ("false", pgettext_lazy("filter", "No"))]


class ExceptionFilter(BaseFilterSet):
    q = SearchFilter(
        ("supplier__name__icontains", "account_prefix__istartswith", "note__icontains")
    )
    code = django_filters.ChoiceFilter(
        label=_("Code"), choices=ExceptionCode.choices, empty_label=ALL
    )
    expired = django_filters.ChoiceFilter(
        label=_("Expired"), choices=YES_NO, empty_label=ALL, method="is_expired"
    )

    class Meta:
        model = OffContractException
        fields: list[str] = []

    def is_expired(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value in ("true", "false"):
            return qs.filter(expired=value == "true")
        return qs


class RequestFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "reference__icontains",
            "supplier__name__icontains",
            "quote_number__icontains",
            "order_number__icontains",
            "lines__description__icontains",
        )
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=RequestState.choices, empty_label=ALL
    )
    off_contract = django_filters.ChoiceFilter(
        label=_("Off contract"), choices=YES_NO, empty_label=ALL, method="is_off_contract"
    )

    class Meta:
        model = PurchaseRequest
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        # A search in the lines' descriptions joins them: one row per request all the same.
        return super().filter_queryset(queryset).distinct()

    def is_off_contract(self, qs: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        if value in ("true", "false"):
            return qs.filter(exception__isnull=value != "true")
        return qs


class FileFilter(BaseFilterSet):
    q = SearchFilter(("reference__icontains", "title__icontains", "lead__full_name__icontains"))

    class Meta:
        model = PurchaseFile
        fields: list[str] = []
