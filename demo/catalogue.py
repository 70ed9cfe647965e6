"""Demo catalogue: real manufacturers and model names, EMDN codes from the real file.

The end-of-sale and end-of-support dates are plausible values for the demo, not the
manufacturers' published dates; the markets are shaped like the central purchasing bodies'
framework agreements but their references are made up. Both say so in their source fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from saas.dates import end_of
from shared_reference.models import (
    DeviceModel,
    Lot,
    Manufacturer,
    Market,
    NomenclatureTerm,
    PurchasingBody,
    SafetyNotice,
    Supplier,
)

DEMO_SOURCE = "démo : date plausible, à vérifier auprès du fabricant"

MANUFACTURERS = {
    "Philips": ("NL", ["Philips Medical Systems", "PHILIPS HEALTHCARE"]),
    "GE HealthCare": ("US", ["GE Healthcare", "GE Medical Systems"]),
    "Dräger": ("DE", ["Draeger", "Drägerwerk"]),
    "Hamilton Medical": ("CH", []),
    "B. Braun": ("DE", ["B BRAUN", "B.Braun Melsungen"]),
    "Fresenius Kabi": ("DE", []),
    "Fresenius Medical Care": ("DE", ["FMC"]),
    "Mindray": ("CN", ["Shenzhen Mindray"]),
    "ZOLL": ("US", ["Zoll Medical"]),
}

# manufacturer, commercial name, EMDN code, end of sale, end of support, expected life (years)
MODELS = [
    ("Philips", "IntelliVue MX450", "Z1203020202", None, date(2031, 12, 31), 8),
    ("Philips", "IntelliVue MP50", "Z12030202", date(2017, 6, 30), date(2025, 12, 31), 8),
    ("GE HealthCare", "CARESCAPE B650", "Z12030202", None, date(2030, 6, 30), 8),
    ("Dräger", "Evita V500", "Z12030105", None, date(2032, 12, 31), 10),
    ("Dräger", "Evita XL", "Z12030105", date(2016, 12, 31), date(2024, 12, 31), 10),
    ("Hamilton Medical", "HAMILTON-C6", "Z12030105", None, date(2033, 12, 31), 10),
    ("Dräger", "Perseus A500", "Z1203010101", None, date(2032, 6, 30), 10),
    ("B. Braun", "Perfusor Space", "Z12030302", None, date(2030, 12, 31), 8),
    ("B. Braun", "Infusomat Space", "Z12030301", None, date(2030, 12, 31), 8),
    ("Fresenius Kabi", "Agilia SP", "Z12030302", None, date(2031, 12, 31), 8),
    ("Mindray", "BeneHeart D6", "Z12030502", None, date(2032, 12, 31), 8),
    ("ZOLL", "R Series", "Z12030502", date(2022, 12, 31), date(2027, 12, 31), 8),
    ("GE HealthCare", "LOGIQ E10", "Z110401", None, date(2030, 12, 31), 7),
    ("Philips", "EPIQ 7", "Z11040102", None, date(2029, 12, 31), 7),
    ("Fresenius Medical Care", "5008S", "Z12090201", None, date(2028, 12, 31), 10),
    ("Philips", "PageWriter TC50", "Z12050301", None, date(2027, 12, 31), 8),
]

BODIES = {
    "ugap": "UGAP",
    "resah": "RESAH",
    "uniha": "UniHA",
    "caih": "CAIH",
}


@dataclass(frozen=True)
class DemoLot:
    number: str
    title: str
    scopes: tuple[str, ...]
    suppliers: tuple[str, ...]
    codes: tuple[str, ...]
    models: tuple[str, ...] = ()  # commercial names of the models covered
    min_quantity: int | None = None
    max_quantity: int | None = None
    max_amount: str | None = None


@dataclass(frozen=True)
class DemoMarket:
    body: str
    reference: str
    title: str
    starts: date
    duration_months: int
    renewals: int
    renewal_months: int | None
    lots: tuple[DemoLot, ...]
    min_amount: str | None = None
    max_amount: str | None = None


# Shaped like the bodies' framework agreements (four years at most, renewals included);
# the references and amounts are made up.
MARKETS = [
    DemoMarket(
        "ugap",
        "DEMO-UGAP-2024-MON",
        "Monitorage des patients et défibrillation (démo)",
        date(2024, 1, 1),
        24,
        2,
        12,
        (
            DemoLot(
                "1",
                "Moniteurs multiparamétriques",
                ("acquisition", "maintenance", "accessories"),
                ("Philips France", "GE Medical Systems SCS"),
                ("Z12030202",),
                ("IntelliVue MX450", "CARESCAPE B650"),
                min_quantity=10,
                max_quantity=400,
            ),
            DemoLot(
                "2",
                "Défibrillateurs",
                ("acquisition", "maintenance", "consumables"),
                ("Mindray Medical France", "ZOLL Medical France"),
                ("Z12030502",),
                ("BeneHeart D6", "R Series"),
                max_quantity=150,
            ),
        ),
        min_amount="500000.00",
        max_amount="12000000.00",
    ),
    DemoMarket(
        "ugap",
        "DEMO-UGAP-2023-ECG",
        "Électrocardiographes (démo)",
        date(2023, 7, 1),
        36,
        1,
        6,
        (
            DemoLot(
                "1",
                "Électrocardiographes de repos",
                ("acquisition", "consumables"),
                ("Philips France",),
                ("Z12050301",),
                ("PageWriter TC50",),
                max_amount="800000.00",
            ),
        ),
    ),
    DemoMarket(
        "resah",
        "DEMO-RESAH-2023-VENT",
        "Ventilation et anesthésie (démo)",
        date(2023, 3, 1),
        24,
        2,
        12,
        (
            DemoLot(
                "1",
                "Ventilateurs de réanimation",
                ("acquisition", "maintenance", "accessories", "consumables"),
                ("Dräger France", "Hamilton Medical France"),
                ("Z12030105",),
                ("Evita V500", "HAMILTON-C6"),
                min_quantity=5,
                max_quantity=120,
            ),
            DemoLot(
                "2",
                "Stations d\u2019anesthésie",
                ("acquisition", "maintenance"),
                ("Dräger France",),
                ("Z1203010101",),
                ("Perseus A500",),
                max_quantity=60,
            ),
        ),
        max_amount="9000000.00",
    ),
    DemoMarket(
        "resah",
        "DEMO-RESAH-2025-PERF",
        "Perfusion : pompes et pousse-seringues (démo)",
        date(2025, 4, 1),
        36,
        1,
        12,
        (
            DemoLot(
                "1",
                "Pousse-seringues",
                ("acquisition", "consumables"),
                ("B. Braun Medical", "Fresenius Kabi France"),
                ("Z12030302",),
                ("Perfusor Space", "Agilia SP"),
                min_quantity=50,
                max_quantity=2000,
            ),
            DemoLot(
                "2",
                "Pompes à perfusion volumétriques",
                ("acquisition", "maintenance", "consumables"),
                ("B. Braun Medical",),
                ("Z12030301",),
                ("Infusomat Space",),
                max_quantity=1500,
            ),
        ),
    ),
    DemoMarket(
        "uniha",
        "DEMO-UNIHA-2025-DIAL",
        "Dialyse (démo)",
        date(2025, 1, 1),
        48,
        0,
        None,
        (
            DemoLot(
                "1",
                "Générateurs d\u2019hémodialyse",
                ("acquisition", "maintenance", "consumables"),
                ("Fresenius Medical Care France",),
                ("Z12090201",),
                ("5008S",),
            ),
        ),
    ),
    DemoMarket(
        "caih",
        "DEMO-CAIH-2022-ECHO",
        "Échographie (démo)",
        date(2022, 6, 1),
        36,
        1,
        12,
        (
            DemoLot(
                "1",
                "Échographes polyvalents",
                ("acquisition", "maintenance"),
                ("GE Medical Systems SCS", "Philips France"),
                ("Z110401",),
                ("LOGIQ E10", "EPIQ 7"),
            ),
        ),
    ),
]


def load_demo_markets(terms: dict[str, NomenclatureTerm]) -> None:
    """The demo's framework agreements, with their lots, suppliers and models covered."""
    for code, name in BODIES.items():
        PurchasingBody.objects.get_or_create(code=code, defaults={"name": name})
    models = {m.commercial_name: m for m in DeviceModel.objects.all()}
    for item in MARKETS:
        market, created = Market.objects.get_or_create(
            purchasing_body=PurchasingBody.objects.get(code=item.body),
            reference=item.reference,
            defaults={
                "title": item.title,
                "starts": item.starts,
                "duration_months": item.duration_months,
                "renewals": item.renewals,
                "renewal_months": item.renewal_months,
                "ends": end_of(
                    item.starts, item.duration_months, item.renewals, item.renewal_months
                ),
                "min_amount": item.min_amount,
                "max_amount": item.max_amount,
            },
        )
        if not created:
            continue
        for lot_item in item.lots:
            lot = Lot.objects.create(
                market=market,
                number=lot_item.number,
                title=lot_item.title,
                scopes=sorted(lot_item.scopes),
                min_quantity=lot_item.min_quantity,
                max_quantity=lot_item.max_quantity,
                max_amount=lot_item.max_amount,
            )
            lot.suppliers.set(
                [Supplier.objects.get_or_create(name=s)[0] for s in lot_item.suppliers]
            )
            lot.terms.set([terms[c] for c in lot_item.codes if c in terms])
            lot.device_models.set([models[n] for n in lot_item.models if n in models])


