"""Pages of requests and of the commission's session. Views parse and render; the
services (services.py, workflow.py, arbitration.py) decide."""

from __future__ import annotations

import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from saas.error_pages import forbidden
from saas.errors import labelled, show_on_form
from tenants.access.models import ExpertiseDomain
from tenants.access.permissions import Action, has_permission, scope_filter
from tenants.accounts.models import User
from tenants.campaigns.models import Campaign, Step
from tenants.campaigns.selectors import envelopes_of
from tenants.campaigns.services import Refused
from tenants.mirror.client import SyncFailed
from tenants.mirror.sync import mirror_model
from tenants.requests import arbitration, workflow
from tenants.requests.filters import RequestFilter
from tenants.requests.forms import DomainChoice, RequestForm, part_formset
from tenants.requests.models import EquipmentRequest, RequestState
from tenants.requests.selectors import visible_requests, with_costs
from tenants.requests.services import (
    PartInput,
    campaigns_to_carry_into,
    carry_over,
    copy_request,
    delete_draft,
    replaced_devices,
    save_draft,
)
from tenants.requests.tables import (
    MY_REQUEST_SETS,
    REQUEST_COLOURS,
    REQUEST_COLUMNS,
    REQUEST_SETS,
    RequestTable,
)
from tenants.requests.templatetags.request_actions import REFUSAL_ID
from tenants.structure.models import FunctionalUnit
from tenants.tables.listing import ListPage, register
from tenants.tables.views import XLSX, render_list


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _all_requests(user: User) -> Any:
    return with_costs(visible_requests(user))


def _my_requests(user: User) -> Any:
    return with_costs(visible_requests(user).filter(requested_by=user))


def _waiting_requests(user: User) -> Any:
    return with_costs(workflow.waiting_for(user))


# The pages' keys name the people's saved views and column choices: they keep the names
# they had when these pages belonged to the campaigns app.
REQUESTS = register(
    ListPage(
        key="campaigns.requests",
        url_name="requests:request_list",
        title=gettext_lazy("Requests"),
        table_class=RequestTable,
        filterset_class=RequestFilter,
        rows=_all_requests,
        default_columns=REQUEST_COLUMNS,
        column_sets=REQUEST_SETS,
        row_colours=REQUEST_COLOURS,
        footer_sums=True,
    )
)
MY_REQUESTS = register(
    ListPage(
        key="campaigns.my_requests",
        url_name="requests:my_requests",
        title=gettext_lazy("My requests"),
        table_class=RequestTable,
        filterset_class=RequestFilter,
        rows=_my_requests,
        default_columns=REQUEST_COLUMNS,
        column_sets=MY_REQUEST_SETS,
        row_colours=REQUEST_COLOURS,
        footer_sums=True,
    )
)
WAITING = register(
    ListPage(
        key="campaigns.waiting",
        url_name="requests:waiting",
        title=gettext_lazy("Waiting for me"),
        table_class=RequestTable,
        filterset_class=RequestFilter,
        rows=_waiting_requests,
        default_columns=REQUEST_COLUMNS,
        column_sets=REQUEST_SETS,
        row_colours=REQUEST_COLOURS,
        footer_sums=True,
    )
)


def _list_extra(request: HttpRequest) -> dict[str, Any]:
    return {
        "request_tabs": True,
        "can_manage": has_permission(_user(request), Action.MANAGE_CAMPAIGNS),
    }


@login_required
def request_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request, REQUESTS, template="requests/request_list.html", extra=_list_extra(request)
    )


@login_required
def my_requests(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request, MY_REQUESTS, template="requests/request_list.html", extra=_list_extra(request)
    )


@login_required
def waiting(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request, WAITING, template="requests/request_list.html", extra=_list_extra(request)
    )


