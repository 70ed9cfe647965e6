"""The hospital's structure: establishments (and, later, pôles, services and UF)."""

from django.apps import AppConfig


class StructureConfig(AppConfig):
    name = "tenants.structure"
    label = "structure"
    verbose_name = "Structure"

    def ready(self) -> None:
        from tenants.imports.registry import register
        from tenants.structure.imports import DEFAULT_MAPPING, import_structure

        register("structure", import_structure, DEFAULT_MAPPING)
