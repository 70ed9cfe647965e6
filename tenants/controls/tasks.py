"""The checks run in a worker: after an import commits, and each night in every tenant."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from saas.celery import PlatformTask, TenantOnlyTask, app
from saas.tenancy.selectors import queue_in_each_active_tenant
from tenants.controls.engine import run_checks
from tenants.controls.registry import check_for, checks_after, every_check


@app.task(base=TenantOnlyTask, name="tenants.controls.tasks.run_checks")
def run_checks_task(codes: list[str] | None = None, trigger: str = "nightly") -> dict[str, int]:
    checks = every_check() if codes is None else [c for code in codes if (c := check_for(code))]
    report = run_checks(checks, trigger=trigger)
    return {"opened": report.opened, "closed": report.closed, "reopened": report.reopened}


@shared_task(base=PlatformTask, name="tenants.controls.tasks.run_all_checks")
def run_all_checks() -> int:
    return queue_in_each_active_tenant(run_checks_task)


def queue_checks_after(kind: str) -> None:
    """Queue the checks reading what a change of ``kind`` changed, once it commits (a
    person's decision on a page: a worker runs them)."""
    codes = [c.code for c in checks_after(kind)]
    if codes:
        transaction.on_commit(lambda: run_checks_task.delay(codes, f"change:{kind}"))


def run_checks_after(kind: str) -> None:
    """Run, once it commits and in the same process, the checks reading what an import (or a
    sync) of ``kind`` changed: the import's job, already in a worker, ends with its controls
    run rather than handing a second task the data it just wrote."""
    checks = checks_after(kind)
    if checks:
        transaction.on_commit(lambda: run_checks(checks, trigger=f"import:{kind}"))
