"""A purchase request's documents: the two purchasing kinds filled in from a real request (the
placeholders the kinds declare are exactly the context's keys), asked for from the request's
page by a buyer and produced by a worker (here the job is run in the test's transaction, as the
worker runs it: tests/tenants/purchasing/test_documents_with_a_worker.py has the real one),
attached with the template's version; the page polls while they are produced; refusals in
French, never a 500, and nothing half-attached when LibreOffice fails."""

from __future__ import annotations

import datetime
import shutil
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import tenant_context

from tenants.documents.models import Document
from tenants.purchasing import services
from tenants.purchasing.documents import document_context
from tenants.purchasing.models import DocumentJob, PurchaseRequest
from tenants.tables.listing import money
from tenants.wordtemplates import kinds, pdf
from tenants.wordtemplates import services as wordtemplates
from tenants.wordtemplates.models import GeneratedDocument
from tenants.wordtemplates.registry import kind_of
from tests.conftest import client_for, host_of
from tests.tenants.purchasing.conftest import line_input, off_contract, on_market
from tests.tenants.wordtemplates.conftest import text_of, upload

pytestmark = pytest.mark.django_db

KINDS = (kinds.PURCHASE_REQUEST_FORM, kinds.ORDER_LETTER)


@pytest.fixture(scope="module")
def soffice():  # type: ignore[no-untyped-def]
    if not shutil.which("soffice"):
        pytest.fail(f"LibreOffice is missing: {pdf.INSTALL_HINT}")
    yield
    pdf.WARM.stop()


@pytest.fixture
def clients(buying, tenant):  # type: ignore[no-untyped-def]
    return {
        name: client_for(host_of(tenant), buying["users"][name], tenant)
        for name in ("buyer", "expert", "requester", "finance")
    }


@pytest.fixture
def two_lines(buying, tenant) -> PurchaseRequest:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return on_market(
            buying,
            lines=[
                line_input(buying),
                line_input(
                    buying,
                    description="Kit patient <adulte> & circuits",
                    quantity=3,
                    unit_price="150.5",
                ),
            ],
            contact_name="Claire Martin",
        )


def _url(item: PurchaseRequest) -> str:
    return f"/purchasing/requests/{item.pk}/documents/"


def _status_url(item: PurchaseRequest) -> str:
    return f"/purchasing/requests/{item.pk}/documents/status/"


def _ask(client: Any, item: PurchaseRequest, version: int | None = None) -> Any:
    """Post the form as the page shows it: with the request's current version."""
    if version is None:
        version = PurchaseRequest.objects.get(pk=item.pk).version
    return client.post(_url(item), {"version": str(version)})


def _run_jobs(tenant: Any) -> list[DocumentJob]:
    """What the worker does with the jobs queued (the test's transaction never commits, so no
    task is sent)."""
    with tenant_context(tenant):
        queued = list(DocumentJob.objects.filter(state="queued").order_by("pk"))
        return [job for job in (services.run_document_job(j.pk) for j in queued) if job]


def _ask_in(tenant: Any, client: Any, item: PurchaseRequest) -> Any:
    with tenant_context(tenant):
        return _ask(client, item)


def _attached(item: PurchaseRequest) -> tuple[int, int]:
    kind = ContentType.objects.get_for_model(PurchaseRequest)
    return (
        GeneratedDocument.objects.filter(content_type=kind, object_id=item.pk).count(),
        Document.objects.filter(content_type=kind, object_id=item.pk).count(),
    )


def test_the_purchasing_kinds_are_registered_with_the_requests_context():
    for kind in KINDS:
        registered = kind_of(kind.key)
        assert registered is not None and registered.context is document_context


def _keys_match(placeholders: Any, values: dict[str, Any], where: str) -> None:
    assert set(values) == {p.name for p in placeholders}, where
    for placeholder in placeholders:
        value = values[placeholder.name]
        if placeholder.is_list:
            assert isinstance(value, list), placeholder.name
            for item in value:
                assert set(item) == placeholder.field_names(), placeholder.name
                assert all(isinstance(v, str) for v in item.values()), item
        elif placeholder.fields:
            assert set(value) == placeholder.field_names(), placeholder.name
            assert all(isinstance(v, str) for v in value.values()), value
        else:
            assert isinstance(value, str), placeholder.name


