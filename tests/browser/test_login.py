"""Signing in as a person would, in chromium: through the identity provider or a password."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import RoleGrant
from tenants.accounts.models import User
from tests.conftest import PASSWORD, make_provider, server_password_hash, set_claims

pytestmark = pytest.mark.slow


@pytest.fixture
def alpha_with_provider(live_db, oidc_server):  # type: ignore[no-untyped-def]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    provider = make_provider(
        alpha, oidc_server, "keycloak-browser", "alpha", ("staff", "viewer", "tenant")
    )
    yield alpha
    with tenant_context(alpha):
        provider.delete()
        User.objects.filter(email__endswith="@browser.test").delete()


def test_a_user_signs_in_through_the_tenant_identity_provider(
    page, live_server_port, alpha_with_provider, oidc_server
):
    set_claims(
        oidc_server, "nina", email="nina@browser.test", name="Nina Navigateur", groups=["staff"]
    )
    base = f"http://alpha.localhost:{live_server_port}"
    page.goto(f"{base}/")
    page.get_by_role("link", name="Se connecter avec Keycloak CHU").click()
    page.locator("input[name=sub]").fill("nina")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/")
    menu = page.locator("[data-user-menu] .dropdown-toggle")  # the folded user menu
    assert menu.get_attribute("title") == "nina@browser.test"
    with tenant_context(alpha_with_provider):
        grants = list(
            RoleGrant.objects.filter(user__email="nina@browser.test").values_list("role", "source")
        )
    assert grants == [("viewer", "oidc")]


def test_a_user_signs_in_with_a_password_and_out_again(page, live_server_port, live_db):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        # Hashed as the server process expects (the test process defaults to a fast hasher).
        User.objects.create(email="paul@browser.test", password=server_password_hash())
    try:
        base = f"http://alpha.localhost:{live_server_port}"
        page.goto(f"{base}/structure/establishments/")
        page.get_by_label("Adresse e-mail").fill("paul@browser.test")
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url(f"{base}/structure/establishments/")
        assert "Site Alpha" in page.content()
        page.locator("[data-user-menu] .dropdown-toggle").click()  # the folded user menu
        page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(f"{base}/accounts/login/")
    finally:
        with tenant_context(alpha):
            User.objects.filter(email="paul@browser.test").delete()
