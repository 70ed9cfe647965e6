"""A manufacturer's trial loan (*prêt d'essai*): a device a supplier lends to a UF so that it
can try it before buying, with the expert of the biomedical team in charge of it.

A trial walks through its states (``Trial.State``; who may move it is the table of
``tenants.trials.rules``); it cannot be delivered before its loan agreement and insurance
certificate are uploaded (``TrialDocument`` says which uploaded document is which). The UF's
people evaluate it clinically, its expert technically. It may be the trials step of a plan
line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from saas.audit import track
from tenants.access.models import ExpertiseDomain
from tenants.access.permissions import ScopePath, scope_path_of
from tenants.documents.models import Document
from tenants.numbering.services import allocate
from tenants.plan.models import PlanLine
from tenants.structure.models import FunctionalUnit

# The prefix of a trial's reference: ESS-2027-00001 (*essai*), per tenant and year.
REFERENCE_PREFIX = "ESS"


class TrialState(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("trial", "Requested")
    AGREED = "agreed", pgettext_lazy("trial", "Agreed")
    DELIVERED = "delivered", pgettext_lazy("trial", "Delivered")
    IN_TRIAL = "in_trial", pgettext_lazy("trial", "In trial")
    RETURNED = "returned", pgettext_lazy("trial", "Returned")
    BOUGHT = "bought", pgettext_lazy("trial", "Bought")
    REFUSED = "refused", pgettext_lazy("trial", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("trial", "Cancelled")


class Trial(models.Model):
    State = TrialState

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    device = models.CharField(_("device"), max_length=200)
    manufacturer = models.CharField(_("manufacturer or supplier"), max_length=200)
    contact_name = models.CharField(_("supplier's contact"), max_length=120, blank=True)
    contact_phone = models.CharField(_("contact's phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact's e-mail"), max_length=200, blank=True)
    ce_marked = models.BooleanField(_("CE marked"), default=False)
    ce_marking = models.CharField(
        _("CE marking"),
        max_length=120,
        blank=True,
        help_text=_("Class and notified body's number, e.g. IIb — CE 0123."),
    )
    uf = models.ForeignKey(
        FunctionalUnit, on_delete=models.PROTECT, related_name="trials", verbose_name=_("UF")
    )
    domain = models.ForeignKey(
        ExpertiseDomain,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("expertise domain"),
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="trials_in_charge",
        verbose_name=_("expert in charge"),
    )
    plan_line = models.ForeignKey(
        PlanLine,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trials",
        verbose_name=_("plan line"),
    )
    planned_start = models.DateField(_("planned start"))
    planned_return = models.DateField(_("planned return"))
    delivered_on = models.DateField(_("delivered on"), null=True, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    purpose = models.TextField(_("what is tried"), blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=TrialState.choices, default=TrialState.REQUESTED
    )
    created = models.DateTimeField(_("added"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Bumped by every change: an edit made on an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_return__gte=F("planned_start")),
                name="trial_return_after_start",
            ),
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True)
                | Q(delivered_on__isnull=True)
                | Q(returned_on__gte=F("delivered_on")),
                name="trial_returned_after_delivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} · {self.device}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new trial takes its reference here; an update keeps it."""
        if self._state.adding and not self.reference:
            with transaction.atomic(using=kwargs.get("using")):
                self.reference = allocate(REFERENCE_PREFIX, timezone.localdate().year)
                super().save(*args, **kwargs)
            return
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("trials:detail", args=[self.pk])

    def scope_path(self) -> ScopePath:
        """Its UF's place in the structure, and the expertise domain it concerns."""
        return replace(scope_path_of(self.uf), domain_id=self.domain_id)


class DocumentKind(models.TextChoices):
    LOAN_AGREEMENT = "loan_agreement", _("Loan agreement")
    INSURANCE = "insurance", _("Insurance certificate")
    OTHER = "other", _("Other document")


# What must be uploaded before the device is delivered.
REQUIRED_KINDS = (DocumentKind.LOAN_AGREEMENT, DocumentKind.INSURANCE)


