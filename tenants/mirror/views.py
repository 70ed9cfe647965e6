"""The tenant administrator's view of the reference sync: where it stands, and sync now."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.errors import show_on_form
from tenants.access.permissions import Action, has_permission, permission_required, require
from tenants.accounts.models import User
from tenants.mirror import overlays, sync
from tenants.mirror.client import ReferenceRefused, SyncFailed
from tenants.mirror.forms import CorrectionForm, OverlayForm
from tenants.mirror.models import LocalSubscription, ReferenceDeviceModel, SyncState
from tenants.mirror.selectors import mirror_status, model_devices, notices_of
from tenants.mirror.tasks import queue_sync


@permission_required(Action.ADMINISTER_TENANT)
def sync_status(request: HttpRequest) -> HttpResponse:
    """Where the sync stands, and what the hospital follows whole (asked live)."""
    status = mirror_status()
    followed = set(LocalSubscription.objects.values_list("topic", flat=True))
    try:
        offered = (
            sync.client_for(status.state, interactive=True).followable() if status.linked else {}
        )
        unavailable = ""
    except SyncFailed as exc:
        offered, unavailable = {}, str(exc)
    followable = [
        {**item, "kind": kind, "followed": f"{kind}:{item['uuid']}" in followed}
        for kind, items in offered.items()
        for item in items
    ]
    return render(
        request,
        "mirror/sync_status.html",
        {"status": status, "followable": followable, "unavailable": unavailable},
    )


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    kind, key = request.POST.get("kind", ""), request.POST.get("uuid", "")
    try:
        if request.POST.get("stop"):
            sync.unfollow(kind, key)
            messages.success(request, _("No longer followed; what it brought was removed."))
        else:
            sync.follow(kind, key)
            messages.success(request, _("Followed: its content is now in your copy."))
    except (SyncFailed, ValueError) as exc:
        messages.error(request, _("That could not be done: %s") % exc)
    return redirect("mirror:sync_status")


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    queue_sync(cast(Any, connection).schema_name)
    messages.success(request, _("A sync was queued; this page shows its outcome once it ran."))
    return redirect("mirror:sync_status")


@permission_required(Action.VIEW_REFERENCES)
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A reference model as this hospital sees it: the reference's values, its own, the
    effective ones and where they come from; its devices, notices and sent corrections."""
    model = get_object_or_404(ReferenceDeviceModel.objects.select_related("manufacturer"), pk=pk)
    user = cast(User, request.user)
    can_manage = has_permission(user, Action.MANAGE_REFERENCES)
    overlay = overlays.overlay_of(model)
    overlay_form = OverlayForm(
        initial={
            "end_of_support": overlay.end_of_support if overlay else None,
            "aliases": ", ".join(overlay.aliases) if overlay else "",
            "note": overlay.note if overlay else "",
        }
    )
    correction_form = CorrectionForm()
    status = 200
    if request.method == "POST":
        require(user, Action.MANAGE_REFERENCES)
        if "send_correction" in request.POST:
            correction_form = CorrectionForm(request.POST)
            if correction_form.is_valid():
                try:
                    overlays.send_correction(
                        model,
                        correction_form.proposal(),
                        correction_form.cleaned_data["source"],
                        by=user,
                    )
                except overlays.CorrectionRefused as refused:
                    show_on_form(refused, correction_form)
                except SyncFailed as exc:
                    correction_form.add_error(
                        None, _("The reference server could not be reached: %s") % exc
                    )
                else:
                    messages.success(request, _("Your correction was sent to the curators."))
                    return redirect("mirror:model_detail", pk=model.pk)
        else:
            overlay_form = OverlayForm(request.POST)
            if overlay_form.is_valid():
                data = overlay_form.cleaned_data
                overlays.set_overlay(
                    model,
                    end_of_support=data["end_of_support"],
                    aliases=data["aliases"],
                    note=data["note"],
                    by=user,
                )
                messages.success(request, _("This hospital's values were saved."))
                return redirect("mirror:model_detail", pk=model.pk)
        status = 400
    context = {
        "model": model,
        "overlay": overlay,
        "end_of_support": overlays.effective_end_of_support(model),
        "devices": model_devices(model),
        "notices": notices_of(model),
        "sent": model.contributions.all(),
        "can_manage": can_manage,
        "overlay_form": overlay_form,
        "correction_form": correction_form,
    }
    return render(request, "mirror/model_detail.html", context, status=status)


# What a market document may be served as here; anything else goes out as bytes to save.
DOCUMENT_TYPES = {
    "application/pdf",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "text/csv",
    "application/zip",
}


@permission_required(Action.VIEW_REFERENCES)
def market_document(request: HttpRequest, uuid: str) -> HttpResponse:
    """A central market's document, fetched from the reference server (which gives it only to
    subscribers following its purchasing body), as a download."""
    try:
        found = sync.client_for(SyncState.current(), interactive=True).market_document(uuid)
    except ReferenceRefused as exc:
        raise Http404("no such document") from exc
    except SyncFailed as exc:
        messages.error(request, _("The reference server could not be reached: %s") % exc)
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
            back = "/"
        return redirect(back)
    content_type = found.content_type.split(";")[0].strip()
    response = HttpResponse(
        found.content,
        content_type=content_type if content_type in DOCUMENT_TYPES else "application/octet-stream",
    )
    disposition = found.disposition
    if not disposition.startswith("attachment") or "\n" in disposition or "\r" in disposition:
        disposition = "attachment"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
