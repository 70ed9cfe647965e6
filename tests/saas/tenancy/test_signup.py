import re

import pytest
from django.core import mail

from saas.tenancy.models import SignupRequest, Tenant, TenantStatus
from saas.tenancy.services import SignupError, confirm_signup, request_signup

VALID = {
    "name": "CH de Test",
    "kind": "hospital",
    "finess": "800000044",
    "contact_email": "directeur@ch-test.fr",
    "subdomain": "ch-test",
}


def post_signup(client, **changes):
    return client.post("/signup/", {**VALID, **changes})


def field_errors(response, field):
    return re.findall(rf'data-field="{field}">([^<]+)<', response.content.decode())


def test_signup_page_is_served_on_the_public_host(public_client, db):
    response = public_client.get("/signup/")
    assert response.status_code == 200
    assert 'name="finess"' in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("finess", "800000045"),  # wrong key
        ("finess", "80000"),
        ("subdomain", "www"),  # reserved
        ("subdomain", "Not A Slug"),
        ("subdomain", "alpha"),  # taken by a tenant
        ("contact_email", "not-an-address"),
        ("kind", "clinic"),
    ],
)
def test_bad_sign_up_input_is_refused_with_the_field_named(public_client, db, field, value):
    response = post_signup(public_client, **{field: value})
    assert response.status_code == 400
    assert field_errors(response, field), response.content.decode()
    assert not SignupRequest.objects.exists()


def test_a_sub_domain_held_by_a_pending_sign_up_is_taken(public_client, db):
    request_signup(**VALID)
    response = post_signup(public_client, contact_email="other@ch-test.fr")
    assert response.status_code == 400
    assert field_errors(response, "subdomain")


def test_sign_up_e_mails_a_confirmation_link_and_creates_no_tenant_yet(public_client, db):
    response = post_signup(public_client)
    assert response.status_code == 302
    assert SignupRequest.objects.get().subdomain == "ch-test"
    assert not Tenant.objects.filter(schema_name="t_ch_test").exists()
    (message,) = mail.outbox
    assert message.to == ["directeur@ch-test.fr"]
    assert re.search(r"http://localhost:\d+/signup/confirm/[^/\s]+/", message.body)


def test_confirming_creates_a_tenant_being_provisioned_and_queues_provisioning(
    public_client, db, django_capture_on_commit_callbacks
):
    request_signup(**VALID)
    link = re.search(r"/signup/confirm/[^\s]+/", mail.outbox[0].body).group(0)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = public_client.get(link)
    assert response.status_code == 200
    tenant = Tenant.objects.get(schema_name="t_ch_test")
    assert tenant.status == TenantStatus.PROVISIONING
    assert tenant.finess == "800000044"
    assert len(callbacks) == 1  # the provisioning task is sent once the transaction commits


def test_a_second_click_on_the_link_changes_nothing(db, django_capture_on_commit_callbacks):
    request_signup(**VALID)
    token = re.search(r"/signup/confirm/([^/\s]+)/", mail.outbox[0].body).group(1)
    with django_capture_on_commit_callbacks(execute=False):
        confirm_signup(token)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm_signup(token)
    assert Tenant.objects.filter(schema_name="t_ch_test").count() == 1
    assert callbacks == []


def test_a_forged_confirmation_link_gives_a_clear_page(public_client, db):
    response = public_client.get("/signup/confirm/forged-token/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode() or "valide" in response.content.decode()
    with pytest.raises(SignupError):
        confirm_signup("forged-token")


def test_confirming_after_the_sub_domain_was_taken_is_refused_clearly(db):
    request_signup(**VALID)
    token = re.search(r"/signup/confirm/([^/\s]+)/", mail.outbox[0].body).group(1)
    Tenant.objects.create(schema_name="t_ch_test", name="Quicker", kind="hospital")
    with pytest.raises(SignupError, match="entre-temps"):
        confirm_signup(token)
    assert SignupRequest.objects.get().confirmed is None
