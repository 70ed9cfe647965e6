"""A forged row count builds no more forms than a person may send, and is refused."""

from __future__ import annotations

import pytest

from tenants.purchasing.forms import LineFormSet
from tenants.requests.forms import PartFormSet


@pytest.mark.parametrize(
    ("formset_class", "prefix", "cap"), [(LineFormSet, "lines", 50), (PartFormSet, "parts", 20)]
)
def test_a_forged_row_count_builds_at_most_the_cap(formset_class, prefix, cap):
    data = {
        f"{prefix}-TOTAL_FORMS": "99999999999999999999",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": str(cap),
    }
    formset = formset_class(data, prefix=prefix, **_kwargs(formset_class))
    assert len(formset.forms) <= cap
    assert not formset.is_valid()


def _kwargs(formset_class):
    from tenants.plan.models import PlanLine

    return {"plan_lines": PlanLine.objects.none()} if formset_class is LineFormSet else {}
