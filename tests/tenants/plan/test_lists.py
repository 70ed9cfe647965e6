"""The plan's lists: the team's filters and current step, the services' follow-up of their
purchases (their UF only, steps as labels, gone 90 days after the line is finished)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.campaigns.models import Envelope
from tenants.plan import services
from tenants.plan.models import PlanLine, StepDefinition
from tenants.plan.selectors import followed_by_requester, plan_lines_for
from tenants.requests.models import EquipmentRequest
from tenants.structure.models import Pole


def step(code: str) -> StepDefinition:
    return StepDefinition.objects.get(nature="equipment", code=code)


def references(response) -> list[str]:  # type: ignore[no-untyped-def]
    return re.findall(r">(PLN-\d{4}-\d{5})<", response.content.decode())


def test_the_current_step_is_the_first_not_behind_the_line_in_the_tenants_words(chain, line):
    u = chain["users"]
    line = services.assign_manager(line, u["expert"], by=u["dispatcher"])

    def current() -> str:
        found = plan_lines_for(u["expert"]).get(pk=line.pk)
        return str(found.current_step)  # type: ignore[attr-defined]

    assert current() == "Besoin défini"
    services.set_step(line, step("need"), status="done", by=u["expert"])
    services.set_step(line, step("trials"), status="not_applicable", by=u["expert"])
    assert current() == "Procédure"
    services.set_step(line, step("procedure"), status="blocked", by=u["expert"])
    assert current() == "Procédure"  # blocked is not behind
    StepDefinition.objects.filter(code="procedure", nature="equipment").update(
        label="Mise en concurrence"
    )
    assert current() == "Mise en concurrence"
    StepDefinition.objects.filter(code="procedure", nature="equipment").update(hidden=True)
    assert current() == "Devis"


def test_a_line_is_finished_once_commissioned_and_unfinished_if_undone(chain, line):
    expert = chain["users"]["expert"]
    line = services.assign_manager(line, expert, by=chain["users"]["dispatcher"])
    line = services.set_step(line, step("commissioning"), status="done", by=expert)
    finished = line.finished_at
    assert finished is not None
    line = services.set_step(line, step("order"), status="done", by=expert)
    assert line.finished_at == finished  # still commissioned: the first time is kept
    line = services.set_step(line, step("commissioning"), status="in_progress", by=expert)
    assert line.finished_at is None


def test_the_team_filters_the_plan(web, tenant, chain, line):
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        line = services.set_step(line, step("quotes"), status="blocked", by=u["expert"])
        envelope = Envelope.objects.create(
            campaign=chain["campaign"], pole=chain["pole"], amount=Decimal("1"), source="own_funds"
        )
        other = Envelope.objects.create(
            campaign=chain["campaign"],
            pole=Pole.objects.get(code="P2"),
            amount=Decimal("1"),
            source="own_funds",
        )
        EquipmentRequest.objects.filter(pk=line.request_id).update(
            argument="Parc vieillissant et pannes"
        )
    client = web["expert"]
    mine = [line.reference]
    for params, expected in (
        ({"envelope": envelope.pk}, mine),
        ({"envelope": other.pk}, []),
        ({"step_status": "blocked"}, mine),
        ({"step_status": "waiting"}, []),
        ({"manager": u["expert"].pk}, mine),
        ({"settled": "true"}, []),
        ({"settled": "false", "closed": "false"}, mine),
        ({"q": "pannes"}, mine),
        ({"q": line.reference.lower()}, mine),
        ({"pole": chain["pole"].pk, "uf": "1101"}, mine),
    ):
        assert references(client.get("/plan/", params)) == expected, params
    # A value that is none of the choices is said, not a 500.
    response = client.get("/plan/", {"settled": "peut-être", "step_status": "x", "envelope": "0"})
    assert response.status_code == 200 and references(response) == []


def test_a_service_follows_its_purchases_without_the_teams_side(web, tenant, chain, line):
    u = chain["users"]
    with tenant_context(tenant):
        line = services.assign_manager(line, u["expert"], by=u["dispatcher"])
        line = services.update_line(
            line,
            {
                "public_note": "Livraison en mars",
                "private_note": "Marge de négociation",
                "commissioning_month": datetime.date(2027, 5, 1),
                "ordered_amount": "24000",
            },
            by=u["expert"],
        )
        services.set_step(line, step("order"), status="done", by=u["expert"])
    html = web["requester"].get("/plan/followed/").content.decode()
    assert line.reference in html and "Livraison en mars" in html and "T2 2027" in html
    assert "Marge de négociation" not in html and "24\u202f000" not in html
    assert 'data-step-status="done">Commande · Faite' in html.replace("\n", "")
    # Someone who may not ask for equipment has no such page; a requester of another UF
    # does not see this line.
    assert web["expert"].get("/plan/followed/").status_code == 404
    with tenant_context(tenant):
        assert not followed_by_requester(u["other_head"]).filter(pk=line.pk).exists()


def test_a_line_finished_over_90_days_ago_leaves_the_services_list(chain, line):
    requester = chain["users"]["requester"]
    assert followed_by_requester(requester).filter(pk=line.pk).exists()
    long_ago = timezone.now() - datetime.timedelta(days=91)
    PlanLine.objects.filter(pk=line.pk).update(finished_at=long_ago)
    assert not followed_by_requester(requester).filter(pk=line.pk).exists()
    PlanLine.objects.filter(pk=line.pk).update(
        finished_at=timezone.now() - datetime.timedelta(days=89)
    )
    assert followed_by_requester(requester).filter(pk=line.pk).exists()
    PlanLine.objects.filter(pk=line.pk).update(finished_at=None, closed=True, closed_at=long_ago)
    assert not followed_by_requester(requester).filter(pk=line.pk).exists()
