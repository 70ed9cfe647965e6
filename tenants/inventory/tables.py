"""The inventory's list table."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tenants.inventory.models import Device
from tenants.tables.columns import FrenchDateColumn, MoneyColumn
from tenants.tables.listing import ListTable


class DeviceTable(ListTable):
    inventory_number = tables.Column(linkify=True, verbose_name=_("inventory number"))
    uf_code = tables.Column(accessor="uf__code", verbose_name=_("UF"))
    uf_name = tables.Column(accessor="uf__name", verbose_name=_("UF name"))
    service = tables.Column(accessor="uf__service__name", verbose_name=_("service"))
    pole = tables.Column(accessor="uf__service__pole__name", verbose_name=_("pôle"))
    establishment = tables.Column(
        accessor="uf__service__pole__establishment__name", verbose_name=_("establishment")
    )
    manufacturer_name = tables.Column(verbose_name=_("manufacturer"))
    model_name = tables.Column(verbose_name=_("model"))
    reference_model = tables.Column(
        accessor="reference_model__commercial_name", verbose_name=_("reference model")
    )
    match_state = tables.Column(verbose_name=_("match"))
    # This hospital's own date where it set one, else the reference's (see devices_for).
    end_of_support = FrenchDateColumn(
        accessor="effective_end_of_support", verbose_name=_("end of support")
    )
    serial_number = tables.Column(verbose_name=_("serial number"))
    commissioning_date = FrenchDateColumn(verbose_name=_("commissioning date"))
    purchase_value = MoneyColumn(verbose_name=_("purchase value"))
    status = tables.Column(verbose_name=_("status"))

    class Meta(ListTable.Meta):
        model = Device
        fields = ()
        empty_text = _("No device matches these filters.")


DEFAULT_COLUMNS = (
    "inventory_number",
    "uf_code",
    "manufacturer_name",
    "model_name",
    "reference_model",
    "commissioning_date",
    "purchase_value",
    "status",
)
