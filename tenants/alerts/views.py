"""The alerts page: what the reference changes mean for the devices in the user's scopes."""

from __future__ import annotations

import uuid
from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tenants.access.permissions import Action, permission_required
from tenants.accounts.models import User
from tenants.alerts.models import AlertKind
from tenants.alerts.selectors import alerts_for
from tenants.alerts.services import mark_read
from tenants.mirror.models import ReferenceDeviceModel


@permission_required(Action.VIEW_ALERTS)
def alert_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    queryset = alerts_for(request.user)
    if kind in AlertKind.values:
        queryset = queryset.filter(kind=kind)
    alerts = list(queryset[:500])
    uuids = {a.data.get("model_uuid") for a in alerts} - {None}
    model_pks = dict(ReferenceDeviceModel.objects.filter(uuid__in=uuids).values_list("uuid", "pk"))
    for alert in alerts:
        raw = alert.data.get("model_uuid")
        alert.model_pk = model_pks.get(uuid.UUID(raw)) if raw else None  # type: ignore[attr-defined]
    return render(
        request,
        "alerts/alert_list.html",
        {"alerts": alerts, "kinds": AlertKind.choices, "kind": kind},
    )


@permission_required(Action.VIEW_ALERTS)
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(alerts_for(request.user, open_only=False), pk=pk)
    mark_read(alert, cast(User, request.user))
    return redirect("alerts:alert_list")
