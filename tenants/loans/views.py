"""The loans' pages: their list, a loan's page with its actions, and the form recording one."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.errors import UserError, sentence, show_on_form
from saas.forms import posted_version
from tenants.access.permissions import Action, has_permission, permission_required
from tenants.accounts.models import User
from tenants.inventory.selectors import devices_for
from tenants.loans import services
from tenants.loans.filters import LoanFilter
from tenants.loans.forms import CancelForm, LoanForm, MoveForm, ReturnForm
from tenants.loans.models import Loan
from tenants.loans.selectors import events_of, loans_for, may_handle
from tenants.loans.tables import LOAN_COLOURS, LOAN_COLUMNS, LoanTable
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

LOANS = register(
    ListPage(
        key="loans.loans",
        url_name="loans:loan_list",
        title=gettext_lazy("Loans between services"),
        table_class=LoanTable,
        filterset_class=LoanFilter,
        rows=loans_for,
        default_columns=LOAN_COLUMNS,
        can_view=lambda user: has_permission(user, Action.VIEW_STRUCTURE),
        row_colours=LOAN_COLOURS,
    )
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def loan_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        LOANS,
        template="loans/loan_list.html",
        extra={"can_record": has_permission(_user(request), Action.RECORD_LOAN)},
    )


def _loan(request: HttpRequest, pk: int) -> Loan:
    return get_object_or_404(loans_for(_user(request)), pk=pk)


def _context(
    request: HttpRequest, loan: Loan, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    bound = bound or {}
    handles = loan.is_open and may_handle(_user(request), loan)
    return {
        "loan": loan,
        "handles": handles,
        "return_form": bound.get("return") or ReturnForm(prefix="return"),
        "move_form": bound.get("move") or MoveForm(prefix="move", initial={"due_on": loan.due_on}),
        "cancel_form": bound.get("cancel") or CancelForm(prefix="cancel"),
        "events": events_of(loan),
    }


@login_required
def loan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    loan = _loan(request, pk)
    return render(request, "loans/loan_detail.html", _context(request, loan))


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "return": ReturnForm,
    "move": MoveForm,
    "cancel": CancelForm,
}


def _version(request: HttpRequest) -> int:
    return posted_version(
        request.POST,
        services.Refused("version", _("the page sent no version of the loan: reload it")),
    )


@login_required
@require_POST
def loan_act(request: HttpRequest, pk: int) -> HttpResponse:
    """One change to the loan, named by the form's ``action``; a refusal shows the page again
    with the form as typed and why, next to the field."""
    loan = _loan(request, pk)
    user, action = _user(request), request.POST.get("action", "")
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        messages.error(request, _("Unknown action."))
        return render(request, "loans/loan_detail.html", _context(request, loan), status=400)
    form = form_class(request.POST, prefix=action)
    done = ""
    try:
        common: dict[str, Any] = {"by": user, "expected_version": _version(request)}
        if form.is_valid():
            data = form.cleaned_data
            match action:
                case "return":
                    changed = services.return_loan(
                        loan, returned_on=data["returned_on"], note=data["note"], **common
                    )
                    done = _("Loan returned on %(date)s.") % {
                        "date": changed.returned_on.strftime("%d/%m/%Y")
                        if changed.returned_on
                        else ""
                    }
                case "move":
                    changed = services.move_return_date(
                        loan, data["due_on"], note=data["note"], **common
                    )
                    done = _("Return date moved to %(date)s.") % {
                        "date": changed.due_on.strftime("%d/%m/%Y")
                    }
                case "cancel":
                    services.cancel_loan(loan, note=data["note"], **common)
                    done = _("Loan cancelled.")
    except UserError as refused:
        loan.refresh_from_db()
        if hasattr(form, "cleaned_data") and refused.field in form.fields:
            show_on_form(refused, form)
        else:
            messages.error(request, sentence(refused.reason))
        return render(
            request,
            "loans/loan_detail.html",
            _context(request, loan, {action: form}),
            status=refused.status,
        )
    if form.errors:
        return render(
            request, "loans/loan_detail.html", _context(request, loan, {action: form}), status=400
        )
    messages.success(request, done or _("Saved."))
    return redirect(loan)


@permission_required(Action.RECORD_LOAN)
def loan_new(request: HttpRequest) -> HttpResponse:
    """Record a loan; from a device's page the device comes filled in."""
    user = _user(request)
    initial: dict[str, Any] = {}
    raw = request.GET.get("device", "")
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        device = devices_for(user).filter(pk=int(raw)).first()
        if device is not None:
            initial["device"] = device.inventory_number
    form = LoanForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                loan = services.record_loan(
                    services.LoanInput(
                        device=data["device"],
                        lending_uf=data["lending_uf"],
                        borrowing_uf=data["borrowing_uf"],
                        starts_on=data["starts_on"],
                        due_on=data["due_on"],
                        lender_name=data["lender_name"],
                        lender_phone=data["lender_phone"],
                        borrower_name=data["borrower_name"],
                        borrower_phone=data["borrower_phone"],
                        reason=data["reason"],
                    ),
                    by=user,
                )
            except UserError as refused:
                status = refused.status
                if refused.field in form.fields:
                    show_on_form(refused, form)
                else:
                    messages.error(request, sentence(refused.reason))
            else:
                messages.success(request, _("Loan %(loan)s recorded.") % {"loan": loan.reference})
                return redirect(loan)
    return render(request, "loans/loan_form.html", {"form": form}, status=status)
