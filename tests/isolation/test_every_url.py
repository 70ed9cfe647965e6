"""Every URL of the tenant URLconf, walked from the resolver: no page leaks another tenant's data.

A new view joins these tests by existing: nobody has to list it here. Views that anyone may
open (sign-in pages) are named in OPEN_TO_ANONYMOUS; every other one must turn away a visitor
who is not signed in on that tenant's host.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import URLPattern, URLResolver, converters, get_resolver, reverse
from django.urls.base import resolve
from django.urls.exceptions import Resolver404
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import B_MARKER, client_for, host_of

TENANT_URLCONF = "saas.urls_tenant"
PUBLIC_URLCONF = "saas.urls_public"
OPEN_TO_ANONYMOUS = {
    "accounts:login",
    "accounts:logout",
    "accounts:set_password",
    "accounts:set_password_done",
    "accounts:password_reset",
    "accounts:password_reset_sent",
    "set_language",
    "favicon",  # a redirect to the static icon
    "accessibility",  # the accessibility statement, public by law (RGAA)
    "sso:login",
    "sso:callback",
}


@dataclass
class Route:
    name: str
    converters: dict[str, object]

    def __str__(self) -> str:
        return self.name


def walk(
    resolver: URLResolver, namespace: str = "", inherited: dict | None = None
) -> Iterator[Route]:
    for entry in resolver.url_patterns:
        found = {**(inherited or {}), **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, ns, found)
        elif isinstance(entry, URLPattern):
            assert entry.name, f"{entry.pattern} has no name: the isolation harness cannot reach it"
            yield Route(f"{namespace}{entry.name}", found)


ROUTES = sorted({r.name: r for r in walk(get_resolver(TENANT_URLCONF))}.values(), key=str)


def tenant_models():
    tenant_labels = {a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS}
    return [m for m in apps.get_models() if m._meta.app_label in tenant_labels]


def ids_in(tenant) -> list[int]:
    """Primary keys of the other tenant's objects: what an attacker would try in URLs."""
    found: set[int] = set()
    with tenant_context(tenant):
        for model in tenant_models():
            if model._meta.pk.get_internal_type() in {"AutoField", "BigAutoField"}:
                found.update(model.objects.values_list("pk", flat=True)[:5])
    return sorted(found)[:6] or [1]


def sample_urls(route: Route, ids: list[int]) -> list[str]:
    if not route.converters:
        return [reverse(route.name, urlconf=TENANT_URLCONF)]
    urls = []
    for object_id in ids:
        kwargs = {}
        for name, converter in route.converters.items():
            if isinstance(converter, converters.IntConverter):
                kwargs[name] = object_id
            elif isinstance(converter, converters.UUIDConverter):
                kwargs[name] = uuid.uuid4()
            else:
                kwargs[name] = f"x{object_id}"
        urls.append(reverse(route.name, kwargs=kwargs, urlconf=TENANT_URLCONF))
    return urls


def assert_no_leak(response, what: str) -> None:
    assert response.status_code < 500, f"{what} answers {response.status_code}"
    body = response.content.decode(errors="replace") if hasattr(response, "content") else ""
    assert B_MARKER not in body, f"{what} shows tenant B's data"


def test_the_harness_sees_the_tenant_views():
    names = {r.name for r in ROUTES}
    assert {"home", "structure:establishment_detail", "tenant_api_v1:me"} <= names


def administrator(tenant, make_user):
    """A's most powerful user: whatever A may see, this one sees."""
    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return user


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_session_of_tenant_a_opens_nothing_on_tenant_b_host(
    route, tenant, other_tenant, make_user
):
    user = administrator(tenant, make_user)
    client = client_for(host_of(other_tenant), user, tenant)
    for url in sample_urls(route, ids_in(other_tenant)):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert_no_leak(response, f"{method.upper()} {url} on B's host with A's session")
            assert not response.wsgi_request.user.is_authenticated, (
                f"A's session is valid on B: {url}"
            )
            if route.name not in OPEN_TO_ANONYMOUS:
                assert response.status_code in {302, 401, 403, 404, 405}, (
                    url,
                    response.status_code,
                )
                if response.status_code == 302:
                    assert "/accounts/login/" in response["Location"], (url, response["Location"])


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_tenant_a_user_with_tenant_b_ids_sees_no_b_data(route, tenant, other_tenant, make_user):
    user = administrator(tenant, make_user)
    client = client_for(host_of(tenant), user, tenant)
    for url in sample_urls(route, ids_in(other_tenant)):
        for method in ("get", "post"):
            assert_no_leak(getattr(client, method)(url), f"{method.upper()} {url} on A's host")


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_public_host_exposes_no_tenant_page(route, other_tenant, make_user):
    staff = make_user(None, is_staff=True, is_superuser=True)
    client = client_for("localhost", staff)
    for url in sample_urls(route, ids_in(other_tenant)):
        response = client.get(url)
        assert_no_leak(response, f"GET {url} on the public host")
        try:
            resolve(url, urlconf=PUBLIC_URLCONF)
        except Resolver404:
            # A tenant-only path: the public host does not know it.
            assert response.status_code == 404, (url, response.status_code)
