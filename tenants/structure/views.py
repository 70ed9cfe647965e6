"""Pages of the structure."""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from saas.tenancy.context import current_tenant
from tenants.access.permissions import Action, permission_required
from tenants.access.selectors import has_any_role, tenant_administrators
from tenants.accounts.models import User
from tenants.imports.models import ImportJob
from tenants.imports.pages import ImportPages
from tenants.structure.filters import FunctionalUnitFilter
from tenants.structure.forms import StructureImportForm
from tenants.structure.home import home_blocks
from tenants.structure.models import Establishment
from tenants.structure.selectors import active_establishments, units_for
from tenants.structure.tables import DEFAULT_COLUMNS, FunctionalUnitTable
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

IMPORT_PAGES = ImportPages(
    kind=ImportJob.Kind.STRUCTURE, form_class=StructureImportForm, app="structure"
)

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
    return IMPORT_PAGES.upload(request)


@permission_required(Action.ADMINISTER_TENANT)
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.job(request, pk)


@permission_required(Action.ADMINISTER_TENANT)
@require_POST
def import_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return IMPORT_PAGES.apply(request, pk)
