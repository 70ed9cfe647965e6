"""The equipment plan's pages: its list, the lines a person manages, and a line's follow-up."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseRedirect,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import UserError, labelled, sentence, show_on_form
from saas.forms import posted_version
from tenants.access.permissions import Action, has_permission, permission_required
from tenants.accounts.models import User
from tenants.campaigns.models import Nature
from tenants.plan import calendar, configuration, reminders, rules, services
from tenants.plan.delivery import delivered, to_retire
from tenants.plan.filters import FollowedLineFilter, PlanLineFilter
from tenants.plan.forms import (
    LINE_FIELDS,
    LineForm,
    ManagerForm,
    ReminderForm,
    ReopenForm,
    StepForm,
    StepNameForm,
)
from tenants.plan.models import CalendarFeed, PlanLine, StepDefinition, StepStatus
from tenants.plan.sections import line_sections
from tenants.plan.selectors import (
    events_of,
    followed_by_requester,
    followed_by_team,
    managed_by,
    manager_candidates,
    plan_lines_for,
    request_readable,
    schedule,
)
from tenants.plan.steps import definitions, steps_of
from tenants.plan.tables import (
    FOLLOWED_COLUMNS,
    MANAGED_COLUMNS,
    PLAN_COLOURS,
    PLAN_COLUMNS,
    PLAN_SETS,
    FollowedLineTable,
    ManagedLineTable,
    PlanLineTable,
    RowEdit,
)
from tenants.tables import services as table_services
from tenants.tables.listing import ListPage, ListTable, register, row_table
from tenants.tables.views import render_list

# The team's list shows every column (amounts, private note): only to those who follow the
# plan, on the lines their scope covers. A service follows its own on FOLLOWED.
PLAN = register(
    ListPage(
        key="plan.lines",
        url_name="plan:line_list",
        title=gettext_lazy("Equipment plan"),
        table_class=PlanLineTable,
        filterset_class=PlanLineFilter,
        rows=followed_by_team,
        default_columns=PLAN_COLUMNS,
        can_view=lambda user: has_permission(user, Action.FOLLOW_PLAN),
        column_sets=PLAN_SETS,
        row_colours=PLAN_COLOURS,
        footer_sums=True,
    )
)
FOLLOWED = register(
    ListPage(
        key="plan.followed",
        url_name="plan:followed",
        title=gettext_lazy("Where my requests stand"),
        table_class=FollowedLineTable,
        filterset_class=FollowedLineFilter,
        rows=followed_by_requester,
        default_columns=FOLLOWED_COLUMNS,
        can_view=lambda user: has_permission(user, Action.DRAFT_REQUEST),
    )
)
MANAGED = register(
    ListPage(
        key="plan.managed",
        url_name="plan:managed",
        title=gettext_lazy("Plan lines I manage"),
        table_class=ManagedLineTable,
        filterset_class=PlanLineFilter,
        rows=managed_by,
        default_columns=MANAGED_COLUMNS,
        can_view=lambda user: has_permission(user, Action.MANAGE_LINES),
        row_colours=PLAN_COLOURS,
        footer_sums=True,
    )
)


DEVICES_SHOWN = 20
# Where a new calendar address waits, in the person's session, to be shown once.
NEW_CALENDAR_TOKEN = "plan.new_calendar_token"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _list_extra(request: HttpRequest) -> dict[str, Any]:
    user = _user(request)
    return {
        "can_manage_lines": has_permission(user, Action.MANAGE_LINES),
        "can_request": has_permission(user, Action.DRAFT_REQUEST),
        "can_follow": has_permission(user, Action.FOLLOW_PLAN),
    }


@login_required
def line_list(request: HttpRequest) -> HttpResponseBase:
    """The plan: the team's list; a service that does not follow the plan finds its own."""
    user = _user(request)
    if not PLAN.can_view(user) and FOLLOWED.can_view(user):
        return redirect("plan:followed")
    return render_list(request, PLAN, template="plan/line_list.html", extra=_list_extra(request))


@login_required
def followed(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request, FOLLOWED, template="plan/line_list.html", extra=_list_extra(request)
    )


