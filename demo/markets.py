"""The demo GHT's local markets: two, with their lots, used by two legal entities of the GHT
under their own references (inside the tenant).

The demo's establishments all belong to the GHT's one legal entity; in a real GHT each
hospital is its own. The CH d'Abbeville becomes one here, so that a market shows two
legal entities using it, each with its own reference."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from saas.dates import add_months
from tenants.access.models import Role
from tenants.accounts.models import User
from tenants.markets import services
from tenants.markets.models import Market, Origin
from tenants.mirror.models import ReferenceDeviceModel
from tenants.structure.models import Establishment

ABBEVILLE = ("800000051", "CH d\u2019Abbeville (démo)", "800000036")  # FINESS, name, entity's


def load_demo_markets() -> list[str]:
    """Once: a maintenance market ending within the alert window and an equipment market."""
    if Market.objects.filter(origin=Origin.LOCAL).exists():
        return []
    admin = User.objects.filter(grants__role=Role.TENANT_ADMIN).order_by("pk").first()
    if admin is None:
        return []
    expert = User.objects.filter(email__startswith="biomed@").first()
    finess, name, entity = ABBEVILLE
    Establishment.objects.filter(finess=finess).update(
        legal_entity_name=name, legal_entity_finess=entity
    )
    ght = Establishment.objects.exclude(finess=finess).values_list("legal_entity_finess", flat=True)
    entities = [e for e in (ght.first(), entity) if e]
    today = timezone.localdate()
    # Devices of the inventory matched to a reference model: the maintenance lot covers them.
    models = list(
        ReferenceDeviceModel.objects.filter(devices__isnull=False)
        .distinct()
        .order_by("pk")
        .values_list("uuid", flat=True)[:3]
    )
    maintenance = services.create_market(
        {
            "reference": "MAPA-2024-017",
            "title": "Maintenance des équipements de réanimation",
            "procedure": "adapted",
            "notified_on": add_months(today, -29) - datetime.timedelta(days=10),
            "starts": add_months(today, -29),
            "duration_months": 12,
            "renewals": 2,
            "renewal_months": 11,
            "renewal_kind": "tacit",
            "max_amount": Decimal("180000"),
            "buyer": admin.pk,
            "expert": expert.pk if expert else None,
            "note": "Relance à préparer avec le service biomédical.",
        },
        by=admin,
    )
    services.create_lot(
        maintenance,
        {
            "number": "1",
            "title": "Maintenance préventive et curative des respirateurs",
            "scopes": ["maintenance"],
            "suppliers": "Dräger Médical\nGetinge",
            "device_models": models,
            "starts": maintenance.starts,
            "duration_months": 12,
            "renewals": 2,
            "renewal_months": 11,
        },
        by=admin,
        expected_version=maintenance.version,
    )
    equipment = services.create_market(
        {
            "reference": "AO-2025-004",
            "title": "Acquisition de moniteurs de surveillance",
            "procedure": "open_tender",
            "notified_on": add_months(today, -4),
            "starts": add_months(today, -3),
            "duration_months": 24,
            "renewals": 1,
            "renewal_months": 12,
            "renewal_kind": "express",
            "min_amount": Decimal("50000"),
            "max_amount": Decimal("400000"),
            "buyer": admin.pk,
        },
        by=admin,
    )
    for number, title, scopes, supplier in (
        ("1", "Moniteurs multiparamétriques", ["acquisition"], "Philips France"),
        ("2", "Accessoires et consommables", ["accessories", "consumables"], "Philips France"),
    ):
        services.create_lot(
            equipment,
            {"number": number, "title": title, "scopes": scopes, "suppliers": supplier},
            by=admin,
            expected_version=Market.objects.get(pk=equipment.pk).version,
        )
    for market, references in (
        (maintenance, ("CHU-M-2024-112", "CHA-24-0031")),
        (equipment, ("CHU-M-2025-009", "CHA-25-0007")),
    ):
        for finess, reference in zip(entities, references, strict=True):
            services.set_use(
                market, legal_entity_finess=finess, local_reference=reference, by=admin
            )
    return [
        f"  local markets: {maintenance.reference} (ending soon), {equipment.reference}, "
        "each used by two legal entities"
    ]
