"""Suggestions as the user types: UF, users, device models, scopes; each within its tenant."""

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import B_MARKER, client_for, host_of
from tests.tenants.inventory.factories import catalogue, structure


@pytest.fixture
def data(tenant):
    with tenant_context(tenant):
        structure(("1101", "1102", "2101"))
        return catalogue()


def suggest(client, source: str, typed: str, field: str = "uf"):
    return client.get(f"/suggest/{source}/", {"field": field, field: typed})


def requester(tenant, make_user, uf=None):
    """A person who may ask for equipment: for one UF, or tenant-wide."""
    person = make_user(tenant)
    with tenant_context(tenant):
        if uf is not None:
            grant_role(person, Role.REQUESTER, ScopeKind.UF, uf, by="test")
        else:
            grant_role(person, Role.REQUESTER, ScopeKind.TENANT, by="test")
    return person


def test_uf_codes_are_suggested_from_their_first_digits(tenant, make_user, data):
    client = client_for(host_of(tenant), requester(tenant, make_user), tenant)
    body = suggest(client, "uf", "11").content.decode()
    assert 'data-suggestion="1101"' in body and 'data-suggestion="1102"' in body
    assert "2101" not in body


def test_device_models_are_suggested_by_any_word_from_the_copy_when_the_server_is_down(
    tenant, make_user, data
):
    # The tests' reference server address is a closed port: the tenant's own copy answers.
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    body = suggest(client, "catalogue_model", "philips mp", field="m").content.decode()
    assert "Philips IntelliVue MP50" in body and "MX450" not in body


def test_users_and_scopes_are_suggested_to_administrators_only(tenant, make_user, data):
    person = make_user(tenant, email="jeanne.martin@alpha.test", full_name="Jeanne Martin")
    client = client_for(host_of(tenant), person, tenant)
    assert suggest(client, "user", "jeanne").status_code == 404
    with tenant_context(tenant):
        grant_role(person, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    assert "Jeanne Martin" in suggest(client, "user", "jeanne").content.decode()
    assert 'data-suggestion="uf:' in suggest(client, "scope", "1101").content.decode()


def test_nothing_typed_nothing_suggested_and_unknown_sources_are_404(tenant, make_user, data):
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    assert "data-suggestion" not in suggest(client, "uf", "").content.decode()
    assert suggest(client, "nope", "1").status_code == 404


def test_a_requester_is_offered_only_the_uf_they_may_ask_for(tenant, make_user, data):
    from tenants.structure.models import FunctionalUnit

    with tenant_context(tenant):
        unit = FunctionalUnit.objects.get(code="1101")
    client = client_for(host_of(tenant), requester(tenant, make_user, uf=unit), tenant)
    body = suggest(client, "request_uf", "1").content.decode()
    assert 'data-suggestion="1101"' in body
    assert "1102" not in body and "2101" not in body
    nobody = client_for(host_of(tenant), make_user(tenant), tenant)
    assert "data-suggestion" not in suggest(nobody, "request_uf", "1").content.decode()
    # The request form asks this source, not the list filters' one.
    page = client.get(f"/campaigns/{campaign_id(tenant)}/requests/new/").content.decode()
    assert 'hx-get="/suggest/request_uf/"' in page


def test_another_tenants_values_are_never_suggested(tenant, make_user, data):
    client = client_for(host_of(tenant), requester(tenant, make_user), tenant)
    for source in ("uf", "request_uf", "catalogue_model"):
        for typed in (B_MARKER, "1101", "Model"):
            assert B_MARKER not in suggest(client, source, typed).content.decode()


def test_the_grant_form_finds_its_scope_by_typing(tenant, make_user, data):
    admin = make_user(tenant)
    member = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
        from tenants.structure.models import FunctionalUnit

        unit = FunctionalUnit.objects.get(code="1102")
    client = client_for(host_of(tenant), admin, tenant)
    page = client.get(f"/administration/users/{member.pk}/").content.decode()
    assert 'name="scope__label"' in page and 'hx-get="/suggest/scope/"' in page
    offered = suggest(client, "scope", "1102", field="scope__label").content.decode()
    assert f'data-suggestion="uf:{unit.pk}"' in offered
    response = client.post(
        f"/administration/users/{member.pk}/grant/",
        {"role": "viewer", "scope": f"uf:{unit.pk}", "scope__label": "UF — 1102"},
    )
    assert response.status_code == 302


def test_nomenclature_codes_are_suggested_and_filter_the_inventory(tenant, make_user, data):
    from tenants.inventory.models import Device
    from tenants.mirror.services import apply_terms
    from tenants.structure.models import FunctionalUnit

    with tenant_context(tenant):
        apply_terms(
            [
                (
                    "8e0b8a47-0000-4000-8000-000000000001",
                    {"system": "emdn", "code": "Z1203", "label_en": "VENTILATORS"},
                    1,
                ),
                (
                    "8e0b8a47-0000-4000-8000-000000000002",
                    {"system": "emdn", "code": "Z120302", "label_en": "MONITORS"},
                    1,
                ),
            ]
        )
        data["mx450"].nomenclature = ["emdn:Z1203020202"]
        data["mx450"].save()
        unit = FunctionalUnit.objects.get(code="1101")
        Device.objects.create(inventory_number="D1", uf=unit, reference_model=data["mx450"])
        Device.objects.create(inventory_number="D2", uf=unit, reference_model=data["v500"])
    client = client_for(host_of(tenant), requester(tenant, make_user), tenant)
    body = suggest(client, "nomenclature", "z1203", field="nomenclature").content.decode()
    assert 'data-suggestion="Z1203"' in body and 'data-suggestion="Z120302"' in body
    # Labels read in sentence case, not in EMDN's capitals.
    found = suggest(client, "nomenclature", "monit", field="n").content.decode()
    assert "Z120302 Monitors" in found
    page = client.get("/inventory/", {"nomenclature": "Z120302"}).content.decode()
    assert ">D1<" in page and ">D2<" not in page


def campaign_id(tenant) -> int:
    import datetime

    from tenants.campaigns.models import Campaign

    with tenant_context(tenant):
        today = datetime.date.today()
        return Campaign.objects.create(
            name="Recensement",
            nature="equipment",
            year=today.year + 1,
            opens=today,
            closes=today + datetime.timedelta(days=30),
        ).pk


def test_nomenclature_codes_are_found_by_french_or_english_words_whatever_case_and_accents(
    tenant, make_user, data
):
    from tenants.mirror.services import apply_terms

    with tenant_context(tenant):
        apply_terms(
            [
                (
                    "8e0b8a47-0000-4000-8000-000000000003",
                    {
                        "system": "emdn",
                        "code": "Z120301",
                        "label_en": "PULMONARY VENTILATORS",
                        "label_fr": "Ventilateurs pulmonaires de réanimation",
                    },
                    1,
                ),
                (
                    "8e0b8a47-0000-4000-8000-000000000004",
                    {"system": "emdn", "code": "Z120302", "label_en": "CŒUR MONITORS"},
                    1,
                ),
            ]
        )
    client = client_for(host_of(tenant), make_user(tenant), tenant)

    def found(typed: str) -> str:
        return suggest(client, "nomenclature", typed, field="n").content.decode()

    for typed in ("REANIMATION", "réanimation", "Réa ventil", "pulmonary VENT", "z1203"):
        assert 'data-suggestion="Z120301"' in found(typed), typed
    assert "Ventilateurs pulmonaires de réanimation" in found("reanimation")
    assert 'data-suggestion="Z120302"' in found("coeur")
    assert "data-suggestion" not in found("réanimation monitors")
