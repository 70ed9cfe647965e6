"""Two syncs (or a sync and a buyer) recording the same new supplier at the same moment, on
two connections: the second waits for the first's insert, loses the unique name, and uses
its row instead of failing the whole page."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from saas.tenancy.models import Tenant
from tenants.markets import services
from tenants.markets.models import Lot, Market, PurchasingBody, Supplier
from tenants.markets.sync import apply_market_changes

BODY, MARKET = uuid.uuid4(), uuid.uuid4()
FIRST_LOT, SECOND_LOT, SUPPLIER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def _lot(key: uuid.UUID, number: str, supplier: dict) -> dict:
    payload = {"market": str(MARKET), "number": number, "title": "Lot", "suppliers": [supplier]}
    return {"entity_type": "lot", "entity_uuid": str(key), "seq": 10, "operation": "upsert"} | {
        "payload": payload
    }


def _race(alpha: Tenant, first: Callable[[], object], second: Callable[[], object]) -> list:
    """``first`` runs in a transaction held open half a second after it wrote; ``second``
    starts meanwhile, on its own connection."""
    database = connection.settings_dict["NAME"]
    first_wrote = threading.Event()
    failures: list[BaseException] = []

    def connect() -> None:
        connection.settings_dict["NAME"] = database
        connection.set_tenant(alpha)  # type: ignore[attr-defined]

    def run_first() -> None:
        connect()
        try:
            with transaction.atomic():
                first()
                first_wrote.set()
                time.sleep(0.5)  # the second arrives while this one is not committed
        except BaseException as exc:
            failures.append(exc)
        finally:
            first_wrote.set()
            connection.close()

    def run_second() -> None:
        connect()
        first_wrote.wait(5)
        try:
            second()
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    connect()
    return failures


def _clean() -> None:
    Lot.objects.filter(central_uuid__in=[FIRST_LOT, SECOND_LOT]).delete()
    Market.objects.filter(central_uuid=MARKET).delete()
    PurchasingBody.objects.filter(central_uuid=BODY).delete()
    Supplier.objects.filter(name__iexact="Baxter SAS").delete()


def test_two_syncs_recording_one_new_supplier_at_once_share_it(django_db_setup, live_db):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        apply_market_changes(
            [
                {
                    "entity_type": "market",
                    "entity_uuid": str(MARKET),
                    "seq": 5,
                    "operation": "upsert",
                    "payload": {"purchasing_body": str(BODY), "reference": "R", "title": "M"},
                }
            ]
        )
    supplier = {"uuid": str(SUPPLIER), "name": "Baxter SAS", "city": "Guyancourt"}
    try:
        failures = _race(
            alpha,
            lambda: apply_market_changes([_lot(FIRST_LOT, "1", supplier)]),
            lambda: apply_market_changes([_lot(SECOND_LOT, "2", supplier)]),
        )
        assert failures == []
        with tenant_context(alpha):
            recorded = Supplier.objects.get(name__iexact="Baxter SAS")
            assert recorded.central_uuid == SUPPLIER and recorded.city == "Guyancourt"
            for key in (FIRST_LOT, SECOND_LOT):
                assert list(Lot.objects.get(central_uuid=key).suppliers.all()) == [recorded]
    finally:
        with tenant_context(alpha):
            _clean()


def test_two_syncs_recording_one_central_supplier_under_two_names_share_it(
    django_db_setup, live_db
):
    """A page replayed while a newer one renames the supplier: one row, the newer name."""
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        apply_market_changes(
            [
                {
                    "entity_type": "market",
                    "entity_uuid": str(MARKET),
                    "seq": 5,
                    "operation": "upsert",
                    "payload": {"purchasing_body": str(BODY), "reference": "R", "title": "M"},
                }
            ]
        )
    try:
        failures = _race(
            alpha,
            lambda: apply_market_changes(
                [_lot(FIRST_LOT, "1", {"uuid": str(SUPPLIER), "name": "Baxter"})]
            ),
            lambda: apply_market_changes(
                [_lot(SECOND_LOT, "2", {"uuid": str(SUPPLIER), "name": "Baxter SAS"})]
            ),
        )
        assert failures == []
        with tenant_context(alpha):
            recorded = Supplier.objects.get(central_uuid=SUPPLIER)
            assert recorded.name == "Baxter SAS"
            for key in (FIRST_LOT, SECOND_LOT):
                assert list(Lot.objects.get(central_uuid=key).suppliers.all()) == [recorded]
    finally:
        with tenant_context(alpha):
            _clean()
            Supplier.objects.filter(central_uuid=SUPPLIER).delete()


def test_a_buyer_recording_the_supplier_a_sync_records_meanwhile_gets_it(django_db_setup, live_db):
    alpha = Tenant.objects.get(schema_name="t_alpha")
    with tenant_context(alpha):
        apply_market_changes(
            [
                {
                    "entity_type": "market",
                    "entity_uuid": str(MARKET),
                    "seq": 5,
                    "operation": "upsert",
                    "payload": {"purchasing_body": str(BODY), "reference": "R", "title": "M"},
                }
            ]
        )
    try:
        failures = _race(
            alpha,
            lambda: services.create_supplier("BAXTER SAS"),
            lambda: apply_market_changes(
                [_lot(FIRST_LOT, "1", {"uuid": str(SUPPLIER), "name": "Baxter SAS"})]
            ),
        )
        assert failures == []
        with tenant_context(alpha):
            recorded = Supplier.objects.get(name__iexact="Baxter SAS")
            # The buyer's row, now known as the central supplier the lot names.
            assert recorded.central_uuid == SUPPLIER
            assert list(Lot.objects.get(central_uuid=FIRST_LOT).suppliers.all()) == [recorded]
    finally:
        with tenant_context(alpha):
            _clean()
