from __future__ import annotations

from celery import shared_task

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.selectors import queue_in_each_active_tenant
from tenants.notifications.services import send_digests, send_mails


@app.task(
    base=TenantOnlyTask,
    name="tenants.notifications.tasks.send_notification_mails",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_notification_mails(recipient_ids: list[int]) -> int:
    return send_mails(recipient_ids)


@app.task(base=TenantOnlyTask, name="tenants.notifications.tasks.send_digests")
def send_digests_task() -> int:
    return send_digests()


@shared_task(base=PlatformTask, name="tenants.notifications.tasks.send_all_digests")
def send_all_digests() -> int:
    """Each morning, every tenant's daily digest of the notifications people get daily."""
    return queue_in_each_active_tenant(send_digests_task)
