"""Pages answer hand-edited or hostile parameters with a 4xx or a sensible fallback, not a 500.

Each case is one the parameter fuzz (test_fuzz_every_url.py) found; here they are named.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from shared_reference.models import Contribution, DeviceModel, Manufacturer, Subscriber
from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import client_for, host_of


@pytest.fixture
def admin(tenant, make_user) -> Client:
    user = make_user(tenant)
    with tenant_context(tenant):
        grant_role(user, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    return client_for(host_of(tenant), user, tenant)


@pytest.mark.parametrize(
    "params",
    [{"page": "-1"}, {"page": "9" * 5000}, {"page": "²"}, {"per_page": "-1"}, {"page": "999"}],
    ids=["negative", "5000-digits", "superscript", "negative-size", "past-the-end"],
)
def test_a_list_page_number_typed_by_hand_shows_a_page(admin, params):
    response = admin.get("/structure/units/", params)
    assert response.status_code == 200


def test_a_next_that_is_no_url_name_falls_back_to_the_list(admin):
    response = admin.post("/lists/structure.units/columns/", {"columns": ["code"], "next": "-1"})
    assert response.status_code == 302
    assert response["Location"] == "-1"  # a relative URL of the same host: harmless


def test_widths_sent_as_a_form_are_a_400(admin):
    response = admin.post("/lists/structure.units/widths/", {"code": "120"})
    assert response.status_code == 400


def test_widths_nested_thousands_deep_are_a_400(admin):
    body = "[" * 5000 + "]" * 5000
    response = admin.post("/lists/structure.units/widths/", body, content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize("value", ["9" * 5000, "[" * 5000 + "]" * 5000])
def test_provider_parameters_json_that_python_cannot_read_is_a_form_error(admin, value):
    response = admin.post(
        "/sso/providers/new/",
        {
            "name": "Keycloak",
            "slug": "kc",
            "discovery_url": "https://idp.example.org/.well-known/openid-configuration",
            "client_id": "x",
            "scopes": "openid email",
            "extra_parameters": value,
            "email_claim": "email",
            "name_claim": "name",
        },
    )
    assert response.status_code in {200, 400}
    assert "is-invalid" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("expected_life_years", "9" * 5000), ("end_of_support", "[" * 5000 + "]" * 5000)],
)
def test_a_curator_edit_that_python_cannot_read_is_a_400(db, make_user, field, value):
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acme"), commercial_name="Scope"
    )
    contribution = Contribution.objects.create(
        subscriber=Subscriber.objects.create(name="CH"),
        kind="correction",
        target=model,
        proposal={"commercial_name": "Scope 2"},
        source="datasheet",
    )
    staff = client_for("localhost", make_user(None, is_staff=True, is_superuser=True))
    response = staff.post(
        f"/reference/contributions/{contribution.pk}/", {"decision": "accept", field: value}
    )
    assert response.status_code == 400
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING


@pytest.mark.parametrize(
    "url",
    ["/suggest/uf/?q=1%00", "/structure/units/?q=a%00b", "/requests/?q=%00"],
    ids=["suggestion", "list filter", "request search"],
)
def test_a_nul_byte_in_a_search_is_a_400_naming_the_parameter(admin, url):
    response = admin.get(url)
    assert response.status_code == 400
    assert "«\u00a0q\u00a0»" in response.content.decode()


def test_a_nul_byte_in_a_staff_filter_is_a_400(db, make_user):
    staff = client_for("localhost", make_user(None, is_staff=True, is_superuser=True))
    response = staff.get("/staff/tenants/", {"q": "alpha\x00"})
    assert response.status_code == 400


def test_a_nul_byte_in_a_form_field_is_a_400_naming_the_field(admin):
    response = admin.post("/lists/structure.units/views/", {"name": "mine\x00", "query": ""})
    assert response.status_code == 400
    assert "«\u00a0name\u00a0»" in response.content.decode()


@pytest.mark.parametrize("url", ["/requests/", "/plan/"])
@pytest.mark.parametrize(
    "q",
    ["9" * 4301, "9" * 20, "1" + "0" * 30, " ".join(["9" * 30] * 25)],
    ids=["4301-digits", "past-bigint", "10^30", "many-long-numbers"],
)
def test_a_search_for_a_number_no_row_can_have_shows_no_row(admin, url, q):
    """A word of digits is also looked up as the row's number: not one Python cannot read
    (over 4,300 digits) nor one no integer column holds (an attacker's trial, issue 13)."""
    response = admin.get(url, {"q": q})
    assert response.status_code == 200
