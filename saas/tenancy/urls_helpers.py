"""Absolute URLs on the public host and on tenants' hosts, for e-mails and redirects."""

from __future__ import annotations

from django.conf import settings
from django.http.request import split_domain_port


def host_url(host: str, path: str) -> str:
    """``path`` on ``host``, with the public port; a port already in ``host`` (a request's
    ``get_host()``) is dropped so that the link does not carry it twice."""
    host = split_domain_port(host)[0] or host
    port = settings.PUBLIC_URL_PORT
    default_port = {"http": "80", "https": "443"}[settings.PUBLIC_URL_SCHEME]
    netloc = host if not port or port == default_port else f"{host}:{port}"
    return f"{settings.PUBLIC_URL_SCHEME}://{netloc}{path}"


def public_url(path: str) -> str:
    return host_url(settings.BASE_DOMAIN, path)


def tenant_host(subdomain: str) -> str:
    return f"{subdomain}.{settings.BASE_DOMAIN}"
