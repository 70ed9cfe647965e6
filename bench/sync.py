"""Tenant-side sync speed: joining, applying a release, and a release fanned out to tenants.

    python3 dev.py bench sync [--devices 20000] [--models 3000] [--changes 1000]
                              [--tenants 300] [--release-models 1000]

Runs in a throw-away database next to the configured one (dropped at the end), with a real
web server process serving the reference API over HTTP and, for the fan-out, a real Celery
worker. Each figure stands next to a baseline measured in the same run:

1. a tenant owning DEVICES devices of MODELS distinct models joins (EMDN and its models, over
   HTTP), against writing the same payloads with a plain per-row ORM save;
2. a release changing CHANGES of its models is pulled and applied, against per-row saves;
3. a release touching RELEASE_MODELS models is published while TENANTS tenants each own a
   different tenth of the catalogue: time until every tenant is up to date, and rows written,
   against the same with every tenant pulling every change.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from bench.common import in_throwaway_database

ROOT = Path(__file__).resolve().parent.parent
QUEUE = f"bench-sync-{uuid.uuid4().hex[:6]}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--devices", type=int, default=20_000)
    parser.add_argument("--models", type=int, default=3_000, help="models in the catalogue")
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--tenants", type=int, default=300)
    parser.add_argument("--release-models", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=4, help="worker processes (fan-out)")
    args = parser.parse_args()
    return in_throwaway_database(run, args, REFERENCE_API_RATE="1000000/min", CELERY_QUEUE=QUEUE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(command: list[str], **env: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_http(url: str, process: subprocess.Popen[bytes]) -> None:
    import requests

    for _ in range(300):
        try:
            requests.get(url, headers={"Host": "localhost"}, timeout=1)
            return
        except requests.ConnectionError:
            if process.poll() is not None:
                raise RuntimeError("the web server died at start-up") from None
            time.sleep(0.2)
    raise RuntimeError("the web server did not answer")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command

    from saas.runner import stop_process
    from saas.tenancy.services import ensure_public_tenant

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    catalogue = build_catalogue(args.models)
    port = free_port()
    api = f"http://localhost:{port}/api/reference/v1/"
    web = start(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        PUBLIC_URL_PORT=str(port),
    )
    try:
        wait_for_http(f"http://127.0.0.1:{port}/health/", web)
        joined = join(args, catalogue, api)
        apply_release(args, joined, catalogue)
        fan_out(args, catalogue, api)
    finally:
        stop_process(web)


def build_catalogue(models: int) -> list[Any]:
    """EMDN and MODELS device models of 200 manufacturers, published (untimed)."""
    from shared_reference.fhir import parse_codesystem
    from shared_reference.models import DeviceModel, Manufacturer
    from shared_reference.services import import_codesystem, publish_release

    emdn = ROOT / "shared_reference/fixtures/CodeSystem-emdn.json"
    import_codesystem(parse_codesystem(emdn.read_bytes()))
    publish_release(notes="EMDN", by="bench")
    makers = Manufacturer.objects.bulk_create(
        [Manufacturer(name=f"Manufacturer {i:03d}", aliases=[f"MAKER{i}"]) for i in range(200)]
    )
    DeviceModel.objects.bulk_create(
        [
            DeviceModel(
                manufacturer=makers[i % len(makers)],
                commercial_name=f"Model {i:06d}",
                end_of_support_source="bench",
                expected_life_years=8,
            )
            for i in range(models)
        ],
        batch_size=5000,
    )
    publish_release(notes="catalogue", by="bench")
    return list(DeviceModel.objects.select_related("manufacturer").order_by("pk"))


def new_tenant(name: str) -> Any:
    from saas.tenancy import provisioning
    from saas.tenancy.models import Tenant, TenantKind, TenantStatus

    tenant = Tenant.objects.create(
        schema_name=f"t_{name}",
        name=name,
        kind=TenantKind.HOSPITAL,
        finess="800000044",
        status=TenantStatus.PROVISIONING,
    )
    provisioning.provision_tenant(tenant.pk, subdomain=name, admin_email=f"a@{name}.fr")
    tenant.refresh_from_db()
    return tenant


def own(models: list[Any], devices: int, *, seq: int = 0) -> None:
    """Devices of ``models`` in one UF, linked to mirror rows (what an import leaves)."""
    from tenants.inventory.models import Device
    from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
    from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service

    site = Establishment.objects.create(
        name="Site", finess="800000259", legal_entity_name="CH", legal_entity_finess="800000044"
    )
    pole = Pole.objects.create(establishment=site, code="P", name="Pôle")
    unit = FunctionalUnit.objects.create(
        service=Service.objects.create(pole=pole, code="S", name="Service"), code="1", name="UF"
    )
    makers = {m.manufacturer.uuid: m.manufacturer.name for m in models}
    ReferenceManufacturer.objects.bulk_create(
        [ReferenceManufacturer(uuid=u, name=n, seq=seq) for u, n in makers.items()]
    )
    maker_pk = dict(ReferenceManufacturer.objects.values_list("uuid", "pk"))
    rows = ReferenceDeviceModel.objects.bulk_create(
        [
            ReferenceDeviceModel(
                uuid=m.uuid,
                manufacturer_id=maker_pk[m.manufacturer.uuid],
                commercial_name=m.commercial_name,
                seq=seq,
            )
            for m in models
        ]
    )
    Device.objects.bulk_create(
        [
            Device(
                inventory_number=f"INV{i:07d}",
                uf=unit,
                manufacturer_name=models[i % len(models)].manufacturer.name,
                model_name=models[i % len(models)].commercial_name,
                reference_model=rows[i % len(rows)],
                match_state="exact",
            )
            for i in range(devices)
        ],
        batch_size=5000,
    )


def per_row(entities: list[dict[str, Any]]) -> float:
    """The baseline: the same payloads written one ORM save at a time."""
    from django.db import transaction

    from tenants.mirror.services import apply_entity

    order = {"manufacturer": 0, "device_model": 1, "nomenclature_term": 2}
    start = time.perf_counter()
    with transaction.atomic():
        for e in sorted(entities, key=lambda e: order.get(e["entity_type"], 3)):
            if e["entity_type"] in order and e["operation"] == "upsert":
                apply_entity(e["entity_type"], e["entity_uuid"], e["payload"], e["seq"])
    return time.perf_counter() - start


def forget_mirror() -> None:
    """Back to the state before the sync wrote: codes gone, catalogue rows at seq 0."""
    from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer, ReferenceTerm

    ReferenceTerm.objects.all().delete()
    ReferenceDeviceModel.objects.update(seq=0, end_of_support=None)
    ReferenceManufacturer.objects.update(seq=0, aliases=[])


def join(args: argparse.Namespace, catalogue: list[Any], api: str) -> Any:
    from django_tenants.utils import tenant_context

    from tenants.mirror import sync
    from tenants.mirror.models import LocalSubscription, ReferenceTerm, SyncState

    tenant = new_tenant("joining")
    owned = catalogue[: args.models]
    with tenant_context(tenant):
        SyncState.objects.update(api_url=api)
        own(owned, args.devices)
        start = time.perf_counter()
        report = sync.sync_reference()
        ours = time.perf_counter() - start
        assert ReferenceTerm.objects.count() > 8000 and report.subscribed >= len(owned)
        topics = list(LocalSubscription.objects.values_list("topic", flat=True))
        client = sync.client_for(SyncState.current())
        entities = []
        for i in range(0, len(topics), 200):
            entities += client.snapshot(topics[i : i + 200])[1]
        forget_mirror()
        from django.db import transaction

        start = time.perf_counter()
        with transaction.atomic():
            sync.apply_changes(entities)
        bulk = time.perf_counter() - start
        forget_mirror()
        naive = per_row(entities)
    print(
        f"| join: {args.devices:,} devices of {len(owned):,} models, EMDN and the models "
        f"({len(entities):,} entities) over HTTP | **{ours:.2f} s** (applying alone: {bulk:.2f} s) "
        f"| per-row ORM saves of the same payloads: {naive:.2f} s | {naive / bulk:.1f}x |",
        flush=True,
    )
    return tenant


def apply_release(args: argparse.Namespace, tenant: Any, catalogue: list[Any]) -> None:
    import datetime

    from django_tenants.utils import tenant_context

    from shared_reference.models import DeviceModel
    from shared_reference.services import publish_release
    from tenants.alerts.apps import raise_alerts_after_sync
    from tenants.alerts.impact import raise_alerts
    from tenants.mirror import sync
    from tenants.mirror.models import SyncState
    from tenants.mirror.signals import mirror_synced

    with tenant_context(tenant):
        sync.sync_reference()  # back in step after the baselines
    changed = [m.pk for m in catalogue[: args.changes]]
    DeviceModel.objects.filter(pk__in=changed).update(
        end_of_support=datetime.date(2027, 6, 30), dirty=True
    )
    release = publish_release(notes="end of support", by="bench")
    with tenant_context(tenant):
        before = SyncState.current()
        # The impact step is timed on its own: the sync runs without it, then it runs.
        mirror_synced.disconnect(dispatch_uid="alerts.after_sync")
        try:
            start = time.perf_counter()
            report = sync.sync_reference()
            pulled = time.perf_counter() - start
        finally:
            mirror_synced.connect(raise_alerts_after_sync, dispatch_uid="alerts.after_sync")
        assert report.applied == args.changes, report
        assert SyncState.current().cursor >= (release.last_seq or 0)
        start = time.perf_counter()
        impact_report = raise_alerts()
        impact = time.perf_counter() - start
        ours = pulled + impact
        client = sync.client_for(before)
        page = client.changes(before.cursor, limit=args.changes)
        from tenants.mirror.models import ReferenceDeviceModel

        ReferenceDeviceModel.objects.filter(
            uuid__in=[c["entity_uuid"] for c in page.changes]
        ).update(seq=0)
        naive = per_row(page.changes)
    print(
        f"| {args.changes:,} changes pulled and applied, then the impact step | **{ours:.2f} s** "
        f"(pull and apply {pulled:.2f} s; impact over {args.devices:,} devices {impact:.2f} s, "
        f"{sum(impact_report.raised.values()):,} alerts raised) "
        f"| per-row ORM saves of the changes alone: {naive:.2f} s | — |",
        flush=True,
    )


def fan_out(args: argparse.Namespace, catalogue: list[Any], api: str) -> None:
    """TENANTS tenants, each owning a random tenth of the catalogue; a release is published."""
    import datetime

    from django.conf import settings
    from django_tenants.utils import schema_context

    from saas.reference_sync.linking import linked_schema_names
    from saas.runner import stop_process
    from saas.tenancy.models import Tenant, TenantKind, TenantStatus
    from shared_reference.models import DeviceModel, Subscriber, SubscriberAPIKey
    from shared_reference.selectors import latest_seq
    from shared_reference.services import publish_release, subscribe_many
    from tenants.mirror.models import LocalSubscription, SyncState

    settings.REFERENCE_DEFAULT_NOMENCLATURES = []  # models only: the fan-out is about them
    tenth = max(1, len(catalogue) // 10)
    rng = random.Random(6)
    start = time.perf_counter()
    schemas = []
    for n in range(args.tenants):
        schema = f"t_fan{n:03d}"
        create_tables(schema)
        Tenant.objects.create(
            schema_name=schema, name=schema, kind=TenantKind.HOSPITAL, status=TenantStatus.ACTIVE
        )
        subscriber = Subscriber.objects.create(name=schema, tenant_schema=schema)
        _key, secret = SubscriberAPIKey.objects.create_key(name="bench", subscriber=subscriber)
        owned = rng.sample(catalogue, tenth)
        topics = subscribe_many(
            subscriber,
            [("device_model", str(m.uuid)) for m in owned]
            + [("manufacturer", str(u)) for u in {m.manufacturer.uuid for m in owned}],
        )
        cursor = latest_seq()
        with schema_context(schema):
            state = SyncState.current()
            state.api_url, state.api_key, state.cursor = api, secret, cursor
            state.save()
            own(owned, len(owned), seq=cursor)
            LocalSubscription.objects.bulk_create([LocalSubscription(topic=t) for t in topics if t])
        schemas.append(schema)
    print(f"Prepared {args.tenants} tenants in {time.perf_counter() - start:.0f} s.", flush=True)

    workers = [start_worker(f"{QUEUE}-{i}", api) for i in range(args.workers)]
    try:
        wait_for_workers(args.workers)
        for label, everything in (
            ("subscribers only", False),
            ("every tenant, every change", True),
        ):
            Subscriber.objects.filter(tenant_schema__in=schemas).update(
                mirrors_everything=everything
            )
            applied_before = total_applied(schemas)
            release_models = rng.sample(catalogue, args.release_models)
            DeviceModel.objects.filter(pk__in=[m.pk for m in release_models]).update(
                end_of_support=datetime.date(2028, 1, 1) + datetime.timedelta(days=everything),
                dirty=True,
            )
            began = time.perf_counter()
            release = publish_release(notes=label, by="bench")
            target = release.last_seq or 0
            # Up to date: every tenant the release concerns has applied it (the others had
            # nothing to apply; their cursor moves at their next sync).
            concerned = linked_schema_names(set(release.changes.values_list("topic", flat=True)))
            while (behind := behind_of(concerned, target)) > 0:
                if time.perf_counter() - began > 600:
                    raise RuntimeError(f"{behind} of {len(concerned)} tenants still behind")
                time.sleep(0.2)
            took = time.perf_counter() - began
            written = total_applied(schemas) - applied_before
            print(
                f"| release of {args.release_models:,} models, {args.tenants} tenants "
                f"({label}, {len(concerned)} concerned) | all up to date in **{took:.1f} s** "
                f"| {written:,} rows written "
                f"({written / args.tenants:,.0f} per tenant) |",
                flush=True,
            )
    finally:
        for worker in workers:
            stop_process(worker)


def create_tables(schema: str) -> None:
    """A tenant schema with every tenant table, straight from the models (no migration run,
    no data migration): what the fan-out needs, in a fraction of a migration's time.
    django-tenants' clone_schema slows down with every schema in the database."""
    from django.apps import apps
    from django.conf import settings
    from django.db import connection, transaction

    from saas.tenancy.context import use_public_schema

    labels = {a.rsplit(".", 1)[-1] for a in settings.TENANT_APPS}
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in labels and m._meta.managed and not m._meta.proxy
    ]
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA "{schema}"')
        connection.set_schema(schema, include_public=False)  # type: ignore[attr-defined]
        with connection.schema_editor() as editor:
            for model in models:
                editor.create_model(model)
        use_public_schema()


def start_worker(name: str, api: str) -> subprocess.Popen[bytes]:
    return start(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas",
            "worker",
            "--pool=solo",
            "-Q",
            QUEUE,
            "-n",
            f"{name}@%h",
            "-l",
            "WARNING",
        ],
        REFERENCE_API_URL=api,
    )


def wait_for_workers(count: int) -> None:
    from saas.celery import app

    for _ in range(120):
        if len(app.control.ping(timeout=0.5) or []) >= count:
            return
    raise RuntimeError("the workers did not answer")


def behind_of(schemas: list[str], seq: int) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f'SELECT cursor FROM "{s}".mirror_syncstate' for s in schemas)
        )
        return sum(1 for row in cursor.fetchall() if row[0] < seq)


def total_applied(schemas: list[str]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sum(applied) FROM ("
            + " UNION ALL ".join(f'SELECT applied FROM "{s}".mirror_syncstate' for s in schemas)
            + ") AS states"
        )
        return int(cursor.fetchone()[0] or 0)


if __name__ == "__main__":
    raise SystemExit(main())
