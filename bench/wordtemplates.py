"""Benchmark of producing a purchase request's documents from Word templates (issue 16, item 6).

One real purchase request's documents (two order lines under a market's lot): the purchase
request form and the order letter, each filled in (docxtpl) from the request
(``purchasing.documents.document_context``), turned into PDF (LibreOffice) and both files
attached to the request, with the version recorded, as the page's button does
(``purchasing.services.produce_documents``). Against, in the same run, the same with a cold
LibreOffice per PDF (``soffice --convert-to pdf``), the way without a converter kept warm.

    python3 dev.py bench wordtemplates [--repeat 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench.common import in_throwaway_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=10, help="runs per figure (median)")
    args = parser.parse_args()
    return in_throwaway_database(run, args, SPARE_SCHEMA_POOL_SIZE="0")


def timed(function: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Median and worst seconds of ``repeat`` calls (after one warm-up call)."""
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def run(args: argparse.Namespace) -> None:
    import uuid
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import override_settings
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.access.models import ExpertiseDomain, Role, RoleGrant, ScopeKind
    from tenants.accounts.models import User
    from tenants.campaigns.models import Campaign, Nature
    from tenants.markets.models import Lot, Market, PurchasingBody, Supplier
    from tenants.plan.models import PlanLine
    from tenants.purchasing import services as purchasing
    from tenants.purchasing.documents import document_context
    from tenants.requests.models import EquipmentRequest
    from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
    from tenants.wordtemplates import pdf, services

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
    repeat = args.repeat
    with tenant_context(tenant):
        buyer = User.objects.create_user("buyer@bench.test", "x" * 20, full_name="Acheteur")
        RoleGrant.objects.create(user=buyer, role=Role.BUYER, scope=ScopeKind.TENANT)
        # A real purchase request: two order lines on a granted plan line, under a market's lot.
        site = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )
        pole = Pole.objects.create(establishment=site, code="P1", name="Pôle 1")
        service = Service.objects.create(pole=pole, code="S1", name="Réanimation")
        uf = FunctionalUnit.objects.create(service=service, code="1001", name="Réa adultes")
        today = timezone.localdate()
        campaign = Campaign.objects.create(
            name="Recensement",
            nature=Nature.EQUIPMENT,
            year=today.year,
            opens=today - timedelta(days=200),
            closes=today - timedelta(days=100),
        )
        request = EquipmentRequest.objects.create(
            reference=f"DEM-{today.year}-00001",
            campaign=campaign,
            uf=uf,
            nature=Nature.EQUIPMENT,
            title="Respirateurs",
            state="granted",
            domain=ExpertiseDomain.objects.order_by("pk").first(),
            granted_amount=Decimal("100000"),
            requested_by=buyer,
        )
        line = PlanLine.objects.create(
            reference=f"PE-{today.year}-00001",
            request=request,
            campaign=campaign,
            year=today.year,
            uf=uf,
            nature=Nature.EQUIPMENT,
            title="Respirateurs",
            amount=Decimal("100000"),
            estimated_amount=Decimal("100000"),
            created_by=buyer,
        )
        supplier = Supplier.objects.create(name="Getinge France", siren="399423467")
        body = PurchasingBody.objects.create(central_uuid=uuid.uuid4(), code="uniha", name="UniHA")
        market = Market.objects.create(
            origin="central",
            central_uuid=uuid.uuid4(),
            purchasing_body=body,
            reference="UNIHA-2025-VR",
            title="Ventilation de réanimation",
            starts=today - timedelta(days=365),
            ends=today + timedelta(days=365),
        )
        lot = Lot.objects.create(market=market, number="2", title="Respirateurs lourds")
        lot.suppliers.add(supplier)
        item = purchasing.save_purchase_request(
            purchasing.RequestInput(
                supplier=supplier,
                quote_date=today,
                quote_number="DV-118",
                market=market,
                lot=lot,
                lines=[
                    purchasing.LineInput(line, "Respirateur Servo-u", 2, "28500"),
                    purchasing.LineInput(line, "Kit de démarrage & circuits", 4, "310.50"),
                ],
            ),
            by=buyer,
        )

        def produce_both() -> None:
            purchasing.produce_documents(item, by=buyer)

        def render_both() -> None:
            context = document_context(item)
            for kind in purchasing.DOCUMENT_KINDS:
                services.render(kind, context)

        # The first documents of a process start the converter: measured apart.
        started = time.perf_counter()
        produce_both()
        first = time.perf_counter() - started
        warm, warm_worst = timed(produce_both, repeat)
        with override_settings(WORD_PDF_CONVERTER="cold"):
            cold, cold_worst = timed(produce_both, repeat)
        fill, _ = timed(render_both, repeat)
        pdf.WARM.stop()

    print(
        f"\nWord templates: a purchase request's two documents (DOCX + PDF each, attached); "
        f"medians of {repeat} runs\n"
    )
    print("| what | median | worst | vs baseline |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| produce both, LibreOffice kept warm (unoserver) | **{warm * 1000:.0f} ms** "
        f"| {warm_worst * 1000:.0f} ms | {cold / warm:.1f}x |"
    )
    print(
        f"| baseline, same run: produce both, a cold `soffice` per PDF | {cold * 1000:.0f} ms "
        f"| {cold_worst * 1000:.0f} ms | 1.0x |"
    )
    print(f"| of which filling both templates in (docxtpl) | {fill * 1000:.0f} ms | | |")
    print(
        f"| the first documents of a process (the warm converter starts) "
        f"| {first * 1000:.0f} ms | | |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
