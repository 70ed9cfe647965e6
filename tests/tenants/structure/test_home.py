"""The tenant's home page: a person without any role is told so, and whom to ask; the others
see what each of their roles has to do next."""

from __future__ import annotations

import re

from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tenants.requests import workflow
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


def _blocks(body: str) -> set[str]:
    return set(re.findall(r'data-home-block="(\w+)"', body))


def test_a_requester_sees_their_drafts_and_the_open_campaign(tenant, chain, web):
    body = web["requester"].get("/").content.decode()
    assert _blocks(body) == {"requester"}
    assert "Respirateur" in body  # the fixture's draft
    new = f'href="/campaigns/{chain["campaign"].pk}/requests/new/"'
    assert new in body and "Nouvelle demande" in body


def test_a_head_of_pole_sees_how_many_requests_wait_for_their_opinion(tenant, chain, web):
    body = web["pole_head"].get("/").content.decode()
    assert "waiting" in _blocks(body) and "En attente de mon avis" in body
    assert re.search(r"data-waiting-count>0<", body)
    with tenant_context(tenant):
        workflow.submit(chain["request"], by=chain["users"]["requester"])
    body = web["pole_head"].get("/").content.decode()
    assert re.search(r"data-waiting-count>1<", body)
    assert 'href="/requests/waiting/"' in body
    # Another pôle's head is not waited for.
    other = web["other_head"].get("/").content.decode()
    assert re.search(r"data-waiting-count>0<", other)


def test_a_commission_member_sees_the_session_link(tenant, chain, web):
    body = web["commission"].get("/").content.decode()
    assert "commission" in _blocks(body) and "requester" not in _blocks(body)
    assert f'href="/campaigns/{chain["campaign"].pk}/arbitration/"' in body


def test_an_administrator_sees_the_setup_steps_done_and_to_do(tenant, make_user):
    admin = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    body = client_for(host_of(tenant), admin, tenant).get("/").content.decode()
    assert _blocks(body) == {"setup"}
    steps = dict(re.findall(r'data-setup-step="(\w+)".*?badge [\w-]+">([^<]+)<', body, re.S))
    assert steps == {"structure": "À faire", "inventory": "À faire", "people": "À faire"}
    assert 'href="/structure/import/"' in body and 'href="/inventory/import/"' in body
    assert 'href="/administration/users/invite/"' in body


def test_a_person_with_several_roles_sees_each_role_s_block(tenant, chain, web):
    # The fixture's administrator is also the management: setup, opinion and session.
    body = web["admin"].get("/").content.decode()
    assert _blocks(body) == {"setup", "waiting", "commission"}
    steps = dict(re.findall(r'data-setup-step="(\w+)".*?badge [\w-]+">([^<]+)<', body, re.S))
    assert steps == {"structure": "Fait", "inventory": "À faire", "people": "Fait"}
