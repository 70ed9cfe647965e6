"""``migrate_schemas`` that only visits schemas with migrations left to apply.

Django's ``migrate`` costs a few hundred milliseconds per schema even when there is nothing
to do, so the stock executors spend minutes on hundreds of up-to-date tenants. One query
tells which schemas lack a migration of the graph; only those are migrated. Each migration
commits on its own, so an interrupted run leaves every schema in a consistent state and the
next run picks up exactly the schemas that are still behind: the command is resumable.

An explicit target (``migrate_schemas app 0003``) is passed to every schema unchanged, since
going backwards is not "missing a migration". ``MIGRATE_ALL_SCHEMAS=1`` in the environment
restores the stock behaviour (every schema visited), for example to re-run post-migrate hooks.
"""

from __future__ import annotations

import os
from typing import Any

from django_tenants.migration_executors import get_executor as stock_get_executor
from django_tenants.migration_executors.base import MigrationExecutor
from django_tenants.utils import get_public_schema_name

from saas.tenancy.schemas import schemas_with_pending_migrations


def get_executor(codename: str | None = None) -> type[MigrationExecutor]:
    stock: Any = stock_get_executor(codename)

    class PendingOnlyExecutor(stock):  # type: ignore[misc, valid-type]
        def _explicit_target(self) -> bool:
            return bool(self.options.get("app_label") or self.options.get("migration_name"))

        def _only_pending(self, schemas: list[str]) -> list[str]:
            if (
                self._explicit_target()
                or self.options.get("fake")
                or os.environ.get("MIGRATE_ALL_SCHEMAS") == "1"
            ):
                return schemas
            pending = schemas_with_pending_migrations(schemas)
            skipped = len(schemas) - len(pending)
            if skipped and int(self.options.get("verbosity", 1)) >= 1:
                noun = "schema" if skipped == 1 else "schemas"
                self.stdout_notice(f"{skipped} {noun} already up to date, skipped.")
            return pending

        def stdout_notice(self, message: str) -> None:
            import sys

            sys.stdout.write(f"[pending-only] {message}\n")

        def run_migrations(self, tenants: Any = None) -> None:
            schemas = list(tenants or [])
            public = get_public_schema_name()
            has_public = public in schemas
            others = self._only_pending([s for s in schemas if s != public])
            # The public schema is always handed to Django: it also creates tables of apps
            # without migrations and runs post-migrate hooks for the shared apps.
            super().run_migrations(tenants=([public] if has_public else []) + others)

    PendingOnlyExecutor.__name__ = f"PendingOnly{stock.__name__}"
    return PendingOnlyExecutor
