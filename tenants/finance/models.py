"""What the finance system (*GEF*, e.g. Magh2) knows: order lines, fixed assets and invoices.

Imported from its exports (``tenants/finance/imports.py``), never typed here: each row is
upserted by its natural key, and ``updated`` tells which rows an import changed (the controls
re-check only those).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.plan.models import PlanLine
from tenants.structure.models import FunctionalUnit


class FinanceOrderLine(models.Model):
    """A line of a purchase order as the finance system holds it (*ligne de commande*)."""

    year = models.PositiveSmallIntegerField(_("financial year"))
    order_number = models.CharField(_("order number"), max_length=60)
    line_number = models.PositiveIntegerField(_("line"))
    manager_code = models.CharField(_("manager code"), max_length=20, blank=True)
    market_number = models.CharField(_("market number"), max_length=60, blank=True)
    supplier_name = models.CharField(_("supplier"), max_length=200, blank=True)
    order_date = models.DateField(_("order date"), null=True, blank=True)
    # *Objet de la dépense*: where buyers write the off-contract exception's code (HM1…).
    purpose = models.CharField(_("purpose of the expense"), max_length=300, blank=True)
    # The investment programme (*opération*) the order is charged to: hospitals that open one
    # per plan line give it the line's reference.
    programme = models.CharField(_("programme"), max_length=60, blank=True)
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("UF")
    )
    account = models.CharField(_("account"), max_length=20, blank=True)
    label = models.CharField(_("label"), max_length=500, blank=True)
    quantity_ordered = models.DecimalField(
        _("quantity ordered"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    quantity_received = models.DecimalField(
        _("quantity received"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    committed = models.DecimalField(
        _("committed (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    paid = models.DecimalField(
        _("paid (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    closed = models.BooleanField(_("line closed"), default=False)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    plan_lines: models.ManyToManyField[PlanLine, OrderLink] = models.ManyToManyField(
        PlanLine, through="OrderLink", related_name="finance_lines", verbose_name=_("plan lines")
    )

    class Meta:
        ordering = ["-year", "order_number", "line_number"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "order_number", "line_number"], name="finance_order_line_key"
            )
        ]
        indexes = [models.Index(fields=["order_number"], name="finance_order_number")]

    def __str__(self) -> str:
        return f"{self.order_number}/{self.line_number} ({self.year})"


class LinkReason(models.TextChoices):
    ORDER_NUMBER = "order_number", _("order number typed on the line")
    REQUEST_ORDER = "request_order", _("order number of a purchase request")
    REQUEST_REFERENCE = "request_reference", _("purchase request named in the order's text")
    PROGRAMME = "programme", _("programme of the line")


class OrderLink(models.Model):
    """Why a finance order line counts for a plan line (written by ``links.relink``)."""

    order_line = models.ForeignKey(FinanceOrderLine, on_delete=models.CASCADE, related_name="links")
    plan_line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="order_links")
    reason = models.CharField(_("linked by"), max_length=20, choices=LinkReason.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["order_line", "plan_line"], name="finance_order_link_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.order_line} → {self.plan_line_id}"


class FixedAsset(models.Model):
    """A fixed asset (*immobilisation*) of the accounting register, by its sheet number."""

    sheet = models.CharField(_("asset sheet"), max_length=40, unique=True)
    year = models.PositiveSmallIntegerField(_("financial year"))
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("UF")
    )
    account = models.CharField(_("account"), max_length=20, blank=True)
    order_number = models.CharField(_("order number"), max_length=60, blank=True, db_index=True)
    order_line = models.PositiveIntegerField(_("order line"), null=True, blank=True)
    label = models.CharField(_("label"), max_length=500, blank=True)
    # Some registers carry the device's inventory or serial number: reconciliation uses them.
    inventory_number = models.CharField(_("inventory number"), max_length=40, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    commissioning_date = models.DateField(_("commissioning date"), null=True, blank=True)
    duration = models.PositiveSmallIntegerField(_("depreciation (years)"), null=True, blank=True)
    value = models.DecimalField(
        _("value (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # Left the books (*sortie d'inventaire*): a retired device is expected to leave them too.
    disposed = models.DateField(_("disposed on"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["sheet"]
        verbose_name = _("fixed asset")
        verbose_name_plural = _("fixed assets")
        indexes = [models.Index(fields=["inventory_number"], name="finance_asset_inventory")]

    def __str__(self) -> str:
        return self.sheet


class AssetMatch(models.Model):
    """A person's decision on a fixed asset the sure rules do not pair: this device, or none
    (``device`` empty). Kept across imports: the asset and the device are named by their
    sheet and inventory numbers, which the imports keep."""

    asset = models.OneToOneField(
        FixedAsset, on_delete=models.CASCADE, related_name="match", verbose_name=_("fixed asset")
    )
    device = models.OneToOneField(
        "inventory.Device",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="asset_match",
        verbose_name=_("device"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.asset} = {self.device or '—'}"


class InvoiceState(models.TextChoices):
    WAITING = "waiting", _("waiting")
    SUSPENDED = "suspended", _("suspended")
    PAID = "paid", _("paid")
    REJECTED = "rejected", _("rejected")


class Invoice(models.Model):
    supplier_name = models.CharField(_("supplier"), max_length=200)
    reference = models.CharField(_("invoice reference"), max_length=60)
    order_number = models.CharField(_("order number"), max_length=60, blank=True, db_index=True)
    invoice_date = models.DateField(_("invoice date"), null=True, blank=True)
    received_date = models.DateField(_("received on"), null=True, blank=True)
    chorus_number = models.CharField(_("Chorus commitment number"), max_length=40, blank=True)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=10, choices=InvoiceState.choices, default=InvoiceState.WAITING
    )
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-invoice_date", "supplier_name", "reference"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["supplier_name", "reference"], name="finance_invoice_key"
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=-100000000),
                name="finance_invoice_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.supplier_name} {self.reference}"


# The audit trail (saas/audit): who paired which asset with which device, and when.
track(AssetMatch)
