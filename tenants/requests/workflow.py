"""The request workflow: draft -> submitted -> the campaign's steps -> the commission's decision.

Each transition is one function that checks, in one transaction with the request locked:
the request is at the step the transition belongs to (the campaign chooses its steps), the
campaign is open when a requester sends (the census closes; opinions, validation and the
commission come after), the actor holds the step's role on the request's scope, and nobody
changed the request since the actor saw it (``expected_version``). It records who, when and
why. A refusal says why and changes nothing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
from tenants.access.permissions import (
    ALLOWED_ROLES,
    Action,
    grant_covers,
    has_permission,
    scope_filter,
)
from tenants.accounts.models import User
from tenants.campaigns.models import AutoApproval, Campaign, Step
from tenants.campaigns.services import MAX_AMOUNT, Refused, campaign_is_open, money
from tenants.notifications.services import notify, settle_notifications
from tenants.requests.models import EquipmentRequest, RequestEvent, RequestPart, RequestState
from tenants.requests.selectors import LISTED
from tenants.requests.services import campaigns_to_carry_into

# The state a request is in once each step is done, and the action that does each step.
STATE_AFTER = {
    Step.POLE_OPINION: RequestState.POLE_OPINION,
    Step.DISPATCH: RequestState.DISPATCHED,
    Step.EXPERTISE: RequestState.EXPERTISED,
    Step.MANAGEMENT: RequestState.VALIDATED,
}
ACTION_OF = {
    Step.POLE_OPINION: Action.GIVE_POLE_OPINION,
    Step.DISPATCH: Action.DISPATCH_REQUEST,
    Step.EXPERTISE: Action.EXPERTISE_REQUEST,
    Step.MANAGEMENT: Action.VALIDATE_REQUEST,
    Step.ARBITRATION: Action.ARBITRATE_REQUEST,
}
DECIDED = {RequestState.GRANTED, RequestState.DEFERRED, RequestState.REFUSED}
REASON_LIMIT = 5000
# The commission's choices in the order it reads them (a set's order changes between runs).
DECISION_CHOICES = (RequestState.GRANTED, RequestState.DEFERRED, RequestState.REFUSED)


def next_step(request: EquipmentRequest) -> str | None:
    """The step the request waits for, or None (a draft, a question pending, or decided)."""
    steps: list[str] = list(request.campaign.steps)
    if request.state == RequestState.SUBMITTED:
        return steps[0]
    done = next((s for s, state in STATE_AFTER.items() if state == request.state), None)
    if done is None or done not in steps:
        return None
    index = steps.index(done)
    return steps[index + 1] if index + 1 < len(steps) else None


def _locked(request: EquipmentRequest, expected_version: int | None) -> EquipmentRequest:
    locked = (
        EquipmentRequest.objects.select_for_update()
        .select_related("campaign", "uf__service__pole")
        .get(pk=request.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise Refused("version", _("someone acted on this request since you opened it: reload it"))
    return locked


def _move(
    request: EquipmentRequest,
    *,
    action: str,
    to_state: str,
    by: User,
    reason: str = "",
    data: dict[str, Any] | None = None,
    **fields: Any,
) -> EquipmentRequest:
    RequestEvent.objects.create(
        request=request,
        action=action,
        from_state=request.state,
        to_state=to_state,
        actor=by,
        reason=reason.strip(),
        data=data or {},
    )
    EquipmentRequest.objects.filter(pk=request.pk).update(
        state=to_state, version=F("version") + 1, updated=timezone.now(), **fields
    )
    request.refresh_from_db()
    if to_state == RequestState.GRANTED:
        from tenants.plan.services import add_granted_request

        add_granted_request(request, by=by)
    _notify(request, reason=reason)
    return request


def next_actors(request: EquipmentRequest) -> list[User]:
    """Who may do the step the request now waits for (its author when it was questioned)."""
    if request.state == RequestState.MORE_INFORMATION:
        return [request.requested_by]
    step = next_step(request)
    if step is None:
        return []
    if step == Step.EXPERTISE and request.expert is not None and request.expert.is_active:
        return [request.expert]  # the dispatcher named who should look at it
    path = request.scope_path()
    grants = RoleGrant.objects.filter(
        role__in=ALLOWED_ROLES[ACTION_OF[Step(step)]], user__is_active=True
    ).select_related("user")
    return [grant.user for grant in grants if grant_covers(grant, path)]


def _notify(request: EquipmentRequest, *, reason: str) -> None:
    """Tell the next actors (in the app, and by e-mail after commit); tell the author the
    commission's decision."""
    url = reverse("requests:request_detail", args=[request.pk])
    # What was said about the request before this step no longer applies.
    settle_notifications(url)
    with translation.override(settings.LANGUAGE_CODE):
        if request.state in DECIDED:
            subject = _("Your request %(reference)s “%(title)s”: %(decision)s") % {
                "reference": request.reference,
                "title": request.title,
                "decision": request.get_state_display().lower(),
            }
            notify([request.requested_by], subject=subject, url=url, body=reason, kind="requests")
            return
        if request.state == RequestState.MORE_INFORMATION:
            subject = _("More information is asked on your request %(reference)s “%(title)s”") % {
                "reference": request.reference,
                "title": request.title,
            }
        else:
            step = next_step(request)
            if step is None:
                return
            subject = _("%(reference)s “%(title)s” waits for you: %(step)s") % {
                "reference": request.reference,
                "title": request.title,
                "step": Step(step).label,
            }
        notify(next_actors(request), subject=subject, url=url, body=reason, kind="requests")


