"""The trials' daily warnings about return dates, per tenant."""

from __future__ import annotations

from celery import shared_task

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.selectors import queue_in_each_active_tenant
from tenants.trials.reminders import send_reminders


@app.task(base=TenantOnlyTask, name="tenants.trials.tasks.send_reminders")
def send_reminders_task() -> int:
    return send_reminders()


@shared_task(base=PlatformTask, name="tenants.trials.tasks.send_all_reminders")
def send_all_reminders() -> int:
    return queue_in_each_active_tenant(send_reminders_task)
