"""Curators create and edit purchasing bodies, markets, lots and their documents; a release
publishes them with every term of the issue; nobody else may touch them."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from saas.dates import end_of
from shared_reference.models import (
    ChangeLogEntry,
    DeviceModel,
    Lot,
    Manufacturer,
    Market,
    MarketDocument,
    PurchasingBody,
    Supplier,
)
from shared_reference.services import publish_release
from tests.conftest import client_for

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def curator(db, make_user):
    user = make_user(None, email="curator@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return client_for("localhost", user)


@pytest.fixture
def body(db):
    return PurchasingBody.objects.create(code="ugap", name="UGAP")


@pytest.fixture
def market(body):
    return Market.objects.create(
        purchasing_body=body,
        reference="UGAP-2025-MON",
        title="Monitorage",
        starts=datetime.date(2025, 1, 1),
        duration_months=24,
        renewals=2,
        renewal_months=12,
        ends=datetime.date(2028, 12, 31),
    )


@pytest.fixture
def evita(db):
    maker = Manufacturer.objects.create(name="Dräger")
    return DeviceModel.objects.create(manufacturer=maker, commercial_name="Evita V500")


MARKET = {
    "reference": "UGAP-2026-VENT",
    "title": "Ventilation",
    "starts": "2026-03-01",
    "duration_months": "24",
    "renewals": "2",
    "renewal_months": "12",
    "ends": "",
    "min_amount": "100000",
    "max_amount": "2500000.50",
    "min_quantity": "",
    "max_quantity": "",
    "status": "active",
}


def lot_form(**changes: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "number": "1",
        "title": "Ventilateurs de réanimation",
        "scopes": ["acquisition", "maintenance"],
        "starts": "",
        "duration_months": "",
        "renewals": "0",
        "renewal_months": "",
        "ends": "",
        "min_amount": "",
        "max_amount": "",
        "min_quantity": "5",
        "max_quantity": "40",
        "status": "active",
        "supplier_names": "Dräger France\nAir Liquide Santé",
        **changes,
    }


def test_the_end_counts_every_renewal():
    assert end_of(datetime.date(2026, 3, 1), 24, 2, 12) == datetime.date(2030, 2, 28)
    # French civil-law reckoning: a period of N months ends the day before the same day N months
    # later, or on that month's last day when it has no such day (31/02/2024: 29/02, a leap year).
    assert end_of(datetime.date(2024, 1, 31), 1, 0, None) == datetime.date(2024, 2, 29)
    assert end_of(datetime.date(2027, 1, 31), 1, 0, None) == datetime.date(2027, 2, 28)
    assert end_of(datetime.date(2027, 3, 31), 1, 0, None) == datetime.date(2027, 4, 30)
    assert end_of(None, 12, 0, None) is None


def test_only_curators_reach_the_market_pages(body, market, make_user, public_client):
    pages = [
        "/reference/purchasing-bodies/",
        f"/reference/purchasing-bodies/{body.uuid}/",
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/",
        f"/reference/markets/{market.uuid}/",
        f"/reference/markets/{market.uuid}/lots/new/",
    ]
    someone = client_for("localhost", make_user(None))
    for page in pages:
        assert public_client.get(page).status_code == 302, page
        assert someone.get(page).status_code == 403, page
    assert someone.post(f"/reference/markets/{market.uuid}/", MARKET).status_code == 403
    assert Market.objects.get().title == "Monitorage"


def test_a_curator_creates_a_body_then_a_market_whose_end_is_worked_out(curator):
    response = curator.post(
        "/reference/purchasing-bodies/", {"code": "resah", "name": "RESAH", "status": "active"}
    )
    body = PurchasingBody.objects.get(code="resah")
    assert response["Location"] == f"/reference/purchasing-bodies/{body.uuid}/"
    assert "RESAH" in curator.get("/reference/purchasing-bodies/").content.decode()
    response = curator.post(f"/reference/purchasing-bodies/{body.uuid}/markets/new/", MARKET)
    market = Market.objects.get(reference="UGAP-2026-VENT")
    assert response["Location"] == f"/reference/markets/{market.uuid}/"
    assert market.ends == datetime.date(2030, 2, 28) and market.dirty
    assert str(market.max_amount) == "2500000.50"
    page = curator.get(f"/reference/purchasing-bodies/{body.uuid}/").content.decode()
    assert 'data-market="UGAP-2026-VENT"' in page and "28/02/2030" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends": "2025-01-01"}, "ends"),
        ({"min_amount": "5000", "max_amount": "100"}, "max_amount"),
        ({"min_quantity": "10", "max_quantity": "2"}, "max_quantity"),
        ({"renewals": "2", "renewal_months": ""}, "renewal_months"),
        ({"duration_months": "", "ends": ""}, "ends"),
        ({"starts": "31/02/2026"}, "starts"),
        ({"starts": "2026-13-01"}, "starts"),
        ({"max_amount": "9" * 40}, "max_amount"),
        ({"min_amount": "-5"}, "min_amount"),
        ({"duration_months": "99999999999999999999"}, "duration_months"),
        ({"max_quantity": "99999999999999999999"}, "max_quantity"),
        ({"reference": ""}, "reference"),
        # Past the calendar's last year: refused, not a 500.
        ({"starts": "9000-01-01", "renewals": "50", "renewal_months": "1200"}, "duration_months"),
    ],
)
def test_a_market_that_does_not_hold_together_is_refused_with_the_field_named(
    curator, body, changes, field
):
    response = curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/", {**MARKET, **changes}
    )
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert not Market.objects.exists()


def edited(market: Market, **changes: str) -> dict[str, str]:
    """The market's form as the edit page shows it (the stored end filled in), changed."""
    shown = {
        "reference": market.reference,
        "title": market.title,
        "starts": market.starts.isoformat() if market.starts else "",
        "duration_months": str(market.duration_months or ""),
        "renewals": str(market.renewals),
        "renewal_months": str(market.renewal_months or ""),
        "ends": market.ends.isoformat() if market.ends else "",
        "min_amount": "",
        "max_amount": "",
        "min_quantity": "",
        "max_quantity": "",
        "status": "active",
    }
    return {**shown, **changes}


