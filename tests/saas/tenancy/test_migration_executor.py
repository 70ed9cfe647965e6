import pytest
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django_tenants.signals import schema_migrated

from saas.tenancy.models import Tenant
from saas.tenancy.schemas import pending_migrations, schemas_with_pending_migrations
from tests.conftest import put_behind


@pytest.fixture
def migrated_schemas(db):  # type: ignore[no-untyped-def]
    """The suite's two tenants, migrated when the test database was made (migrating another
    schema costs seconds): two are enough to tell "only the schemas behind" from "every
    schema". What a test does to them is undone with its transaction."""
    return list(
        Tenant.objects.filter(schema_name__in=["t_alpha", "t_bravo"])
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


@pytest.fixture
def migrated_log():
    schemas = []

    def record(sender, schema_name, **kwargs):
        schemas.append(schema_name)

    schema_migrated.connect(record)
    yield schemas
    schema_migrated.disconnect(record)


def test_up_to_date_schemas_are_not_migrated_again(migrated_schemas, migrated_log, capsys):
    call_command("migrate_schemas", tenant=True, interactive=False)
    assert migrated_log == []
    assert "already up to date, skipped" in capsys.readouterr().out


def test_only_schemas_that_lack_a_migration_are_migrated(migrated_schemas, migrated_log):
    put_behind(migrated_schemas[1])
    assert schemas_with_pending_migrations(migrated_schemas) == [migrated_schemas[1]]
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    assert migrated_log == [migrated_schemas[1]]
    assert not pending_migrations(migrated_schemas[1])


def test_an_interrupted_run_resumes_where_it_stopped(migrated_schemas, migrated_log):
    first, second = migrated_schemas
    put_behind(first)
    put_behind(second)

    def interrupt(sender, schema_name, **kwargs):
        raise KeyboardInterrupt  # the operator's Ctrl-C right after the first schema

    schema_migrated.connect(interrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    finally:
        schema_migrated.disconnect(interrupt)
    assert schemas_with_pending_migrations(migrated_schemas) == [second]

    migrated_log.clear()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    assert migrated_log == [second]
    assert schemas_with_pending_migrations(migrated_schemas) == []


def test_an_explicit_target_is_applied_to_every_schema(migrated_schemas, migrated_log):
    # The plan app's latest migration, a target every schema has already reached: nothing is
    # pending, yet each schema is visited. (An earlier target would also do, but would unapply
    # every later migration of the graph in each schema: minutes.)
    [(_app, latest)] = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("plan")
    assert schemas_with_pending_migrations(migrated_schemas) == []
    call_command("migrate_schemas", "plan", latest, tenant=True, interactive=False, verbosity=0)
    assert set(migrated_schemas) <= set(migrated_log)
    assert schemas_with_pending_migrations(migrated_schemas) == []
