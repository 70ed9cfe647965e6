"""Read queries on the tenant registry."""

from __future__ import annotations

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
