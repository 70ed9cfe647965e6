"""The product's own 404/403/500 pages, also when DEBUG is on (the demo runs with DEBUG).

With DEBUG off Django renders 404.html, 403.html and 500.html itself. With DEBUG on it shows
its technical pages instead, which list the project's URLs and settings to whoever browses
the demo; this middleware renders the product's pages there too, unless a developer asks for
the technical ones with DEBUG_ERROR_PAGES=1.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views import defaults

logger = logging.getLogger("django.request")


def _product_pages_wanted() -> bool:
    return bool(settings.DEBUG) and not getattr(settings, "DEBUG_ERROR_PAGES", False)


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page with why this page is not for this person (a page they may know exists:
    a link they were sent, say), in their words rather than the generic one's."""
    return render(request, "403.html", {"reason": reason}, status=403)


class ProductErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # No URL matched: Django answered with its technical 404 before any view ran, so
        # process_exception never saw it.
        if (
            response.status_code == 404
            and _product_pages_wanted()
            and getattr(request, "resolver_match", None) is None
        ):
            return defaults.page_not_found(request, Http404())
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _product_pages_wanted():
            return None
        if isinstance(exception, Http404):
            return defaults.page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return defaults.permission_denied(request, exception)
        # Anything else is a 500: keep the traceback in the log and tell listeners (the test
        # client re-raises on this signal), as Django's own handler would.
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=sys.exc_info(),
            extra={"status_code": 500, "request": request},
        )
        got_request_exception.send(sender=None, request=request)
        return defaults.server_error(request)
