"""The commission's session in chromium: a refused row keeps what everyone typed."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.numbering.services import allocate_many
from tenants.requests.models import REFERENCE_PREFIX, EquipmentRequest, RequestPart
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
    # The amount field shows "104400,00" whole at 1280 px (it was cut at "104400,0").
    amount = page.locator(f'input[name="amount-{pumps.pk}"]')
    assert amount.evaluate("e => e.getBoundingClientRect().width") >= 120
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


def test_rows_loaded_on_demand_count_in_the_running_totals_and_are_sent_with_the_others(
    browser, live_server_port, chain_in_alpha, waiting
):
    """A session longer than a page: its first 100 rows come with the page, the next ones
    are loaded into the same form; a decision chosen in either counts, and a refused session
    shows every row loaded again, with what was typed."""
    base = f"http://alpha.localhost:{live_server_port}"
    chain = chain_in_alpha
    _breathing, pumps, _bed = waiting
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        today = datetime.date.today()
        extra = [
            EquipmentRequest(
                campaign=chain["campaign"],
                uf=chain["rea"],
                nature="equipment",
                title=f"Consommable {i:03d}",
                priority=4,  # after the three of the fixture
                state="validated",
                requested_by=chain["users"]["requester"],
                reference=reference,
            )
            for i, reference in enumerate(allocate_many(REFERENCE_PREFIX, today.year, 100))
        ]
        extra = EquipmentRequest.objects.bulk_create(extra)
        RequestPart.objects.bulk_create(
            [RequestPart(request=r, kind="investment", quantity=1, unit_price=1000) for r in extra]
        )
    last = extra[-1]
    page = signed_in(browser, base, chain["users"]["commission"].email)
    page.goto(f"{base}/campaigns/{chain['campaign'].pk}/arbitration/")
    rows = page.locator("form[data-arbitration] tr[data-row]")
    assert rows.count() == 100
    assert page.locator(f'tr[data-row="{last.pk}"]').count() == 0
    page.locator(f'select[name="decision-{pumps.pk}"]').select_option("granted")
    total = page.locator("[data-running-total]")
    assert total.inner_text() == "8\u202f000,00\u00a0€"
    page.locator("[data-show-more]").click()
    page.wait_for_selector(f'tr[data-row="{last.pk}"]')
    assert rows.count() == 103 and page.locator("[data-more]").count() == 0
    # The keyboard goes on from the first row loaded.
    focused = page.evaluate("document.activeElement.id")
    assert focused == f"title-{extra[-3].pk}"
    page.locator(f'select[name="decision-{last.pk}"]').select_option("granted")
    assert total.inner_text() == "9\u202f000,00\u00a0€"
    envelope = page.locator("tr[data-envelope] [data-running]")
    assert envelope.inner_text() == "9\u202f000,00\u00a0€"
    page.locator(f'select[name="decision-{extra[-2].pk}"]').select_option("granted")
    page.locator(f'input[name="amount-{extra[-2].pk}"]').fill("mille")
    page.locator("form[data-arbitration] button.btn-primary").click()
    page.wait_for_selector("[data-faulty]")
    assert rows.count() == 103
    assert page.locator(f'select[name="decision-{last.pk}"]').input_value() == "granted"
    assert page.locator(f'input[name="amount-{extra[-2].pk}"]').input_value() == "mille"
    assert page.locator(f'select[name="decision-{pumps.pk}"]').input_value() == "granted"
    assert total.inner_text() == "9\u202f000,00\u00a0€"