@transaction.atomic
def load_demo_catalogue() -> int:
    """Create the demo catalogue (marked dirty, to be published); returns the models created."""
    terms = {t.code: t for t in NomenclatureTerm.objects.filter(system__code="emdn")}
    makers = {}
    for name, (country, aliases) in MANUFACTURERS.items():
        makers[name], _ = Manufacturer.objects.get_or_create(
            name=name, defaults={"country": country, "aliases": aliases}
        )
    created = 0
    for maker, name, code, eosale, eosupport, life in MODELS:
        model, was_created = DeviceModel.objects.get_or_create(
            manufacturer=makers[maker],
            commercial_name=name,
            catalogue_reference="",
            defaults={
                "end_of_sale": eosale,
                "end_of_support": eosupport,
                "end_of_support_source": DEMO_SOURCE,
                "expected_life_years": life,
            },
        )
        if was_created:
            if code in terms:
                model.terms.add(terms[code])
            created += 1
    load_demo_markets(terms)
    notice, notice_created = SafetyNotice.objects.get_or_create(
        reference="DEMO-FSN-2026-001",
        defaults={
            "date": date(2026, 10, 15),
            "issuer": "Dräger (démo)",
            "title": "Évaluation de la batterie interne : mise à jour logicielle (démo)",
            "link": "",
        },
    )
    if notice_created:
        notice.device_models.set(
            DeviceModel.objects.filter(commercial_name__in=["Evita XL", "Evita V500"])
        )
    return created
