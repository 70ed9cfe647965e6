"""A plan line: one granted request, with the amount the commission granted, followed from
the commission's grant to its commissioning (the acquisition follow-up).

The line copies what the plan is read by (year, UF, nature, title) so that the plan stays
what the commission decided even when the request's UF is later reorganised; it keeps the
request it came from.

Each line walks through the steps of its nature (``StepDefinition``: the defaults of
``tenants.plan.steps``, renamed, hidden or added to by the tenant's administrator); a
``LineStep`` holds one step's status, date and note on one line, and is only written once
someone touches that step. Who may change which field in which state is the table of
``tenants.plan.rules``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit import track
from tenants.access.permissions import ScopePath, scope_path_of
from tenants.campaigns.models import Campaign, Nature
from tenants.inventory.models import Device
from tenants.numbering.services import allocate
from tenants.requests.models import EquipmentRequest
from tenants.structure.models import FunctionalUnit

# The prefix of a line's reference: PLN-2027-00042, numbered per tenant and year of creation.
REFERENCE_PREFIX = "PLN"


class Procedure(models.TextChoices):
    """How the purchase is made (the *procédure* step of equipment and software)."""

    CENTRAL_MARKET = "central_market", _("Central purchasing body's market")
    LOCAL_MARKET = "local_market", _("Local market")
    OFF_CONTRACT = "off_contract", _("Off-contract purchase")


class AmountSource(models.TextChoices):
    """Where a committed or paid amount came from: typed, or the finance system's import."""

    MANUAL = "manual", _("Typed by hand")
    FINANCE = "finance", _("Finance system import")


