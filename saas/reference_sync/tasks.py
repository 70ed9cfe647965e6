"""Platform tasks of the reference sync: a release's fan-out and the periodic safety net.

Each queues the tenant task ``tenants.mirror.tasks.sync_reference`` in the schemas concerned;
the sync itself runs on the tenant side.
"""

from __future__ import annotations

import logging

from celery import shared_task

from saas.celery import PlatformTask
from saas.reference_sync import linking
from saas.tenancy.models import TenantStatus
from saas.tenancy.selectors import customer_tenants
from tenants.mirror.tasks import queue_sync

logger = logging.getLogger(__name__)


@shared_task(base=PlatformTask, name="saas.reference_sync.tasks.fan_out_release")
def fan_out_release(topics: list[str]) -> int:
    """After a release: queue a sync for every tenant subscribed to one of its topics."""
    schemas = _active(linking.linked_schema_names(set(topics)))
    for schema_name in schemas:
        queue_sync(schema_name)
    return len(schemas)


@shared_task(base=PlatformTask, name="saas.reference_sync.tasks.sync_all_tenants")
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
