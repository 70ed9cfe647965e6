"""Documents and comments on a request: what is accepted, and who may download."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.documents.models import Comment, Document
from tenants.documents.services import OOXML, DocumentRefused, check_upload
from tests.conftest import client_for, host_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PE = b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "Devis"  # type: ignore[index]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("devis.pdf", PDF, "application/pdf"),
        (
            "devis.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("notes.csv", "UF;Prix\n1101;12,50\n".encode("cp1252"), "text/csv"),
    ],
)
def test_accepted_files_are_what_their_name_says(name, content, mime):
    assert check_upload(SimpleUploadedFile(name, content)).mime_type == mime


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("devis.pdf", PE, "not a .pdf document"),  # a renamed executable
        ("devis.exe", PE, "not accepted"),
        ("notes.txt", PDF, "not text"),  # a PDF renamed .txt
        ("photo.png", PDF, "not a .png document"),
        ("vide.pdf", b"", "empty"),
        ("sans-extension", PDF, "not accepted"),
    ],
)
def test_refused_files_say_why(name, content, expected):
    with translation.override("en"), pytest.raises(DocumentRefused) as refused:
        check_upload(SimpleUploadedFile(name, content))
    assert refused.value.field == "file" and expected in refused.value.reason


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_a_file_over_the_limit_is_refused():
    with pytest.raises(DocumentRefused) as refused:
        check_upload(SimpleUploadedFile("gros.pdf", PDF + b"0" * 2000))
    # French by default: the limit and the size, as people read them.
    assert refused.value.reason.replace("\xa0", " ") == "le fichier dépasse 1,0 Kio (2,0 Kio)"


def test_a_document_is_uploaded_and_downloaded_only_by_who_sees_the_request(
    tenant,
    chain,
):
    u, request = chain["users"], chain["request"]
    requester = client_for(host_of(tenant), u["requester"], tenant)
    outsider = client_for(host_of(tenant), u["other_head"], tenant)
    url = f"/documents/request/{request.pk}/upload/"
    response = requester.post(url, {"file": SimpleUploadedFile("devis.pdf", PDF)})
    assert response.status_code == 302
    told = requester.get(response["Location"]).content.decode()
    assert "Document ajouté\u00a0: devis.pdf." in told
    refused = requester.post(url, {"file": SimpleUploadedFile("devis.pdf", PE)})
    assert refused.status_code == 400 and "devis.pdf" in refused.content.decode()
    assert outsider.post(url, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 404
    with tenant_context(tenant):
        document = Document.objects.get()
        assert document.file.name.startswith("t_alpha/documents/")  # stored per tenant
        assert document.name == "devis.pdf"
    page = requester.get(f"/requests/{request.pk}/").content.decode()
    assert "devis.pdf" in page
    download = requester.get(f"/documents/file/{document.pk}/")
    assert download.status_code == 200
    assert download.getvalue() == PDF
    assert download["Content-Type"] == "application/pdf"
    assert outsider.get(f"/documents/file/{document.pk}/").status_code == 404


def test_comments_are_written_by_who_sees_the_request(tenant, chain):
    u, request = chain["users"], chain["request"]
    head = client_for(host_of(tenant), u["pole_head"], tenant)
    outsider = client_for(host_of(tenant), u["other_head"], tenant)
    url = f"/documents/request/{request.pk}/comment/"
    assert head.post(url, {"text": "Voir le devis joint"}).status_code == 302
    assert head.post(url, {"text": "   "}).status_code == 400
    assert outsider.post(url, {"text": "Intrus"}).status_code == 404
    with tenant_context(tenant):
        assert list(Comment.objects.values_list("text", flat=True)) == ["Voir le devis joint"]


def test_deleting_a_draft_takes_its_documents_and_comments_with_it(tenant, chain):
    from pathlib import Path

    from django.conf import settings

    u, request = chain["users"], chain["request"]
    requester = client_for(host_of(tenant), u["requester"], tenant)
    requester.post(
        f"/documents/request/{request.pk}/upload/",
        {"file": SimpleUploadedFile("devis.pdf", PDF)},
    )
    requester.post(f"/documents/request/{request.pk}/comment/", {"text": "Brouillon"})
    with tenant_context(tenant):
        stored = Path(settings.MEDIA_ROOT) / Document.objects.get().file.name
    assert stored.exists()
    deleted = requester.post(
        f"/requests/{request.pk}/act/", {"action": "delete", "version": request.version}
    )
    assert deleted.status_code == 302 and deleted["Location"] == "/requests/mine/"
    with tenant_context(tenant):
        assert not Document.objects.exists() and not Comment.objects.exists()
    assert not stored.exists()


def test_a_sent_request_is_not_deleted(tenant, chain):
    from tenants.requests import workflow
    from tenants.requests.models import EquipmentRequest

    u = chain["users"]
    with tenant_context(tenant):
        request = workflow.submit(chain["request"], by=u["requester"])
    requester = client_for(host_of(tenant), u["requester"], tenant)
    refused = requester.post(f"/requests/{request.pk}/act/", {"action": "delete"})
    assert refused.status_code == 400 and 'data-refusal="state"' in refused.content.decode()
    with tenant_context(tenant):
        assert EquipmentRequest.objects.filter(pk=request.pk).exists()


def test_a_document_is_removed_by_who_added_it_only(tenant, chain):
    u, request = chain["users"], chain["request"]
    requester = client_for(host_of(tenant), u["requester"], tenant)
    colleague = client_for(host_of(tenant), u["pole_head"], tenant)  # sees the request
    requester.post(
        f"/documents/request/{request.pk}/upload/",
        {"file": SimpleUploadedFile("devis.pdf", PDF)},
    )
    with tenant_context(tenant):
        document = Document.objects.get()
    assert "data-remove-document" not in colleague.get(f"/requests/{request.pk}/").content.decode()
    assert colleague.post(f"/documents/file/{document.pk}/remove/").status_code == 403
    assert "data-remove-document" in requester.get(f"/requests/{request.pk}/").content.decode()
    assert requester.post(f"/documents/file/{document.pk}/remove/").status_code == 302
    with tenant_context(tenant):
        assert not Document.objects.exists()


def zip_of(entries: dict[str, bytes]) -> bytes:
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


TYPES = b'<?xml version="1.0"?><Types/>'
DOCX = zip_of({"[Content_Types].xml": TYPES, "word/document.xml": b"<w:document/>"})
PPTX = zip_of({"[Content_Types].xml": TYPES, "ppt/presentation.xml": b"<p:presentation/>"})
ODT = zip_of({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("notes.txt", "Appareil reçu, à contrôler.\r\n\tFin.\n".encode(), "text/plain"),
        ("notes.txt", "Appareil reçu, à contrôler.\n".encode("cp1252"), "text/plain"),
        ("notes.txt", b"Plain ASCII text", "text/plain"),
        ("devis.docx", DOCX, OOXML["docx"][1]),
        ("devis.pptx", PPTX, OOXML["pptx"][1]),
        ("devis.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_text_and_office_files_are_checked_by_what_they_hold(name, content, mime):
    assert check_upload(SimpleUploadedFile(name, content)).mime_type == mime


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("devis.docx", zip_of({"devis.exe": PE}), "not a .docx document"),  # a bare ZIP
        ("devis.docx", xlsx_bytes(), "not a .docx document"),  # a workbook renamed
        ("devis.xlsx", DOCX, "not a .xlsx document"),
        ("devis.odt", zip_of({"mimetype": b"application/zip"}), "not a .odt document"),
        ("devis.docx", PDF, "not a .docx document"),
        ("notes.txt", b"text then a control \x01 character", "not text"),
        ("notes.txt", b"\x81\x8d\x8f\x90\x9d", "not text"),  # neither UTF-8 nor Windows-1252
    ],
)
def test_office_and_text_files_that_are_not_what_their_name_says_are_refused(
    name, content, expected
):
    with translation.override("en"), pytest.raises(DocumentRefused) as refused:
        check_upload(SimpleUploadedFile(name, content))
    assert expected in refused.value.reason


def test_a_file_name_over_200_characters_is_kept_shortened(tenant, chain):
    requester = client_for(host_of(tenant), chain["users"]["requester"], tenant)
    name = "devis-" + "x" * 240 + ".pdf"
    url = f"/documents/request/{chain['request'].pk}/upload/"
    assert requester.post(url, {"file": SimpleUploadedFile(name, PDF)}).status_code == 302
    with tenant_context(tenant):
        kept = Document.objects.get().name
        assert len(kept) == 200 and kept.endswith("x.pdf")
