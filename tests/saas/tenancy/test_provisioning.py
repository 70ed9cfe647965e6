import re

import pytest
from django.core import mail
from django_tenants.utils import schema_exists, tenant_context

from saas.tenancy import provisioning
from saas.tenancy.models import Domain, Tenant, TenantKind, TenantStatus
from saas.tenancy.schemas import drop_schema, pending_migrations, rename_schema, schema_signature
from tenants.access.models import RoleGrant
from tenants.accounts.models import User
from tests.conftest import put_behind
from tests.schema_copies import copy_schema, dump_schema, spare_copy


def new_tenant(subdomain="gamma"):
    return Tenant.objects.create(
        schema_name=provisioning.schema_name_for(subdomain),
        name=f"CH {subdomain}",
        kind=TenantKind.HOSPITAL,
        finess="800000044",
        status=TenantStatus.PROVISIONING,
    )


@pytest.fixture(scope="module")
def fresh_signature(parked_spare, django_db_blocker):  # type: ignore[no-untyped-def]
    """The shape of a schema migrated from scratch: the session's, as committed."""
    with django_db_blocker.unblock():
        return schema_signature(parked_spare)


def test_a_copied_schema_equals_a_freshly_migrated_one(parked_spare, django_db_blocker):
    """The suite's tenants and spares are pg_dump copies of the session's migrated schema
    (tests/schema_copies.py): nothing of the shape, rows or names may differ."""
    with django_db_blocker.unblock():
        copy_schema(parked_spare, "t_copied")
        try:
            copied = dump_schema("t_copied").replace("t_copied", parked_spare)
            assert "catalogue_searchword" in copied and "COMMENT ON TRIGGER" in copied
            original = dump_schema(parked_spare)
            restrict = re.compile(r"^\\(un)?restrict .*$", re.MULTILINE)
            copied_lines = restrict.sub("", copied).splitlines()
            original_lines = restrict.sub("", original).splitlines()
            assert len(copied_lines) == len(original_lines)
            # The one difference replaying brings: PostgreSQL parses a CHECK again and stores
            # its chain of ANDs with fewer parentheses (the same condition).
            for mine, theirs in zip(copied_lines, original_lines, strict=True):
                if mine != theirs:
                    assert re.search(r"\bCHECK \(", mine), (mine, theirs)
                    assert re.sub(r"[()]", "", mine) == re.sub(r"[()]", "", theirs)
        finally:
            drop_schema("t_copied")


def test_a_claimed_spare_schema_equals_a_freshly_migrated_one(db, spare, fresh_signature):
    tenant = new_tenant()
    result = provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    assert result.used_spare
    provisioned = schema_signature("t_gamma")
    reference = fresh_signature
    for part in ("columns", "indexes", "constraints", "sequences", "migrations"):
        assert provisioned[part] == reference[part], part
    assert len(provisioned["columns"]) > 20 and provisioned["indexes"]


def test_without_a_spare_the_schema_is_created_and_migrated_in_place(
    db, parked_spare, fresh_signature, monkeypatch
):
    """The slow path's own work, creating a schema and running every migration in it inside
    the provisioning's transaction, is what made the session's spare (``create_spare_schema``,
    compared above): here the session's spare stands in for its minute of migrating, renamed
    inside the test's transaction."""
    made = []

    def create_and_migrate(schema_name: str) -> None:
        made.append(schema_name)
        rename_schema(parked_spare, schema_name)

    monkeypatch.setattr(provisioning, "_create_and_migrate", create_and_migrate)
    tenant = new_tenant()
    result = provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    assert not result.used_spare
    assert made == ["t_gamma"]
    assert schema_signature("t_gamma") == fresh_signature
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ACTIVE


def test_provisioning_activates_the_tenant_on_its_host_with_an_invited_administrator(db, spare):
    tenant = new_tenant()
    provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="Chef@Gamma.fr")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ACTIVE
    assert Domain.objects.get(tenant=tenant).domain == "gamma.localhost"
    assert provisioning.spare_count() == 0
    with tenant_context(tenant):
        admin = User.objects.get()
        assert admin.email == "chef@gamma.fr"
        assert list(RoleGrant.objects.filter(user=admin).values_list("role", "scope")) == [
            ("tenant_admin", "tenant")
        ]
        assert not admin.has_usable_password()
    (invitation,) = mail.outbox
    assert invitation.to == ["chef@gamma.fr"]
    assert (
        "http://gamma.localhost:" in invitation.body
        and "/accounts/set-password/" in invitation.body
    )


def test_a_spare_that_lags_behind_migrations_is_brought_up_to_date_when_claimed(
    db, spare, fresh_signature
):
    put_behind(spare.schema_name)  # the spare predates the latest migration
    assert pending_migrations(spare.schema_name)
    tenant = new_tenant()
    result = provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    assert result.used_spare
    assert not pending_migrations("t_gamma")
    assert schema_signature("t_gamma") == fresh_signature


def test_a_failed_provisioning_leaves_nothing_behind_and_can_be_retried(db, spare):
    tenant = new_tenant()
    with pytest.raises(ValueError):
        provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.FAILED
    assert "e-mail" in tenant.status_reason
    assert not schema_exists("t_gamma")
    assert not Domain.objects.filter(tenant=tenant).exists()
    assert schema_exists(spare.schema_name) and provisioning.spare_count() == 1

    provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.ACTIVE


def test_a_failed_migration_on_the_slow_path_leaves_no_schema(db, monkeypatch):
    def broken_migrate(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(provisioning, "call_command", broken_migrate)
    tenant = new_tenant()
    with pytest.raises(RuntimeError):
        provisioning.provision_tenant(tenant.pk, subdomain="gamma", admin_email="a@gamma.fr")
    assert not schema_exists("t_gamma")
    tenant.refresh_from_db()
    assert tenant.status == TenantStatus.FAILED and "disk full" in tenant.status_reason


def test_provisioning_an_active_tenant_again_is_refused(db, tenant):
    with pytest.raises(provisioning.ProvisioningError):
        provisioning.provision_tenant(tenant.pk, subdomain="alpha", admin_email="x@alpha.fr")


@pytest.fixture
def copied_spares(parked_spare, django_db_blocker, monkeypatch):  # type: ignore[no-untyped-def]
    """``create_spare_schema`` makes copies of the session's spare (migrating one from scratch
    is what the session's set-up does, and costs a minute): their schemas are committed, so
    they are dropped after the test's transaction is rolled back (ask for this fixture first)."""
    made: list[str] = []

    def copy() -> Tenant:
        spare = spare_copy(parked_spare)
        made.append(spare.schema_name)
        return spare

    monkeypatch.setattr(provisioning, "create_spare_schema", copy)
    yield made
    with django_db_blocker.unblock():
        for name in made:
            drop_schema(name)


def test_refilling_the_pool_creates_only_what_is_missing(copied_spares, db):
    assert provisioning.refill_spare_pool(1) == 1
    assert provisioning.refill_spare_pool(1) == 0
    assert provisioning.spare_count() == 1
    assert len(copied_spares) == 1
    spares = Tenant.objects.filter(status=TenantStatus.SPARE)
    assert all(not pending_migrations(s.schema_name) for s in spares)
