"""Curation of the references: importing nomenclatures, publishing releases, FHIR export."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from saas.errors import UserError
from shared_reference.fhir import ParsedCodeSystem
from shared_reference.models import (
    CatalogueEntity,
    ChangeLogEntry,
    ChangeOperation,
    DeviceModel,
    EntityStatus,
    FeedHorizon,
    Lot,
    Manufacturer,
    Market,
    NomenclatureSystem,
    NomenclatureTerm,
    PublishedEntity,
    PurchasingBody,
    Release,
    SafetyNotice,
    Subscriber,
    Subscription,
    TermStatus,
    nomenclature_topic,
)
from shared_reference.signals import release_published

ENTITY_SYSTEM = "nomenclature_system"
ENTITY_TERM = "nomenclature_term"


class NothingToPublish(Exception):
    pass


@dataclass
class ImportReport:
    system: NomenclatureSystem
    created: int = 0
    relabelled: int = 0
    moved: int = 0
    retired: int = 0
    reactivated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.relabelled + self.moved + self.retired + self.reactivated

    def __str__(self) -> str:
        return (
            f"{self.system.code}: {self.created} new, {self.relabelled} relabelled, "
            f"{self.moved} moved, {self.retired} retired, {self.reactivated} reactivated, "
            f"{self.unchanged} unchanged"
        )


@transaction.atomic
def import_codesystem(parsed: ParsedCodeSystem) -> ImportReport:
    """Bring a nomenclature's working state to what the file says; changed terms become dirty.

    New terms are created, changed labels and parents updated, terms missing from the file
    retired (never deleted: tenants may use them), terms back in the file reactivated. French
    labels written by curators are kept unless the file carries French designations.
    """
    system = NomenclatureSystem.objects.select_for_update().filter(canonical_url=parsed.url).first()
    meta = {
        "name": parsed.title,
        "version": parsed.version,
        "publisher": parsed.publisher,
        "description": parsed.description,
        "hierarchy": parsed.hierarchy,
    }
    if system is None:
        system = NomenclatureSystem.objects.create(
            code=_free_system_code(parsed.name), canonical_url=parsed.url, dirty=True, **meta
        )
    elif any(getattr(system, k) != v for k, v in meta.items()):
        for key, value in meta.items():
            setattr(system, key, value)
        system.dirty = True
        system.save()

    report = ImportReport(system)
    existing = {t.code: t for t in NomenclatureTerm.objects.filter(system=system)}
    ids = {code: term.pk for code, term in existing.items()}
    code_of = {term.pk: code for code, term in existing.items()}
    changed: list[NomenclatureTerm] = []
    by_level: dict[int, list[NomenclatureTerm]] = defaultdict(list)
    for item in parsed.terms:
        term = existing.get(item.code)
        if term is None:
            by_level[item.level].append(
                NomenclatureTerm(
                    system=system,
                    code=item.code,
                    label_en=item.display,
                    label_fr=item.label_fr,
                    level=item.level,
                    dirty=True,
                )
            )
            continue
        dirty = False
        if term.label_en != item.display or (item.label_fr and term.label_fr != item.label_fr):
            term.label_en, term.label_fr = item.display, item.label_fr or term.label_fr
            report.relabelled += 1
            dirty = True
        if term.status == TermStatus.RETIRED:
            term.status, term.replacement_code, term.valid_until = TermStatus.ACTIVE, "", None
            report.reactivated += 1
            dirty = True
        if term.level != item.level or code_of.get(term.parent_id) != item.parent_code:  # type: ignore[arg-type]
            report.moved += 1
            dirty = True
        term.level = item.level
        if dirty:
            term.dirty = True
            changed.append(term)
        else:
            report.unchanged += 1

    # New terms level by level, so that each level finds its parents' ids.
    parent_of = {t.code: t.parent_code for t in parsed.terms}
    for level in sorted(by_level):
        batch = by_level[level]
        for term in batch:
            parent_code = parent_of[term.code]
            term.parent_id = ids[parent_code] if parent_code else None
        NomenclatureTerm.objects.bulk_create(batch, batch_size=2000)
        for term in batch:
            ids[term.code] = term.pk
        report.created += len(batch)
    for term in changed:
        parent_code = parent_of[term.code]
        term.parent_id = ids[parent_code] if parent_code else None
    NomenclatureTerm.objects.bulk_update(
        changed,
        [
            "label_en",
            "label_fr",
            "status",
            "replacement_code",
            "valid_until",
            "level",
            "parent",
            "dirty",
        ],
        batch_size=1000,
    )
    in_file = set(parent_of)
    gone = [
        t.pk
        for code, t in existing.items()
        if code not in in_file and t.status == TermStatus.ACTIVE
    ]
    report.retired = NomenclatureTerm.objects.filter(pk__in=gone).update(
        status=TermStatus.RETIRED, dirty=True
    )
    return report


def _free_system_code(name: str) -> str:
    base = slugify(name)[:36] or "nomenclature"
    code, n = base, 2
    while NomenclatureSystem.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def publish_release(*, notes: str, by: str) -> Release:
    """Write one change-log row per entity changed since the last release, in one transaction.

    Releases are serialised by a transaction lock, so ``seq`` values become visible in order:
    a subscriber that read up to ``seq`` N never later finds a smaller one appear.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('shared_reference.publish_release'))")
    if unpublished_change_count() == 0:
        raise NothingToPublish("No change since the last release.")
    systems = list(NomenclatureSystem.objects.filter(dirty=True))
    terms = NomenclatureTerm.objects.filter(dirty=True).select_related("system", "parent")
    number = (Release.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    release = Release.objects.create(number=number, notes=notes, published_by=by)
    entries = [
        ChangeLogEntry(
            release=release,
            entity_type=ENTITY_SYSTEM,
            entity_uuid=s.uuid,
            topic=nomenclature_topic(s.uuid),
            operation=ChangeOperation.UPSERT,
            payload=s.payload(),
        )
        for s in systems
    ]
    entries += [
        ChangeLogEntry(
            release=release,
            entity_type=ENTITY_TERM,
            entity_uuid=t.uuid,
            topic=nomenclature_topic(t.system.uuid),
            operation=ChangeOperation.UPSERT,
            payload=t.payload(t.system.code, t.parent.code if t.parent else None),
        )
        for t in terms.order_by("system_id", "level", "code").iterator(chunk_size=2000)
    ]
    entries += catalogue_changes(release)
    ChangeLogEntry.objects.bulk_create(entries, batch_size=2000)
    # The current published state, for snapshots.
    PublishedEntity.objects.bulk_create(
        [
            PublishedEntity(
                entity_uuid=e.entity_uuid,
                entity_type=e.entity_type,
                topic=e.topic,
                seq=e.seq,
                operation=e.operation,
                payload=e.payload,
            )
            for e in entries
        ],
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["entity_uuid"],
        update_fields=["seq", "operation", "payload", "topic"],
    )
    for model in published_models():
        model._default_manager.filter(dirty=True).update(dirty=False)
    release.change_count = len(entries)
    release.first_seq, release.last_seq = entries[0].seq, entries[-1].seq
    release.save(update_fields=["change_count", "first_seq", "last_seq"])
    topics = sorted({e.topic for e in entries})
    transaction.on_commit(
        lambda: release_published.send(sender=Release, release=release, topics=topics)
    )
    return release


# Catalogue entities published with each release: model, select_related, prefetch_related.
CATALOGUE: list[tuple[type[CatalogueEntity], tuple[str, ...], tuple[str, ...]]] = [
    (Manufacturer, (), ()),
    (DeviceModel, ("manufacturer",), ("terms__system",)),
    (PurchasingBody, (), ()),
    (Market, ("purchasing_body",), ("documents",)),
    (
        Lot,
        ("market__purchasing_body",),
        ("suppliers", "terms__system", "device_models", "documents"),
    ),
]


def published_models() -> list[type[models.Model]]:
    """Every model whose rows carry ``dirty`` until a release publishes them."""
    return [NomenclatureSystem, NomenclatureTerm, *(m for m, *_ in CATALOGUE), SafetyNotice]


def unpublished_change_count() -> int:
    """Entities changed since the last release (a safety notice counts once)."""
    return sum(m._default_manager.filter(dirty=True).count() for m in published_models())


def catalogue_changes(release: Release) -> list[ChangeLogEntry]:
    """Change-log rows for the dirty catalogue entities; deleted ones become tombstones."""
    entries: list[ChangeLogEntry] = []
    for model, related, prefetched in CATALOGUE:
        dirty = (
            model._default_manager.filter(dirty=True)
            .select_related(*related)
            .prefetch_related(*prefetched)
        )
        for obj in dirty.order_by("pk"):
            deleted = obj.status == EntityStatus.DELETED
            entries.append(
                ChangeLogEntry(
                    release=release,
                    entity_type=model.ENTITY_TYPE,
                    entity_uuid=obj.uuid,
                    topic=obj.topic(),
                    operation=ChangeOperation.TOMBSTONE if deleted else ChangeOperation.UPSERT,
                    payload=obj.payload(),
                )
            )
    entries += safety_notice_changes(release)
    return entries


def notice_entity_uuid(notice: SafetyNotice, model_uuid: uuid.UUID | str) -> uuid.UUID:
    """A notice is published once per affected model: one entity per (notice, model) pair."""
    return uuid.uuid5(notice.uuid, str(model_uuid))


def safety_notice_changes(release: Release) -> list[ChangeLogEntry]:
    entries: list[ChangeLogEntry] = []
    notices = SafetyNotice.objects.filter(dirty=True).prefetch_related("device_models")
    for notice in notices.order_by("pk"):
        payload = notice.payload()
        current = {m.uuid: m for m in notice.device_models.all()}
        deleted = notice.status == EntityStatus.DELETED
        for model_uuid, model in current.items():
            entries.append(
                ChangeLogEntry(
                    release=release,
                    entity_type=SafetyNotice.ENTITY_TYPE,
                    entity_uuid=notice_entity_uuid(notice, model_uuid),
                    topic=model.topic(),
                    operation=ChangeOperation.TOMBSTONE if deleted else ChangeOperation.UPSERT,
                    payload={**payload, "device_model": str(model_uuid)},
                )
            )
        # Models taken off the notice since it was last published: tombstones.
        published = PublishedEntity.objects.filter(
            entity_type=SafetyNotice.ENTITY_TYPE,
            payload__notice=str(notice.uuid),
            operation=ChangeOperation.UPSERT,
        )
        for row in published:
            if uuid.UUID(row.payload["device_model"]) not in current:
                entries.append(
                    ChangeLogEntry(
                        release=release,
                        entity_type=SafetyNotice.ENTITY_TYPE,
                        entity_uuid=row.entity_uuid,
                        topic=row.topic,
                        operation=ChangeOperation.TOMBSTONE,
                        payload=row.payload,
                    )
                )
    return entries


def export_codesystem(system: NomenclatureSystem) -> dict[str, Any]:
    """The nomenclature as a FHIR R4 CodeSystem, nested by parent, retired terms marked."""
    children: dict[int | None, list[NomenclatureTerm]] = defaultdict(list)
    terms = NomenclatureTerm.objects.filter(system=system).order_by("code")
    count = 0
    for term in terms.iterator(chunk_size=5000):
        children[term.parent_id].append(term)
        count += 1

    def concept(term: NomenclatureTerm) -> dict[str, Any]:
        item: dict[str, Any] = {"code": term.code, "display": term.label_en or term.label_fr}
        if term.label_fr:
            item["designation"] = [{"language": "fr", "value": term.label_fr}]
        if term.status == TermStatus.RETIRED:
            item["property"] = [{"code": "status", "valueCode": "retired"}]
            if term.replacement_code:
                item["property"].append({"code": "replacedBy", "valueCode": term.replacement_code})
        if children.get(term.pk):
            item["concept"] = [concept(child) for child in children[term.pk]]
        return item

    return {
        "resourceType": "CodeSystem",
        "url": system.canonical_url,
        "version": system.version,
        "name": system.code,
        "title": system.name,
        "status": "active",
        "publisher": system.publisher,
        "description": system.description,
        "hierarchyMeaning": "is-a",
        "content": "complete",
        "count": count,
        "property": [
            {"code": "status", "type": "code", "description": "retired when no longer to be used"},
            {"code": "replacedBy", "type": "code", "description": "the code to use instead"},
        ],
        "concept": [concept(root) for root in children[None]],
    }


class SubscriptionRefused(UserError):
    """A subscription that cannot be made; ``field`` names the request field at fault."""


def _unknown_type(entity_type: str) -> str:
    return _("cannot subscribe to “%(type)s”; known types: %(known)s") % {
        "type": entity_type,
        "known": ", ".join(SUBSCRIBABLE),
    }


SUBSCRIBABLE: dict[str, type[models.Model]] = {
    "nomenclature": NomenclatureSystem,
    Manufacturer.ENTITY_TYPE: Manufacturer,
    DeviceModel.ENTITY_TYPE: DeviceModel,
    PurchasingBody.ENTITY_TYPE: PurchasingBody,
}


def topic_for(entity_type: str, entity_uuid: str) -> str:
    """The topic of a subscribable entity, checked to exist."""
    model = SUBSCRIBABLE.get(entity_type)
    if model is None:
        raise SubscriptionRefused("type", _unknown_type(entity_type))
    try:
        uuid.UUID(str(entity_uuid))
    except ValueError as exc:
        raise SubscriptionRefused("uuid", _("not a UUID")) from exc
    if not model._default_manager.filter(uuid=entity_uuid).exists():
        raise SubscriptionRefused(
            "uuid",
            _("no %(type)s %(uuid)s on this server") % {"type": entity_type, "uuid": entity_uuid},
        )
    if model is NomenclatureSystem:
        return nomenclature_topic(entity_uuid)
    return f"{entity_type}:{entity_uuid}"


def subscribe(subscriber: Subscriber, entity_type: str, entity_uuid: str) -> Subscription:
    topic = topic_for(entity_type, entity_uuid)
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(
            subscriber=subscriber, topic=topic
        )
        if created:
            Subscriber.objects.filter(pk=subscriber.pk).update(
                subscriptions_version=F("subscriptions_version") + 1
            )
    return subscription


def subscribe_many(subscriber: Subscriber, wanted: list[tuple[str, str]]) -> list[str | None]:
    """Subscribe to every (type, uuid) that exists; returns the topics in the order asked, None
    for an entity this server does not know. A malformed request (unknown type, not a UUID)
    subscribes to nothing. Checks existence with one query per type, not one per entity."""
    by_type: dict[str, set[uuid.UUID]] = defaultdict(set)
    parsed: list[tuple[str, uuid.UUID]] = []
    for index, (entity_type, entity_uuid) in enumerate(wanted):
        if entity_type not in SUBSCRIBABLE:
            raise SubscriptionRefused(f"[{index}].type", _unknown_type(entity_type))
        try:
            key = uuid.UUID(entity_uuid)
        except ValueError as exc:
            raise SubscriptionRefused(f"[{index}].uuid", _("not a UUID")) from exc
        by_type[entity_type].add(key)
        parsed.append((entity_type, key))
    found = {
        (entity_type, key)
        for entity_type, keys in by_type.items()
        for key in SUBSCRIBABLE[entity_type]
        ._default_manager.filter(uuid__in=keys)
        .values_list("uuid", flat=True)
    }
    topics = [
        (nomenclature_topic(key) if t == "nomenclature" else f"{t}:{key}")
        if (t, key) in found
        else None
        for t, key in parsed
    ]
    wanted_topics = [t for t in dict.fromkeys(topics) if t is not None]
    with transaction.atomic():
        have = set(
            Subscription.objects.filter(subscriber=subscriber, topic__in=wanted_topics).values_list(
                "topic", flat=True
            )
        )
        new = [Subscription(subscriber=subscriber, topic=t) for t in wanted_topics if t not in have]
        Subscription.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        if new:
            Subscriber.objects.filter(pk=subscriber.pk).update(
                subscriptions_version=F("subscriptions_version") + 1
            )
    return topics


def unsubscribe(subscriber: Subscriber, entity_type: str, entity_uuid: str) -> bool:
    try:
        topic = topic_for(entity_type, entity_uuid)
    except SubscriptionRefused as refused:  # the address names nothing to unsubscribe from
        raise SubscriptionRefused(refused.field, refused.reason, status=404) from refused
    with transaction.atomic():
        deleted, _ = Subscription.objects.filter(subscriber=subscriber, topic=topic).delete()
        if deleted:
            Subscriber.objects.filter(pk=subscriber.pk).update(
                subscriptions_version=F("subscriptions_version") + 1
            )
    return bool(deleted)


@transaction.atomic
def compact_change_log(*, before_release: int) -> int:
    """Drop change-log rows of releases before ``before_release`` that a later row supersedes.

    Cursors below the new horizon can no longer replay the log: those subscribers get a 410
    and start again from a snapshot. Returns the number of rows removed.
    """
    release = Release.objects.filter(number=before_release).first()
    if release is None or release.first_seq is None:
        raise ValueError(f"no published release {before_release}")
    horizon = release.first_seq - 1
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM shared_reference_changelogentry old "
            "USING shared_reference_changelogentry newer "
            "WHERE old.seq <= %s AND newer.entity_uuid = old.entity_uuid AND newer.seq > old.seq",
            [horizon],
        )
        removed = cursor.rowcount
    FeedHorizon.objects.create(seq=horizon, compacted_at=timezone.now())
    return removed
