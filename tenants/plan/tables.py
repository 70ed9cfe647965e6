from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.plan.models import PlanLine
from tenants.tables.columns import FrenchDateColumn, MoneyColumn
from tenants.tables.listing import ListTable


class PlanLineTable(ListTable):
    reference = tables.Column(verbose_name=_("reference"))
    year = tables.Column(verbose_name=_("year"))
    # The request's reference (DEM-...); the column kept its name, so saved choices still show it.
    request = tables.Column(
        accessor="request__reference",
        linkify=lambda record: record.request.get_absolute_url(),
        verbose_name=_("request"),
    )
    title = tables.Column(linkify=True, verbose_name=_("title"))
    campaign = tables.Column(accessor="campaign__name", verbose_name=_("campaign"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    service = tables.Column(accessor="uf__service__name", verbose_name=_("service"))
    pole = tables.Column(accessor="uf__service__pole__name", verbose_name=_("pôle"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    nature = tables.Column(verbose_name=_("nature"))
    amount = MoneyColumn(verbose_name=_("granted"))
    status = tables.Column(verbose_name=_("status"))
    manager = tables.Column(
        accessor="manager__full_name",
        order_by=("manager__full_name", "manager__email"),
        verbose_name=_("operation manager"),
    )
    commissioning_month = FrenchDateColumn(format="m/Y", verbose_name=_("commissioning"))
    ordered_amount = MoneyColumn(verbose_name=_("ordered"))
    settled = tables.BooleanColumn(verbose_name=_("settled"))
    closed = tables.BooleanColumn(verbose_name=_("closed"))
    created = FrenchDateColumn(verbose_name=_("added"))

    class Meta(ListTable.Meta):
        model = PlanLine
        fields = ()
        empty_text = _("No line in the plan yet: granted requests come here.")


PLAN_COLUMNS = (
    "reference",
    "year",
    "request",
    "title",
    "uf_code",
    "establishment",
    "amount",
    "status",
    "manager",
)
