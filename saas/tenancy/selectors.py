"""Read queries on the tenant registry."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from saas.tenancy.models import Domain, Tenant, TenantKind, TenantStatus


def customer_tenants() -> QuerySet[Tenant]:
    """Hospitals and GHTs (not the public schema's row nor the spare schemas), with domains."""
    return (
        Tenant.objects.exclude(kind=TenantKind.PLATFORM)
        .prefetch_related(Prefetch("domains", queryset=Domain.objects.order_by("-is_primary")))
        .order_by("name")
    )


def spare_schema_count() -> int:
    return Tenant.objects.filter(status=TenantStatus.SPARE).count()


def queue_in_each_active_tenant(task: Any) -> int:
    """Queue ``task`` (a tenant-only Celery task, no arguments) once in each active customer
    tenant's schema: what the daily fan-outs (alert digests, plan reminders) do."""
    from django_tenants.utils import schema_context

    schemas = list(
        customer_tenants().filter(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True)
    )
    for schema_name in schemas:
        with schema_context(schema_name):
            task.delay()
    return len(schemas)
