"""The trying UF's people evaluate the device clinically, its expert technically."""

from __future__ import annotations

import pytest

from tenants.trials import services
from tenants.trials.models import ClinicalEvaluation
from tenants.trials.selectors import evaluations_of
from tests.tenants.trials.conftest import bring

CLINICAL = {
    "ergonomics": "4",
    "ease_of_use": "5",
    "clinical_performance": "4",
    "cleaning": "3",
    "overall": "4",
    "comments": "Très maniable.",
}
TECHNICAL = {
    "build_quality": "4",
    "maintainability": "3",
    "compatibility": "2",
    "safety": "5",
    "documentation": "4",
    "overall": "4",
}


def test_the_ufs_people_evaluate_once_each_and_the_page_averages(chain, trial):
    u = chain["users"]
    trial = bring(trial, "in_trial", u["expert"])
    services.evaluate_clinically(trial, CLINICAL, by=u["requester"])
    services.evaluate_clinically(trial, {**CLINICAL, "overall": "2"}, by=u["pole_head"])
    # Said again: the person's opinion changes, it is not counted twice.
    services.evaluate_clinically(trial, {**CLINICAL, "overall": "5"}, by=u["requester"])
    assert ClinicalEvaluation.objects.filter(trial=trial).count() == 2
    found = evaluations_of(trial)
    assert found.clinical_averages["overall"] == pytest.approx(3.5)
    assert found.clinical_averages["ease_of_use"] == pytest.approx(5)


def test_nobody_evaluates_a_device_not_tried_yet(chain, trial):
    u = chain["users"]
    with pytest.raises(services.Refused) as refused:
        services.evaluate_clinically(trial, CLINICAL, by=u["requester"])
    assert refused.value.status == 409


@pytest.mark.parametrize("who", ["other_head", "expert", "dispatcher"])
def test_only_the_trying_ufs_people_evaluate_clinically(chain, trial, who):
    trial = bring(trial, "in_trial", chain["users"]["expert"])
    with pytest.raises(services.Refused) as refused:
        services.evaluate_clinically(trial, CLINICAL, by=chain["users"][who])
    assert refused.value.status == 403


@pytest.mark.parametrize("bad", ["0", "6", "", "4.5", "٣", None])
def test_a_score_outside_1_to_5_is_refused_naming_it(chain, trial, bad):
    trial = bring(trial, "in_trial", chain["users"]["expert"])
    with pytest.raises(services.Refused) as refused:
        services.evaluate_clinically(
            trial, {**CLINICAL, "cleaning": bad}, by=chain["users"]["requester"]
        )
    assert refused.value.field == "cleaning"


def test_the_expert_in_charge_gives_the_one_technical_evaluation(chain, trial, tenant, make_user):
    from tenants.access.models import Role, RoleGrant, ScopeKind

    u = chain["users"]
    trial = bring(trial, "in_trial", u["expert"])
    other = make_user(tenant, full_name="Autre experte")
    RoleGrant.objects.create(user=other, role=Role.EXPERT, scope=ScopeKind.TENANT)
    for who in (other, u["requester"], u["imaging_expert"]):
        with pytest.raises(services.Refused) as refused:
            services.evaluate_technically(trial, TECHNICAL, by=who)
        assert refused.value.status == 403
    services.evaluate_technically(trial, TECHNICAL, by=u["expert"])
    services.evaluate_technically(trial, {**TECHNICAL, "overall": "5"}, by=u["expert"])
    technical = evaluations_of(trial).technical
    assert technical is not None and technical.overall == 5
