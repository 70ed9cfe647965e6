"""Reads of campaigns: what their envelopes' requests ask and what was granted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, DecimalField, QuerySet, Sum, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tenants.campaigns.models import Campaign, Envelope, Step
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.selectors import ZERO, with_costs

# What one plan line uses of its envelope: the ordered amount once settled (settling needs
# one), else the larger of granted and ordered.
LINE_CONSUMPTION = Case(
    When(settled=True, then=Coalesce("ordered_amount", ZERO)),
    default=Greatest("amount", Coalesce("ordered_amount", ZERO)),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)

# Requests that draw on an envelope: every one submitted and not refused.
COUNTED = [s for s in RequestState.values if s not in (RequestState.DRAFT, RequestState.REFUSED)]


@dataclass(frozen=True)
class Consumption:
    """An envelope against what draws on it.

    ``requested``: its requests (submitted, not refused). ``granted``: what the commission
    granted them. ``consumed``: what the purchases use of it: for each of its plan lines, the
    ordered amount once the line is settled (*soldé*), else the larger of granted and ordered;
    plus grants not in the plan yet.
    """

    envelope: Envelope
    requested: Decimal
    granted: Decimal
    consumed: Decimal = Decimal(0)

    @property
    def over_consumed(self) -> bool:
        return self.consumed > self.envelope.amount

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
        granted_requests = covered.filter(state=RequestState.GRANTED)
        granted = granted_requests.aggregate(total=Coalesce(Sum("granted_amount"), ZERO))["total"]
        not_in_plan = granted_requests.filter(plan_line__isnull=True).aggregate(
            total=Coalesce(Sum("granted_amount"), ZERO)
        )["total"]
        lines = campaign.plan_lines.filter(envelope.covers())  # type: ignore[attr-defined]
        in_plan = lines.aggregate(total=Coalesce(Sum(LINE_CONSUMPTION), ZERO))["total"]
        result.append(Consumption(envelope, requested, granted, in_plan + not_in_plan))
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
