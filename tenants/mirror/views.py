"""The tenant administrator's view of the reference sync: where it stands, and sync now."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenants.access.permissions import Action, permission_required
from tenants.mirror.selectors import mirror_status
from tenants.mirror.tasks import queue_sync


@permission_required(Action.ADMINISTER_TENANT)
def sync_status(request: HttpRequest) -> HttpResponse:
    return render(request, "mirror/sync_status.html", {"status": mirror_status()})


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def sync_now(request: HttpRequest) -> HttpResponse:
    queue_sync(cast(Any, connection).schema_name)
    messages.success(request, _("A sync was queued; this page shows its outcome once it ran."))
    return redirect("mirror:sync_status")
