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


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(NotificationPreference)
