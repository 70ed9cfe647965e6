"""Importing the purchasing system's export into the catalogue: upsert by internal code.

All or nothing, like the inventory import: every row is checked first (required columns, a code
given twice, a market or lot the hospital does not have, a price that is not one, a device model
the reference does not know) and every problem reported with its line and column; only a clean
file changes anything. A dry run computes the same report and writes nothing. Products missing
from the file are counted, never deleted (a list may still hold them). Suppliers and families
the file names for the first time are created.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tenants.catalogue.models import Family, Product, refresh_vocabulary
from tenants.imports.reader import (
    ImportRefused,
    Problem,
    Row,
    coverage,
    normalise_header,
    parse_decimal,
    read_mapped_rows,
    required_but_empty,
)
from tenants.markets.models import Lot, Market, Supplier
from tenants.mirror.models import ReferenceDeviceModel

# Our field -> the column header of the purchasing system's export (the kept mapping may
# override it).
DEFAULT_MAPPING = {
    "code": "Code article",
    "designation": "Désignation",
    "family": "Famille",
    "supplier": "Fournisseur",
    "supplier_reference": "Réf. fournisseur",
    "market": "Marché",
    "lot": "Lot",
    "unit": "Unité",
    "unit_price": "Prix unitaire HT",
    "fits_models": "Modèles compatibles",
}
REQUIRED = ("code", "designation")
MAX_UNIT_PRICE = Decimal("10000000")  # 10 M€ for one unit of a consumable: a typo
CHANGES_SHOWN = 200
# "uuid; REF-1, REF-2": the models a product fits, by central UUID or catalogue reference.
_MODEL_SEPARATORS = re.compile(r"[;,|\n]+")

Progress = Callable[[str, int, int], None]

# The fields an import writes, in the order they are compared.
WRITTEN = (
    "designation",
    "family_id",
    "supplier_id",
    "supplier_reference",
    "market_id",
    "lot_id",
    "unit",
    "unit_price",
    "fits_models",
)
MAX_LENGTHS = {
    name: Product._meta.get_field(name).max_length or 0  # type: ignore[union-attr]
    for name in ("code", "designation", "supplier_reference", "unit")
} | {
    "family": Family._meta.get_field("name").max_length or 0,  # type: ignore[union-attr]
    "supplier": Supplier._meta.get_field("name").max_length or 0,  # type: ignore[union-attr]
}


@dataclass
class CatalogueReport:
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    absent: int = 0  # products of the catalogue the file does not list (left as they are)
    new_suppliers: list[str] = field(default_factory=list)
    new_families: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)  # the first CHANGES_SHOWN
    empty_fields: list[str] = field(default_factory=list)
    unmapped_columns: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"{'dry run: ' if self.dry_run else ''}{self.rows} rows; {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {self.absent} not in the file; "
            f"{len(self.new_suppliers)} new suppliers, {len(self.new_families)} new families"
        )


def import_catalogue(
    data: bytes,
    filename: str,
    *,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> CatalogueReport:
    """Check the whole file, then upsert it in one transaction (nothing written for a dry run)."""
    report_progress = progress or (lambda phase, done, total: None)
    columns = {**DEFAULT_MAPPING, **(mapping or {})}
    table, rows = read_mapped_rows(data, filename, columns, REQUIRED)
    clean, problems = _check_rows(rows, columns, report_progress)
    if problems:
        raise ImportRefused(problems)
    covered = coverage(table, columns, [f for f in DEFAULT_MAPPING if f not in REQUIRED])
    report = CatalogueReport(
        dry_run=dry_run,
        rows=len(clean),
        empty_fields=covered.empty_fields,
        unmapped_columns=covered.unmapped_columns,
    )
    _apply(clean, report, report_progress)
    return report


class _Markets:
    """The hospital's markets by reference (folded to upper case) and their lots by number."""

    def __init__(self) -> None:
        self.by_reference: dict[str, list[int]] = {}
        for pk, reference in Market.objects.values_list("pk", "reference"):
            self.by_reference.setdefault(reference.strip().upper(), []).append(pk)
        self.lots = {
            (market_id, number.strip().upper()): pk
            for pk, market_id, number in Lot.objects.values_list("pk", "market_id", "number")
        }


