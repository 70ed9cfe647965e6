"""Numbering rows that existed before their model had a reference (used by data migrations).

Rows are numbered in the order they were created (then by id) within each year of creation,
in the site's time zone, and the counters continue from there: a row created afterwards takes
the next number. It takes the historical model of the migration, never the current one.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# Through the counters' own statement (tenants/numbering/services.py), so that numbers given
# here and numbers given later never meet; the table is the tenant schema's own.
UPSERT = (
    'INSERT INTO "numbering_counter" (prefix, year, last) VALUES (%s, %s, %s) '
    'ON CONFLICT (prefix, year) DO UPDATE SET last = "numbering_counter".last + EXCLUDED.last '
    "RETURNING last"
)


def number_existing(model: Any, prefix: str, connection: BaseDatabaseWrapper) -> int:
    """Give each row of ``model`` whose reference is empty its reference; how many got one."""
    rows = model._default_manager.using(connection.alias).filter(reference="")
    by_year: dict[int, list[Any]] = defaultdict(list)
    for row in rows.order_by("created", "pk").only("pk", "created").iterator(chunk_size=2000):
        by_year[timezone.localtime(row.created).year].append(row)
    with connection.cursor() as cursor:
        for year, found in sorted(by_year.items()):
            cursor.execute(UPSERT, [prefix, year, len(found)])
            (last,) = cursor.fetchone()
            for number, row in enumerate(found, start=last - len(found) + 1):
                row.reference = f"{prefix}-{year}-{number:05d}"
            model._default_manager.using(connection.alias).bulk_update(
                found, ["reference"], batch_size=2000
            )
    return sum(len(found) for found in by_year.values())


def forget_numbers(model: Any, counter: Any, prefix: str, connection: BaseDatabaseWrapper) -> None:
    """Undoes ``number_existing``: references emptied, the prefix's counters gone."""
    model._default_manager.using(connection.alias).update(reference="")
    counter._default_manager.using(connection.alias).filter(prefix=prefix).delete()
