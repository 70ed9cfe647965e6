"""Every change to campaigns, envelopes and requests: checked here, whatever the caller.

A refusal names the field at fault (``Refused.field``) and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.permissions import Action, has_permission
from tenants.access.scopes import ENVELOPE_TARGETS, kind_of
from tenants.accounts.models import User
from tenants.campaigns.models import (
    Campaign,
    Envelope,
    EquipmentRequest,
    Nature,
    RequestEvent,
    RequestPart,
    RequestState,
    Step,
)
from tenants.documents.services import detach_all
from tenants.inventory.models import Device
from tenants.mirror.models import ReferenceDeviceModel
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

MAX_AMOUNT = Decimal("100000000")  # 100 M€: above is a typing mistake, not a request
MAX_QUANTITY = 10_000


class Refused(UserError):
    """A request, campaign or envelope refused: who may not (403), someone acted meanwhile
    (409), or what was typed (400)."""

    def __init__(self, field: str, reason: str) -> None:
        status = {"by": 403, "version": 409}.get(field, 400)
        super().__init__(field, reason, status=status)


def parse_amount(text: Any) -> Decimal:
    """An amount as people type it: ``1234.50``, ``1 234,50``, ``1.234,50``, ``1 234 €``.

    Spaces (plain, non-breaking, narrow) group thousands, and so do dots when a comma marks
    the decimals or when there are several of them; a lone dot marks the decimals.
    """
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", str(text))
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3}){2,}", cleaned):  # 1.234.567; "12.345" stays decimal
        cleaned = cleaned.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", cleaned):
        raise InvalidOperation(text)
    return Decimal(cleaned)


def money(value: Any, field: str) -> Decimal:
    """Euros with at most two decimals, 0 or more, below MAX_AMOUNT."""
    try:
        amount = parse_amount(value)
    except (InvalidOperation, ValueError) as exc:
        raise Refused(
            field, _("“%(value)s” is not an amount in euros (e.g. 1 234,50)") % {"value": value}
        ) from exc
    if not amount.is_finite() or amount < 0:
        raise Refused(field, _("must be 0 or more"))
    if amount >= MAX_AMOUNT:
        raise Refused(field, _("is absurdly large (100 million euros or more)"))
    if amount != amount.quantize(Decimal("0.01")):
        raise Refused(field, _("has more than two decimals"))
    return amount


@dataclass(frozen=True)
class CampaignInput:
    name: str
    nature: str
    year: int
    opens: date
    closes: date
    establishments: list[Establishment]
    steps: list[str] | None = None
    kind: str = Campaign.Kind.CENSUS


def _checked(data: CampaignInput, by: User) -> dict[str, Any]:
    """The campaign's fields, or the refusal of the first one at fault."""
    if not has_permission(by, Action.MANAGE_CAMPAIGNS):
        raise Refused("by", _("only management and administrators open campaigns"))
    if not data.name.strip():
        raise Refused("name", _("required"))
    if data.nature not in Nature.values:
        raise Refused("nature", _("one of %(values)s") % {"values": ", ".join(Nature.values)})
    if data.kind not in Campaign.Kind.values:
        raise Refused("kind", _("one of %(values)s") % {"values": ", ".join(Campaign.Kind.values)})
    if data.closes < data.opens:
        raise Refused("closes", _("cannot come before the opening date"))
    if not data.establishments:
        raise Refused("establishments", _("a campaign covers at least one establishment"))
    chosen = list(Step.values) if data.steps is None else data.steps
    unknown = [s for s in chosen if s not in Step.values]
    if unknown:
        raise Refused("steps", _("unknown step %(step)r") % {"step": unknown[0]})
    if Step.ARBITRATION not in chosen:
        raise Refused("steps", _("the commission's arbitration cannot be skipped"))
    return {
        "name": data.name.strip(),
        "kind": data.kind,
        "nature": data.nature,
        "year": data.year,
        "opens": data.opens,
        "closes": data.closes,
        "steps": [s for s in Step.values if s in chosen],  # always in the chain's order
    }


def create_campaign(
    *,
    name: str,
    nature: str,
    year: int,
    opens: date,
    closes: date,
    establishments: list[Establishment],
    steps: list[str] | None = None,
    kind: str = Campaign.Kind.CENSUS,
    by: User,
) -> Campaign:
    """Open a campaign."""
    data = CampaignInput(name, nature, year, opens, closes, establishments, steps, kind)
    checked = _checked(data, by)
    with transaction.atomic():
        campaign = Campaign.objects.create(**checked)
        campaign.establishments.set(data.establishments)
    return campaign


