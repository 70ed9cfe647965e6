"""Celery task running an import job inside the tenant's schema it was sent from."""

from __future__ import annotations

from saas.celery import TenantOnlyTask, app
from tenants.imports.services import run_import


@app.task(base=TenantOnlyTask, name="tenants.imports.tasks.run_import")
def run_import_task(job_id: int) -> str:
    return run_import(job_id).state
