"""The commission's session in chromium: a refused row keeps what everyone typed."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.campaigns.services import add_envelope
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest
from tenants.requests.services import PartInput, save_draft
from tests.browser.test_request_chain import chain_in_alpha, screenshot, signed_in

__all__ = ["chain_in_alpha"]
pytestmark = pytest.mark.slow


@pytest.fixture
def waiting(chain_in_alpha):  # type: ignore[no-untyped-def]
    """Three requests validated by the management, waiting for the commission."""
    chain, u = chain_in_alpha, chain_in_alpha["users"]
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        add_envelope(chain["campaign"], chain["pole"], "50000", "own_funds", by=chain["admin"])
        requests = [chain["request"]]
        for title, price in (("Pousse-seringues", "8000"), ("Lit de réanimation", "15000")):
            requests.append(
                save_draft(
                    by=u["requester"],
                    campaign=chain["campaign"],
                    uf=chain["rea"],
                    title=title,
                    parts=[PartInput("investment", 1, price)],
                )
            )
        for request in requests:
            request = workflow.submit(request, by=u["requester"])
            request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
            request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
            request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
            workflow.validate(request, by=u["manager"])
        return [EquipmentRequest.objects.get(pk=r.pk) for r in requests]


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
