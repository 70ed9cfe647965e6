"""Decisions on model matches: confirm a proposal, choose another model, or say there is none."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.inventory.models import Device, MatchState, ModelMatch
from tenants.mirror.models import ReferenceDeviceModel


class MatchRefused(UserError):
    """A decision on a spelling no device has (any more)."""


@transaction.atomic
def decide_match(match_key: str, reference_model: ReferenceDeviceModel | None, *, by: User) -> int:
    """Remember the decision for this spelling and apply it to every device spelled so.

    ``reference_model`` None means "no model of the reference": such devices stop being
    proposed. Returns the number of devices updated. The next imports reuse the decision.
    """
    sample = (
        Device.objects.filter(match_key=match_key).values("manufacturer_name", "model_name").first()
    )
    if sample is None:
        # No field of the page is at fault: the spelling comes with the page, out of date.
        raise MatchRefused("", _("no device is spelled this way any more: reload the page"))
    ModelMatch.objects.update_or_create(
        match_key=match_key,
        defaults={
            "manufacturer_name": sample["manufacturer_name"],
            "model_name": sample["model_name"],
            "reference_model": reference_model,
            "decided_by": by,
        },
    )
    if reference_model is None:
        return Device.objects.filter(match_key=match_key).update(
            reference_model=None, proposed_model=None, match_state=MatchState.NONE
        )
    return Device.objects.filter(match_key=match_key).update(
        reference_model=reference_model, proposed_model=None, match_state=MatchState.CONFIRMED
    )
