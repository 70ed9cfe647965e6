"""The purchasing pages: off-contract exceptions and their spending table, purchase requests
with their order lines, purchase files with their checklist."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from saas.error_pages import forbidden
from saas.errors import UserError, sentence, show_on_form
from saas.forms import posted_version
from tenants.accounts.models import User
from tenants.plan.models import PlanLine
from tenants.plan.selectors import plan_lines_for
from tenants.purchasing import rules, selectors, services
from tenants.purchasing.filters import ExceptionFilter, FileFilter, RequestFilter
from tenants.purchasing.forms import (
    ActForm,
    ChecklistForm,
    ExceptionForm,
    FileForm,
    OrderForm,
    RequestForm,
    line_formset,
)
from tenants.purchasing.models import (
    ChecklistItem,
    OffContractException,
    OrderLine,
    PurchaseFile,
    PurchaseRequest,
)
from tenants.purchasing.tables import (
    EXCEPTION_COLOURS,
    EXCEPTION_COLUMNS,
    FILE_COLUMNS,
    REQUEST_COLUMNS,
    ExceptionTable,
    FileTable,
    RequestTable,
)
from tenants.tables.listing import ExportColumn, ListPage, register
from tenants.tables.views import render_list
from tenants.tables.xlsx import write_xlsx
from tenants.wordtemplates.selectors import generated_for

# What a purchase request's action did, said once it is done.
ACTION_DONE = {
    "send": gettext_lazy("The purchase request is validated and sent."),
    "return": gettext_lazy("The purchase request is back to draft."),
    "order": gettext_lazy("The order is recorded."),
    "cancel": gettext_lazy("The purchase request is cancelled."),
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _exceptions_rows(user: Any) -> QuerySet[OffContractException]:
    return selectors.exceptions_for(user).annotate(
        expired=Case(
            When(valid_until__lt=timezone.localdate(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def _requests_rows(user: Any) -> QuerySet[PurchaseRequest]:
    total = (
        OrderLine.objects.filter(request=OuterRef("pk"))
        .values("request")
        .annotate(total=Sum(selectors.line_total_excl_vat()))
        .values("total")
    )
    return selectors.requests_for(user).annotate(
        total_excl_vat=Coalesce(
            Subquery(total),
            Value(Decimal("0")),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )
    )


EXCEPTIONS = register(
    ListPage(
        key="purchasing.exceptions",
        url_name="purchasing:exception_list",
        title=gettext_lazy("Off-contract exceptions"),
        table_class=ExceptionTable,
        filterset_class=ExceptionFilter,
        rows=_exceptions_rows,
        default_columns=EXCEPTION_COLUMNS,
        can_view=rules.may_view,
        row_colours=EXCEPTION_COLOURS,
    )
)
REQUESTS = register(
    ListPage(
        key="purchasing.requests",
        url_name="purchasing:request_list",
        title=gettext_lazy("Purchase requests"),
        table_class=RequestTable,
        filterset_class=RequestFilter,
        rows=_requests_rows,
        default_columns=REQUEST_COLUMNS,
        can_view=rules.may_view,
        footer_sums=True,
    )
)
FILES = register(
    ListPage(
        key="purchasing.files",
        url_name="purchasing:file_list",
        title=gettext_lazy("Purchase files"),
        table_class=FileTable,
        filterset_class=FileFilter,
        rows=selectors.files_for,
        default_columns=FILE_COLUMNS,
        can_view=rules.may_view,
    )
)


def readers_only(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed in first; then purchasing's pages are a 403 saying why to whoever has no role
    that reads them, as the other role-bound pages are (the arbitration session, the markets).
    An object the person's role reads but whose scope is not theirs stays a 404."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not rules.may_view(_user(request)):
            return forbidden(
                request,
                _(
                    "Purchasing is for the buyers, the biomedical team and those who follow "
                    "the plan's purchases: your roles do not include it."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapped


def _pk(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _refusal(request: HttpRequest, refused: UserError, form: forms.Form, **formsets: Any) -> None:
    fields = set(form.fields)
    base = refused.field.split("[", 1)[0]
    if refused.field in fields or base in formsets:
        show_on_form(refused, form, formsets)
    else:
        messages.error(request, sentence(refused.reason))


def _version(request: HttpRequest) -> int:
    return posted_version(
        request.POST, services.Refused("version", _("the page sent no version: reload it"))
    )


# Exceptions --------------------------------------------------------------------------------


@readers_only
def exception_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        EXCEPTIONS,
        template="purchasing/exception_list.html",
        extra={"can_record": rules.may_manage_exceptions(_user(request))},
    )


def _exception_edit(request: HttpRequest, existing: OffContractException | None) -> HttpResponse:
    user = _user(request)
    if not rules.may_manage_exceptions(user):
        return forbidden(request, _("Only buyers record and change the off-contract exceptions."))
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {
            "code": existing.code,
            "supplier": existing.supplier.name,
            "account_prefix": existing.account_prefix,
            "valid_from": existing.valid_from,
            "valid_until": existing.valid_until,
            "next_market": existing.next_market_id,
            "note": existing.note,
        }
    form = ExceptionForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            given = services.ExceptionInput(
                code=data["code"],
                supplier=data["supplier"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                account_prefix=data["account_prefix"],
                next_market=data["next_market"],
                note=data["note"],
            )
            try:
                if existing is None:
                    saved = services.record_exception(given, by=user)
                else:
                    saved = services.update_exception(
                        existing, given, by=user, expected_version=_version(request)
                    )
            except UserError as refused:
                status = refused.status
                _refusal(request, refused, form)
            else:
                messages.success(request, _("Off-contract exception saved."))
                return redirect(saved)
    context = {"form": form, "existing": existing}
    return render(request, "purchasing/exception_form.html", context, status=status)


def _exception(request: HttpRequest, pk: int) -> OffContractException:
    return get_object_or_404(selectors.exceptions_for(_user(request)), pk=pk)


@readers_only
@require_safe
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The exception as whoever follows purchases reads it; buyers get a button to change it."""
    exception = _exception(request, pk)
    context = {"exception": exception, **selectors.exception_page(_user(request), exception)}
    return render(request, "purchasing/exception_detail.html", context)


