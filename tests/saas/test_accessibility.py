"""The accessibility statement, on the public host and on each tenant's host, and the footer
link to it, with the conformity status, on every page."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import Client

from saas.tenancy.models import Tenant
from saas.tenancy.urls_helpers import public_url
from tests.conftest import host_of

pytestmark = pytest.mark.django_db


def status_in_statement(body: str) -> str:
    found = re.search(r"<strong data-conformity-status>([^<]+)</strong>", body)
    assert found, "the statement shows no conformity status"
    return found.group(1)


def footer_link(body: str) -> tuple[str, str]:
    """(href, text) of the footer's accessibility link."""
    footer = body.split("<footer", 1)[1].split("</footer>", 1)[0]
    found = re.search(r'<a [^>]*href="([^"]*)"[^>]*data-accessibility-link>([^<]+)</a>', footer)
    assert found, footer
    return found.group(1), found.group(2)


def test_the_public_host_serves_the_statement_in_french_to_anyone(public_client, settings):
    settings.PLATFORM_CONTACT_EMAIL = "accessibilite@platform.test"
    response = public_client.get("/accessibility/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "<h1" in body and "Déclaration d'accessibilité" in body
    assert status_in_statement(body) == "non conforme"
    assert "WCAG 2.1" in body and "RGAA version 4.1" in body and "axe-core" in body
    assert 'href="mailto:accessibilite@platform.test"' in body
    assert "Voies de recours" in body and 'href="https://www.defenseurdesdroits.fr/"' in body
    assert "XLSX" in body  # the known non-accessible content


def test_a_tenant_host_serves_the_statement_with_the_tenants_contact(tenant, settings):
    settings.PLATFORM_CONTACT_EMAIL = "accessibilite@platform.test"
    response = Client(HTTP_HOST=host_of(tenant)).get("/accessibility/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Déclaration d'accessibilité" in body and tenant.name in body
    assert f'href="mailto:{tenant.contact_email}"' in body
    assert "accessibilite@platform.test" not in body


def test_a_tenant_without_contact_sends_people_to_the_platform(tenant, settings):
    settings.PLATFORM_CONTACT_EMAIL = "accessibilite@platform.test"
    Tenant.objects.filter(pk=tenant.pk).update(contact_email="")
    body = Client(HTTP_HOST=host_of(tenant)).get("/accessibility/").content.decode()
    assert 'href="mailto:accessibilite@platform.test"' in body


def test_the_statement_is_available_in_english(public_client):
    response = public_client.get("/accessibility/", HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "Accessibility statement" in body
    assert status_in_statement(body) == "not compliant"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_tenant_page_links_to_the_statement_with_its_status(tenant, path):
    client = Client(HTTP_HOST=host_of(tenant))
    status = status_in_statement(client.get("/accessibility/").content.decode())
    href, text = footer_link(client.get(path, follow=True).content.decode())
    assert href == "/accessibility/"
    assert text == f"Accessibilité\u00a0: {status}"


@pytest.mark.parametrize("path", ["/", "/signup/", "/accounts/login/"])
def test_every_public_page_links_to_the_statement_with_its_status(public_client, path):
    status = status_in_statement(public_client.get("/accessibility/").content.decode())
    href, text = footer_link(public_client.get(path).content.decode())
    assert href == "/accessibility/"
    assert text == f"Accessibilité\u00a0: {status}"


def test_an_unknown_host_links_to_the_public_hosts_statement():
    response = Client(HTTP_HOST="nobody.localhost").get("/")
    href, text = footer_link(response.content.decode())
    assert response.status_code == 404
    assert href == public_url("/accessibility/") and "non conforme" in text


def test_the_500_page_links_to_the_statement_too():
    href, text = footer_link(render_to_string("500.html"))
    assert href == "/accessibility/" and "non conforme" in text
