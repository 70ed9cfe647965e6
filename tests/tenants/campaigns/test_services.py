"""Campaigns and envelopes: who may open them, with which steps, and what envelopes count."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tenants.campaigns.models import Step
from tenants.campaigns.selectors import envelope_consumption
from tenants.campaigns.services import Refused, add_envelope, create_campaign
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.structure.models import Establishment
from tests.tenants.conftest import TODAY, draft


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
