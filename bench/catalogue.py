"""Catalogue search speed: search as you type over N products, against icontains.

    python3 dev.py bench catalogue [--products 200000] [--rounds 15]

Runs in a throw-away database next to the configured one (dropped at the end), with one tenant
holding N generated products (``demo.consumables``: French designations, 18 suppliers, two
markets). Each query is what the search page runs for one keystroke
(``tenants.catalogue.selectors.search_page``): the matches counted up to 1,000 and the first
page of 25, best first (exact code, then French full-text rank; typos corrected by trigrams
against the vocabulary). The baseline, in the same run, does the same work with ``icontains``
on the code, designation and supplier's reference (counted up to 1,000, first 25 by id): what
a plain list filter would do. It finds neither the words without their accents nor the typos
(its result counts are printed next to ours).
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.common import in_throwaway_database

QUERIES = (
    "electrode",
    "électrode ecg",
    "electorde",  # a typo
    "capteur spo2",
    "circuit patient",
    "brassard adulte",
    "tubulure",
    "sonde temperature",
    "gel",
    "ELE000120",  # an exact code
    "seringue 50",
    "filtre antibacterien",
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--products", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=15, help="times each query is run")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q
    from django_tenants.utils import tenant_context

    from demo.consumables import ensure_markets, product_rows
    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.catalogue.models import Family, Product, SearchWord, refresh_vocabulary
    from tenants.catalogue.selectors import MAX_COUNTED, PAGE_SIZE, search_page
    from tenants.markets.models import Lot, Market, Supplier

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
    with tenant_context(tenant):
        ensure_markets()
        markets = {m.reference: m.pk for m in Market.objects.all()}
        lots = {(lot.market_id, lot.number): lot.pk for lot in Lot.objects.all()}
        families: dict[str, int] = {}
        suppliers: dict[str, int] = {}
        started = time.perf_counter()
        batch: list[Product] = []
        for row in product_rows(args.products):
            if row["family"] not in families:
                families[row["family"]] = Family.objects.create(name=row["family"]).pk
            if row["supplier"] not in suppliers:
                suppliers[row["supplier"]] = Supplier.objects.create(name=row["supplier"]).pk
            market = markets.get(row["market"])
            batch.append(
                Product(
                    code=row["code"],
                    designation=row["designation"],
                    family_id=families[row["family"]],
                    supplier_id=suppliers[row["supplier"]],
                    supplier_reference=row["supplier_reference"],
                    market_id=market,
                    lot_id=lots.get((market, row["lot"])) if market else None,
                    unit=row["unit"],
                    unit_price=row["unit_price"].replace(",", "."),
                )
            )
            if len(batch) == 5000:
                Product.objects.bulk_create(batch)
                batch = []
        Product.objects.bulk_create(batch)
        refresh_vocabulary()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalogue_product")
            cursor.execute("ANALYZE catalogue_searchword")
        print(
            f"{Product.objects.count():,} products written in "
            f"{time.perf_counter() - started:.0f} s; "
            f"{SearchWord.objects.count():,} words in the vocabulary"
        )

        def ours(query: str) -> int:
            return search_page(query).total

        def baseline(query: str) -> int:
            found = Product.objects.filter(
                Q(code__icontains=query)
                | Q(designation__icontains=query)
                | Q(supplier_reference__icontains=query)
            )
            total = found[: MAX_COUNTED + 1].count()
            list(
                found.select_related("supplier", "market", "lot", "family").order_by("pk")[
                    :PAGE_SIZE
                ]
            )
            return min(total, MAX_COUNTED)

        results: dict[str, dict[str, list[float]]] = {"ours": {}, "icontains": {}}
        counts: dict[str, dict[str, int]] = {"ours": {}, "icontains": {}}
        for name, search in (("ours", ours), ("icontains", baseline)):
            for query in QUERIES:
                counts[name][query] = search(query)  # warm-up, and what it finds
                timings = []
                for _ in range(args.rounds):
                    start = time.perf_counter()
                    search(query)
                    timings.append((time.perf_counter() - start) * 1000)
                results[name][query] = timings
        print(f"\n{args.rounds} rounds per query; the first page of {PAGE_SIZE} and the count\n")
        print("| query | ours median | ours found | icontains median | icontains found |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for query in QUERIES:
            print(
                f"| {query} | {statistics.median(results['ours'][query]):.1f} ms "
                f"| {counts['ours'][query]:,} "
                f"| {statistics.median(results['icontains'][query]):.1f} ms "
                f"| {counts['icontains'][query]:,} |"
            )
        for name in ("ours", "icontains"):
            every = [t for timings in results[name].values() for t in timings]
            every.sort()
            print(
                f"\n{name}: median {statistics.median(every):.1f} ms, "
                f"p95 {every[int(len(every) * 0.95)]:.1f} ms over {len(every)} searches"
            )


if __name__ == "__main__":
    raise SystemExit(main())
