"""The plan's daily reminders, per tenant."""

from __future__ import annotations

from celery import shared_task
from django_tenants.utils import schema_context

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.models import TenantStatus
from saas.tenancy.selectors import customer_tenants
from tenants.plan.reminders import send_reminders


@app.task(base=TenantOnlyTask, name="tenants.plan.tasks.send_reminders")
def send_reminders_task() -> int:
    return send_reminders()


@shared_task(base=PlatformTask, name="tenants.plan.tasks.send_all_reminders")
def send_all_reminders() -> int:
    schemas = list(
        customer_tenants().filter(status=TenantStatus.ACTIVE).values_list("schema_name", flat=True)
    )
    for schema_name in schemas:
        with schema_context(schema_name):
            send_reminders_task.delay()
    return len(schemas)
