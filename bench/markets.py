"""The markets list at the size of a GHT that follows many central markets: 5,000 markets and
40,000 lots.

    python3 dev.py bench markets [--markets 5000] [--lots-per-market 8] [--repeat 15]

Runs in a throw-away database next to the configured one, with one tenant holding N markets
(a fifth central, from five purchasing bodies; the rest local, under every procedure), eight
lots each with one or two of 300 suppliers, the market's scopes and bounds, dates spread
from four years ago to three years ahead (every state), and a use by a legal entity for one
market in three. Every figure is the median of ``--repeat`` runs after a warm-up, with its
baseline measured in the same run:

- ``/markets/`` for a buyer (default columns, first page, sorted by end), filtered on
  "ending soon", searched by a word of the title, filtered on a lot's supplier, and sorted
  by the end descending, against the same page whose rows carry none of what the markets add
  to a plain list (no state, no lot count, no suppliers: ``Market.objects`` with its
  foreign keys, the state and lot columns empty);
- ``/markets/plan/?months=18`` against ``selectors.market_plan`` alone.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from bench.common import in_throwaway_database
from bench.plan import counting, timed

BODIES = 5
SUPPLIERS = 300


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--markets", type=int, default=5_000, help="markets in the tenant")
    parser.add_argument("--lots-per-market", type=int, default=8, help="lots of each market")
    parser.add_argument("--repeat", type=int, default=15, help="runs per figure (median)")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


@contextmanager
def plain_rows() -> Iterator[None]:
    """The baseline: the list's rows as a plain list of the table would read them."""
    from django.db.models import CharField, IntegerField, Value

    from tenants.markets.models import Market
    from tenants.markets.views import MARKETS

    kept = MARKETS.rows

    def rows(user: Any) -> Any:
        return Market.objects.select_related("purchasing_body", "buyer", "expert").annotate(
            current_state=Value("in_force", output_field=CharField()),
            lot_count=Value(0, output_field=IntegerField()),
            supplier_names=Value("", output_field=CharField()),
        )

    object.__setattr__(MARKETS, "rows", rows)
    try:
        yield
    finally:
        object.__setattr__(MARKETS, "rows", kept)


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from saas.dates import end_of
    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.access.models import Role, RoleGrant, ScopeKind
    from tenants.accounts.models import User
    from tenants.markets import selectors
    from tenants.markets.models import (
        Lot,
        Market,
        MarketUse,
        Origin,
        Procedure,
        PurchasingBody,
        Scope,
        Supplier,
    )
    from tenants.structure.models import Establishment

    logging.getLogger("axes").setLevel(logging.WARNING)
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
    rng = random.Random(16)
    repeat = args.repeat
    with tenant_context(tenant):
        for finess, entity in (("800000259", "800000044"), ("800000051", "800000036")):
            Establishment.objects.create(
                name=f"Site {finess}",
                finess=finess,
                legal_entity_name=f"Entité {entity}",
                legal_entity_finess=entity,
            )
        buyer = User.objects.create_user("buyer@bench.test", "x" * 20, full_name="Acheteuse")
        RoleGrant.objects.create(user=buyer, role=Role.BUYER, scope=ScopeKind.TENANT)
        bodies = PurchasingBody.objects.bulk_create(
            PurchasingBody(central_uuid=uuid.uuid4(), code=f"cb{i}", name=f"Centrale {i}")
            for i in range(BODIES)
        )
        suppliers = Supplier.objects.bulk_create(
            Supplier(name=f"Fournisseur {i:03d}") for i in range(SUPPLIERS)
        )
        today = timezone.localdate()
        words = ["pompes", "moniteurs", "lits", "échographes", "respirateurs", "imagerie"]
        procedures = list(Procedure.values)
        markets = []
        for i in range(args.markets):
            starts = today + timedelta(days=rng.randint(-4 * 365, 2 * 365))
            duration = rng.choice([12, 24, 36, 48])
            renewals = rng.choice([0, 0, 1, 2, 3])
            central = i % 5 == 0
            markets.append(
                Market(
                    origin=Origin.CENTRAL if central else Origin.LOCAL,
                    central_uuid=uuid.uuid4() if central else None,
                    purchasing_body=bodies[i % BODIES] if central else None,
                    reference=f"{'C' if central else 'L'}-{i:05d}",
                    title=f"Marché {rng.choice(words)} {i}",
                    procedure="" if central else rng.choice(procedures),
                    starts=starts,
                    duration_months=duration,
                    renewals=renewals,
                    renewal_months=12 if renewals else None,
                    renewal_kind=rng.choice(["tacit", "express"]) if renewals else "",
                    ends=end_of(starts, duration, renewals, 12 if renewals else None),
                    max_amount=Decimal(rng.randrange(10_000, 5_000_000)),
                    buyer=buyer if not central and rng.random() < 0.5 else None,
                )
            )
        markets = Market.objects.bulk_create(markets, batch_size=5000)
        scopes = list(Scope.values)
        lots = [
            Lot(
                market=market,
                number=str(n + 1),
                title=f"Lot {n + 1} {market.title}",
                scopes=rng.sample(scopes, rng.randint(1, 2)),
                ends=market.ends,
                max_amount=Decimal(rng.randrange(1_000, 500_000)),
            )
            for market in markets
            for n in range(args.lots_per_market)
        ]
        lots = Lot.objects.bulk_create(lots, batch_size=10_000)
        Through = Lot.suppliers.through
        links = [
            Through(lot_id=lot.pk, supplier_id=supplier.pk)
            for lot in lots
            for supplier in rng.sample(suppliers, rng.randint(1, 2))
        ]
        Through.objects.bulk_create(links, batch_size=10_000)
        MarketUse.objects.bulk_create(
            MarketUse(market=market, legal_entity_finess="800000036", local_reference=f"R{i}")
            for i, market in enumerate(markets)
            if i % 3 == 0
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client = Client(HTTP_HOST=host)
        client.force_login(buyer)
        ending = selectors.markets_for(buyer).filter(current_state="ending").count()  # type: ignore[misc]
        print(
            f"\nMarkets benchmark: {len(markets):,} markets ({len(markets) // 5:,} central), "
            f"{len(lots):,} lots, {len(links):,} lot suppliers; {ending:,} ending soon; "
            f"medians of {repeat} runs\n"
        )
        print("| what | queries | time | baseline, same run | ratio |")
        print("| --- | ---: | ---: | --- | ---: |")

        def report(what: str, queries: int, new: float, old: float, baseline: str) -> None:
            print(
                f"| {what} | {queries} | **{new * 1000:.0f} ms** | {baseline}: "
                f"{old * 1000:.0f} ms | {new / old:.2f}x |"
            )

        def get(url: str) -> Any:
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        plain = "the same page on plain rows"
        for what, url in (
            (("`/markets/` (default columns, first page by end)", "/markets/?sort=ends"),)
            if os.environ.get("BENCH_PROFILE")
            else (
                ("`/markets/` (default columns, first page by end)", "/markets/?sort=ends"),
                ("`/markets/?state=ending`", "/markets/?state=ending"),
                ("`/markets/?q=respirateurs` (search)", "/markets/?q=respirateurs"),
                (
                    "`/markets/?supplier=Fournisseur 042` (a lot's supplier)",
                    "/markets/?supplier=Fournisseur+042",
                ),
                ("`/markets/?sort=-ends`", "/markets/?sort=-ends"),
            )
        ):
            with counting() as queries:
                get(url)
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                ranked = sorted(queries.timings, key=lambda timing: timing[0], reverse=True)
                for seconds, sql, _params in ranked[:3]:
                    print(f"  {seconds * 1000:.1f} ms: {sql[:300]}")
                profile = cProfile.Profile()
                profile.runcall(get, url)
                pstats.Stats(profile).sort_stats("cumulative").print_stats(30)

            def page(u: str = url) -> Any:
                return get(u)

            new, _response = timed(page, repeat)
            with plain_rows():
                old, _response = timed(page, repeat)
            report(what, queries.count, new, old, plain)

        url = "/markets/plan/?months=18"
        with counting() as queries:
            get(url)
        new, _response = timed(lambda: get(url), repeat)
        old, found = timed(lambda: selectors.market_plan(buyer, 18), repeat)
        report(
            f"`{url}` ({len(found.rows):,} markets to re-tender or renew)",
            queries.count,
            new,
            old,
            "`selectors.market_plan` alone",
        )


if __name__ == "__main__":
    raise SystemExit(main())
