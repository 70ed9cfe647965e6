"""What every benchmark needs: a throw-away database next to the configured one."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from typing import Any

from saas.runner import database_name, run_on_server


def bench_database_url() -> str:
    url = os.environ["DATABASE_URL"]
    base, _, query = url.partition("?")
    head, _, name = base.rpartition("/")
    return f"{head}/{name}_bench" + (f"?{query}" if query else "")


def recreate_database(url: str) -> None:
    name = database_name(url)
    run_on_server(
        url,
        (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', []),
        (f'CREATE DATABASE "{name}"', []),
    )


def drop_database(url: str) -> None:
    run_on_server(url, (f'DROP DATABASE IF EXISTS "{database_name(url)}" WITH (FORCE)', []))


def in_throwaway_database(
    run: Callable[[argparse.Namespace], None], args: argparse.Namespace, **environment: str
) -> int:
    """Set Django up on ``<name>_bench`` (created afresh), run, and drop the database."""
    url = bench_database_url()
    recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.update(environment)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")
    import django

    django.setup()
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)
    return 0


def bench_tenant() -> tuple[Any, list[Any]]:
    """The public schema migrated, one provisioned tenant ``bench`` and, inside it, one
    establishment of 10 pôles, 50 services and 300 UF: (the tenant, its UF)."""
    from django.core.management import call_command
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    tenant = Tenant.objects.create(
        schema_name=schema_name_for("bench"),
        name="Bench",
        finess="800000044",
        contact_email="admin@bench.test",
        status=TenantStatus.PROVISIONING,
    )
    tenant = provision_tenant(tenant.pk, subdomain="bench", admin_email="a@bench.test").tenant
    with tenant_context(tenant):
        site = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )
        units = []
        for p in range(10):
            pole = Pole.objects.create(establishment=site, code=f"P{p}", name=f"Pôle {p}")
            for s in range(5):
                service = Service.objects.create(pole=pole, code=f"S{s}", name=f"Service {p}{s}")
                units += [
                    FunctionalUnit(service=service, code=f"{p}{s}{u:02d}", name=f"UF {p}{s}{u}")
                    for u in range(6)
                ]
        units = FunctionalUnit.objects.bulk_create(units)
    return tenant, units
