"""The central markets as the reference server publishes them, written into this app's tables.

The mirror hands over the feed's ``purchasing_body``, ``market`` and ``lot`` changes
(``tenants.mirror.appliers``). Rows are keyed by their central UUID and written only from a
newer ``seq``, so replaying a page changes nothing. A lot may arrive before its market, a
market before its body (a snapshot of several topics, a page cut between them): the missing
parent is created as an empty placeholder (``seq`` 0) that its own upsert fills later.
Suppliers are matched by central UUID, else by name whatever its case (a buyer may have
recorded one before a central lot named it); one not known yet is recorded race-safe (another
sync or a buyer recording the same name meanwhile: theirs is used). A supplier comes with its
postal address, which replaces the one kept here; a payload without one (an older reference
server's) leaves it as it is: blank on a new supplier.

Stopping following a purchasing body deletes its markets and lots, except those the hospital's
own rows still point at (uses by its legal entities, or any protected foreign key): those are
kept, marked ``is_followed=False``, and no longer updated.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError

ENTITY_TYPES = ("purchasing_body", "market", "lot")
CENTRAL = "central"
SCOPES = ("acquisition", "maintenance", "accessories", "consumables")


@dataclass(frozen=True)
class Tables:
    """The tables written: the app's models, or a data migration's historical ones."""

    body: Any
    market: Any
    lot: Any
    supplier: Any


def current_tables() -> Tables:
    from tenants.markets.models import Lot, Market, PurchasingBody, Supplier

    return Tables(PurchasingBody, Market, Lot, Supplier)


# --- Payload to fields: pure, shared with the data migration ----------------------------------


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
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():  # NaN would be stored and break every sum and page after
        raise ValueError(f"not an amount: {value!r}")
    return amount


def terms_fields(payload: dict[str, Any]) -> dict[str, Any]:
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
    """The documents' descriptions, only the keys the API promises (a name is never a path)."""
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


def body_fields(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": _text(payload, "code", 20),
        "name": _text(payload, "name", 200),
        "status": _text(payload, "status", 12) or "active",
    }


def market_fields(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        **terms_fields(payload),
        "reference": _text(payload, "reference", 100),
        "title": _text(payload, "title", 300),
        "central_status": _text(payload, "status", 12) or "active",
        "documents": _documents(payload),
    }


def lot_fields(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        **terms_fields(payload),
        "number": _text(payload, "number", 20),
        "title": _text(payload, "title", 300),
        "central_status": _text(payload, "status", 12) or "active",
        "scopes": sorted({str(s) for s in payload.get("scopes") or []} & set(SCOPES)),
        "device_models": sorted({uuid.UUID(str(u)) for u in payload.get("device_models") or []}),
        "nomenclature": sorted({str(c)[:60] for c in payload.get("nomenclature") or []}),
        "documents": _documents(payload),
    }


# --- Upserts and tombstones -------------------------------------------------------------------


def _placeholder_body(tables: Tables, key: uuid.UUID) -> Any:
    body, _created = tables.body.objects.get_or_create(
        central_uuid=key, defaults={"code": "", "name": "", "seq": 0}
    )
    return body


def _placeholder_market(tables: Tables, key: uuid.UUID) -> Any:
    market, _created = tables.market.objects.get_or_create(
        central_uuid=key,
        defaults={"origin": CENTRAL, "reference": "", "title": "", "seq": 0},
    )
    return market


def _is_stale(row: Any, seq: int) -> bool:
    """Already written from this change or a newer one. Following again brings the rows that
    were kept when the hospital stopped following them: they are followed again."""
    if row.seq < seq:
        return False
    if not row.is_followed:
        row.is_followed = True
        row.save(update_fields=["is_followed"])
    return True


def upsert_body(tables: Tables, key: uuid.UUID, payload: dict[str, Any], seq: int) -> int:
    body = _placeholder_body(tables, key)
    if _is_stale(body, seq):
        return 0
    for name, value in body_fields(payload).items():
        setattr(body, name, value)
    body.seq, body.is_followed = seq, True
    body.save()
    return 1


def upsert_market(tables: Tables, key: uuid.UUID, payload: dict[str, Any], seq: int) -> int:
    market = _placeholder_market(tables, key)
    if _is_stale(market, seq):
        return 0
    for name, value in market_fields(payload).items():
        setattr(market, name, value)
    market.purchasing_body = _placeholder_body(tables, uuid.UUID(str(payload["purchasing_body"])))
    market.seq, market.is_followed = seq, True
    market.version = (market.version or 0) + 1
    market.save()
    return 1


def upsert_lot(tables: Tables, key: uuid.UUID, payload: dict[str, Any], seq: int) -> int:
    lot = tables.lot.objects.filter(central_uuid=key).first()
    if lot is not None and lot.seq >= seq:
        return 0
    market = _placeholder_market(tables, uuid.UUID(str(payload["market"])))
    lot = lot or tables.lot(central_uuid=key, market=market)
    for name, value in lot_fields(payload).items():
        setattr(lot, name, value)
    lot.market, lot.seq = market, seq
    lot.save()
    lot.suppliers.set([_supplier(tables, item) for item in payload.get("suppliers") or []])
    return 1


# A supplier's postal address: field -> longest value (the tenant's columns; a buyer's form
# and the sync both cut to these).
ADDRESS_FIELDS = {
    "address_line1": 200,
    "address_line2": 200,
    "postcode": 10,
    "city": 100,
    "country": 100,
}


