"""The demo's purchasing loads on the plan lines it expects and says what it made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from demo import purchasing as demo
from tenants.purchasing.models import OffContractException, PurchaseFile, PurchaseRequest
from tenants.purchasing.selectors import spending_table
from tenants.requests.services import PartInput, save_draft
from tenants.wordtemplates.models import GeneratedDocument
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
        # Each request's form and order letter, as the done-when of the purchasing asks.
        assert "DOCX and PDF" in done[-1], done
        assert GeneratedDocument.objects.count() == 4
        assert demo.load_demo_purchasing("alpha") == []  # once
        assert spending_table().rows == []  # the off-contract one is still a draft


def _emdn_codes(concepts: list[dict]) -> set[str]:
    return {c["code"] for c in concepts} | {
        code for c in concepts for code in _emdn_codes(c.get("concept", []))
    }


def test_the_demo_names_a_real_emdn_code():
    # The demo GHT mirrors the whole EMDN: a code missing from it is refused and the demo
    # stops loading (dev.py start on a fresh database).
    fixture = Path(__file__).resolve().parents[3] / "shared_reference/fixtures/CodeSystem-emdn.json"
    codes = _emdn_codes(json.loads(fixture.read_text(encoding="utf-8"))["concept"])
    assert demo.BEDS_EMDN in codes


def test_a_demo_stopped_half_way_leaves_nothing_to_make_twice(buying, tenant, monkeypatch):
    def refused(*args, **kwargs):
        raise demo.services.Refused("lines", "no")

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
        files, exceptions = PurchaseFile.objects.count(), OffContractException.objects.count()
        monkeypatch.setattr(demo.services, "save_purchase_request", refused)
        with pytest.raises(demo.services.Refused):
            demo.load_demo_purchasing("alpha")
        assert PurchaseFile.objects.count() == files
        assert OffContractException.objects.count() == exceptions
