"""The tenant's home page."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from saas.tenancy.context import current_tenant
from tenants.access.selectors import has_any_role, tenant_administrators
from tenants.accounts.models import User
from tenants.core.suggest import SOURCES
from tenants.structure.selectors import active_establishments


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not has_any_role(user):
        # Nothing here is theirs to see yet: say so, and whom to ask.
        return render(request, "core/no_role.html", {"administrators": tenant_administrators()})
    return render(
        request,
        "core/home.html",
        {"tenant": current_tenant(), "establishments": active_establishments()},
    )


@login_required
def suggest(request: HttpRequest, source: str) -> HttpResponse:
    """Suggestions for what the person typed in a field (see tenants/core/suggest.py)."""
    found = SOURCES.get(source)
    if found is None or not found.can_use(cast(User, request.user)):
        raise Http404("no such suggestion source")
    typed = request.GET.get(request.GET.get("field", "q"), "").strip()[:100]
    suggestions = found.find(typed, cast(User, request.user)) if typed else []
    return render(
        request,
        "core/_suggestions.html",
        {"suggestions": suggestions, "typed": typed, "nothing": _("Nothing matches.")},
    )


def favicon_redirect(request: HttpRequest) -> HttpResponse:
    """Browsers fetch /favicon.ico on their own; send them to the static icon."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))
