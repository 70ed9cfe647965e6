"""Equipment requests (*demandes*), their parts and the events of their workflow.

Amounts are euros with two decimals (``Decimal``); database checks refuse negative amounts
and quantities whatever the path that writes them.

These models came from the campaigns app and kept their tables (``Meta.db_table``): moving
code between apps moves no data. Their audit tables keep their names too (saas/audit).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.access.models import ExpertiseDomain
from tenants.access.permissions import ScopePath
from tenants.campaigns.models import Campaign, Nature
from tenants.inventory.models import Device
from tenants.mirror.models import ReferenceDeviceModel
from tenants.numbering.services import allocate
from tenants.structure.models import FunctionalUnit


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    POLE_OPINION = "pole_opinion", _("Head of pôle opinion given")
    DISPATCHED = "dispatched", _("Dispatched")
    EXPERTISED = "expertised", _("Expertised")
    VALIDATED = "validated", _("Validated by management")
    GRANTED = "granted", _("Granted")
    DEFERRED = "deferred", _("Deferred")
    REFUSED = "refused", _("Refused")
    MORE_INFORMATION = "more_information", _("More information asked")


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("1 — critical (safety, continuity of care)")
    HIGH = 2, _("2 — high")
    NORMAL = 3, _("3 — normal")
    LOW = 4, _("4 — low")


# The prefix of a request's reference: DEM-2027-00042, numbered per tenant and year of creation.
REFERENCE_PREFIX = "DEM"


class EquipmentRequest(models.Model):
    """A *demande*: one base for every nature; its costs are the sum of its parts."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="requests")
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="requests", verbose_name=_("UF")
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    title = models.CharField(_("title"), max_length=200)
    argument = models.TextField(_("argument"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    nomenclature_code = models.CharField(_("nomenclature code"), max_length=60, blank=True)
    reference_model = models.ForeignKey(
        ReferenceDeviceModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("reference model"),
    )
    replaces = models.ManyToManyField(
        Device, blank=True, related_name="replacement_requests", verbose_name=_("replaces")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=RequestState.choices, default=RequestState.DRAFT
    )
    domain = models.ForeignKey(
        ExpertiseDomain,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("expertise domain"),
    )
    # The expert the dispatcher named in the domain (optional): told first, and the page
    # says who is on it.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expert"),
    )
    # Where a request asked for more information goes back to once answered.
    resume_state = models.CharField(max_length=20, blank=True)
    granted_amount = models.DecimalField(
        _("granted (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A request the commission deferred, carried into a later campaign as a new draft.
    carried_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="carried_to",
        verbose_name=_("carried over from"),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Bumped by every change: an edit or a transition made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        db_table = "campaigns_equipmentrequest"
        ordering = ["-created"]
        indexes = [models.Index(fields=["campaign", "state"], name="request_campaign_state")]
        constraints = [
            models.CheckConstraint(
                condition=Q(granted_amount__isnull=True) | Q(granted_amount__gte=0),
                name="request_granted_positive",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new request takes its reference here, whatever the path that creates it."""
        if self._state.adding and not self.reference:
            # One transaction: a creation that fails gives its number back.
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(REFERENCE_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("requests:request_detail", args=[self.pk])

    def scope_path(self) -> ScopePath:
        """Its UF's place in the structure, and the expertise domain it was dispatched to."""
        from dataclasses import replace

        from tenants.access.permissions import scope_path_of

        return replace(scope_path_of(self.uf), domain_id=self.domain_id)


ACTION_LABELS = {
    "submit": _("sent"),
    "pole_opinion": _("head of pôle opinion"),
    "dispatch": _("dispatched"),
    "redispatch": _("re-dispatched"),
    "expertise": _("expert opinion"),
    "validate": _("validated by management"),
    "management_refuse": _("refused by management"),
    "arbitrate": _("commission decision"),
    "ask_more_information": _("more information asked"),
    "carry_over": _("carried over to a later campaign"),
    "copy": _("copied into another campaign"),
}


class RequestEvent(models.Model):
    """One step of a request's life: who did what, when, and why."""

    request = models.ForeignKey(EquipmentRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "campaigns_requestevent"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} {self.from_state} -> {self.to_state}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))


class RequestPart(models.Model):
    """One part of a request, with its own costs and its own expert opinion."""

    class Kind(models.TextChoices):
        INVESTMENT = "investment", _("Investment")
        MAINTENANCE = "maintenance", _("Maintenance")
        CONSUMABLES = "consumables", _("Consumables")
        WORKS = "works", _("Works")
        IT = "it", _("IT")

    request = models.ForeignKey(EquipmentRequest, on_delete=models.CASCADE, related_name="parts")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = models.DecimalField(_("estimated unit price (€)"), max_digits=14, decimal_places=2)
    # The expert's correction of the requester's estimate: both are shown; the costs (and the
    # commission's session) count the expert's.
    expert_unit_price = models.DecimalField(
        _("unit price corrected by the expert (€)"),
        null=True,
        blank=True,
        max_digits=14,
        decimal_places=2,
    )
    # The expert's opinion on this part (a composite request's parts are judged one by one).
    favourable = models.BooleanField(_("favourable opinion"), null=True, blank=True)
    opinion = models.TextField(_("expert opinion"), blank=True)

    class Meta:
        db_table = "campaigns_requestpart"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="part_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="part_price_positive"),
            models.CheckConstraint(
                condition=Q(expert_unit_price__isnull=True) | Q(expert_unit_price__gte=0),
                name="part_expert_price_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} x {self.quantity}"

    @property
    def total(self) -> Decimal:
        return self.price * self.quantity

    @property
    def price(self) -> Decimal:
        """The unit price that counts: the expert's correction, else the estimate."""
        return self.unit_price if self.expert_unit_price is None else self.expert_unit_price


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(EquipmentRequest, RequestPart, moved_from="campaigns")
