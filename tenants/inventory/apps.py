"""The inventory (parc): devices from the CMMS export, linked to the reference mirror."""

from django.apps import AppConfig


class InventoryConfig(AppConfig):
    name = "tenants.inventory"
    label = "inventory"
    verbose_name = "Inventory"