def test_a_curator_changing_the_duration_moves_the_end(curator, market):
    # The page shows the stored end (31/12/2028); changing the duration alone must move it.
    response = curator.post(
        f"/reference/markets/{market.uuid}/", edited(market, duration_months="12")
    )
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.duration_months == 12 and market.ends == datetime.date(2027, 12, 31)
    response = curator.post(f"/reference/markets/{market.uuid}/", edited(market, renewals="0"))
    market.refresh_from_db()
    assert market.ends == datetime.date(2025, 12, 31)


def test_an_end_typed_against_the_duration_is_refused_naming_the_right_day(curator, body, market):
    response = curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/", {**MARKET, "ends": "2030-03-31"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-field="ends"' in page and "28/02/2030" in page
    assert not Market.objects.filter(reference=MARKET["reference"]).exists()
    # The same typed on an edit, with a new duration: refused, nothing changes.
    response = curator.post(
        f"/reference/markets/{market.uuid}/",
        edited(market, duration_months="12", ends="2029-06-30"),
    )
    assert response.status_code == 400 and "31/12/2027" in response.content.decode()
    market.refresh_from_db()
    assert market.duration_months == 24 and market.ends == datetime.date(2028, 12, 31)
    # The right day typed is fine.
    curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/", {**MARKET, "ends": "2030-02-28"}
    )
    assert Market.objects.get(reference=MARKET["reference"]).ends == datetime.date(2030, 2, 28)


