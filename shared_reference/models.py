"""The central reference server's data: nomenclatures and their terms, releases, the change log.

Curators change the working state of entities (by hand or by importing a file); a change marks
the entity ``dirty``. Publishing a release writes, in one transaction, one change-log row per
dirty entity with its full published payload and a monotonic ``seq``: the feed subscribers pull.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey


class TermStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Hierarchy(models.TextChoices):
    # EMDN: a category letter then two digits per level; the parent is the code minus its last part.
    CODE_PREFIX = "code_prefix", _("Parents derived from the codes")
    NESTING = "nesting", _("Parents from the file's nesting")


class NomenclatureSystem(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    canonical_url = models.URLField(_("canonical URL"), max_length=300, unique=True)
    version = models.CharField(_("version"), max_length=60, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    hierarchy = models.CharField(
        max_length=16, choices=Hierarchy.choices, default=Hierarchy.NESTING
    )
    dirty = models.BooleanField(default=True, help_text="changed since the last release")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def payload(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "canonical_url": self.canonical_url,
            "version": self.version,
            "publisher": self.publisher,
            "description": self.description,
        }


class NomenclatureTerm(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(NomenclatureSystem, on_delete=models.PROTECT, related_name="terms")
    code = models.CharField(_("code"), max_length=40)
    label_en = models.CharField(_("English label"), max_length=500, blank=True)
    label_fr = models.CharField(_("French label"), max_length=500, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    status = models.CharField(
        _("status"), max_length=12, choices=TermStatus.choices, default=TermStatus.ACTIVE
    )
    replacement_code = models.CharField(_("replaced by"), max_length=40, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    dirty = models.BooleanField(default=True, help_text="changed since the last release")

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["system", "code"], name="reference_term_code")
        ]
        indexes = [
            models.Index(fields=["system", "parent"]),
            models.Index(
                fields=["dirty"], condition=models.Q(dirty=True), name="reference_term_dirty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.label_fr or self.label_en}"

    def payload(self, system_code: str, parent_code: str | None) -> dict[str, Any]:
        return {
            "system": system_code,
            "code": self.code,
            "label_en": self.label_en,
            "label_fr": self.label_fr,
            "parent": parent_code,
            "level": self.level,
            "status": self.status,
            "replacement": self.replacement_code or None,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
        }


class Release(models.Model):
    number = models.PositiveIntegerField(_("number"), unique=True)
    notes = models.TextField(_("notes"), blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.CharField(_("by"), max_length=254)
    change_count = models.PositiveIntegerField(default=0)
    first_seq = models.BigIntegerField(null=True, blank=True)
    last_seq = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"Release {self.number}"


class ChangeOperation(models.TextChoices):
    UPSERT = "upsert", "upsert"
    TOMBSTONE = "tombstone", "tombstone"


def nomenclature_topic(system_uuid: uuid.UUID | str) -> str:
    """What subscribers subscribe to: a nomenclature brings its system row and all its terms."""
    return f"nomenclature:{system_uuid}"


class ChangeLogEntry(models.Model):
    """One published change; ``seq`` is the global, monotonic cursor of the sync feed."""

    seq = models.BigAutoField(primary_key=True)
    release = models.ForeignKey(Release, on_delete=models.PROTECT, related_name="changes")
    entity_type = models.CharField(max_length=40)
    entity_uuid = models.UUIDField()
    # What a subscriber subscribes to for this entity (see nomenclature_topic).
    topic = models.CharField(max_length=80)
    operation = models.CharField(max_length=12, choices=ChangeOperation.choices)
    payload = models.JSONField()

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["entity_type", "entity_uuid", "seq"]),
            models.Index(fields=["topic", "seq"]),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.operation} {self.entity_type} {self.entity_uuid}"


class PublishedEntity(models.Model):
    """The latest published state of each entity: what a snapshot serves."""

    entity_uuid = models.UUIDField(primary_key=True)
    entity_type = models.CharField(max_length=40)
    topic = models.CharField(max_length=80)
    seq = models.BigIntegerField()
    operation = models.CharField(max_length=12, choices=ChangeOperation.choices)
    payload = models.JSONField()

    class Meta:
        indexes = [models.Index(fields=["topic", "seq"]), models.Index(fields=["seq"])]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_uuid} @ {self.seq}"


class FeedHorizon(models.Model):
    """Cursors below ``seq`` were compacted away: such a subscriber must start from a snapshot."""

    seq = models.BigIntegerField(default=0)
    compacted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"horizon {self.seq}"

    @classmethod
    def current(cls) -> int:
        row = cls.objects.order_by("-seq").first()
        return row.seq if row else 0


class Subscriber(models.Model):
    """A tenant of this platform, or an on-premises installation, that syncs references."""

    name = models.CharField(_("name"), max_length=200)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    tenant_schema = models.CharField(max_length=63, blank=True, help_text="for our own tenants")
    mirrors_everything = models.BooleanField(
        _("mirrors everything"),
        default=False,
        help_text=_("On-premises installations that take the whole catalogue."),
    )
    subscriptions_version = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SubscriberAPIKey(AbstractAPIKey):
    """A subscriber's key: stored hashed, read-only, revocable (djangorestframework-api-key)."""

    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="api_keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "subscriber API key"


class Subscription(models.Model):
    subscriber = models.ForeignKey(
        Subscriber, on_delete=models.CASCADE, related_name="subscriptions"
    )
    topic = models.CharField(max_length=80)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscriber", "topic"], name="reference_subscription_unique"
            )
        ]
        indexes = [models.Index(fields=["topic"])]

    def __str__(self) -> str:
        return f"{self.subscriber} → {self.topic}"
