"""Guards in front of every view: input PostgreSQL cannot store, and a database that is full."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again when the database refuses connections.
RETRY_AFTER_SECONDS = 5


def refusal(
    request: HttpRequest, message: str, status: int, field: str = "detail", **extra: str
) -> HttpResponse:
    """A short answer that says why, in JSON for the APIs (keyed by the field at fault, as the
    APIs' own refusals are) and as text for the pages."""
    if request.path.startswith("/api/"):
        body = {"detail": message, field: message}
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        response = HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
    for header, value in extra.items():
        response[header] = value
    return response


class DatabaseUnavailableMiddleware:
    """Outermost: a request that cannot get a database connection answers 503 with Retry-After.

    runserver starts one thread, hence one connection, per request; a burst beyond
    PostgreSQL's max_connections (or the role's connection limit) makes the connection fail
    in the first middleware that queries. Connecting here first turns that into a 503 the
    client can retry, instead of a 500 that looks like a bug.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            connection.ensure_connection()
        except OperationalError as exc:
            logger.warning("database refused a connection: %s", str(exc).strip()[:200])
            # Runs before LocaleMiddleware: pick the language here.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The service is busy. Try again in a few seconds.")
            return refusal(request, message, 503, **{"Retry-After": str(RETRY_AFTER_SECONDS)})
        return self.get_response(request)


class RefuseNulBytesMiddleware:
    """A NUL byte in a query parameter or form field answers 400 naming the parameter.

    PostgreSQL text cannot hold U+0000: such a value reaching a filter or a save raises a
    DataError (a 500). No legitimate search, filter or form value contains one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        culprit = self.nul_parameter(request)
        if culprit is not None:
            message = _("The parameter “%(name)s” contains a NUL character (U+0000).") % {
                "name": culprit[:80].replace("\x00", "\\0")
            }
            return refusal(request, message, 400, field=culprit[:80])
        return self.get_response(request)

    @staticmethod
    def nul_parameter(request: HttpRequest) -> str | None:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            sources.append(request.POST)
        for params in sources:
            for name, values in params.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name
        return None
