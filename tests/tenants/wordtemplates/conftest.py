"""The two purchasing kinds registered as the purchasing app will (with the example as their
context), Word files made on the spot, and LibreOffice required for the PDF tests."""

from __future__ import annotations

import io
import shutil
import zipfile

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tenants.wordtemplates import kinds, pdf
from tenants.wordtemplates.registry import KINDS, register_kind, unregister_kind
from tenants.wordtemplates.services import DOCX_MIME


@pytest.fixture(autouse=True)
def purchasing_kinds():  # type: ignore[no-untyped-def]
    """The purchasing kinds with their example as context instead of a request's."""

    def example_of(kind):  # type: ignore[no-untyped-def]
        return lambda target: kind.example

    before = {
        key: KINDS.get(key) for key in (kinds.PURCHASE_REQUEST_FORM.key, kinds.ORDER_LETTER.key)
    }
    registered = [
        register_kind(kind, context=example_of(kind))
        for kind in (kinds.PURCHASE_REQUEST_FORM, kinds.ORDER_LETTER)
    ]
    yield {kind.key: kind for kind in registered}
    # Back to what the purchasing app registered at its ready().
    for key, kind in before.items():
        if kind is None:
            unregister_kind(key)
        else:
            KINDS[key] = kind


@pytest.fixture(scope="session")
def soffice():  # type: ignore[no-untyped-def]
    """LibreOffice must be there: a PDF test fails, never skips, without it."""
    if not shutil.which("soffice") or not shutil.which("/usr/bin/python3"):
        pytest.fail(f"LibreOffice is missing: {pdf.INSTALL_HINT} (dev.py test does it)")
    yield
    pdf.WARM.stop()


def word(*paragraphs: str) -> bytes:
    """A Word document with these paragraphs."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "modele.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, DOCX_MIME)


def repack(data: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """The archive ``data`` with its parts passed through ``change(name, content) -> [(name,
    content)]``."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            for name, content in change(info.filename, source.read(info)):
                target.writestr(name, content, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def text_of(data: bytes) -> str:
    """Every paragraph and table cell python-docx finds, body, headers and footers."""
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    for section in document.sections:
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts)
