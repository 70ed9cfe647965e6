"""Allocating references: consecutive, per prefix, per year of creation, per tenant; every
way a request or a plan line is created gives it one, once."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.numbering.models import Counter
from tenants.numbering.services import allocate, allocate_many
from tenants.plan.models import PlanLine
from tenants.plan.services import add_granted_request
from tenants.requests.models import EquipmentRequest, RequestState

# Years no other test numbers in: the counters of committed tests outlive them.
YEAR = 2091


def test_references_follow_each_other_with_five_digits(tenant):
    with tenant_context(tenant):
        assert [allocate("DEM", YEAR) for _ in range(3)] == [
            f"DEM-{YEAR}-00001",
            f"DEM-{YEAR}-00002",
            f"DEM-{YEAR}-00003",
        ]
        assert allocate("PLN", YEAR) == f"PLN-{YEAR}-00001"  # each prefix counts on its own


def test_each_year_counts_from_one(tenant):
    with tenant_context(tenant):
        allocate("DEM", YEAR)
        allocate("DEM", YEAR)
        assert allocate("DEM", YEAR + 1) == f"DEM-{YEAR + 1}-00001"
        assert allocate("DEM", YEAR) == f"DEM-{YEAR}-00003"


def test_past_99999_a_reference_takes_more_digits(tenant):
    with tenant_context(tenant):
        Counter.objects.create(prefix="DEM", year=YEAR, last=99_998)
        assert allocate("DEM", YEAR) == f"DEM-{YEAR}-99999"
        assert allocate("DEM", YEAR) == f"DEM-{YEAR}-100000"


def test_many_references_at_once_continue_the_count(tenant):
    with tenant_context(tenant):
        allocate("DEM", YEAR)
        assert allocate_many("DEM", YEAR, 3) == [f"DEM-{YEAR}-0000{n}" for n in (2, 3, 4)]
        assert allocate_many("DEM", YEAR, 0) == []
        assert allocate("DEM", YEAR) == f"DEM-{YEAR}-00005"


def test_each_tenant_counts_its_own_references(tenant, other_tenant):
    for each in (tenant, other_tenant):
        with tenant_context(each):
            assert allocate("DEM", YEAR) == f"DEM-{YEAR}-00001"
    with tenant_context(tenant):
        assert allocate("DEM", YEAR) == f"DEM-{YEAR}-00002"
    with tenant_context(other_tenant):
        assert Counter.objects.get(prefix="DEM", year=YEAR).last == 1


def test_a_request_made_in_each_tenant_takes_the_first_number_of_its_year(
    tenant, other_tenant, chain, monkeypatch
):
    """t_alpha and t_bravo both start at DEM-<year>-00001, in a year nobody numbered yet."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: datetime.date(YEAR, 3, 4))
    with tenant_context(tenant):
        alpha = EquipmentRequest.objects.create(
            campaign=chain["campaign"],
            uf=chain["rea"],
            nature="equipment",
            title="Moniteur",
            requested_by=chain["users"]["requester"],
        )
    with tenant_context(other_tenant):
        theirs = EquipmentRequest.objects.order_by("pk").first()  # made with the tenant
        assert theirs is not None
        bravo = EquipmentRequest.objects.create(
            campaign=theirs.campaign,
            uf=theirs.uf,
            nature="equipment",
            title="Moniteur",
            requested_by=theirs.requested_by,
        )
    assert alpha.reference == bravo.reference == f"DEM-{YEAR}-00001"


def test_a_request_takes_its_reference_when_created_and_keeps_it(tenant, chain):
    with tenant_context(tenant):
        request = EquipmentRequest.objects.get(pk=chain["request"].pk)
        year = timezone.localdate().year
        assert re.fullmatch(rf"DEM-{year}-\d{{5}}", request.reference)
        assert str(request) == f"{request.reference} · Respirateur"
        request.title = "Respirateur de transport"
        request.save()
        request.refresh_from_db()
        assert request.reference == chain["request"].reference


def test_a_creation_that_fails_gives_its_number_back(tenant, chain):
    """The allocation and the insert are one transaction: no number is lost to a refused row."""
    with tenant_context(tenant):
        fields = {
            "campaign": chain["campaign"],
            "uf": chain["rea"],
            "nature": "equipment",
            "title": "Refusé",
            "requested_by": chain["users"]["requester"],
        }
        # No transaction around it here: save() brings its own, which the refusal rolls back.
        with pytest.raises(IntegrityError):
            EquipmentRequest.objects.create(granted_amount=-1, **fields)  # a database check
        made = EquipmentRequest.objects.create(**fields)
        previous = int(chain["request"].reference.rsplit("-", 1)[1])
        assert int(made.reference.rsplit("-", 1)[1]) == previous + 1


def test_two_requests_cannot_share_a_reference(tenant, chain):
    with tenant_context(tenant):
        request = EquipmentRequest.objects.create(
            campaign=chain["campaign"],
            uf=chain["rea"],
            nature="equipment",
            title="Double",
            requested_by=chain["users"]["requester"],
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            EquipmentRequest.objects.filter(pk=request.pk).update(
                reference=chain["request"].reference
            )


def test_a_plan_line_takes_its_reference_once(tenant, chain):
    with tenant_context(tenant):
        request = chain["request"]
        EquipmentRequest.objects.filter(pk=request.pk).update(
            state=RequestState.GRANTED, granted_amount=30000
        )
        request.refresh_from_db()
        line = add_granted_request(request, by=chain["admin"])
        year = timezone.localdate().year
        assert re.fullmatch(rf"PLN-{year}-\d{{5}}", line.reference)
        assert str(line) == f"{line.reference} · Respirateur"
        counted = Counter.objects.get(prefix="PLN", year=year).last
        # Granted again (its amount changed): the same line is updated, its number kept.
        EquipmentRequest.objects.filter(pk=request.pk).update(granted_amount=25000)
        request.refresh_from_db()
        again = add_granted_request(request, by=chain["admin"])
        assert (again.pk, again.reference, again.amount) == (line.pk, line.reference, 25000)
        assert PlanLine.objects.get(pk=line.pk).reference == line.reference
        assert Counter.objects.get(prefix="PLN", year=year).last == counted