def _require(by: User, action: Action, request: EquipmentRequest, refusal: str) -> None:
    if not has_permission(by, action, request):
        raise Refused("by", refusal)


def _at_step(request: EquipmentRequest, step: str) -> None:
    waiting = next_step(request)
    if waiting != step:
        label = waiting or request.get_state_display()
        raise Refused(
            "state",
            _("this request is not waiting for this step (it is at: %(step)s)") % {"step": label},
        )


@transaction.atomic
def submit(
    request: EquipmentRequest, *, by: User, expected_version: int | None = None
) -> EquipmentRequest:
    """The requester sends the draft (or the answer to a question) on its way."""
    request = _locked(request, expected_version)
    if request.state not in (RequestState.DRAFT, RequestState.MORE_INFORMATION):
        raise Refused("state", _("only a draft, or a request asked for more information, is sent"))
    if request.state == RequestState.DRAFT and not campaign_is_open(request.campaign):
        raise Refused("campaign", _("this campaign is closed"))  # an answer may come later
    _require(by, Action.DRAFT_REQUEST, request, _("you may not send requests for this UF"))
    if not request.parts.exists():
        raise Refused("parts", _("a request has at least one part with its cost"))
    to_state = request.resume_state or RequestState.SUBMITTED
    request = _move(request, action="submit", to_state=to_state, by=by, resume_state="")
    return _approve_automatically(request, author=by)


def _approve_automatically(request: EquipmentRequest, *, author: User) -> EquipmentRequest:
    """The pôle's opinion given by the campaign's rule, recorded as automatic: for a request
    written by a head of its pôle, or under the amount its head set for the campaign."""
    if next_step(request) != Step.POLE_OPINION:
        return request
    if has_permission(author, Action.GIVE_POLE_OPINION, request):
        by, why = author, _("automatic: written by a head of its pôle")
    else:
        rule = AutoApproval.objects.filter(
            campaign_id=request.campaign_id, pole_id=request.uf.service.pole_id
        ).first()
        cost = sum((p.total for p in request.parts.all()), Decimal(0))
        if rule is None or cost >= rule.below:
            return request
        by = rule.set_by
        why = _("automatic: under %(amount)s set by the head of pôle") % {
            "amount": f"{rule.below:.2f} €".replace(".", ","),
        }
    return _move(
        request,
        action=str(Step.POLE_OPINION.value),
        to_state=STATE_AFTER[Step.POLE_OPINION],
        by=by,
        reason=why,
        data={"favourable": True, "automatic": True},
    )


