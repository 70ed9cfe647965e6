"""The tenant side of the sync protocol (DESIGN.md section 4): pull, apply, advance.

Each page of the change feed is applied in one transaction that also moves the cursor, so a
crash loses nothing and repeats nothing; every row is applied only when its seq is newer than
the mirrored one, so replaying a page is harmless. A cursor older than the log's horizon (410)
is answered by taking the snapshot of everything the tenant receives. Linking something to a
central entity subscribes first, then fetches it, so that no change slips in between.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DataError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tenants.mirror.appliers import appliers, drop_followed, handled_types
from tenants.mirror.client import (
    INTERACTIVE_TIMEOUT,
    SNAPSHOT_TOPICS,
    TIMEOUT,
    CursorGone,
    ReferenceClient,
    ReferenceRefused,
    SyncFailed,
    UnexpectedAnswer,
)
from tenants.mirror.models import (
    LocalSubscription,
    ReferenceDeviceModel,
    ReferenceEntity,
    ReferenceManufacturer,
    ReferenceTerm,
    SyncState,
)
from tenants.mirror.overlays import refresh_contributions
from tenants.mirror.services import (
    PayloadRefused,
    apply_manufacturers,
    apply_models,
    apply_terms,
)
from tenants.mirror.signals import mirror_synced
from tenants.mirror.usage import entities_in_use

logger = logging.getLogger(__name__)
MAX_PAGES = 1000  # per run; the next run goes on from the cursor


@dataclass
class SyncReport:
    cursor_from: int
    cursor_to: int = 0
    pages: int = 0
    applied: int = 0
    from_snapshot: bool = False
    subscribed: int = 0

    def __str__(self) -> str:
        # Operators' English, not translated: plurals by hand.
        how = "snapshot" if self.from_snapshot else _count(self.pages, "page")
        moved = f"cursor {self.cursor_from} -> {self.cursor_to}"
        new = f", {_count(self.subscribed, 'new subscription')}" if self.subscribed else ""
        return f"{how}: {_count(self.applied, 'change')} applied{new}, {moved}"


def _count(number: int, noun: str) -> str:
    """``_count(1, "page")`` -> "1 page", ``_count(3, "page")`` -> "3 pages"."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def client_for(state: SyncState, *, interactive: bool = False) -> ReferenceClient:
    """The tenant's client; ``interactive`` for calls a page waits on (shorter timeouts)."""
    key = state.api_key
    if not key:
        raise ReferenceRefused("no API key: this tenant is not linked to a reference server")
    timeout = INTERACTIVE_TIMEOUT if interactive else TIMEOUT
    return ReferenceClient(reference_api_url(state), key, timeout=timeout)


def reference_api_url(state: SyncState) -> str:
    """The tenant's own address if set, else the platform's (REFERENCE_API_URL, else the
    reference API on the public host)."""
    from saas.tenancy.urls_helpers import public_url

    return state.api_url or settings.REFERENCE_API_URL or public_url("/api/reference/v1/")


def apply_changes(changes: list[dict[str, Any]]) -> int:
    """Apply feed or snapshot rows (inside the caller's transaction); returns rows written.

    Codes, manufacturers and models are written in bulk (manufacturers before the models
    that point at them), then tombstones and the other entity types, in seq order.
    """
    bulk = {"nomenclature_term": apply_terms, "manufacturer": apply_manufacturers}
    bulk["device_model"] = apply_models
    typed = handled_types()
    written = 0
    try:
        for entity_type, apply in bulk.items():
            entries = [
                (c["entity_uuid"], c["payload"], c["seq"])
                for c in changes
                if c["entity_type"] == entity_type and c["operation"] == "upsert"
            ]
            written += apply(entries) if entries else 0
        # Types another app keeps in tables of its own (markets...): upserts and tombstones.
        for applier in appliers():
            mine = [c for c in changes if c["entity_type"] in applier.entity_types]
            if mine:
                written += applier.apply(sorted(mine, key=lambda c: c["seq"]))
        rest = sorted(
            (
                c
                for c in changes
                if c["entity_type"] not in typed
                and (c["entity_type"] not in bulk or c["operation"] != "upsert")
            ),
            key=lambda c: c["seq"],
        )
        for change in rest:
            if change["operation"] == "tombstone":
                written += _tombstone(change)
            else:
                written += _keep_payload(change)
    # A key missing, a payload of the wrong shape, a value the database refuses (a number too
    # large, a NUL in JSON): the page is refused whole, as the server's fault, never a crash.
    except (PayloadRefused, ValueError, TypeError, LookupError, AttributeError, DataError) as exc:
        raise UnexpectedAnswer(f"a change could not be applied: {exc!r}") from exc
    return written


