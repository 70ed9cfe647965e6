"""Reads of the curators' pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Q, QuerySet

from saas.labels import matching_words
from shared_reference.models import (
    ChangeLogEntry,
    DeviceModel,
    Lot,
    Manufacturer,
    Market,
    NomenclatureSystem,
    NomenclatureTerm,
    PurchasingBody,
    Release,
    SafetyNotice,
    Supplier,
)

# Payload keys that point at another entity by its uuid, and the model it names.
REFERENCES: dict[str, type[Any]] = {
    "manufacturer": Manufacturer,
    "purchasing_body": PurchasingBody,
    "market": Market,
    "device_models": DeviceModel,
}

SEARCH_LIMIT = 100


def systems_with_counts() -> QuerySet[NomenclatureSystem]:
    return NomenclatureSystem.objects.annotate(
        term_count=Count("terms"), dirty_count=Count("terms", filter=Q(terms__dirty=True))
    ).order_by("name")


def children_of(
    system: NomenclatureSystem, parent: NomenclatureTerm | None
) -> QuerySet[NomenclatureTerm]:
    """One level of the tree, with how many children each term has (the tree opens lazily)."""
    return (
        NomenclatureTerm.objects.filter(system=system, parent=parent)
        .annotate(child_count=Count("children"))
        .order_by("code")
    )


def search_terms(system: NomenclatureSystem, query: str) -> QuerySet[NomenclatureTerm]:
    """Terms whose code or labels (French or English) hold every word, whatever the case and
    the accents."""
    return (
        matching_words(NomenclatureTerm.objects.filter(system=system), query)
        .annotate(child_count=Count("children"))
        .order_by("code")[:SEARCH_LIMIT]
    )


def ancestors(term: NomenclatureTerm) -> list[NomenclatureTerm]:
    chain: list[NomenclatureTerm] = []
    current = term.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def pending_change_count() -> int:
    from shared_reference.services import unpublished_change_count

    return unpublished_change_count()


def releases() -> QuerySet[Release]:
    return Release.objects.order_by("-number")


def changes_of_release(release: Release, limit: int = 500) -> QuerySet[ChangeLogEntry]:
    return release.changes.order_by("seq")[:limit]


def names_in(payloads: Iterable[Any]) -> dict[str, str]:
    """The names of the entities ``payloads`` point at by uuid (a model's manufacturer), by
    uuid: a page shows "Dräger", never the key. One query per kind of reference."""
    wanted: dict[str, set[str]] = {key: set() for key in REFERENCES}
    for payload in payloads:
        if not isinstance(payload, dict):
            continue
        for key in REFERENCES:
            value = payload.get(key)
            wanted[key].update(value if isinstance(value, list) else [value] if value else [])
    names: dict[str, str] = {}
    for key, uuids in wanted.items():
        valid = [u for u in uuids if isinstance(u, str) and _is_uuid(u)]
        if valid:
            for row in REFERENCES[key].objects.filter(uuid__in=valid):
                names[str(row.uuid)] = str(row)
    return names


def _is_uuid(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


def history_of(entity_uuid: UUID | str) -> QuerySet[ChangeLogEntry]:
    return (
        ChangeLogEntry.objects.filter(entity_uuid=entity_uuid)
        .select_related("release")
        .order_by("-seq")
    )


def device_models() -> QuerySet[DeviceModel]:
    return (
        DeviceModel.objects.select_related("manufacturer")
        .prefetch_related("terms")
        .order_by("manufacturer__name", "commercial_name")
    )


def pending_changes(limit: int = 200) -> dict[str, list[Any]]:
    """What the next release will carry, by kind, for review before publishing."""
    from shared_reference.services import CATALOGUE

    pending: dict[str, list[Any]] = {
        "nomenclature_term": list(
            NomenclatureTerm.objects.filter(dirty=True)
            .select_related("system")
            .order_by("system", "code")[:limit]
        )
    }
    for model, related, _prefetched in CATALOGUE:
        pending[model.ENTITY_TYPE] = list(
            model._default_manager.filter(dirty=True)
            .select_related(*related)
            .order_by("pk")[:limit]
        )
    pending[SafetyNotice.ENTITY_TYPE] = list(SafetyNotice.objects.filter(dirty=True)[:limit])
    return {kind: items for kind, items in pending.items() if items}


@dataclass(frozen=True)
class EntityDifference:
    entity_type: str
    entity_uuid: str
    label: str
    operation: str
    fields: list[tuple[str, Any, Any]]  # name, before, after


def release_difference(first: int, last: int) -> list[EntityDifference]:
    """Each entity changed by releases after ``first`` up to ``last``, field by field."""
    latest = (
        ChangeLogEntry.objects.filter(release__number__gt=first, release__number__lte=last)
        .order_by("entity_uuid", "-seq")
        .distinct("entity_uuid")
    )
    after = {row.entity_uuid: row for row in latest}
    before = {
        row.entity_uuid: row
        for row in ChangeLogEntry.objects.filter(
            release__number__lte=first, entity_uuid__in=list(after)
        )
        .order_by("entity_uuid", "-seq")
        .distinct("entity_uuid")
    }
    differences = []
    for entity_uuid, row in sorted(after.items(), key=lambda item: item[1].seq):
        old = before[entity_uuid].payload if entity_uuid in before else {}
        new = row.payload
        fields = [
            (k, old.get(k), new.get(k))
            for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k)
        ]
        label = str(
            new.get("code")
            or new.get("commercial_name")
            or new.get("name")
            or new.get("reference")
            or ""
        )
        differences.append(
            EntityDifference(row.entity_type, str(entity_uuid), label, row.operation, fields)
        )
    return differences


def purchasing_bodies() -> QuerySet[PurchasingBody]:
    return PurchasingBody.objects.annotate(
        market_count=Count("markets", filter=~Q(markets__status="deleted"))
    ).order_by("name")


def markets_of(body: PurchasingBody) -> QuerySet[Market]:
    return (
        Market.objects.filter(purchasing_body=body)
        .annotate(lot_count=Count("lots", filter=~Q(lots__status="deleted")))
        .order_by("-ends", "reference")
    )


def lots_of(market: Market) -> QuerySet[Lot]:
    return (
        Lot.objects.filter(market=market)
        .prefetch_related("suppliers")
        .annotate(model_count=Count("device_models", distinct=True))
        .order_by("number")
    )


def suppliers(query: str = "") -> QuerySet[Supplier]:
    found = Supplier.objects.annotate(
        lot_count=Count("lots", filter=~Q(lots__status="deleted"))
    ).order_by("name")
    if query:
        found = found.filter(Q(name__icontains=query) | Q(siren__startswith=query))
    return found


def lots_naming(supplier: Supplier) -> QuerySet[Lot]:
    return (
        supplier.lots.exclude(status="deleted")
        .select_related("market__purchasing_body")
        .order_by("market__purchasing_body__name", "market__reference", "number")
    )