@transaction.atomic
def update_campaign(
    campaign: Campaign,
    *,
    name: str,
    nature: str,
    year: int,
    opens: date,
    closes: date,
    establishments: list[Establishment],
    steps: list[str] | None = None,
    kind: str = Campaign.Kind.CENSUS,
    by: User,
) -> Campaign:
    """Change a campaign: its dates and name at any time (a census extended a week); its
    nature and steps only while no request has been sent (requests on their way follow the
    steps they started with); an establishment only while none of its requests is in it."""
    data = CampaignInput(name, nature, year, opens, closes, establishments, steps, kind)
    checked = _checked(data, by)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    sent = campaign.requests.exclude(state=RequestState.DRAFT)
    if checked["steps"] != list(campaign.steps) and sent.exists():
        raise Refused("steps", _("requests were sent: their steps can no longer change"))
    if checked["nature"] != campaign.nature and campaign.requests.exists():
        raise Refused("nature", _("the campaign has requests: its nature can no longer change"))
    kept = {e.pk for e in data.establishments}
    dropped = campaign.requests.exclude(uf__service__pole__establishment__in=kept)
    if dropped.exists():
        raise Refused(
            "establishments",
            _("an establishment left out still has requests in this campaign"),
        )
    Campaign.objects.filter(pk=campaign.pk).update(**checked)
    campaign.establishments.set(data.establishments)
    campaign.refresh_from_db()
    return campaign


def add_envelope(
    campaign: Campaign,
    scope: Establishment | Pole | Service,
    amount: Any,
    source: str,
    *,
    label: str = "",
    by: User,
) -> Envelope:
    if not has_permission(by, Action.MANAGE_CAMPAIGNS):
        raise Refused("by", _("only management and administrators set envelopes"))
    if source not in Envelope.Source.values:
        raise Refused(
            "source", _("one of %(values)s") % {"values": ", ".join(Envelope.Source.values)}
        )
    target = kind_of(scope)
    if target not in ENVELOPE_TARGETS:
        raise Refused("scope", _("an establishment, a pôle or a service"))
    return Envelope.objects.create(
        campaign=campaign,
        amount=money(amount, "amount"),
        source=source,
        label=label,
        **{target: scope},
    )


def remove_envelope(envelope: Envelope, *, by: User) -> None:
    if not has_permission(by, Action.MANAGE_CAMPAIGNS):
        raise Refused("by", _("only management and administrators set envelopes"))
    envelope.delete()


@dataclass(frozen=True)
class PartInput:
    kind: str
    quantity: Any
    unit_price: Any
    description: str = ""


def whole_quantity(value: Any, field: str) -> int:
    """A number of units: a whole number from 1 to MAX_QUANTITY ("1 000" is fine)."""
    try:
        quantity = int(re.sub(r"[\s\u00a0\u202f]", "", str(value)))
    except ValueError as exc:
        raise Refused(field, _("a whole number")) from exc
    if not 1 <= quantity <= MAX_QUANTITY:
        raise Refused(
            field, _("between 1 and %(max)s") % {"max": f"{MAX_QUANTITY:,}".replace(",", "\u00a0")}
        )
    return quantity


def _clean_parts(parts: list[PartInput]) -> list[RequestPart]:
    if not parts:
        raise Refused("parts", _("a request has at least one part with its cost"))
    cleaned = []
    for i, part in enumerate(parts):
        if part.kind not in RequestPart.Kind.values:
            raise Refused(
                f"parts[{i}].kind",
                _("one of %(values)s") % {"values": ", ".join(RequestPart.Kind.values)},
            )
        quantity = whole_quantity(part.quantity, f"parts[{i}].quantity")
        price = money(part.unit_price, f"parts[{i}].unit_price")
        if price * quantity >= MAX_AMOUNT:
            raise Refused(f"parts[{i}].unit_price", _("the part's total is absurdly large"))
        cleaned.append(
            RequestPart(
                kind=part.kind,
                quantity=quantity,
                unit_price=price,
                description=part.description.strip()[:300],
            )
        )
    return cleaned


