"""The imports page: every file a person may import, the history of imports, and the pages
of the tabular imports (the finance system's and the CMMS's exports)."""

from __future__ import annotations

from functools import cache
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from saas.error_pages import forbidden
from tenants.access.permissions import Action, has_permission
from tenants.accounts.models import User
from tenants.imports.forms import ImportForm, ImportKeyForm
from tenants.imports.models import ImportAPIKey, ImportJob
from tenants.imports.pages import ImportPages
from tenants.imports.registry import Importer, every_importer, importer_for
from tenants.imports.services import create_import_key, revoke_import_key
from tenants.imports.tabular import headers_of

HISTORY_PAGE = 50


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def importers_for(user: User) -> list[Importer]:
    return [i for i in every_importer() if has_permission(user, Action(i.action))]


def _page_of(importer: Importer) -> str:
    return (
        reverse(importer.page) if importer.page else reverse("imports:upload", args=[importer.kind])
    )


def _job_page(importer: Importer, pk: int) -> str:
    """The page of an import's report: an app's own import pages follow ``ImportPages``'s
    names (``<app>:import`` and ``<app>:import_job``)."""
    if importer.page:
        return reverse(f"{importer.page.rsplit(':', 1)[0]}:import_job", args=[pk])
    return reverse("imports:import_job", args=[importer.kind, pk])


def _no_import_reason() -> str:
    return _(
        "Imports are for the tenant's administrators, finance and purchasing: your roles do "
        "not include any."
    )


@login_required
def hub(request: HttpRequest) -> HttpResponse:
    """What the person may import, each with its last import, and the imports done."""
    importers = importers_for(_user(request))
    if not importers:
        return forbidden(request, _no_import_reason())
    kinds = [i.kind for i in importers]
    jobs = ImportJob.objects.filter(kind__in=kinds).select_related("created_by")
    last = {}
    for job in jobs.order_by("kind", "-created").distinct("kind"):
        last[job.kind] = job
    by_kind = {i.kind: i for i in importers}
    page = Paginator(jobs, HISTORY_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/hub.html",
        {
            "rows": [(i, _page_of(i), last.get(i.kind)) for i in importers],
            "page": page,
            "may_administer": _may_administer(request),
            # Each import with what it imported and the page of its report.
            "history": [
                (job, by_kind[job.kind].label, _job_page(by_kind[job.kind], job.pk))
                for job in page.object_list
            ],
        },
    )


@cache
def _form_class(kind: str) -> type[ImportForm]:
    spec = importer_for(kind).spec
    assert spec is not None

    labels = {c.field: c.label for c in spec.columns}
    defaults = spec.default_mapping

    class TabularImportForm(ImportForm):
        field_labels = labels
        default_mapping = defaults

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            for name in labels:
                # Left empty, the column's usual header is looked for.
                self.fields[f"column_{name}"].required = False

        def mapping(self) -> dict[str, str]:
            return {field: header or defaults[field] for field, header in super().mapping().items()}

    return TabularImportForm


def _tabular(request: HttpRequest, kind: str) -> tuple[Importer, ImportPages] | HttpResponse:
    try:
        importer = importer_for(kind)
    except LookupError:
        raise Http404 from None
    if importer.spec is None:
        raise Http404
    if not has_permission(_user(request), Action(importer.action)):
        return forbidden(request, _no_import_reason())
    pages = ImportPages(
        kind,
        _form_class(kind),
        "imports",
        folder="imports/tabular",
        url_kwargs=(("kind", kind),),
    )
    return importer, pages


def _context(importer: Importer) -> dict[str, Any]:
    assert importer.spec is not None
    return {"importer": importer, "columns": list(headers_of(importer.spec))}


@login_required
def upload(request: HttpRequest, kind: str) -> HttpResponseBase:
    found = _tabular(request, kind)
    if isinstance(found, HttpResponse):
        return found
    importer, pages = found
    return pages.upload(request, extra=_context(importer))


@login_required
def job(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    found = _tabular(request, kind)
    if isinstance(found, HttpResponse):
        return found
    importer, pages = found
    return pages.job(request, pk, extra=_context(importer))


@login_required
@require_POST
def apply(request: HttpRequest, kind: str, pk: int) -> HttpResponseBase:
    found = _tabular(request, kind)
    if isinstance(found, HttpResponse):
        return found
    _importer, pages = found
    return pages.apply(request, pk)


def _may_administer(request: HttpRequest) -> bool:
    return has_permission(_user(request), Action.ADMINISTER_TENANT)


@login_required
def api_keys(request: HttpRequest) -> HttpResponse:
    """The keys a hospital's systems push their exports with; a new key's secret shows once."""
    if not _may_administer(request):
        return forbidden(request, _("The import keys are for the tenant's administrators."))
    choices = [(i.kind, i.label or i.kind) for i in every_importer()]
    form = ImportKeyForm(request.POST or None, choices=choices)
    secret = ""
    if request.method == "POST" and form.is_valid():
        _key, secret = create_import_key(
            form.cleaned_data["name"], form.cleaned_data["kinds"], by=_user(request)
        )
        form = ImportKeyForm(choices=choices)
    labels = dict(choices)
    keys = [
        (key, [labels.get(kind, kind) for kind in key.kinds])
        for key in ImportAPIKey.objects.select_related("created_by").order_by("-created")
    ]
    return render(
        request,
        "imports/api_keys.html",
        {
            "form": form,
            "secret": secret,
            "keys": keys,
            "example_url": request.build_absolute_uri(
                reverse("tenant_api_v1:import_upload", args=["finance_orders"])
            ),
        },
        status=400 if request.method == "POST" and not secret else 200,
    )


@login_required
@require_POST
def revoke_api_key(request: HttpRequest, prefix: str) -> HttpResponseBase:
    if not _may_administer(request):
        return forbidden(request, _("The import keys are for the tenant's administrators."))
    key = ImportAPIKey.objects.filter(prefix=prefix).first()
    if key is None:
        raise Http404
    revoke_import_key(key)
    return redirect("imports:api_keys")
