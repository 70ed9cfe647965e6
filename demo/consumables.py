"""The demo GHT's catalogue of consumables and accessories (inside the tenant).

Generated but realistic: French designations of what biomedical services order (electrodes,
SpO2 sensors, ventilation circuits...), real suppliers' names, made-up codes, references and
prices, on two local markets the demo creates. The catalogue goes through the real import (a
CSV as the purchasing system exports it, in an import job the catalogue's import page lists);
a requester then keeps a list shared with their UF.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from django.core.files.base import ContentFile

from tenants.access.models import Role
from tenants.accounts.models import User
from tenants.catalogue import services
from tenants.catalogue.imports import DEFAULT_MAPPING
from tenants.catalogue.models import Product, ProductList
from tenants.imports.models import ImportJob
from tenants.imports.services import run_import
from tenants.markets.models import Lot, Market
from tenants.structure.models import FunctionalUnit

# Family -> (code prefix, market reference and lot number or None, designations).
FAMILIES: dict[str, tuple[str, tuple[str, str] | None, tuple[str, ...]]] = {
    "Électrodes": (
        "ELE",
        ("DEMO-CONSO-2026-01", "1"),
        (
            "Électrode ECG adulte pré-gélifiée",
            "Électrode ECG pédiatrique",
            "Électrode ECG néonatale",
            "Électrode de défibrillation adulte",
            "Électrode de défibrillation pédiatrique",
            "Électrode EEG cupule",
            "Électrode de stimulation TENS",
        ),
    ),
    "Capteurs SpO2": (
        "SPO",
        ("DEMO-CONSO-2026-01", "2"),
        (
            "Capteur SpO2 adulte à usage unique",
            "Capteur SpO2 pédiatrique à usage unique",
            "Capteur SpO2 néonatal",
            "Capteur SpO2 pince doigt réutilisable",
            "Capteur SpO2 oreille",
        ),
    ),
    "Circuits de ventilation": (
        "VEN",
        ("DEMO-CONSO-2026-02", "1"),
        (
            "Circuit patient ventilation adulte",
            "Circuit patient ventilation pédiatrique",
            "Circuit patient chauffant",
            "Filtre antibactérien échangeur de chaleur et d\u2019humidité",
            "Piège à eau",
            "Masque de ventilation non invasive",
        ),
    ),
    "Brassards": (
        "BRA",
        ("DEMO-CONSO-2026-01", "3"),
        (
            "Brassard de tension adulte",
            "Brassard de tension enfant",
            "Brassard de tension grand adulte",
            "Brassard néonatal à usage unique",
        ),
    ),
    "Câbles et accessoires": (
        "CAB",
        ("DEMO-CONSO-2026-01", "3"),
        (
            "Câble ECG 3 brins",
            "Câble ECG 5 brins",
            "Câble tronc ECG",
            "Rallonge SpO2",
            "Câble de pression invasive",
        ),
    ),
    "Perfusion": (
        "PER",
        ("DEMO-CONSO-2026-02", "2"),
        (
            "Tubulure pour pompe volumétrique",
            "Prolongateur pour pousse-seringue",
            "Seringue 50 ml pour pousse-seringue",
            "Robinet trois voies",
            "Filtre de perfusion 0,2 µm",
        ),
    ),
    "Capteurs de pression": (
        "PRE",
        ("DEMO-CONSO-2026-02", "2"),
        (
            "Capteur de pression invasive",
            "Kit de monitorage de pression artérielle",
            "Dôme de pression",
        ),
    ),
    "Sondes de température": (
        "TEM",
        None,
        (
            "Sonde de température cutanée",
            "Sonde de température œsophagienne",
            "Sonde de température rectale",
        ),
    ),
    "Papier et gels": (
        "PAP",
        None,
        (
            "Papier thermique ECG",
            "Papier enregistreur cardiotocographe",
            "Gel échographique",
            "Gel conducteur",
        ),
    ),
    "Aspiration": (
        "ASP",
        ("DEMO-CONSO-2026-02", "1"),
        (
            "Bocal d\u2019aspiration",
            "Poche d\u2019aspiration à usage unique",
            "Sonde d\u2019aspiration trachéale",
        ),
    ),
}
SUPPLIERS = (
    "Ambu",
    "3M",
    "Masimo",
    "Medtronic",
    "Intersurgical",
    "Fisher & Paykel",
    "GE Healthcare",
    "Philips",
    "Dräger",
    "B. Braun",
    "Fresenius Kabi",
    "BD",
    "Vygon",
    "Smiths Medical",
    "Teleflex",
    "Nihon Kohden",
    "Mindray",
    "Schiller",
)
VARIANTS = (
    "taille S",
    "taille M",
    "taille L",
    "longueur 150 cm",
    "longueur 250 cm",
    "modèle standard",
    "radio-transparent",
    "sans latex",
    "stérile",
    "connectique universelle",
)
UNITS = ("pièce", "boîte de 10", "boîte de 25", "sachet de 50", "carton de 100")
MARKETS = {
    "DEMO-CONSO-2026-01": (
        "Consommables de monitorage (démo)",
        {"1": "Électrodes", "2": "Oxymétrie", "3": "Brassards et câbles"},
    ),
    "DEMO-CONSO-2026-02": (
        "Consommables de ventilation, perfusion et aspiration (démo)",
        {"1": "Ventilation et aspiration", "2": "Perfusion et pression"},
    ),
}


def product_rows(count: int, seed: int = 7) -> Iterator[dict[str, str]]:
    """``count`` products as the export's rows (field -> text), the same for the same seed."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    families = list(FAMILIES.items())
    for i in range(count):
        family, (prefix, place, designations) = families[i % len(families)]
        price = rng.uniform(0.3, 250)
        yield {
            "code": f"{prefix}{i:06d}",
            "designation": f"{rng.choice(designations)}, {rng.choice(VARIANTS)}",
            "family": family,
            "supplier": rng.choice(SUPPLIERS),
            "supplier_reference": f"{rng.choice('ABCDEFGHKLMNPRST')}{rng.randrange(10**5, 10**6)}"
            f"-{rng.randrange(10, 99)}",
            "market": place[0] if place else "",
            "lot": place[1] if place else "",
            "unit": rng.choice(UNITS),
            "unit_price": f"{price:.2f}".replace(".", ","),
            "fits_models": "",
        }


