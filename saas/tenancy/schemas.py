"""Low-level schema facts: which migrations a schema still lacks, renaming, dropping."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists


@lru_cache(maxsize=1)
def expected_migrations() -> frozenset[tuple[str, str]]:
    """Every migration of the project's graph: what a fully migrated schema has recorded.

    The graph is read once per process; migration files do not change under a running process.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes.keys())


def recorded_migrations(schema_name: str) -> set[tuple[str, str]]:
    if not table_exists(schema_name, "django_migrations"):
        return set()
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema_name}".django_migrations')
        return {(app, name) for app, name in cursor.fetchall()}


def table_exists(schema_name: str, table: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f'"{schema_name}".{table}'])
        return bool(cursor.fetchone()[0])


def pending_migrations(schema_name: str) -> set[tuple[str, str]]:
    """Migrations of the graph that the schema has not recorded (all of them for a new schema)."""
    return set(expected_migrations()) - recorded_migrations(schema_name)


def schemas_with_pending_migrations(schema_names: list[str]) -> list[str]:
    """The given schemas that lack at least one migration, in the given order; one query in all."""
    if not schema_names:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname FROM pg_namespace n JOIN pg_class c ON c.relnamespace = n.oid "
            "WHERE c.relname = 'django_migrations' AND n.nspname = ANY(%s)",
            [schema_names],
        )
        with_table = {row[0] for row in cursor.fetchall()}
        expected = expected_migrations()
        pending = [s for s in schema_names if s not in with_table]
        present = [s for s in schema_names if s in with_table]
        if present:
            union = " UNION ALL ".join(
                f'SELECT %s, app, name FROM "{s}".django_migrations' for s in present
            )
            cursor.execute(union, present)
            recorded: dict[str, set[tuple[str, str]]] = {s: set() for s in present}
            for schema, app, name in cursor.fetchall():
                recorded[schema].add((app, name))
            pending += [s for s in present if not expected <= recorded[s]]
    order = {name: i for i, name in enumerate(schema_names)}
    return sorted(pending, key=order.__getitem__)


def rename_schema(old: str, new: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f'ALTER SCHEMA "{old}" RENAME TO "{new}"')


def drop_schema(schema_name: str) -> None:
    if schema_exists(schema_name):
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{schema_name}" CASCADE')


def schema_signature(schema_name: str) -> dict[str, list[Any]]:
    """Everything that makes a schema's shape: columns, indexes, constraints, recorded migrations.

    The schema's own name is replaced by a placeholder so that two schemas can be compared.
    """

    def rows(sql: str) -> list[tuple[object, ...]]:
        with connection.cursor() as cursor:
            cursor.execute(sql, [schema_name])
            return [
                tuple(
                    v.replace(f'"{schema_name}".', "<schema>.").replace(
                        f"{schema_name}.", "<schema>."
                    )
                    if isinstance(v, str)
                    else v
                    for v in row
                )
                for row in cursor.fetchall()
            ]

    return {
        "columns": rows(
            "SELECT table_name, column_name, ordinal_position, data_type, udt_name, is_nullable, "
            "column_default, character_maximum_length, numeric_precision, numeric_scale, "
            "is_identity, identity_generation FROM information_schema.columns "
            "WHERE table_schema = %s ORDER BY table_name, column_name"
        ),
        "indexes": rows(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s "
            "ORDER BY tablename, indexname"
        ),
        "constraints": rows(
            "SELECT cl.relname, co.conname, co.contype, pg_get_constraintdef(co.oid) "
            "FROM pg_constraint co JOIN pg_class cl ON cl.oid = co.conrelid "
            "JOIN pg_namespace n ON n.oid = co.connamespace WHERE n.nspname = %s "
            "ORDER BY cl.relname, co.conname"
        ),
        "sequences": rows(
            "SELECT sequence_name, data_type, increment FROM information_schema.sequences "
            "WHERE sequence_schema = %s ORDER BY sequence_name"
        ),
        "migrations": sorted(recorded_migrations(schema_name)),
    }