def campaign_is_open(campaign: Campaign, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.opens <= today <= campaign.closes


@transaction.atomic
def save_draft(
    *,
    by: User,
    campaign: Campaign,
    uf: FunctionalUnit,
    title: str,
    parts: list[PartInput],
    argument: str = "",
    priority: int = 3,
    nomenclature_code: str = "",
    reference_model: ReferenceDeviceModel | None = None,
    replaces: list[str] | None = None,
    request: EquipmentRequest | None = None,
    expected_version: int | None = None,
    today: date | None = None,
) -> EquipmentRequest:
    """Create a draft request, or change one (still a draft, or asked for more information,
    not changed since ``expected_version``: two people editing at once cannot both succeed).

    The campaign's dates bound new requests; answering a question stays possible after the
    census closed (the experts' questions come after it)."""
    answering = request is not None and request.state == RequestState.MORE_INFORMATION
    if not answering and not campaign_is_open(campaign, today):
        raise Refused("campaign", _("this campaign is not open for requests"))
    if not campaign.establishments.filter(pk=uf.service.pole.establishment_id).exists():
        raise Refused("uf", _("this UF's establishment is not part of the campaign"))
    if not has_permission(by, Action.DRAFT_REQUEST, uf):
        raise Refused("uf", _("you may not ask for equipment for this UF"))
    if not title.strip():
        raise Refused("title", _("required"))
    if priority not in (1, 2, 3, 4):
        raise Refused("priority", _("between 1 (critical) and 4 (low)"))
    cleaned = _clean_parts(parts)
    replaced = _replaced_devices(replaces or [], uf)
    if campaign.nature != Nature.EQUIPMENT:
        reference_model, nomenclature_code = None, ""  # works and software name no device
    fields = {
        "campaign": campaign,
        "uf": uf,
        "nature": campaign.nature,
        "title": title.strip(),
        "argument": argument.strip(),
        "priority": priority,
        "nomenclature_code": nomenclature_code.strip().split(" ", 1)[0][:60],
        "reference_model": reference_model,
    }
    if request is None:
        request = EquipmentRequest.objects.create(requested_by=by, **fields)
    else:
        updated = EquipmentRequest.objects.filter(
            pk=request.pk,
            state__in=[RequestState.DRAFT, RequestState.MORE_INFORMATION],
            version=expected_version if expected_version is not None else request.version,
        ).update(version=F("version") + 1, updated=timezone.now(), **fields)
        if not updated:
            raise Refused(
                "version",
                _("this request changed since you opened it (or left the draft state): reload it"),
            )
        request.refresh_from_db()
        request.parts.all().delete()
    for part in cleaned:
        part.request = request
    RequestPart.objects.bulk_create(cleaned)
    request.replaces.set(replaced)
    return request


@transaction.atomic
def delete_draft(request: EquipmentRequest, *, by: User) -> None:
    """A draft nobody has seen yet may go; anything sent stays, with its history."""
    request = EquipmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.DRAFT:
        raise Refused("state", _("only a draft is deleted"))
    if not has_permission(by, Action.DRAFT_REQUEST, request):
        raise Refused("by", _("you may not delete requests for this UF"))
    detach_all(request)
    request.delete()


def _replaced_devices(numbers: list[str], uf: FunctionalUnit) -> list[Device]:
    """The inventory's devices by their numbers; an unknown number is refused by name, and so
    is a device of another service: a request replaces what its UF, or its service, owns."""
    wanted = list(dict.fromkeys(n.strip() for n in numbers if n.strip()))
    found = {
        d.inventory_number: d
        for d in Device.objects.filter(inventory_number__in=wanted).select_related("uf__service")
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        raise Refused(
            "replaces", _("no device numbered %(number)r in the inventory") % {"number": missing[0]}
        )
    for number in wanted:
        device = found[number]
        if device.uf_id != uf.pk and device.uf.service_id != uf.service_id:
            raise Refused(
                "replaces",
                _(
                    "device %(number)s belongs to UF %(device_uf)s (service %(service)s), "
                    "not to this request's UF %(uf)s or its service"
                )
                % {
                    "number": number,
                    "device_uf": device.uf.code,
                    "service": device.uf.service.name,
                    "uf": uf.code,
                },
            )
    return [found[n] for n in wanted]


def campaigns_to_carry_into(request: EquipmentRequest) -> QuerySet[Campaign]:
    """Open campaigns of the same nature, other than its own, covering its establishment."""
    today = timezone.localdate()
    return (
        Campaign.objects.filter(
            nature=request.nature,
            opens__lte=today,
            closes__gte=today,
            establishments=request.uf.service.pole.establishment_id,
        )
        .exclude(pk=request.campaign_id)
        .order_by("-year", "name")
    )


@transaction.atomic
def carry_over(request: EquipmentRequest, *, to: Campaign, by: User) -> EquipmentRequest:
    """A deferred request starts again as a draft of a later campaign, with its parts, the
    devices it replaces and its argument; both remember each other."""
    request = EquipmentRequest.objects.select_for_update().get(pk=request.pk)
    if request.state != RequestState.DEFERRED:
        raise Refused("state", _("only a request the commission deferred is carried over"))
    if EquipmentRequest.objects.filter(carried_from=request).exists():
        raise Refused("state", _("this request was already carried over"))
    if not campaigns_to_carry_into(request).filter(pk=to.pk).exists():
        raise Refused(
            "campaign", _("choose an open campaign of the same nature covering its establishment")
        )
    carried = save_draft(
        by=by,
        campaign=to,
        uf=request.uf,
        title=request.title,
        parts=[
            PartInput(p.kind, p.quantity, p.unit_price, p.description) for p in request.parts.all()
        ],
        argument=request.argument,
        priority=request.priority,
        nomenclature_code=request.nomenclature_code,
        reference_model=request.reference_model,
        replaces=list(request.replaces.values_list("inventory_number", flat=True)),
    )
    carried.carried_from = request
    carried.save(update_fields=["carried_from"])
    RequestEvent.objects.create(
        request=request,
        action="carry_over",
        from_state=request.state,
        to_state=request.state,
        actor=by,
        data={"request": carried.pk, "campaign": to.name},
    )
    return carried