def _models_by_reference() -> dict[str, str]:
    return {
        reference.strip().upper(): str(model_uuid)
        for model_uuid, reference in ReferenceDeviceModel.objects.exclude(
            catalogue_reference=""
        ).values_list("uuid", "catalogue_reference")
    }


def parse_models(text: str, known: dict[str, str]) -> list[str]:
    """The central UUIDs a cell names, by UUID or by the models' catalogue references.

    Raises ValueError naming the first reference the mirror does not know."""
    found: list[str] = []
    for token in _MODEL_SEPARATORS.split(text):
        token = token.strip()
        if not token:
            continue
        try:
            value = str(uuid.UUID(token))
        except ValueError:
            if token.upper() not in known:
                raise ValueError(
                    _("no device model has the reference %(reference)s") % {"reference": token}
                ) from None
            value = known[token.upper()]
        if value not in found:
            found.append(value)
    return found


def _check_rows(
    rows: list[Row], columns: dict[str, str], progress: Progress
) -> tuple[list[dict[str, Any]], list[Problem]]:
    markets = _Markets()
    known_models = _models_by_reference()
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
            return values.get(headers[name], "").strip()

        row_problems = [
            Problem(row.line, columns[f], required_but_empty()) for f in REQUIRED if not value(f)
        ]
        code = value("code")
        if code.upper() in seen:
            row_problems.append(
                Problem(
                    row.line,
                    columns["code"],
                    _("code %(code)s already on line %(line)s")
                    % {"code": code, "line": seen[code.upper()]},
                )
            )
        elif code:
            seen[code.upper()] = row.line
        market_id = lot_id = None
        market_reference, lot_number = value("market"), value("lot")
        if market_reference:
            found = markets.by_reference.get(market_reference.upper(), [])
            if not found:
                row_problems.append(
                    Problem(
                        row.line,
                        columns["market"],
                        _("no market has the reference %(reference)s")
                        % {"reference": market_reference},
                    )
                )
            elif len(found) > 1:
                row_problems.append(
                    Problem(
                        row.line,
                        columns["market"],
                        _("several markets have the reference %(reference)s")
                        % {"reference": market_reference},
                    )
                )
            else:
                market_id = found[0]
        if lot_number:
            if not market_reference:
                row_problems.append(Problem(row.line, columns["lot"], _("a lot needs its market")))
            elif market_id is not None:
                lot_id = markets.lots.get((market_id, lot_number.upper()))
                if lot_id is None:
                    row_problems.append(
                        Problem(
                            row.line,
                            columns["lot"],
                            _("market %(market)s has no lot %(lot)s")
                            % {"market": market_reference, "lot": lot_number},
                        )
                    )
        try:
            price = parse_decimal(value("unit_price"))
        except ValueError as exc:
            row_problems.append(Problem(row.line, columns["unit_price"], str(exc)))
            price = None
        if price is not None and not Decimal(0) <= price < MAX_UNIT_PRICE:
            row_problems.append(
                Problem(
                    row.line,
                    columns["unit_price"],
                    _("%(amount)s € is not a plausible unit price")
                    % {"amount": number_format(price, force_grouping=True)},
                )
            )
        try:
            fits = parse_models(value("fits_models"), known_models)
        except ValueError as exc:
            row_problems.append(Problem(row.line, columns["fits_models"], str(exc)))
            fits = []
        for name, limit in MAX_LENGTHS.items():
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
                "code": code,
                "designation": value("designation"),
                "family": value("family"),
                "supplier": value("supplier"),
                "supplier_reference": value("supplier_reference"),
                "market_id": market_id,
                "lot_id": lot_id,
                "unit": value("unit"),
                "unit_price": price.quantize(Decimal("0.01")) if price is not None else None,
                "fits_models": fits,
            }
        )
    progress("check", total, total)
    return clean, problems


