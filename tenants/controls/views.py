"""The controls' pages: the traffic lights, the findings' list, a finding."""

from __future__ import annotations

from functools import wraps
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.error_pages import forbidden
from saas.errors import show_on_form
from tenants.access.permissions import Action, has_permission, with_grants
from tenants.accounts.models import User
from tenants.controls import selectors, services
from tenants.controls.filters import FindingFilter
from tenants.controls.forms import AssignForm, CommentForm, ReasonForm
from tenants.controls.models import ControlRun, Finding, FindingState, Level
from tenants.controls.registry import check_for
from tenants.controls.tables import FINDING_COLOURS, FINDING_COLUMNS, FindingTable, message_of
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def may_view(user: User) -> bool:
    return bool(selectors.visible_checks(user))


FINDINGS = register(
    ListPage(
        key="controls.findings",
        url_name="controls:finding_list",
        title=gettext_lazy("Findings of the controls"),
        table_class=FindingTable,
        filterset_class=FindingFilter,
        rows=lambda user: selectors.findings_for(user).select_related("uf", "assigned_to"),
        default_columns=FINDING_COLUMNS,
        can_view=may_view,
        row_colours=FINDING_COLOURS,
    )
)


def readers_only(view: Any) -> Any:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not may_view(_user(request)):
            return forbidden(
                request,
                _(
                    "The controls are for finance, purchasing, the biomedical team and "
                    "management: your roles do not include them."
                ),
            )
        return cast(HttpResponseBase, view(request, *args, **kwargs))

    return wrapped


def may_run(user: User) -> bool:
    return has_permission(user, Action.IMPORT_FINANCE)


@readers_only
def dashboard(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    return render(
        request,
        "controls/dashboard.html",
        {
            "levels": list(reversed(Level.choices)),
            "lights": [
                (buyer, [counts[level] for level, _label in reversed(Level.choices)])
                for buyer, counts in selectors.lights(user)
            ],
            "checks": selectors.per_check(user),
            "last_run": ControlRun.objects.first(),
            "can_run": may_run(user),
        },
    )


@readers_only
def finding_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(request, FINDINGS, template="controls/finding_list.html")


def _finding(request: HttpRequest, pk: int) -> Finding:
    finding = get_object_or_404(Finding.objects.select_related("uf__service__pole"), pk=pk)
    if not services.may_see(_user(request), finding):
        raise Http404("no such finding")
    return finding


def _people(finding: Finding) -> Any:
    """Who may be assigned the finding: the active people who see it."""
    # Their grants in one query: a GHT's hundreds of people are not one query each.
    candidates = with_grants(User.objects.filter(is_active=True, grants__isnull=False).distinct())
    return User.objects.filter(
        pk__in=[p.pk for p in candidates if services.may_see(p, finding)]
    ).order_by("full_name", "email")


@readers_only
def finding_detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = _finding(request, pk)
    return _page(request, finding)


def _page(request: HttpRequest, finding: Finding, status: int = 200, **forms: Any) -> HttpResponse:
    user = _user(request)
    acts = services.may_act(user, finding)
    return render(
        request,
        "controls/finding_detail.html",
        {
            "finding": finding,
            "check": check_for(finding.code),
            "message": message_of(finding),
            "events": finding.events.select_related("actor"),
            "acts": acts,
            "assign_form": forms.get("assign")
            or (
                AssignForm(initial={"assigned_to": finding.assigned_to_id}, people=_people(finding))
                if acts
                else None
            ),
            "comment_form": forms.get("comment") or CommentForm(),
            "reason_form": forms.get("reason") or ReasonForm(),
            "open": finding.state == FindingState.OPEN,
            "accepted": finding.state == FindingState.ACCEPTED,
        },
        status=status,
    )


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


@readers_only
@require_POST
def finding_act(request: HttpRequest, pk: int) -> HttpResponse:
    """Assign, comment, accept or reopen, by the button pressed."""
    finding = _finding(request, pk)
    user = _user(request)
    action = request.POST.get("action", "")
    version = _version(request)
    if action in ("assign", "accept", "reopen") and version is None:
        # The page's forms carry the version they were drawn from: without it, a change
        # could silently undo someone else's.
        messages.error(request, _("Reload the page: the form was incomplete."))
        return _page(request, finding, 400)
    try:
        if action == "assign":
            form: Any = AssignForm(request.POST, people=_people(finding))
            if not form.is_valid():
                return _page(request, finding, 400, assign=form)
            services.assign(
                finding, form.cleaned_data["assigned_to"], by=user, expected_version=version
            )
            messages.success(request, _("The finding is assigned."))
        elif action == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                return _page(request, finding, 400, comment=form)
            services.comment(finding, form.cleaned_data["text"], by=user)
        elif action in ("accept", "reopen"):
            form = ReasonForm(request.POST)
            if action == "accept" and not form.is_valid():
                return _page(request, finding, 400, reason=form)
            reason = request.POST.get("reason", "")
            if action == "accept":
                services.accept(finding, reason, by=user, expected_version=version)
                messages.success(request, _("The finding is accepted as justified."))
            else:
                services.reopen(finding, reason, by=user, expected_version=version)
                messages.success(request, _("The finding is open again."))
        else:
            return _page(request, finding, 400)
    except services.Refused as refused:
        if refused.status == 403:
            return forbidden(request, refused.reason)
        if action not in ("accept", "comment"):
            # Assign and reopen have no field a refusal could be placed next to (a
            # hand-made reopen's reason too long, a version gone stale).
            messages.error(request, refused.reason)
            return _page(request, finding, refused.status)
        # A bound form, that the refusal joins its errors and what was typed stays.
        form = ReasonForm(request.POST) if action == "accept" else CommentForm(request.POST)
        form.is_valid()
        show_on_form(refused, form)
        return _page(
            request,
            finding,
            refused.status,
            **({"reason": form} if action == "accept" else {"comment": form}),
        )
    return redirect(finding.get_absolute_url())


@readers_only
@require_POST
def run_now(request: HttpRequest) -> HttpResponse:
    if not may_run(_user(request)):
        return forbidden(request, _("Finance and the tenant's administrators run the controls."))
    from tenants.controls.tasks import run_checks_task

    run_checks_task.delay(None, "page")
    messages.success(
        request, _("The controls run in the background: reload this page in a minute.")
    )
    return redirect("controls:dashboard")
