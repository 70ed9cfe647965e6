"""The audit trail: which models are tracked, and who/where each change is attributed to.

Tracking is trigger-based (django-pghistory on django-pgtrigger): every INSERT, UPDATE and
DELETE of a tracked table, including bulk_create and raw ``ON CONFLICT`` upserts, writes a row
in the model's event table from inside PostgreSQL. Triggers, their functions and the event
tables are created by each app's migrations, so ``migrate_schemas`` puts them in every schema
that holds the table (tenant schemas, spare schemas, the public schema) and a claimed spare
schema keeps them through its rename. The trigger functions name tables unqualified: they
write to the schema the connection's ``search_path`` points at, i.e. the current tenant.

This package imports nothing from ``tenants/``: the public side (``shared_reference``) uses it too.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pghistory
from django.db import models

# Columns never copied into an event table: secrets and bookkeeping that changes on its own.
NEVER_RECORDED = frozenset({"password", "last_login", "client_secret_encrypted"})

# How a change reached the database; shown in French on history sections.
SOURCES = ("page", "api", "task", "import", "sync", "command")


def track(*tracked: type[models.Model], exclude: Iterable[str] = (), moved_from: str = "") -> None:
    """Record inserts, updates (of recorded columns) and deletions of each model.

    One call per app, at the end of its ``models.py``; the event model ``<Model>Audit`` is
    created in the same app, so its table lives in the same schemas as the tracked table.
    ``moved_from`` names the app that models moved from with their tables (Meta.db_table):
    their event tables keep that app's names too, with the history they already hold.
    """
    for model in tracked:
        names = {f.name for f in model._meta.concrete_fields}
        # A generated column (a search text) is derived from the others: PostgreSQL refuses
        # to write one, and the history already holds what it is computed from.
        generated = {
            f.name for f in model._meta.concrete_fields if isinstance(f, models.GeneratedField)
        }
        skipped = set(exclude) | NEVER_RECORDED | generated
        event_table = f"{moved_from}_{model._meta.model_name}audit" if moved_from else ""
        pghistory.track(
            # Statement-level triggers read the changed rows from transition tables: a bulk
            # upsert of 20,000 devices attaches its context once, not once per row.
            pghistory.InsertEvent(level=pghistory.Statement),
            pghistory.UpdateEvent(level=pghistory.Statement),
            pghistory.DeleteEvent(level=pghistory.Statement),
            exclude=sorted(skipped & names) or None,
            # pghistory's defaults copy foreign keys without constraints: deleting a service
            # neither deletes nor blocks the history of what pointed at it.
            model_name=f"{model.__name__}Audit",
            obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
            meta={"db_table": event_table} if event_table else None,
        )(model)


def annotate(**metadata: Any) -> None:
    """Add who/where details to the change context already open (no-op outside of one)."""
    pghistory.context(**metadata)


def audit_context(source: str, **metadata: Any) -> pghistory.context:
    """Open a change context for work done outside a request (commands, scripts)."""
    return pghistory.context(source=source, **metadata)
