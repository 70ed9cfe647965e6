"""Writes the demo tenants' structure files, CMMS exports (devices, work orders) and finance
system exports (order lines, fixed assets, invoices); deterministic: seeded.

    python demo/make_files.py   # prints the disagreements made on purpose in each tenant's

The files look like what hospitals really export: Windows-1252 CSV with ``;``, a title row,
blank lines, dd/mm/yyyy dates, decimal commas with thousands separators, extra columns; and
XLSX with a merged title row. Manufacturer and model names are spelled the ways CMMS users
spell them (exact, with aliases, with typos, and models absent from the reference catalogue),
so the import shows every kind of match. The finance and work order exports are made from the
generated inventory and agree with it, except for the disagreements ``Deliberate`` lists. Names
and numbers are made up for the demo.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
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


# The finance system's and the CMMS's exports, made from the generated inventory so that they
# agree with it (inventory numbers, UF, serials, values, commissioning dates) except where the
# controls are meant to find something: see ``Deliberate``.
EXPORT_DAY = date(2026, 12, 1)
ORDERS_SINCE = date(2019, 1, 1)  # older devices' assets name no order (the register's migration)
MARKET_TITLES = ["UGAP", "RESAH", "GHT"]
# The supplier the finance system knows for a manufacturer as the CMMS spells it (first word).
SUPPLIERS = {
    "philips": "Philips France",
    "ge": "GE Medical Systems SCS",
    "dräger": "Dräger France",
    "draeger": "Dräger France",
    "hamilton": "Hamilton Medical France",
    "b.": "B. Braun Medical",
    "b": "B. Braun Medical",
    "b.braun": "B. Braun Medical",
    "fresenius": "Fresenius Kabi France",
    "fmc": "Fresenius Medical Care France",
    "mindray": "Mindray Medical France",
    "zoll": "Zoll Medical France",
    "getinge": "Getinge France",
    "welch": "Welch Allyn France",
    "stryker": "Stryker France",
    "medela": "Medela France",
    "schiller": "Schiller France",
}
# What the service buys besides devices: (label, account, unit price, supplier).
SUPPLIES = [
    ("Câbles ECG 5 brins", "6066", 85, "Philips France"),
    ("Capteurs SpO2 adultes réutilisables", "6066", 120, "GE Medical Systems SCS"),
    ("Batteries pour pousse-seringues", "6066", 95, "B. Braun Medical"),
    ("Maintenance préventive annuelle ventilateurs", "6152", 2400, "Dräger France"),
    ("Pièces détachées moniteurs", "6063", 640, "Philips France"),
    ("Contrôle qualité défibrillateurs", "6152", 180, "Zoll Medical France"),
    ("Électrodes de défibrillation", "6066", 45, "Zoll Medical France"),
    ("Tubulures de perfusion (lot de 50)", "6066", 210, "Fresenius Kabi France"),
]
EQUIPMENT_ACCOUNT = "2154"
ORDER_HEADER = [
    "Exercice",
    "N° commande",
    "N° ligne",
    "Gestionnaire",
    "N° marché",
    "Code fournisseur",  # not imported: the file's extra columns are listed, not refused
    "Fournisseur",
    "Date commande",
    "Objet de la dépense",
    "N° programme",
    "UF",
    "Compte",
    "Libellé",
    "Qté commandée",
    "Qté reçue",
    "Montant engagé",
    "Montant liquidé",
    "Soldée",
]
ASSET_HEADER = [
    "N° fiche",
    "Exercice",
    "UF",
    "Compte",
    "N° commande",
    "N° ligne",
    "Libellé",
    "N° inventaire",
    "N° série",
    "Date mise en service",
    "Durée",
    "Valeur",
    "Date sortie",
]
INVOICE_HEADER = [
    "Fournisseur",
    "N° facture",
    "N° commande",
    "Date facture",
    "Date réception",
    "N° engagement Chorus",
    "Montant TTC",
    "État",
]
WORK_ORDER_HEADER = [
    "N° intervention",
    "N° inventaire",
    "Type",
    "Libellé",
    "Date début",
    "Date fin",
    "Coût",
    "N° commande",
]
# The demo plan lines followed up to their order (demo/campaign.py FOLLOW_UP): their order
# numbers, typed on the lines, are orders of the GHT's export: title -> (order number, UF,
# amount, stage reached).
PLAN_ORDERS = {
    "Chariot d'urgence": ("2690001", "10311", "7250", "ordered"),
    "Table d'examen électrique": ("2690002", "10113", "5080", "delivered"),
    "Électrocardiographe connecté": ("2690003", "10111", "7790", "commissioned"),
    "Vidéolaryngoscope": ("2690004", "10321", "8420", "closed"),
}


@dataclass(frozen=True)
class Item:
    """A device of the generated inventory (a row of ``inventory_rows``)."""

    number: str
    uf: str
    manufacturer: str
    model: str
    serial: str
    commissioned: date
    value: Decimal
    status: str

    @classmethod
    def of(cls, row: Sequence[object]) -> Item:
        commissioned, value = row[5], row[6]
        assert isinstance(commissioned, date) and isinstance(value, Decimal)
        number, uf, manufacturer, model, serial = (str(v) for v in row[:5])
        return cls(number, uf, manufacturer, model, serial, commissioned, value, str(row[7]))


@dataclass
class Line:
    order: Order
    number: int
    uf: str
    account: str
    label: str
    ordered: Decimal
    committed: Decimal
    received: Decimal = Decimal(0)
    paid: Decimal = Decimal(0)
    closed: bool = False
    devices: list[Item] = field(default_factory=list)


@dataclass
class Order:
    number: str
    supplier: str
    day: date
    market: str
    purpose: str
    programme: str = ""
    lines: list[Line] = field(default_factory=list)

    def add(self, uf: str, account: str, label: str, quantity: int, total: Decimal) -> Line:
        line = Line(self, len(self.lines) + 1, uf, account, label, Decimal(quantity), total)
        self.lines.append(line)
        return line

    def settle(self) -> None:
        """Received, paid and closed, as an order of long ago."""
        for line in self.lines:
            line.received, line.paid, line.closed = line.ordered, line.committed, True


@dataclass
class Deliberate:
    """What the controls must find in the files: (what, where) for each disagreement made."""

    found: list[tuple[str, str]] = field(default_factory=list)

    def note(self, what: str, where: str) -> None:
        self.found.append((what, where))


SUPPLIER_CODES = {
    name: f"F{index:05d}"
    for index, name in enumerate(sorted(set(SUPPLIERS.values()) | {s[3] for s in SUPPLIES}), 1)
}


def _supplier(manufacturer: str) -> str:
    return SUPPLIERS[manufacturer.lower().split()[0]]


def _euros(value: float) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def _market(supplier: str, day: date) -> str:
    body = MARKET_TITLES[len(supplier) % len(MARKET_TITLES)]
    return f"{body}-{day.year - day.year % 4}-{len(supplier) * 7 % 90 + 10:03d}"


def finance_exports(
    prefix: str, rows: list[list[object]], uf_codes: list[str], seed: int, plan_orders: bool
) -> tuple[dict[str, list[list[object]]], Deliberate]:
    """The finance system's order lines, fixed assets and invoices and the CMMS's work orders
    of an inventory made by ``inventory_rows``, with the disagreements ``Deliberate`` lists."""
    rng = random.Random(seed)
    devices = [Item.of(row) for row in rows]
    deliberate = Deliberate()
    orders: list[Order] = []
    numbers = iter(range(1, 90_000))

    def new_order(supplier: str, day: date, purpose: str) -> Order:
        number = f"{day:%y}{next(numbers):05d}"
        order = Order(number, supplier, day, _market(supplier, day), purpose)
        orders.append(order)
        return order

    # Orders of the devices commissioned since 2019: one per supplier and month, one line per
    # model and UF; received, paid and closed long ago.
    bought: dict[tuple[str, int, int], dict[tuple[str, str], list[Item]]] = {}
    for device in devices:
        if device.commissioned >= ORDERS_SINCE:
            month = (
                _supplier(device.manufacturer),
                device.commissioned.year,
                device.commissioned.month,
            )
            bought.setdefault(month, {}).setdefault((device.model, device.uf), []).append(device)
    for (supplier, year, _month), lines in sorted(bought.items()):
        first = min(d.commissioned for group in lines.values() for d in group)
        order = new_order(
            supplier,
            first - timedelta(days=rng.randrange(20, 75)),
            f"Renouvellement équipements {year} – mise en service prévue",
        )
        for (model, uf), group in sorted(lines.items()):
            total = sum((d.value for d in group), Decimal(0))
            line = order.add(
                uf, EQUIPMENT_ACCOUNT, f"{group[0].manufacturer} {model}", len(group), total
            )
            line.devices = group
        order.settle()

    # Recent orders of supplies and maintenance, in every state their age allows: received,
    # paid and closed after 45 days, on their way before.
    recent = []
    for _index in range(140):
        age = rng.randrange(3, 700)
        supplier = rng.choice(SUPPLIES)[3]
        order = new_order(supplier, EXPORT_DAY - timedelta(days=age), "Fonctionnement biomédical")
        for _line in range(rng.choice([1, 1, 2, 3])):
            label, account, unit, _name = rng.choice([s for s in SUPPLIES if s[3] == supplier])
            quantity = rng.choice([1, 2, 5, 10, 20])
            order.add(rng.choice(uf_codes), account, label, quantity, _euros(unit * quantity))
        if age > 45:
            order.settle()
        else:
            # Nothing or part received: a line received in full waits for nothing.
            for line in order.lines:
                line.received = rng.choice([Decimal(0), Decimal(int(line.ordered) // 2)])
        recent.append(order)

    # The demo plan lines' orders (their numbers typed on the lines by demo/campaign.py).
    if plan_orders:
        for index, (title, (planned, uf, price, stage)) in enumerate(PLAN_ORDERS.items()):
            day = EXPORT_DAY - timedelta(days=30 + 15 * index)
            order = Order(planned, "Philips France", day, _market("Philips France", day), title)
            orders.append(order)
            line = order.add(uf, EQUIPMENT_ACCOUNT, title, 1, Decimal(price))
            if stage != "ordered":
                line.received = line.ordered
            if stage in ("commissioned", "closed"):
                line.paid, line.closed = line.committed, True

    # -- The orders' deliberate disagreements ------------------------------------------------
    settled = [o for o in recent if all(line.closed for line in o.lines)]
    # A line at 0 € in an order of several lines (the order itself is not at 0 €); a line left
    # open in an order of less than 6 months (that check is another's).
    several = rng.sample([o for o in settled if len(o.lines) > 1], 3)
    young = rng.sample(
        [o for o in settled if o not in several and EXPORT_DAY - o.day < timedelta(days=180)], 3
    )
    rest = rng.sample([o for o in settled if o not in several and o not in young], 9)
    picked = rest[:5] + several + rest[5:6] + young + rest[6:]
    for order in picked[:3]:
        order.market, order.purpose = "", "Achat hors marché – dépannage urgent"
        deliberate.note("order without market number nor HM code", order.number)
    # Off contract under an exception's code: what the controls must not report.
    picked[3].market, picked[3].purpose = "", "HM1 – appel d'offres perfusion en cours"
    picked[4].market, picked[4].purpose = "", "HM4 – achat ponctuel"
    for order in picked[5:8]:
        order.lines[0].committed = order.lines[0].paid = Decimal(0)
        deliberate.note("line at 0 €", f"{order.number}/1")
    free = picked[8]
    free.purpose = "Mise à disposition gratuite – prêt fournisseur"
    for line in free.lines:
        line.committed = line.paid = Decimal(0)
    deliberate.note("order at 0 €", free.number)
    for order in picked[9:12]:
        order.lines[-1].closed = False
        deliberate.note(
            "line received in full but not closed", f"{order.number}/{len(order.lines)}"
        )
    for order in picked[12:15]:
        deliberate.note("invoice waiting on a closed order", order.number)
    waiting_on_closed = {order.number for order in picked[12:15]}
    for age in (200, 260, 320):
        order = new_order(
            "Philips France",
            EXPORT_DAY - timedelta(days=age),
            "Moniteurs de surveillance – livraison en plusieurs fois",
        )
        line = order.add(
            rng.choice(uf_codes), EQUIPMENT_ACCOUNT, "Philips IntelliVue MX450", 6, Decimal(39000)
        )
        line.received, line.paid = Decimal(4), Decimal(26000)
        deliberate.note("order open for more than 6 months", order.number)
    for age in (105, 130, 170):
        order = new_order(
            "Dräger France", EXPORT_DAY - timedelta(days=age), "Ventilateur de transport"
        )
        order.add(
            rng.choice(uf_codes), EQUIPMENT_ACCOUNT, "Dräger Oxylog 3000 plus", 1, Decimal(14800)
        )
        deliberate.note("order not received 90 days after it was placed", order.number)

    # -- Fixed assets: one per device, bar the deliberate disagreements ----------------------
    line_of = {d.number: line for o in orders for line in o.lines for d in line.devices}
    in_service = [d for d in devices if d.status == "En service"]
    odd = rng.sample(in_service, 5 + 9 + 6)
    no_asset = {d.number for d in odd[:5]}
    differs = {d.number: what for d, what in zip(odd[5:14], ["value", "UF", "date"] * 3)}
    serial_only = {d.number for d in odd[14:]}  # an old register's sheet: the serial only
    retired = [d for d in devices if d.status == "Réformé"]
    on_books = {d.number for d in rng.sample(retired, 4)}
    assets: list[list[object]] = []
    sheets = iter(range(1, 1_000_000))
    for device in devices:
        if device.number in no_asset:
            deliberate.note("device with no fixed asset", device.number)
            continue
        commissioned, value, uf = device.commissioned, device.value, device.uf
        what = differs.get(device.number)
        if what == "value":
            value += Decimal(1200)
        elif what == "UF":
            uf = next(code for code in uf_codes if code != uf)
        elif what == "date":
            commissioned += timedelta(days=92)
        if what:
            deliberate.note(f"asset {what} differs from the device's", device.number)
        disposed: object = ""
        if device.status == "Réformé":
            if device.number in on_books:
                deliberate.note("retired device still on the books", device.number)
            else:
                later = commissioned + timedelta(days=rng.randrange(700, 3000))
                disposed = min(later, EXPORT_DAY)
        bought_on = line_of.get(device.number)
        assets.append(
            [
                f"{commissioned.year}/{next(sheets):05d}",
                commissioned.year,
                uf,
                EQUIPMENT_ACCOUNT,
                bought_on.order.number if bought_on else "",
                bought_on.number if bought_on else "",
                f"{device.manufacturer} {device.model}",
                "" if device.number in serial_only else device.number,
                device.serial,
                commissioned,
                10 if value > 30000 else 5 if value < 3000 else 7,
                value,
                disposed,
            ]
        )
    for extra in range(4):
        number = f"{prefix}{len(devices) + 101 + extra:06d}"
        day = date(2021, 3, 1) + timedelta(days=97 * extra)
        assets.append(
            [
                f"{day.year}/{next(sheets):05d}",
                day.year,
                rng.choice(uf_codes),
                EQUIPMENT_ACCOUNT,
                "",
                "",
                "Aspirateur de mucosités",
                number,
                f"SN{rng.randrange(10**7, 10**8)}",
                day,
                5,
                Decimal(1850 + 10 * extra),
                "",
            ]
        )
        deliberate.note("fixed asset with no device", number)
    assets.sort(key=lambda row: str(row[0]))

    # -- Invoices: one per order received, paid once its lines are closed --------------------
    invoices: list[list[object]] = []
    for index, order in enumerate(orders, start=1):
        received = [line for line in order.lines if line.received]
        amount = sum((line.committed for line in received), Decimal(0))
        if not amount:
            continue
        closed = all(line.closed for line in order.lines)
        day = min(order.day + timedelta(days=rng.randrange(15, 60)), EXPORT_DAY)
        invoices.append(
            [
                order.supplier,
                f"FA{order.day:%y}-{index:06d}",
                order.number,
                day,
                min(day + timedelta(days=rng.randrange(1, 8)), EXPORT_DAY),
                f"EJ{order.number}",
                amount,
                "Payée" if closed and order.number not in waiting_on_closed else "En attente",
            ]
        )

    # -- Work orders on the devices in service, the last two years ---------------------------
    work_orders: list[list[object]] = []
    kinds = [
        ("Préventive", "Maintenance préventive", 50),
        ("Corrective", "Panne signalée par le service", 35),
        ("Contrôle qualité", "Contrôle qualité réglementaire", 15),
    ]
    for counter in range(1, len(devices) // 3 + 1):
        device = rng.choice(in_service)
        kind, label, _weight = rng.choices(kinds, [k[2] for k in kinds])[0]
        opened = max(EXPORT_DAY - timedelta(days=rng.randrange(0, 730)), device.commissioned)
        ended = opened + timedelta(days=rng.randrange(0, 21))
        if kind == "Corrective":
            cost = _euros(rng.choice([0, rng.uniform(50, 2500)]))
        else:
            cost = _euros(rng.uniform(0, 300))
        work_orders.append(
            [
                f"OT{prefix}{counter:06d}",
                device.number,
                kind,
                label,
                opened,
                ended if ended <= EXPORT_DAY else "",
                cost,
                f"{opened:%y}9{counter:04d}" if cost > 1000 else "",
            ]
        )
    work_orders.sort(key=lambda row: str(row[0]))

    order_lines = sorted(
        (line for order in orders for line in order.lines),
        key=lambda line: (line.order.day, line.order.number, line.number),
    )
    return (
        {
            "finance_orders": [
                [
                    line.order.day.year,
                    line.order.number,
                    line.number,
                    "BIO",
                    line.order.market,
                    SUPPLIER_CODES[line.order.supplier],
                    line.order.supplier,
                    line.order.day,
                    line.order.purpose,
                    line.order.programme,
                    line.uf,
                    line.account,
                    line.label,
                    line.ordered,
                    line.received,
                    line.committed,
                    line.paid,
                    "O" if line.closed else "N",
                ]
                for line in order_lines
            ],
            "finance_assets": assets,
            "finance_invoices": invoices,
            "work_orders": work_orders,
        },
        deliberate,
    )


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


EXPORT_HEADERS = {
    "finance_orders": ("Magh2 – lignes de commande au 01/12/2026", ORDER_HEADER),
    "finance_assets": ("Magh2 – état de l'actif au 01/12/2026", ASSET_HEADER),
    "finance_invoices": ("Magh2 – factures au 01/12/2026", INVOICE_HEADER),
    "work_orders": ("Export GMAO – interventions au 01/12/2026", WORK_ORDER_HEADER),
}


def write_exports(name: str, made: tuple[dict[str, list[list[object]]], Deliberate]) -> None:
    exports, deliberate = made
    for kind, (title, header) in EXPORT_HEADERS.items():
        write_csv(HERE / f"{name}-{kind}.csv", title, header, exports[kind])
    for what in sorted({what for what, _where in deliberate.found}):
        print(name, what, ", ".join(w for found, w in deliberate.found if found == what))


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
    ght = inventory_rows("GHT", len(somme), 4000, seed=80)
    write_csv(
        HERE / "ght-somme-inventory.csv",
        "Export GMAO – parc biomédical au 02/11/2026",
        INVENTORY_HEADER,
        ght,
    )
    ght_ufs = [u[4] for e in range(1, len(somme) + 1) for u in units(e)]
    write_exports("ght-somme", finance_exports("GHT", ght, ght_ufs, 81, plan_orders=True))
    write_xlsx(
        HERE / "ch-compiegne-structure.xlsx",
        "Structure CH de Compiègne",
        STRUCTURE_HEADER,
        structure_rows(compiegne),
    )
    cpg = inventory_rows("CPG", len(compiegne), 1500, seed=60)
    write_xlsx(
        HERE / "ch-compiegne-inventory.xlsx",
        "Parc biomédical – CH de Compiègne",
        INVENTORY_HEADER,
        cpg,
    )
    cpg_ufs = [u[4] for u in units(1)]
    write_exports("ch-compiegne", finance_exports("CPG", cpg, cpg_ufs, 61, plan_orders=False))


if __name__ == "__main__":
    main()
