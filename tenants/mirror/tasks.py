"""The tenant's reference sync as a Celery task (the fan-out and safety net: saas/reference_sync).

A tenant's sync retries with exponential backoff while the reference server is down, slow or
failing; what retrying cannot fix (a revoked key, a payload it cannot apply) is recorded on
the sync state and left for a person. Every failure is on the status page either way.
"""

from __future__ import annotations

import logging

from django_tenants.utils import schema_context

from saas.celery import TenantOnlyTask, app
from tenants.mirror import sync
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