def _names(model: type[Family] | type[Supplier]) -> dict[str, int]:
    """Every recorded name's pk, by its upper case as Python writes it, the way the file's
    names are looked up ("Straße" is STRASSE here, STRAßE for PostgreSQL's UPPER)."""
    return {name.upper(): pk for pk, name in model.objects.values_list("pk", "name")}


def _apply(rows: list[dict[str, Any]], report: CatalogueReport, progress: Progress) -> None:
    families, suppliers = _names(Family), _names(Supplier)
    new_families = _new_names(families, [r["family"] for r in rows])
    new_suppliers = _new_names(suppliers, [r["supplier"] for r in rows])
    report.new_families = new_families[:CHANGES_SHOWN]
    report.new_suppliers = new_suppliers[:CHANGES_SHOWN]
    existing = {
        values[0]: values[1:]
        for values in Product.objects.values_list("code", *WRITTEN).iterator(chunk_size=5000)
    }
    with transaction.atomic():
        if not report.dry_run:
            families |= _create_names(Family, new_families)
            suppliers |= _create_names(Supplier, new_suppliers)
        to_write: list[Product] = []
        for row in rows:
            family, supplier = row.pop("family"), row.pop("supplier")
            # Unknown ids in a dry run: new names are "a change" all the same.
            row["family_id"] = families.get(family.upper(), -1) if family else None
            row["supplier_id"] = suppliers.get(supplier.upper(), -1) if supplier else None
            before = existing.pop(row["code"], None)
            after = tuple(row[f] for f in WRITTEN)
            if before is None:
                report.created += 1
                _note_change(report, row["code"], "created", [])
            elif _differ(before, after):
                report.updated += 1
                changed = [
                    _field_label(f.removesuffix("_id"))
                    for f, b, a in zip(WRITTEN, before, after, strict=True)
                    if _differ((b,), (a,))
                ]
                _note_change(report, row["code"], "updated", changed)
            else:
                report.unchanged += 1
                continue
            to_write.append(Product(**row))
        report.absent = len(existing)
        if report.dry_run:
            return
        for start in range(0, len(to_write), 2000):
            Product.objects.bulk_create(
                to_write[start : start + 2000],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=[f.removesuffix("_id") for f in WRITTEN] + ["updated"],
            )
            progress("write", min(start + 2000, len(to_write)), len(to_write))
        refresh_vocabulary()


def _new_names(known: dict[str, int], names: list[str]) -> list[str]:
    """The names not known yet, once each (the first spelling met), in order."""
    new: dict[str, str] = {}
    for name in names:
        if name and name.upper() not in known:
            new.setdefault(name.upper(), name)
    return sorted(new.values())


def _differ(before: tuple[Any, ...], after: tuple[Any, ...]) -> bool:
    # The database gives UUIDs back; the file gives their text.
    def plain(values: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple([str(v) for v in x] if isinstance(x, list) else x for x in values)

    return plain(before) != plain(after)


def _create_names(model: type[Family] | type[Supplier], names: list[str]) -> dict[str, int]:
    """The names recorded, by upper name. Race-safe: a name another request recorded since
    the look-up (a buyer naming the same supplier) is skipped (ON CONFLICT DO NOTHING) and
    its row is the one used."""
    rows: list[Any] = [model(name=name) for name in names]
    model.objects.bulk_create(rows, ignore_conflicts=True)
    recorded = _names(model)
    return {name.upper(): recorded[name.upper()] for name in names if name.upper() in recorded}


def _field_label(name: str) -> str:
    return str(getattr(Product._meta.get_field(name), "verbose_name", name))


def _note_change(report: CatalogueReport, code: str, kind: str, fields: list[str]) -> None:
    if len(report.changes) < CHANGES_SHOWN:
        report.changes.append({"code": code, "change": kind, "fields": fields})
