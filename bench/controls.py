"""The control engine's speed: every check over a large hospital's finance and CMMS data.

    python3 dev.py bench controls [--order-lines 200000] [--assets 50000] [--devices 50000]

Runs in a throw-away database next to the configured one (dropped at the end), with one tenant
holding 300 UF, N finance order lines (orders of one to five lines, some without market, at
0 €, old, received but not closed), fixed assets and devices (most paired by inventory number,
some by serial, some alone, some disagreeing). Figures, each beside a baseline measured in the
same run:

- the whole run (every check, findings written), the first time and again with nothing
  changed, against one grouped scan of the order lines (the least any order check must read);
- the run after an import of order lines (the checks reading them), after 5,000 lines changed;
- each check's own time.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from bench.common import bench_tenant, in_throwaway_database


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--order-lines", type=int, default=200_000)
    parser.add_argument("--assets", type=int, default=50_000)
    parser.add_argument("--devices", type=int, default=50_000)
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def run(args: argparse.Namespace) -> None:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from tenants.controls.engine import run_checks
    from tenants.controls.models import Finding
    from tenants.controls.registry import checks_after, every_check
    from tenants.finance.models import FinanceOrderLine, FixedAsset
    from tenants.inventory.models import Device, DeviceStatus

    tenant, units = bench_tenant()
    rng = random.Random(17)
    today = date.today()
    with tenant_context(tenant):
        uf_ids = [u.pk for u in units]

        started = time.perf_counter()
        lines: list[FinanceOrderLine] = []
        order = 0
        while len(lines) < args.order_lines:
            order += 1
            placed = today - timedelta(days=rng.randrange(0, 900))
            market = "" if rng.random() < 0.15 else f"M-{rng.randrange(300)}"
            purpose = "HM4 urgence" if not market and rng.random() < 0.5 else "Achat"
            uf = rng.choice(uf_ids)
            old = (today - placed).days > 200
            for number in range(1, rng.randrange(2, 7)):
                ordered = Decimal(rng.randrange(1, 4))
                received = ordered if old or rng.random() < 0.6 else Decimal(0)
                committed = Decimal(0) if rng.random() < 0.01 else Decimal(rng.randrange(50, 90000))
                lines.append(
                    FinanceOrderLine(
                        year=placed.year,
                        order_number=f"C{order:07d}",
                        line_number=number,
                        manager_code=f"ACH{order % 12}",
                        market_number=market,
                        supplier_name=f"Fournisseur {order % 900}",
                        order_date=placed,
                        purpose=purpose,
                        uf_id=uf,
                        account="2154",
                        label=f"Article {order}-{number}",
                        quantity_ordered=ordered,
                        quantity_received=received,
                        committed=committed,
                        paid=committed if received == ordered else Decimal(0),
                        closed=(received == ordered and rng.random() < 0.9),
                    )
                )
        FinanceOrderLine.objects.bulk_create(lines[: args.order_lines], batch_size=5000)
        devices = Device.objects.bulk_create(
            [
                Device(
                    inventory_number=f"INV{i:07d}",
                    uf_id=rng.choice(uf_ids),
                    serial_number=f"SN{i:08d}",
                    order_number=f"C{rng.randrange(1, order):07d}",
                    purchase_value=Decimal(rng.randrange(100, 90000)),
                    commissioning_date=today - timedelta(days=rng.randrange(0, 5000)),
                    status=DeviceStatus.RETIRED if rng.random() < 0.05 else DeviceStatus.IN_SERVICE,
                )
                for i in range(args.devices)
            ],
            batch_size=5000,
        )
        assets = []
        for i in range(args.assets):
            device = devices[i] if i < len(devices) else None
            how = rng.random()
            assets.append(
                FixedAsset(
                    sheet=f"IMM{i:07d}",
                    year=2020,
                    uf_id=device.uf_id if device and how < 0.97 else rng.choice(uf_ids),
                    order_number=device.order_number if device else "",
                    label=f"Immobilisation {i}",
                    # Most carry the inventory number (the disagreeing ones too), some
                    # only the serial, the rest nothing: unpaired.
                    inventory_number=device.inventory_number
                    if device and (how < 0.9 or how >= 0.96)
                    else "",
                    serial_number=device.serial_number if device and 0.9 <= how < 0.95 else "",
                    commissioning_date=device.commissioning_date if device else None,
                    value=(device.purchase_value or Decimal(0)) + (50 if how > 0.98 else 0)
                    if device
                    else Decimal(1000),
                )
            )
        FixedAsset.objects.bulk_create(assets, batch_size=5000)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"\nControls benchmark: {args.order_lines:,} order lines ({order:,} orders), "
            f"{args.assets:,} fixed assets, {args.devices:,} devices "
            f"(data written in {time.perf_counter() - started:.0f} s)\n"
        )
        print("| step | time | vs baseline |")
        print("| --- | ---: | ---: |")

        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT year, order_number, count(*), sum(committed), min(order_date) "
                "FROM finance_financeorderline GROUP BY year, order_number"
            )
            cursor.fetchall()
        baseline = time.perf_counter() - started
        print(f"| baseline: one grouped scan of the order lines | {baseline:.2f} s | 1.0x |")

        def timed(label: str, checks: list) -> float:  # type: ignore[type-arg]
            started = time.perf_counter()
            report = run_checks(checks, trigger="bench")
            elapsed = time.perf_counter() - started
            print(
                f"| {label} ({report.opened:,} opened, {report.closed:,} closed) | "
                f"**{elapsed:.2f} s** | {elapsed / baseline:.1f}x |"
            )
            return elapsed

        timed("whole run, first time (every finding new)", every_check())
        timed("whole run again, nothing changed", every_check())
        changed = list(FinanceOrderLine.objects.filter(closed=False).order_by("pk")[:5000])
        for line in changed:
            line.closed = True
        FinanceOrderLine.objects.bulk_update(changed, ["closed"], batch_size=5000)
        timed("after an import of order lines, 5,000 changed", checks_after("finance_orders"))
        print()
        print("| check | findings open | time |")
        print("| --- | ---: | ---: |")
        for check in every_check():
            started = time.perf_counter()
            run_checks([check], trigger="bench")
            elapsed = time.perf_counter() - started
            count = Finding.objects.filter(code=check.code, state="open").count()
            print(f"| {check.code} | {count:,} | {elapsed:.2f} s |")


if __name__ == "__main__":
    raise SystemExit(main())
