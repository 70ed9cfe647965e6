"""Filters of the trials' list (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tenants.accounts.models import User
from tenants.core.suggest import SuggestInput
from tenants.tables.filters import ALL, BaseFilterSet, SearchFilter
from tenants.trials.models import Trial, TrialState


class TrialFilter(BaseFilterSet):
    q = SearchFilter(
        (
            "reference__icontains",
            "device__icontains",
            "manufacturer__icontains",
            "uf__code__istartswith",
            "plan_line__reference__icontains",
        ),
    )
    state = django_filters.ChoiceFilter(
        label=_("State"), choices=TrialState.choices, empty_label=ALL
    )
    uf = django_filters.CharFilter(
        label=_("UF"), field_name="uf__code", widget=SuggestInput("uf", attrs={"size": 8})
    )
    expert = django_filters.ModelChoiceFilter(
        label=_("Expert in charge"),
        empty_label=ALL,
        queryset=User.objects.filter(trials_in_charge__isnull=False)
        .distinct()
        .order_by("full_name", "email"),
    )
    manufacturer = django_filters.CharFilter(
        label=_("Manufacturer or supplier"), lookup_expr="icontains"
    )

    class Meta:
        model = Trial
        fields: list[str] = []
