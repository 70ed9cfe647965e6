"""Central reference server app (public schema)."""

from django.apps import AppConfig


class SharedReferenceConfig(AppConfig):
    name = "shared_reference"
    verbose_name = "Shared reference"

    def ready(self) -> None:
        from saas.audit.history import register_display
        from shared_reference.models import Contribution
        from shared_reference.templatetags.reference_words import readable

        # A proposal's keys are the payload's fields: histories show them by their labels.
        register_display(Contribution, "proposal", readable)
