"""The central reference server's data: nomenclatures and their terms, releases, the change log.

Curators change the working state of entities (by hand or by importing a file); a change marks
the entity ``dirty``. Publishing a release writes, in one transaction, one change-log row per
dirty entity with its full published payload and a monotonic ``seq``: the feed subscribers pull.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from rest_framework_api_key.models import AbstractAPIKey

from saas.audit import track
from saas.labels import display_label, folded_search_expression


class TermStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class LabelStatus(models.TextChoices):
    """Where a French label comes from: shipped with the product until a curator confirms it."""

    NONE = "", _("no French label")
    PRODUCT = "product", _("product's translation, to be confirmed")
    CONFIRMED = "confirmed", _("confirmed by a curator")


class Hierarchy(models.TextChoices):
    # EMDN: a category letter then two digits per level; the parent is the code minus its last part.
    CODE_PREFIX = "code_prefix", _("Parents derived from the codes")
    NESTING = "nesting", _("Parents from the file's nesting")


class NomenclatureSystem(models.Model):
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    canonical_url = models.URLField(_("canonical URL"), max_length=300, unique=True)
    version = models.CharField(_("version"), max_length=60, blank=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    hierarchy = models.CharField(
        _("hierarchy"), max_length=16, choices=Hierarchy.choices, default=Hierarchy.NESTING
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
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    system = models.ForeignKey(
        NomenclatureSystem,
        on_delete=models.PROTECT,
        related_name="terms",
        verbose_name=_("nomenclature"),
    )
    code = models.CharField(_("code"), max_length=40)
    label_en = models.CharField(_("English label"), max_length=500, blank=True)
    label_fr = models.CharField(_("French label"), max_length=500, blank=True)
    label_fr_status = models.CharField(
        _("French label status"), max_length=12, choices=LabelStatus.choices, blank=True
    )
    label_fr_confirmed_by = models.CharField(_("confirmed by"), max_length=254, blank=True)
    # Code and both labels, lower case and without accents: what searches match words against.
    search_text = models.GeneratedField(
        expression=folded_search_expression("code", "label_en", "label_fr"),
        output_field=models.TextField(),
        db_persist=True,
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
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
        return f"{self.code} {self.label}"

    @property
    def label(self) -> str:
        """What a person reads: French, else English in sentence case."""
        return display_label(self.label_fr, self.label_en)

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
    change_count = models.PositiveIntegerField(_("changes"), default=0)
    first_seq = models.BigIntegerField(_("first change no."), null=True, blank=True)
    last_seq = models.BigIntegerField(_("last change no."), null=True, blank=True)

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
    tenant_schema = models.CharField(
        _("tenant's schema"), max_length=63, blank=True, help_text="for our own tenants"
    )
    mirrors_everything = models.BooleanField(
        _("mirrors everything"),
        default=False,
        help_text=_("On-premises installations that take the whole catalogue."),
    )
    subscriptions_version = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

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


# --- Catalogue entities: same life cycle as terms (dirty until a release publishes them) -------


class EntityStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    DEPRECATED = "deprecated", _("Deprecated")
    DELETED = "deleted", _("Deleted")


class CatalogueEntity(models.Model):
    """Common part of published catalogue entities: stable UUID, status, replacement, dirty."""

    ENTITY_TYPE: ClassVar[str]
    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=12, choices=EntityStatus.choices, default=EntityStatus.ACTIVE
    )
    replaced_by = models.UUIDField(_("replaced by"), null=True, blank=True)
    dirty = models.BooleanField(default=True, help_text="changed since the last release")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def topic(self) -> str:
        return f"{self.ENTITY_TYPE}:{self.uuid}"

    def payload(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "replaced_by": str(self.replaced_by) if self.replaced_by else None,
        }


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


class Manufacturer(CatalogueEntity):
    ENTITY_TYPE = "manufacturer"
    name = models.CharField(_("name"), max_length=200, unique=True)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "name": self.name,
            "aliases": self.aliases,
            "country": self.country,
        }


class DeviceModel(CatalogueEntity):
    ENTITY_TYPE = "device_model"
    manufacturer = models.ForeignKey(
        Manufacturer,
        on_delete=models.PROTECT,
        related_name="models",
        verbose_name=pgettext_lazy("reference", "manufacturer"),
    )
    commercial_name = models.CharField(_("commercial name"), max_length=200)
    catalogue_reference = models.CharField(_("catalogue reference"), max_length=100, blank=True)
    terms = models.ManyToManyField(NomenclatureTerm, blank=True, related_name="device_models")
    photo = models.FileField(_("photo"), upload_to="reference/device-models/", blank=True)
    end_of_sale = models.DateField(_("end of sale"), null=True, blank=True)
    end_of_support = models.DateField(_("end of support"), null=True, blank=True)
    end_of_support_source = models.CharField(_("source of the dates"), max_length=300, blank=True)
    expected_life_years = models.PositiveSmallIntegerField(
        _("expected life (years)"), null=True, blank=True
    )

    class Meta:
        ordering = ["manufacturer__name", "commercial_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["manufacturer", "commercial_name", "catalogue_reference"],
                name="reference_device_model_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.manufacturer} {self.commercial_name}"

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "manufacturer": str(self.manufacturer.uuid),
            "manufacturer_name": self.manufacturer.name,
            "commercial_name": self.commercial_name,
            "catalogue_reference": self.catalogue_reference,
            "nomenclature": sorted(f"{t.system.code}:{t.code}" for t in self.terms.all()),
            "photo": self.photo.name or None,
            "end_of_sale": _date(self.end_of_sale),
            "end_of_support": _date(self.end_of_support),
            "end_of_support_source": self.end_of_support_source,
            "expected_life_years": self.expected_life_years,
        }


class PurchasingBody(CatalogueEntity):
    """A central purchasing body (UGAP, RESAH, UniHA, CAIH...)."""

    ENTITY_TYPE = "purchasing_body"
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def payload(self) -> dict[str, Any]:
        return {**super().payload(), "code": self.code, "name": self.name}


class Supplier(models.Model):
    """Published inside the lots that name it (no subscription of its own): a change goes out
    with them. One name whatever its case, as on the hospitals' side."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="France")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                models.functions.Upper("name"), name="reference_supplier_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def payload(self) -> dict[str, Any]:
        """What a lot's payload says of it."""
        return {
            "uuid": str(self.uuid),
            "name": self.name,
            "siren": self.siren,
            "address_line1": self.address_line1,
            "address_line2": self.address_line2,
            "postcode": self.postcode,
            "city": self.city,
            "country": self.country,
        }


