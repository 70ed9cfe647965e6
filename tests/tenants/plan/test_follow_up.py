"""A plan line followed from the grant to its commissioning: manager, steps, amounts, settled
and closed, each change checked against the table of tenants/plan/rules.py."""

from __future__ import annotations

import datetime
import importlib
from decimal import Decimal

import pytest

from tenants.campaigns.models import Envelope
from tenants.campaigns.selectors import envelope_consumption
from tenants.plan import rules, services
from tenants.plan.models import LineEvent, LineStep, PlanLine, StepDefinition, StepStatus
from tenants.plan.services import Refused
from tenants.plan.steps import DEFAULT_STEPS, steps_of


def step(line: PlanLine, code: str) -> StepDefinition:
    return StepDefinition.objects.get(nature=line.nature, code=code)


def managed(chain, line: PlanLine) -> PlanLine:  # type: ignore[no-untyped-def]
    return services.assign_manager(line, chain["users"]["expert"], by=chain["users"]["dispatcher"])


def test_every_tenant_starts_with_the_default_steps_of_each_nature(line):
    migration = importlib.import_module("tenants.plan.migrations.0008_default_steps")
    defaults = {nature: [code for code, _label in steps] for nature, steps in DEFAULT_STEPS.items()}
    assert defaults == migration.STEPS
    assert [s.definition.code for s in steps_of(line)] == defaults["equipment"]
    assert [s.definition.name for s in steps_of(line)][-1] == "Mise en service"
    assert {s.status for s in steps_of(line)} == {StepStatus.TO_DO}


def test_a_dispatcher_names_an_expert_of_the_lines_domain_its_manager(chain, line):
    u = chain["users"]
    for who, field, status in ((u["requester"], "manager", 403), (u["expert"], "manager", 403)):
        with pytest.raises(Refused) as refused:
            services.assign_manager(line, u["expert"], by=who)
        assert (refused.value.field, refused.value.status) == (field, status)
    # An expert of another domain, or someone who is no expert, cannot manage it.
    for candidate in (u["imaging_expert"], u["requester"]):
        with pytest.raises(Refused) as refused:
            services.assign_manager(line, candidate, by=u["dispatcher"])
        assert refused.value.field == "manager"
    line = managed(chain, line)
    assert line.manager == u["expert"] and line.version == 2
    event = LineEvent.objects.get(line=line)
    assert (event.action, event.actor, event.data["after"]) == (
        "assign_manager",
        u["dispatcher"],
        u["expert"].pk,
    )


def test_the_manager_walks_the_steps_and_the_status_follows_the_milestones(chain, line):
    expert = chain["users"]["expert"]
    line = managed(chain, line)
    line = services.set_step(line, step(line, "need"), status=StepStatus.DONE, by=expert)
    assert line.status == PlanLine.Status.PLANNED
    expected = [("order", "ordered"), ("delivery", "received"), ("commissioning", "commissioned")]
    for code, status in expected:
        line = services.set_step(
            line, step(line, code), status=StepStatus.DONE, on=datetime.date(2027, 3, 1), by=expert
        )
        assert line.status == status
    # Undoing the commissioning takes the status back.
    line = services.set_step(line, step(line, "commissioning"), status="in_progress", by=expert)
    assert line.status == PlanLine.Status.RECEIVED
    shown = {s.definition.code: s for s in steps_of(line)}
    assert shown["order"].date == datetime.date(2027, 3, 1)
    assert shown["commissioning"].status == "in_progress"


