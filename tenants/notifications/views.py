"""The person's notifications: what waits for them, newest first."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from tenants.accounts.models import User
from tenants.notifications.selectors import notifications_for
from tenants.notifications.services import mark_read, set_email_preference, wants_email


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