def test_the_context_gives_exactly_the_placeholders_the_kinds_declare(two_lines, tenant):
    with tenant_context(tenant):
        context = document_context(two_lines)
    for kind in KINDS:
        _keys_match(kind.placeholders, context, kind.key)
        _keys_match(kind.placeholders, dict(kind.example), f"{kind.key} example")
    assert len(context["lines"]) == 2 and context["budget_lines"]


def test_both_default_templates_show_a_real_request(two_lines, tenant):
    with tenant_context(tenant):
        context = document_context(two_lines)
        texts = [text_of(wordtemplates.render(kind, context)) for kind in KINDS]
    for text in texts:
        assert "Maquet SAS" in text and "SIREN 123456789" in text
        assert two_lines.reference in text
        assert "Respirateur de réanimation" in text
        assert "Kit patient <adulte> & circuits" in text  # escaped for the XML, shown as typed
        assert "2025-RESP" in text and "Lot 1 — Réanimation" in text
        assert money(two_lines.lines.all()[0].total_incl_vat) in text
        # 2 x 10 000 + 3 x 150,50 excl. VAT; 20 % VAT.
        assert money(Decimal("20451.50")) in text
        assert money(Decimal("4090.30")) in text
        assert money(Decimal("24541.80")) in text
        assert "Claire Martin" in text


def test_the_order_letter_shows_the_suppliers_postal_address(two_lines, tenant):
    with tenant_context(tenant):
        supplier = two_lines.supplier
        supplier.address_line1, supplier.address_line2 = "2 rue René Caudron", "Bâtiment B"
        supplier.postcode, supplier.city, supplier.country = (
            "78960",
            "Voisins-le-Bretonneux",
            "France",
        )
        supplier.save()
        context = document_context(two_lines)
        assert context["supplier"]["postcode"] == "78960"
        text = text_of(wordtemplates.render(kinds.ORDER_LETTER, context))
        assert "Maquet SAS\n2 rue René Caudron\nBâtiment B\n78960 Voisins-le-Bretonneux\n" in text
        assert "France" not in text.split("SIREN")[0].split("Maquet SAS")[1]  # not abroad
        supplier.address_line2, supplier.country = "", "Belgique"
        supplier.save()
        text = text_of(wordtemplates.render(kinds.ORDER_LETTER, document_context(two_lines)))
        assert "2 rue René Caudron\n78960 Voisins-le-Bretonneux\nBelgique\nSIREN" in text


def test_a_buyer_produces_both_documents_with_the_template_version(
    two_lines, buying, clients, tenant, soffice
):
    response = _ask_in(tenant, clients["buyer"], two_lines)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/purchasing/requests/{two_lines.pk}/#request-documents")
    page = clients["buyer"].get(response["Location"]).content.decode()
    assert "Documents en cours de production" in page
    assert f'hx-get="{_status_url(two_lines)}?version=' in page
    assert "data-produce-documents" not in page  # no second production while one is on
    with tenant_context(tenant):
        assert _attached(two_lines) == (0, 0)
    [job] = _run_jobs(tenant)
    assert job.state == "done" and job.reason == ""
    with tenant_context(tenant):
        made = list(GeneratedDocument.objects.order_by("kind"))
        assert [(m.kind, m.template_number) for m in made] == [
            ("order_letter", 0),
            ("purchase_request_form", 0),
        ]
        assert _attached(two_lines) == (2, 4)
    # The polled section now shows the documents, and stops polling.
    section = clients["buyer"].get(_status_url(two_lines)).content.decode()
    assert section.count("data-generated-kind=") == 2
    assert "hx-trigger" not in section and "data-produce-documents" in section
    with tenant_context(tenant):
        # A new version of the letter is recorded on the next documents.
        wordtemplates.upload_template(
            kinds.ORDER_LETTER,
            upload(kinds.ORDER_LETTER.default_template.read_bytes()),
            by=buying["users"]["buyer"],
        )
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    _run_jobs(tenant)
    with tenant_context(tenant):
        latest = GeneratedDocument.objects.filter(kind="order_letter").latest("pk")
        assert latest.template_number == 1 and latest.template is not None
    page = clients["buyer"].get(f"/purchasing/requests/{two_lines.pk}/").content.decode()
    assert page.count("data-generated-kind=") == 4
    assert "Lettre de commande" in page and "Demande d\u2019achat" in page
    pdf_url = f"/documents/file/{latest.pdf_id}/"
    assert pdf_url in page
    downloaded = clients["buyer"].get(pdf_url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["requester", "finance", "expert"])
