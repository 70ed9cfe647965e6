"""The equipment plan: what the commission granted, line by line, followed to commissioning."""

from typing import Any

from django.apps import AppConfig


class PlanConfig(AppConfig):
    name = "tenants.plan"
    label = "plan"
    verbose_name = "Equipment plan"

    def ready(self) -> None:
        from tenants.inventory.signals import inventory_imported

        inventory_imported.connect(link_after_import, dispatch_uid="plan.link_devices")


def link_after_import(sender: Any, **kwargs: Any) -> None:
    from tenants.plan.delivery import link_all_lines

    link_all_lines()
