from django.test import Client
from django_tenants.utils import tenant_context

from tenants.accounts.models import User
from tenants.accounts.services import set_password_link
from tests.conftest import PASSWORD, host_of

NEW_PASSWORD = "Une phrase de passe assez longue"


def invited(tenant):
    with tenant_context(tenant):
        user = User.objects.create_user("invited@example.org")
        link = set_password_link(user, host=host_of(tenant))
    return user, link.split(host_of(tenant), 1)[1].split(":", 1)[-1].lstrip("0123456789")


def choose_password(client, path):
    form = client.get(path, follow=True)
    assert form.status_code == 200
    url = form.redirect_chain[-1][0]
    return client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})


def test_an_invited_user_chooses_a_password_then_signs_in(tenant):
    _, path = invited(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    assert choose_password(client, path).status_code == 302
    response = client.post(
        "/accounts/login/", {"username": "INVITED@example.org", "password": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == "/"


def test_an_invitation_link_works_once(tenant):
    _, path = invited(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    choose_password(client, path)
    again = Client(HTTP_HOST=host_of(tenant)).get(path, follow=True)
    assert "Lien non valide" in again.content.decode()


def test_an_invitation_link_is_worthless_on_another_tenant(tenant, other_tenant):
    _, path = invited(tenant)
    response = Client(HTTP_HOST=host_of(other_tenant)).get(path, follow=True)
    assert "Lien non valide" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(tenant, make_user):
    user = make_user(tenant)
    client = Client(HTTP_HOST=host_of(tenant))
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD + "x"})
    assert response.status_code == 200
    assert "incorrect" in response.content.decode()


def test_a_user_of_one_tenant_cannot_sign_in_on_another(tenant, other_tenant, make_user):
    user = make_user(tenant)
    client = Client(HTTP_HOST=host_of(other_tenant))
    response = client.post("/accounts/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