def test_an_end_typed_without_a_duration_is_kept(curator, body, market):
    alone = {**MARKET, "duration_months": "", "renewals": "0", "renewal_months": ""}
    curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/markets/new/", {**alone, "ends": "2029-06-30"}
    )
    assert Market.objects.get(reference=MARKET["reference"]).ends == datetime.date(2029, 6, 30)
    response = curator.post(
        f"/reference/markets/{market.uuid}/",
        edited(market, duration_months="", renewals="0", renewal_months="", ends="2029-06-30"),
    )
    assert response.status_code == 302
    market.refresh_from_db()
    assert market.duration_months is None and market.ends == datetime.date(2029, 6, 30)


def test_a_lot_with_scopes_suppliers_and_models(curator, market, evita):
    Supplier.objects.create(name="DRÄGER FRANCE")
    response = curator.post(
        f"/reference/markets/{market.uuid}/lots/new/",
        lot_form(device_models=[str(evita.pk)]),
    )
    lot = Lot.objects.get()
    assert response["Location"] == f"/reference/lots/{lot.uuid}/"
    assert lot.scopes == ["acquisition", "maintenance"]
    # A supplier known under another case is the same; a new name creates one.
    assert sorted(s.name for s in lot.suppliers.all()) == ["Air Liquide Santé", "DRÄGER FRANCE"]
    assert Supplier.objects.count() == 2
    assert list(lot.device_models.all()) == [evita]
    page = curator.get(f"/reference/markets/{market.uuid}/").content.decode()
    assert 'data-lot="1"' in page and "Acquisition" in page
    edit = curator.get(f"/reference/lots/{lot.uuid}/").content.decode()
    assert "Air Liquide Santé" in edit and f'value="{evita.pk}" selected' in edit


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"scopes": ["acquisition", "repairs"]}, "scopes"),
        ({"device_models": ["999999"]}, "device_models"),
        ({"device_models": ["x"]}, "device_models"),
        ({"supplier_names": "x" * 201}, "supplier_names"),
        ({"min_quantity": "50", "max_quantity": "4"}, "max_quantity"),
        ({"starts": "2026-01-01", "ends": "2025-01-01"}, "ends"),
    ],
)
def test_a_lot_that_does_not_hold_together_is_refused_with_the_field_named(
    curator, market, changes, field
):
    response = curator.post(f"/reference/markets/{market.uuid}/lots/new/", lot_form(**changes))
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert not Lot.objects.exists()


def test_a_supplier_another_curator_recorded_meanwhile_is_used(curator, market, monkeypatch):
    """Two curators naming a new supplier at once: the second's insert meets the unique
    constraint and uses the first's row (no 500)."""
    from shared_reference import curation

    looked_up = curation._supplier_by_name
    calls: list[str] = []

    def raced(name: str) -> Supplier | None:
        calls.append(name)
        if len(calls) == 1:  # the first look-up misses; the other curator records it then
            Supplier.objects.create(name=name)
            return None
        return looked_up(name)

    monkeypatch.setattr(curation, "_supplier_by_name", raced)
    response = curator.post(
        f"/reference/markets/{market.uuid}/lots/new/", lot_form(supplier_names="Dräger France")
    )
    assert response.status_code == 302
    assert [s.name for s in Lot.objects.get().suppliers.all()] == ["Dräger France"]
    assert Supplier.objects.count() == 1


def test_documents_are_uploaded_published_and_removed(curator, market):
    publish_release(notes="v1", by="curator")
    response = curator.post(
        f"/reference/markets/{market.uuid}/",
        {
            "upload": "1",
            "kind": "ccap",
            "title": "CCAP",
            "file": SimpleUploadedFile("../../etc/ccap.pdf", PDF),
        },
    )
    assert response.status_code == 302
    document = MarketDocument.objects.get()
    assert document.filename == "ccap.pdf" and str(document.uuid) in document.file.name
    assert Market.objects.get().dirty
    download = curator.get(f"/reference/market-documents/{document.uuid}/")
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    release = publish_release(notes="ccap", by="curator")
    (change,) = ChangeLogEntry.objects.filter(release=release)
    assert change.payload["documents"] == [
        {
            "uuid": str(document.uuid),
            "kind": "ccap",
            "title": "CCAP",
            "filename": "ccap.pdf",
            "size": len(PDF),
        }
    ]
    curator.post(f"/reference/market-documents/{document.uuid}/")
    assert not MarketDocument.objects.exists() and Market.objects.get().dirty


