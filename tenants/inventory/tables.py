"""The inventory's list table."""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
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

    def render_status(self, value: Any, record: Device) -> SafeString:
        """The CMMS's status, and the loan between services the device is on (the loans app
        annotates ``loan_due_on``, and ``loan_id`` when the person may open that loan; see
        tenants.inventory.selectors)."""
        due = getattr(record, "loan_due_on", None)
        if due is None:
            return format_html("{}", value)
        words = format_html("{} {}", _("on loan until"), due.strftime("%d/%m/%Y"))
        loan_id = getattr(record, "loan_id", None)
        if loan_id is None:
            return format_html(
                '{} <span class="badge text-bg-warning" data-on-loan>{}</span>', value, words
            )
        return format_html(
            '{} <a class="badge text-bg-warning" href="{}" data-on-loan>{}</a>',
            value,
            reverse("loans:loan_detail", args=[loan_id]),
            words,
        )


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