def _parts(formset: Any) -> list[PartInput]:
    return [
        PartInput(
            kind=f.cleaned_data["kind"],
            quantity=f.cleaned_data["quantity"],
            unit_price=f.cleaned_data["unit_price"],
            description=f.cleaned_data.get("description", ""),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _edit(
    request: HttpRequest, campaign: Campaign, existing: EquipmentRequest | None
) -> HttpResponse:
    user = _user(request)
    initial: dict[str, Any] = {}
    parts_initial = None
    if existing is not None:
        initial = {
            "uf": existing.uf.code,
            "title": existing.title,
            "argument": existing.argument,
            "priority": existing.priority,
            "nomenclature_code": existing.nomenclature_code,
            "reference_model": existing.reference_model.uuid if existing.reference_model else None,
            "replaces": " ".join(existing.replaces.values_list("inventory_number", flat=True)),
        }
        parts_initial = [
            {
                "kind": p.kind,
                "description": p.description,
                "quantity": p.quantity,
                "unit_price": p.unit_price,
            }
            for p in existing.parts.all()
        ]
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, initial=initial, nature=campaign.nature)
    if existing is not None and existing.reference_model and "reference_model" in form.fields:
        widget = form.fields["reference_model"].widget
        widget.known_labels.setdefault(  # type: ignore[attr-defined]
            str(existing.reference_model.uuid), str(existing.reference_model)
        )
    parts = part_formset(data, nature=campaign.nature, initial=parts_initial)
    valid = data is not None and all([form.is_valid(), parts.is_valid()])
    if data is not None and not valid and isinstance(form.cleaned_data.get("uf"), FunctionalUnit):
        # The inventory's answer too, in the same round as the form's own mistakes.
        try:
            replaced_devices(form.replaced_numbers(), form.cleaned_data["uf"])
        except Refused as refused:
            show_on_form(refused, form)
    if valid:
        cleaned = form.cleaned_data
        uf = cleaned["uf"]
        try:
            model = None
            if cleaned.get("reference_model"):
                try:
                    model = mirror_model(str(cleaned["reference_model"]))
                except SyncFailed as exc:
                    raise Refused(
                        "reference_model", _("this model could not be fetched: %s") % exc
                    ) from exc
            saved = save_draft(
                by=user,
                campaign=campaign,
                uf=uf,
                title=cleaned["title"],
                parts=_parts(parts),
                argument=cleaned["argument"],
                priority=cleaned["priority"],
                nomenclature_code=cleaned.get("nomenclature_code", ""),
                reference_model=model,
                replaces=form.replaced_numbers() if "replaces" in form.fields else [],
                request=existing,
                expected_version=_int(request.POST.get("version")),
            )
        except Refused as refused:
            show_on_form(refused, form, {"parts": parts})
        else:
            messages.success(request, _("Draft saved: send it when it is complete."))
            return redirect(saved)
    context = {"form": form, "parts": parts, "campaign": campaign, "existing": existing}
    status = 400 if data is not None else 200
    return render(request, "requests/request_form.html", context, status=status)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def request_new(request: HttpRequest, campaign_pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign, pk=campaign_pk)
    if not has_permission(_user(request), Action.DRAFT_REQUEST):
        raise Http404("no such page")
    return _edit(request, campaign, None)


@login_required
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    existing = get_object_or_404(visible_requests(_user(request)), pk=pk)
    if "edit" not in workflow.available_actions(existing, _user(request)):
        messages.error(request, _("This request cannot be changed now."))
        return redirect(existing)
    return _edit(request, existing.campaign, existing)


def _detail_context(request: HttpRequest, item: EquipmentRequest) -> dict[str, Any]:
    user = _user(request)
    parts = list(item.parts.all())
    actions = workflow.available_actions(item, user)
    step = workflow.next_step(item)
    return {
        "item": item,
        "parts": parts,
        "total": sum((p.total for p in parts), 0),
        "events": item.events.select_related("actor"),
        "actions": actions,
        "step": Step(step).label if step else "",
        "domain_form": DomainChoice(initial={"domain": item.domain_id})
        if {"dispatch", "redispatch"} & set(actions)
        else None,
        "replaced": item.replaces.all(),
        "plan_line": getattr(item, "plan_line", None)
        if item.state == RequestState.GRANTED
        else None,
        "decisions": [(s, RequestState(s).label) for s in workflow.DECISION_CHOICES],
        "carry_campaigns": campaigns_to_carry_into(item)
        if {"carry_over", "copy"} & set(actions)
        else [],
        # The new draft is shown to those who may open it (a draft is its UF's requesters').
        "carried_to": visible_requests(user).filter(carried_from=item).first(),
        "envelopes": envelopes_of(item),
    }


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(visible_requests(_user(request)), pk=pk)
    return render(request, "requests/request_detail.html", _detail_context(request, item))


@login_required
@require_POST
def request_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One transition, named by the form's ``action``; a refusal shows the page again with why."""
    item = get_object_or_404(visible_requests(_user(request)), pk=pk)
    post = request.POST
    name = post.get("action", "")
    common: dict[str, Any] = {"by": _user(request), "expected_version": _int(post.get("version"))}
    reason = post.get("reason", "")
    favourable = post.get("favourable") == "1"
    try:
        match name:
            case "submit":
                workflow.submit(item, **common)
            case Step.POLE_OPINION:
                workflow.give_pole_opinion(item, favourable=favourable, reason=reason, **common)
            case Step.EXPERTISE:
                part_opinions = {
                    part.pk: (
                        post.get(f"part-{part.pk}-favourable", "1") == "1",
                        post.get(f"part-{part.pk}-opinion", ""),
                    )
                    for part in item.parts.all()
                }
                prices = {
                    part.pk: post[f"part-{part.pk}-price"]
                    for part in item.parts.all()
                    if f"part-{part.pk}-price" in post
                }
                workflow.give_expert_opinion(
                    item,
                    favourable=favourable,
                    reason=reason,
                    parts=part_opinions,
                    prices=prices,
                    **common,
                )
            case Step.DISPATCH | "redispatch":
                domain = ExpertiseDomain.objects.filter(pk=_int(post.get("domain")) or 0).first()
                if domain is None:
                    raise Refused("domain", _("choose an expertise domain"))
                expert = None
                if post.get("expert"):
                    expert = (
                        workflow.domain_experts().filter(pk=_int(post.get("expert")) or 0).first()
                    )
                    if expert is None:
                        raise Refused("expert", _("this person is not an expert of this domain"))
                workflow.dispatch(item, domain=domain, expert=expert, reason=reason, **common)
            case Step.MANAGEMENT:
                workflow.validate(item, reason=reason, **common)
            case "management_refuse":
                workflow.refuse_by_management(item, reason=reason, **common)
            case Step.ARBITRATION:
                workflow.arbitrate(
                    item,
                    decision=post.get("decision", ""),
                    granted_amount=post.get("granted_amount"),
                    reason=reason,
                    **common,
                )
            case "ask_more_information":
                workflow.ask_more_information(item, reason=reason, **common)
            case "delete":
                delete_draft(item, by=_user(request))
                messages.success(request, _("Draft deleted."))
                return redirect("requests:my_requests")
            case "carry_over":
                target = Campaign.objects.filter(pk=_int(post.get("campaign")) or 0).first()
                if target is None:
                    raise Refused("campaign", _("choose a campaign"))
                carried = carry_over(item, to=target, by=_user(request))
                messages.success(
                    request,
                    _("Carried over: a new draft in %(campaign)s.") % {"campaign": target.name},
                )
                return redirect(carried)
            case "copy":
                target = Campaign.objects.filter(pk=_int(post.get("campaign")) or 0).first()
                if target is None:
                    raise Refused("campaign", _("choose a campaign"))
                copied = copy_request(item, to=target, by=_user(request))
                messages.success(
                    request,
                    _("Copied: a new draft %(reference)s in %(campaign)s.")
                    % {"reference": copied.reference, "campaign": target.name},
                )
                return redirect(copied)
            case _:
                raise Refused("action", _("unknown action %(name)r") % {"name": name})
    except Refused as refused:
        item.refresh_from_db()
        context = _detail_context(request, item)
        context["refusal"] = refused
        # The form shows again what was chosen and typed (an unfavourable opinion stays so).
        context["typed"] = {"action": name, **post.dict()}
        for part in context["parts"]:
            part.typed = {
                "favourable": post.get(f"part-{part.pk}-favourable", ""),
                "opinion": post.get(f"part-{part.pk}-opinion", ""),
                "price": post.get(f"part-{part.pk}-price", ""),
            }
        if refused.field == "domain" and context["domain_form"] is not None:
            # The one control Django draws here: the others take {% refused_aria %}.
            context["domain_form"].fields["domain"].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": REFUSAL_ID}
            )
        status = refused.status
        return render(request, "requests/request_detail.html", context, status=status)
    item.refresh_from_db()
    messages.success(request, _done(name, item))
    return redirect(item)


