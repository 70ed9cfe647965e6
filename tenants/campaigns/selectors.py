"""Reads of campaigns: what their envelopes' requests ask and what was granted."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, DecimalField, QuerySet, Sum, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from tenants.campaigns.models import Campaign, Envelope, Step
from tenants.requests.models import EquipmentRequest, RequestPart, RequestState
from tenants.requests.selectors import PART_COST, ZERO
from tenants.structure.models import FunctionalUnit

# What one plan line uses of its envelope: the ordered amount once settled (settling needs
# one), else the larger of granted and ordered.
# Once the finance system's orders are linked to a line, what they commit is what it uses.
LINE_USED = Case(
    When(committed_source="finance", then=Coalesce("committed_amount", ZERO)),
    default=Coalesce("ordered_amount", ZERO),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)
LINE_CONSUMPTION = Case(
    When(settled=True, then=LINE_USED),
    default=Greatest("amount", LINE_USED),
    output_field=DecimalField(max_digits=14, decimal_places=2),
)

ZERO_DECIMAL = Decimal("0.00")

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


# A place in the structure as envelopes see it: (establishment, pôle, service).
Place = tuple[int, int, int]


def _by_uf(rows: QuerySet[Any], uf: str, total: Any) -> dict[int, Decimal]:
    """``total`` of ``rows`` grouped by UF (``uf``: the path to its id), no join further."""
    grouped = rows.values(uf).annotate(total=total).order_by().values_list(uf, "total")
    return {pk: value or ZERO_DECIMAL for pk, value in grouped}


def envelope_covers(envelope: Envelope, place: Place) -> bool:
    """Whether requests of this place draw on the envelope: ``Envelope.covers`` in Python."""
    establishment, pole, service = place
    if envelope.service_id:
        return envelope.service_id == service
    if envelope.pole_id:
        return envelope.pole_id == pole
    return envelope.establishment_id == establishment


def envelope_consumption(campaign: Campaign) -> list[Consumption]:
    """For each envelope: what its requests ask (submitted, not refused) and what was granted.

    Four queries grouped by UF and one for the UF's places, whatever the number of envelopes,
    each envelope then summing the UF it covers (four aggregates per envelope took 300 ms at
    8,000 requests and 11 envelopes)."""
    parts = RequestPart.objects.filter(request__campaign=campaign, request__state__in=COUNTED)
    requested = _by_uf(parts, "request__uf_id", Sum(PART_COST))
    granted_requests = campaign.requests.filter(state=RequestState.GRANTED)
    granted = _by_uf(granted_requests, "uf_id", Sum("granted_amount"))
    not_in_plan = _by_uf(
        granted_requests.filter(plan_line__isnull=True), "uf_id", Sum("granted_amount")
    )
    in_plan = _by_uf(campaign.plan_lines.all(), "uf_id", Sum(LINE_CONSUMPTION))  # type: ignore[attr-defined]
    ufs = set(requested) | set(granted) | set(in_plan)
    places: dict[int, Place] = {
        pk: (establishment, pole, service)
        for pk, establishment, pole, service in FunctionalUnit.objects.filter(
            pk__in=ufs
        ).values_list("pk", "service__pole__establishment_id", "service__pole_id", "service_id")
    }

    def covered(figures: dict[int, Decimal], envelope: Envelope) -> Decimal:
        values = (v for uf, v in figures.items() if envelope_covers(envelope, places[uf]))
        return sum(values, ZERO_DECIMAL)

    envelopes = campaign.envelopes.select_related("establishment", "pole", "service")
    return [
        Consumption(
            envelope,
            covered(requested, envelope),
            covered(granted, envelope),
            covered(in_plan, envelope) + covered(not_in_plan, envelope),
        )
        for envelope in envelopes.order_by("pk")
    ]


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
