"""Sync tenants' copies of the shared references now, in this process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tenants.utils import schema_context

from saas.reference_sync.linking import link_tenant
from saas.tenancy.models import TenantStatus
from saas.tenancy.selectors import customer_tenants
from tenants.mirror.client import SyncFailed
from tenants.mirror.sync import sync_reference


class Command(BaseCommand):
    help = (
        "Pull and apply the reference server's changes for the given tenant schemas (or every "
        "active tenant with --all), linking a tenant first if it is not yet. Prints what each "
        "sync did; a failure is recorded on the tenant's status page and reported here."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("schemas", nargs="*", help="tenant schema names (t_...)")
        parser.add_argument("--all", action="store_true", help="every active tenant")

    def handle(self, *args: Any, **options: Any) -> None:
        tenants = customer_tenants().filter(status=TenantStatus.ACTIVE)
        if not options["all"]:
            if not options["schemas"]:
                raise CommandError("name at least one tenant schema, or use --all")
            tenants = tenants.filter(schema_name__in=options["schemas"])
            missing = set(options["schemas"]) - set(tenants.values_list("schema_name", flat=True))
            if missing:
                raise CommandError(f"no active tenant with schema {sorted(missing)[0]!r}")
        failed = 0
        for tenant in tenants.order_by("schema_name"):
            link_tenant(tenant)
            with schema_context(tenant.schema_name):
                try:
                    report = sync_reference()
                except Exception as exc:
                    # Recorded on the tenant's status page by sync_reference; one tenant's
                    # trouble, foreseen or not, must not stop the others' sync.
                    failed += 1
                    reason = exc if isinstance(exc, SyncFailed) else f"{type(exc).__name__}: {exc}"
                    self.stderr.write(f"{tenant.schema_name}: {reason}")
                    continue
            self.stdout.write(f"{tenant.schema_name}: {report}")
        if failed:
            noun = "tenant" if failed == 1 else "tenants"
            raise CommandError(f"{failed} {noun} could not be synced")
