"""Applying the reference server's published payloads to the tenant's mirror.

Idempotent: a payload whose ``seq`` is not newer than the row's is skipped, so applying the
same page twice changes nothing. The sync client (issue 6) feeds this from the change feed;
the demo feeds it the published state directly.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import connection, transaction

from tenants.mirror.models import (
    MirroredEntity,
    ReferenceDeviceModel,
    ReferenceManufacturer,
    ReferenceTerm,
)

UPSERT_BATCH = 2000  # rows per statement (PostgreSQL allows 65,535 parameters)


class PayloadRefused(ValueError):
    """A payload that does not have the shape this version of the mirror expects."""


def _date(value: Any, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise PayloadRefused(f"{field}: {value!r} is not an ISO date") from exc


def _text(payload: dict[str, Any], field: str, *, required: bool = False) -> str:
    value = payload.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise PayloadRefused(f"{field}: expected a non-empty text, got {value!r}")
    return value


Entry = tuple[str, dict[str, Any], int]


def apply_entity(entity_type: str, entity_uuid: str, payload: dict[str, Any], seq: int) -> bool:
    """Upsert one mirrored entity; False when the row already holds this seq or a newer one.

    Through the bulk appliers, so that a payload becomes a row one way only, whether it comes
    alone or in a page of the feed.
    """
    appliers = {
        "manufacturer": apply_manufacturers,
        "device_model": apply_models,
        "nomenclature_term": apply_terms,
    }
    if entity_type not in appliers:
        raise PayloadRefused(f"entity type {entity_type!r} is not mirrored")
    return appliers[entity_type]([(entity_uuid, payload, seq)]) == 1


def _newest_per_uuid(entries: list[Entry]) -> list[Entry]:
    """One entry per entity, the one with the highest seq: a page (or a sync after several
    releases) may carry the same entity more than once, and PostgreSQL refuses to upsert
    one row twice in a statement ("ON CONFLICT DO UPDATE command cannot affect row a
    second time")."""
    newest: dict[uuid.UUID, Entry] = {}
    for entry in entries:
        try:
            key = uuid.UUID(str(entry[0]))
        except ValueError as exc:
            raise PayloadRefused(f"entity_uuid: {entry[0]!r} is not a UUID") from exc
        if key not in newest or entry[2] > newest[key][2]:
            newest[key] = entry
    return list(newest.values())


def _term(entity_uuid: str, payload: dict[str, Any], seq: int) -> ReferenceTerm:
    level = payload.get("level") or 1
    if not isinstance(level, int):
        raise PayloadRefused(f"level: expected a number, got {level!r}")
    return ReferenceTerm(
        uuid=uuid.UUID(str(entity_uuid)),
        status=_text(payload, "status") or "active",
        seq=seq,
        system=_text(payload, "system", required=True),
        code=_text(payload, "code", required=True),
        label_en=_text(payload, "label_en"),
        label_fr=_text(payload, "label_fr"),
        parent_code=_text(payload, "parent"),
        level=level,
        replacement=_text(payload, "replacement"),
        valid_from=_date(payload.get("valid_from"), "valid_from"),
        valid_until=_date(payload.get("valid_until"), "valid_until"),
    )


@transaction.atomic
def apply_terms(entries: list[Entry]) -> int:
    """Upsert nomenclature codes in bulk (a nomenclature holds thousands); returns how many
    were written. Entries not newer than the mirrored row are skipped, as one by one."""
    terms = [_term(*entry) for entry in _newest_per_uuid(entries)]
    return _upsert_newer(ReferenceTerm, terms)


def _upsert_newer(model: type[MirroredEntity], rows: list[Any]) -> int:
    """Insert the rows, or update the mirrored ones whose seq is older; returns how many
    were written. The seq test is in the statement itself (ON CONFLICT ... WHERE), so that
    an older payload never overwrites a newer one written meanwhile by another transaction
    (a page a person's link fetches while the worker applies the feed, say). ``rows`` hold
    one row per uuid (see _newest_per_uuid)."""
    # A generated column (the accent-blind search text) is computed by PostgreSQL: never written.
    fields = [f for f in model._meta.concrete_fields if not f.primary_key and not f.generated]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    updates = ", ".join(
        f"{quote(f.column)} = EXCLUDED.{quote(f.column)}" for f in fields if f.name != "uuid"
    )
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), UPSERT_BATCH):
            batch = rows[start : start + UPSERT_BATCH]
            cursor.execute(
                f"INSERT INTO {table} ({columns}) VALUES {', '.join([row_sql] * len(batch))} "
                f"ON CONFLICT (uuid) DO UPDATE SET {updates} WHERE {table}.seq < EXCLUDED.seq",
                [
                    f.get_db_prep_save(getattr(row, f.attname), connection)
                    for row in batch
                    for f in fields
                ],
            )
            written += cursor.rowcount
    return written