@readers_only
def exception_new(request: HttpRequest) -> HttpResponse:
    return _exception_edit(request, None)


@readers_only
def exception_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _exception_edit(request, _exception(request, pk))


# The off-contract spending -----------------------------------------------------------------


def _year(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) == 4 else None


@readers_only
def spending(request: HttpRequest) -> HttpResponseBase:
    year_from = _year(request.GET.get("from", ""))
    year_to = _year(request.GET.get("to", ""))
    table = selectors.spending_table(year_from, year_to)
    if request.GET.get("export") == "xlsx":
        columns = [
            ExportColumn(_("Supplier"), "supplier", "text"),
            *[ExportColumn(str(year), str(year), "money") for year in table.years],
            ExportColumn(_("Total"), "total", "money"),
        ]
        rows = [(row.supplier.name, *row.amounts, row.total) for row in table.rows]
        rows.append((_("Total"), *table.totals, table.total))
        buffer = io.BytesIO()
        write_xlsx(buffer, _("Off-contract spending"), columns, rows)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        stamp = timezone.localdate().strftime("%Y%m%d")
        response["Content-Disposition"] = f'attachment; filename="hors-marche-{stamp}.xlsx"'
        return response
    context = {"table": table, "year_from": year_from or "", "year_to": year_to or ""}
    return render(request, "purchasing/spending.html", context)


# Purchase requests -------------------------------------------------------------------------


@readers_only
def request_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        REQUESTS,
        template="purchasing/request_list.html",
        extra={"can_create": rules.may_create(_user(request))},
    )


def _lines_input(formset: Any) -> list[services.LineInput]:
    return [
        services.LineInput(
            plan_line=f.cleaned_data["plan_line"],
            description=f.cleaned_data.get("description", ""),
            quantity=f.cleaned_data["quantity"],
            unit_price=f.cleaned_data["unit_price"],
            vat_rate=f.cleaned_data.get("vat_rate") or "0",
            model_name=f.cleaned_data.get("model_name", ""),
            emdn_code=f.cleaned_data.get("emdn_code", ""),
            risk_class=f.cleaned_data.get("risk_class", ""),
            warranty_months=f.cleaned_data.get("warranty_months") or 0,
            to_inventory=f.cleaned_data.get("to_inventory", False),
            taken_back=f.cleaned_data.get("taken_back"),
        )
        for f in formset.forms
        if f.cleaned_data and not f.cleaned_data.get("DELETE")
    ]


