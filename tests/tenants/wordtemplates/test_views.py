"""The administrator's page of templates: who may open it, uploads good and bad, downloads and
previews. Bad files are refused with a reason next to the field, never a 500."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.test import override_settings
from django.urls import reverse
from django_tenants.utils import tenant_context

from tenants.wordtemplates.models import TemplateVersion
from tests.tenants.wordtemplates.conftest import repack, text_of, upload, word

pytestmark = pytest.mark.django_db
LIST = reverse("wordtemplates:template_list", urlconf="saas.urls_tenant")


def url(name: str, *args) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"wordtemplates:{name}", args=args, urlconf="saas.urls_tenant")


def send(client, data: bytes, name: str = "modele.docx", kind: str = "order_letter"):  # type: ignore[no-untyped-def]
    return client.post(url("template_upload", kind), {f"{kind}-file": upload(data, name)})


def versions(tenant) -> int:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return TemplateVersion.objects.count()


def test_the_page_lists_each_kind_with_its_placeholders_in_french(web):
    response = web["admin"].get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Demande d\u2019achat" in body and "Lettre de commande" in body
    assert "{{ supplier.name }}" in body and "{{ line.designation }}" in body
    assert "le fournisseur" in body  # the descriptions are translated
    assert "Modèles de documents" in body


def test_the_administration_menu_links_to_the_page(web):
    assert LIST in web["admin"].get("/").content.decode()


@pytest.mark.parametrize("who", ["requester", "manager", "commission"])
def test_only_tenant_administrators_reach_the_templates(web, who):
    client = web[who]
    assert client.get(LIST).status_code == 403
    assert send(client, word("{{ reference }}")).status_code == 403
    assert client.post(url("template_revert", "order_letter")).status_code == 403
    assert client.get(url("preview", "order_letter", "docx")).status_code == 403
    assert client.get(url("download_default", "order_letter")).status_code == 403


def test_an_upload_becomes_the_version_in_use(web, tenant):
    response = send(web["admin"], word("Commande {{ reference }}"))
    assert response.status_code == 302
    page = web["admin"].get(LIST).content.decode()
    assert "version 1 (modele.docx" in page
    current = web["admin"].get(url("download_version", "order_letter", 1))
    assert current.status_code == 200
    assert "Commande {{ reference }}" in text_of(current.content)
    preview = web["admin"].get(url("preview", "order_letter", "docx"))
    assert "Commande DRA-2027-00042" in text_of(preview.content)
    assert web["admin"].post(url("template_revert", "order_letter")).status_code == 302
    preview = web["admin"].get(url("preview", "order_letter", "docx"))
    assert "Lettre de commande — DRA-2027-00042" in text_of(preview.content)
    assert versions(tenant) == 2


def test_an_unknown_placeholder_is_refused_at_upload_naming_it(web, tenant):
    response = send(web["admin"], word("{{ reference }} {{ numero_marche }}"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "{{ numero_marche }}" in body and "inconnu" in body
    assert versions(tenant) == 0


def _nul_in_a_part_name(data: bytes) -> bytes:
    marked = repack(
        data,
        lambda name, content: (
            [(name, content), ("word/aXb.xml", b"<x/>")]
            if name == "word/document.xml"
            else [(name, content)]
        ),
    )
    return marked.replace(b"word/aXb.xml", b"word/a\x00b.xml")


def _bomb(data: bytes) -> bytes:
    # 60 MB of zeros squeezed into a few dozen kilobytes.
    return repack(
        data,
        lambda name, content: (
            [(name, content), ("word/media/zeros.bin", bytes(60 * 1024 * 1024))]
            if name == "word/document.xml"
            else [(name, content)]
        ),
    )


def _without_body(data: bytes) -> bytes:
    return repack(
        data, lambda name, content: [] if name == "word/document.xml" else [(name, content)]
    )


def _broken_xml(data: bytes) -> bytes:
    return repack(
        data,
        lambda name, content: (
            [(name, content[: len(content) // 2])]
            if name == "word/document.xml"
            else [(name, content)]
        ),
    )


BAD_FILES = {
    "not a zip": lambda good: b"%PDF-1.4 not a word document",
    "a zip of something else": lambda good: _zip({"hello.txt": b"hi"}),
    "no document body": _without_body,
    "broken XML": _broken_xml,
    "NUL in a part name": _nul_in_a_part_name,
    "zip bomb": _bomb,
    "truncated": lambda good: good[: len(good) // 2],
}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize("case", BAD_FILES, ids=str)
def test_a_bad_file_is_refused_next_to_the_field_without_a_500(web, tenant, case):
    response = send(web["admin"], BAD_FILES[case](word("{{ reference }}")))
    assert response.status_code == 400, case
    assert (
        'class="invalid-feedback' in response.content.decode()
        or "is-invalid" in response.content.decode()
    )
    assert versions(tenant) == 0


def test_a_template_over_the_size_limit_is_refused(web, tenant):
    with override_settings(WORD_TEMPLATE_MAX_BYTES=1000):
        response = send(web["admin"], word("{{ reference }}"))
    assert response.status_code == 400
    assert "plus gros que" in response.content.decode() or "dépasse" in response.content.decode()
    assert versions(tenant) == 0


def test_odd_names_and_empty_posts_get_no_500(web, tenant):
    admin = web["admin"]
    assert send(admin, word("{{ reference }}"), name="mod\x00ele.docx").status_code in {302, 400}
    assert send(admin, word("{{ reference }}"), name="modele.pdf").status_code == 400
    assert admin.post(url("template_upload", "order_letter")).status_code == 400
    assert admin.post(url("template_upload", "no_such_kind")).status_code == 404
    assert admin.get(url("preview", "order_letter", "odt")).status_code == 404
    assert admin.get(url("download_version", "order_letter", 999999999)).status_code == 404


def test_the_default_template_downloads_and_opens(web):
    response = web["admin"].get(url("download_default", "purchase_request_form"))
    assert response.status_code == 200
    assert "Demande d\u2019achat {{ reference }}" in text_of(response.content)
    docx.Document(io.BytesIO(response.content))


def test_the_pdf_preview_is_a_pdf_of_the_example(web, soffice):
    response = web["admin"].get(url("preview", "purchase_request_form", "pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
