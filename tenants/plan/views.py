"""The equipment plan's list page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext_lazy

from tenants.plan.filters import PlanLineFilter
from tenants.plan.selectors import plan_lines_for
from tenants.plan.tables import PLAN_COLUMNS, PlanLineTable
from tenants.tables.listing import ListPage, register
from tenants.tables.views import render_list

PLAN = register(
    ListPage(
        key="plan.lines",
        url_name="plan:line_list",
        title=gettext_lazy("Equipment plan"),
        table_class=PlanLineTable,
        filterset_class=PlanLineFilter,
        rows=plan_lines_for,
        default_columns=PLAN_COLUMNS,
    )
)


@login_required
def line_list(request: HttpRequest) -> HttpResponseBase:
    return render_list(request, PLAN)
