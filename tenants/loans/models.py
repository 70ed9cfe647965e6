"""A loan between services (*prêt inter-services*): one device of the inventory, lent by one
UF to another from a start date to a planned return date, until it comes back.

Its state is worked out from its dates, not stored, so that nothing has to flip it at midnight:
cancelled, returned (an actual return date), under way (started), else planned; an under way
loan whose planned return date has passed is late (``tenants.loans.selectors.with_state``
says the same in SQL).

One device is never in two overlapping loans that are still open (neither returned nor
cancelled): the services check it with the device's row locked, and an exclusion constraint
keeps it true whatever writes the table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models, transaction
from django.db.models import F, Func, Q, Value
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit import track
from tenants.inventory.models import Device
from tenants.numbering.services import allocate
from tenants.structure.models import FunctionalUnit

# The prefix of a loan's reference: PRT-2027-00001, numbered per tenant and year of creation.
REFERENCE_PREFIX = "PRT"


class LoanState(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("loan", "Planned")
    UNDER_WAY = "under_way", pgettext_lazy("loan", "Lent")
    RETURNED = "returned", pgettext_lazy("loan", "Returned")
    CANCELLED = "cancelled", pgettext_lazy("loan", "Cancelled")


# A state in which the loan still holds the device (the overlap rule's and reminders' loans).
OPEN_STATES = (LoanState.PLANNED, LoanState.UNDER_WAY)


class Loan(models.Model):
    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, related_name="loans", verbose_name=_("device")
    )
    lending_uf = models.ForeignKey(
        FunctionalUnit,
        on_delete=models.PROTECT,
        related_name="loans_out",
        verbose_name=_("lending UF"),
    )
    borrowing_uf = models.ForeignKey(
        FunctionalUnit,
        on_delete=models.PROTECT,
        related_name="loans_in",
        verbose_name=_("borrowing UF"),
    )
    starts_on = models.DateField(_("start date"))
    due_on = models.DateField(_("planned return date"))
    returned_on = models.DateField(_("actual return date"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    lender_name = models.CharField(_("lender's contact"), max_length=120, blank=True)
    lender_phone = models.CharField(_("lender's phone"), max_length=30, blank=True)
    borrower_name = models.CharField(_("borrower's contact"), max_length=120, blank=True)
    borrower_phone = models.CharField(_("borrower's phone"), max_length=30, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created = models.DateTimeField(_("recorded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every change: a change made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        indexes = [models.Index(fields=["due_on"], name="loan_due_on_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("starts_on")), name="loan_due_after_start"
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=F("starts_on")),
                name="loan_returned_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(lending_uf=F("borrowing_uf")), name="loan_between_two_ufs"
            ),
            # The device as a one-point range: GiST indexes ranges natively, so this needs no
            # btree_gist extension (extensions are per database, schemas are per tenant).
            ExclusionConstraint(
                name="loan_device_not_lent_twice",
                expressions=[
                    (
                        Func(
                            F("device"),
                            F("device"),
                            Value("[]"),
                            function="int8range",
                            output_field=models.Field(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                    (
                        Func(
                            F("starts_on"),
                            F("due_on"),
                            Value("[]"),
                            function="daterange",
                            output_field=models.Field(),
                        ),
                        RangeOperators.OVERLAPS,
                    ),
                ],
                condition=Q(returned_on__isnull=True, cancelled_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.device}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new loan takes its reference here; an update keeps it."""
        if self._state.adding and not self.reference:
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(REFERENCE_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("loans:loan_detail", args=[self.pk])

    def state_on(self, today: date) -> LoanState:
        if self.cancelled_at is not None:
            return LoanState.CANCELLED
        if self.returned_on is not None:
            return LoanState.RETURNED
        return LoanState.UNDER_WAY if self.starts_on <= today else LoanState.PLANNED

    @property
    def state(self) -> LoanState:
        return self.state_on(timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def is_late(self) -> bool:
        """Under way past its planned return date."""
        today = timezone.localdate()
        return self.state_on(today) == LoanState.UNDER_WAY and self.due_on < today


class LoanEvent(models.Model):
    """What happened to a loan that its page tells: recorded, returned, cancelled, extended."""

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "record": pgettext_lazy("loan event", "recorded"),
    "return": pgettext_lazy("loan event", "returned"),
    "cancel": pgettext_lazy("loan event", "cancelled"),
    "extend": pgettext_lazy("loan event", "return date moved"),
}


class LoanReminder(models.Model):
    """A warning sent about a loan, once: ``about`` is the planned return date it concerned,
    so moving the date makes the next warnings new ones and a rerun sends nothing."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Return date near")
        OVERDUE = "overdue", _("Return date passed")

    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    about = models.CharField(max_length=20, blank=True)
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["loan", "kind", "about"], name="loan_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind} {self.about}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Loan)
