"""Documents (uploaded files) and comments on any registered object (see registry.py)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models
from django.utils.translation import gettext_lazy as _

from saas.audit import track


def document_upload_path(document: Document, filename: str) -> str:
    # Each tenant's files under its own folder; the stored name is random, never the user's.
    schema = getattr(connection, "schema_name", "unknown")
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"{schema}/documents/{uuid.uuid4().hex}.{extension}"


class Attached(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")

    class Meta:
        abstract = True


class Document(Attached):
    file = models.FileField(upload_to=document_upload_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded = models.DateTimeField(_("added"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_target_idx")]

    def __str__(self) -> str:
        return self.name


class Comment(Attached):
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="comment_target_idx")]

    def __str__(self) -> str:
        return self.text[:50]


# The audit trail (saas/audit): every change to these tables is recorded with who and where.
track(Document, Comment)
