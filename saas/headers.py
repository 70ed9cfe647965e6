"""Response headers every page carries: Permissions-Policy, and no caching of what a signed-in
person sees (a shared hospital workstation's browser or a proxy must not keep it)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        # API clients authenticate in the view (keys, tokens), after the middleware ran.
        signed_in = bool(user and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in:
            # Replaces any public or max-age the view set: private data is never stored.
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