def test_the_table_decides_who_changes_which_field(chain, line):
    u = chain["users"]
    line = managed(chain, line)
    # Purchasing types the ordered amount, not what was paid; finance the reverse.
    line = services.update_line(line, {"ordered_amount": "24 000,00"}, by=u["buyer"])
    assert line.ordered_amount == Decimal("24000.00")
    with pytest.raises(Refused) as refused:
        services.update_line(line, {"paid_amount": "1000"}, by=u["buyer"])
    assert (refused.value.field, refused.value.status) == ("paid_amount", 403)
    line = services.update_line(line, {"paid_amount": "12000"}, by=u["finance"])
    assert (line.paid_amount, line.paid_source) == (Decimal("12000.00"), "manual")
    with pytest.raises(Refused) as refused:
        services.update_line(line, {"ordered_amount": "1"}, by=u["finance"])
    assert refused.value.field == "ordered_amount"
    # An expert who does not manage this line, the requester, management: nothing.
    for who in (u["imaging_expert"], u["requester"], u["manager"]):
        with pytest.raises(Refused) as refused:
            services.set_step(line, step(line, "order"), status="done", by=who)
        assert (refused.value.field, refused.value.status) == ("steps", 403)
        with pytest.raises(Refused):
            services.update_line(line, {"public_note": "Livré"}, by=who)
    # A form that sends back a field unchanged needs no right to change it.
    line = services.update_line(
        line, {"paid_amount": "12000,00", "ordered_amount": "24000"}, by=u["finance"]
    )
    assert line.paid_amount == Decimal("12000.00")
    assert LineStep.objects.count() == 0


def test_a_settled_lines_amounts_are_final(chain, line):
    expert = chain["users"]["expert"]
    line = managed(chain, line)
    with pytest.raises(Refused) as refused:
        services.set_settled(line, True, by=expert)
    assert refused.value.field == "ordered_amount"  # settling needs the ordered amount
    line = services.update_line(line, {"ordered_amount": "20000"}, by=expert)
    line = services.set_settled(line, True, by=expert)
    with pytest.raises(Refused) as refused:
        services.update_line(line, {"ordered_amount": "21000"}, by=expert)
    assert (refused.value.field, refused.value.status) == ("ordered_amount", 409)
    with pytest.raises(Refused):
        services.update_line(line, {"paid_amount": "100"}, by=chain["users"]["finance"])
    # The follow-up goes on; unsettling opens the amounts again.
    services.set_step(line, step(line, "delivery"), status="done", by=expert)
    line = services.set_settled(line, False, by=expert)
    line = services.update_line(line, {"ordered_amount": "21000"}, by=expert)
    assert line.ordered_amount == Decimal("21000.00")


def test_a_closed_line_is_read_only_until_its_manager_reopens_it_saying_why(chain, line):
    u = chain["users"]
    line = managed(chain, line)
    with pytest.raises(Refused):
        services.close_line(line, by=u["buyer"])
    line = services.close_line(line, by=u["expert"])
    assert line.closed and line.closed_at is not None
    for change in (
        lambda: services.set_step(line, step(line, "order"), status="done", by=u["expert"]),
        lambda: services.update_line(line, {"public_note": "x"}, by=u["expert"]),
        lambda: services.assign_manager(line, u["expert"], by=u["dispatcher"]),
        lambda: services.set_settled(line, True, by=u["expert"]),
    ):
        with pytest.raises(Refused) as refused:
            change()
        assert refused.value.status == 409 and "clôturée" in refused.value.reason
    with pytest.raises(Refused) as refused:
        services.reopen_line(line, reason="Oubli", by=u["buyer"])
    assert refused.value.status == 403
    with pytest.raises(Refused) as refused:
        services.reopen_line(line, reason="  ", by=u["expert"])
    assert refused.value.field == "reason"
    line = services.reopen_line(line, reason="Facture oubliée", by=u["expert"])
    assert not line.closed
    event = LineEvent.objects.filter(line=line).order_by("-pk")[0]
    assert (event.action, event.reason, event.actor) == ("reopen", "Facture oubliée", u["expert"])


