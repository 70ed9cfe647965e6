"""The request form in chromium: one submit shows every mistake, in French."""

from __future__ import annotations

import pytest

from tests.browser.test_request_chain import screenshot, signed_in

pytestmark = pytest.mark.slow


def test_one_submit_shows_every_mistake_and_keeps_what_was_typed(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    campaign = chain_in_alpha["campaign"]
    page = signed_in(browser, base, chain_in_alpha["users"]["requester"].email)
    page.goto(f"{base}/campaigns/{campaign.pk}/requests/new/")
    # The title is left empty: the browser must not stop there on its own.
    page.locator("#id_uf").fill("9999")
    page.locator("#id_nomenclature_code").fill("ZZZ")
    page.locator("#id_reference_model").fill("Philips MX450")
    page.locator("#id_parts-0-quantity").fill("0")
    page.locator("#id_parts-0-unit_price").fill("douze")
    page.locator("form[data-request-form] button.btn-primary").click()
    page.wait_for_selector(".invalid-feedback")
    errors = " | ".join(page.locator(".invalid-feedback").all_inner_texts())
    for expected in (
        "Ce champ est obligatoire",
        "aucune UF n\u2019a ce code",
        "n\u2019est pas un code des nomenclatures",
        "n\u2019a pas \u00e9t\u00e9 choisi parmi les suggestions",
        "pas un montant en euros",
    ):
        assert expected in errors, errors
    assert page.locator("#id_reference_model").input_value() == "Philips MX450"
    screenshot(page, "request-form-errors.png")
