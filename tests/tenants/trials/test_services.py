"""Trials change only through their services: who may, in which state, with which documents."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.trials import services
from tenants.trials.models import Trial, TrialDocument, TrialEvent
from tests.tenants.trials.conftest import bring, pdf, trial_data


def test_an_expert_records_a_trial_with_its_reference(chain, trial):
    year = timezone.localdate().year
    assert re.fullmatch(rf"ESS-{year}-\d{{5}}", trial.reference)
    assert trial.state == "requested" and trial.version == 1
    assert TrialEvent.objects.filter(trial=trial, action="create").exists()


def test_a_return_before_the_start_is_refused_naming_the_field(chain):
    today = timezone.localdate()
    data = trial_data(chain, planned_return=today - datetime.timedelta(days=1))
    with pytest.raises(services.Refused) as refused:
        services.create_trial(data, by=chain["users"]["expert"])
    assert refused.value.field == "planned_return"
    assert "précéder le début" in refused.value.reason
    assert not Trial.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("device", ""),
        ("device", "x" * 201),
        ("manufacturer", "GE\x00"),
        ("contact_email", "pas une adresse"),
        ("planned_start", datetime.date(1999, 12, 31)),
        ("uf", None),
    ],
)
def test_bad_values_are_refused_naming_their_field(chain, field, value):
    with pytest.raises(services.Refused) as refused:
        services.create_trial(trial_data(chain, **{field: value}), by=chain["users"]["expert"])
    assert refused.value.field == field and refused.value.status == 400


def test_an_expert_of_another_domain_cannot_be_put_in_charge(chain):
    data = trial_data(chain, expert=chain["users"]["imaging_expert"])
    with pytest.raises(services.Refused) as refused:
        services.create_trial(data, by=chain["users"]["expert"])
    assert refused.value.field == "expert"


def test_an_expert_cannot_record_a_trial_outside_their_domain(chain):
    data = trial_data(chain, domain=chain["imaging"], expert=chain["users"]["imaging_expert"])
    with pytest.raises(services.Refused) as refused:
        services.create_trial(data, by=chain["users"]["expert"])
    assert refused.value.status == 403


def test_a_requester_cannot_record_a_trial(chain):
    with pytest.raises(services.Refused) as refused:
        services.create_trial(trial_data(chain), by=chain["users"]["requester"])
    assert refused.value.status == 403


@pytest.mark.parametrize("who", ["requester", "pole_head", "imaging_expert", "dispatcher"])
def test_only_the_biomedical_team_of_its_scope_moves_a_trial(chain, trial, who):
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "agree", by=chain["users"][who])
    assert refused.value.status == 403
    trial.refresh_from_db()
    assert trial.state == "requested"


def test_the_administrator_may_move_a_trial(chain, trial):
    trial = services.change_state(trial, "agree", by=chain["admin"])
    assert trial.state == "agreed"


def test_a_tenant_wide_expert_not_in_charge_may_move_it(chain, trial, make_user, tenant):
    other = make_user(tenant, full_name="Expert du GHT")
    RoleGrant.objects.create(user=other, role=Role.EXPERT, scope=ScopeKind.TENANT)
    assert services.change_state(trial, "agree", by=other).state == "agreed"


def test_a_state_out_of_order_is_refused(chain, trial):
    expert = chain["users"]["expert"]
    for action in ("deliver", "start", "return", "buy"):
        with pytest.raises(services.Refused) as refused:
            services.change_state(trial, action, by=expert)
        assert refused.value.status == 409 and refused.value.field == "state"
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "steal", by=expert)
    assert refused.value.field == "action"


def test_a_device_is_not_delivered_while_a_required_document_is_missing(chain, trial):
    expert = chain["users"]["expert"]
    trial = services.change_state(trial, "agree", by=expert)
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "deliver", by=expert)
    assert refused.value.field == "documents"
    assert "convention de prêt" in refused.value.reason
    assert "attestation d\u2019assurance" in refused.value.reason
    # Another kind of document does not count.
    services.add_document(trial, pdf("plaquette.pdf"), "other", by=expert)
    services.add_document(trial, pdf(), "loan_agreement", by=expert)
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "deliver", by=expert)
    assert "attestation d\u2019assurance" in refused.value.reason
    assert "convention" not in refused.value.reason
    services.add_document(trial, pdf("assurance.pdf"), "insurance", by=expert)
    trial = services.change_state(trial, "deliver", by=expert)
    assert trial.state == "delivered" and trial.delivered_on == timezone.localdate()


def test_removing_a_required_document_removes_its_kind(chain, trial):
    from tenants.documents.services import remove_document

    expert = chain["users"]["expert"]
    kinded = services.add_document(trial, pdf(), "loan_agreement", by=expert)
    remove_document(kinded.document, by=expert)
    assert not TrialDocument.objects.exists()


def test_only_the_team_adds_a_trials_documents(chain, trial):
    with pytest.raises(services.Refused) as refused:
        services.add_document(trial, pdf(), "insurance", by=chain["users"]["requester"])
    assert refused.value.status == 403
    with pytest.raises(services.Refused) as refused:
        services.add_document(trial, pdf(), "passport", by=chain["users"]["expert"])
    assert refused.value.field == "kind"


def test_a_trial_walks_to_its_purchase(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "in_trial", expert)
    assert trial.state == "in_trial"
    trial = services.change_state(trial, "buy", by=expert)
    assert trial.state == "bought"
    actions = list(TrialEvent.objects.filter(trial=trial).values_list("action", flat=True))
    assert actions == ["create", "agree", "deliver", "start", "buy"]


def test_a_return_before_the_delivery_is_refused(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "in_trial", expert)
    with pytest.raises(services.Refused) as refused:
        services.change_state(
            trial, "return", by=expert, on=trial.delivered_on - datetime.timedelta(days=1)
        )
    assert refused.value.field == "on"
    trial = services.change_state(trial, "return", by=expert)
    assert trial.state == "returned" and trial.returned_on == timezone.localdate()


def test_a_delivery_or_return_dated_in_the_future_is_refused(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "delivered", expert)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "return", by=expert, on=tomorrow)
    assert refused.value.field == "on"
    assert Trial.objects.get(pk=trial.pk).state == "delivered"


def test_the_return_event_says_the_date_of_the_return(chain, trial):
    expert = chain["users"]["expert"]
    trial = bring(trial, "in_trial", expert)
    services.change_state(trial, "return", by=expert)
    event = TrialEvent.objects.get(trial=trial, action="return")
    assert event.data["on"] == timezone.localdate().isoformat()


def test_refusing_or_cancelling_says_why(chain, trial):
    expert = chain["users"]["expert"]
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "refuse", by=expert, reason="  ")
    assert refused.value.field == "reason"
    trial = services.change_state(trial, "refuse", by=expert, reason="Pas de budget.")
    assert trial.state == "refused"
    assert TrialEvent.objects.get(trial=trial, action="refuse").reason == "Pas de budget."


def test_an_edit_on_an_older_version_is_refused(chain, trial):
    expert = chain["users"]["expert"]
    seen = trial.version
    services.update_trial(
        trial, trial_data(chain, device="Autre"), by=expert, expected_version=seen
    )
    with pytest.raises(services.Refused) as refused:
        services.change_state(trial, "agree", by=expert, expected_version=seen)
    assert refused.value.field == "version" and refused.value.status == 409
    trial.refresh_from_db()
    assert trial.state == "requested" and trial.device == "Autre"


def test_an_edit_is_checked_like_a_creation(chain, trial):
    today = timezone.localdate()
    bad = trial_data(chain, planned_start=today, planned_return=today - datetime.timedelta(days=2))
    with pytest.raises(services.Refused) as refused:
        services.update_trial(trial, bad, by=chain["users"]["expert"])
    assert refused.value.field == "planned_return"
    with pytest.raises(services.Refused) as refused:
        services.update_trial(trial, trial_data(chain), by=chain["users"]["imaging_expert"])
    assert refused.value.status == 403


def test_a_finished_trial_no_longer_changes(chain, trial):
    expert = chain["users"]["expert"]
    trial = services.change_state(trial, "cancel", by=expert, reason="Fournisseur indisponible.")
    with pytest.raises(services.Refused) as refused:
        services.update_trial(trial, trial_data(chain), by=expert)
    assert refused.value.status == 409


def test_a_trial_of_a_plan_line_takes_its_domain(chain, line):
    data = trial_data(chain, plan_line=line, domain=None)
    trial = services.create_trial(data, by=chain["users"]["expert"])
    assert trial.domain == chain["biomedical"] and trial.plan_line == line


def test_a_plan_line_the_expert_does_not_follow_is_refused(chain, line, tenant, make_user):
    from tenants.plan.models import PlanLine

    PlanLine.objects.filter(pk=line.pk).update(closed=True)
    with pytest.raises(services.Refused) as refused:
        services.create_trial(trial_data(chain, plan_line=line), by=chain["users"]["expert"])
    assert refused.value.field == "plan_line"


def test_a_trial_keeps_its_plan_line_once_the_line_is_closed(chain, line):
    from tenants.plan.models import PlanLine

    expert = chain["users"]["expert"]
    trial = services.create_trial(trial_data(chain, plan_line=line), by=expert)
    PlanLine.objects.filter(pk=line.pk).update(closed=True)
    line.refresh_from_db()
    trial = services.update_trial(
        trial, trial_data(chain, plan_line=line, device="Autre"), by=expert
    )
    assert trial.plan_line == line and trial.device == "Autre"
