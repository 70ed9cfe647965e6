"""Real OIDC logins, end to end, against oidc-provider-mock running in the test process."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tenants.sso.backend import TenantOIDCBackend
from tenants.sso.models import ExternalIdentity, IdentityProvider
from tests.conftest import host_of, make_provider, set_claims


@pytest.fixture
def provider(tenant, oidc_server):
    with tenant_context(tenant):
        biomedical = ExpertiseDomain.objects.get(code="biomedical")
    return make_provider(
        tenant,
        oidc_server,
        "keycloak",
        "alpha-client",
        ("biomed", Role.EXPERT, f"domain:{biomedical.pk}"),
        ("staff", Role.VIEWER, "tenant"),
    )


def start_login(client, slug="keycloak"):
    response = client.get(f"/sso/login/{slug}/")
    assert response.status_code == 302, response.content
    return response["Location"]


def authorize(authorize_url, sub, **changes):
    """The user picks their identity at the provider; returns the callback path it sends back."""
    if changes:
        parts = urlsplit(authorize_url)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
        authorize_url = urlunsplit(parts._replace(query=urlencode(query)))
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    return f"{callback.path}?{callback.query}"


def login(tenant, sub, client=None):
    client = client or Client(HTTP_HOST=host_of(tenant))
    response = client.get(authorize(start_login(client), sub))
    return client, response


def roles_of(tenant, email):
    with tenant_context(tenant):
        return sorted(
            RoleGrant.objects.filter(user__email=email).values_list("role", "scope", "source")
        )


def test_the_login_page_offers_each_provider(tenant, provider):
    body = Client(HTTP_HOST=host_of(tenant)).get("/accounts/login/").content.decode()
    assert "Keycloak CHU" in body and "/sso/login/keycloak/" in body


def test_first_login_creates_the_user_with_the_mapped_roles(tenant, provider, oidc_server):
    set_claims(
        oidc_server,
        "u-1001",
        email="Marie.Curie@chu.test",
        name="Marie Curie",
        groups=["biomed", "staff"],
    )
    client, response = login(tenant, "u-1001")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").wsgi_request.user.email == "marie.curie@chu.test"
    assert roles_of(tenant, "marie.curie@chu.test") == [
        ("expert", "domain", "oidc"),
        ("viewer", "tenant", "oidc"),
    ]
    with tenant_context(tenant):
        identity = ExternalIdentity.objects.get(subject="u-1001")
        assert identity.issuer == oidc_server
        assert identity.user.full_name == "Marie Curie"


def test_a_changed_claim_changes_the_roles_and_keeps_manual_ones(tenant, provider, oidc_server):
    set_claims(oidc_server, "u-1002", email="pierre@chu.test", groups=["biomed"])
    login(tenant, "u-1002")
    with tenant_context(tenant):
        user = User.objects.get(email="pierre@chu.test")
        grant_role(user, Role.BUYER, ScopeKind.TENANT, by="admin@chu.test")
    set_claims(oidc_server, "u-1002", email="pierre@chu.test", groups=["staff"])
    login(tenant, "u-1002")
    assert roles_of(tenant, "pierre@chu.test") == [
        ("buyer", "tenant", "manual"),
        ("viewer", "tenant", "oidc"),
    ]


def test_users_are_matched_on_issuer_and_subject_not_on_e_mail(
    tenant, provider, oidc_server, make_user
):
    set_claims(oidc_server, "u-1003", email="first@chu.test")
    login(tenant, "u-1003")
    set_claims(oidc_server, "u-1003", email="renamed@chu.test")
    client, _ = login(tenant, "u-1003")
    assert client.get("/").wsgi_request.user.email == "first@chu.test"

    make_user(tenant, email="local@chu.test")
    set_claims(oidc_server, "u-9999", email="local@chu.test")
    client, response = login(tenant, "u-9999")
    assert response.status_code == 403
    assert "local@chu.test" in response.content.decode()
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_provider_trusted_for_e_mails_links_the_existing_account(
    tenant, provider, oidc_server, make_user
):
    with tenant_context(tenant):
        IdentityProvider.objects.filter(pk=provider.pk).update(link_existing_by_email=True)
    existing = make_user(tenant, email="invited@chu.test")
    set_claims(oidc_server, "u-1004", email="invited@chu.test")
    client, response = login(tenant, "u-1004")
    assert response.status_code == 302
    assert client.get("/").wsgi_request.user.pk == existing.pk


def test_a_code_issued_to_another_tenants_client_is_refused(tenant, provider, oidc_server):
    set_claims(oidc_server, "u-1005", email="intruder@chu.test")
    client = Client(HTTP_HOST=host_of(tenant))
    callback = authorize(start_login(client), "u-1005", client_id="bravo-client")
    response = client.get(callback)
    assert response.status_code == 403
    assert not client.get("/").wsgi_request.user.is_authenticated
    with tenant_context(tenant):
        assert "sign-in failed" in IdentityProvider.objects.get(pk=provider.pk).last_error


def test_an_id_token_for_another_audience_is_refused(tenant, provider, oidc_server, monkeypatch):
    """A real token, signed by the real provider, but issued to another tenant's client."""
    set_claims(oidc_server, "u-1006", email="other-audience@chu.test")
    bravo_start = f"{oidc_server}/oauth2/authorize?" + urlencode(
        {
            "response_type": "code",
            "client_id": "bravo-client",
            "scope": "openid email",
            "redirect_uri": "http://bravo.localhost/sso/callback/",
            "state": "x",
        }
    )
    code = parse_qs(urlsplit(authorize(bravo_start, "u-1006")).query)["code"][0]
    bravo_tokens = requests.post(
        f"{oidc_server}/oauth2/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": "bravo-client",
            "client_secret": "x",
            "redirect_uri": "http://bravo.localhost/sso/callback/",
        },
        timeout=5,
    ).json()
    monkeypatch.setattr(TenantOIDCBackend, "get_token", lambda self, payload: bravo_tokens)

    client = Client(HTTP_HOST=host_of(tenant))
    response = client.get(authorize(start_login(client), "u-1006"))
    assert response.status_code == 403
    assert not client.get("/").wsgi_request.user.is_authenticated
    with tenant_context(tenant):
        assert (
            "Audience" in IdentityProvider.objects.get(pk=provider.pk).last_error
            or "audience" in IdentityProvider.objects.get(pk=provider.pk).last_error
        )


