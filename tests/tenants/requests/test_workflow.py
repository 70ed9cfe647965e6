"""The request workflow, one user per role: every step, refusals, questions, concurrency."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tenants.campaigns.services import Refused
from tenants.requests import workflow
from tenants.requests.models import EquipmentRequest, RequestState


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


def test_a_question_is_answered_after_the_census_closed(chain):
    from tenants.requests.services import PartInput, save_draft

    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    campaign = chain["campaign"]
    campaign.closes = campaign.opens  # the census closed; the experts work after it
    campaign.save()
    request = workflow.ask_more_information(request, by=u["expert"], reason="Devis ?")
    request.campaign.refresh_from_db()
    assert workflow.available_actions(request, u["requester"]) == ["edit", "submit"]
    request = save_draft(
        by=u["requester"],
        campaign=request.campaign,
        uf=chain["rea"],
        title="Respirateur (devis joint)",
        parts=[PartInput("investment", 1, "31000")],
        request=request,
    )
    request = workflow.submit(request, by=u["requester"])
    assert workflow.next_step(request) == "expertise"
    # A new request still cannot enter the closed census.
    with pytest.raises(Refused) as refused:
        save_draft(
            by=u["requester"],
            campaign=request.campaign,
            uf=chain["rea"],
            title="Trop tard",
            parts=[PartInput("investment", 1, "10")],
        )
    assert refused.value.field == "campaign"


def _to_arbitration(chain):  # type: ignore[no-untyped-def]
    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
    return workflow.validate(request, by=u["manager"])


def test_each_step_notifies_the_people_who_may_do_the_next_one(chain):
    from tenants.notifications.models import Notification

    u, request = chain["users"], chain["request"]
    workflow.submit(request, by=u["requester"])
    # The head of this pôle is told; the head of another pôle is not.
    assert list(Notification.objects.values_list("recipient__full_name", flat=True)) == [
        "pole_head"
    ]
    note = Notification.objects.get()
    assert note.url == f"/requests/{request.pk}/" and "Respirateur" in note.subject
    request.refresh_from_db()
    workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    workflow.dispatch(request, by=u["dispatcher"], domain=chain["imaging"])
    # Dispatched to imaging: its expert is told, the biomedical expert is not.
    latest = Notification.objects.order_by("-pk")[0]
    assert latest.recipient == u["imaging_expert"]
    assert not Notification.objects.filter(recipient=u["expert"]).exists()
    workflow.ask_more_information(request, by=u["imaging_expert"], reason="Quel modèle ?")
    latest = Notification.objects.order_by("-pk")[0]
    assert latest.recipient == u["requester"] and latest.body == "Quel modèle ?"


def test_a_refused_transition_notifies_nobody(chain):
    from tenants.notifications.models import Notification

    u, request = chain["users"], chain["request"]
    request = workflow.submit(request, by=u["requester"])
    before = Notification.objects.count()
    with pytest.raises(Refused):
        workflow.give_pole_opinion(request, by=u["other_head"], favourable=True)
    assert Notification.objects.count() == before


def test_a_grant_becomes_a_plan_line_that_remembers_its_request(chain):
    from tenants.notifications.models import Notification
    from tenants.plan.models import PlanLine

    u = chain["users"]
    request = _to_arbitration(chain)
    assert not PlanLine.objects.exists()
    request = workflow.arbitrate(
        request, by=u["commission"], decision="granted", granted_amount="25000"
    )
    line = PlanLine.objects.get()
    assert line.request == request and line.amount == Decimal("25000.00")
    assert (line.year, line.uf, line.title) == (chain["campaign"].year, chain["rea"], "Respirateur")
    # The requester hears the decision.
    latest = Notification.objects.order_by("-pk")[0]
    assert latest.recipient == u["requester"]
    assert "Respirateur" in latest.subject


def test_deferred_and_refused_requests_stay_out_of_the_plan(chain):
    from tenants.plan.models import PlanLine

    u = chain["users"]
    request = _to_arbitration(chain)
    workflow.arbitrate(request, by=u["commission"], decision="deferred", reason="Budget 2028")
    assert not PlanLine.objects.exists()


def test_the_expert_judges_each_part_of_a_composite_request(chain):
    from tenants.requests.services import PartInput, save_draft

    u, request = chain["users"], chain["request"]
    request = save_draft(
        by=u["requester"],
        campaign=chain["campaign"],
        uf=chain["rea"],
        title="Respirateur et contrat",
        parts=[PartInput("investment", 1, "30000"), PartInput("maintenance", 5, "2000")],
        request=request,
    )
    request = workflow.submit(request, by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    investment, maintenance = request.parts.all()
    with pytest.raises(Refused) as refused:
        workflow.give_expert_opinion(
            request,
            by=u["expert"],
            favourable=True,
            parts={investment.pk: (True, ""), maintenance.pk: (False, "")},
        )
    assert refused.value.field == f"parts[{maintenance.pk}].opinion"
    request.refresh_from_db()
    assert request.state == RequestState.DISPATCHED  # nothing changed
    workflow.give_expert_opinion(
        request,
        by=u["expert"],
        favourable=True,
        parts={investment.pk: (True, ""), maintenance.pk: (False, "Contrat déjà au marché")},
    )
    maintenance.refresh_from_db()
    assert (maintenance.favourable, maintenance.opinion) == (False, "Contrat déjà au marché")


def test_a_deferred_request_is_carried_into_a_later_campaign_once(chain):
    import datetime

    from tenants.campaigns.models import Campaign
    from tenants.requests.models import EquipmentRequest
    from tenants.requests.services import carry_over

    u = chain["users"]
    request = _to_arbitration(chain)
    today = datetime.date.today()
    later = Campaign.objects.create(
        name="Recensement suivant",
        nature="equipment",
        year=today.year + 2,
        opens=today,
        closes=today + datetime.timedelta(days=60),
    )
    later.establishments.set([chain["site"]])
    with pytest.raises(Refused) as refused:  # not deferred yet
        carry_over(request, to=later, by=u["requester"])
    assert refused.value.field == "state"
    request = workflow.arbitrate(request, by=u["commission"], decision="deferred", reason="2028")
    works = Campaign.objects.create(
        name="Travaux", nature="works", year=today.year + 2, opens=today, closes=today
    )
    works.establishments.set([chain["site"]])
    with pytest.raises(Refused) as refused:
        carry_over(request, to=works, by=u["requester"])
    assert refused.value.field == "campaign"
    with pytest.raises(Refused) as refused:  # someone of another pôle
        carry_over(request, to=later, by=u["other_head"])
    assert refused.value.field == "uf"
    assert workflow.available_actions(request, u["requester"]) == ["carry_over"]
    carried = carry_over(request, to=later, by=u["requester"])
    assert (carried.campaign, carried.state, carried.carried_from) == (later, "draft", request)
    assert [(p.kind, p.unit_price) for p in carried.parts.all()] == [
        (p.kind, p.unit_price) for p in request.parts.all()
    ]
    assert request.events.last().action == "carry_over"
    with pytest.raises(Refused):
        carry_over(request, to=later, by=u["requester"])
    assert EquipmentRequest.objects.filter(carried_from=request).count() == 1
    assert workflow.available_actions(request, u["requester"]) == []


def test_a_draft_is_seen_by_who_may_draft_for_its_uf_and_the_rest_once_sent(chain):
    from tenants.access.models import Role, RoleGrant, ScopeKind
    from tenants.requests.selectors import visible_requests

    u, request = chain["users"], chain["request"]
    colleague = type(u["requester"]).objects.create_user("colleague@example.org", "x" * 20)
    RoleGrant.objects.create(
        user=colleague, role=Role.REQUESTER, scope=ScopeKind.UF, uf=chain["rea"]
    )

    def sees(user) -> bool:  # type: ignore[no-untyped-def]
        return visible_requests(user).filter(pk=request.pk).exists()

    # The head of pôle may draft for the pôle's UF too.
    assert sees(u["requester"]) and sees(colleague) and sees(u["pole_head"])
    assert sees(chain["admin"])
    assert not sees(u["manager"]) and not sees(u["commission"]) and not sees(u["expert"])
    request = workflow.submit(request, by=u["requester"])
    assert sees(u["commission"]) and sees(u["manager"])
    assert not sees(u["other_head"]) and not sees(u["expert"])  # not dispatched to them yet
    workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    assert sees(u["expert"]) and not sees(u["imaging_expert"])


def test_management_refuses_a_request_saying_why_and_the_requester_is_told(chain):
    from tenants.notifications.models import Notification

    u = chain["users"]
    request = _to_arbitration(chain)
    # Validated already: the management step is behind it.
    with pytest.raises(Refused):
        workflow.refuse_by_management(request, by=u["manager"], reason="Budget")
    request = chain["request"]
    EquipmentRequest.objects.filter(pk=request.pk).update(state=RequestState.EXPERTISED)
    request.refresh_from_db()
    assert "management_refuse" in workflow.available_actions(request, u["manager"])
    assert "management_refuse" not in workflow.available_actions(request, u["commission"])
    for who, reason, field in ((u["commission"], "Budget", "by"), (u["manager"], "  ", "reason")):
        with pytest.raises(Refused) as refused:
            workflow.refuse_by_management(request, by=who, reason=reason)
        assert refused.value.field == field
    request = workflow.refuse_by_management(request, by=u["manager"], reason="Hors stratégie")
    assert request.state == RequestState.REFUSED
    event = request.events.order_by("-pk")[0]
    assert (event.action, event.reason, event.action_label) == (
        "management_refuse",
        "Hors stratégie",
        "refusée par la direction",
    )
    latest = Notification.objects.order_by("-pk")[0]
    assert latest.recipient == u["requester"] and latest.body == "Hors stratégie"


def test_management_refuses_from_the_page(web, tenant, chain):
    from django_tenants.utils import tenant_context

    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
        request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
        request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
        request = workflow.give_expert_opinion(request, by=u["expert"], favourable=True)
    page = web["manager"].get(f"/requests/{request.pk}/").content.decode()
    assert 'name="action" value="management_refuse"' in page
    url = f"/requests/{request.pk}/act/"
    empty = web["manager"].post(
        url, {"action": ["management", "management_refuse"], "version": request.version}
    )
    assert empty.status_code == 400 and 'aria-invalid="true"' in empty.content.decode()
    done = web["manager"].post(
        url,
        {
            "action": ["management", "management_refuse"],
            "version": request.version,
            "reason": "Hors stratégie",
        },
    )
    assert done.status_code == 302
    with tenant_context(tenant):
        assert EquipmentRequest.objects.get(pk=request.pk).state == RequestState.REFUSED


def test_the_dispatcher_may_name_the_expert_who_is_told_alone(chain):
    from tenants.notifications.models import Notification

    u = chain["users"]
    request = workflow.submit(chain["request"], by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    # An expert of another domain, or someone who is no expert, cannot be named.
    for who in (u["imaging_expert"], u["requester"]):
        with pytest.raises(Refused) as refused:
            workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"], expert=who)
        assert refused.value.field == "expert"
    before = Notification.objects.count()
    request = workflow.dispatch(
        request, by=u["dispatcher"], domain=chain["biomedical"], expert=u["expert"]
    )
    assert request.expert == u["expert"]
    told = Notification.objects.order_by("pk")[before:]
    assert [n.recipient for n in told] == [u["expert"]]
    # Sent to another domain, the request leaves the named expert.
    request = workflow.dispatch(
        request, by=u["dispatcher"], domain=chain["imaging"], reason="Imagerie"
    )
    assert request.expert is None


def test_the_dispatcher_names_the_expert_from_the_page(web, tenant, chain):
    from django_tenants.utils import tenant_context

    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
        request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    page = web["dispatcher"].get(f"/requests/{request.pk}/").content.decode()
    assert 'name="expert"' in page
    data = {"action": "dispatch", "version": request.version, "domain": chain["biomedical"].pk}
    wrong = web["dispatcher"].post(
        f"/requests/{request.pk}/act/", {**data, "expert": u["imaging_expert"].pk}
    )
    assert wrong.status_code == 400
    bad = web["dispatcher"].post(f"/requests/{request.pk}/act/", {**data, "expert": "x\x00"})
    assert bad.status_code == 400
    done = web["dispatcher"].post(
        f"/requests/{request.pk}/act/", {**data, "expert": u["expert"].pk}
    )
    assert done.status_code == 302
    assert "data-expert" in web["dispatcher"].get(f"/requests/{request.pk}/").content.decode()


def test_a_request_is_copied_into_another_open_campaign_of_its_nature(chain):
    from tenants.campaigns.services import create_campaign
    from tenants.requests.services import copy_request

    u = chain["users"]
    request = workflow.submit(chain["request"], by=u["requester"])
    assert "copy" not in workflow.available_actions(request, u["requester"])  # nowhere to go
    today = datetime.date.today()
    programme = create_campaign(
        name="Programme urgences",
        nature="equipment",
        kind="programme",
        year=today.year + 1,
        opens=today,
        closes=today + datetime.timedelta(days=10),
        establishments=[chain["site"]],
        by=chain["admin"],
    )
    assert "copy" in workflow.available_actions(request, u["requester"])
    assert "copy" not in workflow.available_actions(request, u["commission"])
    copied = copy_request(request, to=programme, by=u["requester"])
    assert copied.state == RequestState.DRAFT and copied.campaign == programme
    assert copied.reference != request.reference and copied.carried_from is None
    assert [(p.kind, p.quantity) for p in copied.parts.all()] == [
        (p.kind, p.quantity) for p in request.parts.all()
    ]
    event = request.events.order_by("-pk")[0]
    assert (event.action, event.data["reference"]) == ("copy", copied.reference)
    # Not into its own campaign, nor by someone who may not ask for its UF.
    for target, who, field in (
        (chain["campaign"], u["requester"], "campaign"),
        (programme, u["commission"], "by"),
    ):
        with pytest.raises(Refused) as refused:
            copy_request(request, to=target, by=who)
        assert refused.value.field == field


def test_the_requester_copies_a_request_from_its_page(web, tenant, chain):
    from django_tenants.utils import tenant_context

    from tenants.campaigns.services import create_campaign

    u = chain["users"]
    today = datetime.date.today()
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
        programme = create_campaign(
            name="Programme urgences",
            nature="equipment",
            kind="programme",
            year=today.year + 1,
            opens=today,
            closes=today + datetime.timedelta(days=10),
            establishments=[chain["site"]],
            by=chain["admin"],
        )
    page = web["requester"].get(f"/requests/{request.pk}/").content.decode()
    assert 'value="copy"' in page and "Programme urgences" in page
    url = f"/requests/{request.pk}/act/"
    data = {"action": "copy", "version": request.version}
    assert web["requester"].post(url, {**data, "campaign": "0"}).status_code == 400
    done = web["requester"].post(url, {**data, "campaign": programme.pk})
    assert done.status_code == 302
    with tenant_context(tenant):
        copied = EquipmentRequest.objects.get(campaign=programme)
    assert done["Location"] == f"/requests/{copied.pk}/"


def test_requests_under_the_pole_heads_amount_or_by_a_head_skip_the_pole_opinion(chain):
    from tenants.campaigns.services import set_auto_approval
    from tenants.requests.services import PartInput, save_draft

    u, campaign, pole = chain["users"], chain["campaign"], chain["pole"]
    # Only the head of that pôle sets its rule.
    for who in (u["other_head"], u["requester"]):
        with pytest.raises(Refused) as refused:
            set_auto_approval(campaign, pole, "10000", by=who)
        assert refused.value.field == "by"
    with pytest.raises(Refused) as refused:
        set_auto_approval(campaign, pole, "0", by=u["pole_head"])
    assert refused.value.field == "below"
    set_auto_approval(campaign, pole, "35 000", by=u["pole_head"])

    def sent(title: str, price: str, by=None):  # type: ignore[no-untyped-def]
        draft = save_draft(
            by=by or u["requester"],
            campaign=campaign,
            uf=chain["rea"],
            title=title,
            parts=[PartInput("investment", 1, price)],
        )
        return workflow.submit(draft, by=by or u["requester"])

    small = sent("Petit", "30000")
    assert small.state == RequestState.POLE_OPINION
    event = small.events.order_by("-pk")[0]
    assert event.data == {"favourable": True, "automatic": True} and event.actor == u["pole_head"]
    assert "automatique" in event.reason
    large = sent("Grand", "35000")
    assert large.state == RequestState.SUBMITTED  # not under the amount: the head decides
    by_head = sent("Du chef", "90000", by=u["pole_head"])
    assert by_head.state == RequestState.POLE_OPINION
    # Removing the rule: the head decides again.
    set_auto_approval(campaign, pole, "", by=u["pole_head"])
    assert sent("Après", "100").state == RequestState.SUBMITTED


def test_a_head_of_pole_sets_the_rule_on_the_campaign_page(web, tenant, chain):
    from django_tenants.utils import tenant_context

    from tenants.campaigns.models import AutoApproval

    campaign, pole = chain["campaign"], chain["pole"]
    page = web["pole_head"].get(f"/campaigns/{campaign.pk}/").content.decode()
    assert f'data-auto-approval="{pole.code}"' in page
    assert (
        "data-auto-approval"
        not in web["requester"].get(f"/campaigns/{campaign.pk}/").content.decode()
    )
    url = f"/campaigns/{campaign.pk}/auto-approval/"
    assert web["pole_head"].post(url, {"pole": pole.pk, "below": "12 500,00"}).status_code == 302
    with tenant_context(tenant):
        assert str(AutoApproval.objects.get(campaign=campaign, pole=pole).below) == "12500.00"
    for who, data in (
        ("requester", {"pole": pole.pk, "below": "1"}),
        ("pole_head", {"pole": "x", "below": "1"}),
    ):
        assert web[who].post(url, data).status_code == 302
    # A wrong amount is said beside its field, with what was typed, and saves nothing.
    refused = web["pole_head"].post(url, {"pole": pole.pk, "below": "abc"})
    body = refused.content.decode()
    assert refused.status_code == 400
    field = (
        body.split(f'id="below-{pole.pk}"', 1)[0].rsplit("<input", 1)[1]
        + body.split(f'id="below-{pole.pk}"', 1)[1].split(">", 1)[0]
    )
    assert 'aria-invalid="true"' in field and f'aria-describedby="below-{pole.pk}_error"' in field
    assert f'id="below-{pole.pk}_error"' in body and 'value="abc' in field
    with tenant_context(tenant):
        assert str(AutoApproval.objects.get(campaign=campaign, pole=pole).below) == "12500.00"


def test_the_expert_corrects_a_parts_unit_price_and_the_costs_count_it(chain):
    from tenants.requests.selectors import with_costs

    u = chain["users"]
    request = workflow.submit(chain["request"], by=u["requester"])
    request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
    request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
    (part,) = request.parts.all()
    for bad in ("abc", "-1", "99999999999"):
        with pytest.raises(Refused) as refused:
            workflow.give_expert_opinion(
                request, by=u["expert"], favourable=True, prices={part.pk: bad}
            )
        assert refused.value.field == f"parts[{part.pk}].expert_unit_price"
    request.refresh_from_db()
    request = workflow.give_expert_opinion(
        request, by=u["expert"], favourable=True, prices={part.pk: "27 500,00"}
    )
    part.refresh_from_db()
    assert (part.unit_price, part.expert_unit_price) == (Decimal("30000.00"), Decimal("27500.00"))
    costed = with_costs(EquipmentRequest.objects.filter(pk=request.pk)).get()
    assert costed.cost == Decimal("27500.00")  # type: ignore[attr-defined]


def test_both_prices_show_once_the_expert_corrected_one(web, tenant, chain):
    from django_tenants.utils import tenant_context

    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
        request = workflow.give_pole_opinion(request, by=u["pole_head"], favourable=True)
        request = workflow.dispatch(request, by=u["dispatcher"], domain=chain["biomedical"])
        (part,) = request.parts.all()
    page = web["expert"].get(f"/requests/{request.pk}/").content.decode()
    assert f'name="part-{part.pk}-price"' in page
    url = f"/requests/{request.pk}/act/"
    data = {"action": "expertise", "version": request.version, "favourable": "1"}
    refused = web["expert"].post(url, {**data, f"part-{part.pk}-price": "abc"})
    assert refused.status_code == 400 and 'value="abc"' in refused.content.decode()
    done = web["expert"].post(url, {**data, f"part-{part.pk}-price": "27 500"})
    assert done.status_code == 302
    page = web["requester"].get(f"/requests/{request.pk}/").content.decode()
    assert "data-expert-price" in page and "estimé 30\u202f000,00\u00a0€" in page
