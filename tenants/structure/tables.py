"""The structure's list table: UF with their place in the tree."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.structure.models import FunctionalUnit
from tenants.tables.columns import FrenchDateColumn
from tenants.tables.listing import ListTable


class FunctionalUnitTable(ListTable):
    code = tables.Column(verbose_name=_("UF code"))
    name = tables.Column(verbose_name=_("name"))
    service = tables.Column(accessor="service__name", verbose_name=_("service"))
    service_code = tables.Column(accessor="service__code", verbose_name=_("service code"))
    pole = tables.Column(accessor="service__pole__name", verbose_name=_("pôle"))
    pole_code = tables.Column(accessor="service__pole__code", verbose_name=_("pôle code"))
    establishment = tables.Column(
        accessor="service__pole__establishment__name", verbose_name=_("establishment")
    )
    valid_from = FrenchDateColumn(verbose_name=_("valid from"))
    valid_until = FrenchDateColumn(verbose_name=_("valid until"))
    device_count = tables.Column(verbose_name=_("devices"), attrs={"td": {"class": "text-end"}})

    class Meta(ListTable.Meta):
        model = FunctionalUnit
        fields = ()
        empty_text = _("No UF matches these filters.")


DEFAULT_COLUMNS = (
    "code",
    "name",
    "service",
    "pole",
    "establishment",
    "valid_until",
    "device_count",
)
