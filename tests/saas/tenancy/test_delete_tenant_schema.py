"""Deleting a tenant while a provisioning of it is still running (tests' teardown, benchmarks)."""

import threading
import time

from django.db import connection, transaction
from django_tenants.utils import schema_exists

from saas.tenancy import provisioning
from saas.tenancy.models import Domain, Tenant, TenantKind, TenantStatus


def test_deleting_a_tenant_waits_for_its_provisioning_and_removes_what_it_made(live_db):
    tenant = Tenant.objects.create(
        schema_name="t_late",
        name="CH Late",
        kind=TenantKind.HOSPITAL,
        finess="800000044",
        status=TenantStatus.PROVISIONING,
    )
    holding = threading.Event()
    errors: list[BaseException] = []

    def provisioning_elsewhere() -> None:
        """What provision_tenant does in a worker: lock the row, make the schema and domain."""
        try:
            with transaction.atomic():
                Tenant.objects.select_for_update().get(pk=tenant.pk)
                holding.set()
                time.sleep(1)  # the deletion starts meanwhile
                with connection.cursor() as cursor:
                    cursor.execute('CREATE SCHEMA "t_late"')
                Domain.objects.create(domain="late.localhost", tenant=tenant, is_primary=True)
        except BaseException as exc:  # reported to the test's thread
            errors.append(exc)
        finally:
            connection.close()

    worker = threading.Thread(target=provisioning_elsewhere)
    worker.start()
    try:
        assert holding.wait(timeout=10)
        provisioning.delete_tenant_schema(tenant)
    finally:
        worker.join(timeout=30)
        Domain.objects.filter(tenant_id=tenant.pk).delete()
        live_db.append(tenant)  # whatever the outcome, nothing is left behind
    assert not errors
    assert not Tenant.objects.filter(pk=tenant.pk).exists()
    assert not Domain.objects.filter(domain="late.localhost").exists()
    assert not schema_exists("t_late")
