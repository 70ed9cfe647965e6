"""Pages of the structure."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.tenancy.context import current_tenant
from tenants.access.permissions import Action, permission_required
from tenants.access.selectors import has_any_role, tenant_administrators
from tenants.accounts.models import User
from tenants.imports.models import ImportJob, ImportMapping
from tenants.imports.services import ApplyRefused, apply_dry_run, job_progress, start_import
from tenants.structure.filters import FunctionalUnitFilter
from tenants.structure.forms import StructureImportForm
from tenants.structure.home import home_blocks
from tenants.structure.models import Establishment
from tenants.structure.selectors import active_establishments, units_for
from tenants.structure.tables import DEFAULT_COLUMNS, FunctionalUnitTable
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

UNITS = register(
    ListPage(
        key="structure.units",
        url_name="structure:unit_list",
        title=gettext_lazy("UF"),
        table_class=FunctionalUnitTable,
        filterset_class=FunctionalUnitFilter,
        rows=units_for,
        default_columns=DEFAULT_COLUMNS,
    )
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The tenant's home page: what each of the person's roles has to do next, then the
    establishments; or whom to ask for a first role."""
    user = cast(User, request.user)
    if not has_any_role(user):
        # Nothing here is theirs to see yet: say so, and whom to ask.
        return render(
            request, "structure/no_role.html", {"administrators": tenant_administrators()}
        )
    return render(
        request,
        "structure/home.html",
        {
            "tenant": current_tenant(),
            "establishments": active_establishments(),
            "blocks": home_blocks(user),
        },
    )


@login_required
def establishment_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "structure/establishment_list.html", {"establishments": active_establishments()}
    )


@login_required
def unit_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(request, UNITS)


@login_required
def establishment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    establishment = get_object_or_404(Establishment, pk=pk)
    # Who changed what is not for a person without any role (told they can see nothing).
    context = {
        "establishment": establishment,
        "shows_history": has_any_role(cast(User, request.user)),
    }
    return render(request, "structure/establishment_detail.html", context)


@permission_required(Action.ADMINISTER_TENANT)
def structure_import(request: HttpRequest) -> HttpResponse:
    """Upload the structure file; a worker checks and applies it (a dry run, the default,
    keeps nothing) while the job page shows its report."""
    kept, _created = ImportMapping.objects.get_or_create(kind="structure")
    form = StructureImportForm(request.POST or None, request.FILES or None, mapping=kept.mapping)
    if request.method == "POST" and form.is_valid():
        kept.mapping = form.mapping()
        kept.save(update_fields=["mapping", "updated"])
        job = start_import(
            ImportJob.Kind.STRUCTURE,
            form.cleaned_data["file"],
            mapping=kept.mapping,
            dry_run=form.cleaned_data["dry_run"],
            by=cast(User, request.user),
        )
        return redirect("structure:import_job", pk=job.pk)
    jobs = ImportJob.objects.filter(kind=ImportJob.Kind.STRUCTURE)[:10]
    return render(
        request,
        "structure/import.html",
        {"form": form, "jobs": jobs},
        status=400 if form.errors else 200,
    )


@permission_required(Action.ADMINISTER_TENANT)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.STRUCTURE)
    context = {"job": job, "progress": job_progress(job)}
    htmx = getattr(request, "htmx", None)
    template = "structure/_import_job.html" if htmx else "structure/import_job.html"
    return render(request, template, context)


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """Import for real the file a dry run checked."""
    dry_run = get_object_or_404(ImportJob, pk=pk, kind=ImportJob.Kind.STRUCTURE)
    try:
        job = apply_dry_run(dry_run, by=cast(User, request.user))
    except ApplyRefused as refused:
        messages.error(request, refused.reason)
        return redirect("structure:import_job", pk=dry_run.pk)
    return redirect("structure:import_job", pk=job.pk)
