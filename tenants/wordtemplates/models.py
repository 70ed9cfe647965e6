"""A tenant's versions of each kind's Word template, and the documents produced from them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from saas.audit import track
from tenants.documents.models import Attached, Document


def template_upload_path(version: TemplateVersion, filename: str) -> str:
    # Each tenant's files under its own folder; the stored name is random, never the user's.
    schema = getattr(connection, "schema_name", "unknown")
    return f"{schema}/word-templates/{uuid.uuid4().hex}.docx"


class TemplateVersion(models.Model):
    """Version ``number`` of a kind's template (1, 2... per kind); the highest is the one in use.
    Without a file, the version goes back to the default template shipped with the product."""

    kind = models.CharField(_("kind"), max_length=60)
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(upload_to=template_upload_path, max_length=300, blank=True)
    name = models.CharField(_("file name"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="template_version_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="template_version_gte_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.number}"

    @property
    def is_default(self) -> bool:
        return not self.file


class GeneratedDocument(Attached):
    """A document produced for an object (its target): which kind, from which template version,
    the DOCX and the PDF attached to the object, when and by whom."""

    kind = models.CharField(_("kind"), max_length=60)
    # None: the shipped default, before the tenant ever uploaded a template of this kind.
    template = models.ForeignKey(
        TemplateVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    template_number = models.PositiveIntegerField(_("template version"), default=0)
    # A document taken back from the object leaves the record of what was produced.
    docx = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, related_name="+")
    pdf = models.ForeignKey(Document, on_delete=models.SET_NULL, null=True, related_name="+")
    produced_at = models.DateTimeField(_("produced"), auto_now_add=True)
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["produced_at", "pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id"], name="generated_document_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.template_number}"


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(TemplateVersion, GeneratedDocument)
