"""Fast tenant creation: spare schemas, migrated like any tenant, claimed by a rename.

Migrating a new schema takes seconds and grows with every migration; cloning a template is
barely faster and goes stale. Instead, spare schemas are prepared off the sign-up path (by a
Celery task) as ordinary rows of the tenant registry, so ``migrate_schemas`` keeps them up to
date. Claiming one is an ``ALTER SCHEMA ... RENAME`` inside the transaction that also creates
the first administrator and the domain: either all of it happens, or none of it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.management import call_command
from django.db import connection, transaction
from django_tenants.postgresql_backend.base import _check_schema_name
from django_tenants.utils import schema_context, tenant_context

from saas.tenancy.context import use_public_schema
from saas.tenancy.models import Domain, Tenant, TenantKind, TenantStatus
from saas.tenancy.schemas import drop_schema, pending_migrations, rename_schema
from saas.tenancy.urls_helpers import tenant_host
from tenants.accounts.models import User
from tenants.accounts.services import invite_first_administrator, send_invitation

logger = logging.getLogger(__name__)

SPARE_PREFIX = "spare_"


class ProvisioningError(RuntimeError):
    pass


@dataclass(frozen=True)
class ProvisioningResult:
    tenant: Tenant
    administrator: User
    used_spare: bool
    invitation_sent: bool


def schema_name_for(subdomain: str) -> str:
    name = "t_" + subdomain.replace("-", "_")
    _check_schema_name(name)
    return name


def _create_and_migrate(schema_name: str) -> None:
    """Stock path: CREATE SCHEMA then run every migration in it (must run inside a transaction)."""
    _check_schema_name(schema_name)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA "{schema_name}"')
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    use_public_schema()


def _migrate_existing(schema_name: str) -> None:
    call_command(
        "migrate_schemas", tenant=True, schema_name=schema_name, interactive=False, verbosity=0
    )
    use_public_schema()


def create_spare_schema() -> Tenant:
    """Prepare one migrated spare schema; the row and the schema appear together or not at all."""
    schema_name = SPARE_PREFIX + uuid.uuid4().hex[:20]
    with schema_context("public"), transaction.atomic():
        spare = Tenant.objects.create(
            schema_name=schema_name,
            name="spare",
            kind=TenantKind.PLATFORM,
            status=TenantStatus.SPARE,
        )
        _create_and_migrate(schema_name)
    return spare


def spare_count() -> int:
    return Tenant.objects.filter(status=TenantStatus.SPARE).count()


def refill_spare_pool(target: int) -> int:
    """Create spares until the pool holds ``target``; returns how many were created.

    One refill runs at a time across workers (a session advisory lock); others return at once.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext('refill_spare_pool'))")
        if not cursor.fetchone()[0]:
            return 0
    try:
        missing = max(0, target - spare_count())
        for _ in range(missing):
            create_spare_schema()
        return missing
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(hashtext('refill_spare_pool'))")


def _claim_spare_for(tenant: Tenant) -> bool:
    """Rename a ready spare schema to the tenant's; False when the pool is empty."""
    spare = (
        Tenant.objects.select_for_update(skip_locked=True)
        .filter(status=TenantStatus.SPARE)
        .order_by("created", "pk")
        .first()
    )
    if spare is None:
        return False
    rename_schema(spare.schema_name, tenant.schema_name)
    Tenant.objects.filter(pk=spare.pk).delete()
    if pending_migrations(tenant.schema_name):
        # The spare predates a migration that was deployed but not yet run on it.
        _migrate_existing(tenant.schema_name)
    return True


def provision_tenant(tenant_id: int, *, subdomain: str, admin_email: str) -> ProvisioningResult:
    """Give a tenant in the provisioning state its schema, first administrator and host name.

    Runs in one transaction: a failure leaves no schema, user or domain behind and marks the
    tenant failed with the reason, so that it can be retried.
    """
    try:
        with schema_context("public"), transaction.atomic():
            tenant = Tenant.objects.select_for_update().get(pk=tenant_id)
            if tenant.status == TenantStatus.ACTIVE:
                raise ProvisioningError(f"Tenant {tenant.schema_name} is already provisioned.")
            if tenant.status not in (TenantStatus.PROVISIONING, TenantStatus.FAILED):
                raise ProvisioningError(
                    f"Tenant {tenant.schema_name} is {tenant.status}; only tenants being "
                    "provisioned or that failed can be provisioned."
                )
            used_spare = _claim_spare_for(tenant)
            if not used_spare:
                _create_and_migrate(tenant.schema_name)
            with tenant_context(tenant):
                administrator = invite_first_administrator(admin_email)
            host = tenant_host(subdomain)
            Domain.objects.create(domain=host, tenant=tenant, is_primary=True)
            tenant.status = TenantStatus.ACTIVE
            tenant.status_reason = ""
            tenant.save(update_fields=["status", "status_reason", "status_changed"])
    except ProvisioningError:
        raise
    except Exception as exc:
        logger.exception("Provisioning of tenant %s failed", tenant_id)
        Tenant.objects.filter(pk=tenant_id).update(
            status=TenantStatus.FAILED, status_reason=f"Provisioning failed: {exc}"
        )
        raise

    invitation_sent = _send_first_invitation(tenant, administrator, host)
    _join_reference(tenant)
    return ProvisioningResult(tenant, administrator, used_spare, invitation_sent)


def _join_reference(tenant: Tenant) -> None:
    """Subscribe the new tenant to the reference server and queue its first sync; if that
    fails, the periodic safety net links it later (the tenant works meanwhile)."""
    from saas.reference_sync.linking import link_tenant
    from tenants.mirror.tasks import queue_sync

    try:
        link_tenant(tenant)
        queue_sync(tenant.schema_name)
    except Exception:
        logger.exception("Linking tenant %s to the reference server failed", tenant.schema_name)


def _send_first_invitation(tenant: Tenant, administrator: User, host: str) -> bool:
    try:
        with tenant_context(tenant):
            send_invitation(administrator, host=host, tenant_name=tenant.name)
    except Exception as exc:  # the tenant exists: staff can resend the invitation
        logger.exception("Invitation e-mail for tenant %s failed", tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).update(
            status_reason=f"The invitation e-mail could not be sent: {exc}"
        )
        return False
    return True


def delete_tenant_schema(tenant: Tenant) -> None:
    """Remove a tenant's schema and row (tests, benchmarks and abandoned spares).

    A provisioning still running holds the tenant's row until it commits its schema and
    domain: the row is locked first, so the deletion waits for it and then sees (and removes)
    what it made, instead of deleting the row under a domain committed meanwhile.
    """
    with schema_context("public"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '10min'")  # a stuck worker fails, not hangs
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        drop_schema(tenant.schema_name)
        Tenant.objects.filter(pk=tenant.pk).delete()
