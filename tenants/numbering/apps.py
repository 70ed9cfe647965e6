"""Human references of a tenant's objects: DEM-2027-00042, PLN-2027-00042."""

from django.apps import AppConfig


class NumberingConfig(AppConfig):
    name = "tenants.numbering"
    label = "numbering"
    verbose_name = "Numbering"