def _request_edit(request: HttpRequest, existing: PurchaseRequest | None) -> HttpResponse:
    user = _user(request)
    files = selectors.files_for(user).order_by("-created")
    initial: dict[str, Any] = {"quote_date": timezone.localdate()}
    lines_initial: list[dict[str, Any]] | None = None
    cancel_to = existing.get_absolute_url() if existing is not None else ""
    if existing is not None:
        initial = {
            "file": existing.file_id,
            "supplier": existing.supplier.name,
            "contact_name": existing.contact_name,
            "contact_email": existing.contact_email,
            "contact_phone": existing.contact_phone,
            "quote_number": existing.quote_number,
            "quote_date": existing.quote_date,
            "market": existing.market_id,
            "lot": existing.lot.number if existing.lot else "",
            "exception": existing.exception_id,
            "over_budget_reason": existing.over_budget_reason,
            "note": existing.note,
        }
        lines_initial = [
            {
                "plan_line": line.plan_line.reference,
                "description": line.description,
                "model_name": line.model_name,
                "emdn_code": line.emdn_code,
                "risk_class": line.risk_class,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "vat_rate": line.vat_rate,
                "warranty_months": line.warranty_months,
                "to_inventory": line.to_inventory,
                "taken_back": line.taken_back.inventory_number if line.taken_back else "",
            }
            for line in existing.lines.select_related("plan_line", "taken_back")
        ]
    else:
        file_pk = _pk(request.GET.get("file", ""))
        line_pk = _pk(request.GET.get("line", ""))
        if file_pk is not None and files.filter(pk=file_pk).exists():
            initial["file"] = file_pk
            cancel_to = reverse("purchasing:file_detail", args=[file_pk])
        line = plan_lines_for(user).filter(pk=line_pk).first() if line_pk else None
        if line is not None:
            cancel_to = line.get_absolute_url()  # back where the request was started from
            lines_initial = [
                {
                    "plan_line": line.reference,
                    "description": line.title,
                    "quantity": 1,
                    "vat_rate": "20",
                }
            ]
    data = request.POST if request.method == "POST" else None
    form = RequestForm(data, initial=initial, files=files)
    lines = line_formset(
        data,
        plan_lines=plan_lines_for(user),
        initial=lines_initial or [{"vat_rate": "20", "quantity": 1}],
    )
    status = 200
    if data is not None:
        status = 400
        if all([form.is_valid(), lines.is_valid()]):
            cleaned = form.cleaned_data
            given = services.RequestInput(
                supplier=cleaned["supplier"],
                quote_date=cleaned["quote_date"],
                lines=_lines_input(lines),
                contact_name=cleaned["contact_name"],
                contact_email=cleaned["contact_email"],
                contact_phone=cleaned["contact_phone"],
                quote_number=cleaned["quote_number"],
                market=cleaned["market"],
                lot=cleaned["lot"],
                exception=cleaned["exception"],
                over_budget_reason=cleaned["over_budget_reason"],
                note=cleaned["note"],
                file=cleaned["file"],
            )
            try:
                saved = services.save_purchase_request(
                    given,
                    by=user,
                    item=existing,
                    expected_version=_version(request) if existing is not None else None,
                )
            except UserError as refused:
                status = refused.status
                _refusal(request, refused, form, lines=lines)
            else:
                messages.success(
                    request, _("Purchase request %(ref)s saved.") % {"ref": saved.reference}
                )
                return redirect(saved)
    context = {"form": form, "lines": lines, "existing": existing, "cancel_to": cancel_to}
    return render(request, "purchasing/request_form.html", context, status=status)


@readers_only
def request_new(request: HttpRequest) -> HttpResponse:
    if not rules.may_create(_user(request)):
        return forbidden(request, _("Only buyers and the biomedical team write purchase requests."))
    return _request_edit(request, None)


def _request(request: HttpRequest, pk: int) -> PurchaseRequest:
    return get_object_or_404(selectors.requests_for(_user(request)), pk=pk)


@readers_only
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    if not rules.may_edit(_user(request), item):
        messages.error(request, _("This purchase request cannot be changed now."))
        return redirect(item)
    return _request_edit(request, item)


def _request_context(
    request: HttpRequest, item: PurchaseRequest, bound: dict[str, forms.Form] | None = None
) -> dict[str, Any]:
    user = _user(request)
    bound = bound or {}
    lines = list(item.lines.select_related("plan_line__uf", "taken_back", "reference_model"))
    plan_lines = {line.plan_line_id: line.plan_line for line in lines}
    used = selectors.used_budgets(plan_lines, but=item.pk)
    budgets = [
        {
            "line": line,
            "granted": line.amount,
            "others": used.get(pk, Decimal("0.00")),
            "left": line.amount - used.get(pk, Decimal("0.00")),
            "this": sum((o.total_incl_vat for o in lines if o.plan_line_id == pk), Decimal("0.00")),
        }
        for pk, line in plan_lines.items()
    ]
    excl = sum((line.total_excl_vat for line in lines), Decimal("0.00"))
    incl = sum((line.total_incl_vat for line in lines), Decimal("0.00"))
    return {
        "item": item,
        "lines": lines,
        "budgets": budgets,
        "total_excl": excl,
        "total_incl": incl,
        "may_edit": rules.may_edit(user, item),
        "actions": rules.available_actions(user, item),
        "act_form": bound.get("act") or ActForm(prefix="act"),
        "order_form": bound.get("order") or OrderForm(prefix="order"),
        "events": item.events.select_related("actor"),
        **_documents_context(user, item, item.version),
    }