def _opinion(
    request: EquipmentRequest,
    step: Step,
    *,
    by: User,
    favourable: bool,
    reason: str,
    expected_version: int | None,
) -> EquipmentRequest:
    """A favourable or unfavourable opinion (the latter says why), at the step it belongs to."""
    request = _locked(request, expected_version)
    _at_step(request, step)
    _require(by, ACTION_OF[step], request, _("you may not give this opinion on this request"))
    if not favourable and not reason.strip():
        raise Refused("reason", _("say why the opinion is unfavourable"))
    return _move(
        request,
        action=str(step.value),
        to_state=STATE_AFTER[step],
        by=by,
        reason=reason,
        data={"favourable": favourable},
    )


@transaction.atomic
def give_pole_opinion(
    request: EquipmentRequest,
    *,
    by: User,
    favourable: bool,
    reason: str = "",
    expected_version: int | None = None,
) -> EquipmentRequest:
    return _opinion(
        request,
        Step.POLE_OPINION,
        by=by,
        favourable=favourable,
        reason=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def dispatch(
    request: EquipmentRequest,
    *,
    by: User,
    domain: ExpertiseDomain,
    expert: User | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> EquipmentRequest:
    """Send the request to an expertise domain, naming its expert if the dispatcher wants to;
    again, with a reason, when it was misrouted (by a dispatcher, or by an expert of the
    domain it wrongly reached)."""
    request = _locked(request, expected_version)
    if expert is not None and not _expert_of(expert, domain):
        raise Refused("expert", _("this person is not an expert of this domain"))
    if next_step(request) == Step.DISPATCH:
        _require(by, Action.DISPATCH_REQUEST, request, _("you may not dispatch this request"))
        action = "dispatch"
    elif next_step(request) == Step.EXPERTISE and request.domain_id is not None:
        if not (
            has_permission(by, Action.DISPATCH_REQUEST, request)
            or has_permission(by, Action.EXPERTISE_REQUEST, request)
        ):
            raise Refused("by", _("you may not re-dispatch this request"))
        if not reason.strip():
            raise Refused("reason", _("say why the request is re-dispatched"))
        if domain.pk == request.domain_id:
            raise Refused("domain", _("the request is already in this domain"))
        action = "redispatch"
    else:
        _at_step(request, Step.DISPATCH)
        raise AssertionError("unreachable")
    to_state = RequestState.DISPATCHED if Step.DISPATCH in request.campaign.steps else request.state
    return _move(
        request,
        action=action,
        to_state=to_state,
        by=by,
        reason=reason,
        data={"domain": domain.code, **({"expert": expert.pk} if expert else {})},
        domain=domain,
        expert=expert,
    )


def _expert_of(person: User, domain: ExpertiseDomain) -> bool:
    """An active expert of the whole tenant or of this domain."""
    return (
        person.is_active
        and RoleGrant.objects.filter(user=person, role=Role.EXPERT)
        .filter(Q(scope=ScopeKind.TENANT) | Q(scope=ScopeKind.DOMAIN, domain=domain))
        .exists()
    )


def domain_experts() -> QuerySet[User]:
    """Whom a dispatcher may name: the active experts (of a domain or the whole tenant)."""
    return (
        User.objects.filter(grants__role=Role.EXPERT, is_active=True)
        .distinct()
        .order_by("full_name", "email")
    )


@transaction.atomic
def give_expert_opinion(
    request: EquipmentRequest,
    *,
    by: User,
    favourable: bool,
    reason: str = "",
    parts: dict[int, tuple[bool, str]] | None = None,
    prices: dict[int, Any] | None = None,
    expected_version: int | None = None,
) -> EquipmentRequest:
    """The expert's opinion on the request, and on each of its parts (part id -> favourable,
    why): a composite request's maintenance may be judged apart from its investment. The
    expert may correct a part's unit price (part id -> price, empty to keep the estimate)."""
    # Who may not give it is told so before the prices are read (checking them would teach
    # a stranger nothing, and a refused price quotes what was typed).
    _require(
        by, ACTION_OF[Step.EXPERTISE], request, _("you may not give this opinion on this request")
    )
    own = {part.pk: part for part in request.parts.all()}
    corrected = []
    for part_id, raw in (prices or {}).items():
        part = own.get(part_id)
        if part is None:
            raise Refused(f"parts[{part_id}]", _("not a part of this request"))
        field = f"parts[{part_id}].expert_unit_price"
        part.expert_unit_price = None if str(raw).strip() == "" else money(raw, field)
        if (
            part.expert_unit_price is not None
            and part.expert_unit_price * part.quantity >= MAX_AMOUNT
        ):
            raise Refused(field, _("the part's total is absurdly large"))
        corrected.append(part)
    for part_id, (part_favourable, why) in (parts or {}).items():
        part = own.get(part_id)
        if part is None:
            raise Refused(f"parts[{part_id}]", _("not a part of this request"))
        if not part_favourable and not why.strip():
            raise Refused(f"parts[{part_id}].opinion", _("say why the opinion is unfavourable"))
        part.favourable, part.opinion = part_favourable, why.strip()
    request = _opinion(
        request,
        Step.EXPERTISE,
        by=by,
        favourable=favourable,
        reason=reason,
        expected_version=expected_version,
    )
    judged = [own[part_id] for part_id in parts or {}]
    if judged:
        RequestPart.objects.bulk_update(judged, ["favourable", "opinion"])
    if corrected:
        RequestPart.objects.bulk_update(corrected, ["expert_unit_price"])
    return request


@transaction.atomic
def validate(
    request: EquipmentRequest, *, by: User, reason: str = "", expected_version: int | None = None
) -> EquipmentRequest:
    request = _locked(request, expected_version)
    _at_step(request, Step.MANAGEMENT)
    _require(by, Action.VALIDATE_REQUEST, request, _("you may not validate this request"))
    return _move(request, action="validate", to_state=RequestState.VALIDATED, by=by, reason=reason)


@transaction.atomic
def refuse_by_management(
    request: EquipmentRequest, *, by: User, reason: str, expected_version: int | None = None
) -> EquipmentRequest:
    """Management turns a request down before the commission, saying why (the requester is
    told, as after the commission's refusal)."""
    request = _locked(request, expected_version)
    _at_step(request, Step.MANAGEMENT)
    _require(by, Action.VALIDATE_REQUEST, request, _("you may not refuse this request"))
    if not reason.strip():
        raise Refused("reason", _("say why the request is refused"))
    if len(reason) > REASON_LIMIT:
        raise Refused(
            "reason", _("is too long (%(limit)s characters at most)") % {"limit": REASON_LIMIT}
        )
    return _move(
        request, action="management_refuse", to_state=RequestState.REFUSED, by=by, reason=reason
    )


@transaction.atomic
def arbitrate(
    request: EquipmentRequest,
    *,
    by: User,
    decision: str,
    granted_amount: Any = None,
    reason: str = "",
    expected_version: int | None = None,
) -> EquipmentRequest:
    """The commission's decision: granted (with the amount), deferred or refused."""
    request = _locked(request, expected_version)
    _at_step(request, Step.ARBITRATION)
    _require(by, Action.ARBITRATE_REQUEST, request, _("you may not arbitrate this request"))
    if decision not in DECIDED:
        raise Refused("decision", _("choose granted, deferred or refused"))
    fields: dict[str, Any] = {}
    if decision == RequestState.GRANTED:
        if granted_amount in (None, ""):
            raise Refused("granted_amount", _("say how much is granted"))
        amount = money(granted_amount, "granted_amount")
        if amount == Decimal("0"):
            raise Refused("granted_amount", _("a grant of 0 € is a refusal"))
        fields["granted_amount"] = amount
    elif not reason.strip():
        raise Refused("reason", _("say why the request is deferred or refused"))
    data = {"granted_amount": str(fields["granted_amount"])} if fields else {}
    return _move(
        request, action="arbitrate", to_state=decision, by=by, reason=reason, data=data, **fields
    )


@transaction.atomic
def ask_more_information(
    request: EquipmentRequest, *, by: User, reason: str, expected_version: int | None = None
) -> EquipmentRequest:
    """Any actor of the current step sends the request back to its author with a question;
    once answered, it comes back to the same step."""
    request = _locked(request, expected_version)
    step = next_step(request)
    if step is None:
        raise Refused("state", _("this request is not waiting for anyone's step"))
    _require(by, ACTION_OF[Step(step)], request, _("you may not question this request"))
    if not reason.strip():
        raise Refused("reason", _("say what information is needed"))
    return _move(
        request,
        action="ask_more_information",
        to_state=RequestState.MORE_INFORMATION,
        by=by,
        reason=reason,
        resume_state=request.state,
    )


def waiting_for(user: User) -> QuerySet[EquipmentRequest]:
    """The requests waiting for a step this user may do, on the user's scopes; and the user's
    own requests asked for more information.

    One query: each campaign chooses its steps, so for each campaign and each of its steps the
    user may do, the filter keeps the requests in the state that step follows.
    """
    keep = Q(requested_by=user, state=RequestState.MORE_INFORMATION)
    scopes = {step: _step_scope(user, step) for step in ACTION_OF}
    if not any(scope is not None for scope in scopes.values()):
        return EquipmentRequest.objects.filter(keep).select_related(*LISTED)
    for campaign_id, steps in Campaign.objects.values_list("pk", "steps"):
        previous: str = RequestState.SUBMITTED
        for step in steps:
            scope = scopes.get(Step(step))
            if scope is not None:
                keep |= Q(campaign_id=campaign_id, state=previous) & scope
            previous = STATE_AFTER.get(Step(step), "")
    return EquipmentRequest.objects.filter(keep).select_related(*LISTED)


def _step_scope(user: User, step: Step) -> Q | None:
    """The requests this user may do ``step`` on (None: the user may not do it at all)."""
    action = ACTION_OF[step]
    if not has_permission(user, action):
        return None
    # A grant on a domain covers what was routed there: a dispatcher of one domain is not
    # waited for by requests nobody has dispatched yet, an expert only by their domain's.
    return scope_filter(user, action, "uf", domain_path="domain_id")


def available_actions(request: EquipmentRequest, user: User) -> list[str]:
    """What this user may do on this request now: the detail page shows these forms only
    (the transitions check again: a page may be stale)."""
    found = []
    if (
        request.state not in (RequestState.DEFERRED, RequestState.DRAFT)
        and has_permission(user, Action.DRAFT_REQUEST, request)
        and campaigns_to_carry_into(request).exists()
    ):
        found.append("copy")
    if request.state == RequestState.DEFERRED:
        carried = EquipmentRequest.objects.filter(carried_from=request).exists()
        if (
            not carried
            and has_permission(user, Action.DRAFT_REQUEST, request)
            and campaigns_to_carry_into(request).exists()
        ):
            found.append("carry_over")
        return found
    if request.state in (RequestState.DRAFT, RequestState.MORE_INFORMATION):
        may_send = request.state == RequestState.MORE_INFORMATION or campaign_is_open(
            request.campaign
        )
        if may_send and has_permission(user, Action.DRAFT_REQUEST, request):
            found += ["edit", "submit"]
        if request.state == RequestState.DRAFT and has_permission(
            user, Action.DRAFT_REQUEST, request
        ):
            found.append("delete")
        return found
    step = next_step(request)
    if step is None:
        return found
    action = ACTION_OF[Step(step)]
    if has_permission(user, action, request):
        found += [step, "ask_more_information"]
        if step == Step.MANAGEMENT:
            found.append("management_refuse")
    may_route = has_permission(user, Action.DISPATCH_REQUEST, request) or has_permission(
        user, Action.EXPERTISE_REQUEST, request
    )
    if step == Step.EXPERTISE and request.domain_id is not None and may_route:
        found.append("redispatch")
    return found
