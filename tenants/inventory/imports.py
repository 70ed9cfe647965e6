"""Importing the CMMS (GMAO) export into the inventory: upsert by inventory number.

All or nothing, like the structure import: every row is checked first (required columns,
known UF, dates, amounts, statuses, duplicates) and every problem reported with its line and
column; only a clean file changes anything. A dry run computes the same report and writes
nothing. Columns the mapping does not name are kept on each device as attributes. Devices
missing from the file are counted, never deleted (the CMMS may export one site at a time).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tenants.imports.reader import (
    ImportRefused,
    Problem,
    Row,
    coverage,
    normalise_header,
    parse_date,
    parse_decimal,
    read_mapped_rows,
    required_but_empty,
)
from tenants.inventory.matching import Matcher, match_key
from tenants.inventory.models import Device, DeviceStatus, MatchState
from tenants.inventory.signals import inventory_imported
from tenants.structure.models import FunctionalUnit

# Our field -> the column header of the CMMS export (the tenant's kept mapping may override it).
DEFAULT_MAPPING = {
    "inventory_number": "N° inventaire",
    "uf_code": "UF",
    "manufacturer_name": "Marque",
    "model_name": "Modèle",
    "serial_number": "N° série",
    "commissioning_date": "Date mise en service",
    "purchase_value": "Valeur d'achat",
    "status": "Statut",
    "order_number": "N° commande",
}
REQUIRED = ("inventory_number", "uf_code")
# Columns that only link devices to what bought them: a file without one lacks nothing.
LINKS_ONLY = ("order_number",)
MAX_PURCHASE_VALUE = Decimal("100000000")  # 100 M€: anything above is a typo
CHANGES_SHOWN = 200

# What CMMS exports write in the status column, normalised (no accents, lower case).
STATUS_WORDS = {
    DeviceStatus.IN_SERVICE: ("en service", "in service", "actif", "active", "en fonctionnement"),
    DeviceStatus.OUT_OF_ORDER: ("en panne", "hors service", "out of order", "en reparation"),
    DeviceStatus.IN_STORAGE: ("en stock", "stock", "magasin", "in storage"),
    DeviceStatus.ON_LOAN: ("en pret", "prete", "on loan", "loaned"),
    DeviceStatus.RETIRED: ("reforme", "retired", "rebut", "detruit", "cede", "sorti"),
}

Progress = Callable[[str, int, int], None]


@dataclass
class InventoryReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0  # devices of the inventory the file does not list (left as they are)
    matched: int = 0  # devices linked to a reference model (exact or confirmed)
    proposed: int = 0  # devices whose model is proposed, waiting for a person
    unmatched: int = 0
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first CHANGES_SHOWN
    # Columns named by the mapping but absent from the file: their fields stay empty (a
    # header "Valeur d'achat (€)" where "Valeur d'achat" is expected loses every value).
    empty_fields: list[str] = field(default_factory=list)
    # The file's columns no field reads: kept on each device as its extra attributes.
    unmapped_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.rows} rows; {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.absent} not in the file; "
            f"models: {self.matched} linked, {self.proposed} to confirm, "
            f"{self.unmatched} without a match"
            + (
                "; not in the file, left empty: " + ", ".join(self.empty_fields)
                if self.empty_fields
                else ""
            )
            + (
                "; columns kept as extra attributes only: " + ", ".join(self.unmapped_columns)
                if self.unmapped_columns
                else ""
            )
        )


# The fields an import writes, in the order they are compared.
WRITTEN = (
    "uf_id",
    "manufacturer_name",
    "model_name",
    "serial_number",
    "order_number",
    "commissioning_date",
    "purchase_value",
    "status",
    "attributes",
    "reference_model_id",
    "proposed_model_id",
    "match_state",
    "match_key",
)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def parse_status(text: str) -> str:
    plain = _plain(text)
    if not plain:
        return DeviceStatus.IN_SERVICE
    for status, words in STATUS_WORDS.items():
        if any(plain == w or plain.startswith(w) for w in words):
            return status
    if plain in DeviceStatus.values:
        return plain
    raise ValueError(
        _("unknown status “%(text)s”: write en service, en panne, en stock, en prêt or réformé")
        % {"text": text}
    )


def import_inventory(
    data: bytes,
    filename: str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> InventoryReport:
    """Check the whole file, then upsert it in one transaction (nothing written for a dry run)."""
    report_progress = progress or (lambda phase, done, total: None)
    columns = {**DEFAULT_MAPPING, **(mapping or {})}
    table, rows = read_mapped_rows(data, filename, columns, REQUIRED)
    mapped = {normalise_header(h) for h in columns.values()}
    extra = [(h, table.labels.get(h, h)) for h in table.header if h and h not in mapped]
    clean, problems = _check_rows(rows, columns, extra, report_progress)
    if problems:
        raise ImportRefused(problems)
    covered = coverage(
        table, columns, [f for f in DEFAULT_MAPPING if f not in REQUIRED and f not in LINKS_ONLY]
    )
    report = InventoryReport(
        dry_run=dry_run,
        rows=len(clean),
        empty_fields=covered.empty_fields,
        unmapped_columns=covered.unmapped_columns,
    )
    _apply(clean, report, report_progress)
    return report


MAX_LENGTHS = {
    name: Device._meta.get_field(name).max_length or 0  # type: ignore[union-attr]
    for name in (
        "inventory_number",
        "manufacturer_name",
        "model_name",
        "serial_number",
        "order_number",
    )
}


def _check_rows(
    rows: list[Row], columns: dict[str, str], extra: list[tuple[str, str]], progress: Progress
) -> tuple[list[dict[str, Any]], list[Problem]]:
    units = dict(FunctionalUnit.objects.values_list("code", "pk"))
    headers = {name: normalise_header(header) for name, header in columns.items()}
    problems: list[Problem] = []
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    total = len(rows)
    for index, row in enumerate(rows, start=1):
        if index % 2000 == 0:
            progress("check", index, total)
        values = row.values

        def value(name: str, values: dict[str, str] = values) -> str:
            return values.get(headers[name], "")

        row_problems = [
            Problem(row.line, columns[f], required_but_empty()) for f in REQUIRED if not value(f)
        ]
        number = value("inventory_number")
        if number in seen:
            row_problems.append(
                Problem(
                    row.line,
                    columns["inventory_number"],
                    _("inventory number %(number)s already on line %(line)s")
                    % {"number": number, "line": seen[number]},
                )
            )
        elif number:
            seen[number] = row.line
        uf_code = value("uf_code")
        if uf_code and uf_code not in units:
            row_problems.append(
                Problem(
                    row.line,
                    columns["uf_code"],
                    _("no UF has the code %(code)s") % {"code": uf_code},
                )
            )
        try:
            commissioning = parse_date(value("commissioning_date"))
        except ValueError as exc:
            row_problems.append(Problem(row.line, columns["commissioning_date"], str(exc)))
            commissioning = None
        if commissioning and not date(1950, 1, 1) <= commissioning <= date(2100, 1, 1):
            row_problems.append(
                Problem(
                    row.line,
                    columns["commissioning_date"],
                    _("%(date)s is not a plausible commissioning date")
                    % {"date": f"{commissioning:%d/%m/%Y}"},
                )
            )
        try:
            amount = parse_decimal(value("purchase_value"))
        except ValueError as exc:
            row_problems.append(Problem(row.line, columns["purchase_value"], str(exc)))
            amount = None
        if amount is not None and not Decimal(0) <= amount < MAX_PURCHASE_VALUE:
            row_problems.append(
                Problem(
                    row.line,
                    columns["purchase_value"],
                    _("%(amount)s € is not a plausible purchase value")
                    % {"amount": number_format(amount, force_grouping=True)},
                )
            )
        try:
            status = parse_status(value("status"))
        except ValueError as exc:
            row_problems.append(Problem(row.line, columns["status"], str(exc)))
            status = DeviceStatus.IN_SERVICE
        for name in MAX_LENGTHS:
            limit = MAX_LENGTHS[name]
            if len(value(name)) > limit:
                row_problems.append(
                    Problem(
                        row.line,
                        columns[name],
                        _("longer than %(limit)s characters") % {"limit": limit},
                    )
                )
        if row_problems:
            problems += row_problems
            continue
        clean.append(
            {
                "inventory_number": number,
                "uf_id": units[uf_code],
                "manufacturer_name": value("manufacturer_name"),
                "model_name": value("model_name"),
                "serial_number": value("serial_number"),
                "order_number": value("order_number"),
                "commissioning_date": commissioning,
                "purchase_value": amount.quantize(Decimal("0.01")) if amount is not None else None,
                "status": status,
                "attributes": {label: values[h] for h, label in extra if values.get(h)},
            }
        )
    progress("check", total, total)
    return clean, problems


def _apply(rows: list[dict[str, Any]], report: InventoryReport, progress: Progress) -> None:
    matcher = Matcher()
    for row in rows:
        found = matcher.match(row["manufacturer_name"], row["model_name"])
        linked = found.state in (MatchState.EXACT, MatchState.CONFIRMED)
        row["reference_model_id"] = found.model_id if linked else None
        row["proposed_model_id"] = found.model_id if found.state == MatchState.PROPOSED else None
        row["match_state"] = found.state
        row["match_key"] = match_key(row["manufacturer_name"], row["model_name"])
        if linked:
            report.matched += 1
        elif found.state == MatchState.PROPOSED:
            report.proposed += 1
        else:
            report.unmatched += 1
    existing = {
        values[0]: values[1:]
        for values in Device.objects.values_list("inventory_number", *WRITTEN).iterator(
            chunk_size=5000
        )
    }
    to_write: list[Device] = []
    for row in rows:
        before = existing.pop(row["inventory_number"], None)
        after = tuple(row[f] for f in WRITTEN)
        if before is None:
            report.created += 1
            _note_change(report, row["inventory_number"], "created", [])
        elif before != after:
            report.updated += 1
            # By their labels, for the person reading the report (the match key is bookkeeping).
            changed = [
                _field_label(f.removesuffix("_id"))
                for f, b, a in zip(WRITTEN, before, after, strict=True)
                if b != a and f != "match_key"
            ]
            _note_change(report, row["inventory_number"], "updated", changed)
        else:
            report.unchanged += 1
            continue
        to_write.append(Device(**row))
    report.absent = len(existing)
    if report.dry_run:
        return
    with transaction.atomic():
        for start in range(0, len(to_write), 2000):
            _upsert(to_write[start : start + 2000])
            progress("write", min(start + 2000, len(to_write)), len(to_write))
        # In the import's transaction: what follows the inventory (the plan's lines finding
        # the devices they bought) is written with it, or not at all.
        inventory_imported.send(sender=Device)


def _upsert(devices: Iterable[Device]) -> None:
    Device.objects.bulk_create(
        list(devices),
        update_conflicts=True,
        unique_fields=["inventory_number"],
        update_fields=[f.removesuffix("_id") for f in WRITTEN] + ["updated"],
    )


def _field_label(name: str) -> str:
    return str(getattr(Device._meta.get_field(name), "verbose_name", name))


def _note_change(report: InventoryReport, number: str, kind: str, fields: list[str]) -> None:
    if len(report.changes) < CHANGES_SHOWN:
        report.changes.append({"inventory_number": number, "change": kind, "fields": fields})