@login_required
def managed(request: HttpRequest) -> HttpResponseBase:
    return render_list(request, MANAGED, template="plan/line_list.html", extra=_list_extra(request))


@permission_required(Action.FOLLOW_PLAN)
def schedule_page(request: HttpRequest) -> HttpResponse:
    """The months ahead: what should be commissioned each month, what is late, the load of
    each manager."""
    context = {
        "schedule": schedule(_user(request)),
        "base_url": reverse("plan:schedule"),
        **_list_extra(request),
    }
    return render(request, "plan/schedule.html", context)


def _line(request: HttpRequest, pk: int) -> PlanLine:
    return get_object_or_404(plan_lines_for(_user(request)), pk=pk)


def _context(
    request: HttpRequest, line: PlanLine, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    """The line's page: every person who sees the line sees its steps and public note; the
    biomedical team, purchasing and finance see its amounts and private note too. Each form
    holds only what the person may change (``bound`` replaces one with what they typed)."""
    user = _user(request)
    editable = rules.editable_fields(user, line)
    bound = bound or {}
    steps = steps_of(line)
    step_forms = []
    if rules.STEPS in editable:
        for step in steps:
            prefix = f"step-{step.definition.pk}"
            form = bound.get(prefix) or StepForm(
                prefix=prefix,
                step_name=step.definition.name,
                initial={"status": step.status, "date": step.date, "note": step.note},
            )
            step_forms.append((step, form))
    line_form = bound.get("line") or LineForm(line=line, editable=editable)
    return {
        "line": line,
        "follows": has_permission(user, Action.FOLLOW_PLAN, line),
        "request_readable": request_readable(user, line),
        "steps": steps,
        "step_forms": step_forms,
        "editable": editable,
        "state": rules.state_of(line),
        "manager_form": (
            bound.get("manager")
            or ManagerForm(
                candidates=manager_candidates(line), initial={"manager": line.manager_id}
            )
        )
        if rules.MANAGER in editable
        else None,
        "line_form": line_form if line_form.fields else None,
        "reopen_form": (bound.get("reopen") or ReopenForm())
        if line.closed and rules.CLOSED in editable
        else None,
        "events": events_of(line),
        "delivered": delivered(line),
        "delivered_devices": line.devices.select_related("uf").order_by("inventory_number")[
            :DEVICES_SHOWN
        ],
        "to_retire": to_retire(line),
        "sections": line_sections(line, user),
    }


@login_required
def line_detail(request: HttpRequest, pk: int) -> HttpResponse:
    line = _line(request, pk)
    return render(request, "plan/line_detail.html", _context(request, line))


def _version(request: HttpRequest) -> int:
    return posted_version(
        request.POST,
        services.Refused("version", _("the page sent no version of the line: reload it")),
    )


@login_required
@require_POST
def line_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One change to the line, named by the form's ``action``; a refusal shows the page again
    with the form as typed and why, next to the field."""
    line = _line(request, pk)
    user, post = _user(request), request.POST
    action = post.get("action", "")
    htmx = getattr(request, "htmx", None)
    if action == "step" and htmx and not htmx.boosted:
        return _step_in_row(request, line)
    key, form, definition = action, forms.Form(post), None
    try:
        match action:
            case "manager":
                form = ManagerForm(post, candidates=manager_candidates(line))
            case "line":
                form = LineForm(post, line=line, editable=rules.editable_fields(user, line))
            case "step":
                definition = _step_definition(line, post.get("step", ""))
                key = f"step-{definition.pk}"
                form = StepForm(post, prefix=key, step_name=definition.name)
            case "reopen":
                form = ReopenForm(post)
            case "settle" | "unsettle" | "close":
                pass
            case _:
                raise services.Refused("action", _("unknown action"))
        # After the form is built: refused for its version, it still comes back as typed.
        common: dict[str, Any] = {"by": user, "expected_version": _version(request)}
        if form.is_valid():
            _apply(action, line, form, definition, post, common)
    except UserError as refused:
        return _refused(request, line, key, form, refused)
    if form.errors:
        return render(
            request, "plan/line_detail.html", _context(request, line, {key: form}), status=400
        )
    messages.success(request, _("Saved."))
    back = post.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return HttpResponseRedirect(back)  # the list the row was changed in
    return redirect(line)


def _apply(
    action: str,
    line: PlanLine,
    form: forms.Form,
    definition: StepDefinition | None,
    post: Any,
    common: dict[str, Any],
) -> None:
    data = form.cleaned_data
    match action:
        case "manager":
            services.assign_manager(line, data["manager"], **common)
        case "line":
            # A field sent that the form lacks is one this person may not change now (the
            # form offers only those): refused, naming it, rather than dropped with "Saved."
            for name in LINE_FIELDS:
                if name in post and name not in form.fields:
                    rules.require_field(common["by"], line, name)
            # Only what was sent: a form with fewer fields changes no other one.
            changes = {k: data[k] for k in LINE_FIELDS if k in form.fields and k in post}
            services.update_line(line, changes, **common)
        case "step" if f"{form.prefix}-date" not in post:
            # From a list's row: only the status was sent.
            assert definition is not None
            services.set_step_status(line, definition, status=data["status"], **common)
        case "step":
            assert definition is not None
            services.set_step(
                line,
                definition,
                status=data["status"],
                on=data["date"],
                note=data["note"],
                **common,
            )
        case "reopen":
            services.reopen_line(line, reason=data["reason"], **common)
        case "settle" | "unsettle":
            services.set_settled(line, action == "settle", **common)
        case "close":
            services.close_line(line, **common)


def _step_definition(line: PlanLine, raw: str) -> StepDefinition:
    found = (
        definitions(line.nature).filter(pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 10
        else None
    )
    if found is None:
        raise services.Refused("step", _("this step is not one of this line's"))
    return found


def _refused(
    request: HttpRequest,
    line: PlanLine,
    key: str,
    form: forms.Form,
    refused: UserError,
) -> HttpResponse:
    line.refresh_from_db()
    if hasattr(form, "cleaned_data") and refused.field in form.fields:
        show_on_form(refused, form)
    else:
        # Not about a field of the form (who may, the version, the line's state): said on
        # top, and the form comes back as typed, so nothing typed is lost.
        messages.error(request, sentence(refused.reason))
    bound = {key: form} if type(form) is not forms.Form and key else {}
    return render(
        request, "plan/line_detail.html", _context(request, line, bound), status=refused.status
    )


# The lists a row's step is changed in, the one its form goes back to first.
ROW_LISTS = (MANAGED, PLAN)


def _row_list(request: HttpRequest, back: str) -> ListPage | None:
    """The list the row was changed in (its form's ``next``), else the first the person sees."""
    user = _user(request)
    try:
        name = resolve(urlsplit(back).path).view_name if back else ""
    except (Resolver404, ValueError):
        name = ""
    shown = [page for page in ROW_LISTS if page.can_view(user)]
    return next((page for page in shown if page.url_name == name), shown[0] if shown else None)


def _step_in_row(request: HttpRequest, line: PlanLine) -> HttpResponse:
    """The current step's status changed in a list's row, sent by htmx: the answer is the row
    alone, as the list shows it, with what was done said in the list's status region; a
    refusal keeps the status typed and says why under it (400, 403 or 409). A change made on
    an older version shows the line as it is now, with the new version: saving again is
    deliberate."""
    user, post = _user(request), request.POST
    back = post.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}):
        back = ""
    page = _row_list(request, back)
    rows = _row_rows(page, user, line.pk) if page is not None else None
    if page is None or rows is None:
        # Not a row of a list this person sees (the team's columns): nothing to send back.
        return HttpResponseForbidden(sentence(_("you may not change this on this line")))
    definition, typed = None, ""
    try:
        definition = _step_definition(line, post.get("step", ""))
        prefix = f"step-{definition.pk}"
        form = StepForm(post, prefix=prefix, step_name=definition.name)
        typed = post.get(f"{prefix}-status", "")
        expected = _version(request)
        if not form.is_valid():
            raise services.Refused("status", _("not a step status"))
        status = form.cleaned_data["status"]
        line = services.set_step_status(
            line, definition, status=status, by=user, expected_version=expected
        )
    except UserError as refused:
        if refused.field == "version" and refused.status == 409:
            reason = _(
                "someone changed this line meanwhile: the row shows it as it is now; save "
                "again to make your change"
            )
            error = labelled(line.reference, reason)
        elif definition is not None:
            label = _("Status of the step %(step)s of %(line)s") % {
                "step": definition.name,
                "line": line.reference,
            }
            error = labelled(label, refused.reason)
        else:
            error = labelled(line.reference, refused.reason)
        edit = RowEdit(line.pk, definition.pk if definition else None, typed, error)
        return _row(request, page, rows, back, edit, error, status=refused.status)
    edit = RowEdit(line.pk)
    table_row = _row_table(request, page, rows, back, edit)
    record = table_row.rows[0].record if len(table_row.rows) else line
    said = {
        "line": line.reference,
        "step": definition.name,
        "status": StepStatus(status).label,
        "next": getattr(record, "current_step", ""),
    }
    if said["next"] and getattr(record, "current_step_id", None) != definition.pk:
        announcement = _("%(line)s: step “%(step)s” set to “%(status)s”; next step: “%(next)s”")
    elif line.status == PlanLine.Status.COMMISSIONED and not said["next"]:
        announcement = _("%(line)s: step “%(step)s” set to “%(status)s”; the line is in service")
    else:
        announcement = _("%(line)s: step “%(step)s” set to “%(status)s”")
    return _render_row(request, table_row, announcement % said, status=200)


