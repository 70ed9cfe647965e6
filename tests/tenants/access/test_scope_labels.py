"""Scopes read as names: "Pôle réanimation", "UF 1101 Réa — CHU Alpha", never keys."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, ScopeKind
from tenants.access.services import GrantRefused, grant_role, parse_scope, scope_value_label
from tenants.sso.models import ClaimRoleMapping
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of


@pytest.fixture
def places(tenant):  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        site = Establishment.objects.get()
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle réanimation")
        service = Service.objects.create(pole=pole, code="S1", name="Réanimation")
        unit = FunctionalUnit.objects.create(service=service, code="1101", name="Réa")
        return {"site": site, "pole": pole, "unit": unit}


def test_a_pole_named_pole_is_not_prefixed_twice(tenant, make_user, places):
    with tenant_context(tenant):
        grant = grant_role(make_user(tenant), Role.POLE_HEAD, ScopeKind.POLE, places["pole"], by="")
        assert grant.scope_label == "Pôle réanimation"


def test_in_a_ght_a_uf_says_its_establishment(tenant, make_user, places):
    tenant.kind = "ght"
    tenant.save(update_fields=["kind"])
    site = places["site"].name
    with tenant_context(tenant), translation.override("fr"):
        grant = grant_role(make_user(tenant), Role.REQUESTER, ScopeKind.UF, places["unit"], by="t")
        assert grant.scope_label == f"UF 1101 Réa — {site}"
        pole = grant_role(make_user(tenant), Role.POLE_HEAD, ScopeKind.POLE, places["pole"], by="t")
        assert pole.scope_label == f"Pôle réanimation — {site}"


def test_an_sso_rule_names_its_scope_instead_of_its_key(tenant, places):
    with tenant_context(tenant), translation.override("fr"):
        pole = ClaimRoleMapping(scope=f"pole:{places['pole'].pk}")
        assert pole.scope_label == "Pôle réanimation"
        assert ClaimRoleMapping(scope="tenant").scope_label == "Tout le périmètre"
        assert "pole:" not in str(pole)


def test_the_user_list_shows_scope_names(tenant, make_user, places):
    admin = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="t")
        grant_role(make_user(tenant), Role.POLE_HEAD, ScopeKind.POLE, places["pole"], by="t")
    body = client_for(host_of(tenant), admin, tenant).get("/administration/users/").content
    assert "Pôle réanimation" in body.decode() and "Pôle Pôle" not in body.decode()


def test_envelope_scopes_are_suggested_by_name(tenant, make_user, places):
    manager = make_user(tenant)
    with tenant_context(tenant):
        grant_role(manager, Role.MANAGEMENT, ScopeKind.TENANT, by="t")
    client = client_for(host_of(tenant), manager, tenant)
    body = client.get("/suggest/envelope_scope/", {"field": "q", "q": "réa"}).content.decode()
    assert "Pôle réanimation" in body and "pôle — " not in body and "Pôle Pôle" not in body


@pytest.mark.parametrize(
    "value",
    ["uf:abc", "uf:", "uf:²", "service:1", "tenant:1", "nowhere:1", "pole"],
    ids=["letters", "no-id", "superscript", "not-granted-on", "tenant-with-id", "no-kind", "bare"],
)
def test_a_scope_value_naming_no_grantable_target_is_refused(tenant, places, value):
    with (
        tenant_context(tenant),
        translation.override("en"),
        pytest.raises(GrantRefused) as refused,
    ):
        parse_scope(value.replace(":1", f":{places['unit'].service_id}"))
    assert (refused.value.field, refused.value.reason) == ("scope", "Unknown scope.")


def test_a_scope_whose_target_was_deleted_reads_as_such(tenant, places):
    with tenant_context(tenant), translation.override("en"):
        assert scope_value_label(f"pole:{places['pole'].pk + 1000}") == (
            "This scope no longer exists."
        )
        assert scope_value_label(f"domain:{ExpertiseDomain.objects.get(code='biomedical').pk}") == (
            "Expertise domain Biomédical"
        )
