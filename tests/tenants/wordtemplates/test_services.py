"""Templates filled in, checked at upload, versioned, and produced as DOCX and PDF."""

from __future__ import annotations

import io

import docx
import pytest
from django.test import override_settings
from django_tenants.utils import tenant_context
from jinja2 import Environment
from pypdf import PdfReader

from tenants.documents.models import Document
from tenants.wordtemplates import kinds, pdf, services
from tenants.wordtemplates.models import GeneratedDocument
from tenants.wordtemplates.selectors import active_version, generated_for
from tenants.wordtemplates.services import TemplateRefused
from tests.tenants.wordtemplates.conftest import text_of, upload, word


def test_the_default_template_round_trip_fills_every_placeholder_and_the_loop_rows(
    tenant, purchasing_kinds
):
    kind = purchasing_kinds["purchase_request_form"]
    with tenant_context(tenant):
        filled = services.render(kind, kind.example)
    document = docx.Document(io.BytesIO(filled))  # python-docx opens it
    text = text_of(filled)
    for value in (
        "DRA-2027-00042",
        "CHU Amiens-Picardie",
        "Getinge France",
        "Claire Martin",
        "DV-2027-118",
        "Lot 2 — Respirateurs lourds",
        "69 890,40 €",
        "Julien Lefèvre",
        "2154 — PE-2027-017",
        "15/03/2027",
    ):
        assert value in text, value
    assert "{{" not in text and "{%" not in text
    lines = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in lines.rows]
    # The header, one row per order line, the three totals: the loop's markers are gone.
    assert len(rows) == 1 + 2 + 3
    assert rows[1][:3] == ["Respirateur de réanimation Servo-u", "SERVO-U-66", "2"]
    # Escaped for the XML, shown as typed.
    assert rows[2][0] == "Kit de démarrage & circuits patient <adulte>"
    assert "Achat hors marché" not in text  # the market's branch, not the exception's


def test_out_of_market_the_exception_code_shows_instead_of_the_market(tenant, purchasing_kinds):
    kind = purchasing_kinds["order_letter"]
    context = {
        **kind.example,
        "market": None,
        # The label is the code's display, which names the code (HM1 \u2014 ...).
        "off_contract": {"code": "HM4", "label": "HM4 \u2014 ponctuel"},
    }
    with tenant_context(tenant):
        text = text_of(services.render(kind, context))
    assert "d\u00e9rogation HM4 \u2014 ponctuel" in text and "UniHA" not in text
    assert text.count("HM4") == 1  # said once, not "exception HM4 : HM4 \u2014 ponctuel"


def test_both_shipped_templates_use_only_their_kinds_placeholders(purchasing_kinds):
    for kind in purchasing_kinds.values():
        services.check_placeholders(kind, kind.default_template.read_bytes())


def test_an_unknown_placeholder_is_refused_with_its_name(purchasing_kinds):
    kind = purchasing_kinds["purchase_request_form"]
    data = word("{{ reference }} {{ fournisseur }}", "{{ supplier.nme }} {{ supplier.name }}")
    with pytest.raises(TemplateRefused) as refused:
        services.check_template(kind, upload(data))
    assert refused.value.field == "file"
    assert "{{ fournisseur }}" in refused.value.reason
    assert "{{ supplier.nme }}" in refused.value.reason
    assert "supplier.name" not in refused.value.reason.replace("supplier.nme", "")


def test_a_loops_own_variable_is_not_unknown_but_its_unknown_fields_are(purchasing_kinds):
    kind = purchasing_kinds["purchase_request_form"]
    good = word("{% for line in lines %}{{ line.designation }} {{ loop.index }}{% endfor %}")
    services.check_template(kind, upload(good))
    bad = word("{% for line in lines %}{{ line.prix }}{% endfor %}")
    with pytest.raises(TemplateRefused, match=r"line\.prix"):
        services.check_template(kind, upload(bad))


def test_a_syntax_error_or_an_unknown_filter_is_refused(purchasing_kinds):
    kind = purchasing_kinds["order_letter"]
    for text in ("{{ reference ", "{% for line in lines %}", "{{ reference|nofilter }}"):
        with pytest.raises(TemplateRefused) as refused:
            services.check_template(kind, upload(word(text)))
        assert refused.value.field == "file"


