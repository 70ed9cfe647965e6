"""The hospital's structure: establishments (and, later, pôles, services and UF)."""

from django.apps import AppConfig


class StructureConfig(AppConfig):
    name = "tenants.structure"
    label = "structure"
    verbose_name = "Structure"

    def ready(self) -> None:
        from tenants.core.suggest import register_source
        from tenants.imports.registry import register
        from tenants.structure import suggestions
        from tenants.structure.imports import DEFAULT_MAPPING, import_structure

        register("structure", import_structure, DEFAULT_MAPPING)

        register_source("uf", suggestions.units)
        register_source("request_uf", suggestions.request_units)
        register_source(
            "envelope_scope",
            suggestions.envelope_scopes,
            can_use=suggestions.may_manage_campaigns,
        )
