"""Typed tables outside the mirror that take some entity types of the feed.

An app that keeps central entities in tables of its own (the markets app: purchasing bodies,
markets, lots) registers how it applies their upserts and tombstones, what it drops when the
tenant stops following an entity, and what the sync status page counts. The mirror hands those
changes over and imports none of those apps; entity types nobody registered stay generic
``ReferenceEntity`` rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Feed or snapshot rows of the applier's types (upserts and tombstones), in seq order, applied
# inside the caller's transaction; returns the rows written.
Apply = Callable[[list[dict[str, Any]]], int]
# (entity type, central UUID) of what the tenant no longer follows.
Drop = Callable[[str, str], None]
# (entity type, rows) for the sync status page.
Counts = Callable[[], Iterable[tuple[str, int]]]


@dataclass(frozen=True)
class Applier:
    entity_types: frozenset[str]
    apply: Apply
    drop: Drop | None = None
    counts: Counts | None = None


_APPLIERS: list[Applier] = []


def register_applier(
    entity_types: Iterable[str],
    apply: Apply,
    drop: Drop | None = None,
    counts: Counts | None = None,
) -> None:
    """Hand the changes of ``entity_types`` to ``apply`` (registering twice is harmless)."""
    types = frozenset(entity_types)
    taken = {t for a in _APPLIERS if a.apply is not apply for t in a.entity_types}
    if types & taken:
        raise ValueError(f"already applied elsewhere: {sorted(types & taken)}")
    _APPLIERS[:] = [a for a in _APPLIERS if a.apply is not apply]
    _APPLIERS.append(Applier(types, apply, drop, counts))


def appliers() -> list[Applier]:
    return list(_APPLIERS)


def handled_types() -> frozenset[str]:
    return frozenset(t for a in _APPLIERS for t in a.entity_types)


def drop_followed(entity_type: str, entity_uuid: str) -> None:
    """Tell every applier that the tenant stopped following this entity."""
    for applier in _APPLIERS:
        if applier.drop is not None:
            applier.drop(entity_type, entity_uuid)


def applied_counts() -> list[tuple[str, int]]:
    return [row for a in _APPLIERS if a.counts is not None for row in a.counts()]
