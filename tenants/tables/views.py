"""The list page itself (called by each app's view) and the endpoints of its controls."""

from __future__ import annotations

import json
import tempfile
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.http.request import RawPostDataException
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_tables2 import Table

from saas.errors import sentence
from tenants.accounts.models import User
from tenants.tables import services
from tenants.tables.listing import PAGES, ListPage, all_columns, current_set, resolve
from tenants.tables.models import ExportJob, SavedView

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _page(key: str, user: User) -> ListPage:
    page = PAGES.get(key)
    if page is None or not page.can_view(user):
        raise Http404("no such list")
    return page


def render_list(
    request: HttpRequest,
    page: ListPage,
    *,
    template: str = "tables/list.html",
    extra: dict[str, Any] | None = None,
) -> HttpResponseBase:
    """A list page: filters and sort from the URL, the person's columns, widths and views."""
    user = _user(request)
    if not page.can_view(user):
        raise Http404("no such list")
    base = reverse(page.url_name)
    if "reset" in request.GET:
        services.reset_preferences(user, page)
        return redirect(base)
    prefs = services.preference(user, page)
    if not request.GET and prefs.query:
        return redirect(f"{base}?{prefs.query}")  # the person finds the view they left
    resolved = resolve(page, user, request.GET, prefs.columns, prefs.widths)
    services.remember_query(prefs, resolved.query)
    if request.GET.get("export") == "xlsx":
        return _export(request, resolved)
    # Not RequestConfig: it would sort the rows again from the URL, dropping resolve()'s
    # tie-break, so equal rows could change places from one page to the next.
    resolved.table.request = request
    paginate(resolved.table, request.GET.get("page"), page.per_page)
    context = {
        "page": page,
        "base_url": base,
        "filter": resolved.filterset,
        "table": resolved.table,
        "query": resolved.query,
        "columns": resolved.columns,
        "all_columns": all_columns(page),
        "views": services.views_for(user, page),
        "column_sets": page.column_sets,
        "current_set": current_set(page, resolved.columns),
        "colours": resolved.colours,
        **(extra or {}),
    }
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == "list-results":
        return render(request, "tables/_results.html", {**context, "swapped": True})
    return render(request, template, context)


def _export(request: HttpRequest, resolved: Any) -> HttpResponseBase:
    count = resolved.rows.count()
    if count > services.INLINE_EXPORT_ROWS:
        job = services.start_export(_user(request), resolved)
        return redirect("tables:export", pk=job.pk)
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    services.write_export(resolved, target)
    target.seek(0)
    response = FileResponse(
        target, as_attachment=True, filename=services.export_filename(resolved.page)
    )
    response["Content-Type"] = XLSX
    return response


def _back(request: HttpRequest, page: ListPage) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        # Not redirect(): it would first try the text as a URL name, and "-1" is no such name.
        return HttpResponseRedirect(target)
    return redirect(reverse(page.url_name))


@login_required
@require_POST
def save_columns(request: HttpRequest, key: str) -> HttpResponse:
    page = _page(key, _user(request))
    services.save_columns(_user(request), page, request.POST.getlist("columns"))
    return _back(request, page)


@login_required
@require_POST
def choose_column_set(request: HttpRequest, key: str) -> HttpResponse:
    page = _page(key, _user(request))
    try:
        services.choose_column_set(_user(request), page, request.POST.get("set", ""))
    except services.ColumnSetRefused as refused:
        return HttpResponse(f"{refused.field}: {refused.reason}", status=refused.status)
    return _back(request, page)


@login_required
@require_POST
def save_widths(request: HttpRequest, key: str) -> HttpResponse:
    page = _page(key, _user(request))
    try:
        widths = json.loads(request.body or b"{}")
    # RecursionError: thousands of nested brackets. RawPostDataException: a form-encoded or
    # multipart body, already read as a form (by the CSRF check) and no longer readable raw.
    except (ValueError, RecursionError, RawPostDataException):
        return HttpResponseBadRequest("widths: expected a JSON object of column -> pixels")
    if not isinstance(widths, dict):
        return HttpResponseBadRequest("widths: expected a JSON object of column -> pixels")
    services.save_widths(_user(request), page, widths)
    return HttpResponse(status=204)


@login_required
@require_POST
def save_view(request: HttpRequest, key: str) -> HttpResponse:
    page = _page(key, _user(request))
    try:
        view = services.save_view(
            _user(request),
            page,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
            is_shared=bool(request.POST.get("is_shared")),
        )
    except services.ViewRefused as refused:
        # Said on the list page the form was sent from, with what was chosen there kept.
        messages.error(request, _("The view was not saved: %(reason)s") % {"reason": refused})
        return _back(request, page)
    return redirect("tables:view", pk=view.pk)


def _visible_view(request: HttpRequest, pk: int) -> SavedView:
    view = get_object_or_404(SavedView, pk=pk)
    if not (view.is_shared or view.owner_id == request.user.pk) or view.page not in PAGES:
        raise Http404("no such view")
    _page(view.page, _user(request))
    return view


@login_required
def open_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible_view(request, pk)
    query = services.apply_view(_user(request), view)
    page = PAGES[view.page]
    return redirect(f"{reverse(page.url_name)}?{query}" if query else reverse(page.url_name))


@login_required
@require_POST
def delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible_view(request, pk)
    try:
        services.delete_view(_user(request), view)
    except services.ViewRefused as refused:
        return HttpResponse(sentence(refused.reason), status=refused.status)
    return redirect(reverse(PAGES[view.page].url_name))


def _own_export(request: HttpRequest, pk: int) -> ExportJob:
    return get_object_or_404(ExportJob, pk=pk, created_by=request.user.pk)


@login_required
def export_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_export(request, pk)
    page = PAGES.get(job.page)
    context = {"job": job, "back": f"{reverse(page.url_name)}?{job.query}" if page else "/"}
    htmx = getattr(request, "htmx", None)
    template = "tables/_export_status.html" if htmx else "tables/export.html"
    return render(request, template, context)


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = _own_export(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        raise Http404(_("This export is not ready."))
    response = FileResponse(
        job.file.open("rb"), as_attachment=True, filename=job.file.name.rsplit("/", 1)[-1]
    )
    response["Content-Type"] = XLSX
    return response


def paginate(table: Table, raw_page: str | None, per_page: int) -> None:
    """The page the URL asks for, else the first or the last: a page number in the URL is
    typed or edited by hand, and django-tables2 would let ``per_page=-1`` or ``page=-1`` fail.
    The page size is the page's own, not the URL's (a huge one would load every row)."""
    number = 1
    if raw_page and raw_page.isascii() and raw_page.isdigit() and len(raw_page) < 10:
        number = int(raw_page)
    try:
        table.paginate(per_page=per_page, page=max(number, 1))
    except EmptyPage:
        table.paginate(per_page=per_page, page=table.paginator.num_pages)
