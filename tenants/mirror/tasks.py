"""Celery tasks of the reference sync: one tenant's sync, a release's fan-out, the safety net.

A tenant's sync retries with exponential backoff while the reference server is down, slow or
failing; what retrying cannot fix (a revoked key, a payload it cannot apply) is recorded on
the sync state and left for a person. Every failure is on the status page either way.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django_tenants.utils import schema_context

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.models import TenantStatus
from saas.tenancy.selectors import customer_tenants
from tenants.mirror import linking, sync
from tenants.mirror.client import ReferenceUnavailable

logger = logging.getLogger(__name__)

# Backoff while the reference server is unavailable: 30 s, 60 s, 120 s... capped at 30 min,
# with jitter so that 300 tenants do not come back at the same second. After the last retry
# the periodic safety net takes over.
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 1800
MAX_RETRIES = 8


@app.task(
    base=TenantOnlyTask,
    name="tenants.mirror.tasks.sync_reference",
    autoretry_for=(ReferenceUnavailable,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=MAX_RETRIES,
)
def sync_reference_task() -> str:
    try:
        report = sync.sync_reference()
    except sync.SyncFailed as exc:
        if isinstance(exc, ReferenceUnavailable):
            raise  # retried with backoff (autoretry_for)
        return f"refused: {exc}"  # recorded on the status page; retrying would not help
    return str(report)


def queue_sync(schema_name: str) -> bool:
    """Queue a sync in ``schema_name`` (the task carries the schema it was sent from).

    False when the broker could not take it: the periodic safety net will sync that tenant.
    """
    try:
        with schema_context(schema_name):
            sync_reference_task.delay()
    except Exception:
        logger.exception("Could not queue the reference sync of %s", schema_name)
        return False
    return True


@shared_task(base=PlatformTask, name="tenants.mirror.tasks.fan_out_release")
def fan_out_release(topics: list[str]) -> int:
    """After a release: queue a sync for every tenant subscribed to one of its topics."""
    schemas = _active(linking.linked_schema_names(set(topics)))
    for schema_name in schemas:
        queue_sync(schema_name)
    return len(schemas)


@shared_task(base=PlatformTask, name="tenants.mirror.tasks.sync_all_tenants")
def sync_all_tenants() -> int:
    """The safety net: link active tenants that are not yet, and queue a sync for each."""
    linked = set(linking.linked_schema_names())
    for tenant in (
        customer_tenants().filter(status=TenantStatus.ACTIVE).exclude(schema_name__in=linked)
    ):
        try:
            linking.link_tenant(tenant)
        except Exception:  # one tenant's trouble must not stop the others' sync
            logger.exception("Linking tenant %s to the reference server failed", tenant)
            continue
        linked.add(tenant.schema_name)
    schemas = _active(sorted(linked))
    for schema_name in schemas:
        queue_sync(schema_name)
    return len(schemas)


def _active(schema_names: list[str]) -> list[str]:
    return list(
        customer_tenants()
        .filter(schema_name__in=schema_names, status=TenantStatus.ACTIVE)
        .order_by("schema_name")
        .values_list("schema_name", flat=True)
    )
