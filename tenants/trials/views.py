"""The trials' pages: their list, a trial's page with its actions, and its form."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import UserError, sentence, show_on_form
from saas.forms import posted_version
from tenants.access.models import Role, ScopeKind
from tenants.access.permissions import Action, grants_of, has_permission
from tenants.accounts.models import User
from tenants.plan.models import PlanLine
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list
from tenants.trials import rules, services
from tenants.trials.filters import TrialFilter
from tenants.trials.forms import ClinicalForm, DocumentForm, StateForm, TechnicalForm, TrialForm
from tenants.trials.models import ClinicalEvaluation, Trial
from tenants.trials.selectors import (
    documents_of,
    evaluations_of,
    events_of,
    expert_candidates,
    linkable_lines,
    missing_documents,
    trials_for,
)
from tenants.trials.tables import TRIAL_COLOURS, TRIAL_COLUMNS, TrialTable

TRIALS = register(
    ListPage(
        key="trials.trials",
        url_name="trials:list",
        title=gettext_lazy("Manufacturers' trial loans"),
        table_class=TrialTable,
        filterset_class=TrialFilter,
        rows=trials_for,
        default_columns=TRIAL_COLUMNS,
        can_view=lambda user: has_permission(user, Action.VIEW_TRIALS),
        row_colours=TRIAL_COLOURS,
    )
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def trial_list(request: HttpRequest) -> HttpResponseBase:
    extra = {"can_create": rules.may_create(_user(request))}
    return render_list(request, TRIALS, template="trials/trial_list.html", extra=extra)


def _trial(request: HttpRequest, pk: int) -> Trial:
    return get_object_or_404(trials_for(_user(request)), pk=pk)


def _trial_form(user: User, *args: Any, trial: Trial | None = None, **kwargs: Any) -> TrialForm:
    lines = linkable_lines(user)
    if trial is not None and trial.plan_line_id is not None:  # kept even once closed
        lines = PlanLine.objects.filter(
            Q(pk__in=lines.values("pk")) | Q(pk=trial.plan_line_id)
        ).order_by("-year", "reference")
    return TrialForm(*args, experts=expert_candidates(), lines=lines, **kwargs)


def _form_data(form: TrialForm) -> dict[str, Any]:
    return dict(form.cleaned_data)


def _initial(request: HttpRequest) -> dict[str, Any]:
    """A new trial: the person in charge, in their domain; the plan line it came from."""
    user = _user(request)
    initial: dict[str, Any] = {}
    if has_permission(user, Action.MANAGE_TRIALS):
        initial["expert"] = user.pk
        domains = [
            g.domain_id
            for g in grants_of(user)
            if g.role == Role.EXPERT and g.scope == ScopeKind.DOMAIN
        ]
        if domains:
            initial["domain"] = domains[0]
    raw = request.GET.get("line", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        line = linkable_lines(user).filter(pk=int(raw)).first()
        if line is not None:
            initial.update(
                plan_line=line.pk,
                uf=line.uf.code,
                device=line.title,
                domain=line.request.domain_id or initial.get("domain"),
            )
    return initial


def _refuse_on_form(form: forms.Form, refused: UserError, request: HttpRequest) -> None:
    if refused.field in form.fields:
        show_on_form(refused, form)
    else:
        messages.error(request, sentence(refused.reason))


@login_required
def create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not rules.may_create(user):
        raise PermissionDenied("only the biomedical team runs trials")
    if request.method != "POST":
        form = _trial_form(user, initial=_initial(request))
        return render(request, "trials/trial_form.html", {"form": form})
    form = _trial_form(user, request.POST)
    status = 400
    if form.is_valid():
        try:
            trial = services.create_trial(_form_data(form), by=user)
        except UserError as refused:
            _refuse_on_form(form, refused, request)
            status = refused.status
        else:
            messages.success(request, _("Trial recorded: %(ref)s.") % {"ref": trial.reference})
            return redirect(trial)
    return render(request, "trials/trial_form.html", {"form": form}, status=status)


def _version(request: HttpRequest) -> int:
    return posted_version(
        request.POST,
        services.Refused("version", _("the page sent no version of the trial: reload it")),
    )


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    trial = _trial(request, pk)
    if not rules.may_manage(user, trial):
        raise PermissionDenied("only the biomedical team changes a trial")
    context: dict[str, Any] = {"trial": trial}
    if request.method != "POST":
        initial = {
            name: getattr(trial, name)
            for name in services.FIELDS
            if name not in ("uf", "domain", "expert", "plan_line")
        }
        initial.update(
            uf=trial.uf.code,
            domain=trial.domain_id,
            expert=trial.expert_id,
            plan_line=trial.plan_line_id,
        )
        context["form"] = _trial_form(user, initial=initial, trial=trial)
        return render(request, "trials/trial_form.html", context)
    form = _trial_form(user, request.POST, trial=trial)
    context["form"] = form
    status = 400
    try:
        version = _version(request)
        if form.is_valid():
            services.update_trial(trial, _form_data(form), by=user, expected_version=version)
            messages.success(request, _("Saved."))
            return redirect(trial)
    except UserError as refused:
        _refuse_on_form(form, refused, request)
        status = refused.status
    trial.refresh_from_db()
    return render(request, "trials/trial_form.html", context, status=status)


def _context(
    request: HttpRequest, trial: Trial, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = _user(request)
    bound = bound or {}
    manages = rules.may_manage(user, trial)
    transitions = [
        (t, bound.get(t.action) or StateForm(prefix=t.action))
        for t in rules.transitions_for(user, trial)
    ]
    clinical_form = None
    if rules.may_evaluate_clinically(user, trial):
        mine = ClinicalEvaluation.objects.filter(trial=trial, evaluator=user).first()
        initial = (
            {name: str(getattr(mine, name)) for name in ClinicalEvaluation.SCORES}
            | {"comments": mine.comments}
            if mine
            else {}
        )
        clinical_form = bound.get("clinical") or ClinicalForm(prefix="clinical", initial=initial)
    technical_form = None
    evaluations = evaluations_of(trial)
    if rules.may_evaluate_technically(user, trial):
        done = evaluations.technical
        initial = (
            {name: str(getattr(done, name)) for name in done.SCORES} | {"comments": done.comments}
            if done
            else {}
        )
        technical_form = bound.get("technical") or TechnicalForm(
            prefix="technical", initial=initial
        )
    return {
        "trial": trial,
        "manages": manages,
        "editable": manages and trial.state in rules.EDITABLE_STATES,
        "transitions": transitions,
        "documents": documents_of(trial, user),
        "missing": missing_documents(trial),
        "document_form": (bound.get("document") or DocumentForm(prefix="document"))
        if manages
        else None,
        "evaluations": evaluations,
        "clinical_form": clinical_form,
        "technical_form": technical_form,
        "events": events_of(trial),
        "overdue": rules.is_overdue(trial),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    trial = _trial(request, pk)
    return render(request, "trials/trial_detail.html", _context(request, trial))


@login_required
@require_POST
def act(request: HttpRequest, pk: int) -> HttpResponse:
    """One action on the trial, named by the form's ``action``; a refusal shows the page again
    with the form as typed and why, next to the field."""
    trial = _trial(request, pk)
    user, post = _user(request), request.POST
    action = post.get("action", "")
    form: forms.Form = forms.Form(post)
    done = ""
    try:
        if action in rules.TRANSITIONS:
            form = StateForm(post, prefix=action)
            version = _version(request)
            if form.is_valid():
                moved = services.change_state(
                    trial,
                    action,
                    by=user,
                    on=form.cleaned_data["on"],
                    reason=form.cleaned_data["reason"],
                    expected_version=version,
                )
                done = _("%(trial)s is now “%(state)s”.") % {
                    "trial": moved.reference,
                    "state": moved.get_state_display(),
                }
        elif action == "document":
            form = DocumentForm(post, request.FILES, prefix="document")
            if form.is_valid():
                services.add_document(
                    trial, form.cleaned_data["file"], form.cleaned_data["kind"], by=user
                )
                done = _("Document added.")
        elif action == "clinical":
            form = ClinicalForm(post, prefix="clinical")
            if form.is_valid():
                services.evaluate_clinically(trial, form.cleaned_data, by=user)
                done = _("Evaluation saved.")
        elif action == "technical":
            form = TechnicalForm(post, prefix="technical")
            if form.is_valid():
                services.evaluate_technically(trial, form.cleaned_data, by=user)
                done = _("Evaluation saved.")
        else:
            raise services.Refused("action", _("unknown action"))
    except UserError as refused:
        trial.refresh_from_db()
        if hasattr(form, "cleaned_data") and refused.field in form.fields:
            show_on_form(refused, form)
        else:
            messages.error(request, sentence(refused.reason))
        bound = {action: form} if type(form) is not forms.Form else {}
        return render(
            request,
            "trials/trial_detail.html",
            _context(request, trial, bound),
            status=refused.status,
        )
    if form.errors:
        return render(
            request,
            "trials/trial_detail.html",
            _context(request, trial, {action: form}),
            status=400,
        )
    messages.success(request, done or _("Saved."))
    return redirect(trial)
