"""Tenant schemas that tests give back, emptied, for the next test's tenant.

Migrating a tenant schema costs seconds (the migration state of a hundred models and their
audit tables is rebuilt operation by operation), and the sync tests each need a tenant of
their own, committed, for the worker and the reference server to see. After such a test its
schema is emptied back to what a freshly migrated schema holds, kept under a private name,
and the next test's provisioning claims it through the ordinary spare-schema path (rename,
then migrate if it is behind).

"What a freshly migrated schema holds" is read once from the session's migrated schema:
the rows migrations and post-migrate hooks put there (expertise domains, content types,
permissions) and the sequences' positions. A recycled schema gets exactly those back.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django_tenants.utils import schema_context

from saas.tenancy import provisioning
from saas.tenancy.models import Tenant, TenantKind, TenantStatus
from saas.tenancy.schemas import rename_schema
from tests.schema_copies import PARKED_SPARE, spare_copy

RECYCLED_PREFIX = "recycled_"


@dataclass
class Fresh:
    """A freshly migrated schema's rows (COPY text per table) and sequence positions."""

    rows: dict[str, str] = field(default_factory=dict)
    sequences: dict[str, tuple[int, bool]] = field(default_factory=dict)


_fresh: Fresh | None = None
_recycled: list[str] = []


def _tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
            "AND table_type = 'BASE TABLE' AND table_name <> 'django_migrations' "
            "ORDER BY table_name",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def _sequences(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = %s",
            [schema],
        )
        return [row[0] for row in cursor.fetchall()]


def _read_fresh(schema: str) -> Fresh:
    fresh = Fresh()
    with connection.cursor() as cursor:
        for table in _tables(schema):
            buffer = io.StringIO()
            cursor.copy_expert(f'COPY "{schema}"."{table}" TO STDOUT', buffer)
            if buffer.getvalue():
                fresh.rows[table] = buffer.getvalue()
        for sequence in _sequences(schema):
            cursor.execute(f'SELECT last_value, is_called FROM "{schema}"."{sequence}"')
            last_value, is_called = cursor.fetchone()
            fresh.sequences[sequence] = (last_value, is_called)
    return fresh


def empty_as_fresh(schema: str, fresh: Fresh) -> None:
    """Delete everything a test wrote in ``schema`` and put back what migrating left there."""
    tables = _tables(schema)
    # One transaction: foreign keys are checked at its end, whatever the order of the tables.
    with transaction.atomic(), connection.cursor() as cursor:
        # TRUNCATE fires no row or statement trigger: the emptying writes no audit event.
        names = ", ".join(f'"{schema}"."{t}"' for t in tables)
        cursor.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        # Migrations wrote these rows before the audit triggers existed: none fire now.
        for table in fresh.rows:
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" DISABLE TRIGGER USER')
        for table, text in fresh.rows.items():
            cursor.copy_expert(f'COPY "{schema}"."{table}" FROM STDIN', io.StringIO(text))
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no check may be pending at ENABLE
        for table in fresh.rows:
            cursor.execute(f'ALTER TABLE "{schema}"."{table}" ENABLE TRIGGER USER')
        for sequence, (last_value, is_called) in fresh.sequences.items():
            cursor.execute(
                "SELECT setval(%s, %s, %s)", [f'"{schema}"."{sequence}"', last_value, is_called]
            )


def provision_from_recycled(create: Callable[[], Tenant]) -> Tenant:
    """Run ``create`` (which provisions a tenant) with a recycled schema offered as the spare.

    The fresh state is read from the session's migrated schema; when no schema waits to be
    recycled, a copy of that schema is offered (tests/schema_copies.py).
    """
    global _fresh
    with schema_context("public"):
        if _fresh is None:
            _fresh = _read_fresh(PARKED_SPARE)
        if _recycled:
            schema = _recycled.pop()
            spare_name = provisioning.SPARE_PREFIX + uuid.uuid4().hex[:20]
            rename_schema(schema, spare_name)
            offered = Tenant.objects.create(
                schema_name=spare_name,
                name="spare",
                kind=TenantKind.PLATFORM,
                status=TenantStatus.SPARE,
            )
        else:
            offered = spare_copy(PARKED_SPARE)
    tenant = create()
    with schema_context("public"):
        if Tenant.objects.filter(pk=offered.pk).exists():
            # Another spare was claimed (one a test left behind): keep ours for the next time.
            Tenant.objects.filter(pk=offered.pk).delete()
            _recycled.append(_park(offered.schema_name))
    return tenant


def _differences(schema: str) -> list[str]:
    """The tables and sequences of ``schema`` that differ from the fresh schema's."""
    assert _fresh is not None
    now = _read_fresh(schema)
    return sorted(
        {t for t in now.rows.keys() | _fresh.rows.keys() if now.rows.get(t) != _fresh.rows.get(t)}
        | {q for q in now.sequences if now.sequences[q] != _fresh.sequences.get(q)}
    )


def _park(schema: str) -> str:
    parked = RECYCLED_PREFIX + uuid.uuid4().hex[:20]
    rename_schema(schema, parked)
    return parked


def recycle(tenant: Tenant) -> None:
    """Instead of dropping ``tenant``'s schema: empty it, park it, and delete its rows."""
    assert _fresh is not None, "only schemas provisioned through provision_from_recycled"
    with schema_context("public"):
        empty_as_fresh(tenant.schema_name, _fresh)
        # Rows and sequences read back equal the fresh schema's, or the next test would differ.
        # A worker may still finish a task of the test in the schema: empty it once more then.
        if _differences(tenant.schema_name):
            empty_as_fresh(tenant.schema_name, _fresh)
        assert not _differences(tenant.schema_name), _differences(tenant.schema_name)
        _recycled.append(_park(tenant.schema_name))
        Tenant.objects.filter(pk=tenant.pk).delete()
