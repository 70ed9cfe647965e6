"""Filters of the UF list."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.structure.models import Establishment, FunctionalUnit
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet, SearchFilter


class FunctionalUnitFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "code__icontains",
            "name__icontains",
            "service__name__icontains",
            "service__pole__name__icontains",
        )
    )
    establishment = django_filters.ModelChoiceFilter(
        label=_("Establishment"),
        field_name="service__pole__establishment",
        queryset=Establishment.objects.all(),
    )
    state = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE,
        label=_("Validity"),
        method="validity",
        choices=[("open", _("open")), ("closed", _("closed"))],
    )

    class Meta:
        model = FunctionalUnit
        fields: list[str] = []

    def validity(
        self, queryset: QuerySet[FunctionalUnit], name: str, value: str
    ) -> QuerySet[FunctionalUnit]:
        today = timezone.localdate()
        closed = Q(valid_until__isnull=False, valid_until__lte=today)
        return queryset.filter(closed) if value == "closed" else queryset.exclude(closed)
