"""The tenant's own copy of the shared references it uses (DESIGN.md section 4, tenant side)."""

from __future__ import annotations

from django.apps import AppConfig


class MirrorConfig(AppConfig):
    name = "tenants.mirror"
    label = "mirror"
    verbose_name = "Reference mirror"

    def ready(self) -> None:
        from tenants.core.suggest import register_source
        from tenants.mirror.suggestions import catalogue_models, nomenclature_codes

        register_source("catalogue_model", catalogue_models)
        register_source("nomenclature", nomenclature_codes)
