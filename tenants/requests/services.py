"""Every change to a request outside its workflow: drafts, their parts, carrying over.

Checked here, whatever the caller; a refusal names the field at fault (``Refused.field``)
and changes nothing. The workflow's transitions are in workflow.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign, Nature
from tenants.campaigns.services import MAX_AMOUNT, Refused, campaign_is_open, money
from tenants.documents.services import detach_all
from tenants.inventory.models import Device
from tenants.mirror.models import ReferenceDeviceModel
from tenants.mirror.selectors import is_known_term, unknown_term_reason
from tenants.requests.models import EquipmentRequest, RequestEvent, RequestPart, RequestState
from tenants.structure.models import FunctionalUnit

MAX_QUANTITY = 10_000


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
    # What was typed: every mistake is reported at once.
    problems: list[Refused] = []
    if not title.strip():
        problems.append(Refused("title", _("required")))
    if priority not in (1, 2, 3, 4):
        problems.append(Refused("priority", _("between 1 (critical) and 4 (low)")))
    cleaned, replaced = [], []
    try:
        cleaned = _clean_parts(parts)
    except Refused as refused:
        problems.append(refused)
    try:
        replaced = replaced_devices(replaces or [], uf)
    except Refused as refused:
        problems.append(refused)
    if campaign.nature != Nature.EQUIPMENT:
        reference_model, nomenclature_code = None, ""  # works and software name no device
    code = nomenclature_code.strip().split(" ", 1)[0][:60]
    kept = request is not None and code == request.nomenclature_code
    if code and not kept and not is_known_term(code):
        problems.append(Refused("nomenclature_code", unknown_term_reason(code)))
    if problems:
        raise DraftRefused(problems)
    fields = {
        "campaign": campaign,
        "uf": uf,
        "nature": campaign.nature,
        "title": title.strip(),
        "argument": argument.strip(),
        "priority": priority,
        "nomenclature_code": code,
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
    _replace_parts(request, cleaned)
    request.replaces.set(replaced)
    return request


PART_FIELDS = ("kind", "quantity", "unit_price", "description")


def _replace_parts(request: EquipmentRequest, cleaned: list[RequestPart]) -> None:
    """The request's parts become ``cleaned``, line by line: a line that changed is updated in
    place, so its history reads as one change of that line (not a deletion and a creation),
    and a line left as it was records nothing."""
    existing = list(request.parts.order_by("pk"))
    for current, wanted in zip(existing, cleaned, strict=False):
        changed = [f for f in PART_FIELDS if getattr(current, f) != getattr(wanted, f)]
        if changed:
            for name in changed:
                setattr(current, name, getattr(wanted, name))
            current.save(update_fields=changed)
    if len(existing) > len(cleaned):
        RequestPart.objects.filter(pk__in=[p.pk for p in existing[len(cleaned) :]]).delete()
    added = cleaned[len(existing) :]
    for part in added:
        part.request = request
    RequestPart.objects.bulk_create(added)


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


class DraftRefused(Refused):
    """Every mistake of a draft at once (``problems``), each against its field."""

    def __init__(self, problems: list[Refused]) -> None:
        super().__init__(problems[0].field, problems[0].reason)
        self.problems = problems

    def errors(self) -> list[tuple[str, str]]:
        return [(p.field, p.reason) for p in self.problems]


def replaced_devices(numbers: list[str], uf: FunctionalUnit) -> list[Device]:
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
            "replaces",
            _("no device numbered “%(number)s” in the inventory") % {"number": missing[0]},
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
    carried = _draft_like(request, to, by)
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


def _draft_like(request: EquipmentRequest, to: Campaign, by: User) -> EquipmentRequest:
    """A new draft in ``to`` with the request's parts, argument and replaced devices."""
    return save_draft(
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


@transaction.atomic
def copy_request(request: EquipmentRequest, *, to: Campaign, by: User) -> EquipmentRequest:
    """A copy of a request as a new draft of another open campaign of the same nature (the
    same need asked again, or asked in a special programme); the original is unchanged and
    its history says where it was copied."""
    if not has_permission(by, Action.DRAFT_REQUEST, request):
        raise Refused("by", _("you may not send requests for this UF"))
    if not campaigns_to_carry_into(request).filter(pk=to.pk).exists():
        raise Refused(
            "campaign", _("choose an open campaign of the same nature covering its establishment")
        )
    copied = _draft_like(request, to, by)
    RequestEvent.objects.create(
        request=request,
        action="copy",
        from_state=request.state,
        to_state=request.state,
        actor=by,
        data={"request": copied.pk, "reference": copied.reference, "campaign": to.name},
    )
    return copied
