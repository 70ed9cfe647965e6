"""Limits on password guessing and e-mail floods, and that a stranger cannot lock a person out."""

from __future__ import annotations

from django.core import mail
from django.test import Client

from tenants.accounts.throttle import (
    ACCOUNT_LOGIN_FAILURES,
    ACCOUNT_PASSWORD_RESETS,
    ADDRESS_LOGIN_FAILURES,
    ADDRESS_PASSWORD_RESETS,
    ADDRESS_SIGNUPS,
    EMAIL_SIGNUPS,
)
from tests.conftest import PASSWORD, host_of
from tests.saas.tenancy.test_signup import VALID, field_errors

HOSPITAL_NAT = "10.20.30.40"


def from_address(tenant, address: str) -> Client:
    return Client(HTTP_HOST=host_of(tenant), REMOTE_ADDR=address)


def login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"username": email, "password": password})


def test_a_stranger_elsewhere_cannot_lock_a_person_out(tenant, make_user):
    user = make_user(tenant)
    stranger = from_address(tenant, "203.0.113.7")
    for _ in range(6):
        login(stranger, user.email, "wrong password")
    assert login(stranger, user.email, PASSWORD).status_code == 429  # the stranger is locked
    assert login(from_address(tenant, HOSPITAL_NAT), user.email, PASSWORD).status_code == 302


def test_one_address_failing_on_many_accounts_is_stopped(tenant, make_user):
    sprayer = from_address(tenant, "203.0.113.8")
    for number in range(ADDRESS_LOGIN_FAILURES.count):
        login(sprayer, f"guess-{number}@alpha.test", "Printemps2026!")
    victim = make_user(tenant)
    assert login(sprayer, victim.email, PASSWORD).status_code == 429
    assert login(from_address(tenant, HOSPITAL_NAT), victim.email, PASSWORD).status_code == 302


def test_guessing_one_account_from_many_addresses_spares_its_usual_browser(tenant, make_user):
    user = make_user(tenant)
    usual = from_address(tenant, HOSPITAL_NAT)
    assert login(usual, user.email, PASSWORD).status_code == 302
    usual.post("/accounts/logout/")
    for number in range(ACCOUNT_LOGIN_FAILURES.count):
        login(from_address(tenant, f"198.51.100.{number}"), user.email, "wrong password")
    # A new browser, even with the right password, waits: the guesser would too.
    assert login(from_address(tenant, "198.51.100.250"), user.email, PASSWORD).status_code == 429
    assert login(usual, user.email, PASSWORD).status_code == 302


def test_reset_e_mails_to_one_account_stop_at_the_limit_without_saying_so(tenant, make_user):
    user = make_user(tenant)
    for number in range(ACCOUNT_PASSWORD_RESETS.count + 2):
        client = from_address(tenant, f"198.51.100.{number}")
        response = client.post("/accounts/password-reset/", {"email": user.email})
        assert response.status_code == 302
    assert len(mail.outbox) == ACCOUNT_PASSWORD_RESETS.count


def test_reset_requests_from_one_address_stop_at_the_limit(tenant, make_user):
    client = from_address(tenant, "203.0.113.9")
    for number in range(ADDRESS_PASSWORD_RESETS.count):
        client.post("/accounts/password-reset/", {"email": f"who-{number}@alpha.test"})
    response = client.post("/accounts/password-reset/", {"email": make_user(tenant).email})
    assert response.status_code == 429
    assert mail.outbox == []
    other = from_address(tenant, HOSPITAL_NAT)
    assert other.post("/accounts/password-reset/", {"email": "x@alpha.test"}).status_code == 302


def signup(address: str, number: int, email: str):
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR=address)
    data = {**VALID, "subdomain": f"ch-test-{number}", "contact_email": email}
    return client.post("/signup/", data)


def test_sign_ups_for_one_contact_address_stop_at_the_limit_naming_the_field(db):
    for number in range(EMAIL_SIGNUPS.count):
        assert signup(f"198.51.100.{number}", number, "dg@ch-test.fr").status_code == 302
    response = signup("198.51.100.99", 99, "dg@ch-test.fr")
    assert response.status_code == 400
    assert field_errors(response, "contact_email")
    assert len(mail.outbox) == EMAIL_SIGNUPS.count


def test_sign_ups_from_one_address_stop_at_the_limit(db):
    for number in range(ADDRESS_SIGNUPS.count):
        assert signup("203.0.113.10", number, f"dg{number}@ch-test.fr").status_code == 302
    assert signup("203.0.113.10", 99, "dg99@ch-test.fr").status_code == 429
    assert signup(HOSPITAL_NAT, 98, "dg98@ch-test.fr").status_code == 302
