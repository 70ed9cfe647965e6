"""Who is on the other end of a request: one answer for every limit of the product.

Behind deploy/nginx.conf every request comes from the proxy; nginx names the client in
``X-Real-IP``, which is trusted only when ``TRUST_X_REAL_IP`` says the proxy is there (a client
reaching the web process directly could otherwise forge it).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def address_of(request: HttpRequest | None) -> str | None:
    """The client's address: nginx's X-Real-IP behind our proxy, the socket's otherwise.
    django-axes asks it too (AXES_CLIENT_IP_CALLABLE)."""
    if request is None:
        return None
    if settings.TRUST_X_REAL_IP and request.META.get("HTTP_X_REAL_IP"):
        return str(request.META["HTTP_X_REAL_IP"]).strip()
    return request.META.get("REMOTE_ADDR") or None