def test_who_does_not_buy_may_not_produce(two_lines, buying, clients, tenant, who):
    page = clients[who].get(f"/purchasing/requests/{two_lines.pk}/")
    assert "data-produce-documents" not in page.content.decode()
    response = _ask_in(tenant, clients[who], two_lines)
    if who == "requester":  # no role that reads purchases: the 403 says so
        assert response.status_code == 403
        assert "Les achats sont r\u00e9serv\u00e9s" in response.content.decode()
    else:
        assert response.status_code in (403, 404)
    if response.status_code == 403 and who != "requester":
        assert "Seul un acheteur produit les documents" in response.content.decode()
    with tenant_context(tenant):
        assert _attached(two_lines) == (0, 0)
        assert not DocumentJob.objects.exists()


def test_the_polled_section_is_for_those_who_may_read_the_request(
    two_lines, buying, clients, tenant
):
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    # Finance reads the request: it sees the documents being produced, without the form.
    section = clients["finance"].get(_status_url(two_lines))
    assert section.status_code == 200
    assert "Documents en cours de production" in section.content.decode()
    assert "data-produce-documents" not in section.content.decode()
    # The requester does not read purchase requests: nothing to see, not even that it exists.
    assert clients["requester"].get(_status_url(two_lines)).status_code == 404
    assert clients["buyer"].post(_status_url(two_lines)).status_code == 405


def test_another_tenants_buyer_does_not_reach_the_request_nor_its_job(
    two_lines, buying, clients, tenant, other_tenant, make_user
):
    from tenants.access.models import Role, RoleGrant, ScopeKind

    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    stranger = make_user(other_tenant)
    with tenant_context(other_tenant):
        RoleGrant.objects.create(user=stranger, role=Role.BUYER, scope=ScopeKind.TENANT)
    client = client_for(host_of(other_tenant), stranger, other_tenant)
    assert client.post(_url(two_lines), {"version": "1"}).status_code == 404
    assert client.get(_status_url(two_lines)).status_code == 404


def test_a_cancelled_request_has_no_documents_produced(two_lines, buying, clients, tenant):
    with tenant_context(tenant):
        services.cancel_request(two_lines, by=buying["users"]["buyer"])
    response = _ask_in(tenant, clients["buyer"], two_lines)
    assert response.status_code == 409
    assert "Une demande d\u2019achat annulée" in response.content.decode()
    page = clients["buyer"].get(f"/purchasing/requests/{two_lines.pk}/").content.decode()
    assert "data-produce-documents" not in page
    with tenant_context(tenant):
        assert _attached(two_lines) == (0, 0)
        assert not DocumentJob.objects.exists()


def test_a_second_click_answers_with_the_documents_already_asked_for(two_lines, clients, tenant):
    first = _ask_in(tenant, clients["buyer"], two_lines)
    second = _ask_in(tenant, clients["buyer"], two_lines)
    assert first.status_code == second.status_code == 302
    page = clients["buyer"].get(second["Location"]).content.decode()
    assert "déjà en cours de production" in page
    with tenant_context(tenant):
        assert DocumentJob.objects.count() == 1


