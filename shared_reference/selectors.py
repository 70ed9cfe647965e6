"""Reads of the sync feed: what a subscriber receives."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, QuerySet

from shared_reference.models import (
    ChangeLogEntry,
    EntityStatus,
    MarketDocument,
    PublishedEntity,
    Subscriber,
)


@dataclass(frozen=True)
class ChangePage:
    changes: list[dict[str, Any]]
    next_cursor: int
    has_more: bool


def latest_seq() -> int:
    return ChangeLogEntry.objects.aggregate(n=Max("seq"))["n"] or 0


def feed_position() -> tuple[int, int]:
    """(last seq, compaction horizon) in one round trip: what a feed response depends on."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT max(seq) FROM shared_reference_changelogentry), "
            "(SELECT max(seq) FROM shared_reference_feedhorizon)"
        )
        last, horizon = cursor.fetchone()
    return last or 0, horizon or 0


def _for_subscriber(queryset: QuerySet[Any], subscriber: Subscriber) -> QuerySet[Any]:
    if subscriber.mirrors_everything:
        return queryset
    return queryset.filter(topic__in=subscriber.subscriptions.values("topic"))


def change_page(subscriber: Subscriber, *, since: int, limit: int) -> ChangePage:
    """Changes with ``seq > since`` that concern the subscriber, in order, at most ``limit``.

    The end of the log is read first and the rows are read up to it: releases are serialised,
    so every change at or below it is committed, and the cursor can move to it when the page
    is the last one (the rows in between concern others). Reading it after the rows would let
    a release committed in between be skipped.
    """
    last = latest_seq()
    rows = list(
        _for_subscriber(ChangeLogEntry.objects.filter(seq__gt=since, seq__lte=last), subscriber)
        .order_by("seq")
        .values("seq", "entity_type", "entity_uuid", "operation", "payload")[: limit + 1]
    )
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = rows[-1]["seq"] if has_more else max(since, last)
    changes = [{**row, "entity_uuid": str(row["entity_uuid"])} for row in rows]
    return ChangePage(changes, next_cursor, has_more)


def snapshot_rows(subscriber: Subscriber, topics: list[str] | None = None) -> Iterator[str]:
    """The published state of every entity the subscriber receives (or of some topics), each as
    its JSON text written by PostgreSQL: payloads are not decoded and re-encoded in Python."""
    from django.db.models import F, Func, TextField, Value

    queryset = _for_subscriber(PublishedEntity.objects.all(), subscriber)
    if topics is not None:
        queryset = queryset.filter(topic__in=topics)
    as_json_text = Func(
        Value("seq"),
        F("seq"),
        Value("entity_type"),
        F("entity_type"),
        Value("entity_uuid"),
        F("entity_uuid"),
        Value("operation"),
        F("operation"),
        Value("payload"),
        F("payload"),
        function="jsonb_build_object",
        template="%(function)s(%(expressions)s)::text",
        output_field=TextField(),
    )
    rows = queryset.order_by("seq").annotate(text=as_json_text).values_list("text", flat=True)
    yield from rows.iterator(chunk_size=5000)


def search_device_models(
    query: str, *, manufacturer: str | None, limit: int
) -> list[dict[str, Any]]:
    """Live search over the whole catalogue (published state), by words of the maker or model."""
    from django.db.models import Q

    from shared_reference.models import DeviceModel, EntityStatus

    models = DeviceModel.objects.exclude(status=EntityStatus.DELETED)
    for word in query.split():
        models = models.filter(
            Q(commercial_name__icontains=word)
            | Q(catalogue_reference__icontains=word)
            | Q(manufacturer__name__icontains=word)
            | Q(manufacturer__aliases__icontains=word)
        )
    if manufacturer:
        models = models.filter(manufacturer__uuid=manufacturer)
    # In the catalogue's order (manufacturer, then model); models never published are left out.
    ordered = list(
        models.order_by("manufacturer__name", "commercial_name").values_list("uuid", flat=True)[
            :limit
        ]
    )
    published = {
        row.entity_uuid: row.payload
        for row in PublishedEntity.objects.filter(entity_uuid__in=ordered)
    }
    return [{"uuid": str(u), **published[u]} for u in ordered if u in published]


def published_entity(entity_uuid: str) -> PublishedEntity | None:
    return PublishedEntity.objects.filter(entity_uuid=entity_uuid).first()


def search_terms(system_uuid: str, query: str, limit: int) -> list[dict[str, Any]]:
    """Published terms whose code or labels hold every word, whatever the case and accents."""
    from saas.labels import matching_words
    from shared_reference.models import NomenclatureTerm

    terms = matching_words(NomenclatureTerm.objects.filter(system__uuid=system_uuid), query)
    published = PublishedEntity.objects.filter(
        entity_uuid__in=terms.order_by("code").values("uuid")[:limit]
    ).order_by("payload__code")
    return [{"uuid": str(p.entity_uuid), **p.payload} for p in published]


def market_document_for(subscriber: Subscriber, document_uuid: str) -> MarketDocument | None:
    """A market's document, for a subscriber that follows its purchasing body (or takes the
    whole catalogue); None otherwise, as for a document that does not exist."""
    document = (
        MarketDocument.objects.select_related("market__purchasing_body")
        .filter(uuid=document_uuid)
        .exclude(market__status=EntityStatus.DELETED)
        .first()
    )
    if document is None:
        return None
    if (
        subscriber.mirrors_everything
        or subscriber.subscriptions.filter(topic=document.market.topic()).exists()
    ):
        return document
    return None
