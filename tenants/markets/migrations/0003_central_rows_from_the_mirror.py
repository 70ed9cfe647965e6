"""The markets, lots and purchasing bodies the mirror kept as generic payload rows, moved into
this app's tables and removed from the mirror.

The code that turns a payload into rows is a frozen copy of ``tenants.markets.sync`` as it
stood when this migration was written: a migration runs on the historical models of its own
state, so it must not follow later edits of the app's code (a field added to the sync would
not exist yet in these tables, on a tenant migrated later)."""

import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import DatabaseError, migrations, transaction

TYPES = ("purchasing_body", "market", "lot")
CENTRAL = "central"
SCOPES = ("acquisition", "maintenance", "accessories", "consumables")


def _text(payload: dict[str, Any], key: str, limit: int) -> str:
    return str(payload.get(key) or "")[:limit]


def _date(value: Any) -> date | None:
    return date.fromisoformat(str(value)) if value else None


def _whole(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"not a whole number: {value!r}")
    return int(value)


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc


def _terms(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "starts": _date(payload.get("starts")),
        "duration_months": _whole(payload.get("duration_months")),
        "renewals": _whole(payload.get("renewals")) or 0,
        "renewal_months": _whole(payload.get("renewal_months")),
        "ends": _date(payload.get("ends")),
        "min_amount": _amount(payload.get("min_amount")),
        "max_amount": _amount(payload.get("max_amount")),
        "min_quantity": _whole(payload.get("min_quantity")),
        "max_quantity": _whole(payload.get("max_quantity")),
    }


def _documents(payload: dict[str, Any]) -> list[dict[str, Any]]:
    kept = []
    for item in payload.get("documents") or []:
        if isinstance(item, dict) and item.get("uuid"):
            kept.append(
                {
                    "uuid": str(uuid.UUID(str(item["uuid"]))),
                    "kind": str(item.get("kind") or "other")[:20],
                    "title": str(item.get("title") or "")[:200],
                    "filename": str(item.get("filename") or "")[:200],
                    "size": _whole(item.get("size")) or 0,
                }
            )
    return kept


def _placeholder_body(apps, key):  # type: ignore[no-untyped-def]
    body, _created = apps.get_model("markets", "PurchasingBody").objects.get_or_create(
        central_uuid=key, defaults={"code": "", "name": "", "seq": 0}
    )
    return body


def _placeholder_market(apps, key):  # type: ignore[no-untyped-def]
    market, _created = apps.get_model("markets", "Market").objects.get_or_create(
        central_uuid=key, defaults={"origin": CENTRAL, "reference": "", "title": "", "seq": 0}
    )
    return market


def _body(apps, key, payload, seq):  # type: ignore[no-untyped-def]
    body = _placeholder_body(apps, key)
    if body.seq >= seq:
        return
    body.code = _text(payload, "code", 20)
    body.name = _text(payload, "name", 200)
    body.status = _text(payload, "status", 12) or "active"
    body.seq, body.is_followed = seq, True
    body.save()


def _market(apps, key, payload, seq):  # type: ignore[no-untyped-def]
    market = _placeholder_market(apps, key)
    if market.seq >= seq:
        return
    for name, value in _terms(payload).items():
        setattr(market, name, value)
    market.reference = _text(payload, "reference", 100)
    market.title = _text(payload, "title", 300)
    market.central_status = _text(payload, "status", 12) or "active"
    market.documents = _documents(payload)
    market.purchasing_body = _placeholder_body(apps, uuid.UUID(str(payload["purchasing_body"])))
    market.seq, market.is_followed = seq, True
    market.version = (market.version or 0) + 1
    market.save()


def _supplier(apps, item):  # type: ignore[no-untyped-def]
    Supplier = apps.get_model("markets", "Supplier")
    if not isinstance(item, dict) or not str(item.get("name") or "").strip():
        raise ValueError(f"a supplier needs a name: {item!r}")
    key = uuid.UUID(str(item["uuid"])) if item.get("uuid") else None
    name = str(item["name"]).strip()[:200]
    siren = str(item.get("siren") or "")[:9]
    found = Supplier.objects.filter(central_uuid=key).first() if key else None
    if found is None:
        found = Supplier.objects.filter(name__iexact=name).first()
        if found is not None and found.central_uuid is None and key is not None:
            found.central_uuid = key
            found.siren = found.siren or siren
            found.save(update_fields=["central_uuid", "siren"])
    if found is None:
        return Supplier.objects.create(name=name, siren=siren, central_uuid=key)
    renamed = found.name != name and not (
        Supplier.objects.filter(name__iexact=name).exclude(pk=found.pk).exists()
    )
    if renamed or (siren and found.siren != siren):
        found.name = name if renamed else found.name
        found.siren = siren or found.siren
        found.save(update_fields=["name", "siren"])
    return found


def _lot(apps, key, payload, seq):  # type: ignore[no-untyped-def]
    Lot = apps.get_model("markets", "Lot")
    lot = Lot.objects.filter(central_uuid=key).first()
    if lot is not None and lot.seq >= seq:
        return
    market = _placeholder_market(apps, uuid.UUID(str(payload["market"])))
    lot = lot or Lot(central_uuid=key, market=market)
    for name, value in _terms(payload).items():
        setattr(lot, name, value)
    lot.number = _text(payload, "number", 20)
    lot.title = _text(payload, "title", 300)
    lot.central_status = _text(payload, "status", 12) or "active"
    lot.scopes = sorted({str(s) for s in payload.get("scopes") or []} & set(SCOPES))
    lot.device_models = sorted({uuid.UUID(str(u)) for u in payload.get("device_models") or []})
    lot.nomenclature = sorted({str(c)[:60] for c in payload.get("nomenclature") or []})
    lot.documents = _documents(payload)
    lot.market, lot.seq = market, seq
    lot.save()
    lot.suppliers.set([_supplier(apps, item) for item in payload.get("suppliers") or []])


WRITERS = {"purchasing_body": _body, "market": _market, "lot": _lot}


def move(apps, schema_editor):  # type: ignore[no-untyped-def]
    ReferenceEntity = apps.get_model("mirror", "ReferenceEntity")
    rows = ReferenceEntity.objects.filter(entity_type__in=TYPES)
    for row in rows.order_by("seq"):
        # A tombstone left the mirror's row with its last payload and status "deleted".
        payload = {**row.payload, "status": row.status} if row.status == "deleted" else row.payload
        try:
            with transaction.atomic():
                WRITERS[row.entity_type](apps, row.uuid, payload, int(row.seq))
        except (KeyError, ValueError, TypeError, DatabaseError):
            continue  # a payload the reference server never sent: the next snapshot brings it
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0002_central_sync_fields"),
        ("mirror", "0006_audit_trail"),
    ]

    operations = [migrations.RunPython(move, migrations.RunPython.noop)]
