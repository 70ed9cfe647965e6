"""Every change to campaigns and envelopes: checked here, whatever the caller.

A refusal names the field at fault (``Refused.field``) and changes nothing. ``Refused`` and
the reading of amounts serve the requests' services too (tenants/requests).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.permissions import Action, has_permission
from tenants.access.scopes import ENVELOPE_TARGETS, kind_of
from tenants.accounts.models import User
from tenants.campaigns.models import AutoApproval, Campaign, Envelope, Nature, Step
from tenants.requests.models import RequestState
from tenants.structure.models import Establishment, Pole, Service

MAX_AMOUNT = Decimal("100000000")  # 100 M€: above is a typing mistake, not a request


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
    elif re.fullmatch(r"[0-9]{1,3}(\.[0-9]{3}){2,}", cleaned):  # 1.234.567; "12.345" stays decimal
        cleaned = cleaned.replace(".", "")
    # ASCII digits only: Decimal() reads "١٢" (Arabic-Indic) as 12, a person would not.
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
        raise InvalidOperation(text)
    return Decimal(cleaned)


VALUE_SHOWN = 40  # characters of a refused amount quoted back


def money(value: Any, field: str) -> Decimal:
    """Euros with at most two decimals, 0 or more, below MAX_AMOUNT."""
    try:
        amount = parse_amount(value)
    except (InvalidOperation, ValueError) as exc:
        # What was typed is quoted short: a megabyte pasted must not come back whole.
        shown = str(value)
        shown = shown if len(shown) <= VALUE_SHOWN else f"{shown[:VALUE_SHOWN]}…"
        raise Refused(
            field, _("“%(value)s” is not an amount in euros (e.g. 1 234,50)") % {"value": shown}
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
    message: str = ""


MESSAGE_LIMIT = 5000


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
    message = data.message.strip()
    if len(message) > MESSAGE_LIMIT:
        raise Refused(
            "message", _("is too long (%(limit)s characters at most)") % {"limit": MESSAGE_LIMIT}
        )
    if "\x00" in message:
        raise Refused("message", _("contains a character that is not text"))
    return {
        "message": message,
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
    message: str = "",
    by: User,
) -> Campaign:
    """Open a campaign."""
    data = CampaignInput(name, nature, year, opens, closes, establishments, steps, kind, message)
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
    message: str = "",
    by: User,
) -> Campaign:
    """Change a campaign: its dates and name at any time (a census extended a week); its
    nature and steps only while no request has been sent (requests on their way follow the
    steps they started with); an establishment only while none of its requests is in it."""
    data = CampaignInput(name, nature, year, opens, closes, establishments, steps, kind, message)
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


def campaign_is_open(campaign: Campaign, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return campaign.opens <= today <= campaign.closes


@transaction.atomic
def set_auto_approval(campaign: Campaign, pole: Pole, below: Any, *, by: User) -> None:
    """A head of pôle lets their pôle's requests under ``below`` euros skip their opinion in
    this campaign (an empty amount removes the rule)."""
    if not has_permission(by, Action.GIVE_POLE_OPINION, pole):
        raise Refused("by", _("only the head of this pôle sets its automatic approval"))
    if below in (None, ""):
        AutoApproval.objects.filter(campaign=campaign, pole=pole).delete()
        return
    amount = money(below, "below")
    if amount == 0:
        raise Refused("below", _("must be more than 0"))
    AutoApproval.objects.update_or_create(
        campaign=campaign, pole=pole, defaults={"below": amount, "set_by": by}
    )
