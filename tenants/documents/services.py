"""Adding documents and comments: what a file really is, its size, and who adds it."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from saas.errors import UserError
from tenants.accounts.models import User
from tenants.documents.models import Comment, Document

# Extension -> the MIME types its first bytes must show.
SIGNED = {
    "pdf": {"application/pdf"},
    "png": {"image/png"},
    "jpg": {"image/jpeg"},
    "jpeg": {"image/jpeg"},
}
# Office files are ZIP archives: they are checked by what the archive holds, since any ZIP
# renamed .docx starts with the same bytes. OOXML: [Content_Types].xml and the folder of the
# part its extension promises; ODF: a "mimetype" entry naming its kind.
OOXML = {
    "docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
ODF = {
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ALLOWED = {
    **SIGNED,
    **{extension: {mime} for extension, (_folder, mime) in OOXML.items()},
    **{extension: {mime} for extension, mime in ODF.items()},
}
# Text has no signature: it must decode (UTF-8, else Windows-1252) without control characters
# other than tabs, line breaks and form feeds.
TEXT = {"txt": "text/plain", "csv": "text/csv"}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
HEAD_BYTES = 8192


class DocumentRefused(UserError):
    """A file or comment refused (``field``: file, text), or a removal not allowed (by, 403)."""


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
    if extension in TEXT:
        if not _is_text(upload, head, name):
            raise DocumentRefused(
                "file", _("this .%(extension)s file is not text") % {"extension": extension}
            )
        return Checked(extension, TEXT[extension])
    if extension in OOXML or extension in ODF:
        is_office = _is_office_file(upload, extension)
        upload.seek(0)
    else:
        is_office = bool(_signatures(head, name) & SIGNED[extension])
    if not is_office:
        raise DocumentRefused(
            "file",
            _("the content of this file is not a .%(extension)s document")
            % {"extension": extension},
        )
    return Checked(extension, sorted(ALLOWED[extension])[0])


def _is_text(upload: UploadedFile, head: bytes, name: str) -> bool:
    # A binary format some tool recognises (a PDF, an executable renamed .txt) is not text.
    if any(not mime.startswith("text/") for mime in _signatures(head, name)):
        return False
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not CONTROL.search(text)
    return False


def _is_office_file(upload: UploadedFile, extension: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
            if extension in OOXML:
                folder = OOXML[extension][0]
                return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as entry:
                return entry.read(100).strip() == ODF[extension].encode()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return False


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
        raise DocumentRefused("by", _("only who added this document may remove it"), status=403)
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
