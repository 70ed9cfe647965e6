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

from tenants.mirror.models import ReferenceDeviceModel, ReferenceManufacturer


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
    raise PayloadRefused(f"entity type {entity_type!r} is not mirrored")
