"""The daily e-mail digest of alerts, per tenant."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.models import TenantStatus
from saas.tenancy.selectors import customer_tenants
from tenants.alerts.services import send_digests


@app.task(base=TenantOnlyTask, name="tenants.alerts.tasks.send_digests")
def send_digests_task() -> int:
    return send_digests()


@shared_task(base=PlatformTask, name="tenants.alerts.tasks.send_all_digests")
def send_all_digests() -> int:
    schemas = list(
        customer_tenants().filter(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True)
    )
    for schema_name in schemas:
        with schema_context(schema_name):
            send_digests_task.delay()
    return len(schemas)
