"""The markets a hospital may buy on: the central purchasing bodies' framework agreements it
follows (mirrored from the reference server, read-only here) and its own local markets.

Both kinds live in one table so that one list, one state and one foreign key serve the purchase
requests, the catalogue and the market plan. A central row carries the central UUID and the
change-log ``seq`` it was last written from; the sync writes its central fields and nothing
else. What the hospital adds to a central market (which of its legal entities use it, their
own reference for it) lives in ``MarketUse``, which the sync never touches.

A market runs from ``starts`` for ``duration_months``, then may be renewed ``renewals`` times
for ``renewal_months`` each; ``ends`` is the last day including every renewal, stored so that
lists filter and sort on it (``tenants.markets.services.end_of`` computes it for local ones;
central ones bring theirs). The state (planned, in force, ending, ended) is worked out from
the dates at read time (``tenants.markets.selectors.with_state``).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit import track
from saas.labels import folded_search_expression


class Origin(models.TextChoices):
    CENTRAL = "central", _("Central purchasing body")
    LOCAL = "local", _("Local market")


class Procedure(models.TextChoices):
    """The procedure a local market was awarded under (Code de la commande publique)."""

    OPEN_TENDER = "open_tender", _("Open call for tenders (AO)")
    RESTRICTED_TENDER = "restricted_tender", _("Restricted call for tenders")
    ADAPTED = "adapted", _("Adapted procedure (MAPA)")
    NEGOTIATED = "negotiated", _("Negotiated procedure")
    COMPETITIVE_DIALOGUE = "competitive_dialogue", _("Competitive dialogue")
    NO_COMPETITION = "no_competition", _("Without publicity or competition")
    SUBSEQUENT = "subsequent", _("Subsequent contract")


class RenewalKind(models.TextChoices):
    TACIT = "tacit", _("Tacit")
    EXPRESS = "express", _("Express")


class Scope(models.TextChoices):
    """What a lot may be used to buy."""

    ACQUISITION = "acquisition", _("Acquisition")
    MAINTENANCE = "maintenance", _("Maintenance")
    ACCESSORIES = "accessories", _("Accessories")
    CONSUMABLES = "consumables", _("Consumables")


class MarketState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("market", "Planned")
    IN_FORCE = "in_force", pgettext_lazy("market", "In force")
    ENDING = "ending", pgettext_lazy("market", "Ending soon")
    ENDED = "ended", pgettext_lazy("market", "Ended")


class Supplier(models.Model):
    """A supplier the hospital buys from: brought by the central lots that name it (with the
    central UUID: its name, SIREN and address are then the reference server's, read-only
    here), or recorded by a buyer, who keeps its address. The address goes on the order
    letter."""

    name = models.CharField(_("name"), max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address (continued)"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True, default="France")
    central_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    search_text = models.GeneratedField(
        expression=folded_search_expression("name", "siren"),
        output_field=models.TextField(),
        db_persist=True,
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        constraints = [
            models.UniqueConstraint(
                models.functions.Upper("name"), name="markets_supplier_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_central(self) -> bool:
        return self.central_uuid is not None

    @property
    def address_lines(self) -> list[str]:
        """The address as an envelope shows it, the country only when it is not France."""
        town = " ".join(part for part in (self.postcode, self.city) if part)
        country = "" if self.country.strip().lower() == "france" else self.country
        return [line for line in (self.address_line1, self.address_line2, town, country) if line]


class PurchasingBody(models.Model):
    """A central purchasing body (UGAP, RESAH...), mirrored from the reference server."""

    central_uuid = models.UUIDField(unique=True, editable=False)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    status = models.CharField(_("status"), max_length=12, default="active")
    seq = models.BigIntegerField(default=0, help_text="change-log position applied last")
    # False once the hospital stopped following it while its markets were still in use here.
    is_followed = models.BooleanField(_("followed"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("purchasing body")
        verbose_name_plural = _("purchasing bodies")

    def __str__(self) -> str:
        return self.name


class Terms(models.Model):
    """The dates, renewals and bounds a market and a lot share."""

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


class Market(Terms):
    origin = models.CharField(_("origin"), max_length=8, choices=Origin.choices)
    # Central markets only: the mirror's key, the change-log position, the central status.
    central_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    seq = models.BigIntegerField(default=0)
    central_status = models.CharField(max_length=12, blank=True)
    # False once the hospital stopped following its purchasing body while the market was still
    # in use here (kept for what points at it; the sync no longer updates it).
    is_followed = models.BooleanField(_("followed"), default=True)
    # The central documents (CCAP, BPU...): [{uuid, kind, title, filename, size}], downloaded
    # from the reference server on demand.
    documents = models.JSONField(_("documents"), default=list, blank=True)
    purchasing_body = models.ForeignKey(
        PurchasingBody,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="markets",
        verbose_name=_("purchasing body"),
    )
    reference = models.CharField(_("reference"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    # Local markets only.
    procedure = models.CharField(
        _("procedure"), max_length=24, choices=Procedure.choices, blank=True
    )
    notified_on = models.DateField(_("notified on"), null=True, blank=True)
    renewal_kind = models.CharField(
        _("renewal"), max_length=8, choices=RenewalKind.choices, blank=True
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="markets_bought",
        verbose_name=_("buyer"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="markets_expertised",
        verbose_name=_("expert"),
    )
    note = models.TextField(_("note"), blank=True)
    search_text = models.GeneratedField(
        expression=folded_search_expression("reference", "title"),
        output_field=models.TextField(),
        db_persist=True,
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every change: an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["ends", "reference"]
        verbose_name = _("market")
        verbose_name_plural = _("markets")
        constraints = [
            models.CheckConstraint(
                condition=Q(origin="local", central_uuid__isnull=True)
                | Q(origin="central", central_uuid__isnull=False),
                name="markets_market_origin_key",
            ),
            models.CheckConstraint(
                condition=Q(ends__isnull=True)
                | Q(starts__isnull=True)
                | Q(ends__gte=models.F("starts")),
                name="markets_market_dates",
            ),
            models.UniqueConstraint(
                fields=["reference"],
                condition=Q(origin="local"),
                name="markets_local_reference_unique",
            ),
        ]
        indexes = [models.Index(fields=["ends"], name="markets_market_ends")]

    def __str__(self) -> str:
        if self.purchasing_body is not None:
            return f"{self.purchasing_body.code.upper()} {self.reference}"
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("markets:market_detail", args=[self.pk])

    @property
    def is_central(self) -> bool:
        return self.origin == Origin.CENTRAL


class Lot(Terms):
    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="lots", verbose_name=_("market")
    )
    central_uuid = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    seq = models.BigIntegerField(default=0)
    central_status = models.CharField(max_length=12, blank=True)
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
    # The central device models and nomenclature codes the lot covers, by UUID and
    # ``system:code``: the tenant mirrors models only on use, so these are not foreign keys.
    device_models = ArrayField(models.UUIDField(), default=list, blank=True)
    nomenclature = ArrayField(models.CharField(max_length=60), default=list, blank=True)
    documents = models.JSONField(_("documents"), default=list, blank=True)

    class Meta:
        ordering = ["market", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["market", "number"], name="markets_lot_unique")
        ]

    def __str__(self) -> str:
        return f"{self.market} lot {self.number}"


class MarketUse(models.Model):
    """A legal entity of the GHT that uses a market (or one of its lots), with its own
    reference for it in its finance system. Never written by the sync."""

    market = models.ForeignKey(
        Market, on_delete=models.CASCADE, related_name="uses", verbose_name=_("market")
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="uses",
        verbose_name=_("lot"),
    )
    legal_entity_finess = models.CharField(_("FINESS of the legal entity"), max_length=9)
    local_reference = models.CharField(_("entity's own reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("use by a legal entity")
        verbose_name_plural = _("uses by legal entities")
        constraints = [
            models.UniqueConstraint(
                fields=["market", "legal_entity_finess"],
                condition=Q(lot__isnull=True),
                name="markets_use_market_unique",
            ),
            models.UniqueConstraint(
                fields=["lot", "legal_entity_finess"],
                condition=Q(lot__isnull=False),
                name="markets_use_lot_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.market} — {self.legal_entity_finess}"


track(Supplier, Market, Lot, MarketUse)
