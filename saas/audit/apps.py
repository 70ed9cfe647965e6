"""The audit trail's app: its templates, and the patch letting pgtrigger meet django-tenants."""

from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "saas.audit"
    label = "audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        # pgtrigger gives Django's migrate and makemigrations an autodetector that knows
        # triggers; django-tenants replaces "migrate" with its own command, still carrying the
        # stock one, and Django 5.2 refuses to start when the two differ (commands.E001).
        # migrate_schemas runs Django's (patched) migrate in each schema, so aligning the
        # attribute changes nothing else.
        from django.core.management.commands import makemigrations
        from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand

        MigrateSchemasCommand.autodetector = makemigrations.Command.autodetector
