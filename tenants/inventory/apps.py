"""The inventory (parc): devices from the CMMS export, linked to the reference mirror."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InventoryConfig(AppConfig):
    name = "tenants.inventory"
    label = "inventory"
    verbose_name = "Inventory"

    def ready(self) -> None:
        from tenants.access.permissions import Action
        from tenants.imports.registry import register, register_tabular
        from tenants.inventory.checks import register_checks
        from tenants.inventory.imports import DEFAULT_MAPPING, import_inventory
        from tenants.inventory.signals import inventory_imported
        from tenants.inventory.work_orders import WORK_ORDERS
        from tenants.mirror.signals import mirror_synced
        from tenants.mirror.usage import register_usage

        register(
            "inventory",
            import_inventory,
            DEFAULT_MAPPING,
            label=_("CMMS: devices"),
            page="inventory:import",
        )
        register_tabular(WORK_ORDERS, label=_("CMMS: work orders"), action=Action.ADMINISTER_TENANT)
        register_checks()
        mirror_synced.connect(_synced, dispatch_uid="inventory-checks-after-sync")
        inventory_imported.connect(_imported, dispatch_uid="inventory-checks-after-import")

        register_usage("device_model", device_models_in_use)
        register_usage("manufacturer", manufacturers_in_use)


def device_models_in_use() -> Iterable[Any]:
    """Central UUIDs of the models the inventory's devices are linked to (confirmed or exact)."""
    from tenants.inventory.models import Device

    return (
        Device.objects.filter(reference_model__isnull=False)
        .values_list("reference_model__uuid", flat=True)
        .distinct()
    )


def manufacturers_in_use() -> Iterable[Any]:
    """Their manufacturers too: their aliases are what matching the next imports relies on."""
    from tenants.inventory.models import Device

    return (
        Device.objects.filter(reference_model__isnull=False)
        .values_list("reference_model__manufacturer__uuid", flat=True)
        .distinct()
    )


def _synced(sender: Any, **kwargs: Any) -> None:
    """New end-of-support dates arrive with a sync: the checks reading them follow it."""
    from tenants.controls.tasks import run_checks_after

    run_checks_after("sync")


def _imported(sender: Any, **kwargs: Any) -> None:
    from tenants.controls.tasks import run_checks_after

    run_checks_after("inventory")