def _tombstone(change: dict[str, Any]) -> int:
    key = uuid.UUID(change["entity_uuid"])
    written = 0
    for model in (ReferenceManufacturer, ReferenceDeviceModel, ReferenceTerm, ReferenceEntity):
        # Kept, marked deleted: devices and requests may still point at them.
        written += model.objects.filter(uuid=key, seq__lt=change["seq"]).update(
            status="deleted", seq=change["seq"]
        )
    return written


def _keep_payload(change: dict[str, Any]) -> int:
    key = uuid.UUID(change["entity_uuid"])
    current = ReferenceEntity.objects.filter(uuid=key).values_list("seq", flat=True).first()
    if current is not None and current >= change["seq"]:
        return 0
    payload = change["payload"]
    ReferenceEntity.objects.update_or_create(
        uuid=key,
        defaults={
            "entity_type": change["entity_type"],
            "payload": payload,
            "seq": change["seq"],
            "status": str(payload.get("status") or "active"),
        },
    )
    return 1


def _record_failure(exc: Exception) -> None:
    SyncState.objects.filter(pk=SyncState.current().pk).update(
        last_attempt=timezone.now(),
        last_error=f"{exc.__class__.__name__}: {exc}"[:2000],
        failures=F("failures") + 1,
    )


def sync_reference(client: ReferenceClient | None = None) -> SyncReport:
    """Pull every page after the cursor and apply it; on 410, start again from the snapshot.

    Failures, foreseen or not, are recorded on the sync state (shown on the status page) and
    raised again, so that the task can retry those worth retrying.
    """
    state = SyncState.current()
    report = SyncReport(cursor_from=state.cursor)
    try:
        client = client or client_for(state)
        joining = state.cursor == 0
        # When joining, the snapshot below brings what is subscribed to here: no fetch twice.
        report.subscribed = subscribe_to_what_is_used(client, fetch=not joining)
        refresh_contributions(client)
        if joining:
            # Joining: the current state of what the tenant receives, then the feed from there.
            _resync_from_snapshot(client, report)
        else:
            try:
                _pull_pages(client, report)
            except CursorGone:
                _resync_from_snapshot(client, report)
    except SyncFailed as exc:
        logger.warning("reference sync failed: %s", exc)
        _record_failure(exc)
        raise
    except Exception as exc:
        # A fault nobody foresaw (a database error while applying a page, say) must not leave
        # the sync stuck in silence: the status page shows it, the error log tells the
        # platform's staff, with the traceback.
        logger.exception("reference sync failed unexpectedly")
        _record_failure(exc)
        raise
    SyncState.objects.filter(pk=state.pk).update(
        last_attempt=timezone.now(), last_success=timezone.now(), last_error="", failures=0
    )
    report.cursor_to = SyncState.current().cursor
    # The impact step (alerts) looks at the state, so it runs even when nothing came: time
    # alone brings ends of support into the alert window.
    mirror_synced.send(sender=SyncState, report=report)
    return report


def _pull_pages(client: ReferenceClient, report: SyncReport) -> None:
    for _ in range(MAX_PAGES):
        cursor = SyncState.current().cursor
        page = client.changes(cursor)
        with transaction.atomic():
            state = SyncState.objects.select_for_update().get(pk=SyncState.current().pk)
            if state.cursor != cursor:
                continue  # another run applied this page meanwhile: fetch from where it got
            written = apply_changes(page.changes)
            state.cursor = page.next_cursor
            state.applied += written
            state.save(update_fields=["cursor", "applied"])
        report.pages += 1
        report.applied += written
        if not page.has_more:
            return


def _resync_from_snapshot(client: ReferenceClient, report: SyncReport) -> None:
    seq, entities = client.snapshot()
    with transaction.atomic():
        state = SyncState.objects.select_for_update().get(pk=SyncState.current().pk)
        written = apply_changes(entities)
        state.cursor = max(state.cursor, seq)
        state.applied += written
        state.save(update_fields=["cursor", "applied"])
    report.from_snapshot = True
    report.applied += written


def subscribe_to_what_is_used(client: ReferenceClient, *, fetch: bool = True) -> int:
    """Subscribe to (and fetch) the central entities linked to but not yet subscribed to."""
    subscribed = 0
    for entity_type, uuids in entities_in_use().items():
        subscribed += len(use_references(entity_type, sorted(uuids), client, fetch=fetch))
    return subscribed


