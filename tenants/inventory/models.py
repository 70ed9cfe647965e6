"""Devices of the inventory (parc) and the remembered matches to reference device models."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.mirror.models import ReferenceDeviceModel
from tenants.structure.models import FunctionalUnit


class DeviceStatus(models.TextChoices):
    IN_SERVICE = "in_service", _("in service")
    OUT_OF_ORDER = "out_of_order", _("out of order")
    IN_STORAGE = "in_storage", _("in storage")
    # Lent to another service or hospital: in use elsewhere, not available on a shelf.
    ON_LOAN = "on_loan", _("on loan")
    RETIRED = "retired", _("retired")


class MatchState(models.TextChoices):
    EXACT = "exact", _("matched")
    CONFIRMED = "confirmed", _("confirmed by a person")
    PROPOSED = "proposed", _("to confirm")
    NONE = "none", _("no reference model")


class Device(models.Model):
    inventory_number = models.CharField(_("inventory number"), max_length=40, unique=True)
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="devices", verbose_name=_("UF")
    )
    # As the CMMS spells them; the link to the reference is reference_model.
    manufacturer_name = models.CharField(_("manufacturer"), max_length=200, blank=True)
    model_name = models.CharField(_("model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    # The purchase order it came with: how a new device finds the plan line that bought it.
    order_number = models.CharField(_("order number"), max_length=60, blank=True, db_index=True)
    commissioning_date = models.DateField(_("commissioning date"), null=True, blank=True)
    purchase_value = models.DecimalField(
        _("purchase value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DeviceStatus.choices, default=DeviceStatus.IN_SERVICE
    )
    attributes = models.JSONField(_("other columns"), default=dict, blank=True)
    reference_model = models.ForeignKey(
        ReferenceDeviceModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="devices",
        verbose_name=_("reference model"),
    )
    proposed_model = models.ForeignKey(
        ReferenceDeviceModel,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed reference model"),
    )
    match_state = models.CharField(
        _("match"), max_length=12, choices=MatchState.choices, default=MatchState.NONE
    )
    # Normalised "manufacturer|model": devices spelled alike share one decision.
    match_key = models.CharField(max_length=420, blank=True, db_index=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["inventory_number"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        indexes = [
            models.Index(fields=["status", "inventory_number"], name="inventory_status_idx"),
            models.Index(fields=["commissioning_date"], name="inventory_commissioning_idx"),
            models.Index(fields=["match_state"], name="inventory_match_state_idx"),
            models.Index(fields=["manufacturer_name", "model_name"], name="inventory_names_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(purchase_value__gte=0) | models.Q(purchase_value__isnull=True),
                name="inventory_purchase_value_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.inventory_number

    def get_absolute_url(self) -> str:
        return reverse("inventory:device_detail", args=[self.pk])


class ModelMatch(models.Model):
    """A person's decision for a manufacturer and model spelling: this reference model, or none."""

    match_key = models.CharField(max_length=420, unique=True)
    manufacturer_name = models.CharField(_("manufacturer"), max_length=200)
    model_name = models.CharField(_("model"), max_length=200)
    reference_model = models.ForeignKey(
        ReferenceDeviceModel,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reference model"),
        help_text=_("empty: the device has no model in the reference"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.manufacturer_name} {self.model_name}"


class WorkOrderKind(models.TextChoices):
    CORRECTIVE = "corrective", _("corrective")
    PREVENTIVE = "preventive", _("preventive")
    CONTROL = "control", _("quality control")
    INSTALLATION = "installation", _("installation")
    OTHER = "other", _("other")


class WorkOrder(models.Model):
    """A CMMS work order (*intervention*) on a device, imported from the CMMS's export."""

    number = models.CharField(_("work order number"), max_length=40, unique=True)
    device = models.ForeignKey(
        Device, on_delete=models.CASCADE, related_name="work_orders", verbose_name=_("device")
    )
    kind = models.CharField(
        _("type"), max_length=20, choices=WorkOrderKind.choices, default=WorkOrderKind.OTHER
    )
    opened = models.DateField(_("opened on"), null=True, blank=True)
    closed = models.DateField(_("closed on"), null=True, blank=True)
    cost = models.DecimalField(
        _("cost (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        ordering = ["-opened", "number"]
        verbose_name = _("work order")
        verbose_name_plural = _("work orders")

    def __str__(self) -> str:
        return self.number


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Device, ModelMatch)
