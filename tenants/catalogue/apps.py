"""The catalogue of referenced consumables and accessories: search, favourites, shared lists."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "tenants.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"

    def ready(self) -> None:
        from tenants.access.permissions import Action
        from tenants.catalogue.imports import DEFAULT_MAPPING, import_catalogue
        from tenants.imports.registry import register
        from tenants.mirror.usage import register_usage

        register(
            "catalogue",
            import_catalogue,
            DEFAULT_MAPPING,
            label=_("Catalogue of products"),
            action=Action.MANAGE_CATALOGUE,
            page="catalogue:import",
        )
        register_usage("device_model", fitted_models)


def fitted_models() -> Iterable[Any]:
    """Central UUIDs of the device models the catalogue's products fit: the sync subscribes to
    them, so a product linked to a model the hospital does not own yet shows its name."""
    from django.db.models import Func, UUIDField

    from tenants.catalogue.models import Product

    return (
        Product.objects.annotate(
            model_uuid=Func("fits_models", function="unnest", output_field=UUIDField())
        )
        .values_list("model_uuid", flat=True)
        .distinct()
    )
