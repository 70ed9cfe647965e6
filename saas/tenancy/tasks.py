"""Celery tasks of the tenant registry: provisioning and keeping the spare pool full."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings

from saas.celery import PlatformTask
from saas.tenancy import provisioning

logger = logging.getLogger(__name__)


@shared_task(base=PlatformTask, name="saas.tenancy.tasks.provision_tenant")
def provision_tenant_task(tenant_id: int, subdomain: str, admin_email: str) -> dict[str, object]:
    try:
        result = provisioning.provision_tenant(
            tenant_id, subdomain=subdomain, admin_email=admin_email
        )
    except provisioning.ProvisioningError as exc:
        # Delivered twice, or retried on a tenant that is not waiting: nothing to do.
        logger.warning("%s", exc)
        return {"tenant": tenant_id, "provisioned": False, "reason": str(exc)}
    refill_spare_pool.delay()
    return {
        "tenant": tenant_id,
        "provisioned": True,
        "used_spare": result.used_spare,
        "invitation_sent": result.invitation_sent,
    }


@shared_task(base=PlatformTask, name="saas.tenancy.tasks.refill_spare_pool")
def refill_spare_pool() -> int:
    return provisioning.refill_spare_pool(settings.SPARE_SCHEMA_POOL_SIZE)