def _done(action: str, item: EquipmentRequest) -> str:
    """What a transition did, said on the next page."""
    if action == "submit":
        if item.state != RequestState.SUBMITTED:  # an answer to a question
            return _("Request sent back with your answer.")
        if item.campaign.steps[:1] == [Step.POLE_OPINION]:
            return _("Request sent to the head of pôle.")
        return _("Request sent.")
    if action in (Step.DISPATCH, "redispatch") and item.domain is not None:
        return _("Request dispatched to %(domain)s.") % {"domain": item.domain}
    return {
        Step.POLE_OPINION: _("Opinion of the head of pôle recorded."),
        Step.EXPERTISE: _("Expert opinion recorded."),
        Step.MANAGEMENT: _("Validation by management recorded."),
        "management_refuse": _("Refusal by management recorded."),
        Step.ARBITRATION: _("Commission decision recorded."),
        "ask_more_information": _("Question sent to the requester."),
    }.get(action, _("Request updated."))


# The commission's session --------------------------------------------------------------------


# The control of a session's row (its id's prefix) that each refused field of a decision names.
PROBLEM_TARGETS = {"decision": "decision", "granted_amount": "amount", "reason": "reason"}

# The session's rows a page shows at once; the next ones are loaded into it on demand. All
# 8,000 rows of a large session took 3.6 s to render, 100 take 50 ms (docs/benchmarks.md).
SESSION_ROWS = 100
MAX_OFFSET = 10**7


