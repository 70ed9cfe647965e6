"""Writes the demo tenants' structure files and CMMS exports (deterministic: seeded).

    python demo/make_files.py

The files look like what hospitals really export: Windows-1252 CSV with ``;``, a title row,
blank lines, dd/mm/yyyy dates, decimal commas with thousands separators, extra columns; and
XLSX with a merged title row. Manufacturer and model names are spelled the ways CMMS users
spell them (exact, with aliases, with typos, and models absent from the reference catalogue),
so the import shows every kind of match. Names and numbers are made up for the demo.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent / "files"

POLES = [
    (
        "P01",
        "Pôle Médecine",
        [
            (
                "S011",
                "Cardiologie",
                [
                    "Hospitalisation cardiologie",
                    "Soins intensifs cardiologiques",
                    "Explorations fonctionnelles",
                ],
            ),
            ("S012", "Pneumologie", ["Hospitalisation pneumologie", "Exploration respiratoire"]),
            ("S013", "Néphrologie", ["Hémodialyse", "Hospitalisation néphrologie"]),
        ],
    ),
    (
        "P02",
        "Pôle Chirurgie",
        [
            (
                "S021",
                "Bloc opératoire",
                [
                    "Bloc central",
                    "Bloc ambulatoire",
                    "Salle de surveillance post-interventionnelle",
                ],
            ),
            ("S022", "Chirurgie digestive", ["Hospitalisation chirurgie digestive"]),
            ("S023", "Orthopédie", ["Hospitalisation orthopédie", "Consultations orthopédie"]),
        ],
    ),
    (
        "P03",
        "Pôle Urgences – Réanimation",
        [
            ("S031", "Urgences", ["Urgences adultes", "UHCD", "SMUR"]),
            ("S032", "Réanimation", ["Réanimation polyvalente", "Unité de surveillance continue"]),
        ],
    ),
    (
        "P04",
        "Pôle Femme – Enfant",
        [
            ("S041", "Maternité", ["Salle de naissance", "Suites de couches"]),
            ("S042", "Pédiatrie", ["Hospitalisation pédiatrie", "Néonatologie"]),
        ],
    ),
    (
        "P05",
        "Pôle Imagerie",
        [
            ("S051", "Radiologie", ["Radiologie conventionnelle", "Échographie", "Scanner"]),
        ],
    ),
]

# (manufacturer as the CMMS spells it, model as the CMMS spells it, unit price, weight)
DEVICES = [
    ("Philips", "IntelliVue MX450", 6500, 14),
    ("PHILIPS HEALTHCARE", "INTELLIVUE MX450", 6500, 6),
    ("Philips Medical Systems", "MP50", 7200, 5),
    ("GE Healthcare", "CARESCAPE B650", 9800, 6),
    ("GE MEDICAL SYSTEMS", "Carescape B-650", 9800, 2),
    ("Dräger", "Evita V500", 38000, 4),
    ("DRAEGER", "EVITA XL", 31000, 3),
    ("Dräger Medical GmbH", "Perseus A500", 62000, 2),
    ("Hamilton Medical AG", "Hamilton C6", 41000, 2),
    ("B. Braun", "Perfusor Space", 1450, 22),
    ("B BRAUN", "Infusomat Space", 2100, 16),
    ("B.Braun Melsungen", "Perfusor Spaces", 1450, 3),
    ("Fresenius Kabi", "Agilia SP", 1300, 12),
    ("Mindray", "BeneHeart D6", 8900, 3),
    ("ZOLL", "R Series", 14500, 3),
    ("Zoll Medical", "R-Series Plus", 15200, 1),
    ("GE HealthCare", "LOGIQ E10", 98000, 1),
    ("Philips", "EPIQ 7", 120000, 1),
    ("Fresenius Medical Care", "5008S", 24000, 3),
    ("FMC", "5008 S", 24000, 1),
    ("Philips", "PageWriter TC50", 7800, 2),
    # Not in the reference catalogue: stay without a match.
    ("Getinge", "Servo-u", 35000, 2),
    ("Welch Allyn", "Connex Spot Monitor", 2300, 6),
    ("Stryker", "Power-PRO XT", 21000, 2),
    ("Medela", "Symphony", 1900, 3),
    ("Schiller", "Cardiovit AT-102 G2", 5200, 2),
]
STATUSES = ["En service"] * 17 + ["En panne", "En stock", "Réformé"]


def units(establishment_index: int) -> list[tuple[str, str, str, str, str, str]]:
    """(pôle code, pôle, service code, service, UF code, UF) of one establishment."""
    rows = []
    for pole_code, pole, services in POLES:
        for service_code, service, ufs in services:
            for index, uf in enumerate(ufs, start=1):
                code = f"{establishment_index}{service_code[1:]}{index}"
                rows.append((pole_code, pole, service_code, service, code, uf))
    return rows


def structure_rows(establishments: list[tuple[str, str]]) -> list[list[str]]:
    rows = []
    for index, (finess, name) in enumerate(establishments, start=1):
        for pole_code, pole, service_code, service, code, uf in units(index):
            rows.append(
                [finess, name, pole_code, pole, service_code, service, code, uf, "01/01/2019", ""]
            )
    return rows


def french_number(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def inventory_rows(prefix: str, establishments: int, count: int, seed: int) -> list[list[object]]:
    rng = random.Random(seed)
    weights = [d[3] for d in DEVICES]
    uf_codes = [u[4] for e in range(1, establishments + 1) for u in units(e)]
    rows: list[list[object]] = []
    for number in range(1, count + 1):
        manufacturer, model, price, _weight = rng.choices(DEVICES, weights)[0]
        commissioned = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 17 * 365))
        value = (Decimal(price) * Decimal(rng.uniform(0.85, 1.15))).quantize(Decimal("0.01"))
        rows.append(
            [
                f"{prefix}{number:06d}",
                rng.choice(uf_codes),
                manufacturer,
                model,
                f"SN{rng.randrange(10**7, 10**8)}",
                commissioned,
                value,
                rng.choice(STATUSES),
                rng.choice(["Haute", "Moyenne", "Basse"]),
                rng.choice(["Oui", "Non"]),
                f"Bât. {rng.choice('ABCDEF')} – {rng.randrange(0, 5)}e étage",
            ]
        )
    return rows


STRUCTURE_HEADER = [
    "FINESS",
    "Établissement",
    "Code pôle",
    "Pôle",
    "Code service",
    "Service",
    "Code UF",
    "UF",
    "Début",
    "Fin",
]
INVENTORY_HEADER = [
    "N° inventaire",
    "UF",
    "Marque",
    "Modèle",
    "N° série",
    "Date mise en service",
    "Valeur d'achat",
    "Statut",
    "Criticité",
    "Contrat de maintenance",
    "Localisation",
]


def write_csv(path: Path, title: str, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([title])
    writer.writerow([])
    writer.writerow(header)
    for index, row in enumerate(rows):
        if index and index % 500 == 0:
            writer.writerow([])  # exports paginate with blank lines
        writer.writerow(
            [
                f"{v:%d/%m/%Y}"
                if isinstance(v, date)
                else french_number(v)
                if isinstance(v, Decimal)
                else v
                for v in row
            ]
        )
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def write_xlsx(path: Path, title: str, header: list[str], rows: Sequence[Sequence[object]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
    for cell in sheet["F"][2:]:
        cell.number_format = "DD/MM/YYYY"
    workbook.save(path)


def main() -> None:
    HERE.mkdir(exist_ok=True)
    somme = [
        ("800000259", "CHU Amiens-Picardie (démo)"),
        ("800000051", "CH d'Abbeville (démo)"),
        ("800000077", "CH de Doullens (démo)"),
    ]
    compiegne = [("600000111", "CH de Compiègne (démo)")]
    write_csv(
        HERE / "ght-somme-structure.csv",
        "Structure GHT Somme Littoral – export du 02/11/2026",
        STRUCTURE_HEADER,
        structure_rows(somme),
    )
    write_csv(
        HERE / "ght-somme-inventory.csv",
        "Export GMAO – parc biomédical au 02/11/2026",
        INVENTORY_HEADER,
        inventory_rows("GHT", len(somme), 4000, seed=80),
    )
    write_xlsx(
        HERE / "ch-compiegne-structure.xlsx",
        "Structure CH de Compiègne",
        STRUCTURE_HEADER,
        structure_rows(compiegne),
    )
    write_xlsx(
        HERE / "ch-compiegne-inventory.xlsx",
        "Parc biomédical – CH de Compiègne",
        INVENTORY_HEADER,
        inventory_rows("CPG", len(compiegne), 1500, seed=60),
    )


if __name__ == "__main__":
    main()
