"""The suggestion endpoint and the favicon: what every tenant page shares."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _

from tenants.core.suggest import SOURCES


@login_required
def suggest(request: HttpRequest, source: str) -> HttpResponse:
    """Suggestions for what the person typed in a field (see tenants/core/suggest.py)."""
    found = SOURCES.get(source)
    if found is None or not found.can_use(request.user):
        raise Http404("no such suggestion source")
    typed = request.GET.get(request.GET.get("field", "q"), "").strip()[:100]
    suggestions = found.find(typed, request.user) if typed else []
    return render(
        request,
        "core/_suggestions.html",
        {"suggestions": suggestions, "typed": typed, "nothing": _("Nothing matches.")},
    )


def favicon_redirect(request: HttpRequest) -> HttpResponse:
    """Browsers fetch /favicon.ico on their own; send them to the static icon."""
    return HttpResponsePermanentRedirect(static("core/favicon.svg"))
