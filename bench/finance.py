"""Finance import speed: the finance system's order lines, imported as a declared table.

    python3 dev.py bench finance [--rows 200000]

Runs in a throw-away database next to the configured one (dropped at the end), with one tenant
holding 300 UF. The export looks like Magh2's (cp1252, ``;``, a title row, decimal commas with
thousands separators, dd/mm/yyyy). Each figure stands next to a baseline measured in the same
run on the same rows: ``csv.reader`` and a plain ``bulk_create`` of the model, converting each
cell without a check (no line or column named, no key seen twice, no plausible range, no
upsert, no report). The target of issue 17 is 10,000 rows/s for the import.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import pstats
import random
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from bench.common import bench_tenant, in_throwaway_database

HEADER = (
    "Exercice;N° commande;N° ligne;Gestionnaire;N° marché;Code fournisseur;Fournisseur;"
    "Date commande;Objet de la dépense;N° programme;UF;Compte;Libellé;Qté commandée;Qté reçue;"
    "Montant engagé;Montant liquidé;Soldée"
)
SUPPLIERS = ["Philips France", "GE Medical Systems SCS", "Dräger France", "B. Braun Medical"]
LABELS = ["Moniteur de surveillance", "Pousse-seringue", "Câbles ECG 5 brins", "Maintenance"]
TARGET = 10_000


def make_export(rows: int, units: list[str]) -> bytes:
    """``rows`` order lines of 1 to 5 lines an order, over four financial years."""
    rng = random.Random(17)
    lines = ["Magh2 - lignes de commande;;;", "", HEADER]
    order, line_number = 0, 0
    for _row in range(rows):
        if line_number == 0 or rng.random() < 0.3:
            order, line_number = order + 1, 0
            day = date(2023, 1, 1) + timedelta(days=rng.randrange(4 * 365))
            supplier = rng.choice(SUPPLIERS)
            market = rng.choice(["UGAP-2024-067", "RESAH-2022-118", ""])
            purpose = rng.choice(["Renouvellement", "HM4 - achat ponctuel", "Fonctionnement"])
        line_number += 1
        quantity = rng.randrange(1, 20)
        committed = Decimal(rng.randrange(100, 5_000_000)) / 100
        closed = rng.random() < 0.7
        amount = f"{committed:,.2f}".replace(",", " ").replace(".", ",")
        lines.append(
            f"{day.year};{day:%y}{order:06d};{line_number};BIO;{market};F00012;{supplier};"
            f"{day:%d/%m/%Y};{purpose};;{rng.choice(units)};2154;{rng.choice(LABELS)};"
            f"{quantity},00;{quantity if closed else 0},00;{amount};{amount if closed else '0,00'};"
            f"{'O' if closed else 'N'}"
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def run(args: argparse.Namespace) -> None:
    from django.db import transaction
    from django_tenants.utils import tenant_context

    from tenants.finance.imports import ORDER_LINES
    from tenants.finance.models import FinanceOrderLine
    from tenants.structure.models import FunctionalUnit

    tenant, units = bench_tenant()
    with tenant_context(tenant):
        data = make_export(args.rows, [u.code for u in units])
        print(
            f"\nFinance benchmark: {args.rows:,} order lines ({len(data) / 1e6:.1f} MB), 300 UF; "
            f"target {TARGET:,} rows/s\n"
        )
        print("| step | rows | time | rows/s | vs baseline |")
        print("| --- | ---: | ---: | ---: | ---: |")

        # Baseline: csv.reader and one bulk_create, each cell converted without any check.
        uf_ids = dict(FunctionalUnit.objects.values_list("code", "pk"))

        def amount(text: str) -> Decimal:
            return Decimal(text.replace(" ", "").replace(",", "."))

        started = time.perf_counter()
        reader = csv.reader(io.StringIO(data.decode("cp1252")), delimiter=";")
        for row in reader:
            if row and row[0] == "Exercice":
                break
        objects = [
            FinanceOrderLine(
                year=int(r[0]),
                order_number=r[1],
                line_number=int(r[2]),
                manager_code=r[3],
                market_number=r[4],
                supplier_name=r[6],
                order_date=datetime.strptime(r[7], "%d/%m/%Y").date(),
                purpose=r[8],
                programme=r[9],
                uf_id=uf_ids[r[10]],
                account=r[11],
                label=r[12],
                quantity_ordered=amount(r[13]),
                quantity_received=amount(r[14]),
                committed=amount(r[15]),
                paid=amount(r[16]),
                closed=r[17] == "O",
            )
            for r in reader
            if r
        ]
        with transaction.atomic():
            FinanceOrderLine.objects.bulk_create(objects, batch_size=5000)
        baseline = time.perf_counter() - started
        baseline_rate = len(objects) / baseline
        print(
            f"| baseline: csv.reader + bulk_create, no check | {len(objects):,} | "
            f"{baseline:.2f} s | {baseline_rate:,.0f} | 1.0x |"
        )
        FinanceOrderLine.objects.all().delete()

        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        report = ORDER_LINES.run(data, "export.csv")
        if profiler:
            profiler.disable()
        elapsed = time.perf_counter() - started
        rate = args.rows / elapsed
        assert report.created == args.rows, report
        print(
            f"| **import, all new** (read, check, upsert, relink) | {args.rows:,} | "
            f"{elapsed:.2f} s | **{rate:,.0f}** | {rate / baseline_rate:.2f}x |"
        )

        # The next night's export: 5,000 lines changed (received and closed), the rest as is.
        text = data.decode("cp1252").split("\r\n")
        changed = 0
        for index in range(3, len(text)):
            if changed == 5000:
                break
            if text[index].endswith(";N"):
                cells = text[index].split(";")
                cells[14], cells[16], cells[17] = cells[13], cells[15], "O"
                text[index] = ";".join(cells)
                changed += 1
        started = time.perf_counter()
        report = ORDER_LINES.run("\r\n".join(text).encode("cp1252"), "export.csv")
        elapsed = time.perf_counter() - started
        assert report.updated == changed, report
        print(
            f"| import again, {report.updated:,} changed | {args.rows:,} | {elapsed:.2f} s | "
            f"{args.rows / elapsed:,.0f} | {args.rows / elapsed / baseline_rate:.2f}x |"
        )
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
        verdict = "meets" if rate >= TARGET else "MISSES"
        print(f"\nimport of {args.rows:,} new lines: {rate:,.0f} rows/s, {verdict} the target")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=200_000, help="order lines in the export")
    parser.add_argument("--profile", action="store_true", help="cProfile the first import")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


if __name__ == "__main__":
    raise SystemExit(main())
