"""The finance pages: the reconciliation of the books with the CMMS."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.error_pages import forbidden
from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.accounts.models import User
from tenants.finance import services
from tenants.finance.models import FixedAsset
from tenants.finance.pairing import ASSET_FIELDS, DEVICE_FIELDS, pairs, proposals
from tenants.inventory.models import Device, DeviceStatus

SHOWN = 100


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _pk(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@login_required
def reconciliation(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not has_permission(user, Action.VIEW_FINANCE):
        return forbidden(
            request,
            _(
                "The reconciliation is for finance, purchasing, the biomedical team and "
                "management: your roles do not include it."
            ),
        )
    found = pairs()
    # The pairs are the tenant's; what is shown, the person's scopes (a buyer of one UF, an
    # expert of one domain): the findings of the same data are.
    in_scope = scope_filter(user, Action.VIEW_FINANCE, "uf")
    mine = set(FixedAsset.objects.filter(in_scope).values_list("pk", flat=True))
    proposed = [p for p in proposals(found) if p.asset["pk"] in mine]
    proposed_assets = {p.asset["pk"] for p in proposed}
    proposed_devices = {p.device["pk"] for p in proposed}
    assets = FixedAsset.objects.filter(in_scope, disposed__isnull=True).exclude(
        pk__in=list(found.by_asset)
    )
    devices = (
        Device.objects.filter(in_scope)
        .exclude(status=DeviceStatus.RETIRED)
        .exclude(pk__in=list(found.by_device))
    )
    sure_assets = [a for a in found.by_asset if a in mine]
    lonely_assets = assets.exclude(pk__in=proposed_assets)
    lonely_devices = devices.exclude(pk__in=proposed_devices)
    sure = FixedAsset.objects.filter(pk__in=sure_assets[:SHOWN]).values(
        "pk", "sheet", "label", "value", "inventory_number"
    )
    device_numbers = dict(
        Device.objects.filter(pk__in=[found.by_asset[a["pk"]] for a in sure]).values_list(
            "pk", "inventory_number"
        )
    )
    return render(
        request,
        "finance/reconciliation.html",
        {
            # A list: a Counter in a template answers 0 to ``.items`` (a missing key).
            "reasons": sorted(Counter(found.reasons[a] for a in sure_assets).items()),
            "sure_count": len(sure_assets),
            "sure": [
                (a, device_numbers.get(found.by_asset[a["pk"]], ""), found.reasons[a["pk"]])
                for a in sure
            ],
            "proposals": proposed[:SHOWN],
            "proposal_count": len(proposed),
            "assets": lonely_assets.order_by("-value", "sheet").values(*ASSET_FIELDS)[:SHOWN],
            "asset_count": lonely_assets.count(),
            "asset_total": lonely_assets.aggregate(t=Sum("value"))["t"] or Decimal(0),
            "devices": lonely_devices.order_by("-purchase_value", "inventory_number").values(
                *DEVICE_FIELDS
            )[:SHOWN],
            "device_count": lonely_devices.count(),
            "device_total": lonely_devices.aggregate(t=Sum("purchase_value"))["t"] or Decimal(0),
            "can_decide": has_permission(user, Action.IMPORT_FINANCE),
            "decided_none": found.without_device,
            "shown": SHOWN,
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    """Confirm a proposed pair, or say the asset has no device."""
    asset_id = _pk(request.POST.get("asset", ""))
    asset = FixedAsset.objects.filter(pk=asset_id).first() if asset_id else None
    if asset is None:
        messages.error(request, _("This fixed asset is no longer in the books: reload the page."))
        return redirect("finance:reconciliation")
    decision = request.POST.get("decision")
    if decision not in ("confirm", "none"):
        # Without a button's value, "no device" would be recorded for a post that said nothing.
        return HttpResponseBadRequest("decision: expected confirm or none")
    device: Any = None
    if decision == "confirm":
        device_id = _pk(request.POST.get("device", ""))
        device = Device.objects.filter(pk=device_id).first() if device_id else None
        if device is None:
            messages.error(request, _("This device is no longer in the CMMS: reload the page."))
            return redirect("finance:reconciliation")
    try:
        services.decide_asset(asset, device, by=_user(request))
    except services.Refused as refused:
        if refused.status == 403:
            return forbidden(request, refused.reason)
        messages.error(request, refused.reason)
        return redirect("finance:reconciliation")
    if device is None:
        messages.success(
            request, _("Fixed asset %(sheet)s has no device.") % {"sheet": asset.sheet}
        )
    else:
        messages.success(
            request,
            _("Fixed asset %(sheet)s is device %(number)s.")
            % {"sheet": asset.sheet, "number": device.inventory_number},
        )
    return redirect("finance:reconciliation")
