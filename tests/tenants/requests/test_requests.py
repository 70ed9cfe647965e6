"""Campaigns, envelopes and draft requests: who may, when, with what amounts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django_tenants.utils import tenant_context

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.campaigns.models import EquipmentRequest, RequestPart, RequestState, Step
from tenants.campaigns.selectors import envelope_consumption, with_costs
from tenants.campaigns.services import (
    PartInput,
    Refused,
    add_envelope,
    create_campaign,
    save_draft,
)
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

TODAY = datetime.date(2026, 11, 24)


@pytest.fixture
def hospital(tenant, make_user):  # type: ignore[no-untyped-def]
    users = {name: make_user(tenant, full_name=name) for name in ("manager", "rea", "bloc")}
    with tenant_context(tenant):
        site = Establishment.objects.get()
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle réanimation")
        service = Service.objects.create(pole=pole, code="S1", name="Réanimation")
        rea = FunctionalUnit.objects.create(service=service, code="1101", name="Réa")
        other = Pole.objects.create(establishment=site, code="P2", name="Pôle bloc")
        bloc = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=other, code="S2", name="Bloc"),
            code="2201",
            name="Bloc",
        )
        RoleGrant.objects.create(
            user=users["manager"], role=Role.MANAGEMENT, scope=ScopeKind.TENANT
        )
        RoleGrant.objects.create(user=users["rea"], role=Role.REQUESTER, scope=ScopeKind.UF, uf=rea)
        RoleGrant.objects.create(
            user=users["bloc"], role=Role.REQUESTER, scope=ScopeKind.UF, uf=bloc
        )
        campaign = create_campaign(
            name="Recensement 2027",
            nature="equipment",
            year=2027,
            opens=datetime.date(2026, 10, 1),
            closes=datetime.date(2026, 12, 15),
            establishments=[site],
            steps=["arbitration", "pole_opinion", "expertise"],
            by=users["manager"],
        )
        yield {"users": users, "campaign": campaign, "rea": rea, "bloc": bloc, "pole": pole}


def draft(hospital, user="rea", uf="rea", **changes):  # type: ignore[no-untyped-def]
    values = {
        "by": hospital["users"][user],
        "campaign": hospital["campaign"],
        "uf": hospital[uf],
        "title": "Respirateur de réanimation",
        "parts": [
            PartInput("investment", 2, "32 500,00"),
            PartInput("maintenance", 1, "4000"),
        ],
        "today": TODAY,
        **changes,
    }
    return save_draft(**values)


def test_a_campaign_keeps_its_steps_in_the_chains_order_and_cannot_skip_arbitration(hospital):
    assert hospital["campaign"].steps == [Step.POLE_OPINION, Step.EXPERTISE, Step.ARBITRATION]
    with pytest.raises(Refused) as refused:
        create_campaign(
            name="Sans commission",
            nature="equipment",
            year=2027,
            opens=TODAY,
            closes=TODAY,
            establishments=[Establishment.objects.get()],
            steps=["expertise"],
            by=hospital["users"]["manager"],
        )
    assert refused.value.field == "steps"
    with pytest.raises(Refused, match="seuls la direction"):  # French by default
        create_campaign(
            name="X",
            nature="equipment",
            year=2027,
            opens=TODAY,
            closes=TODAY,
            establishments=[Establishment.objects.get()],
            by=hospital["users"]["rea"],
        )


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


def test_envelope_consumption_counts_submitted_requests_and_warns_when_exceeded(hospital):
    envelope = add_envelope(
        hospital["campaign"],
        hospital["pole"],
        "100 000",
        "own_funds",
        by=hospital["users"]["manager"],
    )
    with pytest.raises(Refused) as refused:
        add_envelope(
            hospital["campaign"],
            hospital["pole"],
            "-1",
            "own_funds",
            by=hospital["users"]["manager"],
        )
    assert refused.value.field == "amount"
    first, second = draft(hospital), draft(hospital, title="Pousse-seringues")
    draft(hospital, user="bloc", uf="bloc")  # another pôle: another envelope's business
    assert envelope_consumption(hospital["campaign"])[0].requested == 0  # drafts do not count
    EquipmentRequest.objects.filter(pk__in=[first.pk, second.pk]).update(
        state=RequestState.SUBMITTED
    )
    consumption = envelope_consumption(hospital["campaign"])[0]
    assert consumption.envelope == envelope
    assert consumption.requested == Decimal("138000.00") and consumption.over_requested
    EquipmentRequest.objects.filter(pk=first.pk).update(
        state=RequestState.GRANTED, granted_amount=Decimal("60000")
    )
    consumption = envelope_consumption(hospital["campaign"])[0]
    assert consumption.granted == Decimal("60000.00") and not consumption.over_granted


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
