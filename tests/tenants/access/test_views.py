import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from tenants.access.models import AccessEvent, Role, RoleGrant, ScopeKind
from tenants.access.services import grant_role
from tenants.accounts.models import User
from tests.conftest import client_for, host_of


@pytest.fixture
def admin(tenant, make_user):
    user = make_user(tenant, email="chef@alpha.test")
    with tenant_context(tenant):
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return user


@pytest.fixture
def admin_client(tenant, admin):
    return client_for(host_of(tenant), admin, tenant)


def test_a_user_without_the_admin_role_gets_403(tenant, make_user):
    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, Role.VIEWER, ScopeKind.TENANT, by="test")
    client = client_for(host_of(tenant), user, tenant)
    assert client.get("/administration/users/").status_code == 403


def test_administrators_see_who_holds_what(admin_client, admin, tenant, make_user):
    member = make_user(tenant, email="cadre@alpha.test")
    with tenant_context(tenant):
        grant_role(member, Role.REQUESTER, ScopeKind.TENANT, by="test")
    body = admin_client.get("/administration/users/").content.decode()
    assert "cadre@alpha.test" in body and "Demandeur" in body
    found = admin_client.get("/administration/users/?q=cadre").content.decode()
    assert "cadre@alpha.test" in found
    assert f'href="/administration/users/{admin.pk}/"' not in found


def test_inviting_a_user_sends_a_link_on_the_tenant_host_and_is_recorded(admin_client, tenant):
    response = admin_client.post(
        "/administration/users/invite/", {"email": "New@Alpha.test", "full_name": "Nouvelle"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["new@alpha.test"]
    assert re.search(r"http://alpha\.localhost(:\d+)?/accounts/set-password/", message.body)
    with tenant_context(tenant):
        assert AccessEvent.objects.filter(action="invited", user_email="new@alpha.test").exists()


def test_inviting_an_existing_address_names_the_field(admin_client, admin):
    response = admin_client.post("/administration/users/invite/", {"email": admin.email})
    assert response.status_code == 400
    assert 'data-field="email"' in response.content.decode()


def test_granting_and_revoking_are_recorded(admin_client, tenant, make_user):
    member = make_user(tenant, email="expert@alpha.test")
    with tenant_context(tenant):
        from tenants.access.models import ExpertiseDomain

        domain = ExpertiseDomain.objects.get(code="biomedical")
    response = admin_client.post(
        f"/administration/users/{member.pk}/grant/",
        {"role": "expert", "scope": f"domain:{domain.pk}"},
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        grant = RoleGrant.objects.get(user=member)
        assert (grant.role, grant.domain_id) == ("expert", domain.pk)
    admin_client.post(f"/administration/grants/{grant.pk}/revoke/")
    with tenant_context(tenant):
        assert not RoleGrant.objects.filter(user=member).exists()
        actions = list(
            AccessEvent.objects.filter(user_email="expert@alpha.test").values_list(
                "action", "actor"
            )
        )
    assert actions == [("revoked", "chef@alpha.test"), ("granted", "chef@alpha.test")]
    assert "expert@alpha.test" in admin_client.get("/administration/history/").content.decode()


def test_a_senseless_grant_is_refused_with_the_field_named(admin_client, tenant, make_user):
    member = make_user(tenant)
    response = admin_client.post(
        f"/administration/users/{member.pk}/grant/", {"role": "tenant_admin", "scope": "uf:999999"}
    )
    assert response.status_code == 400
    assert 'data-field="scope"' in response.content.decode()


def test_a_deactivated_user_is_signed_out_at_the_next_request(admin_client, tenant, make_user):
    member = make_user(tenant)
    with tenant_context(tenant):
        grant_role(member, Role.VIEWER, ScopeKind.TENANT, by="test")
    member_client = client_for(host_of(tenant), member, tenant)
    assert member_client.get("/").status_code == 200
    admin_client.post(f"/administration/users/{member.pk}/active/", {"active": "0"})
    assert member_client.get("/").status_code == 302
    with tenant_context(tenant):
        assert not User.objects.get(pk=member.pk).is_active


def test_administrators_cannot_deactivate_themselves(admin_client, admin, tenant):
    admin_client.post(f"/administration/users/{admin.pk}/active/", {"active": "0"})
    with tenant_context(tenant):
        assert User.objects.get(pk=admin.pk).is_active


def test_the_user_list_does_not_query_per_user(
    admin_client, tenant, make_user, django_assert_max_num_queries
):
    for i in range(15):
        member = make_user(tenant, email=f"member{i}@alpha.test")
        with tenant_context(tenant):
            grant_role(member, Role.VIEWER, ScopeKind.TENANT, by="test")
    with django_assert_max_num_queries(12):
        assert admin_client.get("/administration/users/").status_code == 200


def test_an_invitation_sent_from_a_host_with_a_port_names_the_port_once(tenant, admin):
    # Browsers send "Host: alpha.localhost:8000"; the link must not become ":8000:8000".
    client = client_for(f"{host_of(tenant)}:8000", admin, tenant)
    response = client.post(
        "/administration/users/invite/", {"email": "port@alpha.test", "full_name": "Port"}
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    links = re.findall(r"https?://\S+", message.body)
    assert links and all(link.count(":") == 2 for link in links), links
    assert f"http://{host_of(tenant)}:8000/accounts/set-password/" in message.body
