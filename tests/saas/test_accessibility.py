"""The accessibility statement, on the public host and on each tenant's host, and the footer
link to it, with the conformity status, on every page."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client

from saas.accessibility import AXE_CORE_VERSION
from saas.tenancy.models import Tenant
from saas.tenancy.urls_helpers import public_url
from tests.conftest import host_of

pytestmark = pytest.mark.django_db


AXE_PACKAGE = Path(__file__).resolve().parents[1] / "browser" / "axe" / "package.json"


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
    assert "<h1" in body and "Déclaration d\u2019accessibilité" in body
    assert status_in_statement(body) == "non conforme"
    assert "WCAG 2.1" in body and "RGAA version 4.1" in body and "axe-core" in body
    assert 'href="mailto:accessibilite@platform.test"' in body
    assert "Voies de recours" in body and 'href="https://www.defenseurdesdroits.fr/"' in body
    assert "XLSX" in body  # the known non-accessible content


def section(body: str, heading: str) -> str:
    """The statement's text under ``heading``, up to the next h2 or h3."""
    found = re.search(
        rf"<h([23])[^>]*>{re.escape(heading)}</h\1>(.*?)(?=<h[23][ >]|</article>)", body, re.S
    )
    assert found, f"no section {heading!r}"
    return found.group(2)


def test_the_statement_has_the_sections_of_the_rgaa_model(public_client):
    body = public_client.get("/accessibility/").content.decode()
    non_compliant = section(body, "Non-conformités")
    assert "Swagger UI" in non_compliant and "XLSX" in non_compliant
    assert "aucune dérogation" in section(body, "Dérogations pour charge disproportionnée").lower()
    not_subject = section(body, "Contenus non soumis à l\u2019obligation d\u2019accessibilité")
    assert "documents que les utilisateurs joignent" in not_subject
    assert "fournisseur d\u2019identité" in not_subject
    tools = section(body, "Outils utilisés pour vérifier l\u2019accessibilité")
    assert f"axe-core {AXE_CORE_VERSION}" in tools and "Playwright" in tools
    assert "clavier seul" in tools
    pages = section(body, "Pages du site ayant fait l\u2019objet de la vérification de conformité")
    for kind in (
        "Page d\u2019accueil",
        "Listes",
        "Formulaire et page d\u2019une demande",
        "Séance d\u2019arbitrage",
        "Parc",
        "Structure",
        "Administration",
        "Référentiels",
        "Curation",
        "équipe de la plateforme",
        "connexion",
    ):
        assert kind in pages, kind


def test_the_statement_names_the_axe_core_release_the_browser_suite_runs():
    pinned = json.loads(AXE_PACKAGE.read_text(encoding="utf-8"))["dependencies"]["axe-core"]
    assert pinned == AXE_CORE_VERSION


def test_the_french_statement_writes_the_typographic_apostrophe(public_client):
    body = public_client.get("/accessibility/").content.decode()
    article = body.split("<article", 1)[1].split("</article>", 1)[0]
    text = html.unescape(re.sub(r"<[^>]+>", " ", article.split(">", 1)[1]))
    # The product's name comes from every page's title, not from the statement's own texts.
    text = text.replace("Plan d'équipement", "")
    assert "'" not in text, [line.strip() for line in text.splitlines() if "'" in line]


def test_a_tenant_host_serves_the_statement_with_the_tenants_contact(tenant, settings):
    settings.PLATFORM_CONTACT_EMAIL = "accessibilite@platform.test"
    response = Client(HTTP_HOST=host_of(tenant)).get("/accessibility/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Déclaration d\u2019accessibilité" in body and tenant.name in body
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
