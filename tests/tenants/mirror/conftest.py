"""A reference server in a real web server process, and a tenant linked to it.

The reference server's data is committed (the server is another process) and wiped after each
test; the tenant is created for the test and emptied after it, for the next one (recycled_schemas).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from saas.reference_sync.linking import link_tenant
from shared_reference.models import DeviceModel, Manufacturer, NomenclatureTerm
from shared_reference.services import import_codesystem, publish_release
from tenants.inventory.models import Device
from tenants.mirror.models import ReferenceDeviceModel, SyncState
from tenants.mirror.services import apply_entity
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.api.test_reference_sync import codesystem
from tests.conftest import client_for, create_tenant, host_of
from tests.recycled_schemas import provision_from_recycled, recycle


def wipe_reference_server() -> None:
    from django.apps import apps

    models = apps.get_app_config("shared_reference").get_models(include_auto_created=True)
    tables = [f'"{m._meta.db_table}"' for m in models]
    with schema_context("public"), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")


@pytest.fixture
def reference_server(live_db, live_server_port, settings) -> Iterator[str]:  # type: ignore[no-untyped-def]
    settings.REFERENCE_DEFAULT_NOMENCLATURES = ["codes-test"]
    import_codesystem(
        parse(codesystem("codes-test", {"Z1": "Appareils", "Z11": "Ventilateurs", "Z12": "Pompes"}))
    )
    maker = Manufacturer.objects.create(name="Dräger", aliases=["DRAEGER"], country="DE")
    model = DeviceModel.objects.create(
        manufacturer=maker,
        commercial_name="Evita V500",
        end_of_support=datetime.date(2040, 12, 31),
        end_of_support_source="Courrier du fabricant",
    )
    model.terms.add(NomenclatureTerm.objects.get(code="Z11"))
    DeviceModel.objects.create(manufacturer=maker, commercial_name="Savina 300")
    publish_release(notes="first", by="curator")
    yield f"http://localhost:{live_server_port}/api/reference/v1/"
    wipe_reference_server()


def parse(text: str):  # type: ignore[no-untyped-def]
    from shared_reference.fhir import parse_codesystem

    return parse_codesystem(text)


@pytest.fixture
def hospital(live_db, reference_server, settings, monkeypatch):  # type: ignore[no-untyped-def]
    """A tenant linked to the reference server; the test process reaches it at the test's
    web server (settings.REFERENCE_API_URL), a worker only if the test names it in the
    tenant's sync state (``reachable_by_workers``).

    Provisioning would queue the new tenant's first sync: here it queues nothing, so that no
    worker running for other tests syncs this tenant (and records a failure) in the middle of
    a test that sets its state by hand. Each test drives its own syncs.
    """
    from tenants.mirror import tasks

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "queue_sync", lambda schema_name: True)
        tenant = provision_from_recycled(
            lambda: create_tenant(f"sync-{uuid.uuid4().hex[:6]}", "CH Sync")
        )
    link_tenant(tenant)
    with tenant_context(tenant):
        SyncState.objects.filter(pk=SyncState.current().pk).update(
            failures=0, last_error="", last_attempt=None
        )
    settings.REFERENCE_API_URL = reference_server
    yield tenant
    recycle(tenant)  # emptied as freshly migrated, for the next test's tenant


def reachable_by_workers(tenant, reference_server: str) -> None:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        SyncState.objects.update(api_url=reference_server)


def own_a_device_of(model: DeviceModel) -> Device:
    """A device linked to ``model``, whose mirror row came from the published state."""
    apply_entity("device_model", str(model.uuid), model.payload(), 1)
    site = Establishment.objects.create(
        name="Site", finess="800000259", legal_entity_name="CH", legal_entity_finess="800000044"
    )
    pole = Pole.objects.create(establishment=site, code="P1", name="Pôle")
    service = Service.objects.create(pole=pole, code="S1", name="Réanimation")
    unit = FunctionalUnit.objects.create(service=service, code="1101", name="Réa")
    return Device.objects.create(
        inventory_number="INV-1",
        uf=unit,
        manufacturer_name="Draeger",
        model_name="Evita V500",
        reference_model=ReferenceDeviceModel.objects.get(uuid=model.uuid),
        match_state="confirmed",
    )


@pytest.fixture
def without_fan_out() -> Iterator[None]:
    """Publishing does not queue syncs (a worker running for other tests would otherwise sync
    the test's tenant while the test drives it); the fan-out has its own worker tests."""
    from saas.reference_sync.apps import queue_fan_out
    from shared_reference.signals import release_published

    release_published.disconnect(dispatch_uid="reference_sync.queue_fan_out")
    yield
    release_published.connect(queue_fan_out, dispatch_uid="reference_sync.queue_fan_out")


def admin_client(tenant):  # type: ignore[no-untyped-def]
    from tenants.accounts.models import User

    with tenant_context(tenant):
        admin = User.objects.get(email__startswith="admin@")
    return client_for(host_of(tenant), admin, tenant)
