"""The follow-up in chromium: the expert takes a line from the grant to its commissioning in
the list itself, step by step (each row changed in place, with htmx), while the requester sees
the steps change on theirs."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from saas.dates import add_months
from saas.tenancy.models import Tenant
from tenants.plan import services
from tenants.plan.models import PlanLine
from tenants.plan.steps import DEFAULT_STEPS
from tests.browser.test_request_chain import screenshot, signed_in
from tests.tenants.plan.conftest import grant

pytestmark = pytest.mark.slow


def test_an_expert_takes_a_line_to_commissioning_in_the_list_the_requester_follows(
    browser, live_server_port, chain_in_alpha
):
    base = f"http://alpha.localhost:{live_server_port}"
    u = chain_in_alpha["users"]
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        line = grant(chain_in_alpha)
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        month = add_months(datetime.date.today().replace(day=1), 2)
        line = services.update_line(
            line,
            {"commissioning_month": month, "public_note": "Livraison prévue au printemps"},
            by=u["expert"],
        )
    expert = signed_in(browser, base, u["expert"].email)
    requester = signed_in(browser, base, u["requester"].email)
    row_form = f'form[data-step-in-row="{line.pk}"]'
    expert.goto(f"{base}/plan/schedule/")
    assert line.reference in expert.locator(f'[data-month="{month:%Y-%m}"] + ul').inner_text()
    screenshot(expert, "plan-schedule.png")
    steps = [code for code, _label in DEFAULT_STEPS["equipment"]]
    expert.goto(f"{base}/plan/managed/")
    # The row changes in place (htmx): the page is never loaded again.
    expert.evaluate("window.sameListPage = true")
    status = expert.locator("#list-status")
    for done, code in enumerate(steps, start=1):
        form = expert.locator(row_form)
        form.locator("select").select_option("done")
        status.evaluate("region => { region.textContent = '' }")
        form.locator("button").click()
        expert.wait_for_function("() => document.getElementById('list-status').textContent")
        said = status.text_content()
        assert said.startswith(f"{line.reference}\u00a0: étape") and "Faite" in said, said
        assert expert.evaluate("window.sameListPage") is True
        assert expert.url == f"{base}/plan/managed/"
        requester.goto(f"{base}/plan/followed/")
        badges = requester.locator(f'tr:has(a:text("{line.reference}")) [data-step-status="done"]')
        assert badges.count() == done, code
        if code == "order":
            screenshot(expert, "plan-managed.png")
            screenshot(requester, "plan-followed.png")
    # Every step done: the line is commissioned, nothing is left to do in its row.
    assert "la ligne est mise en service" in status.text_content()
    assert expert.locator(row_form).count() == 0
    with tenant_context(alpha):
        assert PlanLine.objects.get(pk=line.pk).status == PlanLine.Status.COMMISSIONED
    assert "Mise en service" in requester.locator("table.list-table").inner_text()
