"""The hospital's structure: establishments (and, later, pôles, services and UF)."""

from django.apps import AppConfig


class StructureConfig(AppConfig):
    name = "tenants.structure"
    label = "structure"
    verbose_name = "Structure"
