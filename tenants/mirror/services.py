"""Applying the reference server's published payloads to the tenant's mirror.

Idempotent: a payload whose ``seq`` is not newer than the row's is skipped, so applying the
same page twice changes nothing. The sync client (issue 6) feeds this from the change feed;
the demo feeds it the published state directly.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from django.db import transaction

from tenants.mirror.models import (
    MirroredEntity,
    ReferenceDeviceModel,
    ReferenceManufacturer,
    ReferenceTerm,
)


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


@transaction.atomic
def apply_entity(entity_type: str, entity_uuid: str, payload: dict[str, Any], seq: int) -> bool:
    """Upsert one mirrored entity; False when the row already holds this seq or a newer one."""
    key = uuid.UUID(str(entity_uuid))
    common = {
        "status": _text(payload, "status") or "active",
        "replaced_by": payload.get("replaced_by") or None,
        "seq": seq,
    }
    if entity_type == "manufacturer":
        current = ReferenceManufacturer.objects.filter(uuid=key).values_list("seq", flat=True)
        if current and current[0] >= seq:
            return False
        aliases = payload.get("aliases") or []
        if not isinstance(aliases, list):
            raise PayloadRefused(f"aliases: expected a list, got {aliases!r}")
        ReferenceManufacturer.objects.update_or_create(
            uuid=key,
            defaults={
                **common,
                "name": _text(payload, "name", required=True),
                "aliases": [str(a) for a in aliases],
                "country": _text(payload, "country"),
            },
        )
        return True
    if entity_type == "device_model":
        model_seq = ReferenceDeviceModel.objects.filter(uuid=key).values_list("seq", flat=True)
        if model_seq and model_seq[0] >= seq:
            return False
        manufacturer_uuid = uuid.UUID(str(payload.get("manufacturer")))
        manufacturer, _created = ReferenceManufacturer.objects.get_or_create(
            uuid=manufacturer_uuid,
            defaults={"name": _text(payload, "manufacturer_name", required=True)},
        )
        ReferenceDeviceModel.objects.update_or_create(
            uuid=key,
            defaults={
                **common,
                "manufacturer": manufacturer,
                "commercial_name": _text(payload, "commercial_name", required=True),
                "catalogue_reference": _text(payload, "catalogue_reference"),
                "nomenclature": list(payload.get("nomenclature") or []),
                "end_of_sale": _date(payload.get("end_of_sale"), "end_of_sale"),
                "end_of_support": _date(payload.get("end_of_support"), "end_of_support"),
                "end_of_support_source": _text(payload, "end_of_support_source"),
                "expected_life_years": payload.get("expected_life_years"),
            },
        )
        return True
    if entity_type == "nomenclature_term":
        return apply_terms([(entity_uuid, payload, seq)]) == 1
    raise PayloadRefused(f"entity type {entity_type!r} is not mirrored")


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
def apply_terms(entries: list[tuple[str, dict[str, Any], int]]) -> int:
    """Upsert nomenclature codes in bulk (a nomenclature holds thousands); returns how many
    were written. Entries not newer than the mirrored row are skipped, as one by one."""
    terms = [_term(*entry) for entry in entries]
    known = dict(
        ReferenceTerm.objects.filter(uuid__in=[t.uuid for t in terms]).values_list("uuid", "seq")
    )
    newer = [t for t in terms if known.get(t.uuid, -1) < t.seq]
    ReferenceTerm.objects.bulk_create(
        newer,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["uuid"],
        update_fields=[
            "status",
            "seq",
            "system",
            "code",
            "label_en",
            "label_fr",
            "parent_code",
            "level",
            "replacement",
            "valid_from",
            "valid_until",
        ],
    )
    return len(newer)


def _newer(model: type[MirroredEntity], rows: list[Any]) -> list[Any]:
    """The rows whose seq is newer than the mirrored one (all of them for unknown uuids)."""
    known = dict(
        model._default_manager.filter(uuid__in=[r.uuid for r in rows]).values_list("uuid", "seq")
    )
    latest: dict[uuid.UUID, Any] = {}
    for row in rows:  # within one batch, the newest payload of an entity wins
        if row.seq > known.get(row.uuid, -1) and row.seq > getattr(latest.get(row.uuid), "seq", -1):
            latest[row.uuid] = row
    return list(latest.values())


def _common(payload: dict[str, Any], seq: int) -> dict[str, Any]:
    replaced_by = payload.get("replaced_by") or None
    return {
        "status": _text(payload, "status") or "active",
        "replaced_by": uuid.UUID(str(replaced_by)) if replaced_by else None,
        "seq": seq,
    }


@transaction.atomic
def apply_manufacturers(entries: list[tuple[str, dict[str, Any], int]]) -> int:
    """Upsert manufacturers in bulk, newer seq only (as apply_entity one by one)."""
    rows = []
    for entity_uuid, payload, seq in entries:
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
    newer = _newer(ReferenceManufacturer, rows)
    ReferenceManufacturer.objects.bulk_create(
        newer,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["uuid"],
        update_fields=["name", "aliases", "country", "status", "replaced_by", "seq"],
    )
    return len(newer)


@transaction.atomic
def apply_models(entries: list[tuple[str, dict[str, Any], int]]) -> int:
    """Upsert device models in bulk, newer seq only; a manufacturer not mirrored yet gets a
    row named from the payload (its own payload, when it comes, fills the rest)."""
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
    newer = _newer(ReferenceDeviceModel, rows)
    ReferenceDeviceModel.objects.bulk_create(
        newer,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["uuid"],
        update_fields=[
            "manufacturer",
            "commercial_name",
            "catalogue_reference",
            "nomenclature",
            "end_of_sale",
            "end_of_support",
            "end_of_support_source",
            "expected_life_years",
            "status",
            "replaced_by",
            "seq",
        ],
    )
    return len(newer)
