"""Benchmark of producing a purchase request's documents from Word templates (issue 16, item 6).

One purchase request's documents: the purchase request form and the order letter, each filled
in (docxtpl), turned into PDF (LibreOffice) and both files attached to the request, with the
version recorded (``services.produce``). Against, in the same run, the same with a cold
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


def example_of(kind: Any) -> Callable[[Any], Any]:
    """The context builder of the benchmark: the kind's example, whatever the object."""
    return lambda target: kind.example


def run(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.test import override_settings
    from django_tenants.utils import tenant_context

    from saas.tenancy.models import Tenant, TenantStatus
    from saas.tenancy.provisioning import provision_tenant, schema_name_for
    from saas.tenancy.services import ensure_public_tenant
    from tenants.accounts.models import User
    from tenants.structure.models import Establishment
    from tenants.wordtemplates import kinds, pdf, services
    from tenants.wordtemplates.registry import register_kind

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
    both = [
        register_kind(kind, context=example_of(kind))
        for kind in (kinds.PURCHASE_REQUEST_FORM, kinds.ORDER_LETTER)
    ]
    repeat = args.repeat
    with tenant_context(tenant):
        buyer = User.objects.create_user("buyer@bench.test", "x" * 20, full_name="Acheteur")
        # Any object takes documents; the purchase request is not on this branch yet.
        target = Establishment.objects.create(
            name="CHU", finess="800000259", legal_entity_name="GHT", legal_entity_finess="800000044"
        )

        def produce_both() -> None:
            for kind in both:
                services.produce(kind, target, by=buyer)

        def render_both() -> None:
            for kind in both:
                services.render(kind, kind.example)

        started = time.perf_counter()
        pdf.WARM.convert(services.render(both[0], both[0].example))
        start_warm = time.perf_counter() - started
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
        f"| starting the warm converter, once per process (first PDF included) "
        f"| {start_warm * 1000:.0f} ms | | |"
    )


if __name__ == "__main__":
    raise SystemExit(main())
