"""Pages as a French user sees them in chromium (the server runs with DEBUG on, as the demo)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser.test_request_chain import signed_in

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def test_a_refused_request_form_and_an_unknown_page_read_as_french(
    browser,
    live_server_port,
    chain_in_alpha,
):
    base = f"http://alpha.localhost:{live_server_port}"
    u, campaign = chain_in_alpha["users"], chain_in_alpha["campaign"]
    page = signed_in(browser, base, u["requester"].email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/campaigns/{campaign.pk}/requests/new/")
    page.locator("#id_uf").fill("1101")
    page.locator("#id_parts-0-quantity").fill("0")
    page.locator("#id_parts-0-unit_price").fill("1.234,50")
    page.locator("#id_parts-1-kind").select_option("maintenance")
    page.locator("#id_parts-1-quantity").fill("2")
    page.locator("#id_parts-1-unit_price").fill("douze")
    page.locator("#id_title").evaluate("field => field.removeAttribute('required')")
    page.locator("form[data-request-form] button.btn-primary").click()
    page.wait_for_selector('[data-field="parts-1-unit_price"]')
    errors = page.locator("form[data-request-form]").inner_text()
    assert re.search(r"Quantité\s:", errors) and re.search(r"«\sdouze\s»", errors), errors
    assert "parts[" not in errors and "unit_price" not in errors
    assert page.locator("#id_parts-1-kind").input_value() == "maintenance"
    assert page.locator("#id_parts-0-unit_price").input_value() == "1.234,50"
    # The README's picture of these errors is test_request_form.py's (one writer per file:
    # the browser files run side by side under pytest-xdist).

    response = page.goto(f"{base}/no-such-page/")
    assert response is not None and response.status == 404
    text = page.locator("body").inner_text()
    assert "Page introuvable" in text and "URLconf" not in text
    page.screenshot(path=str(SCREENSHOTS / "page-not-found.png"))
    page.context.close()