def test_a_replayed_or_unknown_state_gives_a_clear_page(tenant, provider, oidc_server):
    set_claims(oidc_server, "u-1007", email="replay@chu.test")
    client = Client(HTTP_HOST=host_of(tenant))
    callback = authorize(start_login(client), "u-1007")
    assert client.get(callback).status_code == 302
    other = Client(HTTP_HOST=host_of(tenant))
    replayed = other.get(callback)
    assert replayed.status_code == 400
    assert "Recommencez" in replayed.content.decode() or "Start again" in replayed.content.decode()
    unknown = other.get("/sso/callback/?code=abc&state=forged")
    assert unknown.status_code == 400
    assert other.get("/sso/callback/").status_code == 400


def test_a_provider_that_is_down_gives_a_clear_message_and_a_logged_reason(tenant, make_user):
    with tenant_context(tenant):
        down = IdentityProvider.objects.create(
            name="Entra ID",
            slug="entra",
            discovery_url="http://127.0.0.1:9/.well-known/openid-configuration",
            client_id="c",
        )
    response = Client(HTTP_HOST=host_of(tenant)).get("/sso/login/entra/")
    assert response.status_code == 502
    assert "Entra ID" in response.content.decode()
    with tenant_context(tenant):
        assert "discovery" in IdentityProvider.objects.get(pk=down.pk).last_error


def test_a_refusal_at_the_provider_gives_a_clear_page(tenant, provider):
    client = Client(HTTP_HOST=host_of(tenant))
    start_login(client)
    response = client.get("/sso/callback/?error=access_denied&state=whatever")
    assert response.status_code == 403


def test_a_deactivated_user_cannot_sign_in_through_the_provider(tenant, provider, oidc_server):
    set_claims(oidc_server, "u-1008", email="gone@chu.test")
    login(tenant, "u-1008")
    with tenant_context(tenant):
        User.objects.filter(email="gone@chu.test").update(is_active=False)
    client, response = login(tenant, "u-1008")
    assert response.status_code == 403
    assert not client.get("/").wsgi_request.user.is_authenticated


def test_a_provider_of_one_tenant_is_unknown_on_another(other_tenant, provider):
    response = Client(HTTP_HOST=host_of(other_tenant)).get("/sso/login/keycloak/")
    assert response.status_code == 404