def supplier_address(item: dict[str, Any]) -> dict[str, str] | None:
    """The postal address a central supplier comes with (the country France unless said), or
    None from an older reference server's payload, which has none."""
    if not any(key in item for key in ADDRESS_FIELDS):
        return None
    address = {
        key: " ".join(_text(item, key, limit).split()) for key, limit in ADDRESS_FIELDS.items()
    }
    address["country"] = address["country"] or "France"
    return address


def _supplier(tables: Tables, item: Any) -> Any:
    from tenants.markets.services import create_supplier

    if not isinstance(item, dict) or not str(item.get("name") or "").strip():
        raise ValueError(f"a supplier needs a name: {item!r}")
    key = uuid.UUID(str(item["uuid"])) if item.get("uuid") else None
    name = str(item["name"]).strip()[:200]
    siren = str(item.get("siren") or "")[:9]
    address = supplier_address(item)
    found = tables.supplier.objects.filter(central_uuid=key).first() if key else None
    if found is None:
        found = tables.supplier.objects.filter(name__iexact=name).first()
    if found is None:
        # Another sync or a buyer may record the same name meanwhile: theirs is then used.
        try:
            found = create_supplier(
                name, model=tables.supplier, siren=siren, central_uuid=key, **(address or {})
            )
        except IntegrityError:  # another sync recorded this central supplier under its old name
            found = tables.supplier.objects.filter(central_uuid=key).first() if key else None
            if found is None:
                raise
        if found.central_uuid == key and found.name == name:
            return found
    changed: list[str] = []
    if found.central_uuid is None and key is not None:
        found.central_uuid = key
        changed.append("central_uuid")
    renamed = found.name != name and not (
        tables.supplier.objects.filter(name__iexact=name).exclude(pk=found.pk).exists()
    )
    if renamed:
        found.name = name
        changed.append("name")
    if siren and found.siren != siren:
        found.siren = siren
        changed.append("siren")
    # The central address replaces the one kept here; a payload without one leaves it.
    if address is not None:
        for field, value in address.items():
            if getattr(found, field) != value:
                setattr(found, field, value)
                changed.append(field)
    if changed:
        found.save(update_fields=changed)
    return found


def tombstone(tables: Tables, entity_type: str, key: uuid.UUID, seq: int) -> int:
    """Kept, marked deleted: purchase requests and the catalogue may point at it."""
    if entity_type == "purchasing_body":
        return tables.body.objects.filter(central_uuid=key, seq__lt=seq).update(
            status="deleted", seq=seq
        )
    model = tables.market if entity_type == "market" else tables.lot
    return model.objects.filter(central_uuid=key, seq__lt=seq).update(
        central_status="deleted", seq=seq
    )


UPSERTS: dict[str, Callable[[Tables, uuid.UUID, dict[str, Any], int], int]] = {
    "purchasing_body": upsert_body,
    "market": upsert_market,
    "lot": upsert_lot,
}


def apply_to(tables: Tables, changes: Iterable[dict[str, Any]]) -> int:
    """Apply feed rows of the three types in seq order; returns the rows written."""
    written = 0
    for change in sorted(changes, key=lambda c: c["seq"]):
        entity_type, seq = change["entity_type"], int(change["seq"])
        key = uuid.UUID(str(change["entity_uuid"]))
        if change["operation"] == "tombstone":
            written += tombstone(tables, entity_type, key, seq)
        else:
            written += UPSERTS[entity_type](tables, key, change["payload"], seq)
    return written


def apply_market_changes(changes: list[dict[str, Any]]) -> int:
    """The mirror's hook: in one transaction (a savepoint inside the page's)."""
    with transaction.atomic():
        return apply_to(current_tables(), changes)


# --- Stopping following -----------------------------------------------------------------------


def drop_unfollowed(entity_type: str, entity_uuid: str) -> None:
    """A purchasing body no longer followed: its markets (and their lots) go, except those
    the hospital's rows still point at, kept and marked as no longer followed; the body goes
    with its last market."""
    if entity_type != "purchasing_body":
        return
    tables = current_tables()
    with transaction.atomic():
        body = tables.body.objects.filter(central_uuid=entity_uuid).first()
        if body is None:
            return
        kept = 0
        for market in tables.market.objects.filter(purchasing_body=body):
            if market.uses.exists() or not _deleted(market):
                market.is_followed = False
                market.save(update_fields=["is_followed"])
                kept += 1
        if kept:
            body.is_followed = False
            body.save(update_fields=["is_followed"])
        else:
            body.delete()


def _deleted(row: models.Model) -> bool:
    """Deleted, unless a protected or restricted foreign key still points at it (or at one
    of the rows it would take with it)."""
    try:
        with transaction.atomic():
            row.delete()
    except (ProtectedError, RestrictedError):
        return False
    return True


def market_counts() -> list[tuple[str, int]]:
    """What the sync status page counts: the central rows only."""
    tables = current_tables()
    return [
        ("purchasing_body", tables.body.objects.count()),
        ("market", tables.market.objects.filter(origin=CENTRAL).count()),
        ("lot", tables.lot.objects.filter(central_uuid__isnull=False).count()),
    ]


def register() -> None:
    from tenants.mirror.appliers import register_applier

    register_applier(ENTITY_TYPES, apply_market_changes, drop_unfollowed, market_counts)
