"""A notification tells one person something waits for them (or was decided for them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from saas.audit import track


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(_("link"), max_length=300)  # a path on the tenant's host
    # Its kind of alert (tenants/notifications/kinds.py): how the person wants it delivered.
    kind = models.CharField(_("kind"), max_length=80, blank=True)
    created = models.DateTimeField(_("sent"), auto_now_add=True)
    read = models.DateTimeField(_("read"), null=True, blank=True)
    # When the e-mail went, or when it was settled without one (the person wants none).
    emailed = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # When it stopped applying: the request it spoke of moved on before the person acted.
    settled = models.DateTimeField(_("no longer applies since"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        indexes = [models.Index(fields=["recipient", "read"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """Whether a person wants notifications by e-mail as well as in the app."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    by_email = models.BooleanField(_("also by e-mail"), default=True)

    def __str__(self) -> str:
        return f"{self.user}: {'e-mail' if self.by_email else 'app only'}"


class AlertSetting(models.Model):
    """How a person wants one kind of alert by e-mail: never, at once (after a quiet delay
    that gathers what else comes meanwhile) or in the daily digest. In the app, every
    notification stays listed."""

    class Mode(models.TextChoices):
        NEVER = "never", _("never")
        NOW = "now", _("at once")
        DAILY = "daily", _("in the daily digest")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_settings"
    )
    kind = models.CharField(_("kind"), max_length=80)
    mode = models.CharField(_("by e-mail"), max_length=5, choices=Mode.choices)
    quiet_minutes = models.PositiveIntegerField(_("quiet delay (minutes)"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_alert_setting"),
            models.CheckConstraint(
                condition=models.Q(quiet_minutes__lte=1440), name="notifications_quiet_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {self.mode}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(NotificationPreference, AlertSetting)
