"""The administrator sets the follow-up steps of each nature; lines walk the steps they set."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tenants.plan import configuration, services
from tenants.plan.models import StepDefinition
from tenants.plan.services import Refused
from tenants.plan.steps import steps_of


def codes(line) -> list[str]:  # type: ignore[no-untyped-def]
    return [s.definition.code for s in steps_of(line)]


def test_renamed_hidden_added_and_moved_steps_are_what_lines_walk(chain, line):
    admin = chain["admin"]
    trials = StepDefinition.objects.get(nature="equipment", code="trials")
    configuration.rename_step(trials, "  Essais   cliniques ", by=admin)
    assert [s.definition.name for s in steps_of(line)][1] == "Essais cliniques"
    configuration.rename_step(trials, "", by=admin)  # a default step gets its name back
    assert [s.definition.name for s in steps_of(line)][1] == "Essais"
    configuration.set_hidden(trials, True, by=admin)
    assert "trials" not in codes(line)
    own = configuration.add_step("equipment", "Formation des équipes", by=admin)
    assert codes(line)[-1] == own.code == "own-formation-des-equipes"
    again = configuration.add_step("equipment", "Formation des équipes", by=admin)
    assert again.code == "own-formation-des-equipes-2"
    configuration.move_step(own, True, by=admin)
    assert codes(line)[-3:] == [own.code, "commissioning", again.code]
    # The line's manager uses the added step like any other.
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
    services.set_step(line, own, status="done", by=u["expert"])
    assert {s.definition.code: s.status for s in steps_of(line)}[own.code] == "done"


def test_only_the_administrator_sets_the_steps_and_a_nature_keeps_one(chain, line):
    expert = chain["users"]["expert"]
    study = StepDefinition.objects.get(nature="works", code="study")
    for change in (
        lambda: configuration.rename_step(study, "Étude", by=expert),
        lambda: configuration.set_hidden(study, True, by=expert),
        lambda: configuration.add_step("works", "Autre", by=expert),
        lambda: configuration.move_step(study, False, by=expert),
    ):
        with pytest.raises(Refused) as refused:
            change()
        assert refused.value.status == 403
    admin = chain["admin"]
    works = StepDefinition.objects.filter(nature="works")
    *others, last = works.order_by("position")
    for step in others:
        configuration.set_hidden(step, True, by=admin)
    with pytest.raises(Refused) as refused:
        configuration.set_hidden(last, True, by=admin)
    assert refused.value.field == "hidden"
    for bad, field in (("x" * 81, "label"), ("a\x00b", "label"), ("   ", "label")):
        with pytest.raises(Refused) as refused:
            configuration.add_step("works", bad, by=admin)
        assert refused.value.field == field
    with pytest.raises(Refused) as refused:
        configuration.add_step("cooking", "Cuisine", by=admin)
    assert refused.value.field == "nature"


def test_the_settings_page_is_the_administrators(web, tenant, chain):
    with tenant_context(tenant):
        trials = StepDefinition.objects.get(nature="equipment", code="trials")
    assert web["expert"].get("/plan/steps/").status_code == 403
    assert (
        web["expert"].post("/plan/steps/act/", {"action": "hide", "step": trials.pk}).status_code
        == 403
    )
    html = web["admin"].get("/plan/steps/").content.decode()
    assert 'data-step="trials"' in html and "Mise en service" in html
    response = web["admin"].post(
        "/plan/steps/act/",
        {"action": "rename", "step": trials.pk, f"step-{trials.pk}-label": "Essais sur site"},
    )
    assert response.status_code == 302
    with tenant_context(tenant):
        assert StepDefinition.objects.get(pk=trials.pk).label == "Essais sur site"
    response = web["admin"].post(
        "/plan/steps/act/", {"action": "add", "nature": "works", "add-works-label": "x" * 200}
    )
    assert (
        response.status_code == 400 and 'id="id_add-works-label_error"' in response.content.decode()
    )
    for bad in (
        {"action": "hide", "step": "999999"},
        {"action": "hide", "step": "1\x00"},
        {"action": "nope", "step": trials.pk},
        {"action": "add", "nature": "cooking", "add-cooking-label": "Cuisine"},
    ):
        assert web["admin"].post("/plan/steps/act/", bad).status_code in (400, 404)