class PlanLine(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ORDERED = "ordered", _("Ordered")
        RECEIVED = "received", _("Received")
        COMMISSIONED = "commissioned", _("Commissioned")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    request = models.OneToOneField(
        EquipmentRequest,
        on_delete=models.PROTECT,
        related_name="plan_line",
        verbose_name=_("request"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="plan_lines", verbose_name=_("campaign")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="plan_lines", verbose_name=_("UF")
    )
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("granted (€)"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    created = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # The follow-up.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_plan_lines",
        verbose_name=_("operation manager"),
    )
    procedure = models.CharField(
        _("procedure"), max_length=16, choices=Procedure.choices, blank=True
    )
    estimated_amount = models.DecimalField(
        _("estimated (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    ordered_amount = models.DecimalField(
        _("ordered (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    committed_amount = models.DecimalField(
        _("committed (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    committed_source = models.CharField(
        _("committed amount's source"), max_length=8, choices=AmountSource.choices, blank=True
    )
    paid_amount = models.DecimalField(
        _("paid (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    paid_source = models.CharField(
        _("paid amount's source"), max_length=8, choices=AmountSource.choices, blank=True
    )
    # Once the finance system's orders give the committed and paid amounts, what a person
    # typed is kept here, shown beside them, and comes back if the orders are unlinked.
    typed_committed_amount = models.DecimalField(
        _("committed, typed by hand (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    typed_paid_amount = models.DecimalField(
        _("paid, typed by hand (€)"), null=True, blank=True, max_digits=14, decimal_places=2
    )
    # *Soldé*: the amounts are final. *Clôturé*: the line is finished and read-only.
    settled = models.BooleanField(_("settled"), default=False)
    closed = models.BooleanField(pgettext_lazy("plan line", "closed"), default=False)
    closed_at = models.DateTimeField(_("closed on"), null=True, blank=True)
    # When its last step (commissioning, acceptance, go-live) was done: the services stop
    # following a line 90 days after it was finished (tenants/plan/selectors.py).
    finished_at = models.DateTimeField(_("finished on"), null=True, blank=True)
    commissioning_month = models.DateField(
        _("estimated commissioning month"),
        null=True,
        blank=True,
        help_text=_("The first day of the month the equipment should be in service."),
    )
    # How the CMMS's devices find the line that bought them (tenants/plan/delivery.py).
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    inventory_numbers = models.TextField(
        _("inventory numbers"),
        blank=True,
        help_text=_("The inventory numbers given to the delivered devices, if known."),
    )
    devices = models.ManyToManyField(
        Device, blank=True, related_name="plan_lines", verbose_name=_("delivered devices")
    )
    private_note = models.TextField(_("note for the biomedical team"), blank=True)
    public_note = models.TextField(_("note for the services"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every change: an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-year", "uf__code", "pk"]
        indexes = [models.Index(fields=["manager", "closed"], name="plan_line_manager_closed")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_line_amount_positive"),
            models.CheckConstraint(
                name="plan_line_amounts_positive",
                condition=(
                    (Q(estimated_amount__isnull=True) | Q(estimated_amount__gte=0))
                    & (Q(ordered_amount__isnull=True) | Q(ordered_amount__gte=0))
                    & (Q(committed_amount__isnull=True) | Q(committed_amount__gte=0))
                    & (Q(paid_amount__isnull=True) | Q(paid_amount__gte=0))
                ),
            ),
            models.CheckConstraint(
                name="plan_line_commissioning_first_of_month",
                condition=Q(commissioning_month__isnull=True) | Q(commissioning_month__day=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new line takes its reference here; an update keeps it."""
        if self._state.adding and not self.reference:
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(REFERENCE_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("plan:line_detail", args=[self.pk])

    def scope_path(self) -> ScopePath:
        """Its UF's place in the structure, and the expertise domain its request went to."""
        return replace(scope_path_of(self.uf), domain_id=self.request.domain_id)


class StepStatus(models.TextChoices):
    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    TO_DO = "to_do", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for someone else")
    BLOCKED = "blocked", _("Blocked")
    DONE = "done", pgettext_lazy("step status", "Done")
    CANCELLED = "cancelled", _("Cancelled")


class StepDefinition(models.Model):
    """One step of a nature's follow-up, in this tenant: a default one (``code`` names it in
    ``tenants.plan.steps``, its label is translated unless renamed) or one the tenant added."""

    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(
        _("label"),
        max_length=80,
        blank=True,
        help_text=_("Leave empty to keep the default step's name."),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    hidden = models.BooleanField(_("hidden"), default=False)
    builtin = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["nature", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["nature", "code"], name="step_definition_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from tenants.plan.steps import default_label

        return self.label or default_label(self.code)


class LineStep(models.Model):
    """Where one plan line stands on one step."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="steps")
    definition = models.ForeignKey(
        StepDefinition, on_delete=models.PROTECT, related_name="+", verbose_name=_("step")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=StepStatus.choices, default=StepStatus.TO_DO
    )
    date = models.DateField(_("date"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["definition__position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["line", "definition"], name="line_step_unique")
        ]

    def __str__(self) -> str:
        return f"{self.definition} · {self.get_status_display()}"


class LineEvent(models.Model):
    """What happened to a line that its page tells: manager named, closed, reopened (why)."""

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.line_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "assign_manager": _("operation manager named"),
    "settle": _("settled"),
    "unsettle": _("unsettled"),
    "close": pgettext_lazy("plan line", "closed"),
    "reopen": _("reopened"),
}


class ReminderPreference(models.Model):
    """How many days after a grant a manager is reminded that a line has no commissioning
    month yet."""

    class Delay(models.IntegerChoices):
        SAME_DAY = 0, _("the day of the grant")
        ONE = 1, _("1 day after the grant")
        TWO = 2, _("2 days after the grant")
        WEEK = 7, _("7 days after the grant")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_reminders"
    )
    no_month_after_days = models.PositiveSmallIntegerField(
        _("remind me of a line without a commissioning month"),
        choices=Delay.choices,
        default=Delay.TWO,
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {self.no_month_after_days} days"


class LineReminder(models.Model):
    """A reminder sent about a line, once: ``about`` is what it concerned (the month that
    passed), so the next month's lateness is a new reminder and a rerun sends nothing."""

    class Kind(models.TextChoices):
        NO_MONTH = "no_month", _("No commissioning month")
        LATE = "late", _("Commissioning month passed")

    line = models.ForeignKey(PlanLine, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    about = models.CharField(max_length=20, blank=True)
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["line", "kind", "about"], name="line_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.line_id} {self.kind} {self.about}"


class CalendarFeed(models.Model):
    """A person's secret calendar address: their lines' commissioning months, for a calendar
    client that cannot sign in. Only the token's digest is kept; a new one revokes the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(auto_now_add=True)
    last_read = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar of {self.user_id}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(PlanLine, StepDefinition, LineStep, ReminderPreference)
