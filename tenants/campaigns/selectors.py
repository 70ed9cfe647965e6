"""Reads of campaigns: what their envelopes' requests ask and what was granted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from tenants.campaigns.models import Campaign, Envelope, Step
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.selectors import ZERO, with_costs

# Requests that draw on an envelope: every one submitted and not refused.
COUNTED = [s for s in RequestState.values if s not in (RequestState.DRAFT, RequestState.REFUSED)]


@dataclass(frozen=True)
class Consumption:
    envelope: Envelope
    requested: Decimal
    granted: Decimal

    @property
    def over_requested(self) -> bool:
        return self.requested > self.envelope.amount

    @property
    def over_granted(self) -> bool:
        return self.granted > self.envelope.amount


def envelope_consumption(campaign: Campaign) -> list[Consumption]:
    """For each envelope: what its requests ask (submitted, not refused) and what was granted."""
    result = []
    envelopes = campaign.envelopes.select_related("establishment", "pole", "service")
    for envelope in envelopes.order_by("pk"):
        covered = campaign.requests.filter(envelope.covers(), state__in=COUNTED)
        requested = with_costs(covered).aggregate(total=Coalesce(Sum("cost"), ZERO))["total"]
        granted = covered.filter(state=RequestState.GRANTED).aggregate(
            total=Coalesce(Sum("granted_amount"), ZERO)
        )["total"]
        result.append(Consumption(envelope, requested, granted))
    return result


def envelopes_of(request: EquipmentRequest) -> list[Consumption]:
    """The consumption of the envelopes this request draws on (its establishment's, its
    pôle's, its service's)."""
    service = request.uf.service
    mine = {
        ("establishment", service.pole.establishment_id),
        ("pole", service.pole_id),
        ("service", service.pk),
    }
    return [
        item
        for item in envelope_consumption(request.campaign)
        if {
            ("establishment", item.envelope.establishment_id),
            ("pole", item.envelope.pole_id),
            ("service", item.envelope.service_id),
        }
        & mine
    ]


def open_campaigns(today: date | None = None) -> QuerySet[Campaign]:
    """The campaigns taking requests today."""
    today = today or timezone.localdate()
    return Campaign.objects.filter(opens__lte=today, closes__gte=today).order_by("closes", "name")


def arbitration_sessions(limit: int = 3) -> QuerySet[Campaign]:
    """The latest campaigns whose requests end in the commission's session."""
    return Campaign.objects.filter(steps__contains=[Step.ARBITRATION.value]).order_by(
        "-year", "-opens", "name"
    )[:limit]
