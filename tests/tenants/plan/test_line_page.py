"""A plan line's page: what each person sees of it and what they may change from it."""

from __future__ import annotations

import datetime
import re

import pytest
from django_tenants.utils import tenant_context

from tenants.plan import services
from tenants.plan.models import LineStep, PlanLine, StepDefinition
from tests.conftest import client_for, host_of


@pytest.fixture
def managed(chain, line, tenant) -> PlanLine:  # type: ignore[no-untyped-def]
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        return services.update_line(
            line,
            {"public_note": "Livraison prévue en mars", "private_note": "Négocier la garantie"},
            by=u["expert"],
        )


def page(client, line: PlanLine):  # type: ignore[no-untyped-def]
    return client.get(f"/plan/lines/{line.pk}/")


def post(client, line: PlanLine, **data):  # type: ignore[no-untyped-def]
    return client.post(f"/plan/lines/{line.pk}/act/", {"version": line.version, **data})


def test_the_requester_follows_the_steps_without_the_teams_side(web, chain, managed):
    html = page(web["requester"], managed).content.decode()
    assert "Livraison prévue en mars" in html and "Négocier la garantie" not in html
    assert (
        "data-amounts" not in html and "<form" not in html.split("<main", 1)[1].split("</main>")[0]
    )
    assert 'data-step-status="to_do"' in html and "expert" in html
    # The request's page leads to its line.
    request_page = web["requester"].get(managed.request.get_absolute_url()).content.decode()
    assert f'href="/plan/lines/{managed.pk}/" data-plan-line>PLN-' in request_page


def order_step(tenant) -> StepDefinition:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return StepDefinition.objects.get(nature="equipment", code="order")


def test_the_manager_changes_a_step_from_the_page(web, tenant, managed):
    order = order_step(tenant)
    html = page(web["expert"], managed).content.decode()
    assert "Négocier la garantie" in html and "data-amounts" in html
    assert f'id="step-{order.pk}-form"' in html
    response = post(
        web["expert"],
        managed,
        action="step",
        step=order.pk,
        **{f"step-{order.pk}-status": "done", f"step-{order.pk}-date": "15/03/2027"},
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        saved = LineStep.objects.get(line=managed, definition=order)
        assert (saved.status, saved.date.isoformat()) == ("done", "2027-03-15")
        assert PlanLine.objects.get(pk=managed.pk).status == "ordered"
        managed.refresh_from_db()
    # The line's own fields, typed the French way.
    month = (datetime.date.today().replace(day=1) + datetime.timedelta(days=40)).replace(day=1)
    response = post(
        web["expert"],
        managed,
        action="line",
        commissioning_month=month.strftime("%m/%Y"),
        ordered_amount="24 500,50",
        public_note="Livraison prévue",
        procedure="local_market",
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        saved_line = PlanLine.objects.get(pk=managed.pk)
    assert (saved_line.commissioning_month, str(saved_line.ordered_amount)) == (month, "24500.50")
    assert (
        saved_line.procedure == "local_market" and saved_line.private_note == "Négocier la garantie"
    )
    # Its history names what changed in French: the line and its step, not the code's names.
    history = page(web["expert"], managed).content.decode()
    assert "Étape « Commande · Faite »" in history
    assert f"<del>—</del> → {month.strftime('%m/%Y')}</li>" in history
    assert "Line step" not in history and "Plan line" not in history


def test_a_refused_change_is_said_and_changes_nothing(web, tenant, managed):
    order = order_step(tenant)
    fields = {f"step-{order.pk}-status": "done"}
    # Someone who may see the line but not change it.
    response = post(web["requester"], managed, action="step", step=order.pk, **fields)
    assert response.status_code == 403
    # An older version of the line.
    response = post(
        web["expert"],
        managed,
        action="step",
        step=order.pk,
        version=managed.version - 1,
        **fields,
    )
    assert response.status_code == 409 and "rechargez" in response.content.decode()
    with tenant_context(tenant):
        assert not LineStep.objects.exists()
    # A month that is none, an amount that is none: said next to the field.
    response = post(
        web["expert"],
        managed,
        action="line",
        commissioning_month="13/2027",
        ordered_amount="abc",
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_commissioning_month_error"' in html
    response = post(web["expert"], managed, action="line", ordered_amount="abc")
    html = response.content.decode()
    assert response.status_code == 400 and 'id="id_ordered_amount_error"' in html
    assert re.search(r'name="ordered_amount"[^>]*aria-invalid="true"', html)
    for bad in ({"action": "nope"}, {"action": "step", "step": "x\x00"}, {"action": "step"}):
        assert post(web["expert"], managed, **bad).status_code == 400
    with tenant_context(tenant):
        assert PlanLine.objects.get(pk=managed.pk).version == managed.version


def test_the_dispatcher_names_the_manager_and_the_manager_closes_and_reopens(
    web, chain, line, tenant
):
    expert = chain["users"]["expert"]
    html = page(web["dispatcher"], line).content.decode()
    assert "data-manager-form" in html and "imaging_expert" not in html
    response = post(web["dispatcher"], line, action="manager", manager=expert.pk)
    assert response.status_code == 302
    with tenant_context(tenant):
        line.refresh_from_db()
        assert line.manager == expert
    assert post(web["expert"], line, action="close").status_code == 302
    with tenant_context(tenant):
        line.refresh_from_db()
    html = page(web["expert"], line).content.decode()
    assert "data-closed" in html and "data-reopen-form" in html and "data-line-form" not in html
    response = post(web["expert"], line, action="reopen", reason="")
    assert response.status_code == 400 and 'id="id_reason_error"' in response.content.decode()
    assert post(web["expert"], line, action="reopen", reason="Facture").status_code == 302
    assert "Facture" in page(web["expert"], line).content.decode()


def test_the_lines_a_person_manages_wait_for_them(web, chain, managed):
    html = web["expert"].get("/plan/managed/").content.decode()
    assert f'href="/plan/lines/{managed.pk}/"' in html
    assert (
        f'href="/plan/lines/{managed.pk}/"'
        not in web["imaging_expert"].get("/plan/managed/").content.decode()
    )
    # Not an expert: the page is not theirs.
    assert web["requester"].get("/plan/managed/").status_code == 404


def test_someone_outside_the_lines_scope_does_not_reach_it(tenant, make_user, managed):
    stranger = make_user(tenant)
    client = client_for(host_of(tenant), stranger, tenant)
    assert page(client, managed).status_code == 404
    assert post(client, managed, action="close").status_code == 404


def test_a_change_of_the_version_alone_is_no_row_of_the_history(line, tenant):
    from django.db.models import F

    from saas.audit.history import history_of

    with tenant_context(tenant):
        before = len(history_of(line))
        # Only bookkeeping changes: a row saying "changed" and nothing else was noise.
        PlanLine.objects.filter(pk=line.pk).update(version=F("version") + 1)
        assert len(history_of(line)) == before
        PlanLine.objects.filter(pk=line.pk).update(public_note="Livrée en mars")
        assert len(history_of(line)) == before + 1
