"""The finance system's data: order lines, fixed assets and invoices, imported from its exports."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "tenants.finance"
    label = "finance"
    verbose_name = "Finance"

    def ready(self) -> None:
        from tenants.access.permissions import Action
        from tenants.finance.imports import FIXED_ASSETS, INVOICES, ORDER_LINES
        from tenants.imports.registry import register_tabular

        register_tabular(
            ORDER_LINES, label=_("Finance system: order lines"), action=Action.IMPORT_FINANCE
        )
        register_tabular(
            FIXED_ASSETS, label=_("Finance system: fixed assets"), action=Action.IMPORT_FINANCE
        )
        register_tabular(
            INVOICES, label=_("Finance system: invoices"), action=Action.IMPORT_FINANCE
        )

        from tenants.finance.checks import register_checks
        from tenants.finance.sections import line_orders
        from tenants.imports.tabular import tabular_imported
        from tenants.plan.sections import register_line_section
        from tenants.plan.signals import order_number_changed

        register_checks()
        register_line_section(line_orders)
        tabular_imported.connect(_orders_imported, dispatch_uid="finance-relink")
        order_number_changed.connect(_order_number_changed, dispatch_uid="finance-relink-line")


def _orders_imported(sender: Any, kind: str, **kwargs: Any) -> None:
    if kind == "finance_orders":
        from tenants.finance.links import relink

        relink()


def _order_number_changed(sender: Any, line: Any, **kwargs: Any) -> None:
    from tenants.finance.links import relink_line

    relink_line(line)