def ensure_markets() -> None:
    for reference, (title, lots) in MARKETS.items():
        market, _created = Market.objects.get_or_create(
            origin="local",
            reference=reference,
            defaults={"title": title, "procedure": "open_tender"},
        )
        for number, lot_title in lots.items():
            Lot.objects.get_or_create(
                market=market,
                number=number,
                defaults={"title": lot_title, "scopes": ["consumables"]},
            )


def export_csv(rows: Iterator[dict[str, str]]) -> bytes:
    """The rows as the purchasing system exports them: ``;``-separated, decimal commas."""
    lines = [";".join(DEFAULT_MAPPING.values())]
    for row in rows:
        lines.append(";".join(row[field].replace(";", ",") for field in DEFAULT_MAPPING))
    return ("\r\n".join(lines) + "\r\n").encode()


def import_as_purchasing_does(data: bytes, filename: str) -> ImportJob:
    """The file imported as the buyer imports it from the catalogue's import page: a job,
    which that page lists with its report (run here, as a worker would run it)."""
    buyer = User.objects.filter(grants__role=Role.BUYER).order_by("pk").first()
    job = ImportJob.objects.create(
        kind="catalogue",
        file=ContentFile(data, name=filename),
        filename=filename,
        mapping=dict(DEFAULT_MAPPING),
        dry_run=False,
        created_by=buyer,
        language="fr",
    )
    job = run_import(job.pk)
    if job.state != ImportJob.State.DONE:
        raise RuntimeError(f"the demo catalogue was not imported: {job.state} {job.problems[:5]}")
    return job


def load_demo_consumables(count: int = 3000) -> list[str]:
    """Once: the catalogue, and a requester's list shared with their UF."""
    if Product.objects.exists():
        return []
    ensure_markets()
    job = import_as_purchasing_does(export_csv(product_rows(count)), "export-achats.csv")
    done = [f"  catalogue: {job.report['created']} consumables and accessories"]
    # The demo's requesters hold their role on an establishment (the cadre de santé): the list
    # is shared with a UF of it, whose people see it.
    owner = User.objects.filter(grants__role=Role.REQUESTER).order_by("pk").first()
    if owner is not None and not ProductList.objects.exists():
        grant = owner.grants.filter(role=Role.REQUESTER).order_by("pk").first()
        units = FunctionalUnit.objects.order_by("code")
        if grant is not None and grant.uf_id is not None:
            units = units.filter(pk=grant.uf_id)
        elif grant is not None and grant.establishment_id is not None:
            units = units.filter(service__pole__establishment_id=grant.establishment_id)
        unit = units.first()
        kept = services.create_list(owner, "Réassort mensuel du service")
        for code, quantity in (
            ("ELE000000", 20),
            ("SPO000001", 10),
            ("VEN000002", 4),
            ("BRA000003", 2),
        ):
            product = Product.objects.filter(code=code).first()
            if product is not None:
                services.add_to_list(owner, kept, product, quantity)
        if unit is not None:
            services.share_list(owner, kept, uf=unit, can_edit=True)
            done.append(f"  a list of {owner.email} shared with UF {unit.code}")
    return done
