"""The list-page framework every table of the product uses: filters, sort, columns, exports."""

from django.apps import AppConfig


class TablesConfig(AppConfig):
    name = "tenants.tables"
    label = "tables"
    verbose_name = "Tables"
