"""The demo's finance and CMMS exports (demo/make_files.py) import cleanly with their usual
headers, agree with the demo inventory, and hold the disagreements the controls must find: a
handful of each, not a flood."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django_tenants.utils import tenant_context

from demo.make_files import EXPORT_DAY, PLAN_ORDERS
from demo.people import DEMO_TENANTS
from demo.tenants import DEMO_FILES, FINANCE_EXPORTS, load_demo_finance
from tenants.controls.models import Finding
from tenants.controls.registry import every_check
from tenants.finance.models import FinanceOrderLine, FixedAsset, Invoice, InvoiceState
from tenants.inventory.imports import import_inventory
from tenants.inventory.models import Device, DeviceStatus, WorkOrder
from tenants.structure.imports import import_structure
from tenants.structure.models import Establishment

HM_CODE = r"\mHM[1-6]\M"


def load(demo) -> list[str]:
    for name, finess, city in demo.establishments:
        Establishment.objects.get_or_create(
            finess=finess,
            defaults={
                "name": name,
                "city": city,
                "legal_entity_name": demo.name,
                "legal_entity_finess": demo.finess,
            },
        )
    for kind, importer in (("structure", import_structure), ("inventory", import_inventory)):
        path = next(DEMO_FILES.glob(f"{demo.subdomain}-{kind}.*"))
        importer(path.read_bytes(), path.name)
    # Raises ImportRefused, naming line and column, if a file does not import.
    return load_demo_finance(demo.subdomain)


def orders():
    """One row per order: whether it has a market, what it committed and received, whether
    every line is closed."""
    return FinanceOrderLine.objects.values("year", "order_number").annotate(
        lines=Count("pk"),
        committed_sum=Sum("committed"),
        received_sum=Sum("quantity_received"),
        open_lines=Count("pk", filter=Q(closed=False)),
        day=F("order_date"),
        market=F("market_number"),
        text=F("purpose"),
    )


def a_handful(queryset, low: int = 3, high: int = 10) -> int:
    count = queryset.count() if hasattr(queryset, "count") else len(queryset)
    assert low <= count <= high, count
    return count


@pytest.mark.parametrize("demo", DEMO_TENANTS, ids=lambda d: d.subdomain)
def test_the_demo_finance_and_cmms_exports_import_with_their_usual_headers(tenant, demo):
    with tenant_context(tenant):
        done = load(demo)
        assert len(done) == len(FINANCE_EXPORTS) + 1, done  # and the controls' run
        # Every finance and CMMS check has findings in the demo (the plan's needs a plan, the
        # end of support the references' sync).
        found = set(Finding.objects.filter(state="open").values_list("code", flat=True).distinct())
        assert found == {c.code for c in every_check()} - {
            "PLAN-NOTHING-COMMITTED",
            "DEVICE-END-OF-SUPPORT",
        }
        for kind, model in zip(
            FINANCE_EXPORTS, (FinanceOrderLine, FixedAsset, Invoice, WorkOrder), strict=True
        ):
            path = DEMO_FILES / f"{demo.subdomain}-{kind}.csv"
            lines = path.read_bytes().decode("cp1252").splitlines()
            rows = [line for line in lines if ";" in line][1:]  # under the header
            assert model._default_manager.count() == len(rows) > 300, kind
        devices = Device.objects.count()
        # Nearly every device has its asset, named by inventory number, that agrees with it.
        same = FixedAsset.objects.filter(
            Exists(
                Device.objects.filter(
                    inventory_number=OuterRef("inventory_number"),
                    uf=OuterRef("uf"),
                    purchase_value=OuterRef("value"),
                    commissioning_date=OuterRef("commissioning_date"),
                    serial_number=OuterRef("serial_number"),
                )
            )
        )
        assert same.count() >= devices - 20  # the deliberate disagreements
        # Every device of 2019 and later came with an order line of the same UF and value.
        recent = FixedAsset.objects.filter(commissioning_date__year__gte=2019, value__gt=0)
        bought = recent.filter(
            Exists(
                FinanceOrderLine.objects.filter(
                    order_number=OuterRef("order_number"),
                    line_number=OuterRef("order_line"),
                    uf=OuterRef("uf"),
                )
            )
        )
        assert bought.count() >= recent.count() - 10 > 300  # bar a UF changed on purpose
        assert WorkOrder.objects.filter(device__status=DeviceStatus.IN_SERVICE).count() > 400


@pytest.mark.parametrize("demo", DEMO_TENANTS, ids=lambda d: d.subdomain)
def test_the_demo_exports_hold_what_each_control_must_find(tenant, demo):
    with tenant_context(tenant):
        load(demo)
        # Orders without market number nor an off-contract exception's code; and some with one.
        off_contract = orders().filter(market="")
        a_handful(off_contract.exclude(text__regex=HM_CODE))
        assert off_contract.filter(text__regex=HM_CODE).exists()
        # Lines at 0 €, and one whole order.
        a_handful(FinanceOrderLine.objects.filter(committed=0))
        a_handful(orders().filter(committed_sum=0), 1, 2)
        # Orders open for more than 6 months.
        a_handful(orders().filter(open_lines__gt=0, day__lt=EXPORT_DAY - timedelta(days=183)))
        # Lines received in full but not closed.
        a_handful(
            FinanceOrderLine.objects.filter(
                closed=False, quantity_received=F("quantity_ordered"), quantity_ordered__gt=0
            )
        )
        # Orders received in nothing 90 days after they were placed.
        a_handful(
            orders().filter(
                received_sum=0, open_lines__gt=0, day__lt=EXPORT_DAY - timedelta(days=90)
            )
        )
        # Invoices waiting on an order whose lines are all closed.
        closed_orders = orders().filter(open_lines=0).values("order_number")
        a_handful(
            Invoice.objects.filter(state=InvoiceState.WAITING, order_number__in=closed_orders)
        )
        # Fixed assets with no device, devices with no asset (by inventory number or serial).
        numbers = Device.objects.values("inventory_number")
        a_handful(
            FixedAsset.objects.exclude(inventory_number="").exclude(inventory_number__in=numbers)
        )
        listed = FixedAsset.objects.values("inventory_number")
        serials = FixedAsset.objects.filter(inventory_number="").values("serial_number")
        a_handful(
            Device.objects.exclude(inventory_number__in=listed).exclude(serial_number__in=serials)
        )
        # Assets whose value, UF or commissioning date differs from their device's.
        device = Device.objects.filter(inventory_number=OuterRef("inventory_number"))
        for differs in ("purchase_value", "uf", "commissioning_date"):
            own = {"purchase_value": "value"}.get(differs, differs)
            a_handful(
                FixedAsset.objects.filter(Exists(device.exclude(**{differs: OuterRef(own)}))),
                3,
                4,
            )
        # Retired devices whose asset is still on the books; the others left them.
        retired = device.filter(status=DeviceStatus.RETIRED)
        a_handful(FixedAsset.objects.filter(Exists(retired), disposed__isnull=True))
        assert FixedAsset.objects.filter(Exists(retired), disposed__isnull=False).count() > 40
        if demo.subdomain == DEMO_TENANTS[0].subdomain:
            # The orders of the demo plan lines followed up to their order.
            numbers = [number for number, *_rest in PLAN_ORDERS.values()]
            assert FinanceOrderLine.objects.filter(order_number__in=numbers).count() == 4
            assert FinanceOrderLine.objects.get(order_number=numbers[-1]).paid == Decimal("8420")


def test_the_plan_orders_are_those_of_the_demo_lines_followed_up_to_their_order():
    # The campaign types these order numbers on the lines that reached their order: a line
    # renamed, moved to another UF or stopped before its order would lose its orders.
    from demo.campaign import FOLLOW_UP, REQUESTS, STAGES

    ordered = {title for title, stage in FOLLOW_UP.items() if STAGES.index(stage) >= 1}
    assert set(PLAN_ORDERS) == ordered
    ufs = {request.title: request.uf for request in REQUESTS}
    for title, (_number, uf, _amount, stage) in PLAN_ORDERS.items():
        assert (ufs[title], stage) == (uf, FOLLOW_UP[title])
