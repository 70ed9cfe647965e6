"""Reads of the curators' pages."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, Q, QuerySet

from shared_reference.models import (
    ChangeLogEntry,
    DeviceModel,
    NomenclatureSystem,
    NomenclatureTerm,
    Release,
)

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
    query = query.strip()
    return (
        NomenclatureTerm.objects.filter(system=system)
        .filter(
            Q(code__istartswith=query) | Q(label_en__icontains=query) | Q(label_fr__icontains=query)
        )
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
    from shared_reference.services import CATALOGUE

    total = NomenclatureSystem.objects.filter(dirty=True).count()
    total += NomenclatureTerm.objects.filter(dirty=True).count()
    for model, *_ in CATALOGUE:
        total += model._default_manager.filter(dirty=True).count()
    return total


def releases() -> QuerySet[Release]:
    return Release.objects.order_by("-number")


def changes_of_release(release: Release, limit: int = 500) -> QuerySet[ChangeLogEntry]:
    return release.changes.order_by("seq")[:limit]


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
