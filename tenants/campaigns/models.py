"""Campaigns (a yearly census or a special programme) and their budget envelopes.

Amounts are euros with two decimals (``Decimal``); database checks refuse negative amounts
whatever the path that writes them. The requests of a campaign live in ``tenants.requests``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.structure.models import Establishment, Pole, Service


class Nature(models.TextChoices):
    EQUIPMENT = "equipment", _("Equipment")
    WORKS = "works", _("Works")
    SOFTWARE = "software", _("Software")


class Step(models.TextChoices):
    """The workflow's steps a campaign may use, in their order."""

    POLE_OPINION = "pole_opinion", _("Head of pôle opinion")
    DISPATCH = "dispatch", _("Dispatch to an expertise domain")
    EXPERTISE = "expertise", _("Expert analysis")
    MANAGEMENT = "management", _("Management validation")
    ARBITRATION = "arbitration", _("Commission arbitration")


def all_steps() -> list[str]:
    return list(Step.values)


class Campaign(models.Model):
    class Kind(models.TextChoices):
        CENSUS = "census", _("Yearly census")
        PROGRAMME = "programme", _("Special programme")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CENSUS)
    nature = models.CharField(_("nature"), max_length=12, choices=Nature.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    establishments = models.ManyToManyField(
        Establishment, related_name="campaigns", verbose_name=_("establishments")
    )
    steps = models.JSONField(
        _("workflow steps"),
        default=all_steps,
        help_text=_("The steps this campaign uses, in order (a small hospital skips dispatch)."),
    )
    message = models.TextField(
        _("message to requesters"),
        blank=True,
        help_text=_("Shown to whoever starts a request in this campaign (rules, deadlines)."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gte=models.F("opens")), name="campaign_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("campaigns:campaign_detail", args=[self.pk])


class Envelope(models.Model):
    """A budget for the campaign's requests of an establishment, a pôle or a service."""

    class Source(models.TextChoices):
        OWN_FUNDS = "own_funds", _("Own funds")
        SUBSIDY = "subsidy", _("Subsidy")
        RESEARCH = "research", _("Research programme")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="envelopes")
    establishment = models.ForeignKey(
        Establishment, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pole = models.ForeignKey(
        Pole, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    amount = models.DecimalField(_("amount (€)"), max_digits=14, decimal_places=2)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="envelope_amount_positive"),
            # Exactly one of establishment, pôle, service.
            models.CheckConstraint(
                name="envelope_one_scope",
                condition=(
                    Q(establishment__isnull=False, pole__isnull=True, service__isnull=True)
                    | Q(establishment__isnull=True, pole__isnull=False, service__isnull=True)
                    | Q(establishment__isnull=True, pole__isnull=True, service__isnull=False)
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.label or str(self.establishment or self.pole or self.service)

    def covers(self) -> Q:
        """Requests (by their UF) that draw on this envelope."""
        if self.service_id:
            return Q(uf__service_id=self.service_id)
        if self.pole_id:
            return Q(uf__service__pole_id=self.pole_id)
        return Q(uf__service__pole__establishment_id=self.establishment_id)


class AutoApproval(models.Model):
    """A head of pôle's rule for a campaign: their pôle's requests under this amount skip
    their opinion (given automatically, and recorded so)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="auto_approvals")
    pole = models.ForeignKey(Pole, on_delete=models.CASCADE, related_name="+")
    below = models.DecimalField(_("below (€)"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "pole"], name="auto_approval_once"),
            models.CheckConstraint(condition=Q(below__gt=0), name="auto_approval_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.pole} < {self.below}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Campaign, Envelope, AutoApproval)
