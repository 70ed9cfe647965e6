"""Linking a tenant of this platform to the reference server, as a subscriber with its own key.

The platform side does what an administrator of the reference server does for an on-premises
installation: it registers the subscriber, issues a key and subscribes it to the nomenclatures
every tenant mirrors. The tenant keeps the key (encrypted) in its sync state; from then on it
only talks to the reference server through the sync API, like any other subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django_tenants.utils import schema_context

from saas.tenancy.models import Tenant
from shared_reference.models import (
    NomenclatureSystem,
    Subscriber,
    SubscriberAPIKey,
    nomenclature_topic,
)
from shared_reference.services import subscribe
from tenants.mirror.models import LocalSubscription, SyncState


@dataclass(frozen=True)
class Link:
    subscriber_id: int
    topics: list[str]
    new_key: bool


def link_tenant(tenant: Tenant, *, new_key: bool = False) -> Link:
    """Make ``tenant`` a subscriber of the reference server (idempotent).

    A tenant already holding a key keeps it unless ``new_key``: then its older keys are revoked.
    """
    with schema_context(tenant.schema_name):
        state = SyncState.current()
        has_key = bool(state.api_key_encrypted)
    issue_key = new_key or not has_key
    with schema_context("public"), transaction.atomic():
        subscriber, _created = Subscriber.objects.get_or_create(
            tenant_schema=tenant.schema_name,
            defaults={"name": tenant.name, "contact_email": tenant.contact_email},
        )
        secret = ""
        if issue_key:
            subscriber.api_keys.filter(revoked=False).update(revoked=True)
            _key, secret = SubscriberAPIKey.objects.create_key(
                name=f"tenant {tenant.schema_name}", subscriber=subscriber
            )
        topics = []
        systems = NomenclatureSystem.objects.filter(
            code__in=settings.REFERENCE_DEFAULT_NOMENCLATURES
        )
        for system in systems:
            subscribe(subscriber, "nomenclature", str(system.uuid))
            topics.append(nomenclature_topic(system.uuid))
    with schema_context(tenant.schema_name), transaction.atomic():
        state = SyncState.objects.select_for_update().get(pk=SyncState.current().pk)
        if issue_key:
            state.api_key = secret
            state.save(update_fields=["api_key_encrypted"])
        LocalSubscription.objects.bulk_create(
            [LocalSubscription(topic=t) for t in topics], ignore_conflicts=True
        )
    return Link(subscriber.pk, topics, issue_key)


def follow_for_tenant(tenant: Tenant, entity_type: str, entity_uuids: list[str]) -> list[str]:
    """Subscribe a linked tenant to whole entities (a purchasing body and its markets...), as
    its administrator's *Follow* would; returns the topics newly followed. Its next sync
    starts again from the snapshot when anything is new, so that what they hold comes in."""
    with schema_context("public"), transaction.atomic():
        subscriber = Subscriber.objects.get(tenant_schema=tenant.schema_name)
        topics = [subscribe(subscriber, entity_type, u).topic for u in entity_uuids]
    with schema_context(tenant.schema_name), transaction.atomic():
        known = set(LocalSubscription.objects.values_list("topic", flat=True))
        new = [t for t in topics if t not in known]
        LocalSubscription.objects.bulk_create([LocalSubscription(topic=t) for t in new])
        if new:
            SyncState.objects.filter(pk=SyncState.current().pk).update(cursor=0)
    return new


def linked_schema_names(topics: set[str] | None = None) -> list[str]:
    """Schemas of the tenants subscribed to any of ``topics`` (all linked tenants if None)."""
    with schema_context("public"):
        subscribers = Subscriber.objects.exclude(tenant_schema="")
        if topics is not None:
            subscribers = subscribers.filter(
                Q(subscriptions__topic__in=topics) | Q(mirrors_everything=True)
            )
        return sorted(set(subscribers.values_list("tenant_schema", flat=True)))
