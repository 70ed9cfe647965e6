"""The central markets' changes as the sync applies them: typed rows keyed by central UUID,
newer seq only, in any order, tombstones kept, and what stopping following keeps."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

import pytest
from django.apps import apps
from django_tenants.utils import tenant_context

from tenants.alerts.impact import raise_alerts
from tenants.alerts.models import Alert, AlertKind
from tenants.markets.models import Lot, Market, MarketUse, PurchasingBody, Supplier
from tenants.mirror import sync
from tenants.mirror.client import UnexpectedAnswer
from tenants.mirror.models import LocalSubscription, ReferenceEntity

TODAY = datetime.date(2026, 11, 24)
BODY, MARKET, LOT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SUPPLIER, MODEL, DOCUMENT = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def change(kind: str, key: uuid.UUID, seq: int, payload: dict[str, Any] | None = None) -> dict:
    return {
        "entity_type": kind,
        "entity_uuid": str(key),
        "seq": seq,
        "operation": "upsert" if payload is not None else "tombstone",
        "payload": payload or {},
    }


def body(seq: int = 1, **changes: Any) -> dict:
    return change("purchasing_body", BODY, seq, {"code": "ugap", "name": "UGAP", **changes})


def market(seq: int = 2, **changes: Any) -> dict:
    payload = {
        "status": "active",
        "purchasing_body": str(BODY),
        "reference": "UGAP-2025-MON",
        "title": "Monitorage",
        "starts": "2025-01-01",
        "duration_months": 24,
        "renewals": 2,
        "renewal_months": 6,
        "ends": "2027-01-31",
        "min_amount": "1000.00",
        "max_amount": "250000.50",
        "min_quantity": None,
        "max_quantity": None,
        "documents": [
            {
                "uuid": str(DOCUMENT),
                "kind": "ccap",
                "title": "CCAP",
                "filename": "ccap.pdf",
                "size": 12,
            }
        ],
        **changes,
    }
    return change("market", MARKET, seq, payload)


def lot(seq: int = 3, **changes: Any) -> dict:
    payload = {
        "status": "active",
        "market": str(MARKET),
        "number": "1",
        "title": "Moniteurs",
        "scopes": ["maintenance", "acquisition"],
        "suppliers": [{"uuid": str(SUPPLIER), "name": "Philips France", "siren": "311755459"}],
        "nomenclature": ["emdn:Z12030202"],
        "device_models": [str(MODEL)],
        "documents": [],
        "min_quantity": 2,
        "max_quantity": 50,
        **changes,
    }
    return change("lot", LOT, seq, payload)


@pytest.fixture
def inside(tenant):
    with tenant_context(tenant):
        yield tenant


def test_a_page_writes_typed_rows_and_no_generic_ones(inside):
    assert sync.apply_changes([body(), market(), lot()]) == 3
    written = Market.objects.select_related("purchasing_body").get()
    assert written.origin == "central" and written.central_uuid == MARKET and written.seq == 2
    assert written.purchasing_body.name == "UGAP" and written.purchasing_body.central_uuid == BODY
    assert written.ends == datetime.date(2027, 1, 31) and written.renewal_months == 6
    assert str(written.max_amount) == "250000.50"
    assert written.documents[0]["uuid"] == str(DOCUMENT)
    row = Lot.objects.get()
    assert row.market == written and row.scopes == ["acquisition", "maintenance"]
    assert row.device_models == [MODEL] and row.nomenclature == ["emdn:Z12030202"]
    assert row.max_quantity == 50
    assert [(s.name, s.central_uuid) for s in row.suppliers.all()] == [("Philips France", SUPPLIER)]
    assert not ReferenceEntity.objects.exists()


def test_only_a_newer_seq_changes_a_row_and_replaying_is_harmless(inside):
    sync.apply_changes([body(), market(seq=5), lot(seq=6)])
    assert sync.apply_changes([market(seq=4, title="Ancien titre"), lot(seq=6, title="Même")]) == 0
    assert Market.objects.get().title == "Monitorage" and Lot.objects.get().title == "Moniteurs"
    assert sync.apply_changes([body(), market(seq=5), lot(seq=6)]) == 0
    assert sync.apply_changes([market(seq=7, title="Monitorage 2")]) == 1
    assert Market.objects.get().title == "Monitorage 2"
    assert Market.objects.count() == 1 and Lot.objects.count() == 1


def test_a_lot_before_its_market_before_its_body(inside):
    sync.apply_changes([lot(seq=3)])
    placeholder = Market.objects.get()
    assert placeholder.central_uuid == MARKET and placeholder.seq == 0 and placeholder.title == ""
    sync.apply_changes([market(seq=8)])
    assert PurchasingBody.objects.get().name == ""  # its own upsert has not come yet
    sync.apply_changes([body(seq=9)])
    filled = Market.objects.select_related("purchasing_body").get()
    assert filled.title == "Monitorage" and filled.purchasing_body.name == "UGAP"
    assert Lot.objects.get().market == filled


def test_suppliers_are_matched_by_central_uuid_else_by_name(inside):
    recorded = Supplier.objects.create(name="PHILIPS FRANCE")
    sync.apply_changes([body(), market(), lot()])
    recorded.refresh_from_db()
    assert recorded.central_uuid == SUPPLIER and Supplier.objects.count() == 1
    renamed = [{"uuid": str(SUPPLIER), "name": "Philips France SAS"}]
    sync.apply_changes([lot(seq=10, suppliers=renamed)])
    assert Supplier.objects.get().name == "Philips France SAS"


def test_tombstones_keep_the_rows_marked_deleted(inside):
    sync.apply_changes([body(), market(), lot()])
    sync.apply_changes([change("lot", LOT, 11), change("market", MARKET, 12)])
    assert Lot.objects.get().central_status == "deleted"
    assert Market.objects.get().central_status == "deleted"
    # An older tombstone (a page replayed) changes nothing.
    Market.objects.update(central_status="active")
    assert sync.apply_changes([change("market", MARKET, 12)]) == 0


def test_a_malformed_payload_refuses_the_page(inside):
    with pytest.raises(UnexpectedAnswer):
        sync.apply_changes([market(starts="31/02/2026")])
    with pytest.raises(UnexpectedAnswer):
        sync.apply_changes([lot(suppliers=[{"uuid": str(SUPPLIER)}])])


class Offline:
    def unsubscribe(self, entity_type: str, entity_uuid: str) -> None:
        pass


def follow_ugap() -> None:
    LocalSubscription.objects.create(topic=f"purchasing_body:{BODY}")
    sync.apply_changes([body(), market(), lot()])


def test_unfollowing_drops_the_markets_nothing_points_at(inside):
    follow_ugap()
    sync.unfollow("purchasing_body", str(BODY), client=Offline())
    assert not Market.objects.exists() and not Lot.objects.exists()
    assert not PurchasingBody.objects.exists() and not LocalSubscription.objects.exists()
    assert Supplier.objects.count() == 1  # a supplier may be named elsewhere


def test_unfollowing_keeps_a_market_in_use_marked_no_longer_followed(inside):
    follow_ugap()
    MarketUse.objects.create(market=Market.objects.get(), legal_entity_finess="800000044")
    sync.unfollow("purchasing_body", str(BODY), client=Offline())
    kept = Market.objects.select_related("purchasing_body").get()
    assert not kept.is_followed and not kept.purchasing_body.is_followed
    assert Lot.objects.count() == 1 and MarketUse.objects.count() == 1
    # Following again (the snapshot brings the same seq): followed again.
    sync.apply_changes([body(), market(), lot()])
    kept.refresh_from_db()
    assert kept.is_followed and PurchasingBody.objects.get().is_followed


def test_markets_ending_raise_alerts_central_and_local(inside):
    sync.apply_changes([body(), market(ends="2027-02-01")])
    local = Market.objects.create(
        origin="local", reference="AO-2024-12", title="Maintenance IRM", ends=TODAY
    )
    Market.objects.create(
        origin="local", reference="AO-2020-1", title="Lointain", ends="2030-01-01"
    )
    report = raise_alerts(TODAY)
    assert report.raised == {AlertKind.MARKET_ENDING: 2}
    keys = set(Alert.objects.values_list("key", flat=True))
    assert keys == {f"market:{MARKET}:2027-02-01", f"market:local:{local.pk}:{TODAY.isoformat()}"}
    # Deleted centrally, or no longer followed: the alert closes.
    sync.apply_changes([change("market", MARKET, 20)])
    assert raise_alerts(TODAY).closed == 1


def test_the_data_migration_moves_the_mirrors_generic_rows(inside):
    from importlib import import_module

    move = import_module("tenants.markets.migrations.0003_central_rows_from_the_mirror").move
    for item in (body(), market(), lot()):
        ReferenceEntity.objects.create(
            uuid=item["entity_uuid"],
            entity_type=item["entity_type"],
            payload=item["payload"],
            seq=item["seq"],
        )
    ReferenceEntity.objects.filter(entity_type="lot").update(status="deleted")
    ReferenceEntity.objects.create(uuid=uuid.uuid4(), entity_type="safety_notice", payload={})
    move(apps, None)
    assert Market.objects.get().title == "Monitorage"
    assert Lot.objects.get().central_status == "deleted"
    assert list(ReferenceEntity.objects.values_list("entity_type", flat=True)) == ["safety_notice"]


def test_the_data_migration_carries_its_own_copy_of_the_sync():
    """A migration runs on its own state's historical models: code imported from the app
    would follow later edits (a new field written) and break on a tenant migrated later."""
    import ast
    from pathlib import Path

    import tenants.markets.migrations as folder

    path = Path(folder.__file__).parent / "0003_central_rows_from_the_mirror.py"
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {m for m in imported if m.startswith("tenants.")}


def test_the_demo_ght_follows_ugap_and_resah_and_gets_their_markets(tenant):
    from demo.catalogue import load_demo_catalogue
    from demo.tenants import follow_demo_purchasing_bodies
    from saas.reference_sync.linking import link_tenant
    from shared_reference.models import PublishedEntity
    from shared_reference.services import publish_release

    load_demo_catalogue()
    publish_release(notes="demo", by="test")
    link_tenant(tenant)
    assert follow_demo_purchasing_bodies(tenant)
    assert follow_demo_purchasing_bodies(tenant) == []  # once
    with tenant_context(tenant):
        topics = set(LocalSubscription.objects.values_list("topic", flat=True))
    snapshot = [
        {
            "entity_type": e.entity_type,
            "entity_uuid": str(e.entity_uuid),
            "seq": e.seq,
            "operation": e.operation,
            "payload": e.payload,
        }
        for e in PublishedEntity.objects.filter(topic__in=topics)
    ]
    with tenant_context(tenant):
        sync.apply_changes(snapshot)
        bodies = {b.code: b.markets.count() for b in PurchasingBody.objects.all()}
        assert bodies == {"ugap": 2, "resah": 2}
        ventilation = Lot.objects.get(title="Ventilateurs de réanimation")
        assert len(ventilation.device_models) == 2 and ventilation.suppliers.count() == 2
        assert ventilation.market.renewals == 2 and ventilation.market.ends == datetime.date(
            2027, 2, 28
        )


ADDRESS = {
    "address_line1": "33 rue de Verdun",
    "address_line2": "CS 20001",
    "postcode": "92150",
    "city": "Suresnes",
    "country": "",
}


def test_a_central_supplier_comes_with_its_postal_address(inside):
    supplier = {"uuid": str(SUPPLIER), "name": "Philips France", "siren": "", **ADDRESS}
    sync.apply_changes([body(), market(), lot(suppliers=[supplier])])
    written = Supplier.objects.get()
    assert (written.address_line1, written.address_line2) == ("33 rue de Verdun", "CS 20001")
    assert (written.postcode, written.city, written.country) == ("92150", "Suresnes", "France")
    moved = {**supplier, "address_line1": "1 avenue de France", "country": "Belgique"}
    sync.apply_changes([lot(seq=4, suppliers=[moved])])
    written.refresh_from_db()
    assert (written.address_line1, written.country) == ("1 avenue de France", "Belgique")


def test_an_older_payload_without_an_address_syncs_as_blank(inside):
    sync.apply_changes([body(), market(), lot()])  # the lot's supplier has no address keys
    written = Supplier.objects.get()
    assert (written.address_line1, written.address_line2, written.postcode, written.city) == (
        "",
        "",
        "",
        "",
    )


def test_a_buyers_address_is_kept_until_the_reference_server_gives_one(inside):
    recorded = Supplier.objects.create(name="PHILIPS FRANCE", city="Paris", postcode="75001")
    sync.apply_changes([body(), market(), lot()])  # an older payload: no address
    recorded.refresh_from_db()
    assert recorded.central_uuid == SUPPLIER and (recorded.postcode, recorded.city) == (
        "75001",
        "Paris",
    )
    supplier = {"uuid": str(SUPPLIER), "name": "Philips France", **ADDRESS}
    sync.apply_changes([lot(seq=4, suppliers=[supplier])])
    recorded.refresh_from_db()
    assert (recorded.postcode, recorded.city) == ("92150", "Suresnes")


def test_the_reference_servers_lot_payload_carries_the_address_to_the_hospital(tenant):
    from shared_reference.models import Lot as CentralLot
    from shared_reference.models import Market as CentralMarket
    from shared_reference.models import PurchasingBody as CentralBody
    from shared_reference.models import Supplier as CentralSupplier

    central_body = CentralBody.objects.create(code="ugap", name="UGAP")
    central_market = CentralMarket.objects.create(
        purchasing_body=central_body,
        reference="UGAP-2025-MON",
        title="Monitorage",
        starts=datetime.date(2025, 1, 1),
        ends=datetime.date(2027, 12, 31),
    )
    central_lot = CentralLot.objects.create(market=central_market, number="1", title="Moniteurs")
    central_lot.suppliers.add(
        CentralSupplier.objects.create(name="Philips France", siren="311755459", **ADDRESS)
    )
    published = central_lot.payload()["suppliers"]
    assert published[0]["city"] == "Suresnes" and published[0]["address_line1"]
    with tenant_context(tenant):
        sync.apply_changes([body(), market(), lot(suppliers=published)])
        written = Supplier.objects.get()
        assert (written.name, written.postcode, written.city) == (
            "Philips France",
            "92150",
            "Suresnes",
        )
