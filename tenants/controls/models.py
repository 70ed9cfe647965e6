"""What the controls found: one finding per check and per thing it is about, kept across runs.

A finding opens when its check finds its cause, closes by itself when the cause is gone, and
may be accepted as justified with a reason: it then stays accepted while its data stay as they
were when it was accepted, and opens again when they change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tenants.access.permissions import ScopePath, scope_path_of
from tenants.structure.models import FunctionalUnit


class Level(models.IntegerChoices):
    INFO = 1, _("information")
    WARNING = 2, _("warning")
    MAJOR = 3, _("major")
    CRITICAL = 4, _("critical")


class FindingState(models.TextChoices):
    OPEN = "open", _("open")
    CLOSED = "closed", _("closed: the cause is gone")
    ACCEPTED = "accepted", _("accepted as justified")


class Finding(models.Model):
    code = models.CharField(_("control"), max_length=40)
    # What it is about, unique for the check: "2027/C0042", an inventory number...
    key = models.CharField(_("about"), max_length=200)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=FindingState.choices, default=FindingState.OPEN
    )
    # The scope that may see it (null: the whole tenant's only).
    uf = models.ForeignKey(
        FunctionalUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("UF"),
    )
    # The buyer (the finance system's manager code) the traffic lights group it under.
    buyer = models.CharField(_("buyer"), max_length=20, blank=True)
    data = models.JSONField(_("data"), default=dict)
    # A hash of the data: an accepted finding stays accepted while it is the same.
    fingerprint = models.CharField(max_length=64)
    url = models.CharField(_("link"), max_length=300, blank=True)
    opened = models.DateTimeField(_("opened"))
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_findings",
        verbose_name=_("assigned to"),
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_reason = models.TextField(_("why it is justified"), blank=True)
    accepted_fingerprint = models.CharField(max_length=64, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-level", "code", "key"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(fields=["code", "key"], name="controls_finding_once")
        ]
        indexes = [models.Index(fields=["state", "level"], name="controls_finding_state")]

    def __str__(self) -> str:
        return f"{self.code} {self.key}"

    def get_absolute_url(self) -> str:
        return reverse("controls:finding_detail", args=[self.pk])

    def scope_path(self) -> ScopePath:
        """Its UF's place in the structure; a finding without UF sits at the tenant's level
        (only tenant-wide grants cover it)."""
        if self.uf_id is None:
            return ScopePath()
        return scope_path_of(self.uf)


class FindingEvent(models.Model):
    """A finding's journal: what people did to it (assigned, commented, accepted) and what the
    checks did (opened, closed, reopened)."""

    class Action(models.TextChoices):
        OPENED = "opened", _("opened by the checks")
        CLOSED = "closed", _("closed: the cause is gone")
        REOPENED = "reopened", _("opened again")
        ASSIGNED = "assigned", _("assigned")
        COMMENTED = "commented", _("commented")
        ACCEPTED = "accepted", _("accepted as justified")

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Action.choices)
    note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.finding} {self.action}"


class ControlRun(models.Model):
    """One run of the checks: when, why, and what it changed."""

    started = models.DateTimeField(_("started"))
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    trigger = models.CharField(_("trigger"), max_length=40)
    codes = models.JSONField(default=list)  # the checks it ran
    opened = models.PositiveIntegerField(default=0)
    closed = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.trigger} {self.started:%d/%m/%Y %H:%M}"