def use_references(
    entity_type: str,
    entity_uuids: list[str],
    client: ReferenceClient | None = None,
    *,
    fetch: bool = True,
) -> list[str]:
    """Subscribe to central entities the tenant starts using, then fetch them (unless the
    caller takes a snapshot next): from then on the feed brings their changes (subscribing
    first, no change can slip in between). Without a client, a page is waiting on it.

    Entities already subscribed to are skipped; returns the topics newly subscribed to.
    """
    known = set(
        LocalSubscription.objects.filter(topic__startswith=f"{entity_type}:").values_list(
            "topic", flat=True
        )
    )
    wanted = [
        (entity_type, str(u))
        for u in dict.fromkeys(str(uuid.UUID(str(u))) for u in entity_uuids)
        if f"{entity_type}:{u}" not in known
    ]
    if not wanted:
        return []
    client = client or client_for(SyncState.current(), interactive=True)
    answered = client.subscribe_many(wanted)
    unknown = [w[1] for w, t in zip(wanted, answered, strict=True) if t is None]
    if unknown:
        # Linked locally but unknown to the reference server (a model created by hand, say):
        # nothing to follow; asked again at the next sync in case it is published later.
        logger.info(
            "%d %s unknown to the reference server, e.g. %s", len(unknown), entity_type, unknown[0]
        )
    topics = [t for t in answered if t is not None]
    LocalSubscription.objects.bulk_create(
        [LocalSubscription(topic=t) for t in topics], ignore_conflicts=True, batch_size=1000
    )
    for start in range(0, len(topics) if fetch else 0, SNAPSHOT_TOPICS):
        _seq, entities = client.snapshot(topics[start : start + SNAPSHOT_TOPICS])
        with transaction.atomic():
            apply_changes(entities)
    return topics


def mirror_model(model_uuid: str, client: ReferenceClient | None = None) -> ReferenceDeviceModel:
    """The mirrored device model with this central UUID; one the tenant did not use yet is
    subscribed to and fetched first (linking something to a model is what starts using it)."""
    found = ReferenceDeviceModel.objects.filter(uuid=model_uuid).first()
    if found is not None:
        return found
    use_references("device_model", [model_uuid], client)
    found = ReferenceDeviceModel.objects.filter(uuid=model_uuid).first()
    if found is None:
        raise ReferenceRefused(f"device model {model_uuid}: unknown to the reference server")
    return found


def search_catalogue(query: str, limit: int = 15) -> list[tuple[str, str]]:
    """(central UUID, label) of models matching ``query``: the whole catalogue, live; the
    tenant's own copy when the reference server cannot answer."""
    try:
        client = client_for(SyncState.current(), interactive=True)
        found = client.search_device_models(query, limit)
        return [
            (m["uuid"], f"{m.get('manufacturer_name', '')} {m.get('commercial_name', '')}".strip())
            for m in found
            if m.get("status", "active") != "deleted"
        ]
    except SyncFailed as exc:
        logger.info("live catalogue search unavailable, using the mirror: %s", exc)
    words = Q()
    for word in query.split():
        words &= Q(commercial_name__icontains=word) | Q(manufacturer__name__icontains=word)
    models = ReferenceDeviceModel.objects.filter(words).exclude(status="deleted")
    return [
        (str(m.uuid), f"{m.manufacturer.name} {m.commercial_name}")
        for m in models.select_related("manufacturer")[:limit]
    ]


FOLLOWABLE = ("nomenclature", "purchasing_body")


def follow(entity_type: str, entity_uuid: str, client: ReferenceClient | None = None) -> int:
    """Mirror a whole nomenclature, or a purchasing body's markets and lots, from now on."""
    if entity_type not in FOLLOWABLE:
        raise ReferenceRefused(f"{entity_type}: only {', '.join(FOLLOWABLE)} can be followed")
    return len(use_references(entity_type, [entity_uuid], client))


def unfollow(entity_type: str, entity_uuid: str, client: ReferenceClient | None = None) -> None:
    """Stop following, and drop what only that subscription brought (codes, markets, lots);
    alerts about them close at the next impact step."""
    if entity_type not in FOLLOWABLE:
        raise ReferenceRefused(f"{entity_type}: only {', '.join(FOLLOWABLE)} can be followed")
    key = str(uuid.UUID(entity_uuid))
    client = client or client_for(SyncState.current(), interactive=True)
    client.unsubscribe(entity_type, key)
    with transaction.atomic():
        LocalSubscription.objects.filter(topic=f"{entity_type}:{key}").delete()
        if entity_type == "nomenclature":
            system = ReferenceEntity.objects.filter(uuid=key).first()
            code = system.payload.get("code") if system else None
            if code:
                ReferenceTerm.objects.filter(system=code).delete()
            ReferenceEntity.objects.filter(uuid=key).delete()
        else:
            ReferenceEntity.objects.filter(uuid=key).delete()
        # The apps keeping what it brought in tables of their own drop it (or keep what the
        # hospital's own rows still point at, marked as no longer followed).
        drop_followed(entity_type, key)
