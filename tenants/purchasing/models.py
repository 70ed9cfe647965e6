"""Purchasing: the buyer's off-contract exceptions (*hors-marché*), the purchase files that
gather the plan lines of one project, and the purchase requests (*DRA*) sent to suppliers.

A purchase request buys on a market's lot (``tenants.markets``) or under an off-contract
exception, for one supplier; its order lines each draw on a plan line's granted budget. What
makes a request acceptable (an exception valid for that supplier and date, a market in force
whose lot names the supplier, a total within the lines' budgets or a reason) is checked by
``tenants.purchasing.services``; the tables keep what no code path may break.

Amounts: order lines carry unit prices excluding VAT and a VAT rate; a request's totals are
worked out from its lines (``totals``), never stored, so that they cannot drift.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit import track
from tenants.inventory.models import Device
from tenants.markets.models import Lot, Market, Supplier
from tenants.mirror.models import ReferenceDeviceModel
from tenants.numbering.services import allocate
from tenants.plan.models import PlanLine

# Human references: DRA-2027-00042 (purchase request), DAC-2027-00003 (purchase file).
REQUEST_PREFIX = "DRA"
FILE_PREFIX = "DAC"
CENT = Decimal("0.01")


class ExceptionCode(models.TextChoices):
    """Why a purchase is made off contract (the buyer's codes)."""

    HM1 = "HM1", _("HM1 — procedure under way")
    HM2 = "HM2", _("HM2 — procedure to plan")
    HM3 = "HM3", _("HM3 — residual")
    HM4 = "HM4", _("HM4 — one-off")
    HM5 = "HM5", _("HM5 — amendment under way")
    HM6 = "HM6", _("HM6 — amendment to plan")


class OffContractException(models.Model):
    """An off-contract exception the buyer recorded: this supplier may be bought from without a
    market, under this code, from ``valid_from`` to ``valid_until``, until ``next_market``."""

    code = models.CharField(_("code"), max_length=3, choices=ExceptionCode.choices)
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="off_contract_exceptions",
        verbose_name=_("supplier"),
    )
    account_prefix = models.CharField(
        _("account prefix"),
        max_length=20,
        blank=True,
        help_text=_("The accounts this exception is used on (e.g. 2154)."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    next_market = models.ForeignKey(
        Market,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("market to use afterwards"),
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-valid_until", "pk"]
        verbose_name = _("off-contract exception")
        verbose_name_plural = _("off-contract exceptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=F("valid_from")), name="purchasing_exception_dates"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} · {self.supplier} ({self.valid_until:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("purchasing:exception_detail", args=[self.pk])

    def covers(self, supplier_id: int | None, on: Any) -> bool:
        return self.supplier_id == supplier_id and self.valid_from <= on <= self.valid_until


class PurchaseFile(models.Model):
    """A purchase file (*dossier d'achat*): the plan lines of one project, bought together,
    with its lead, participants, deadline and what the installation needs."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("project"), max_length=200)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="purchase_files_led",
        verbose_name=_("lead"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="purchase_files",
        verbose_name=_("participants"),
    )
    plan_lines = models.ManyToManyField(
        PlanLine, related_name="purchase_files", verbose_name=_("plan lines")
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("purchase file")
        verbose_name_plural = _("purchase files")

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.reference:
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(FILE_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("purchasing:file_detail", args=[self.pk])


class ChecklistKind(models.TextChoices):
    ROOM_WORKS = "room_works", _("Room works")
    FLUIDS = "fluids", _("Fluids")
    IT_NETWORK = "it_network", _("IT network and servers")
    INTERFACES = "interfaces", _("Interfaces with the patient record or PACS")
    TRAINING = "training", _("Training")


class ChecklistStatus(models.TextChoices):
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", pgettext_lazy("checklist", "Done")
    NOT_NEEDED = "not_needed", _("Not needed")


class ChecklistItem(models.Model):
    """What one purchase file's installation needs on one subject, who sees to it, where it
    stands."""

    file = models.ForeignKey(PurchaseFile, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(_("subject"), max_length=12, choices=ChecklistKind.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ChecklistStatus.choices, default=ChecklistStatus.TO_DO
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["file", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["file", "kind"], name="purchasing_checklist_once")
        ]

    def __str__(self) -> str:
        return f"{self.file_id} {self.kind}"


class RequestState(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("purchase request", "Draft")
    SENT = "sent", pgettext_lazy("purchase request", "Validated and sent")
    ORDERED = "ordered", pgettext_lazy("purchase request", "Ordered")
    CANCELLED = "cancelled", pgettext_lazy("purchase request", "Cancelled")


# The states whose amounts count: against the lines' budgets, in the off-contract spending.
COMMITTING_STATES = (RequestState.DRAFT, RequestState.SENT, RequestState.ORDERED)
SPENDING_STATES = (RequestState.SENT, RequestState.ORDERED)


class PurchaseRequest(models.Model):
    """A purchase request (*DRA*): a supplier's quote to order, on a market's lot or under an
    off-contract exception, drawing on plan lines' budgets."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    file = models.ForeignKey(
        PurchaseFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        verbose_name=_("purchase file"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=RequestState.choices, default=RequestState.DRAFT
    )
    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("supplier"),
    )
    contact_name = models.CharField(_("supplier's contact"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact's e-mail"), blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=30, blank=True)
    quote_number = models.CharField(_("quote number"), max_length=60, blank=True)
    quote_date = models.DateField(_("quote date"))
    market = models.ForeignKey(
        Market,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("market"),
    )
    lot = models.ForeignKey(
        Lot,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("lot"),
    )
    exception = models.ForeignKey(
        OffContractException,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="purchase_requests",
        verbose_name=_("off-contract exception"),
    )
    over_budget_reason = models.TextField(_("reason for exceeding the budget"), blank=True)
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    ordered_on = models.DateField(_("ordered on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("purchase request")
        verbose_name_plural = _("purchase requests")
        constraints = [
            # A market's lot, or an exception: never both (drafts may have neither yet).
            models.CheckConstraint(
                condition=Q(exception__isnull=True) | Q(market__isnull=True, lot__isnull=True),
                name="purchasing_request_market_or_exception",
            ),
            models.CheckConstraint(
                condition=Q(lot__isnull=True) | Q(market__isnull=False),
                name="purchasing_request_lot_has_market",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.supplier}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.reference:
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(REQUEST_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("purchasing:request_detail", args=[self.pk])

    @property
    def is_off_contract(self) -> bool:
        return self.exception_id is not None

    def totals(self) -> tuple[Decimal, Decimal]:
        """(excluding VAT, including VAT) of its lines."""
        lines = list(self.lines.all())
        return (
            sum((line.total_excl_vat for line in lines), Decimal("0.00")),
            sum((line.total_incl_vat for line in lines), Decimal("0.00")),
        )


class RiskClass(models.TextChoices):
    I = "I", "I"  # noqa: E741 - the regulation's name for the class
    IIA = "IIa", "IIa"
    IIB = "IIb", "IIb"
    III = "III", "III"


class OrderLine(models.Model):
    request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="lines")
    plan_line = models.ForeignKey(
        PlanLine,
        on_delete=models.PROTECT,
        related_name="order_lines",
        verbose_name=_("plan line"),
    )
    description = models.CharField(_("description"), max_length=300)
    reference_model = models.ForeignKey(
        ReferenceDeviceModel,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("model (reference)"),
    )
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    emdn_code = models.CharField(_("EMDN code"), max_length=40, blank=True)
    risk_class = models.CharField(
        _("risk class"), max_length=3, choices=RiskClass.choices, blank=True
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price excl. VAT (€)"), max_digits=12, decimal_places=2)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2)
    warranty_months = models.PositiveSmallIntegerField(_("warranty (months)"), default=0)
    to_inventory = models.BooleanField(_("to inventory"), default=True)
    taken_back = models.ForeignKey(
        Device,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("device taken back"),
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["request", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="purchasing_line_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="purchasing_line_price"),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0, vat_rate__lte=100), name="purchasing_line_vat"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.description}"

    @property
    def total_excl_vat(self) -> Decimal:
        return (self.unit_price * self.quantity).quantize(CENT, ROUND_HALF_UP)

    @property
    def total_incl_vat(self) -> Decimal:
        vat = self.total_excl_vat * self.vat_rate / Decimal(100)
        return (self.total_excl_vat + vat).quantize(CENT, ROUND_HALF_UP)


class RequestEvent(models.Model):
    """A purchase request's own journal: drafted, sent, returned to draft, ordered, cancelled."""

    request = models.ForeignKey(PurchaseRequest, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


class DocumentJob(models.Model):
    """A request for a purchase request's documents (the request form and the order letter),
    produced by a worker (``services.start_documents``, ``services.run_document_job``).

    At most one job per purchase request is queued or running at a time: the table holds it
    (a partial unique constraint), so two clicks or two buyers never start two productions.
    A job asked for a version of the request that has changed since is refused before it is
    recorded; a job still queued or running after ``PURCHASING_DOCUMENT_JOB_TIMEOUT`` seconds
    is taken for lost (its worker died) and shown as failed, with another try allowed."""

    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("document job", "queued")
        RUNNING = "running", pgettext_lazy("document job", "running")
        DONE = "done", pgettext_lazy("document job", "done")
        FAILED = "failed", pgettext_lazy("document job", "failed")

    request = models.ForeignKey(
        PurchaseRequest, on_delete=models.CASCADE, related_name="document_jobs"
    )
    version = models.PositiveIntegerField()  # the request's version the documents were asked for
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    reason = models.TextField(blank=True)  # why it failed, in French, for the person who asked
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                # Not ``state__in``: PostgreSQL stores an IN over a varchar column in a form it
                # reads back differently, so a schema copied by pg_dump would differ from a
                # migrated one (tests/schema_copies.py).
                condition=Q(state="queued") | Q(state="running"),
                name="purchasing_one_active_document_job",
            ),
        ]

    def __str__(self) -> str:
        return f"documents of {self.request_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def is_lost(self) -> bool:
        """Queued or running for longer than any production takes: its worker is gone."""
        limit = timezone.now() - timedelta(seconds=settings.PURCHASING_DOCUMENT_JOB_TIMEOUT)
        return self.is_active and self.created < limit

    @property
    def outcome(self) -> str:
        """The state the page shows: a lost job is a failed one."""
        return self.State.FAILED if self.is_lost else self.state

    @property
    def failure(self) -> str:
        if self.is_lost:
            minutes = max(1, settings.PURCHASING_DOCUMENT_JOB_TIMEOUT // 60)
            return _(
                "The production did not finish within %(minutes)s minutes (the server that"
                " produces documents may have stopped). Ask for the documents again."
            ) % {"minutes": minutes}
        return self.reason


EVENT_LABELS = {
    "create": pgettext_lazy("purchase request event", "drafted"),
    "send": pgettext_lazy("purchase request event", "validated and sent"),
    "return": pgettext_lazy("purchase request event", "returned to draft"),
    "order": pgettext_lazy("purchase request event", "ordered"),
    "cancel": pgettext_lazy("purchase request event", "cancelled"),
}


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(OffContractException, PurchaseFile, ChecklistItem, PurchaseRequest, OrderLine)
