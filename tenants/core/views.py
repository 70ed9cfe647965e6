"""The tenant's home page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saas.tenancy.context import current_tenant
from tenants.structure.selectors import active_establishments


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "core/home.html",
        {"tenant": current_tenant(), "establishments": active_establishments()},
    )
