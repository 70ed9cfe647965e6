"""An import job: the uploaded file, its options, and what came of it."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from saas.audit import track


class ImportMapping(models.Model):
    """The column headers of a tenant's own export, kept once mapped (one row per kind)."""

    kind = models.CharField(max_length=40, unique=True)
    mapping = models.JSONField(default=dict)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        # Born in the structure app: the table kept its name when every import came to share
        # it, so moving the model changed nothing in the database (nor its audit triggers).
        db_table = "structure_importmapping"

    def __str__(self) -> str:
        return f"{self.kind} mapping"


def job_upload_path(job: ImportJob, filename: str) -> str:
    # Uploaded files carry the tenant (DESIGN.md section 3).
    schema = getattr(connection, "schema_name", "unknown")
    return f"{schema}/imports/{uuid.uuid4().hex}/{filename}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        INVENTORY = "inventory", _("inventory")
        STRUCTURE = "structure", _("structure")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused: nothing was changed")
        FAILED = "failed", _("failed: nothing was changed")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    file = models.FileField(upload_to=job_upload_path, max_length=300)
    filename = models.CharField(max_length=200)
    # SHA-256 of the file as the worker read it: applying a dry run for real checks that the
    # stored file is still the one the dry run checked.
    checksum = models.CharField(max_length=64, blank=True, default="")
    mapping = models.JSONField(default=dict)
    dry_run = models.BooleanField(default=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    report: Any = models.JSONField(null=True, blank=True)
    problems: Any = models.JSONField(default=list, blank=True)  # [[line, column, reason], ...]
    problem_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The name of the API key that pushed the file (tenant API), empty for the pages' uploads:
    # its refusals and failures are told to the tenant's administrators.
    api_key_name = models.CharField(max_length=50, blank=True, default="")
    # The language of the person who started the job: the worker writes its problems in it.
    language = models.CharField(max_length=10, blank=True, default="")
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.kind} import {self.pk} ({self.state})"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.REFUSED, self.State.FAILED)

    @property
    def was_applied(self) -> bool:
        """A dry run whose file a real import is importing or imported. One that was refused or
        failed changed nothing (imports are all or nothing): the dry run may be applied again."""
        return ImportJob.objects.filter(
            file=self.file.name,
            dry_run=False,
            state__in=(self.State.QUEUED, self.State.RUNNING, self.State.DONE),
        ).exists()


class ImportAPIKey(AbstractAPIKey):
    """A key the hospital's nightly exports are pushed with (``Authorization: Api-Key ...``):
    stored hashed, shown once, revocable; it may push the kinds listed, or every kind."""

    kinds = models.JSONField(default=list, blank=True)  # empty: every kind
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "import API key"

    def allows(self, kind: str) -> bool:
        return not self.kinds or kind in self.kinds


# The audit trail (saas/audit): a tenant's column mapping changes with who and when.
track(ImportMapping)
