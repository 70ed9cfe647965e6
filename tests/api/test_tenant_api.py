"""Tenant API v1: who the signed-in person is, in which tenant."""

from __future__ import annotations

from tests.conftest import client_for, host_of


def test_me_names_the_person_and_their_tenant(tenant, make_user):
    person = make_user(tenant, email="jeanne@alpha.test", full_name="Jeanne Müller")
    response = client_for(host_of(tenant), person, tenant).get("/api/tenant/v1/me/")
    assert response.status_code == 200
    expected = (
        '{"email":"jeanne@alpha.test","full_name":"Jeanne Müller",'
        f'"tenant":{{"name":"{tenant.name}","kind":"{tenant.kind}"}}}}'
    )
    assert response.content == expected.encode()


def test_me_without_a_full_name_says_an_empty_one(tenant, make_user):
    person = make_user(tenant, email="anon@alpha.test")
    body = client_for(host_of(tenant), person, tenant).get("/api/tenant/v1/me/").json()
    assert (body["email"], body["full_name"]) == ("anon@alpha.test", "")


def test_me_refuses_anonymous_callers(tenant):
    assert client_for(host_of(tenant)).get("/api/tenant/v1/me/").status_code == 403
