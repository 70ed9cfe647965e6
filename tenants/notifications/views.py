"""The person's notifications: what waits for them, newest first."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.accounts.models import User
from tenants.notifications.selectors import notifications_for
from tenants.notifications.services import (
    SettingRefused,
    mark_read,
    set_alert_setting,
    set_email_preference,
    settings_for,
    wants_email,
)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = notifications_for(request.user)[:200]
    context = {"notifications": rows, "by_email": wants_email(cast(User, request.user))}
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_POST
def email_preference(request: HttpRequest) -> HttpResponse:
    set_email_preference(cast(User, request.user), request.POST.get("by_email") == "1")
    return redirect("notifications:notification_list")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to what it is about."""
    notification = get_object_or_404(notifications_for(request.user), pk=pk)
    mark_read(cast(User, request.user), notification.pk)
    if url_has_allowed_host_and_scheme(notification.url, {request.get_host()}):
        return redirect(notification.url)
    return redirect("notifications:notification_list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(cast(User, request.user))
    return redirect("notifications:notification_list")


@login_required
def alert_settings(request: HttpRequest) -> HttpResponse:
    """Per kind of alert: never, at once (after a quiet delay) or in the daily digest."""
    user = cast(User, request.user)
    rows = settings_for(user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with transaction.atomic():
                for index, (kind, _mode, _quiet) in enumerate(rows):
                    mode = request.POST.get(f"mode-{index}", "")
                    raw = request.POST.get(f"quiet-{index}", "0").strip() or "0"
                    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
                        errors[kind.code] = _("a number of minutes, from 0 to 1440")
                        continue
                    try:
                        set_alert_setting(user, kind.code, mode, int(raw))
                    except SettingRefused as refused:
                        errors[kind.code] = refused.reason
                if errors:
                    raise SettingRefused("", "")
        except SettingRefused:
            pass
        else:
            messages.success(request, _("Your alert settings are saved."))
            return redirect("notifications:settings")
    shown = [
        (index, kind, request.POST.get(f"mode-{index}", mode), quiet, errors.get(kind.code, ""))
        for index, (kind, mode, quiet) in enumerate(rows)
    ]
    return render(
        request,
        "notifications/settings.html",
        {"rows": shown, "by_email": wants_email(user)},
        status=400 if errors else 200,
    )
