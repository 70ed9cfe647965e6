"""Adding documents and comments: what a file really is, its size, and who adds it."""

from __future__ import annotations

from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from tenants.accounts.models import User
from tenants.documents.models import Comment, Document

# Extension -> the MIME types its first bytes must show. Text kinds have no signature: they
# must be text (no NUL byte, and not recognised as some binary format).
ALLOWED = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "pptx": {"application/vnd.openxmlformats-officedocument.presentationml.presentation"},
    "odt": {"application/vnd.oasis.opendocument.text"},
    "ods": {"application/vnd.oasis.opendocument.spreadsheet"},
}
TEXT = {"txt": "text/plain", "csv": "text/csv"}
HEAD_BYTES = 8192


class DocumentRefused(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class Checked:
    extension: str
    mime_type: str


def check_upload(upload: UploadedFile) -> Checked:
    """Refuse files too large, of a type not accepted, or whose content is not what their
    name says (a renamed executable is not a PDF)."""
    limit = settings.DOCUMENT_MAX_BYTES
    name = upload.name or ""
    if upload.size is None or upload.size == 0:
        raise DocumentRefused("file", _("the file is empty"))
    if upload.size > limit:
        raise DocumentRefused(
            "file",
            _("the file is larger than %(limit)s (%(size)s)")
            % {"limit": filesizeformat(limit), "size": filesizeformat(upload.size)},
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    accepted = sorted({*ALLOWED, *TEXT})
    if extension not in ALLOWED and extension not in TEXT:
        raise DocumentRefused(
            "file",
            _("files of type .%(extension)s are not accepted (%(accepted)s)")
            % {"extension": extension or "?", "accepted": ", ".join(accepted)},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    found = _signatures(head, name)
    if extension in TEXT:
        if b"\0" in head or found:
            raise DocumentRefused(
                "file", _("this .%(extension)s file is not text") % {"extension": extension}
            )
        return Checked(extension, TEXT[extension])
    expected = ALLOWED[extension]
    if not found & expected:
        raise DocumentRefused(
            "file",
            _("the content of this file is not a .%(extension)s document")
            % {"extension": extension},
        )
    return Checked(extension, sorted(expected)[0])


def _signatures(head: bytes, name: str) -> set[str]:
    try:
        return {match.mime_type for match in puremagic.magic_string(head, name)}
    except puremagic.PureError:
        return set()


def _target_fields(target: models.Model) -> dict[str, object]:
    return {"content_type": ContentType.objects.get_for_model(target), "object_id": target.pk}


@transaction.atomic
def attach(target: models.Model, upload: UploadedFile, *, by: User) -> Document:
    checked = check_upload(upload)
    name = (upload.name or "document").replace("/", "_").replace("\\", "_")[-200:]
    return Document.objects.create(
        file=upload,
        name=name,
        size=upload.size or 0,
        mime_type=checked.mime_type,
        uploaded_by=by,
        **_target_fields(target),
    )


def may_remove(document: Document, user: User) -> bool:
    from tenants.access.permissions import Action, has_permission

    return document.uploaded_by_id == user.pk or has_permission(user, Action.ADMINISTER_TENANT)


def remove_document(document: Document, *, by: User) -> None:
    """Whoever added a document (or an administrator) takes it back, file included."""
    if not may_remove(document, by):
        raise DocumentRefused("by", _("only who added this document may remove it"))
    document.file.delete(save=False)
    document.delete()


def comment(target: models.Model, text: str, *, by: User) -> Comment:
    text = text.strip()
    if not text:
        raise DocumentRefused("text", _("the comment is empty"))
    if len(text) > 10_000:
        raise DocumentRefused("text", _("the comment is longer than 10,000 characters"))
    return Comment.objects.create(author=by, text=text, **_target_fields(target))


def documents_of(target: models.Model) -> models.QuerySet[Document]:
    return Document.objects.filter(**_target_fields(target)).select_related("uploaded_by")


def comments_of(target: models.Model) -> models.QuerySet[Comment]:
    return Comment.objects.filter(**_target_fields(target)).select_related("author")


def detach_all(target: models.Model) -> None:
    """Remove the object's documents (their files too) and comments, before it is deleted."""
    for document in documents_of(target):
        document.file.delete(save=False)
        document.delete()
    comments_of(target).delete()
