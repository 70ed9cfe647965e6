"""The request workflow, one user per role: every step, refusals, questions, concurrency."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django_tenants.utils import tenant_context

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.campaigns import workflow
from tenants.campaigns.models import RequestState
from tenants.campaigns.services import PartInput, Refused, create_campaign, save_draft
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

ROLES = {
    "requester": (Role.REQUESTER, ScopeKind.UF),
    "pole_head": (Role.POLE_HEAD, ScopeKind.POLE),
    "dispatcher": (Role.DISPATCHER, ScopeKind.TENANT),
    "expert": (Role.EXPERT, ScopeKind.DOMAIN),
    "imaging_expert": (Role.EXPERT, ScopeKind.DOMAIN),
    "manager": (Role.MANAGEMENT, ScopeKind.TENANT),
    "commission": (Role.COMMISSION, ScopeKind.TENANT),
    "other_head": (Role.POLE_HEAD, ScopeKind.POLE),
}


@pytest.fixture
def chain(tenant, make_user):  # type: ignore[no-untyped-def]
    users = {name: make_user(tenant, full_name=name) for name in ROLES}
    with tenant_context(tenant):
        site = Establishment.objects.get()
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle réanimation")
        rea = FunctionalUnit.objects.create(
            service=Service.objects.create(pole=pole, code="S1", name="Réanimation"),
            code="1101",
            name="Réa",
        )
        other = Pole.objects.create(establishment=site, code="P2", name="Pôle bloc")
        biomedical, _ = ExpertiseDomain.objects.get_or_create(
            code="biomedical", defaults={"name": "Biomédical"}
        )
        imaging, _ = ExpertiseDomain.objects.get_or_create(
            code="imaging-test", defaults={"name": "Imagerie"}
        )
        targets = {
            ScopeKind.UF: {"uf": rea},
            ScopeKind.POLE: {"pole": pole},
            ScopeKind.TENANT: {},
        }
        for name, (role, scope) in ROLES.items():
            target = targets.get(scope, {})
            if name == "other_head":
                target = {"pole": other}
            if scope == ScopeKind.DOMAIN:
                target = {"domain": imaging if name == "imaging_expert" else biomedical}
            RoleGrant.objects.create(user=users[name], role=role, scope=scope, **target)
        admin = make_user(tenant)
        RoleGrant.objects.create(user=admin, role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT)
        RoleGrant.objects.create(user=admin, role=Role.MANAGEMENT, scope=ScopeKind.TENANT)
        today = datetime.date.today()
        campaign = create_campaign(
            name="Recensement",
            nature="equipment",
            year=today.year + 1,
            opens=today - datetime.timedelta(days=1),
            closes=today + datetime.timedelta(days=30),
            establishments=[site],
            by=admin,
        )
        request = save_draft(
            by=users["requester"],
            campaign=campaign,
            uf=rea,
            title="Respirateur",
            parts=[PartInput("investment", 1, "30000")],
        )
        yield {
            "users": users,
            "request": request,
            "campaign": campaign,
            "biomedical": biomedical,
            "imaging": imaging,
        }


def test_a_request_goes_from_draft_to_the_commissions_grant(chain):
    u, request = chain["users"], chain["request"]
    assert workflow.next_step(request) is None  # a draft waits for nobody
    request = workflow.submit(request, by=u["requester"])
    assert workflow.next_step(request) == "pole_opinion"
    assert list(workflow.waiting_for(u["pole_head"])) == [request]
    assert list(workflow.waiting_for(u["other_head"])) == []
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["imaging"])
    # Misrouted: the imaging expert sends it to the right domain, saying why.
    assert list(workflow.waiting_for(u["imaging_expert"])) == [request]
    with pytest.raises(Refused) as refused:
        workflow.dispatch(request, by=u["imaging_expert"], domain=chain["biomedical"])
    assert refused.value.field == "reason"
    request = workflow.dispatch(
        request, by=u["imaging_expert"], domain=chain["biomedical"], reason="Ventilation"
    )
    assert list(workflow.waiting_for(u["imaging_expert"])) == []
    assert list(workflow.waiting_for(u["expert"])) == [request]
    request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
    request = workflow.validate(request, by=u["manager"])
    request = workflow.arbitrate(
        request, by=u["commission"], decision="granted", granted_amount="28 000,00"
    )
    assert request.state == RequestState.GRANTED
    assert request.granted_amount == Decimal("28000.00")
    events = list(request.events.values_list("action", "actor__full_name"))
    assert events == [
        ("submit", "requester"),
        ("pole_opinion", "pole_head"),
        ("dispatch", "dispatcher"),
        ("redispatch", "imaging_expert"),
        ("expertise", "expert"),
        ("validate", "manager"),
        ("arbitrate", "commission"),
    ]


def test_the_wrong_role_or_the_wrong_step_is_refused_and_changes_nothing(chain):
    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    version = request.version
    for action, kwargs in [
        (workflow.give_pole_opinion, {"by": u["other_head"], "favourable": True}),  # other pôle
        (workflow.validate, {"by": u["manager"]}),  # not its step yet
        (workflow.give_pole_opinion, {"by": u["requester"], "favourable": True}),
    ]:
        with pytest.raises(Refused):
            action(request, **kwargs)
    request.refresh_from_db()
    assert request.version == version and request.state == RequestState.SUBMITTED
    assert request.events.count() == 1


def test_two_people_acting_on_the_same_request_cannot_both_succeed(chain):
    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    seen = request.version
    workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True, expected_version=seen)
    with pytest.raises(Refused) as refused:
        workflow.ask_more_information(
            request, by=u["pole_head"], reason="Devis ?", expected_version=seen
        )
    assert refused.value.field == "version"


def test_a_question_sends_it_back_and_the_answer_returns_it_to_the_same_step(chain):
    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    request = workflow.ask_more_information(request, by=u["expert"], reason="Joindre le devis")
    assert request.state == RequestState.MORE_INFORMATION
    assert list(workflow.waiting_for(u["requester"])) == [request]
    assert list(workflow.waiting_for(u["expert"])) == []
    request = workflow.submit(request, by=u["requester"])
    assert workflow.next_step(request) == "expertise"
    assert list(workflow.waiting_for(u["expert"])) == [request]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"decision": "granted"}, "granted_amount"),
        ({"decision": "granted", "granted_amount": "-10"}, "granted_amount"),
        ({"decision": "granted", "granted_amount": "0"}, "granted_amount"),
        ({"decision": "refused"}, "reason"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_the_commissions_decision_is_checked(chain, kwargs, field):
    u = chain["users"]
    campaign = chain["campaign"]
    campaign.steps = ["arbitration"]  # a campaign straight to the commission
    campaign.save()
    request = workflow.submit(chain["request"], by=u["requester"])
    with pytest.raises(Refused) as refused:
        workflow.arbitrate(request, by=u["commission"], **kwargs)
    assert refused.value.field == field
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED


def test_a_closed_campaign_takes_no_submission(chain):
    campaign = chain["campaign"]
    campaign.closes = campaign.opens
    campaign.save()
    with pytest.raises(Refused) as refused:
        workflow.submit(chain["request"], by=chain["users"]["requester"])
    assert refused.value.field == "campaign"
