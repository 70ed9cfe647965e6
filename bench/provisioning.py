"""Tenant creation speed: our spare-pool claim against django-tenants' stock paths, same run.

    python3 dev.py bench [--tenants 300] [--samples 10]

A generated app (bench/synthetic.py) brings the tenant schema to the size of the finished
product, about 50 tables; --extra-migrations adds later migrations to it.

Runs in a throw-away database (<name>_bench) next to the configured one, dropped at the end.
Each path does the same work: a schema ready with every table, the first administrator created
and e-mailed an invitation, the host name registered.

1. migrate: CREATE SCHEMA then every migration (django-tenants' default path);
2. clone: copy a migrated template schema with django-tenants' clone_schema, fake-migrate;
3. pool: claim a spare schema by rename (ours), for the 1st to the Nth tenant.

Then ``migrate_schemas`` over 100 up-to-date tenants, stock (every schema visited) against the
pending-only executor, and a run interrupted half-way then resumed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import in_throwaway_database

ROOT = Path(__file__).resolve().parent.parent


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--tenants", type=int, default=300, help="tenants created by the pool path")
    parser.add_argument("--samples", type=int, default=10, help="tenants for each stock path")
    parser.add_argument("--migrate-over", type=int, default=100, help="tenants for migrate_schemas")
    parser.add_argument(
        "--synthetic-tables",
        type=int,
        default=40,
        help="tables of a generated tenant app added to the product's (0: none)",
    )
    parser.add_argument(
        "--extra-migrations",
        type=int,
        default=0,
        help="later migrations of the generated app (fields added one by one)",
    )
    args = parser.parse_args()
    if args.synthetic_tables:
        from bench.synthetic import build

        root = build(ROOT / "var" / "bench_app", args.synthetic_tables, args.extra_migrations)
        os.environ["BENCH_SYNTHETIC_APP"] = str(root)

    return in_throwaway_database(
        run, args, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
    )


def run(args: argparse.Namespace) -> None:
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django_tenants.clone import CloneSchema
    from django_tenants.utils import tenant_context

    from saas.tenancy import provisioning
    from saas.tenancy.context import use_public_schema
    from saas.tenancy.models import Domain, Tenant, TenantKind, TenantStatus
    from saas.tenancy.schemas import expected_migrations, schema_signature
    from saas.tenancy.services import ensure_public_tenant
    from tenants.accounts.services import invite_first_administrator, send_invitation

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    counter = iter(range(1_000_000))

    def new_tenant() -> Tenant:
        n = next(counter)
        return Tenant.objects.create(
            schema_name=f"t_bench{n}",
            name=f"CH bench {n}",
            kind=TenantKind.HOSPITAL,
            finess="800000044",
            status=TenantStatus.PROVISIONING,
        )

    def via_provisioning() -> float:
        tenant = new_tenant()
        sub = tenant.schema_name[2:]
        return timed(
            lambda: provisioning.provision_tenant(
                tenant.pk, subdomain=sub, admin_email=f"a@{sub}.fr"
            )
        )

    tables = len({c[0] for c in schema_signature("public")["columns"]})
    print(f"Project: {len(expected_migrations())} migrations; tenant schema checked below.")

    # 1. Stock: migrate a new schema (pool empty, so provision_tenant takes that path).
    assert provisioning.spare_count() == 0
    migrate_times = [via_provisioning() for _ in range(args.samples)]
    tenant_tables = len({c[0] for c in schema_signature("t_bench0")["columns"]})
    print(f"Tenant schema: {tenant_tables} tables (public: {tables}).")

    # 2. Stock: clone a migrated template schema, fake-migrate, same administrator and domain.
    template = "bench_template"
    with transaction.atomic():
        provisioning._create_and_migrate(template)
    cloner = CloneSchema()

    def clone_path() -> float:
        tenant = new_tenant()
        sub = tenant.schema_name[2:]

        def work() -> None:
            with transaction.atomic():
                cloner.clone_schema(template, tenant.schema_name, clone_mode="NODATA")
                call_command(
                    "migrate_schemas",
                    tenant=True,
                    schema_name=tenant.schema_name,
                    fake=True,
                    interactive=False,
                    verbosity=0,
                )
                use_public_schema()
                with tenant_context(tenant):
                    admin = invite_first_administrator(f"a@{sub}.fr")
                Domain.objects.create(domain=f"{sub}.localhost", tenant=tenant, is_primary=True)
                Tenant.objects.filter(pk=tenant.pk).update(status=TenantStatus.ACTIVE)
            with tenant_context(tenant):
                send_invitation(admin, host=f"{sub}.localhost", tenant_name=tenant.name)

        return timed(work)

    clone_times = [clone_path() for _ in range(args.samples)]
    cloned = schema_signature(f"t_bench{args.samples}")
    reference = schema_signature("t_bench0")
    clone_diff = [k for k in ("columns", "indexes", "constraints") if cloned[k] != reference[k]]
    for part in clone_diff:
        only_clone = sorted(set(cloned[part]) - set(reference[part]), key=str)[:3]
        only_migrated = sorted(set(reference[part]) - set(cloned[part]), key=str)[:3]
        print(f"clone differs in {part}: clone has {only_clone}, migrated has {only_migrated}")

    # 3. migrate_schemas over N up-to-date tenants: spares are tenants like any other.
    base_count = Tenant.objects.exclude(schema_name="public").count()
    prep = timed(lambda: provisioning.refill_spare_pool(args.migrate_over - base_count))
    over = Tenant.objects.exclude(schema_name="public").count()
    print(f"Prepared {args.migrate_over - base_count} spare schemas in {prep:.1f} s.")
    cmd = [
        sys.executable,
        str(ROOT / "manage.py"),
        "migrate_schemas",
        "--tenant",
        "--noinput",
        "-v",
        "0",
    ]
    os.environ["MIGRATE_ALL_SCHEMAS"] = "1"
    stock_migrate = timed(lambda: subprocess.run(cmd, check=True, cwd=ROOT))
    del os.environ["MIGRATE_ALL_SCHEMAS"]
    ours_migrate = timed(
        lambda: subprocess.run(cmd, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    )

    # 4. Pool: claim spares for the 1st to the Nth tenant.
    prep = timed(lambda: provisioning.refill_spare_pool(args.tenants))
    print(f"Prepared the pool up to {args.tenants} spare schemas in {prep:.1f} s.")
    pool_times = [via_provisioning() for _ in range(args.tenants)]
    assert len(mail.outbox) == 2 * args.samples + args.tenants
    last = Tenant.objects.get(schema_name=f"t_bench{2 * args.samples + args.tenants - 1}")
    pooled = schema_signature(last.schema_name)
    pool_equal = all(
        pooled[k] == reference[k] for k in ("columns", "indexes", "constraints", "migrations")
    )

    med = statistics.median
    first, last10 = pool_times[:10], pool_times[-10:]
    print()
    print("| path | tenants | median | p95 | vs migrate |")
    print("| --- | ---: | ---: | ---: | ---: |")
    p95 = lambda xs: sorted(xs)[max(0, int(len(xs) * 0.95) - 1)]  # noqa: E731
    for label, xs in (
        ("migrate a new schema (stock)", migrate_times),
        ("clone a template (stock)", clone_times),
        ("claim a spare (ours), all", pool_times),
        ("claim a spare (ours), tenants 1-10", first),
        (f"claim a spare (ours), tenants {args.tenants - 9}-{args.tenants}", last10),
    ):
        ratio = med(migrate_times) / med(xs)
        print(f"| {label} | {len(xs)} | {ms(med(xs))} | {ms(p95(xs))} | {ratio:.1f}x |")
    print()
    print(f"Clone equals a migrated schema (columns, indexes, constraints): {not clone_diff}")
    print(f"Pool-provisioned schema equals a migrated one: {pool_equal}")
    print()
    print(f"| migrate_schemas over {over} up-to-date tenants | time | per tenant |")
    print("| --- | ---: | ---: |")
    print(f"| stock (every schema visited) | {stock_migrate:.1f} s | {ms(stock_migrate / over)} |")
    print(f"| pending-only executor (ours) | {ours_migrate:.1f} s | {ms(ours_migrate / over)} |")


if __name__ == "__main__":
    sys.exit(main())
