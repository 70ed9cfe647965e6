"""Celery task building a large export inside the tenant's schema it was sent from."""

from __future__ import annotations

from saas.celery import TenantOnlyTask, app
from tenants.tables.services import run_export


@app.task(base=TenantOnlyTask, name="tenants.tables.tasks.run_export")
def run_export_task(job_id: int) -> str:
    return run_export(job_id).state
