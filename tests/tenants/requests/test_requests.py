"""Draft requests: who may, when, with what amounts and which devices they replace."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tenants.campaigns.services import Refused
from tenants.requests.models import EquipmentRequest, RequestPart, RequestState
from tenants.requests.selectors import with_costs
from tenants.requests.services import PartInput
from tenants.structure.models import FunctionalUnit
from tests.tenants.conftest import draft


def test_a_requester_drafts_for_their_uf_and_the_costs_add_up(hospital):
    request = draft(hospital)
    assert request.state == RequestState.DRAFT and request.nature == "equipment"
    assert getattr(with_costs(EquipmentRequest.objects.all()).get(), "cost") == Decimal("69000.00")
    with pytest.raises(Refused) as refused:
        draft(hospital, uf="bloc")  # not their UF
    assert refused.value.field == "uf"


@pytest.mark.parametrize(
    ("part", "field"),
    [
        (PartInput("investment", 1, "-5"), "parts[0].unit_price"),
        (PartInput("investment", 0, "5"), "parts[0].quantity"),
        (PartInput("investment", 1, "1e12"), "parts[0].unit_price"),
        (PartInput("investment", 1, "12.345"), "parts[0].unit_price"),
        (PartInput("investment", 1, "douze"), "parts[0].unit_price"),
        (PartInput("jewels", 1, "5"), "parts[0].kind"),
    ],
)
def test_negative_or_absurd_amounts_are_refused_naming_the_field(hospital, part, field):
    with pytest.raises(Refused) as refused:
        draft(hospital, parts=[part])
    assert refused.value.field == field
    assert not EquipmentRequest.objects.exists()


def test_a_closed_campaign_takes_no_request(hospital):
    with pytest.raises(Refused) as refused:
        draft(hospital, today=datetime.date(2026, 12, 16))
    assert refused.value.field == "campaign"


def test_two_people_editing_the_same_draft_cannot_both_succeed(hospital):
    request = draft(hospital)
    seen = request.version
    draft(hospital, request=request, expected_version=seen, title="Respirateur (2)")
    with pytest.raises(Refused) as refused:
        draft(hospital, request=request, expected_version=seen, title="Respirateur (3)")
    assert refused.value.field == "version"
    request.refresh_from_db()
    assert request.title == "Respirateur (2)" and request.parts.count() == 2


def test_the_database_refuses_negative_amounts_whatever_the_path(hospital):
    request = draft(hospital)
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestPart.objects.create(request=request, kind="it", quantity=1, unit_price=-1)


def test_a_request_replaces_devices_of_its_uf_or_of_its_service(hospital):
    from tenants.inventory.models import Device

    rea = hospital["rea"]
    neighbour = FunctionalUnit.objects.create(service=rea.service, code="1102", name="Réa 2")
    Device.objects.create(inventory_number="INV-REA", uf=rea)
    Device.objects.create(inventory_number="INV-REA2", uf=neighbour)
    request = draft(hospital, replaces=["INV-REA", "INV-REA2"])
    assert sorted(request.replaces.values_list("inventory_number", flat=True)) == [
        "INV-REA",
        "INV-REA2",
    ]


def test_a_device_of_another_service_is_refused_by_its_number_on_the_replaces_field(hospital):
    from tenants.inventory.models import Device

    Device.objects.create(inventory_number="INV-BLOC", uf=hospital["bloc"])
    with pytest.raises(Refused) as refused:
        draft(hospital, replaces=["INV-BLOC"])
    assert refused.value.field == "replaces"
    assert "INV-BLOC" in refused.value.reason and "2201" in refused.value.reason
    assert not EquipmentRequest.objects.exists()