def test_documents_of_a_request_changed_since_the_page_was_shown_are_refused(
    two_lines, buying, clients, tenant
):
    with tenant_context(tenant):
        shown = PurchaseRequest.objects.get(pk=two_lines.pk).version
        services.send_request(two_lines, by=buying["users"]["buyer"])
    response = clients["buyer"].post(_url(two_lines), {"version": str(shown)})
    assert response.status_code == 409
    assert "a été modifiée depuis l\u2019affichage de la page" in response.content.decode()
    with tenant_context(tenant):
        assert not DocumentJob.objects.exists()


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        (pdf.ConverterMissing("no soffice"), "n\u2019est pas installé"),
        (pdf.ConversionFailed("crashed"), "LibreOffice n\u2019a pas pu"),
        (RuntimeError("a bug"), "Une erreur inattendue a interrompu la production"),
    ],
)
def test_libreoffice_missing_or_failing_leaves_nothing_attached_and_may_be_retried(
    two_lines, clients, tenant, monkeypatch, fault, message
):
    calls: list[bytes] = []

    def second_fails(docx: bytes) -> bytes:
        calls.append(docx)
        if len(calls) == 2:  # the form is attached already when the letter fails
            raise fault
        return b"%PDF-1.7 made"

    monkeypatch.setattr(pdf, "to_pdf", second_fails)
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    [job] = _run_jobs(tenant)
    assert job.state == "failed" and message in job.reason
    assert len(calls) == 2
    with tenant_context(tenant):
        assert _attached(two_lines) == (0, 0)
    section = clients["buyer"].get(_status_url(two_lines)).content.decode()
    assert message in section and "data-documents-failed" in section
    assert "hx-trigger" not in section
    assert "Réessayer" in section and "data-produce-documents" in section
    monkeypatch.setattr(pdf, "to_pdf", lambda docx: b"%PDF-1.7 made")
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    [again] = _run_jobs(tenant)
    assert again.state == "done"
    with tenant_context(tenant):
        assert _attached(two_lines) == (2, 4)


def test_documents_whose_worker_died_show_as_failed_and_may_be_asked_again(
    two_lines, clients, tenant, monkeypatch
):
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    with tenant_context(tenant):
        job = DocumentJob.objects.get()
        DocumentJob.objects.filter(pk=job.pk).update(
            state="running", created=job.created - datetime.timedelta(hours=1)
        )
    section = clients["buyer"].get(_status_url(two_lines)).content.decode()
    assert "ne s\u2019est pas terminée en 10 minutes" in section
    assert "hx-trigger" not in section and "Réessayer" in section
    monkeypatch.setattr(pdf, "to_pdf", lambda docx: b"%PDF-1.7 made")
    assert _ask_in(tenant, clients["buyer"], two_lines).status_code == 302
    with tenant_context(tenant):
        lost = DocumentJob.objects.get(pk=job.pk)
        assert lost.state == "failed" and "ne s\u2019est pas terminée" in lost.reason
    [again] = _run_jobs(tenant)
    assert again.pk != job.pk and again.state == "done"


def test_odd_requests_are_answered_without_a_500(two_lines, clients, tenant, monkeypatch):
    monkeypatch.setattr(pdf, "to_pdf", lambda docx: b"%PDF-1.7 made")
    client = clients["buyer"]
    assert client.get(_url(two_lines)).status_code == 405
    assert client.post("/purchasing/requests/999999999/documents/").status_code == 404
    assert client.post("/purchasing/requests/99999999999999999999/documents/").status_code == 404
    missing = client.post(_url(two_lines))
    assert missing.status_code == 400 and "pas envoyé de version" in missing.content.decode()
    odd = client.post(_url(two_lines), {"version": "\x00", "x": "9" * 500})
    assert odd.status_code == 400
    assert client.post(_url(two_lines), {"version": "9" * 30}).status_code == 400
    assert client.get(f"{_status_url(two_lines)}?version=%00").status_code in (200, 400)
    assert client.get(f"{_status_url(two_lines)}?version={'9' * 40}").status_code == 200
    with tenant_context(tenant):
        assert not DocumentJob.objects.exists()


def test_an_off_contract_request_without_siren_nor_contact_prints_no_empty_labels(buying, tenant):
    """Trial of issue 16: the default templates printed "SIREN " and "À l'attention de  (, )"
    when the request gave neither, and "exception HM1 : HM1 — ..." for an exception."""
    with tenant_context(tenant):
        item = off_contract(buying)
        supplier = item.supplier
        supplier.siren = ""
        supplier.save()
        texts = [text_of(wordtemplates.render(kind, document_context(item))) for kind in KINDS]
        item.contact_name, item.contact_email = "Paul Durand", "p.durand@example.org"
        item.save()
        with_contact = text_of(wordtemplates.render(kinds.ORDER_LETTER, document_context(item)))
    for text in texts:
        assert "SIREN" not in text and "(, )" not in text and "attention" not in text
        assert "Achat hors march\u00e9 \u2014 d\u00e9rogation HM" in text
        assert "exception" not in text
    assert "\u00c0 l\u2019attention de Paul Durand (p.durand@example.org)" in with_contact
