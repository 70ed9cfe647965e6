"""Two identity providers of one tenant that happen to give the same subject: two people."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.sso.models import ExternalIdentity
from tests.conftest import host_of, make_provider, set_claims
from tests.tenants.sso.test_oidc_login import authorize, start_login


@pytest.fixture(scope="module")
def second_oidc_server() -> Iterator[str]:
    """Another real provider (another issuer) beside the session's ``oidc_server``."""
    from oidc_provider_mock import run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


def signed_in_email(tenant, slug: str, sub: str) -> str:
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.get(authorize(start_login(client, slug), sub))
    assert response.status_code == 302, response.content
    return client.get("/").wsgi_request.user.email


def test_the_same_subject_at_two_providers_is_two_people(tenant, oidc_server, second_oidc_server):
    make_provider(tenant, oidc_server, "chu", "chu-client")
    make_provider(tenant, second_oidc_server, "psc", "psc-client")
    # Subjects are only unique at their issuer: "12345" at the CHU's Keycloak and at Pro Santé
    # Connect are unrelated people.
    set_claims(oidc_server, "12345", email="interne@chu.test")
    set_claims(second_oidc_server, "12345", email="liberal@psc.test")

    assert signed_in_email(tenant, "chu", "12345") == "interne@chu.test"
    assert signed_in_email(tenant, "psc", "12345") == "liberal@psc.test"
    assert signed_in_email(tenant, "chu", "12345") == "interne@chu.test"
    with tenant_context(tenant):
        identities = ExternalIdentity.objects.filter(subject="12345")
        assert sorted(identities.values_list("issuer", "user__email")) == sorted(
            [(oidc_server, "interne@chu.test"), (second_oidc_server, "liberal@psc.test")]
        )
