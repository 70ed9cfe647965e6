import json

from django.test import Client
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import B_MARKER, client_for, host_of


def test_unknown_host_gets_a_clear_404_page(db):
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "nobody.localhost" in body
    assert "Traceback" not in body


def test_health_reports_database_and_cache(public_client, db):
    response = public_client.get("/health/")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "cache": "ok"}


def test_each_tenant_is_reached_on_its_own_host(other_tenant, make_user):
    user = make_user(other_tenant)
    with tenant_context(other_tenant):
        # The home page lists establishments to people who hold a role.
        grant_role(user, Role.VIEWER, ScopeKind.TENANT, by="test")
    response = client_for(host_of(other_tenant), user, other_tenant).get("/")
    assert response.status_code == 200
    assert B_MARKER in response.content.decode()


def test_the_interface_speaks_french_by_default(tenant, make_user):
    user = make_user(tenant)
    response = client_for(host_of(tenant), user, tenant).get("/")
    assert '<html lang="fr">' in response.content.decode()
    assert "Établissements" in response.content.decode()


def test_english_is_available(tenant, make_user):
    user = make_user(tenant)
    client = client_for(host_of(tenant), user, tenant)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Establishments" in response.content.decode()
