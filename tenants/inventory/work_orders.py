"""The CMMS's work orders (*interventions*), declared as a table (tenants/imports/tabular.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenants.imports.tabular import Amount, Choice, Column, Day, Lookup, TabularImport, Text
from tenants.inventory.models import Device, WorkOrder, WorkOrderKind


def _no_device() -> str:
    return _("no device has the inventory number %(code)s")


def _closed_before_opened(values: dict[str, Any]) -> tuple[str, str] | None:
    opened, closed = values.get("opened"), values.get("closed")
    if opened and closed and closed < opened:
        return "closed", _("closed before it was opened (%(date)s)") % {
            "date": f"{opened:%d/%m/%Y}"
        }
    return None


KIND_WORDS = {
    "corrective": WorkOrderKind.CORRECTIVE,
    "curative": WorkOrderKind.CORRECTIVE,
    "maintenance corrective": WorkOrderKind.CORRECTIVE,
    "depannage": WorkOrderKind.CORRECTIVE,
    "preventive": WorkOrderKind.PREVENTIVE,
    "maintenance preventive": WorkOrderKind.PREVENTIVE,
    "controle qualite": WorkOrderKind.CONTROL,
    "controle": WorkOrderKind.CONTROL,
    "cq": WorkOrderKind.CONTROL,
    "installation": WorkOrderKind.INSTALLATION,
    "mise en service": WorkOrderKind.INSTALLATION,
    "autre": WorkOrderKind.OTHER,
}

WORK_ORDERS = TabularImport(
    kind="work_orders",
    model=WorkOrder,
    key=("number",),
    describe=lambda key: _("work order %(number)s") % {"number": key[0]},
    columns=(
        Column(
            "number",
            "N° intervention",
            gettext_lazy("Column of the work order number"),
            Text(WorkOrder._meta.get_field("number").max_length or 0),
        ),
        Column(
            "device_id",
            "N° inventaire",
            gettext_lazy("Column of the device's inventory number"),
            Lookup(Device, "inventory_number", _no_device),
            required=True,
        ),
        Column(
            "kind",
            "Type",
            gettext_lazy("Column of the type"),
            Choice(KIND_WORDS, WorkOrderKind.OTHER),
        ),
        Column("opened", "Date début", gettext_lazy("Column of the opening date"), Day()),
        Column("closed", "Date fin", gettext_lazy("Column of the closing date"), Day()),
        Column("cost", "Coût", gettext_lazy("Column of the cost"), Amount(minimum=Decimal(0))),
        Column(
            "order_number",
            "N° commande",
            gettext_lazy("Column of the order number"),
            Text(WorkOrder._meta.get_field("order_number").max_length or 0),
        ),
    ),
    row_checks=(_closed_before_opened,),
)
