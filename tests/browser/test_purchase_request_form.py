"""The purchase request form and the Achats menu at 1280 px, as a new user tried them (issue 16):
nothing scrolls sideways, a line is added without leaving the page, the menu's groups open
and are walked with the keyboard."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from tenants.purchasing.models import PurchaseRequest
from tests.browser.accessibility import axe_violations, describe
from tests.browser.test_purchase_documents import buying_in_alpha  # noqa: F401 - a fixture
from tests.browser.test_request_chain import screenshot, signed_in

pytestmark = pytest.mark.slow

OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_the_request_form_fits_1280_px_and_adds_a_line_in_place(
    browser,
    live_server_port,
    buying_in_alpha,  # noqa: F811
):
    base = f"http://alpha.localhost:{live_server_port}"
    line, market = buying_in_alpha["line"], buying_in_alpha["market"]
    page = signed_in(browser, base, buying_in_alpha["buyer"].email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/purchasing/requests/new/?line={line.pk}")
    assert page.evaluate(OVERFLOW) <= 0, "the form scrolls sideways at 1280 px"
    # Every order line's plan line is readable whole.
    field = page.locator('[name="lines-0-plan_line"]')
    assert field.input_value() == line.reference
    assert field.evaluate("f => f.scrollWidth <= f.clientWidth")
    assert page.locator("[data-order-line]").count() == 3
    page.get_by_role("button", name="Ajouter une ligne").click()
    assert page.locator("[data-order-line]").count() == 4
    assert page.locator("#id_lines-TOTAL_FORMS").input_value() == "4"
    added = page.locator('[name="lines-3-plan_line"]')
    assert added.evaluate("f => f === document.activeElement")
    assert page.evaluate(OVERFLOW) <= 0
    violations = describe(axe_violations(page), "the request form")
    assert not violations, violations
    page.locator('[name="supplier"]').fill("Getinge Navigateur")
    page.locator('[name="quote_date"]').fill(datetime.date.today().strftime("%d/%m/%Y"))
    # The lot's suggestion names its market: the market need not be chosen as well.
    page.locator('[name="lot"]').fill("Réanimation")
    page.get_by_role("option", name=f"3 · Réanimation · {market.reference}").click()
    assert page.locator('[name="lot"]').input_value() == f"3 · {market.reference}"
    page.locator('[name="lines-0-unit_price"]').fill("12500,00")
    added.fill(line.reference)
    page.locator('[name="lines-3-description"]').fill("Chariot")
    page.locator('[name="lines-3-quantity"]').fill("1")
    page.locator('[name="lines-3-unit_price"]').fill("800")
    screenshot(page, "purchase-request-form.png")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    page.wait_for_url(f"{base}/purchasing/requests/*/")
    with tenant_context(buying_in_alpha["alpha"]):
        saved = PurchaseRequest.objects.get(quote_number="", supplier__name="Getinge Navigateur")
        assert saved.market == market and saved.lot is not None and saved.lot.number == "3"
        assert sorted(saved.lines.values_list("description", flat=True)) == [
            "Chariot",
            line.title,
        ]


def test_the_achats_menu_opens_in_groups_walked_with_the_keyboard(
    browser,
    live_server_port,
    buying_in_alpha,  # noqa: F811
):
    base = f"http://alpha.localhost:{live_server_port}"
    page = signed_in(browser, base, buying_in_alpha["buyer"].email)
    page.set_viewport_size({"width": 1280, "height": 900})
    toggle = page.locator("[data-purchasing-menu] > button")
    toggle.focus()
    page.keyboard.press("Enter")
    menu = page.locator("[data-purchasing-menu] .dropdown-menu")
    menu.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    for name in ("Marchés", "Achats", "Catalogue"):
        assert page.get_by_role("group", name=name).is_visible(), name
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.textContent.trim()")
    assert first == "Liste des marchés"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Demandes d\u2019achat"
    assert page.evaluate(OVERFLOW) <= 0
    violations = describe(axe_violations(page), "the open menu")
    assert not violations, violations
    screenshot(page, "purchasing-menu.png", full_page=False)
    page.keyboard.press("Escape")
    menu.wait_for(state="hidden")
