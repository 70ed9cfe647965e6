"""The whole request chain in chromium, one person per role, from the draft to the plan line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.access.models import ExpertiseDomain
from tenants.plan.models import PlanLine
from tenants.requests.models import EquipmentRequest
from tests.conftest import PASSWORD

pytestmark = pytest.mark.slow

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def screenshot(page, name: str, *, full_page: bool = True) -> None:  # type: ignore[no-untyped-def]
    """The README's picture of this page, at 1280 px wide, kept fresh by the test that sees it."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SCREENSHOTS / name), full_page=full_page)


def signed_in(browser, base: str, email: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="fr-FR", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}/")
    return page


def act(page, base: str, pk: int, action: str, fill=None) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/requests/{pk}/")
    form = page.locator(f'form[data-action="{action}"]')
    if fill:
        fill(form)
    form.locator("button").first.click()  # its main action (management may also refuse)
    page.wait_for_url(f"{base}/requests/{pk}/")
    assert page.locator("[data-refusal]").count() == 0


def test_one_person_per_role_takes_a_request_from_draft_to_the_plan(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    u, campaign = chain_in_alpha["users"], chain_in_alpha["campaign"]

    # The requester fills the form: the UF, the title, a second part, French amounts.
    requester = signed_in(browser, base, u["requester"].email)
    requester.goto(f"{base}/campaigns/{campaign.pk}/requests/new/")
    requester.locator("#id_uf").fill("1101")
    requester.locator("#id_title").fill("Échographe du bloc")
    requester.locator("#id_argument").fill("Le bloc n'a pas d'échographe dédié.")
    requester.locator("#id_parts-0-quantity").fill("1")
    requester.locator("#id_parts-0-unit_price").fill("25 000,00")
    requester.locator("#id_parts-1-kind").select_option("maintenance")
    requester.locator("#id_parts-1-quantity").fill("3")
    requester.locator("#id_parts-1-unit_price").fill("1 200")
    requester.locator("form[data-request-form] button.btn-primary").click()
    requester.wait_for_url(re.compile(rf"{re.escape(base)}/requests/\d+/$"))
    pk = int(requester.url.rstrip("/").rsplit("/", 1)[-1])
    assert "28\u202f600,00\u00a0€" in requester.locator("[data-total]").inner_text()
    act(requester, base, pk, "submit")
    assert requester.locator("[data-state]").get_attribute("data-state") == "submitted"

    # The head of pôle finds it waiting, with a notification, and gives a favourable opinion.
    head = signed_in(browser, base, u["pole_head"].email)
    assert head.locator("[data-unread-notifications]").inner_text() == "1"
    head.goto(f"{base}/requests/waiting/")
    head.get_by_role("link", name="Échographe du bloc").click()
    act(head, base, pk, "pole_opinion", lambda f: f.locator("textarea").fill("Priorité du pôle"))

    # The dispatcher sends it to the biomedical domain.
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        biomedical = ExpertiseDomain.objects.get(code="biomedical")
    dispatcher = signed_in(browser, base, u["dispatcher"].email)
    act(
        dispatcher,
        base,
        pk,
        "dispatch",
        lambda f: f.locator('select[name="domain"]').select_option(str(biomedical.pk)),
    )

    # The expert judges both parts: the maintenance unfavourably, saying why.
    expert = signed_in(browser, base, u["expert"].email)

    def expertise(form) -> None:  # type: ignore[no-untyped-def]
        form.locator("select").nth(1).select_option("0")
        form.locator("input[name$='-opinion']").nth(1).fill("Au marché de maintenance")
        form.locator("textarea").fill("Conforme")

    act(expert, base, pk, "expertise", expertise)

    manager = signed_in(browser, base, u["manager"].email)
    act(manager, base, pk, "management")
    manager.goto(f"{base}/requests/{pk}/")
    # Waiting for the commission; its first screen (the history below runs long).
    screenshot(manager, "request-detail.png", full_page=False)

    # The commission decides in its session; the running total follows the decision.
    commission = signed_in(browser, base, u["commission"].email)
    commission.goto(f"{base}/campaigns/{campaign.pk}/arbitration/")
    row = commission.locator(f'tr[data-row="{pk}"]')
    total = commission.locator("[data-running-total]")
    assert total.inner_text().startswith("0,00")
    row.locator("[data-decision]").select_option("granted")
    row.locator("[data-amount]").fill("25000")
    assert total.inner_text() == "25\u202f000,00\u00a0€"
    commission.get_by_role("button", name=re.compile("décisions|decisions")).click()
    commission.wait_for_url(f"{base}/campaigns/{campaign.pk}/arbitration/")
    assert "Accordée" in row.inner_text()

    # The requester sees the decision, and the plan line.
    requester.goto(f"{base}/plan/")
    assert "Échographe du bloc" in requester.locator("table.list-table").inner_text()
    with tenant_context(Tenant.objects.get(schema_name="t_alpha")):
        request = EquipmentRequest.objects.get(pk=pk)
        assert request.state == "granted"
        assert PlanLine.objects.get(request=request).amount == 25000
        maintenance = request.parts.get(kind="maintenance")
        assert (maintenance.favourable, maintenance.opinion) == (False, "Au marché de maintenance")
        assert list(request.events.values_list("action", flat=True)) == [
            "submit",
            "pole_opinion",
            "dispatch",
            "expertise",
            "validate",
            "arbitrate",
        ]
