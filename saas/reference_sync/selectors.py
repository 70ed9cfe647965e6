"""What platform staff see of each tenant's reference sync, read across the tenants' schemas.

The sync state lives in each tenant's schema (``tenants.mirror``'s SyncState, one row). Staff
pages run in the public schema: one statement reads every listed schema's row by its table
name, instead of switching the connection to each schema in turn. The platform only reads it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

SYNC_STATE_TABLE = "mirror_syncstate"


@dataclass(frozen=True)
class SyncHealth:
    last_attempt: datetime.datetime | None
    last_success: datetime.datetime | None
    last_error: str
    failures: int

    @property
    def is_failing(self) -> bool:
        return self.failures > 0


def sync_health(schema_names: Iterable[str]) -> dict[str, SyncHealth]:
    """The sync state of each schema that has one (a schema still being provisioned has not)."""
    wanted = sorted(set(schema_names))
    if not wanted:
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = %s AND table_schema = ANY(%s)",
            [SYNC_STATE_TABLE, wanted],
        )
        present = sorted(row[0] for row in cursor.fetchall())
        if not present:
            return {}
        quote = connection.ops.quote_name
        union = " UNION ALL ".join(
            f"(SELECT %s, last_attempt, last_success, last_error, failures "
            f"FROM {quote(schema)}.{quote(SYNC_STATE_TABLE)} ORDER BY id LIMIT 1)"
            for schema in present
        )
        cursor.execute(union, present)
        return {
            schema: SyncHealth(attempt, success, error or "", failures or 0)
            for schema, attempt, success, error, failures in cursor.fetchall()
        }
