"""Reads of the templates' versions and of the documents produced."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

from tenants.wordtemplates.models import GeneratedDocument, TemplateVersion
from tenants.wordtemplates.registry import DocumentKind


def active_version(kind: DocumentKind) -> TemplateVersion | None:
    """The version in use: the latest (None: the shipped default, nothing uploaded yet)."""
    return TemplateVersion.objects.filter(kind=kind.key).order_by("-number").first()


def versions_of(kind: DocumentKind) -> models.QuerySet[TemplateVersion]:
    return (
        TemplateVersion.objects.filter(kind=kind.key)
        .select_related("uploaded_by")
        .order_by("-number")
    )


def generated_for(target: models.Model) -> models.QuerySet[GeneratedDocument]:
    return GeneratedDocument.objects.filter(
        content_type=ContentType.objects.get_for_model(target), object_id=target.pk
    ).select_related("docx", "pdf", "produced_by")
