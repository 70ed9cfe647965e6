"""The alerts page: what the reference changes mean for the devices in the user's scopes."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from tenants.access.permissions import Action, permission_required
from tenants.accounts.models import User
from tenants.alerts.models import AlertKind
from tenants.alerts.selectors import alerts_for
from tenants.alerts.services import mark_read


@permission_required(Action.VIEW_ALERTS)
def alert_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", "")
    alerts = alerts_for(request.user)
    if kind in AlertKind.values:
        alerts = alerts.filter(kind=kind)
    return render(
        request,
        "alerts/alert_list.html",
        {"alerts": alerts[:500], "kinds": AlertKind.choices, "kind": kind},
    )


@permission_required(Action.VIEW_ALERTS)
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(alerts_for(request.user, open_only=False), pk=pk)
    mark_read(alert, cast(User, request.user))
    return redirect("alerts:alert_list")
