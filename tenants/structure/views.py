"""Pages of the structure."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy

from tenants.access.permissions import Action, permission_required
from tenants.structure.filters import FunctionalUnitFilter
from tenants.structure.forms import StructureImportForm
from tenants.structure.imports import ImportRefused, import_structure
from tenants.structure.models import Establishment, ImportMapping
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
    return render(request, "structure/establishment_detail.html", {"establishment": establishment})


@permission_required(Action.ADMINISTER_TENANT)
def structure_import(request: HttpRequest) -> HttpResponse:
    """Upload the structure file; a dry run (the default) shows the report and keeps nothing."""
    kept, _created = ImportMapping.objects.get_or_create(kind="structure")
    form = StructureImportForm(request.POST or None, request.FILES or None, mapping=kept.mapping)
    report, problems = None, []
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        kept.mapping = mapping
        kept.save(update_fields=["mapping", "updated"])
        upload = form.cleaned_data["file"]
        try:
            report = import_structure(
                upload.read(), upload.name, mapping=mapping, dry_run=form.cleaned_data["dry_run"]
            )
        except ImportRefused as exc:
            problems = exc.problems
    status = 400 if problems or form.errors else 200
    return render(
        request,
        "structure/import.html",
        {
            "form": form,
            "report": report,
            "problems": problems[:500],
            "problem_count": len(problems),
        },
        status=status,
    )