def test_a_change_on_an_older_version_is_refused_and_changes_nothing(chain, line):
    u = chain["users"]
    line = managed(chain, line)
    seen = line.version
    services.update_line(line, {"public_note": "Commande passée"}, by=u["expert"])
    with pytest.raises(Refused) as refused:
        services.update_line(
            line, {"public_note": "Autre chose"}, by=chain["admin"], expected_version=seen
        )
    assert (refused.value.field, refused.value.status) == ("version", 409)
    with pytest.raises(Refused):
        services.set_step(
            line, step(line, "order"), status="done", by=u["expert"], expected_version=seen
        )
    line.refresh_from_db()
    assert line.public_note == "Commande passée" and not LineStep.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"commissioning_month": datetime.date(2020, 1, 1)}, "commissioning_month"),
        ({"commissioning_month": "03/2027"}, "commissioning_month"),
        ({"ordered_amount": "-5"}, "ordered_amount"),
        ({"ordered_amount": "1e400"}, "ordered_amount"),
        ({"estimated_amount": "12,345"}, "estimated_amount"),
        ({"private_note": "a\x00b"}, "private_note"),
        ({"public_note": "x" * 5001}, "public_note"),
        ({"procedure": "gré à gré"}, "procedure"),
        ({"amount": "1"}, "amount"),
    ],
)
def test_impossible_values_are_refused_naming_the_field(chain, line, changes, field):
    line = managed(chain, line)
    with pytest.raises(Refused) as refused:
        services.update_line(line, changes, by=chain["users"]["expert"])
    assert refused.value.field == field and refused.value.status == 400
    assert PlanLine.objects.get(pk=line.pk).version == line.version


def test_a_step_date_outside_reason_or_a_hidden_step_is_refused(chain, line):
    expert = chain["users"]["expert"]
    line = managed(chain, line)
    with pytest.raises(Refused) as refused:
        services.set_step(
            line, step(line, "order"), status="done", on=datetime.date(1, 1, 1), by=expert
        )
    assert refused.value.field == "date"
    with pytest.raises(Refused) as refused:
        services.set_step(line, step(line, "order"), status="finished", by=expert)
    assert refused.value.field == "status"
    works = StepDefinition.objects.get(nature="works", code="study")
    with pytest.raises(Refused) as refused:
        services.set_step(line, works, status="done", by=expert)
    assert refused.value.field == "step"
    StepDefinition.objects.filter(nature="equipment", code="trials").update(hidden=True)
    assert "trials" not in [s.definition.code for s in steps_of(line)]
    with pytest.raises(Refused):
        services.set_step(line, step(line, "trials"), status="done", by=expert)


def test_the_envelope_counts_what_the_purchases_use(chain, line):
    expert = chain["users"]["expert"]
    envelope = Envelope.objects.create(
        campaign=chain["campaign"], pole=chain["pole"], amount=Decimal("26000"), source="own_funds"
    )

    def consumed() -> Decimal:
        (item,) = [c for c in envelope_consumption(chain["campaign"]) if c.envelope == envelope]
        return item.consumed

    assert consumed() == Decimal("25000.00")  # granted, nothing ordered yet
    line = managed(chain, line)
    line = services.update_line(line, {"ordered_amount": "23000"}, by=expert)
    assert consumed() == Decimal("25000.00")  # the larger of granted and ordered
    line = services.update_line(line, {"ordered_amount": "27000"}, by=expert)
    assert consumed() == Decimal("27000.00")
    line = services.update_line(line, {"ordered_amount": "23000"}, by=expert)
    services.set_settled(line, True, by=expert)
    assert consumed() == Decimal("23000.00")  # settled: what was ordered
    # A grant not in the plan yet counts its granted amount.
    LineStep.objects.filter(line=line).delete()
    LineEvent.objects.filter(line=line).delete()
    PlanLine.objects.filter(pk=line.pk).delete()
    assert consumed() == Decimal("25000.00")


def test_the_rules_table_covers_every_state_and_role():
    assert set(rules.EDITABLE) == set(rules.LineState)
    for table in rules.EDITABLE.values():
        assert set(table) == set(rules.LineRole)
    # Nobody changes anything of a closed line but whether it is closed.
    assert all(
        fields <= {rules.CLOSED} for fields in rules.EDITABLE[rules.LineState.CLOSED].values()
    )
