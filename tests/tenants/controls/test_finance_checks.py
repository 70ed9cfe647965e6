"""The finance checks find what disagrees, and only that."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from tenants.controls.engine import run_checks
from tenants.controls.models import Finding
from tenants.controls.registry import check_for
from tenants.finance.imports import FIXED_ASSETS, INVOICES, ORDER_LINES
from tenants.inventory.models import Device, DeviceStatus
from tests.tenants.inventory.factories import structure

TODAY = timezone.localdate()


def day(days_ago: int) -> str:
    return f"{TODAY - datetime.timedelta(days=days_ago):%d/%m/%Y}"


ORDERS = (
    "Exercice;N° commande;N° ligne;Gestionnaire;N° marché;Fournisseur;Date commande;"
    "Objet de la dépense;UF;Libellé;Qté commandée;Qté reçue;Montant engagé;Soldée\n"
    # In order: on a market, received, closed.
    f"2026;OK1;1;ACH1;M-1;Philips;{day(20)};;1101;Moniteur;1;1;5 000;O\n"
    # No market, no HM code, no exception: a finding; its second line is at 0 €.
    f"2026;NM1;1;ACH1;;Getinge;{day(10)};Divers;1101;Table;1;0;900;N\n"
    f"2026;NM1;2;ACH1;;Getinge;{day(10)};Divers;1101;Câble offert;1;0;0;N\n"
    # No market but an HM code: fine.
    f"2026;HM1;1;ACH2;;Stryker;{day(10)};HM4 urgence;1102;Brancard;1;1;1 200;O\n"
    # No market, the HM code on its first line only: fine too.
    f"2026;HM2;1;ACH2;;Stryker;{day(10)};HM4 urgence;1102;Brancard;1;0;1 200;N\n"
    f"2026;HM2;2;ACH2;;Stryker;{day(10)};Urgence, accessoires;1102;Matelas;1;0;300;N\n"
    # "HM45" or "THM4" is no exception code.
    f"2026;HM3;1;ACH2;;Stryker;{day(10)};THM4 HM45;1102;Brancard;1;0;1 200;N\n"
    # Whole order at 0 €, on a market.
    f"2026;Z1;1;ACH2;M-2;B. Braun;{day(5)};;1102;Pousse-seringue prêt;2;0;0;N\n"
    # Old and not received: placed 200 days ago, nothing received.
    f"2025;OLD1;1;ACH1;M-1;Dräger;{day(200)};;1101;Respirateur;1;0;30 000;N\n"
    # Received in full but not closed.
    f"2026;RC1;1;ACH2;M-2;Mindray;{day(30)};;1102;Échographe;1;1;20 000;N\n"
)


@pytest.fixture
def data(tenant):
    with tenant_context(tenant):
        units = structure()
        ORDER_LINES.run(ORDERS.encode(), "orders.csv")
        yield units


def found(code: str) -> set[str]:
    check = check_for(code)
    assert check is not None
    run_checks([check])
    return set(Finding.objects.filter(code=code, state="open").values_list("key", flat=True))


def test_orders_without_market_nor_exception(data):
    assert found("FIN-NO-MARKET") == {"2026/NM1", "2026/HM3"}


def test_orders_and_lines_at_zero(data):
    assert found("FIN-ZERO-ORDER") == {"2026/Z1"}
    assert found("FIN-ZERO-LINE") == {"2026/NM1/2"}


def test_old_and_unreceived_orders(data):
    assert found("FIN-OLD-ORDER") == {"2025/OLD1"}
    assert found("FIN-NOT-RECEIVED") == {"2025/OLD1"}


def test_lines_received_but_not_closed(data):
    assert found("FIN-RECEIVED-OPEN") == {"2026/RC1/1"}


def test_a_recorded_exception_covers_an_order_without_market(data, tenant, make_user):
    from tenants.access.models import Role, ScopeKind
    from tenants.access.services import grant_role
    from tenants.markets.models import Supplier
    from tenants.purchasing import services

    user = make_user(tenant)
    grant_role(user, Role.BUYER, ScopeKind.TENANT, by="test")
    services.record_exception(
        services.ExceptionInput(
            code="HM2",
            supplier=Supplier.objects.create(name="GETINGE"),
            valid_from=TODAY - datetime.timedelta(days=30),
            valid_until=TODAY + datetime.timedelta(days=30),
        ),
        by=user,
    )
    assert found("FIN-NO-MARKET") == {"2026/HM3"}  # Stryker has no exception


def test_invoices_waiting_on_closed_orders(data):
    INVOICES.run(
        (
            "Fournisseur;N° facture;N° commande;Montant TTC;État\n"
            "Philips;F1;OK1;5 000;En attente\n"  # order closed: a finding
            "Getinge;F2;NM1;900;En attente\n"  # order open: fine
            "Philips;F3;OK1;5 000;Payée\n"  # paid: fine
            "Inconnu;F4;NOPE;10;En attente\n"  # order unknown: not this check's business
        ).encode(),
        "f.csv",
    )
    assert found("FIN-INVOICE-CLOSED") == {"Philips/F1"}
    # The order's buyer: the finding counts in their lights.
    assert Finding.objects.get(code="FIN-INVOICE-CLOSED").buyer == "ACH1"


def test_fixed_assets_against_devices(data):
    uf1, uf2 = data[0], data[1]
    Device.objects.create(
        inventory_number="INV1",
        uf=uf1,
        purchase_value=Decimal("5000"),
        commissioning_date=datetime.date(2026, 1, 10),
    )
    Device.objects.create(inventory_number="INV2", uf=uf1, purchase_value=Decimal("800"))
    Device.objects.create(inventory_number="INV3", uf=uf1, status=DeviceStatus.RETIRED)
    Device.objects.create(inventory_number="INV4", uf=uf2, serial_number="SN 44")
    Device.objects.create(inventory_number="INV5", uf=uf2)
    FIXED_ASSETS.run(
        (
            "N° fiche;Exercice;UF;N° inventaire;N° série;Date mise en service;Valeur;Date sortie\n"
            "IMM1;2026;1101;INV1;;10/01/2026;5 000,50;\n"  # same, within 1 €
            "IMM2;2026;1102;INV2;;;950;\n"  # UF and value differ
            "IMM3;2019;1101;INV3;;;100;\n"  # device retired, still on the books
            "IMM4;2026;1102;;SN44;;10;\n"  # paired by serial
            "IMM9;2026;1101;INV99;;;10;\n"  # no device
            "IMM8;2019;1101;INV98;;;10;31/12/2024\n"  # disposed: no finding
        ).encode(),
        "immo.csv",
    )
    assert found("ASSET-NO-DEVICE") == {"IMM9"}
    assert found("DEVICE-NO-ASSET") == {"INV5"}
    assert found("ASSET-DIFFERS") == {"IMM2"}
    assert found("ASSET-RETIRED") == {"IMM3"}
    differs = Finding.objects.get(code="ASSET-DIFFERS")
    assert [d[0] for d in differs.data["differences"]] == ["value", "uf"]


def test_without_fixed_assets_no_device_is_said_to_lack_one(data):
    Device.objects.create(inventory_number="INV1", uf=data[0])
    assert found("DEVICE-NO-ASSET") == set()


def test_a_plan_line_granted_long_ago_with_nothing_committed(buying):
    from tenants.plan.models import PlanLine

    line = buying["line"]
    assert found("PLAN-NOTHING-COMMITTED") == set()
    PlanLine.objects.filter(pk=line.pk).update(
        created=timezone.now() - datetime.timedelta(days=200)
    )
    assert found("PLAN-NOTHING-COMMITTED") == {line.reference}
    PlanLine.objects.filter(pk=line.pk).update(committed_amount=Decimal("10"))
    assert found("PLAN-NOTHING-COMMITTED") == set()


def test_devices_in_service_past_their_models_end_of_support(data):
    from tenants.mirror.models import ModelOverlay
    from tests.tenants.inventory.factories import reference_model

    old = reference_model("Philips", "MP30", end_of_support=TODAY - datetime.timedelta(days=1))
    kept = reference_model("Philips", "MP70", end_of_support=TODAY - datetime.timedelta(days=9))
    ModelOverlay.objects.create(model=kept, end_of_support=TODAY + datetime.timedelta(days=300))
    fine = reference_model("Philips", "MX40", end_of_support=TODAY + datetime.timedelta(days=9))
    uf = data[0]
    for number, model, status in (
        ("OLD1", old, DeviceStatus.IN_SERVICE),
        ("OLD2", old, DeviceStatus.RETIRED),
        ("OLD3", old, DeviceStatus.IN_STORAGE),
        ("KEPT", kept, DeviceStatus.IN_SERVICE),  # the hospital's own date is later
        ("FINE", fine, DeviceStatus.IN_SERVICE),
    ):
        Device.objects.create(inventory_number=number, uf=uf, reference_model=model, status=status)
    assert found("DEVICE-END-OF-SUPPORT") == {"OLD1"}
