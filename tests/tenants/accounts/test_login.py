import re

from django.core import mail
from django.test import Client

from tests.conftest import PASSWORD, client_for, host_of


def login(client, email, password):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_five_wrong_passwords_lock_the_account_even_with_the_right_one(tenant, make_user):
    user = make_user(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    for _ in range(5):
        login(client, user.email, "wrong password")
    response = login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "verrouillé" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_a_lock_out_in_one_tenant_does_not_lock_the_same_address_elsewhere(
    tenant, other_tenant, make_user
):
    email = "same@both.test"
    make_user(tenant, email=email)
    make_user(other_tenant, email=email)
    locked = Client(HTTP_HOST=host_of(tenant))
    for _ in range(6):
        login(locked, email, "wrong password")
    response = login(Client(HTTP_HOST=host_of(other_tenant)), email, PASSWORD)
    assert response.status_code == 302


def test_a_successful_login_resets_the_failure_count(tenant, make_user):
    user = make_user(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    for _ in range(4):
        login(client, user.email, "wrong password")
    assert login(client, user.email, PASSWORD).status_code == 302
    for _ in range(4):
        login(Client(HTTP_HOST=host_of(tenant)), user.email, "wrong password")
    assert login(Client(HTTP_HOST=host_of(tenant)), user.email, PASSWORD).status_code == 302


def test_password_reset_sends_a_link_on_the_tenant_host_that_works(tenant, make_user):
    user = make_user(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    assert client.post("/accounts/password-reset/", {"email": user.email}).status_code == 302
    (message,) = mail.outbox
    link = re.search(r"http://alpha\.localhost(/accounts/set-password/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    new = "Un tout nouveau mot de passe"
    assert (
        client.post(
            form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
        ).status_code
        == 302
    )
    assert login(Client(HTTP_HOST=host_of(tenant)), user.email, new).status_code == 302


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(tenant):
    client = Client(HTTP_HOST=host_of(tenant))
    assert client.post("/accounts/password-reset/", {"email": "nobody@x.test"}).status_code == 302
    assert mail.outbox == []


def test_an_htmx_request_with_an_expired_session_reloads_the_page_on_login(tenant):
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.get(
        "/structure/establishments/",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://alpha.localhost/structure/establishments/?page=2",
    )
    assert response.status_code == 204
    assert (
        response["HX-Redirect"]
        == "/accounts/login/?next=%2Fstructure%2Festablishments%2F%3Fpage%3D2"
    )


def test_a_plain_request_with_an_expired_session_is_redirected_as_usual(tenant):
    response = Client(HTTP_HOST=host_of(tenant)).get("/structure/establishments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_htmx_request_of_a_signed_in_user_is_untouched(tenant, make_user):
    client = client_for(host_of(tenant), make_user(tenant), tenant)
    response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_changing_the_case_of_the_address_does_not_escape_the_lock_out(tenant, make_user):
    user = make_user(tenant, email="casey@alpha.test")
    client = Client(HTTP_HOST=host_of(tenant))
    for variant in (
        "casey@alpha.test",
        "CASEY@alpha.test",
        "Casey@Alpha.test",
        "casey@ALPHA.test",
        "cAsey@alpha.test",
    ):
        login(client, variant, "wrong password")
    assert login(client, user.email.upper(), PASSWORD).status_code == 429
