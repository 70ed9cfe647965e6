"""An htmx request whose session expired must reload the page on the login form.

Without this, the login redirect is followed inside the fragment and the login page ends up
drawn inside a table cell. ``HX-Redirect`` tells htmx to navigate the whole page instead.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import urlencode


class HtmxLoginRedirectMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not getattr(request, "htmx", False) or response.status_code != 302:
            return response
        login_path = resolve_url(settings.LOGIN_URL)
        if not response["Location"].split("?", 1)[0].endswith(login_path):
            return response
        # Come back to the page the user was on, not to the fragment's URL.
        current = request.headers.get("HX-Current-URL") or request.get_full_path()
        target = f"{login_path}?{urlencode({'next': _path_of(current)})}"
        redirected = HttpResponse(status=204)
        redirected["HX-Redirect"] = target
        return redirected


def _path_of(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