class TrialDocument(models.Model):
    """Which kind an uploaded document of a trial is (the file itself is tenants/documents')."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="typed_documents")
    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="trial_kind")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)

    class Meta:
        ordering = ["kind", "pk"]
        verbose_name = _("trial document")

    def __str__(self) -> str:
        # Read in the trial's history: "Document of the trial « Loan agreement »".
        return str(self.get_kind_display())


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class ClinicalEvaluation(models.Model):
    """What one person of the trying UF thought of the device (scores 1 to 5)."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="clinical_evaluations")
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    ergonomics = models.PositiveSmallIntegerField(_("ergonomics"), validators=SCORE)
    ease_of_use = models.PositiveSmallIntegerField(_("ease of use"), validators=SCORE)
    clinical_performance = models.PositiveSmallIntegerField(
        _("clinical performance"), validators=SCORE
    )
    cleaning = models.PositiveSmallIntegerField(_("cleaning and disinfection"), validators=SCORE)
    overall = models.PositiveSmallIntegerField(_("overall opinion"), validators=SCORE)
    comments = models.TextField(_("comments"), blank=True)
    evaluated = models.DateTimeField(_("evaluated on"), auto_now=True)

    SCORES = ("ergonomics", "ease_of_use", "clinical_performance", "cleaning", "overall")

    class Meta:
        ordering = ["evaluated", "pk"]
        verbose_name = _("clinical evaluation")
        constraints = [
            models.UniqueConstraint(
                fields=["trial", "evaluator"], name="clinical_evaluation_once_per_person"
            ),
            models.CheckConstraint(
                name="clinical_scores_1_to_5",
                condition=Q(ergonomics__range=(1, 5))
                & Q(ease_of_use__range=(1, 5))
                & Q(clinical_performance__range=(1, 5))
                & Q(cleaning__range=(1, 5))
                & Q(overall__range=(1, 5)),
            ),
        ]

    def __str__(self) -> str:
        # Read in the trial's history: "Clinical evaluation « Claire Cadre »".
        return str(self.evaluator)


class TechnicalEvaluation(models.Model):
    """The expert's opinion of the device (scores 1 to 5): one per trial."""

    trial = models.OneToOneField(
        Trial, on_delete=models.CASCADE, related_name="technical_evaluation"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("evaluator"),
    )
    build_quality = models.PositiveSmallIntegerField(_("build quality"), validators=SCORE)
    maintainability = models.PositiveSmallIntegerField(_("maintainability"), validators=SCORE)
    compatibility = models.PositiveSmallIntegerField(_("compatibility and IT"), validators=SCORE)
    safety = models.PositiveSmallIntegerField(_("safety"), validators=SCORE)
    documentation = models.PositiveSmallIntegerField(_("documentation"), validators=SCORE)
    overall = models.PositiveSmallIntegerField(_("overall opinion"), validators=SCORE)
    comments = models.TextField(_("comments"), blank=True)
    evaluated = models.DateTimeField(_("evaluated on"), auto_now=True)

    SCORES = (
        "build_quality",
        "maintainability",
        "compatibility",
        "safety",
        "documentation",
        "overall",
    )

    class Meta:
        verbose_name = _("technical evaluation")
        constraints = [
            models.CheckConstraint(
                name="technical_scores_1_to_5",
                condition=Q(build_quality__range=(1, 5))
                & Q(maintainability__range=(1, 5))
                & Q(compatibility__range=(1, 5))
                & Q(safety__range=(1, 5))
                & Q(documentation__range=(1, 5))
                & Q(overall__range=(1, 5)),
            ),
        ]

    def __str__(self) -> str:
        return str(self.evaluator)


class TrialEvent(models.Model):
    """What happened to a trial that its page tells: each change of state, by whom, why."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("why"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.trial_id} {self.action}"

    @property
    def action_label(self) -> str:
        return str(EVENT_LABELS.get(self.action, self.action))


EVENT_LABELS = {
    "create": _("trial requested"),
    "agree": _("trial agreed"),
    "refuse": _("trial refused"),
    "deliver": _("device delivered"),
    "start": _("trial started"),
    "return": _("device returned"),
    "buy": _("device bought"),
    "cancel": _("trial cancelled"),
}


class TrialReminder(models.Model):
    """A warning sent about a trial's return date, once: ``about`` is the planned return
    date it concerned, so a postponed return warns again and a rerun sends nothing."""

    class Kind(models.TextChoices):
        SOON = "soon", _("Return date near")
        LATE = "late", _("Return date passed")

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    about = models.CharField(max_length=20, blank=True)
    sent = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trial", "kind", "about"], name="trial_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.trial_id} {self.kind} {self.about}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Trial, TrialDocument, ClinicalEvaluation, TechnicalEvaluation)
