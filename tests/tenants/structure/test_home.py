"""The tenant's home page: a person without any role is told so, and whom to ask."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import client_for, host_of


def test_a_person_without_any_role_is_told_whom_to_ask(tenant, make_user):
    admin = make_user(tenant, email="alice.admin@alpha.test", full_name="Alice Admin")
    nobody = make_user(tenant, email="nobody@alpha.test")
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    response = client_for(host_of(tenant), nobody, tenant).get("/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "data-no-role" in body and "aucun rôle" in body
    assert "Alice Admin" in body and "mailto:alice.admin@alpha.test" in body
    # Not the establishments list they could do nothing with.
    assert "/structure/establishments/" not in body.split("<main")[1]


def test_a_person_with_a_role_sees_the_establishments(tenant, make_user):
    viewer = make_user(tenant)
    with tenant_context(tenant):
        grant_role(viewer, Role.VIEWER, ScopeKind.TENANT, by="test")
    body = client_for(host_of(tenant), viewer, tenant).get("/").content.decode()
    assert "data-no-role" not in body and "Établissements" in body
