"""A manager moves a line on from the list itself: the current step's status in its row."""

from __future__ import annotations

import datetime
import re

from django_tenants.utils import tenant_context

from tenants.plan import services
from tenants.plan.models import LineStep, PlanLine, StepDefinition


def test_the_manager_marks_the_current_step_done_in_the_row(web, tenant, chain, line):
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        need = StepDefinition.objects.get(nature="equipment", code="need")
        services.set_step(
            line, need, status="in_progress", note="Cahier des charges", by=u["expert"]
        )
        line.refresh_from_db()
    html = web["expert"].get("/plan/managed/").content.decode()
    form = re.search(rf'<form[^>]*data-step-in-row="{line.pk}".*?</form>', html, re.S)
    assert form and f'name="step" value="{need.pk}"' in form[0]
    assert 'aria-label="Statut de l\u2019étape Besoin défini de PLN-' in form[0]
    response = web["expert"].post(
        f"/plan/lines/{line.pk}/act/",
        {
            "action": "step",
            "step": need.pk,
            "version": line.version,
            f"step-{need.pk}-status": "done",
            "next": "/plan/managed/?q=PLN",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plan/managed/?q=PLN"
    with tenant_context(tenant):
        step = LineStep.objects.get(line=line, definition=need)
        # Done today; the note typed on the line's page is kept.
        assert (step.status, step.date, step.note) == (
            "done",
            datetime.date.today(),
            "Cahier des charges",
        )
    # The row now offers the next step.
    with tenant_context(tenant):
        trials = StepDefinition.objects.get(nature="equipment", code="trials")
    html = web["expert"].get("/plan/managed/").content.decode()
    assert f'name="step" value="{trials.pk}"' in html


def test_the_row_offers_the_change_only_to_who_may_make_it(web, tenant, chain, line):
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    web["dispatcher"].post("/lists/plan.lines/sets/", {"set": "follow_up", "next": "/plan/"})
    html = web["dispatcher"].get("/plan/").content.decode()
    assert line.reference in html and "data-step-in-row" not in html
    assert "Besoin défini" in html
    # A next address elsewhere is not followed.
    with tenant_context(tenant):
        need = StepDefinition.objects.get(nature="equipment", code="need")
        version = PlanLine.objects.get(pk=line.pk).version
    response = web["expert"].post(
        f"/plan/lines/{line.pk}/act/",
        {
            "action": "step",
            "step": need.pk,
            "version": version,
            f"step-{need.pk}-status": "done",
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == f"/plan/lines/{line.pk}/"