def _documents_context(user: User, item: PurchaseRequest, shown_version: int) -> dict[str, Any]:
    """The documents section: those produced, the last job asked for, the form to ask.

    ``shown_version`` is the request's version the page shows: the section polled in place
    keeps it, so a request changed meanwhile is refused rather than produced unseen."""
    labels = {kind.key: kind.label for kind in services.DOCUMENT_KINDS}
    return {
        "item": item,
        "may_produce": rules.may_produce_documents(user, item),
        "job": selectors.last_document_job(item),
        "shown_version": shown_version,
        "generated": [
            (labels.get(made.kind, made.kind), made)
            for made in generated_for(item).order_by("-produced_at", "-pk")
        ],
    }


@readers_only
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    return render(request, "purchasing/request_detail.html", _request_context(request, item))


@readers_only
@require_POST
def request_act(request: HttpRequest, pk: int) -> HttpResponse:
    item = _request(request, pk)
    user, action = _user(request), request.POST.get("action", "")
    if action not in ("send", "return", "order", "cancel"):
        messages.error(request, _("Unknown action."))
        return render(
            request, "purchasing/request_detail.html", _request_context(request, item), status=400
        )
    key = "order" if action == "order" else "act"
    form: forms.Form = (
        OrderForm(request.POST, prefix="order")
        if key == "order"
        else ActForm(request.POST, prefix="act")
    )
    if not form.is_valid():
        context = _request_context(request, item, {key: form})
        return render(request, "purchasing/request_detail.html", context, status=400)
    data = form.cleaned_data
    try:
        common: dict[str, Any] = {
            "by": user,
            "expected_version": _version(request),
            "note": data.get("note", ""),
        }
        match action:
            case "send":
                services.send_request(item, **common)
            case "return":
                services.return_to_draft(item, **common)
            case "order":
                services.order_request(
                    item,
                    order_number=data["order_number"],
                    ordered_on=data["ordered_on"],
                    **common,
                )
            case _:
                services.cancel_request(item, **common)
    except UserError as refused:
        item.refresh_from_db()
        if refused.field in form.fields:
            show_on_form(refused, form)
        else:
            messages.error(request, sentence(refused.reason))
        context = _request_context(request, item, {key: form})
        return render(request, "purchasing/request_detail.html", context, status=refused.status)
    messages.success(request, ACTION_DONE[action])
    return redirect(item)


@readers_only
@require_POST
def request_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask a worker for the request form and the order letter (DOCX and PDF); the request's
    page then shows them being produced, and the documents once they are."""
    item = _request(request, pk)
    try:
        _job, started = services.start_documents(
            item, by=_user(request), expected_version=_version(request)
        )
    except UserError as refused:
        item.refresh_from_db()
        messages.error(request, sentence(refused.reason))
        context = _request_context(request, item)
        return render(request, "purchasing/request_detail.html", context, status=refused.status)
    if started:
        messages.success(
            request, _("The documents are being produced; they appear below when they are ready.")
        )
    else:
        messages.info(
            request,
            _("These documents are already being produced; they appear below when they are ready."),
        )
    return redirect(f"{item.get_absolute_url()}#request-documents")


@login_required
@require_safe
def request_documents_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The documents section alone, polled by the request's page while they are produced."""
    item = _request(request, pk)
    raw = request.GET.get("version", "")
    shown = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else item.version
    context = _documents_context(_user(request), item, shown)
    return render(request, "purchasing/_request_documents.html", context)


# Purchase files ----------------------------------------------------------------------------


@readers_only
def file_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(
        request,
        FILES,
        template="purchasing/file_list.html",
        extra={"can_create": rules.may_create(_user(request))},
    )


