"""Demo catalogue: real manufacturers and model names, EMDN codes from the real file.

The end-of-sale and end-of-support dates are plausible values for the demo, not the
manufacturers' published dates; the markets are shaped like the central purchasing bodies'
framework agreements but their references are made up. Both say so in their source fields.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

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

# body, reference, title, start, end, lots: (number, title, suppliers, EMDN codes)
MARKETS = [
    (
        "ugap",
        "DEMO-UGAP-2024-MON",
        "Monitorage des patients (démo)",
        date(2024, 1, 1),
        date(2027, 12, 31),
        [
            (
                "1",
                "Moniteurs multiparamétriques",
                ["Philips France", "GE Medical Systems SCS"],
                ["Z12030202"],
            )
        ],
    ),
    (
        "resah",
        "DEMO-RESAH-2023-VENT",
        "Ventilation de réanimation (démo)",
        date(2023, 3, 1),
        date(2026, 12, 31),
        [
            ("1", "Ventilateurs de réanimation", ["Dräger France"], ["Z12030105"]),
            ("2", "Stations d'anesthésie", ["Dräger France"], ["Z1203010101"]),
        ],
    ),
    (
        "uniha",
        "DEMO-UNIHA-2025-PERF",
        "Perfusion (démo)",
        date(2025, 1, 1),
        date(2028, 12, 31),
        [
            ("1", "Pousse-seringues", ["B. Braun Medical", "Fresenius Kabi France"], ["Z12030302"]),
            ("2", "Pompes à perfusion", ["B. Braun Medical"], ["Z12030301"]),
        ],
    ),
    (
        "caih",
        "DEMO-CAIH-2022-ECHO",
        "Échographie (démo)",
        date(2022, 6, 1),
        date(2026, 5, 31),
        [
            (
                "1",
                "Échographes polyvalents",
                ["GE Medical Systems SCS", "Philips France"],
                ["Z110401"],
            )
        ],
    ),
]


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
    for code, name in BODIES.items():
        PurchasingBody.objects.get_or_create(code=code, defaults={"name": name})
    for body, reference, title, starts, ends, lots in MARKETS:
        market, _ = Market.objects.get_or_create(
            purchasing_body=PurchasingBody.objects.get(code=body),
            reference=reference,
            defaults={"title": title, "starts": starts, "ends": ends},
        )
        for number, lot_title, suppliers, codes in lots:
            lot, lot_created = Lot.objects.get_or_create(
                market=market, number=number, defaults={"title": lot_title}
            )
            if lot_created:
                lot.suppliers.set([Supplier.objects.get_or_create(name=s)[0] for s in suppliers])
                lot.terms.set([terms[c] for c in codes if c in terms])
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
