"""The daily e-mail digest of alerts, per tenant."""

from __future__ import annotations

from celery import shared_task

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.selectors import queue_in_each_active_tenant
from tenants.alerts.services import send_digests


@app.task(base=TenantOnlyTask, name="tenants.alerts.tasks.send_digests")
def send_digests_task() -> int:
    return send_digests()


@shared_task(base=PlatformTask, name="tenants.alerts.tasks.send_all_digests")
def send_all_digests() -> int:
    return queue_in_each_active_tenant(send_digests_task)
