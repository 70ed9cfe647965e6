"""What a person keeps of a list page: columns, widths, last query; shared views; exports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _


class TablePreference(models.Model):
    """One person's way of seeing one list page; names of columns that vanished are ignored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="table_preferences"
    )
    page = models.CharField(max_length=80)
    columns = models.JSONField(default=list, blank=True)  # visible columns, in order
    widths = models.JSONField(default=dict, blank=True)  # column -> pixels
    query = models.CharField(max_length=2000, blank=True)  # filters and sort, as in the URL

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "page"], name="tables_preference_per_page")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.page}"


class SavedView(models.Model):
    """A named set of filters, sort and columns; shared views are offered to everyone."""

    page = models.CharField(max_length=80)
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    is_shared = models.BooleanField(_("shared with everyone"), default=False)
    query = models.CharField(max_length=2000, blank=True)
    columns = models.JSONField(default=list, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["page", "owner", "name"], name="tables_view_name")
        ]

    def __str__(self) -> str:
        return self.name


def export_upload_path(job: ExportJob, filename: str) -> str:
    schema = getattr(connection, "schema_name", "unknown")
    return f"{schema}/exports/{uuid.uuid4().hex}/{filename}"


class ExportJob(models.Model):
    """An export too large to build inside a request, built by a worker."""

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    page = models.CharField(max_length=80)
    query = models.CharField(max_length=2000, blank=True)
    columns = models.JSONField(default=list)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    rows = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=export_upload_path, max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"export {self.pk} of {self.page} ({self.state})"