def _row_rows(page: ListPage, user: User, pk: int) -> QuerySet[PlanLine] | None:
    """The line as a row of ``page``; one the page no longer holds (its manager changed) is
    shown as the team's list shows it; None if the person may not read the team's columns."""
    rows = page.rows(user).filter(pk=pk)
    if rows.exists():
        return rows
    rows = followed_by_team(user).filter(pk=pk)
    return rows if rows.exists() else None


def _row_table(
    request: HttpRequest, page: ListPage, rows: QuerySet[PlanLine], back: str, edit: RowEdit
) -> ListTable:
    user = _user(request)
    table = row_table(page, user, rows, table_services.preference(user, page).columns)
    table.request = request
    table.back_url = back or reverse(page.url_name)  # type: ignore[attr-defined]
    table.row_edit = edit  # type: ignore[attr-defined]
    return table


def _row(
    request: HttpRequest,
    page: ListPage,
    rows: QuerySet[PlanLine],
    back: str,
    edit: RowEdit,
    announcement: str,
    *,
    status: int,
) -> HttpResponse:
    return _render_row(
        request, _row_table(request, page, rows, back, edit), announcement, status=status
    )


def _render_row(
    request: HttpRequest, table: ListTable, announcement: str, *, status: int
) -> HttpResponse:
    if not len(table.rows):  # gone meanwhile: the list is shown again, whole
        return HttpResponse(status=204, headers={"HX-Refresh": "true"})
    context = {"table": table, "row": table.rows[0], "announcement": announcement}
    return render(request, "plan/_row_changed.html", context, status=status)


