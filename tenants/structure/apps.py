"""The hospital's structure: establishments (and, later, pôles, services and UF)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StructureConfig(AppConfig):
    name = "tenants.structure"
    label = "structure"
    verbose_name = "Structure"

    def ready(self) -> None:
        from tenants.core.suggest import register_source
        from tenants.imports.registry import register
        from tenants.structure import suggestions
        from tenants.structure.imports import DEFAULT_MAPPING, import_structure

        register(
            "structure",
            import_structure,
            DEFAULT_MAPPING,
            label=_("Structure (establishments, pôles, services, UF)"),
            page="structure:import",
        )

        register_source("uf", suggestions.units)
        register_source("request_uf", suggestions.request_units)
        register_source(
            "envelope_scope",
            suggestions.envelope_scopes,
            can_use=suggestions.may_manage_campaigns,
        )
