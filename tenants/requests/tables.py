"""List table of requests."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.requests.models import EquipmentRequest
from tenants.tables.columns import FrenchDateColumn, MoneyColumn
from tenants.tables.listing import ListTable


class RequestTable(ListTable):
    reference = tables.Column(linkify=True, verbose_name=_("reference"))
    id = tables.Column(linkify=True, verbose_name=_("no."))
    title = tables.Column(linkify=True, verbose_name=_("title"))
    campaign = tables.Column(accessor="campaign__name", verbose_name=_("campaign"))
    year = tables.Column(accessor="campaign__year", verbose_name=_("year"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    service = tables.Column(accessor="uf__service__name", verbose_name=_("service"))
    pole = tables.Column(accessor="uf__service__pole__name", verbose_name=_("pôle"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    nature = tables.Column(verbose_name=_("nature"))
    priority = tables.Column(verbose_name=_("priority"))
    state = tables.Column(verbose_name=_("state"))
    domain = tables.Column(accessor="domain__name", verbose_name=_("expertise domain"))
    cost = MoneyColumn(verbose_name=_("estimated cost"))
    granted_amount = MoneyColumn(verbose_name=_("granted"))
    requested_by = tables.Column(accessor="requested_by__full_name", verbose_name=_("requester"))
    updated = FrenchDateColumn(verbose_name=_("last change"))

    export_kinds = {"cost": "money"}

    class Meta(ListTable.Meta):
        model = EquipmentRequest
        fields = ()
        empty_text = _("No request matches these filters.")


REQUEST_COLUMNS = (
    "reference",
    "title",
    "campaign",
    "uf_code",
    "priority",
    "state",
    "cost",
    "granted_amount",
    "updated",
)
