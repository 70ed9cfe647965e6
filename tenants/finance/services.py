"""What people decide on the finance system's data: which device a fixed asset is."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.finance.models import AssetMatch, FixedAsset
from tenants.finance.pairing import pairs
from tenants.inventory.models import Device


class Refused(UserError):
    """A reconciliation decision refused: who may not (403), or the pair is taken (409)."""


@transaction.atomic
def decide_asset(asset: FixedAsset, device: Device | None, *, by: User) -> AssetMatch:
    """This asset is that device (or has none): remembered, used by the controls and the
    next imports' checks. A device another asset is surely paired with is refused."""
    if not has_permission(by, Action.IMPORT_FINANCE):
        raise Refused("", _("Finance and the tenant's administrators pair the assets."), status=403)
    # One decision at a time: two people confirming two assets with one device pair one.
    FixedAsset.objects.select_for_update().filter(pk=asset.pk).first()
    found = pairs()
    if device is not None:
        holder = found.by_device.get(device.pk)
        if holder is not None and holder != asset.pk:
            raise Refused(
                "device",
                _("device %(number)s is already paired with another fixed asset")
                % {"number": device.inventory_number},
                status=409,
            )
    match, _created = AssetMatch.objects.update_or_create(
        asset=asset, defaults={"device": device, "decided_by": by}
    )
    from tenants.controls.tasks import queue_checks_after

    queue_checks_after("finance_assets")
    return match


@transaction.atomic
def forget_decision(asset: FixedAsset, *, by: User) -> int:
    if not has_permission(by, Action.IMPORT_FINANCE):
        raise Refused("", _("Finance and the tenant's administrators pair the assets."), status=403)
    deleted, _detail = AssetMatch.objects.filter(asset=asset).delete()
    return deleted