@login_required
def arbitration_session(request: HttpRequest, pk: int) -> HttpResponseBase:
    campaign = get_object_or_404(Campaign, pk=pk)
    # Commission members decide; management prepares the session and may read it.
    user = _user(request)
    may_decide = has_permission(user, Action.ARBITRATE_REQUEST)
    if not may_decide and not has_permission(user, Action.MANAGE_CAMPAIGNS):
        return forbidden(
            request,
            _(
                "Only the members of the investment commission (and the management that "
                "prepares its session) may see the arbitration session."
            ),
        )
    action = Action.ARBITRATE_REQUEST if may_decide else Action.MANAGE_CAMPAIGNS
    within = scope_filter(_user(request), action, "uf")  # its own establishment's, say
    if request.GET.get("export") == "xlsx":
        target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        arbitration.write_session_xlsx(arbitration.session(campaign, within), target)
        target.seek(0)
        name = f"arbitrage-{slugify(campaign.name)}.xlsx"
        response = FileResponse(target, as_attachment=True, filename=name)
        response["Content-Type"] = XLSX
        return response
    if request.method == "GET" and "offset" in request.GET:
        return _session_rows(request, campaign, within, may_decide)
    problems: dict[int, Refused] = {}
    status = 200
    if request.method == "POST":
        if not may_decide:
            return forbidden(
                request,
                _(
                    "Only the members of the investment commission record its decisions: "
                    "the management may read the session, not decide."
                ),
            )
        decisions = _decisions(request)
        if not decisions:
            messages.info(request, _("No decision was chosen."))
            return redirect("requests:arbitration", pk=campaign.pk)
        try:
            count = arbitration.decide_many(campaign, decisions, by=_user(request))
        except arbitration.DecisionsRefused as refused:
            problems, status = refused.problems, 400  # the page lists them on top
        else:
            recorded = ngettext(
                "%(count)d decision recorded.", "%(count)d decisions recorded.", count
            )
            messages.success(request, recorded % {"count": count})
            return redirect("requests:arbitration", pk=campaign.pk)
    post = request.POST if problems else None
    current = arbitration.session(campaign, within, limit=SESSION_ROWS)
    if post is not None:
        # A refused session shows again every row loaded when it was sent (they come in
        # order, those waiting first), or every row if one of them is further down now.
        posted = {
            _int(key.removeprefix("decision-")) for key in post if key.startswith("decision-")
        } - {None}
        if len(posted) > SESSION_ROWS:
            current = arbitration.session(campaign, within, limit=len(posted))
        if not posted <= {row.request.pk for row in current.rows}:
            current = arbitration.session(campaign, within)
    faulty = []
    for row in current.rows:
        pk = row.request.pk
        problem = problems.get(pk)
        row.problem = arbitration.problem_text(problem) if problem else ""  # type: ignore[attr-defined]
        if problem:
            # The control at fault is marked invalid and the summary's link leads to it; a
            # refusal of the row itself (acted on meanwhile, say) leads to its decision.
            row.problem_field = problem.field  # type: ignore[attr-defined]
            row.problem_target = PROBLEM_TARGETS.get(problem.field, "decision")  # type: ignore[attr-defined]
            faulty.append(row)
        # A refused session shows again every decision typed, not only the faulty ones.
        row.typed = (  # type: ignore[attr-defined]
            {
                "decision": post.get(f"decision-{pk}", ""),
                "amount": post.get(f"amount-{pk}", ""),
                "reason": post.get(f"reason-{pk}", ""),
            }
            if post is not None
            else None
        )
    return render(
        request,
        "requests/arbitration.html",
        _session_context(campaign, current, may_decide) | {"faulty": faulty},
        status=status,
    )


