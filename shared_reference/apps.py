"""Central reference server app (public schema)."""

from django.apps import AppConfig


class SharedReferenceConfig(AppConfig):
    name = "shared_reference"
    verbose_name = "Shared reference"
