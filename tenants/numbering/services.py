"""Allocating references: one atomic upsert per allocation, so two connections never get the
same number.

The counter row is locked by the upsert until the allocating transaction ends: a second
connection allocating under the same prefix and year waits for the first one to commit (and
then gets the next number) or to roll back (and then gets the same number, which the first
one never used). Numbers therefore have no gap when the object's creation is rolled back in
the same transaction.
"""

from __future__ import annotations

from django.db import connection

from tenants.numbering.models import Counter

TABLE = Counter._meta.db_table
# The tenant's schema is on the search_path: the table named unqualified is the tenant's own.
UPSERT = (
    f'INSERT INTO "{TABLE}" (prefix, year, last) VALUES (%s, %s, %s) '
    f'ON CONFLICT (prefix, year) DO UPDATE SET last = "{TABLE}".last + EXCLUDED.last '
    "RETURNING last"
)


def format_reference(prefix: str, year: int, number: int) -> str:
    """``DEM-2027-00042``: five digits at least, more once a year passes 99,999."""
    return f"{prefix}-{year}-{number:05d}"


def allocate(prefix: str, year: int) -> str:
    """The next reference under ``prefix`` in ``year`` (call it in the creating transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [prefix, year, 1])
        (last,) = cursor.fetchone()
    return format_reference(prefix, year, last)


def allocate_many(prefix: str, year: int, count: int) -> list[str]:
    """``count`` consecutive references in one statement (for rows made by bulk_create)."""
    if count <= 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [prefix, year, count])
        (last,) = cursor.fetchone()
    return [format_reference(prefix, year, n) for n in range(last - count + 1, last + 1)]
