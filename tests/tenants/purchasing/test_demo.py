"""The demo's purchasing loads on the plan lines it expects and says what it made."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from demo import purchasing as demo
from tenants.purchasing.models import OffContractException, PurchaseFile, PurchaseRequest
from tenants.purchasing.selectors import spending_table
from tenants.requests.services import PartInput, save_draft
from tests.tenants.plan.conftest import grant

pytestmark = pytest.mark.django_db


def test_the_demo_makes_a_file_two_requests_and_an_exception(buying, tenant):
    with tenant_context(tenant):
        beds = buying["line"]
        beds.title, beds.amount = demo.BEDS, 44000
        beds.save()
        buying["request"] = save_draft(
            by=buying["users"]["requester"],
            campaign=buying["campaign"],
            uf=buying["rea"],
            title=demo.PUMPS,
            parts=[PartInput("investment", 10, "2100")],
        )
        grant(buying, "21000")
        PurchaseRequest.objects.all().delete()
        done = demo.load_demo_purchasing("alpha")
        assert done and "purchasing" in done[0]
        assert PurchaseFile.objects.get().requests.count() == 2
        assert PurchaseRequest.objects.filter(exception__isnull=False).count() == 1
        assert OffContractException.objects.filter(code="HM1").exists()
        assert demo.load_demo_purchasing("alpha") == []  # once
        assert spending_table().rows == []  # the off-contract one is still a draft
