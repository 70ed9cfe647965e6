from __future__ import annotations

from saas.celery import TenantOnlyTask, app
from tenants.notifications.services import send_mails


@app.task(
    base=TenantOnlyTask,
    name="tenants.notifications.tasks.send_notification_mails",
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=8,
)
def send_notification_mails(recipient_ids: list[int]) -> int:
    return send_mails(recipient_ids)
