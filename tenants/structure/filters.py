"""Filters of the UF list."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.structure.models import Establishment, FunctionalUnit


class FunctionalUnitFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="search",
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control form-control-sm"}),
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="service__pole__establishment",
        queryset=Establishment.objects.all(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    state = django_filters.ChoiceFilter(
        label=_("Validity"),
        method="validity",
        choices=[("open", _("open")), ("closed", _("closed"))],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    class Meta:
        model = FunctionalUnit
        fields: list[str] = []

    def search(
        self, queryset: QuerySet[FunctionalUnit], name: str, value: str
    ) -> QuerySet[FunctionalUnit]:
        for word in value.split():
            queryset = queryset.filter(
                Q(code__icontains=word)
                | Q(name__icontains=word)
                | Q(service__name__icontains=word)
                | Q(service__pole__name__icontains=word)
            )
        return queryset

    def validity(
        self, queryset: QuerySet[FunctionalUnit], name: str, value: str
    ) -> QuerySet[FunctionalUnit]:
        today = timezone.localdate()
        closed = Q(valid_until__isnull=False, valid_until__lte=today)
        return queryset.filter(closed) if value == "closed" else queryset.exclude(closed)
