"""Attacks on the reference server's curation of purchasing bodies, markets, lots and their
documents: every field hostile in turn, documents that are not what they say, and whoever is
not a curator (anonymous, a signed-in public user, a tenant's user) trying the pages."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shared_reference.models import Lot, Market, MarketDocument, PurchasingBody
from tests.conftest import client_for, host_of
from tests.fuzzing import Form, fuzz, with_kinds
from tests.shared_reference.test_market_curation import MARKET, lot_form
from tests.shared_reference.test_market_curation import body as body
from tests.shared_reference.test_market_curation import curator as curator
from tests.shared_reference.test_market_curation import market as market

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def lot(market):  # type: ignore[no-untyped-def]
    return Lot.objects.create(market=market, number="1", title="Moniteurs")


@pytest.fixture
def document(market):  # type: ignore[no-untyped-def]
    return MarketDocument.objects.create(
        market=market,
        title="CCAP",
        kind="ccap",
        filename="ccap.pdf",
        file=SimpleUploadedFile("ccap.pdf", PDF),
    )


def test_a_reference_or_a_lot_number_taken_is_refused_naming_the_field(curator, body, market, lot):
    response = curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/",
        {**MARKET, "reference": market.reference},
    )
    assert response.status_code == 400
    assert 'data-field="reference"' in response.content.decode()
    other = Market.objects.create(
        purchasing_body=body,
        reference="AUTRE",
        title="Autre",
        starts=market.starts,
        ends=market.ends,
    )
    response = curator.post(
        f"/reference/markets/{other.uuid}/", {**MARKET, "reference": market.reference}
    )
    assert response.status_code == 400
    assert 'data-field="reference"' in response.content.decode()
    response = curator.post(f"/reference/markets/{market.uuid}/lots/new/", lot_form(number="1"))
    assert response.status_code == 400
    assert 'data-field="number"' in response.content.decode()
    assert Market.objects.filter(reference=market.reference).count() == 1
    assert Lot.objects.count() == 1


def _with_kinds(client, url: str, data: dict[str, Any]) -> Form:  # type: ignore[no-untyped-def]
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return with_kinds(response.content.decode(), data)


def test_hostile_posts_to_the_body_market_and_lot_forms(curator, body, market, lot):
    bodies = "/reference/purchasing-bodies/"
    fuzz(curator, bodies, _with_kinds(curator, bodies, {"code": "resah", "name": "RESAH"}))
    url = f"/reference/purchasing-bodies/{body.uuid}/"
    fuzz(curator, url, _with_kinds(curator, url, {"code": "ugap", "name": "U"}))
    url = f"/reference/purchasing-bodies/{body.uuid}/markets/new/"
    fuzz(curator, url, _with_kinds(curator, url, dict(MARKET)))
    url = f"/reference/markets/{market.uuid}/"
    fuzz(curator, url, _with_kinds(curator, url, {**MARKET, "reference": "X"}))
    base = {k: v for k, v in lot_form().items() if k != "scopes"}
    url = f"/reference/markets/{market.uuid}/lots/new/"
    fuzz(curator, url, _with_kinds(curator, url, {**base, "number": "2"}))
    url = f"/reference/lots/{lot.uuid}/"
    fuzz(curator, url, _with_kinds(curator, url, {**base, "device_models": ""}))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("ccap.pdf", b"MZ\x90\x00"),
        ("ccap.exe", b"MZ\x90\x00"),
        ("ccap.html", b"<script>alert(1)</script>"),
        ("\x00.pdf", PDF),
        ("x" * 300 + ".pdf", PDF),
        ("ccap.pdf", b""),
        ("ccap.docx", b"PK\x03\x04 not a zip"),
    ],
)
def test_a_document_that_is_not_what_it_says_is_refused(curator, market, lot, name, data):
    for url in (f"/reference/markets/{market.uuid}/", f"/reference/lots/{lot.uuid}/"):
        upload = SimpleUploadedFile(name, data)
        response = curator.post(url, {"file": upload, "title": "T", "kind": "ccap", "upload": "1"})
        assert response.status_code in (302, 400), (url, response.status_code)
        if response.status_code == 302:
            assert name.endswith(".pdf") and data == PDF
    for value in ("\x00", "x" * 10_000, "nope", ""):
        upload = SimpleUploadedFile("ccap.pdf", PDF)
        response = curator.post(
            f"/reference/markets/{market.uuid}/",
            {"file": upload, "title": value, "kind": value, "upload": "1"},
        )
        assert response.status_code < 500, repr(value[:20])


def test_who_is_not_a_curator_touches_nothing(
    body, market, lot, document, make_user, tenant, public_client
):
    pages = [
        "/reference/purchasing-bodies/",
        f"/reference/purchasing-bodies/{body.uuid}/",
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/",
        f"/reference/markets/{market.uuid}/",
        f"/reference/markets/{market.uuid}/lots/new/",
        f"/reference/lots/{lot.uuid}/",
        f"/reference/market-documents/{document.uuid}/",
    ]
    someone = client_for("localhost", make_user(None))
    staff = client_for("localhost", make_user(None, is_staff=True))
    tenant_user = make_user(tenant)
    on_tenant = client_for(host_of(tenant), tenant_user, tenant)
    signed_elsewhere = client_for("localhost", tenant_user, tenant)
    for page in pages:
        for client, allowed in (
            (public_client, {302}),
            (someone, {403}),
            (staff, {403}),
            (signed_elsewhere, {302, 403}),
            (on_tenant, {404}),
        ):
            for method in ("get", "post"):
                data = {**MARKET, "title": "Volé", "name": "Volé", "number": "9"}
                response = getattr(client, method)(page, data if method == "post" else None)
                assert response.status_code in allowed, (page, method, response.status_code)
                if response.status_code == 302:
                    assert "login" in response["Location"]
    assert Market.objects.get().title == "Monitorage"
    assert PurchasingBody.objects.get().name == "UGAP"
    assert Lot.objects.get().title == "Moniteurs"
    assert MarketDocument.objects.filter(pk=document.pk).exists()


def test_ids_that_do_not_exist_are_not_found(curator):
    for page in (
        f"/reference/purchasing-bodies/{uuid.uuid4()}/",
        f"/reference/purchasing-bodies/{uuid.uuid4()}/markets/new/",
        f"/reference/markets/{uuid.uuid4()}/",
        f"/reference/markets/{uuid.uuid4()}/lots/new/",
        f"/reference/lots/{uuid.uuid4()}/",
        f"/reference/market-documents/{uuid.uuid4()}/",
        "/reference/markets/not-a-uuid/",
    ):
        assert curator.get(page).status_code == 404, page
        assert curator.post(page, MARKET).status_code == 404, page
