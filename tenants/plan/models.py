"""A plan line: one granted request, with the amount the commission granted.

The line copies what the plan is read by (year, UF, nature, title) so that the plan stays
what the commission decided even when the request's UF is later reorganised; it keeps the
request it came from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.access.permissions import ScopePath, scope_path_of
from tenants.campaigns.models import Campaign, Nature
from tenants.requests.models import EquipmentRequest
from tenants.structure.models import FunctionalUnit


class PlanLine(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ORDERED = "ordered", _("Ordered")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

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

    class Meta:
        ordering = ["-year", "uf__code", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="plan_line_amount_positive")
        ]

    def __str__(self) -> str:
        return f"{self.year} · {self.title}"

    def scope_path(self) -> ScopePath:
        return scope_path_of(self.uf)


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(PlanLine)