@pytest.mark.parametrize(
    ("name", "data", "kind", "field"),
    [
        ("page.html", b"<script>alert(1)</script>", "ccap", "file"),
        ("ccap.pdf", PDF, "virus", "kind"),
        ("", b"", "ccap", "file"),
    ],
)
def test_a_document_of_a_kind_not_allowed_is_refused(curator, market, name, data, kind, field):
    files = {"file": SimpleUploadedFile(name, data)} if name else {}
    response = curator.post(
        f"/reference/markets/{market.uuid}/", {"upload": "1", "kind": kind, **files}
    )
    assert response.status_code == 400
    assert f'data-field="{field}"' in response.content.decode()
    assert not MarketDocument.objects.exists()


def test_a_release_publishes_the_whole_market_and_its_lots(curator, market, evita):
    curator.post(
        f"/reference/markets/{market.uuid}/lots/new/",
        lot_form(device_models=[str(evita.pk)], starts="2025-06-01", duration_months="12"),
    )
    lot = Lot.objects.get()
    release = publish_release(notes="markets", by="curator")
    payloads = {c.entity_type: c.payload for c in ChangeLogEntry.objects.filter(release=release)}
    assert payloads["market"] == {
        "status": "active",
        "replaced_by": None,
        "purchasing_body": str(market.purchasing_body.uuid),
        "reference": "UGAP-2025-MON",
        "title": "Monitorage",
        "starts": "2025-01-01",
        "duration_months": 24,
        "renewals": 2,
        "renewal_months": 12,
        "ends": "2028-12-31",
        "min_amount": None,
        "max_amount": None,
        "min_quantity": None,
        "max_quantity": None,
        "documents": [],
    }
    published_lot = payloads["lot"]
    assert published_lot["market"] == str(market.uuid)
    assert published_lot["scopes"] == ["acquisition", "maintenance"]
    assert published_lot["device_models"] == [str(evita.uuid)]
    assert published_lot["starts"] == "2025-06-01" and published_lot["ends"] == "2026-05-31"
    assert published_lot["min_quantity"] == 5 and published_lot["max_quantity"] == 40
    assert [s["name"] for s in published_lot["suppliers"]] == ["Air Liquide Santé", "Dräger France"]
    assert ChangeLogEntry.objects.get(release=release, entity_uuid=lot.uuid).topic == (
        market.purchasing_body.topic()
    )
    assert not Lot.objects.get().dirty


def test_deleting_a_body_tombstones_its_markets_and_lots(curator, body, market):
    # Ended: a body with a market in force is not deleted (test_body_deletion.py).
    Market.objects.filter(pk=market.pk).update(
        starts=datetime.date(2019, 1, 1), ends=datetime.date(2022, 12, 31)
    )
    Lot.objects.create(market=market, number="1", title="Moniteurs")
    publish_release(notes="v1", by="curator")
    response = curator.post(
        f"/reference/purchasing-bodies/{body.uuid}/",
        {"code": "ugap", "name": "UGAP", "status": "deleted"},
    )
    assert response.status_code == 302
    release = publish_release(notes="gone", by="curator")
    operations = {
        c.entity_type: c.operation for c in ChangeLogEntry.objects.filter(release=release)
    }
    assert operations == {
        "purchasing_body": "tombstone",
        "market": "tombstone",
        "lot": "tombstone",
    }