def test_placeholders_cannot_reach_into_python(purchasing_kinds):
    kind = purchasing_kinds["order_letter"]
    with pytest.raises(TemplateRefused, match="__class__"):
        services.check_template(kind, upload(word("{{ reference.__class__ }}")))
    # And the sandbox renders nothing of what a check would let through; Jinja without it does.
    reach = "{{ x.__class__.__mro__ }}"
    assert "object" in Environment().from_string(reach).render(x="")
    assert services.environment().from_string(reach).render(x="") == ""


def test_each_upload_is_a_new_version_in_use_and_reverting_brings_back_the_default(
    tenant, chain, purchasing_kinds
):
    kind = purchasing_kinds["order_letter"]
    admin = chain["admin"]
    assert active_version(kind) is None
    first = services.upload_template(kind, upload(word("Première {{ reference }}")), by=admin)
    second = services.upload_template(kind, upload(word("Seconde {{ reference }}")), by=admin)
    assert (first.number, second.number) == (1, 2)
    assert active_version(kind) == second
    assert "Seconde DRA-2027-00042" in text_of(services.render(kind, kind.example))
    # An earlier version still renders as it was.
    assert "Première DRA-2027-00042" in text_of(services.render(kind, kind.example, first))
    back = services.revert_to_default(kind, by=admin)
    assert back.number == 3 and back.is_default
    assert "Lettre de commande — DRA-2027-00042" in text_of(services.render(kind, kind.example))


def test_produce_attaches_the_docx_and_the_pdf_with_the_template_version(
    tenant, chain, purchasing_kinds, soffice
):
    kind = purchasing_kinds["purchase_request_form"]
    admin, target = chain["admin"], chain["request"]
    services.upload_template(
        kind, upload(word("DRA {{ reference }} — {{ supplier.name }}")), by=admin
    )
    # As the purchasing app calls it, with the kind as kinds.py declares it.
    made = services.produce(kinds.PURCHASE_REQUEST_FORM, target, by=admin)
    made.refresh_from_db()
    assert made.template_number == 1 and made.template == active_version(kind)
    assert list(generated_for(target)) == [made]
    attached = Document.objects.filter(object_id=target.pk, pk__in=[made.docx_id, made.pdf_id])
    assert {d.mime_type for d in attached} == {services.DOCX_MIME, "application/pdf"}
    assert "DRA DRA-2027-00042 — Getinge France" in text_of(made.docx.file.read())
    body = made.pdf.file.read()
    assert body.startswith(b"%PDF")
    assert "Getinge France" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    assert GeneratedDocument.objects.count() == 1


@pytest.mark.parametrize("converter", ["cold", "warm"])
def test_both_converters_make_a_pdf_of_the_default_template(
    tenant, purchasing_kinds, soffice, converter
):
    kind = purchasing_kinds["order_letter"]
    with tenant_context(tenant), override_settings(WORD_PDF_CONVERTER=converter):
        body = services.render_pdf(kind, kind.example)
    assert body.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
    assert "Lettre de commande" in text and "69 890,40" in text


def test_without_libreoffice_the_error_says_what_to_install():
    with (
        override_settings(WORD_SOFFICE="/nonexistent/soffice"),
        pytest.raises(pdf.ConverterMissing, match="libreoffice-writer-nogui"),
    ):
        pdf.convert_cold(b"")


def test_a_cold_conversion_timed_out_leaves_no_office_process_behind(tmp_path):
    """soffice is a launcher: LibreOffice runs as its child. A time-out must end both, or the
    orphan keeps the profile's lock and the next conversions of this process fail."""
    import os
    import time
    from pathlib import Path

    child = tmp_path / "child.pid"
    launcher = tmp_path / "soffice"
    launcher.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {child}\nwait\n")
    launcher.chmod(0o755)
    with (
        override_settings(WORD_SOFFICE=str(launcher), WORD_PDF_TIMEOUT=1),
        pytest.raises(pdf.ConversionFailed),
    ):
        pdf.convert_cold(b"PK")
    pid = int(child.read_text())
    for _attempt in range(50):
        try:
            state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            return
        if state in ("Z", "X"):  # ended, not yet reaped by whoever adopted it
            return
        time.sleep(0.1)
    os.kill(pid, 9)
    raise AssertionError("the office process outlived its time-out")
