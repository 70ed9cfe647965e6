"""Reads of the sync feed: what a subscriber receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from shared_reference.models import ChangeLogEntry, PublishedEntity, Subscriber


@dataclass(frozen=True)
class ChangePage:
    changes: list[dict[str, Any]]
    next_cursor: int
    has_more: bool


def latest_seq() -> int:
    return ChangeLogEntry.objects.aggregate(n=Max("seq"))["n"] or 0


def _for_subscriber(queryset: QuerySet[Any], subscriber: Subscriber) -> QuerySet[Any]:
    if subscriber.mirrors_everything:
        return queryset
    return queryset.filter(topic__in=subscriber.subscriptions.values("topic"))


def change_page(subscriber: Subscriber, *, since: int, limit: int) -> ChangePage:
    """Changes with ``seq > since`` that concern the subscriber, in order, at most ``limit``."""
    rows = list(
        _for_subscriber(ChangeLogEntry.objects.filter(seq__gt=since), subscriber)
        .order_by("seq")
        .values("seq", "entity_type", "entity_uuid", "operation", "payload")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    # With nothing (more) for this subscriber, jump the cursor to the end of the log: the rows
    # in between concern others, and the next call need not scan them again.
    next_cursor = rows[-1]["seq"] if rows else max(since, latest_seq())
    changes = [{**row, "entity_uuid": str(row["entity_uuid"])} for row in rows]
    return ChangePage(changes, next_cursor, has_more)


def snapshot_rows(subscriber: Subscriber, topic: str | None = None) -> Iterator[dict[str, Any]]:
    """The published state of every entity the subscriber receives (or of one topic)."""
    queryset = _for_subscriber(PublishedEntity.objects.all(), subscriber)
    if topic is not None:
        queryset = queryset.filter(topic=topic)
    for row in (
        queryset.order_by("seq")
        .values("seq", "entity_type", "entity_uuid", "operation", "payload")
        .iterator(chunk_size=5000)
    ):
        row["entity_uuid"] = str(row["entity_uuid"])
        yield row
