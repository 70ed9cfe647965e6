"""Pages of campaigns and their envelopes. Views parse and render; the services decide.

A campaign's requests and its commission's session are the requests app's pages.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import sentence, show_on_form
from tenants.access.permissions import Action, has_permission, permission_required
from tenants.access.scopes import ENVELOPE_TARGETS, parse_target
from tenants.access.selectors import has_any_role
from tenants.accounts.models import User
from tenants.campaigns.filters import CampaignFilter
from tenants.campaigns.forms import CampaignForm, EnvelopeForm
from tenants.campaigns.models import Campaign, Envelope, Step
from tenants.campaigns.selectors import envelope_consumption
from tenants.campaigns.services import (
    Refused,
    add_envelope,
    campaign_is_open,
    create_campaign,
    remove_envelope,
    set_auto_approval,
    update_campaign,
)
from tenants.campaigns.tables import CAMPAIGN_COLUMNS, CampaignTable
from tenants.requests.models import RequestState
from tenants.requests.selectors import readable_drafts, visible_requests
from tenants.structure.models import Establishment, Pole, Service
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _campaigns(user: User) -> Any:
    return Campaign.objects.annotate(request_count=Count("requests"))


CAMPAIGNS = register(
    ListPage(
        key="campaigns.campaigns",
        url_name="campaigns:campaign_list",
        title=gettext_lazy("Campaigns"),
        table_class=CampaignTable,
        filterset_class=CampaignFilter,
        rows=_campaigns,
        default_columns=CAMPAIGN_COLUMNS,
    )
)


def _list_extra(request: HttpRequest) -> dict[str, Any]:
    return {
        "request_tabs": True,
        "can_manage": has_permission(_user(request), Action.MANAGE_CAMPAIGNS),
    }


@login_required
def campaign_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request, CAMPAIGNS, template="campaigns/campaign_list.html", extra=_list_extra(request)
    )


def _campaign_form(request: HttpRequest, campaign: Campaign | None) -> HttpResponse:
    initial = {}
    if campaign is not None:
        initial = {
            "name": campaign.name,
            "kind": campaign.kind,
            "nature": campaign.nature,
            "year": campaign.year,
            "opens": campaign.opens,
            "closes": campaign.closes,
            "establishments": list(campaign.establishments.all()),
            "steps": list(campaign.steps),
            "message": campaign.message,
        }
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "kind": data["kind"],
            "nature": data["nature"],
            "year": data["year"],
            "opens": data["opens"],
            "closes": data["closes"],
            "establishments": list(data["establishments"]),
            "steps": data["steps"],
            "message": data["message"],
            "by": _user(request),
        }
        try:
            if campaign is None:
                saved = create_campaign(**fields)
                message = _("Campaign “%(name)s” created.")
            else:
                saved = update_campaign(campaign, **fields)
                message = _("Campaign “%(name)s” changed.")
        except Refused as refused:
            show_on_form(refused, form)
        else:
            messages.success(request, message % {"name": saved.name})
            return redirect(saved)
    context = {"form": form, "campaign": campaign}
    return render(
        request, "campaigns/campaign_form.html", context, status=400 if form.errors else 200
    )


@permission_required(Action.MANAGE_CAMPAIGNS)
def campaign_new(request: HttpRequest) -> HttpResponse:
    return _campaign_form(request, None)


@permission_required(Action.MANAGE_CAMPAIGNS)
def campaign_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _campaign_form(request, get_object_or_404(Campaign, pk=pk))


@permission_required(Action.MANAGE_CAMPAIGNS)
@require_POST
def envelope_remove(request: HttpRequest, pk: int) -> HttpResponse:
    envelope = get_object_or_404(Envelope, pk=pk)
    remove_envelope(envelope, by=_user(request))
    messages.success(request, _("Envelope removed."))
    return redirect(envelope.campaign)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = get_object_or_404(Campaign.objects.prefetch_related("establishments"), pk=pk)
    form = (
        EnvelopeForm(request.POST or None)
        if has_permission(_user(request), Action.MANAGE_CAMPAIGNS)
        else None
    )
    status = 200
    if request.method == "POST":
        if form is None:
            raise Http404("no such form")
        if form.is_valid():
            try:
                add_envelope(
                    campaign,
                    _envelope_scope(form.cleaned_data["scope"]),
                    form.cleaned_data["amount"],
                    form.cleaned_data["source"],
                    label=form.cleaned_data["label"],
                    by=_user(request),
                )
            except Refused as refused:
                show_on_form(refused, form)
            else:
                messages.success(request, _("Envelope added."))
                return redirect(campaign)
        status = 400
    return _render_detail(request, campaign, form=form, status=status)


def _render_detail(
    request: HttpRequest,
    campaign: Campaign,
    *,
    form: EnvelopeForm | None = None,
    status: int = 200,
    refused_approval: dict[str, Any] | None = None,
) -> HttpResponse:
    """The campaign's page; ``refused_approval`` (pole, reason, typed) puts an automatic
    approval's refusal beside its field, with what was typed."""
    user = _user(request)
    can_manage = has_permission(user, Action.MANAGE_CAMPAIGNS)
    if form is None and can_manage:
        form = EnvelopeForm()
    mine = visible_requests(user).filter(campaign=campaign)
    counts = dict(mine.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    context = {
        "campaign": campaign,
        "consumption": envelope_consumption(campaign),
        "is_open": campaign_is_open(campaign),
        "can_draft": has_permission(user, Action.DRAFT_REQUEST),
        "can_manage": can_manage,
        "can_arbitrate": has_permission(user, Action.ARBITRATE_REQUEST) or can_manage,
        "states": [(label, counts.get(value, 0), value) for value, label in RequestState.choices],
        "steps": [Step(s).label for s in campaign.steps],
        "form": form,
        # Who changed what is not for a person without any role (told they can see nothing);
        # the history lists deleted drafts: only those this person could read.
        "shows_history": has_any_role(user),
        "history_within": {"requests.EquipmentRequest": readable_drafts(user)},
        "auto_approvals": _auto_approvals(campaign, user),
        "refused_approval": refused_approval or {},
    }
    return render(request, "campaigns/campaign_detail.html", context, status=status)


def _auto_approvals(campaign: Campaign, user: User) -> list[tuple[Pole, Any]]:
    """The pôles of the campaign this person heads, with the amount under which their
    requests skip the pôle's opinion (None: no rule)."""
    if Step.POLE_OPINION not in campaign.steps:
        return []
    rules = dict(campaign.auto_approvals.values_list("pole_id", "below"))
    poles = Pole.objects.filter(establishment__in=campaign.establishments.all()).order_by("code")
    return [
        (pole, rules.get(pole.pk))
        for pole in poles
        if has_permission(user, Action.GIVE_POLE_OPINION, pole)
    ]


@login_required
@require_POST
def auto_approval(request: HttpRequest, pk: int) -> HttpResponse:
    """A head of pôle sets (or removes) the amount under which their pôle's requests skip
    their opinion in this campaign."""
    campaign = get_object_or_404(Campaign, pk=pk)
    raw = request.POST.get("pole", "")
    pole = (
        Pole.objects.filter(pk=int(raw), establishment__in=campaign.establishments.all()).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 10
        else None
    )
    typed = request.POST.get("below", "")
    try:
        if pole is None:
            raise Refused("pole", _("choose one of the campaign's pôles"))
        set_auto_approval(campaign, pole, typed, by=_user(request))
    except Refused as refused:
        if pole is None or refused.field != "below":
            messages.error(request, sentence(refused.reason))
            return redirect(campaign)
        # The amount's refusal is said beside the pôle's field, with what was typed.
        refusal = {"pole": pole.pk, "reason": sentence(refused.reason), "typed": typed[:100]}
        return _render_detail(request, campaign, status=400, refused_approval=refusal)
    messages.success(request, _("Automatic approval saved."))
    return redirect(campaign)


def _envelope_scope(value: str) -> Establishment | Pole | Service:
    try:
        _kind, found = parse_target(value, ENVELOPE_TARGETS)
    except ValueError as exc:
        raise Refused("scope", _("choose an establishment, a pôle or a service")) from exc
    if found is None:
        raise Refused("scope", _("this establishment, pôle or service does not exist"))
    return cast(Establishment | Pole | Service, found)
