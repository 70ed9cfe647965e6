"""The commission's session in chromium: a refused row keeps what everyone typed."""

from __future__ import annotations

import pytest

from tests.browser.test_request_chain import screenshot, signed_in

pytestmark = pytest.mark.slow


def test_a_refused_session_shows_every_decision_again(
    browser, live_server_port, chain_in_alpha, waiting
):
    base = f"http://alpha.localhost:{live_server_port}"
    breathing, pumps, bed = waiting
    page = signed_in(browser, base, chain_in_alpha["users"]["commission"].email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{base}/campaigns/{chain_in_alpha['campaign'].pk}/arbitration/")
    assert page.locator(f'select[name="decision-{pumps.pk}"]').input_value() == ""
    page.locator(f'select[name="decision-{breathing.pk}"]').select_option("granted")
    page.locator(f'input[name="amount-{breathing.pk}"]').fill("28 000")
    page.locator(f'select[name="decision-{pumps.pk}"]').select_option("granted")
    page.locator(f'input[name="amount-{pumps.pk}"]').fill("huit mille")
    page.locator(f'select[name="decision-{bed.pk}"]').select_option("deferred")
    page.locator(f'input[name="reason-{bed.pk}"]').fill("L'an prochain")
    page.locator("form[data-arbitration] button.btn-primary").click()
    page.wait_for_selector("[data-faulty]")
    assert "Montant accordé" in page.locator("[data-faulty]").inner_text()
    assert page.locator(f'select[name="decision-{breathing.pk}"]').input_value() == "granted"
    assert page.locator(f'input[name="amount-{breathing.pk}"]').input_value() == "28 000"
    assert page.locator(f'input[name="amount-{pumps.pk}"]').input_value() == "huit mille"
    assert page.locator(f'input[name="reason-{bed.pk}"]').input_value() == "L'an prochain"
    screenshot(page, "arbitration-session.png")
