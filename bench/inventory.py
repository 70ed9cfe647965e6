"""Inventory speed: importing a CMMS export, exporting a list to XLSX, the list page itself.

    python3 dev.py bench inventory [--rows 50000] [--models 3000]

Runs in a throw-away database next to the configured one (dropped at the end), with one
tenant holding 300 UF and a mirror of N reference models. Each figure stands next to a
baseline measured in the same run:

- importing the export (cp1252, decimal commas, every row matched against the mirror), against
  a per-row ``update_or_create`` (on a sample: it is too slow for the whole file);
- exporting every row to XLSX in write-only mode (typed cells, streamed from the database),
  against a normal openpyxl workbook filled from model instances (peak memory compared);
- the list page filtered and sorted, through Django's in-process test client, against a page
  with a plain ten-row table (what the framework adds).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import tempfile
import time
import tracemalloc
import uuid
from datetime import date, timedelta

from bench.common import in_throwaway_database

SPELLINGS = ("exact", "upper", "dropped-range", "unknown")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=50_000, help="devices in the export")
    parser.add_argument("--models", type=int, default=3_000, help="reference models mirrored")
    parser.add_argument("--baseline-rows", type=int, default=3_000)
    parser.add_argument("--baseline-export-rows", type=int, default=10_000)
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_export(rows: int, models: list[tuple[str, str]], units: list[str]) -> bytes:
    rng = random.Random(5)
    lines = [
        "Export GMAO;;;;;;;;",
        "",
        "N° inventaire;UF;Marque;Modèle;N° série;Date mise en service;Valeur d'achat;Statut;"
        "Criticité",
    ]
    for i in range(rows):
        maker, name = models[rng.randrange(len(models))]
        kind = rng.choices(SPELLINGS, (70, 15, 10, 5))[0]
        if kind == "upper":
            maker, name = maker.upper(), name.upper().replace(" ", "-")
        elif kind == "dropped-range":
            name = name.split(" ", 1)[-1]
        elif kind == "unknown":
            maker, name = "Fabricant inconnu", f"Appareil {rng.randrange(400)}"
        day = date(2005, 1, 1) + timedelta(days=rng.randrange(7000))
        value = f"{rng.randrange(500, 90000):,}".replace(",", " ") + f",{rng.randrange(100):02d}"
        status = rng.choice(("En service", "En service", "En panne", "Réformé"))
        lines.append(
            f"INV{i:07d};{rng.choice(units)};{maker};{name};SN{i:08d};{day:%d/%m/%Y};{value};"
            f"{status};{rng.choice(('Haute', 'Moyenne', 'Basse'))}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from django.http import QueryDict
    from django.test import Client
    from django_tenants.utils import tenant_context
    from openpyxl import Workbook

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.accounts.models import User
    from tenants.inventory.imports import import_inventory
    from tenants.inventory.models import Device
    from tenants.inventory.views import DEVICES
    from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer
    from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
    from tenants.tables.listing import all_columns, resolve
    from tenants.tables.services import write_export

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    ensure_public_tenant()
    tenant = Tenant.objects.create(
        schema_name=schema_name_for("bench"),
        name="Bench",
        finess="800000044",
        contact_email="admin@bench.test",
        status=TenantStatus.PROVISIONING,
    )
    tenant = provision_tenant(tenant.pk, subdomain="bench", admin_email="a@bench.test").tenant
    host = tenant.get_primary_domain().domain  # type: ignore[union-attr]
    with tenant_context(tenant):
        site = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )
        units = []
        for p in range(10):
            pole = Pole.objects.create(establishment=site, code=f"P{p}", name=f"Pôle {p}")
            for s in range(5):
                service = Service.objects.create(pole=pole, code=f"S{s}", name=f"Service {p}{s}")
                units += [
                    FunctionalUnit(service=service, code=f"{p}{s}{u:02d}", name=f"UF {p}{s}{u}")
                    for u in range(6)
                ]
        FunctionalUnit.objects.bulk_create(units)
        makers = ReferenceManufacturer.objects.bulk_create(
            [
                ReferenceManufacturer(uuid=uuid.uuid4(), name=f"Fabricant {i:03d}")
                for i in range(200)
            ]
        )
        ReferenceDeviceModel.objects.bulk_create(
            [
                ReferenceDeviceModel(
                    uuid=uuid.uuid4(),
                    manufacturer=makers[i % len(makers)],
                    commercial_name=f"Gamme{i % 40} M{i:05d}",
                    end_of_support=date(2026, 1, 1) + timedelta(days=i),
                )
                for i in range(args.models)
            ]
        )
        pairs = [
            (m.manufacturer.name, m.commercial_name)
            for m in ReferenceDeviceModel.objects.select_related("manufacturer")
        ]
        data = make_export(args.rows, pairs, [u.code for u in units])
        print(
            f"\nInventory benchmark: {args.rows:,} rows ({len(data) / 1e6:.1f} MB), "
            f"{args.models:,} reference models, 300 UF\n"
        )
        print("| step | rows | time | rows/s | peak memory | vs baseline |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")

        # Baseline: one ORM round trip per row, on a sample.
        sample = make_export(args.baseline_rows, pairs, [u.code for u in units])
        uf_ids = dict(FunctionalUnit.objects.values_list("code", "pk"))
        from tenants.imports.reader import parse_date, parse_decimal, read_table

        started = time.perf_counter()
        with transaction.atomic():
            for row in read_table(sample, "x.csv", ["N° inventaire", "UF"]).rows:
                v = row.values
                Device.objects.update_or_create(
                    inventory_number=v["n° inventaire"],
                    defaults={
                        "uf_id": uf_ids[v["uf"]],
                        "manufacturer_name": v["marque"],
                        "model_name": v["modèle"],
                        "commissioning_date": parse_date(v["date mise en service"]),
                        "purchase_value": parse_decimal(v["valeur d'achat"]),
                    },
                )
        baseline_rate = args.baseline_rows / (time.perf_counter() - started)
        Device.objects.all().delete()
        print(
            f"| baseline: per-row update_or_create (no matching) | {args.baseline_rows:,} | "
            f"{args.baseline_rows / baseline_rate:.2f} s | {baseline_rate:,.0f} | | 1.0x |"
        )

        before = rss_mb()
        started = time.perf_counter()
        report = import_inventory(data, "export.csv")
        elapsed = time.perf_counter() - started
        rate = args.rows / elapsed
        print(
            f"| **import, all new** (check, match, bulk upsert) | {args.rows:,} | "
            f"{elapsed:.2f} s | **{rate:,.0f}** | +{max(rss_mb() - before, 0):.0f} MB RSS | "
            f"{rate / baseline_rate:.1f}x |"
        )
        print(
            f"|   matches: {report.matched:,} linked, {report.proposed:,} proposed, "
            f"{report.unmatched:,} none | | | | | |"
        )
        changed = data.replace(b";En service;", b";En stock;", args.rows // 10)
        started = time.perf_counter()
        report = import_inventory(changed, "export.csv")
        elapsed = time.perf_counter() - started
        print(
            f"| import again, {report.updated:,} changed | {args.rows:,} | {elapsed:.2f} s | "
            f"{args.rows / elapsed:,.0f} | | {args.rows / elapsed / baseline_rate:.1f}x |"
        )

        # Export: every column, every row, in the screen's order.
        user = User.objects.create_user("bench@bench.test", "x" * 20)
        columns = [name for name, _header in all_columns(DEVICES)]
        resolved = resolve(DEVICES, user, QueryDict("sort=-purchase_value"), columns, {})
        started = time.perf_counter()
        with tempfile.TemporaryFile() as target:
            written = write_export(resolved, target)
            size = target.tell()
        elapsed = time.perf_counter() - started
        tracemalloc.start()
        with tempfile.TemporaryFile() as target:
            write_export(resolved, target)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        export_rate = written / elapsed

        def naive_export(count: int) -> None:
            book = Workbook()
            sheet = book.active
            sheet.append([header for _name, header in all_columns(DEVICES)])
            for d in resolved.rows[:count]:
                sheet.append(
                    [
                        d.inventory_number,
                        d.uf.code,
                        d.uf.name,
                        d.uf.service.name,
                        d.uf.service.pole.name,
                        d.uf.service.pole.establishment.name,
                        d.manufacturer_name,
                        d.model_name,
                        d.reference_model.commercial_name if d.reference_model else None,
                        d.match_state,
                        d.reference_model.end_of_support if d.reference_model else None,
                        d.serial_number,
                        d.commissioning_date,
                        d.purchase_value,
                        d.status,
                    ]
                )
            with tempfile.TemporaryFile() as target:
                book.save(target)

        sample = min(args.baseline_export_rows, written)
        started = time.perf_counter()
        naive_export(sample)
        naive_elapsed = time.perf_counter() - started
        tracemalloc.start()
        naive_export(sample)
        _, naive_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        naive_rate = sample / naive_elapsed
        print(
            f"| baseline: normal workbook from model instances | {sample:,} | "
            f"{naive_elapsed:.2f} s | {naive_rate:,.0f} | {naive_peak / 1e6:.0f} MB | 1.0x |"
        )
        print(
            f"| **export to XLSX** ({len(columns)} columns, write-only, streamed) | {written:,} | "
            f"{elapsed:.2f} s | **{export_rate:,.0f}** | **{peak / 1e6:.0f} MB** | "
            f"{export_rate / naive_rate:.1f}x; memory {naive_peak / peak:.0f}x less for "
            f"{written / sample:.0f}x the rows |"
        )
        print(f"|   file size {size / 1e6:.1f} MB | | | | | |")

    # List page, filtered and sorted, through the whole Django stack.
    client = Client(HTTP_HOST=host)
    with tenant_context(tenant):
        client.force_login(user)
        from tenants.tables.models import TablePreference

        TablePreference.objects.filter(user=user).delete()

    def median_ms(path: str, repeat: int = 30) -> float:
        timings = []
        for _ in range(repeat + 3):
            started = time.perf_counter()
            response = client.get(path)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        return statistics.median(timings[3:]) * 1000

    trivial = median_ms("/structure/establishments/")
    print("\n| page (median of 30) | time | vs plain page |")
    print("| --- | ---: | ---: |")
    print(f"| baseline: establishments (plain table, no framework) | {trivial:.1f} ms | 1.0x |")
    for label, path in (
        ("inventory, no filter, default sort", "/inventory/?"),
        (
            "inventory, status filter, sorted by value desc",
            "/inventory/?status=in_service&sort=-purchase_value",
        ),
        ("inventory, UF filter, sorted by UF name", "/inventory/?uf=0103&sort=uf_name"),
        (
            "inventory, text search, sorted by end of support",
            "/inventory/?q=M0001&sort=end_of_support",
        ),
        ("inventory, pôle sort over every row", "/inventory/?sort=-pole"),
    ):
        ms = median_ms(path)
        print(f"| {label} | **{ms:.1f} ms** | {ms / trivial:.1f}x |")


if __name__ == "__main__":
    raise SystemExit(main())