def _file_edit(request: HttpRequest, existing: PurchaseFile | None) -> HttpResponse:
    user = _user(request)
    initial: dict[str, Any] = {"lead": user.email}
    if existing is not None:
        initial = {
            "title": existing.title,
            "lead": existing.lead.email,
            "participants": "\n".join(existing.participants.values_list("email", flat=True)),
            "plan_lines": "\n".join(existing.plan_lines.values_list("reference", flat=True)),
            "deadline": existing.deadline,
            "note": existing.note,
        }
    else:
        line_pk = _pk(request.GET.get("line", ""))
        line = plan_lines_for(user).filter(pk=line_pk).first() if line_pk else None
        if line is not None:
            initial.update({"plan_lines": line.reference, "title": line.title})
    visible = plan_lines_for(user)
    if existing is not None:  # its lines stay even if this person no longer sees one
        visible = PlanLine.objects.filter(pk__in=visible.values("pk")) | existing.plan_lines.all()
    form = FileForm(request.POST or None, initial=initial, plan_lines=visible)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            given = services.FileInput(
                title=data["title"],
                lead=data["lead"],
                plan_lines=data["plan_lines"],
                participants=data["participants"],
                deadline=data["deadline"],
                note=data["note"],
            )
            try:
                if existing is None:
                    saved = services.create_file(given, by=user)
                else:
                    saved = services.update_file(
                        existing, given, by=user, expected_version=_version(request)
                    )
            except UserError as refused:
                status = refused.status
                _refusal(request, refused, form)
            else:
                messages.success(
                    request, _("Purchase file %(ref)s saved.") % {"ref": saved.reference}
                )
                return redirect(saved)
    return render(
        request, "purchasing/file_form.html", {"form": form, "existing": existing}, status=status
    )


@readers_only
def file_new(request: HttpRequest) -> HttpResponse:
    if not rules.may_create(_user(request)):
        return forbidden(request, _("Only buyers and the biomedical team open purchase files."))
    return _file_edit(request, None)


def _file(request: HttpRequest, pk: int) -> PurchaseFile:
    return get_object_or_404(selectors.files_for(_user(request)), pk=pk)


@readers_only
def file_edit(request: HttpRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    if not rules.may_edit_file(_user(request), file):
        return forbidden(
            request,
            _("A purchase file is changed by its lead, its participants and its lines' buyers."),
        )
    return _file_edit(request, file)


def _file_context(
    request: HttpRequest, file: PurchaseFile, bound: dict[int, ChecklistForm] | None = None
) -> dict[str, Any]:
    user = _user(request)
    bound = bound or {}
    items = list(file.checklist.select_related("owner"))
    rows = [
        (
            item,
            bound.get(item.pk)
            or ChecklistForm(
                prefix=f"item{item.pk}",
                form_id=f"item-form-{item.pk}",
                initial={
                    "owner": item.owner.email if item.owner else "",
                    "status": item.status,
                    "note": item.note,
                },
            ),
        )
        for item in items
    ]
    return {
        "file": file,
        "plan_lines": file.plan_lines.select_related("uf").order_by("reference"),
        "participants": file.participants.order_by("full_name"),
        "requests": selectors.requests_for(user).filter(file=file).order_by("-created"),
        "checklist": rows,
        "may_edit": rules.may_edit_file(user, file),
        "may_create": rules.may_create(user),
    }


@readers_only
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    return render(request, "purchasing/file_detail.html", _file_context(request, file))


@readers_only
@require_POST
def checklist_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    file = _file(request, pk)
    item = get_object_or_404(ChecklistItem, file=file, pk=item_pk)
    form = ChecklistForm(request.POST, prefix=f"item{item.pk}", form_id=f"item-form-{item.pk}")
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_checklist_item(
                item,
                by=_user(request),
                owner=data["owner"],
                status=data["status"],
                note=data["note"],
            )
        except UserError as refused:
            status = refused.status
            _refusal(request, refused, form)
        else:
            messages.success(request, _("Saved."))
            return redirect(file)
    context = _file_context(request, file, {item.pk: form})
    return render(request, "purchasing/file_detail.html", context, status=status)


@readers_only
@require_POST
def file_add_line(request: HttpRequest) -> HttpResponse:
    """From a plan line's page: add the line to one of the person's purchase files."""
    user = _user(request)
    file = selectors.files_for(user).filter(pk=_pk(request.POST.get("file", "")) or 0).first()
    line = plan_lines_for(user).filter(pk=_pk(request.POST.get("line", "")) or 0).first()
    if file is None or line is None:
        raise Http404("no such file or line")
    try:
        services.add_line_to_file(file, line, by=user)
    except UserError as refused:
        messages.error(request, sentence(refused.reason))
        return redirect(line)
    messages.success(
        request, _("%(line)s added to %(file)s.") % {"line": line.reference, "file": file.reference}
    )
    return redirect(file)
