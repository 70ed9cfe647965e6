"""The list pages' filters: the choice that filters nothing reads "Tous" or "Toutes"."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from tenants.campaigns.filters import CampaignFilter
from tenants.inventory.filters import DeviceFilter
from tenants.plan.filters import PlanLineFilter
from tenants.requests.filters import RequestFilter
from tenants.structure.filters import FunctionalUnitFilter

FILTERS = [CampaignFilter, DeviceFilter, PlanLineFilter, RequestFilter, FunctionalUnitFilter]


def first_choices(filterset) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Each select's first option, by the select's name."""
    html = str(filterset.form)
    return {
        name: option
        for name, option in re.findall(
            r'<select name="([^"]+)"[^>]*>\s*<option value=""[^>]*>([^<]*)</option>', html
        )
    }


@pytest.mark.parametrize("filter_class", FILTERS, ids=lambda f: f.__name__)
def test_no_list_filter_shows_dashes(tenant, filter_class):
    with tenant_context(tenant):
        filterset = filter_class(data={}, queryset=filter_class._meta.model.objects.none())
        firsts = first_choices(filterset)
        assert firsts and "---------" not in str(filterset.form)
        assert str(filterset.form).count('<option value=""') == len(firsts)
        assert set(firsts.values()) <= {"Tous", "Toutes"}


def test_the_empty_choice_agrees_with_the_filters_name(tenant):
    with tenant_context(tenant):
        firsts = first_choices(RequestFilter(data={}, queryset=None))
    assert firsts["state"] == "Tous"  # État
    assert firsts["establishment"] == "Tous"  # Établissement
    assert firsts["nature"] == "Toutes" and firsts["priority"] == "Toutes"
    assert firsts["campaign"] == "Toutes"
