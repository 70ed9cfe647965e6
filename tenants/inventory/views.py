"""Pages of the inventory: the device list, a device, imports, and model matches to decide."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from saas.errors import show_on_form
from tenants.access.permissions import Action, has_permission, permission_required
from tenants.accounts.models import User
from tenants.imports.models import ImportJob
from tenants.imports.pages import ImportPages
from tenants.inventory.filters import DeviceFilter
from tenants.inventory.forms import InventoryImportForm, MatchForm
from tenants.inventory.models import Device
from tenants.inventory.sections import device_sections
from tenants.inventory.selectors import devices_for, spellings_to_review
from tenants.inventory.services import MatchRefused, decide_match
from tenants.inventory.tables import DEFAULT_COLUMNS, DeviceTable
from tenants.mirror.client import SyncFailed
from tenants.mirror.models import ReferenceDeviceModel
from tenants.mirror.sync import mirror_model
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

IMPORT_PAGES = ImportPages(
    kind=ImportJob.Kind.INVENTORY, form_class=InventoryImportForm, app="inventory"
)

DEVICES = register(
    ListPage(
        key="inventory.devices",
        url_name="inventory:device_list",
        title=gettext_lazy("Inventory"),
        table_class=DeviceTable,
        filterset_class=DeviceFilter,
        rows=devices_for,
        default_columns=DEFAULT_COLUMNS,
    )
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def device_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        DEVICES,
        template="inventory/device_list.html",
        extra={"can_import": has_permission(_user(request), Action.ADMINISTER_TENANT)},
    )


@login_required
def device_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    device = get_object_or_404(devices_for(user), pk=pk)
    context = {"device": device, "sections": device_sections(device, user)}
    return render(request, "inventory/device_detail.html", context)


@permission_required(Action.ADMINISTER_TENANT)
def inventory_import(request: HttpRequest) -> HttpResponse:
    """Upload the CMMS export; a worker checks and applies it while the job page shows progress."""
    return IMPORT_PAGES.upload(request)


@permission_required(Action.ADMINISTER_TENANT)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.job(request, pk)


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.apply(request, pk)


@permission_required(Action.ADMINISTER_TENANT)
def matches(request: HttpRequest) -> HttpResponse:
    """Spellings of the CMMS still without a confirmed reference model, most devices first."""
    rows: list[dict[str, Any]] = list(spellings_to_review()[:200])
    samples = {
        d["match_key"]: d
        for d in Device.objects.filter(match_key__in=[r["match_key"] for r in rows])
        .order_by("match_key")
        .distinct("match_key")
        .values("match_key", "manufacturer_name", "model_name")
    }
    proposed = ReferenceDeviceModel.objects.select_related("manufacturer").in_bulk(
        [r["proposed_model"] for r in rows if r["proposed_model"]]
    )
    for index, row in enumerate(rows):
        row["sample"] = samples.get(row["match_key"], {})
        row["proposal"] = proposed.get(row["proposed_model"])
        proposal = row["proposal"]
        row["form"] = MatchForm(
            initial={
                "match_key": row["match_key"],
                "reference_model": proposal.uuid if proposal else None,
            },
            auto_id=f"id_m{index}_%s",
        )
        if proposal:
            widget = row["form"].fields["reference_model"].widget
            widget.known_labels = {str(proposal.uuid): str(proposal)}
    return render(request, "inventory/matches.html", {"rows": rows})


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def decide(request: HttpRequest) -> HttpResponse:
    form = MatchForm(request.POST)
    if not form.is_valid():
        return render(request, "inventory/_match_refused.html", {"form": form}, status=400)
    model = None
    try:
        if not form.cleaned_data["no_model"]:
            model = mirror_model(str(form.cleaned_data["reference_model"]))
        count = decide_match(form.cleaned_data["match_key"], model, by=_user(request))
    except MatchRefused as refused:
        show_on_form(refused, form)
        return render(request, "inventory/_match_refused.html", {"form": form}, status=400)
    except SyncFailed as exc:
        form.add_error("reference_model", _("This model could not be fetched: %s") % exc)
        return render(request, "inventory/_match_refused.html", {"form": form}, status=400)
    if model is None:
        message = ngettext(
            "%(count)d device marked as having no reference model.",
            "%(count)d devices marked as having no reference model.",
            count,
        )
    else:
        message = ngettext(
            "%(count)d device linked to %(model)s.", "%(count)d devices linked to %(model)s.", count
        )
    messages.success(request, message % {"count": count, "model": model})
    return redirect("inventory:matches")
