"""Small screens and the keyboard's first stop (issue 14): at 320 CSS px wide (a phone, or
1280 px zoomed to 400 %) no page scrolls sideways, only a wide table inside its own wrapper
(WCAG 1.4.10); the menu folds behind a « Menu » button; the skip link is the first stop of the
keyboard and takes the focus to the page's content (RGAA 12.7)."""

from __future__ import annotations

import re

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tests.conftest import PASSWORD, server_password_hash

pytestmark = pytest.mark.slow

NARROW = {"width": 320, "height": 640}

# How far the page reaches sideways past the window, and what sticks out first (an element
# wider than the window inside one that is not), for the message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  const out = (e) => e && e.getBoundingClientRect().right > width + 1;
  const wider = [...document.querySelectorAll('body *')]
    .filter((e) => out(e) && !out(e.parentElement)).slice(0, 5)
    .map((e) => e.outerHTML.slice(0, 120) + ' ' + Math.round(e.getBoundingClientRect().right));
  return {scroll: document.documentElement.scrollWidth, width, wider};
}"""


def assert_no_sideways_scroll(page, where: str) -> None:  # type: ignore[no-untyped-def]
    found = page.evaluate(OVERFLOW)
    assert found["scroll"] <= found["width"] + 1, f"{where} scrolls sideways: {found}"


def sign_in(page, base: str, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(f"{base}/")))


@pytest.fixture
def people(chain_in_alpha):  # type: ignore[no-untyped-def]
    """The chain's administrator and requester, who sign in through the web server."""
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        for user in (chain_in_alpha["admin"], chain_in_alpha["users"]["requester"]):
            user.password = server_password_hash()
            user.save(update_fields=["password"])
    return chain_in_alpha


def narrow_page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport=NARROW)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_no_page_scrolls_sideways_at_320_px(browser, live_server_port, people):
    base = f"http://alpha.localhost:{live_server_port}"
    request, campaign = people["request"], people["campaign"]

    anonymous = narrow_page(browser)
    try:
        anonymous.goto(f"http://localhost:{live_server_port}/")
        assert_no_sideways_scroll(anonymous, "the public landing page")
        anonymous.goto(f"{base}/accounts/login/")
        assert_no_sideways_scroll(anonymous, "the sign-in page")
    finally:
        anonymous.context.close()

    page = narrow_page(browser)
    try:
        sign_in(page, base, people["admin"].email)
        toggler = page.get_by_role("button", name="Menu")
        menu = page.locator("#main-menu")
        assert toggler.is_visible() and not menu.is_visible()
        assert_no_sideways_scroll(page, "the home page")
        # The menu unfolds under its button, and folds again.
        toggler.click()
        page.wait_for_function(
            "() => document.querySelector('#main-menu').classList.contains('show')"
        )
        assert toggler.get_attribute("aria-expanded") == "true"
        assert page.locator("[data-main-nav] .nav-link", has_text="Parc").is_visible()
        assert page.locator("[data-user-menu]").is_visible()
        assert_no_sideways_scroll(page, "the home page with its menu open")
        # The person's menu opens inside the window, sign-out button included.
        page.locator("[data-user-menu] .dropdown-toggle").click()
        sign_out = page.get_by_role("button", name="Se déconnecter").bounding_box()
        assert sign_out["x"] >= 0 and sign_out["x"] + sign_out["width"] <= NARROW["width"]
        page.keyboard.press("Escape")
        toggler.click()
        page.wait_for_function(
            "() => !document.querySelector('#main-menu').classList.contains('show')"
        )
        assert toggler.get_attribute("aria-expanded") == "false"
        for path, what in [
            ("/requests/", "the list of requests"),
            (f"/requests/{request.pk}/", "a request's page"),
            ("/administration/users/", "the users' page"),
            (f"/campaigns/{campaign.pk}/", "a campaign's page"),
            (f"/campaigns/{campaign.pk}/arbitration/", "the commission's session"),
            ("/notifications/", "the notifications"),
        ]:
            page.goto(f"{base}{path}")
            assert_no_sideways_scroll(page, what)
    finally:
        page.context.close()

    requester = narrow_page(browser)
    try:
        sign_in(requester, base, people["users"]["requester"].email)
        requester.goto(f"{base}/campaigns/{campaign.pk}/requests/new/")
        assert_no_sideways_scroll(requester, "the request form")
        requester.get_by_role("button", name="Enregistrer le brouillon").click()
        requester.wait_for_selector("[data-error-summary]")
        assert_no_sideways_scroll(requester, "the request form with its errors")
    finally:
        requester.context.close()


def test_at_1280_px_the_menu_is_not_folded(browser, live_server_port, people):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        base = f"http://alpha.localhost:{live_server_port}"
        sign_in(page, base, people["admin"].email)
        assert not page.get_by_role("button", name="Menu").is_visible()
        assert page.locator("[data-main-nav] .nav-link", has_text="Parc").is_visible()
        assert page.locator("[data-user-menu]").is_visible()
    finally:
        context.close()


def test_the_first_tab_reaches_the_skip_link_and_enter_moves_to_the_content(
    page, live_server_port, people
):
    base = f"http://alpha.localhost:{live_server_port}"
    sign_in(page, base, people["admin"].email)
    page.goto(f"{base}/requests/{people['request'].pk}/")
    skip = page.get_by_role("link", name="Aller au contenu")
    assert not skip.is_visible() or skip.bounding_box()["width"] <= 1  # hidden until focused
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.matches('[data-skip-link]')")
    box = skip.bounding_box()
    assert box["width"] > 50 and box["height"] > 20, box  # shown while it has the focus
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'content'")
    # The next Tab goes on inside the content, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