def _steps_context(bound: dict[str, forms.Form] | None = None) -> dict[str, Any]:
    bound = bound or {}
    natures = []
    for nature, label in Nature.choices:
        rows = StepDefinition.objects.filter(nature=nature).order_by("position", "pk")
        natures.append(
            {
                "code": nature,
                "label": label,
                "rows": [
                    (
                        step,
                        bound.get(f"step-{step.pk}")
                        or StepNameForm(
                            prefix=f"step-{step.pk}",
                            initial={"label": step.label},
                            default_name=step.name if step.builtin else "",
                        ),
                    )
                    for step in rows
                ],
                "add_form": bound.get(f"add-{nature}") or StepNameForm(prefix=f"add-{nature}"),
            }
        )
    return {"natures": natures}


@permission_required(Action.ADMINISTER_TENANT)
def step_settings(request: HttpRequest) -> HttpResponse:
    """The follow-up steps of each nature, as the administrator sets them."""
    return render(request, "plan/step_settings.html", _steps_context())


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def step_act(request: HttpRequest) -> HttpResponse:
    user, post = _user(request), request.POST
    action = post.get("action", "")
    key, form = "", StepNameForm(post)
    try:
        if action == "add":
            nature = post.get("nature", "")
            key = f"add-{nature}"
            form = StepNameForm(post, prefix=key)
            if form.is_valid():
                configuration.add_step(nature, form.cleaned_data["label"], by=user)
        else:
            definition = _any_step(post.get("step", ""))
            key = f"step-{definition.pk}"
            match action:
                case "rename":
                    form = StepNameForm(post, prefix=key)
                    if form.is_valid():
                        configuration.rename_step(definition, form.cleaned_data["label"], by=user)
                case "hide" | "show":
                    configuration.set_hidden(definition, action == "hide", by=user)
                case "up" | "down":
                    configuration.move_step(definition, action == "up", by=user)
                case _:
                    raise services.Refused("action", _("unknown action"))
    except UserError as refused:
        if hasattr(form, "cleaned_data") and refused.field in form.fields:
            show_on_form(refused, form)
            return render(
                request,
                "plan/step_settings.html",
                _steps_context({key: form}),
                status=refused.status,
            )
        messages.error(request, refused.reason[:1].upper() + refused.reason[1:])
        return render(request, "plan/step_settings.html", _steps_context(), status=refused.status)
    if form.errors:
        return render(request, "plan/step_settings.html", _steps_context({key: form}), status=400)
    messages.success(request, _("Saved."))
    return redirect("plan:step_settings")


