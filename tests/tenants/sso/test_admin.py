import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.sso.models import ClaimRoleMapping, IdentityProvider
from tests.conftest import client_for, host_of

VALID = {
    "name": "Pro Santé Connect",
    "slug": "psc",
    "discovery_url": "https://auth.esw.esante.gouv.fr/auth/realms/esante-wallet/.well-known/openid-configuration",
    "client_id": "chu-test",
    "client_secret": "s3cr3t-value",
    "scopes": "openid scope_all",
    "extra_parameters": '{"acr_values": "eidas1"}',
    "email_claim": "email",
    "name_claim": "name",
    "is_enabled": "on",
}


@pytest.fixture
def admin_client(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return client_for(host_of(tenant), admin, tenant)


def test_a_provider_is_configured_without_code_and_its_secret_stored_encrypted(
    admin_client, tenant
):
    response = admin_client.post("/sso/providers/new/", VALID)
    assert response.status_code == 302
    with tenant_context(tenant):
        provider = IdentityProvider.objects.get(slug="psc")
        assert provider.extra_parameters == {"acr_values": "eidas1"}
        assert "s3cr3t-value" not in provider.client_secret_encrypted
        assert provider.client_secret == "s3cr3t-value"
    page = admin_client.get(f"/sso/providers/{provider.pk}/edit/").content.decode()
    assert "s3cr3t-value" not in page


def test_editing_without_a_secret_keeps_the_stored_one(admin_client, tenant):
    admin_client.post("/sso/providers/new/", VALID)
    with tenant_context(tenant):
        provider = IdentityProvider.objects.get(slug="psc")
    admin_client.post(
        f"/sso/providers/{provider.pk}/edit/", {**VALID, "client_secret": "", "name": "PSC"}
    )
    with tenant_context(tenant):
        provider.refresh_from_db()
        assert (provider.name, provider.client_secret) == ("PSC", "s3cr3t-value")


def test_extra_parameters_that_are_not_a_json_object_name_the_field(admin_client):
    response = admin_client.post("/sso/providers/new/", {**VALID, "extra_parameters": '["eidas1"]'})
    assert response.status_code == 400
    assert 'data-field="extra_parameters"' in response.content.decode()


def test_a_claim_mapping_is_added_and_a_senseless_one_refused(admin_client, tenant):
    admin_client.post("/sso/providers/new/", VALID)
    with tenant_context(tenant):
        provider = IdentityProvider.objects.get(slug="psc")
    ok = admin_client.post(
        f"/sso/providers/{provider.pk}/",
        {
            "claim_path": "SubjectRefPro.exercices.codeProfession",
            "value": "10",
            "role": "requester",
            "scope": "tenant",
        },
    )
    assert ok.status_code == 302
    refused = admin_client.post(
        f"/sso/providers/{provider.pk}/",
        {"claim_path": "groups", "value": "x", "role": "expert", "scope": "tenant:5"},
    )
    assert refused.status_code == 400
    with tenant_context(tenant):
        assert ClaimRoleMapping.objects.filter(provider=provider).count() == 1
