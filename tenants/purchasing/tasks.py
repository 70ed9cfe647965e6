"""Celery task producing a purchase request's documents inside the tenant's schema it was sent
from."""

from __future__ import annotations

from saas.celery import TenantOnlyTask, app
from tenants.purchasing.services import run_document_job


@app.task(base=TenantOnlyTask, name="tenants.purchasing.tasks.produce_documents")
def produce_documents_task(job_id: int) -> str:
    job = run_document_job(job_id)
    return job.state if job is not None else "missing"