def _any_step(raw: str) -> StepDefinition:
    found = (
        StepDefinition.objects.filter(pk=int(raw)).first()
        if raw.isascii() and raw.isdigit() and len(raw) < 10
        else None
    )
    if found is None:
        raise services.Refused("step", _("no such step"), status=404)
    return found


@login_required
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """The person's secret calendar address: make a new one (shown once, after a redirect, so
    reloading the page does not make another), or revoke it; a manager's reminder delay."""
    user = _user(request)
    manages = has_permission(user, Action.MANAGE_LINES)
    reminder_form = ReminderForm(initial={"no_month_after_days": reminders.reminder_delay(user)})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "new":
            request.session[NEW_CALENDAR_TOKEN] = calendar.new_feed(user)
            return redirect("plan:calendar")
        if action == "revoke":
            calendar.revoke_feed(user)
            messages.success(request, _("Your calendar address no longer works."))
            return redirect("plan:calendar")
        if action != "reminders" or not manages:
            return HttpResponseBadRequest(_("Unknown action."))
        reminder_form = ReminderForm(request.POST)
        if reminder_form.is_valid():
            reminders.set_reminder_delay(
                user, int(reminder_form.cleaned_data["no_month_after_days"])
            )
            messages.success(request, _("Saved."))
            return redirect("plan:calendar")
    token = request.session.pop(NEW_CALENDAR_TOKEN, "")
    address = (
        request.build_absolute_uri(reverse("plan:calendar_feed", args=[token])) if token else ""
    )
    context = {
        "address": address,
        "has_feed": CalendarFeed.objects.filter(user=user).exists(),
        "count": calendar.calendar_lines(user).count(),
        "reminder_form": reminder_form if manages else None,
        # The plan's tabs, so the page is no dead end (this one the active tab).
        "base_url": reverse("plan:calendar"),
        **_list_extra(request),
    }
    status = 400 if reminder_form.is_bound and reminder_form.errors else 200
    return render(request, "plan/calendar.html", context, status=status)


def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed; the token in the address is the only key (no session)."""
    owner = calendar.feed_owner(token)
    if owner is None:
        raise Http404("no such calendar")
    body = calendar.calendar_of(
        owner,
        site=request.get_host().split(":")[0],
        base_url=f"{request.scheme}://{request.get_host()}",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    return response