class Scope(models.TextChoices):
    """What a lot may be used to buy."""

    ACQUISITION = "acquisition", _("Acquisition")
    MAINTENANCE = "maintenance", _("Maintenance")
    ACCESSORIES = "accessories", _("Accessories")
    CONSUMABLES = "consumables", _("Consumables")


class Terms(models.Model):
    """The dates, renewals and bounds a market and its lots share (amounts excluding VAT)."""

    starts = models.DateField(_("start"), null=True, blank=True)
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), null=True, blank=True
    )
    renewals = models.PositiveSmallIntegerField(_("renewals"), default=0)
    renewal_months = models.PositiveSmallIntegerField(
        _("renewal length (months)"), null=True, blank=True
    )
    ends = models.DateField(_("end, renewals included"), null=True, blank=True)
    min_amount = models.DecimalField(
        _("minimum amount excl. VAT (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    max_amount = models.DecimalField(
        _("maximum amount excl. VAT (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    min_quantity = models.PositiveIntegerField(_("minimum quantity"), null=True, blank=True)
    max_quantity = models.PositiveIntegerField(_("maximum quantity"), null=True, blank=True)

    class Meta:
        abstract = True

    def terms_payload(self) -> dict[str, Any]:
        return {
            "starts": _date(self.starts),
            "duration_months": self.duration_months,
            "renewals": self.renewals,
            "renewal_months": self.renewal_months,
            "ends": _date(self.ends),
            "min_amount": _decimal(self.min_amount),
            "max_amount": _decimal(self.max_amount),
            "min_quantity": self.min_quantity,
            "max_quantity": self.max_quantity,
        }

    @staticmethod
    def terms_constraints(prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(
                condition=models.Q(ends__isnull=True)
                | models.Q(starts__isnull=True)
                | models.Q(ends__gte=models.F("starts")),
                name=f"{prefix}_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(min_amount__isnull=True)
                | models.Q(max_amount__isnull=True)
                | models.Q(max_amount__gte=models.F("min_amount")),
                name=f"{prefix}_amounts",
            ),
            models.CheckConstraint(
                condition=models.Q(min_quantity__isnull=True)
                | models.Q(max_quantity__isnull=True)
                | models.Q(max_quantity__gte=models.F("min_quantity")),
                name=f"{prefix}_quantities",
            ),
        ]


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class Market(Terms, CatalogueEntity):
    """A central purchasing body's framework agreement; ``ends`` counts every renewal."""

    ENTITY_TYPE = "market"
    purchasing_body = models.ForeignKey(
        PurchasingBody,
        on_delete=models.PROTECT,
        related_name="markets",
        verbose_name=_("purchasing body"),
    )
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    # A market always has its dates (a lot may not: it then runs as its market does).
    starts = models.DateField(_("start"))
    ends = models.DateField(_("end, renewals included"))

    class Meta:
        ordering = ["purchasing_body__name", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchasing_body", "reference"], name="reference_market_unique"
            ),
            *Terms.terms_constraints("reference_market"),
        ]

    def __str__(self) -> str:
        return f"{self.purchasing_body.code.upper()} {self.reference}"

    def topic(self) -> str:
        return self.purchasing_body.topic()

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            **self.terms_payload(),
            "purchasing_body": str(self.purchasing_body.uuid),
            "reference": self.reference,
            "title": self.title,
            "documents": [d.payload() for d in self.documents.all() if d.lot_id is None],
        }


class Lot(Terms, CatalogueEntity):
    """A lot of a market; its own dates, when it has some, are within the market's."""

    ENTITY_TYPE = "lot"
    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="lots", verbose_name=_("market")
    )
    number = models.CharField(_("number"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    scopes = ArrayField(
        models.CharField(max_length=12, choices=Scope.choices),
        verbose_name=_("scope"),
        default=list,
        blank=True,
    )
    suppliers = models.ManyToManyField(
        Supplier, blank=True, related_name="lots", verbose_name=_("suppliers")
    )
    terms = models.ManyToManyField(NomenclatureTerm, blank=True, related_name="lots")
    device_models = models.ManyToManyField(
        DeviceModel, blank=True, related_name="lots", verbose_name=_("device models covered")
    )

    class Meta:
        ordering = ["market", "number"]
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="reference_lot_unique"),
            *Terms.terms_constraints("reference_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.market} lot {self.number}"

    @property
    def scope_labels(self) -> list[str]:
        return [str(Scope(s).label) for s in self.scopes if s in Scope.values]

    def topic(self) -> str:
        return self.market.purchasing_body.topic()

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            **self.terms_payload(),
            "market": str(self.market.uuid),
            "number": self.number,
            "title": self.title,
            "scopes": sorted(self.scopes),
            "suppliers": [s.payload() for s in sorted(self.suppliers.all(), key=lambda s: s.name)],
            "nomenclature": sorted(f"{t.system.code}:{t.code}" for t in self.terms.all()),
            "device_models": sorted(str(m.uuid) for m in self.device_models.all()),
            "documents": [d.payload() for d in self.documents.all()],
        }


class DocumentKind(models.TextChoices):
    NOTICE = "notice", _("Contract notice")
    CCAP = "ccap", _("Administrative clauses (CCAP)")
    CCTP = "cctp", _("Technical clauses (CCTP)")
    BPU = "bpu", _("Price schedule (BPU)")
    NOTIFICATION = "notification", _("Notification")
    AMENDMENT = "amendment", _("Amendment")
    OTHER = "other", _("Other")


# What a market's documents may be: office and PDF files, never anything a browser runs.
DOCUMENT_TYPES = {
    ".pdf": "application/pdf",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".csv": "text/csv",
    ".zip": "application/zip",
}


def document_path(document: MarketDocument, filename: str) -> str:
    """Stored under the document's UUID: a name typed by a curator never becomes a path."""
    suffix = Path(filename).suffix.lower()
    return f"reference/market-documents/{document.uuid}{suffix}"


class MarketDocument(models.Model):
    """A market's or a lot's document (CCAP, BPU, notification...), published in its payload;
    subscribers following the purchasing body download it from the sync API."""

    uuid = models.UUIDField(_("identifier"), default=uuid.uuid4, unique=True, editable=False)
    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="documents", verbose_name=_("market")
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("lot"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def content_type(self) -> str:
        return DOCUMENT_TYPES.get(Path(self.filename).suffix.lower(), "application/octet-stream")

    def payload(self) -> dict[str, Any]:
        return {
            "uuid": str(self.uuid),
            "kind": self.kind,
            "title": self.title,
            "filename": self.filename,
            "size": self.size,
        }


class SafetyNotice(CatalogueEntity):
    """A materiovigilance notice (field safety notice, recall) on device models.

    Published once per affected model, under that model's topic, so that it reaches exactly the
    hospitals that own one.
    """

    ENTITY_TYPE = "safety_notice"
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issuer"), max_length=200, help_text=_("ANSM, the manufacturer..."))
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    link = models.URLField(_("link"), blank=True)
    device_models = models.ManyToManyField(DeviceModel, related_name="safety_notices")

    class Meta:
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def payload(self) -> dict[str, Any]:
        return {
            **super().payload(),
            "notice": str(self.uuid),
            "date": _date(self.date),
            "issuer": self.issuer,
            "reference": self.reference,
            "title": self.title,
            "link": self.link,
        }


class Contribution(models.Model):
    """A subscriber's proposal: a new device model, or a correction of one (with its source)."""

    class Kind(models.TextChoices):
        NEW_MODEL = "new_model", _("New device model")
        CORRECTION = "correction", _("Correction")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a curator")
        ACCEPTED = "accepted", _("Accepted")
        AMENDED = "amended", _("Accepted with changes")
        REJECTED = "rejected", _("Rejected")

    subscriber = models.ForeignKey(
        Subscriber,
        on_delete=models.CASCADE,
        related_name="contributions",
        verbose_name=_("subscriber"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    target = models.ForeignKey(
        DeviceModel,
        verbose_name=_("device model concerned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contributions",
    )
    proposal = models.JSONField(_("proposal"))
    source = models.CharField(_("source"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    curator_note = models.TextField(_("curator's note"), blank=True)
    decided_by = models.CharField(_("decided by"), max_length=254, blank=True)
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    result = models.ForeignKey(
        DeviceModel,
        verbose_name=_("resulting device model"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="the device model created or corrected",
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.status})"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(
    NomenclatureSystem,
    NomenclatureTerm,
    Manufacturer,
    DeviceModel,
    PurchasingBody,
    Supplier,
    Market,
    Lot,
    MarketDocument,
    SafetyNotice,
    Release,
    Contribution,
    Subscriber,
    # Bookkeeping that changes on its own: publishing a release clears ``dirty`` on every
    # entity it carries (8,453 EMDN terms at once), ``updated`` moves on every save, and a
    # subscriber's ``subscriptions_version`` on every subscription. Recorded, they would
    # bury the curators' changes in the journal under rows saying nothing.
    exclude=("dirty", "updated", "subscriptions_version"),
)