def _common(payload: dict[str, Any], seq: int) -> dict[str, Any]:
    replaced_by = payload.get("replaced_by") or None
    return {
        "status": _text(payload, "status") or "active",
        "replaced_by": uuid.UUID(str(replaced_by)) if replaced_by else None,
        "seq": seq,
    }


@transaction.atomic
def apply_manufacturers(entries: list[Entry]) -> int:
    """Upsert manufacturers in bulk, newer seq only."""
    rows = []
    for entity_uuid, payload, seq in _newest_per_uuid(entries):
        aliases = payload.get("aliases") or []
        if not isinstance(aliases, list):
            raise PayloadRefused(f"aliases: expected a list, got {aliases!r}")
        rows.append(
            ReferenceManufacturer(
                uuid=uuid.UUID(str(entity_uuid)),
                name=_text(payload, "name", required=True),
                aliases=[str(a) for a in aliases],
                country=_text(payload, "country"),
                **_common(payload, seq),
            )
        )
    return _upsert_newer(ReferenceManufacturer, rows)


@transaction.atomic
def apply_models(entries: list[Entry]) -> int:
    """Upsert device models in bulk, newer seq only; a manufacturer not mirrored yet gets a
    row named from the payload (its own payload, when it comes, fills the rest)."""
    entries = _newest_per_uuid(entries)
    makers: dict[uuid.UUID, str] = {}
    for _u, payload, _seq in entries:
        try:
            makers[uuid.UUID(str(payload.get("manufacturer")))] = _text(
                payload, "manufacturer_name", required=True
            )
        except ValueError as exc:
            raise PayloadRefused(f"manufacturer: {payload.get('manufacturer')!r}") from exc
    known = dict(ReferenceManufacturer.objects.filter(uuid__in=makers).values_list("uuid", "pk"))
    missing = [ReferenceManufacturer(uuid=u, name=n) for u, n in makers.items() if u not in known]
    ReferenceManufacturer.objects.bulk_create(missing, batch_size=2000, ignore_conflicts=True)
    if missing:
        known = dict(
            ReferenceManufacturer.objects.filter(uuid__in=makers).values_list("uuid", "pk")
        )
    rows = []
    for entity_uuid, payload, seq in entries:
        life = payload.get("expected_life_years")
        if life is not None and not isinstance(life, int):
            raise PayloadRefused(f"expected_life_years: expected a number, got {life!r}")
        nomenclature = payload.get("nomenclature") or []
        if not isinstance(nomenclature, list):
            raise PayloadRefused(f"nomenclature: expected a list, got {nomenclature!r}")
        rows.append(
            ReferenceDeviceModel(
                uuid=uuid.UUID(str(entity_uuid)),
                manufacturer_id=known[uuid.UUID(str(payload.get("manufacturer")))],
                commercial_name=_text(payload, "commercial_name", required=True),
                catalogue_reference=_text(payload, "catalogue_reference"),
                nomenclature=[str(c) for c in nomenclature],
                end_of_sale=_date(payload.get("end_of_sale"), "end_of_sale"),
                end_of_support=_date(payload.get("end_of_support"), "end_of_support"),
                end_of_support_source=_text(payload, "end_of_support_source"),
                expected_life_years=life,
                **_common(payload, seq),
            )
        )
    return _upsert_newer(ReferenceDeviceModel, rows)