def _session_context(
    campaign: Campaign, current: arbitration.Session, may_decide: bool
) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "session": current,
        "may_decide": may_decide,
        "choices": [(s, RequestState(s).label) for s in workflow.DECISION_CHOICES],
        "next_rows": min(SESSION_ROWS, current.remaining),
    }


def _session_rows(
    request: HttpRequest, campaign: Campaign, within: Any, may_decide: bool
) -> HttpResponse:
    """The rows after ``offset`` (the next ones, or all the rest), loaded into the page."""
    offset = _int(request.GET.get("offset"))
    if offset is None or not 0 <= offset <= MAX_OFFSET:
        return HttpResponse(labelled(_("From row"), _("a whole number is expected")), status=400)
    limit = None if request.GET.get("rest") else SESSION_ROWS
    current = arbitration.session(campaign, within, offset=offset, limit=limit, figures=False)
    context = _session_context(campaign, current, may_decide) | {"faulty": []}
    return render(request, "requests/_arbitration_rows.html", context)


def _decisions(request: HttpRequest) -> list[arbitration.Decision]:
    post = request.POST
    found = []
    for key in post:
        if not key.startswith("decision-"):
            continue
        pk = _int(key.removeprefix("decision-"))
        choice = post.get(key, "")
        if pk is None or not choice:
            continue
        found.append(
            arbitration.Decision(
                request_id=pk,
                decision=choice,
                granted_amount=post.get(f"amount-{pk}", ""),
                reason=post.get(f"reason-{pk}", ""),
                expected_version=_int(post.get(f"version-{pk}")),
            )
        )
    return found
