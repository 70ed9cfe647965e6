"""Filters of the campaign list (their values live in the URL)."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from tenants.campaigns.models import Campaign, Nature
from tenants.tables.filters import ALL_FEMININE, BaseFilterSet

SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})


class CampaignFilter(BaseFilterSet):
    year = django_filters.NumberFilter(
        label=_("Year"),
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "size": 6}),
    )
    nature = django_filters.ChoiceFilter(
        empty_label=ALL_FEMININE, label=_("Nature"), choices=Nature.choices, widget=SELECT
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Campaign.Kind.choices, widget=SELECT
    )

    class Meta:
        model = Campaign
        fields: list[str] = []
