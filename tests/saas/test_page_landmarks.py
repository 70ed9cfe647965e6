"""Every page's skip link and landmarks (RGAA 12.6 and 12.7): the skip link is the first thing
the keyboard reaches and leads to the one <main>; the main navigation is named, folds behind a
button on narrow screens, and every page ends with the footer."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django_tenants.utils import tenant_context

from tenants.access.models import Role, ScopeKind
from tenants.access.services import grant_role
from tests.conftest import client_for, host_of

pytestmark = pytest.mark.django_db

FOCUSABLE = {"a", "button", "input", "select", "textarea"}


@dataclass
class Landmarks:
    first_focusable: dict[str, str] | None = None
    first_focusable_text: str = ""
    mains: list[dict[str, str]] = field(default_factory=list)
    navs: list[dict[str, str]] = field(default_factory=list)
    footers: int = 0
    ids: set[str] = field(default_factory=set)
    buttons: list[dict[str, str]] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found = Landmarks()
        self._in_first = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if "id" in attributes:
            self.found.ids.add(attributes["id"])
        if tag == "main":
            self.found.mains.append(attributes)
        elif tag == "nav":
            self.found.navs.append(attributes)
        elif tag == "footer":
            self.found.footers += 1
        elif tag == "button":
            self.found.buttons.append(attributes)
        focusable = (tag in FOCUSABLE and attributes.get("type") != "hidden") and (
            tag != "a" or "href" in attributes
        )
        if self.found.first_focusable is None and focusable:
            self.found.first_focusable = {"tag": tag, **attributes}
            self._in_first = tag == "a"

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._in_first = False

    def handle_data(self, data: str) -> None:
        if self._in_first:
            self.found.first_focusable_text += data


def landmarks(body: str) -> Landmarks:
    reader = _Reader()
    reader.feed(body)
    return reader.found


def assert_skip_link_and_main(page: Landmarks) -> None:
    first = page.first_focusable
    assert first is not None
    assert first["tag"] == "a" and first["href"] == "#content", first
    assert "visually-hidden-focusable" in first["class"]
    assert page.first_focusable_text.strip() == "Aller au contenu"
    assert len(page.mains) == 1, page.mains
    assert page.mains[0].get("id") == "content" and page.mains[0].get("tabindex") == "-1"
    assert page.footers == 1


def assert_named_navigation(page: Landmarks) -> None:
    assert page.navs, "no <nav>"
    assert page.navs[0].get("aria-label") == "Navigation principale"
    labels = [nav.get("aria-label", "") for nav in page.navs]
    assert all(labels) and len(set(labels)) == len(labels), labels  # each named, told apart
    toggler = [b for b in page.buttons if b.get("aria-controls") == "main-menu"]
    assert len(toggler) == 1 and toggler[0].get("aria-expanded") == "false"
    assert "main-menu" in page.ids


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accessibility/", "/no-such-page/"])
def test_a_tenant_page_seen_anonymously(tenant, path):
    page = landmarks(Client(HTTP_HOST=host_of(tenant)).get(path, follow=True).content.decode())
    assert_skip_link_and_main(page)
    assert_named_navigation(page)


@pytest.mark.parametrize("path", ["/", "/requests/", "/administration/users/"])
def test_a_tenant_page_seen_by_its_administrator(tenant, make_user, path):
    admin = make_user(tenant)
    with tenant_context(tenant):
        grant_role(admin, Role.TENANT_ADMIN, ScopeKind.TENANT, by="test")
    response = client_for(host_of(tenant), admin, tenant).get(path)
    assert response.status_code == 200
    page = landmarks(response.content.decode())
    assert_skip_link_and_main(page)
    assert_named_navigation(page)


@pytest.mark.parametrize("path", ["/", "/signup/", "/accounts/login/", "/accessibility/"])
def test_a_public_page(public_client, path):
    page = landmarks(public_client.get(path).content.decode())
    assert_skip_link_and_main(page)
    assert_named_navigation(page)


def test_a_standalone_page_has_the_skip_link_too():
    # The pages served outside the host's URLs (unknown host, unavailable tenant, 500) have no
    # menu: the skip link still comes first and leads to their <main>.
    assert_skip_link_and_main(
        landmarks(Client(HTTP_HOST="nobody.localhost").get("/").content.decode())
    )
    assert_skip_link_and_main(landmarks(render_to_string("500.html")))


def test_the_checks_catch_a_page_without_skip_link():
    page = landmarks('<body><nav><a href="/">Home</a></nav><main id="content"></main></body>')
    with pytest.raises(AssertionError):
        assert_skip_link_and_main(page)
    with pytest.raises(AssertionError):
        assert_named_navigation(page)
