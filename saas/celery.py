"""Celery application: tasks carry the schema they were sent from (tenant-schemas-celery)."""

from __future__ import annotations

import os
from typing import Any, cast

from django.db import connection
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saas.settings")

app = CeleryApp("saas")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

import saas.audit.celery_context  # noqa: E402,F401  (who/where of changes made by tasks)


class TaskWithoutTenant(RuntimeError):
    """A tenant task arrived without its tenant header: running it would touch the public schema."""


class TenantOnlyTask(TenantTask):
    """Base of every task that reads or writes tenant data.

    tenant-schemas-celery falls back to the public schema when a message has no
    ``_schema_name`` header; for tenant data that would silently read or write the
    wrong tables, so such a task refuses to run instead.
    """

    abstract = True

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from django_tenants.utils import get_public_schema_name  # reads settings at import

        if cast(Any, connection).schema_name == get_public_schema_name():
            raise TaskWithoutTenant(
                f"Task {self.name} needs a tenant but arrived without one; it was not run."
            )
        return super().__call__(*args, **kwargs)


class PlatformTask(TenantTask):
    """Base of the tasks that run in the public schema on purpose: platform work (provisioning,
    the spare pool) and the fan-outs that visit each tenant with ``schema_context`` themselves.

    Every task of the project names its side, this one or ``TenantOnlyTask``;
    tests/saas/test_celery_tasks.py walks the registered tasks and holds the line.
    """

    abstract = True
