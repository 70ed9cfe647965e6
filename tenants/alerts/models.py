"""Alerts raised by the impact step after a reference sync, and who has read or received them.

An alert is keyed by what it is about (``eos:<model>:<date>``...), so raising the same alert
twice is harmless: the impact step can run after every sync, or again after a crash.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.structure.models import FunctionalUnit


class AlertKind(models.TextChoices):
    END_OF_SUPPORT = "end_of_support", _("End of support")
    SAFETY_NOTICE = "safety_notice", _("Safety notice")
    RETIRED_CODE = "retired_code", _("Retired code")
    MARKET_ENDING = "market_ending", _("Market ending")


class AlertSettings(models.Model):
    """The tenant's alert windows: one row."""

    end_of_support_months = models.PositiveSmallIntegerField(
        _("end of support alert window (months)"), default=24
    )
    market_months = models.PositiveSmallIntegerField(
        _("market end alert window (months)"), default=6
    )

    def __str__(self) -> str:
        return f"{self.end_of_support_months} months"

    @classmethod
    def current(cls) -> AlertSettings:
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    key = models.CharField(max_length=200, unique=True)
    reference_uuid = models.UUIDField(_("reference entity"))
    data = models.JSONField(default=dict)
    device_count = models.PositiveIntegerField(_("devices"), default=0)
    units = models.ManyToManyField(FunctionalUnit, blank=True, related_name="+")
    raised = models.DateTimeField(_("raised"), auto_now_add=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("why it closed"), max_length=300, blank=True)

    class Meta:
        ordering = ["-raised", "-pk"]
        indexes = [models.Index(fields=["kind", "closed"], name="alerts_kind_open_idx")]

    def __str__(self) -> str:
        return self.key

    @property
    def date_value(self) -> date | None:
        raw = self.data.get("date")
        try:
            return date.fromisoformat(raw) if raw else None
        except (TypeError, ValueError):
            return None


class AlertReceipt(models.Model):
    """What a user did with an alert: read it in the app, received it in a digest."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read = models.DateTimeField(null=True, blank=True)
    emailed = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="alerts_receipt_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.alert}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(AlertSettings, Alert)
