"""A tenant syncing over HTTP with a real web server process that serves the reference API."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from shared_reference.models import (
    DeviceModel,
    NomenclatureTerm,
    Release,
    Subscriber,
)
from shared_reference.services import publish_release
from tenants.alerts.models import Alert, AlertKind
from tenants.inventory.models import Device
from tenants.mirror import sync
from tenants.mirror.models import (
    LocalSubscription,
    ReferenceDeviceModel,
    ReferenceEntity,
    ReferenceManufacturer,
    ReferenceTerm,
    SyncState,
)
from tests.tenants.mirror.conftest import admin_client, own_a_device_of

pytestmark = pytest.mark.usefixtures("reference_server", "without_fan_out")


def test_a_new_tenant_joins_with_the_nomenclature_it_enables_and_nothing_else(hospital):
    with tenant_context(hospital):
        report = sync.sync_reference()
        state = SyncState.current()
        assert report.from_snapshot
        assert set(ReferenceTerm.objects.values_list("code", flat=True)) == {"Z1", "Z11", "Z12"}
        # Models are mirrored on use only: this tenant uses none yet.
        assert not ReferenceDeviceModel.objects.exists()
        assert state.cursor == Release.objects.get().last_seq
        assert state.last_success is not None and state.last_error == ""


def test_linking_a_device_subscribes_then_a_new_end_of_support_raises_an_alert(hospital):
    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        report = sync.sync_reference()
        assert report.subscribed == 2  # the model and its manufacturer (for its aliases)
        assert LocalSubscription.objects.filter(topic=f"device_model:{model.uuid}").exists()
        assert ReferenceManufacturer.objects.get().aliases == ["DRAEGER"]
        assert not Alert.objects.exists()  # 2040 is outside the 24-month window
    soon = datetime.date.today() + datetime.timedelta(days=400)
    DeviceModel.objects.filter(pk=model.pk).update(end_of_support=soon, dirty=True)
    # A model the tenant does not own changes too: it must not reach the tenant.
    DeviceModel.objects.filter(commercial_name="Savina 300").update(end_of_support=soon, dirty=True)
    publish_release(notes="end of support", by="curator")
    with tenant_context(hospital):
        report = sync.sync_reference()
        assert report.applied == 1
        assert ReferenceDeviceModel.objects.get().end_of_support == soon
        alert = Alert.objects.get()
        assert alert.kind == AlertKind.END_OF_SUPPORT
        assert alert.data["date"] == soon.isoformat() and alert.device_count == 1
        assert list(alert.units.values_list("code", flat=True)) == ["1101"]
        # Running the impact step again raises nothing new.
        sync.sync_reference()
        assert Alert.objects.count() == 1


def test_other_entities_are_kept_and_safety_notices_on_owned_models_alert(hospital):
    from shared_reference.models import SafetyNotice

    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
    notice = SafetyNotice.objects.create(
        date=datetime.date(2026, 11, 1),
        issuer="ANSM",
        reference="R2611",
        title="Risque de coupure de ventilation",
    )
    notice.device_models.add(model)
    publish_release(notes="notice", by="curator")
    with tenant_context(hospital):
        sync.sync_reference()
        assert ReferenceEntity.objects.filter(entity_type="safety_notice").count() == 1
        alert = Alert.objects.get(kind=AlertKind.SAFETY_NOTICE)
        assert alert.data["title"] == "Risque de coupure de ventilation"


def test_without_an_address_of_its_own_a_tenant_uses_the_platforms(hospital, settings):
    settings.REFERENCE_API_URL = ""
    settings.BASE_DOMAIN, settings.PUBLIC_URL_SCHEME, settings.PUBLIC_URL_PORT = (
        "plan.example.org",
        "https",
        "443",
    )
    with tenant_context(hospital):
        SyncState.objects.update(api_url="")
        client = sync.client_for(SyncState.current())
        assert client.base_url == "https://plan.example.org/api/reference/v1/"
        settings.REFERENCE_API_URL = "http://reference.internal:8000/api/reference/v1/"
        assert sync.client_for(SyncState.current()).base_url == settings.REFERENCE_API_URL


def test_the_whole_catalogue_is_searched_live_and_linking_a_model_subscribes_to_it(hospital):
    savina = DeviceModel.objects.get(commercial_name="Savina 300")
    with tenant_context(hospital):
        sync.sync_reference()
        device = own_a_device_of(DeviceModel.objects.get(commercial_name="Evita V500"))
        Device.objects.filter(pk=device.pk).update(
            reference_model=None, match_state="none", match_key="DRAEGER|SAVINA"
        )
    client = admin_client(hospital)
    found = client.get("/suggest/catalogue_model/", {"field": "m", "m": "savina"})
    assert f'data-suggestion="{savina.uuid}"' in found.content.decode()
    with tenant_context(hospital):
        assert not ReferenceDeviceModel.objects.filter(uuid=savina.uuid).exists()
    response = client.post(
        "/inventory/matches/decide/",
        {"match_key": "DRAEGER|SAVINA", "reference_model": str(savina.uuid)},
    )
    assert response.status_code == 302
    with tenant_context(hospital):
        linked = Device.objects.get(pk=device.pk).reference_model
        assert linked is not None and linked.uuid == savina.uuid
        assert LocalSubscription.objects.filter(topic=f"device_model:{savina.uuid}").exists()


def test_following_a_purchasing_body_brings_its_markets_and_stopping_removes_them(hospital):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shared_reference.curation import add_document
    from shared_reference.models import Lot, Market, PurchasingBody
    from tenants.markets import models as markets

    body = PurchasingBody.objects.create(code="ugap", name="UGAP")
    market = Market.objects.create(
        purchasing_body=body,
        reference="M-1",
        title="Ventilation",
        starts=datetime.date(2024, 1, 1),
        duration_months=36,
        ends=datetime.date.today() + datetime.timedelta(days=90),
    )
    lot = Lot.objects.create(
        market=market, number="1", title="Ventilateurs", scopes=["acquisition"]
    )
    lot.device_models.set(DeviceModel.objects.filter(commercial_name="Evita V500"))
    document = add_document(
        market, SimpleUploadedFile("ccap.pdf", b"%PDF-1.4 ccap"), kind="ccap", title="CCAP"
    )
    publish_release(notes="markets", by="curator")
    client = admin_client(hospital)
    page = client.get("/references/sync/").content.decode()
    assert f'data-followable="purchasing_body:{body.uuid}"' in page
    # Before following, the document is not this hospital's to read.
    assert client.get(f"/references/market-documents/{document.uuid}/").status_code == 404
    response = client.post("/references/follow/", {"kind": "purchasing_body", "uuid": body.uuid})
    assert response.status_code == 302
    with tenant_context(hospital):
        mirrored = markets.Market.objects.get(central_uuid=market.uuid)
        assert mirrored.title == "Ventilation" and mirrored.duration_months == 36
        assert mirrored.documents[0]["title"] == "CCAP"
        mirrored_lot = markets.Lot.objects.get(central_uuid=lot.uuid)
        assert mirrored_lot.market == mirrored and mirrored_lot.scopes == ["acquisition"]
        assert not ReferenceEntity.objects.filter(entity_type__in=["market", "lot"]).exists()
        sync.sync_reference()
        assert Alert.objects.filter(kind=AlertKind.MARKET_ENDING).exists()
    download = client.get(f"/references/market-documents/{document.uuid}/")
    assert download.status_code == 200 and download.content == b"%PDF-1.4 ccap"
    assert download["Content-Type"] == "application/pdf"
    # A change published later reaches the typed rows through the feed.
    Market.objects.filter(pk=market.pk).update(title="Ventilation 2026", dirty=True)
    publish_release(notes="title", by="curator")
    with tenant_context(hospital):
        sync.sync_reference()
        assert markets.Market.objects.get(central_uuid=market.uuid).title == "Ventilation 2026"
    client.post("/references/follow/", {"kind": "purchasing_body", "uuid": body.uuid, "stop": "1"})
    with tenant_context(hospital):
        assert not markets.Market.objects.exists() and not markets.PurchasingBody.objects.exists()
        assert not LocalSubscription.objects.filter(topic__startswith="purchasing_body:").exists()
        sync.sync_reference()
        assert Alert.objects.get(kind=AlertKind.MARKET_ENDING).closed is not None
    assert body.topic() not in {
        s.topic
        for s in Subscriber.objects.get(tenant_schema=hospital.schema_name).subscriptions.all()
    }


def test_a_release_reaches_only_the_tenants_it_concerns(hospital):
    from saas.reference_sync.linking import linked_schema_names

    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
    assert linked_schema_names({model.topic()}) == [hospital.schema_name]
    assert hospital.schema_name in linked_schema_names()  # every linked tenant (safety net)
    savina = DeviceModel.objects.get(commercial_name="Savina 300")
    assert linked_schema_names({savina.topic()}) == []


def test_the_command_syncs_named_tenants_and_refuses_unknown_ones(hospital):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("sync_reference", hospital.schema_name, stdout=out)
    assert f"{hospital.schema_name}: snapshot" in out.getvalue()
    with pytest.raises(CommandError, match="t_nowhere"):
        call_command("sync_reference", "t_nowhere")


def test_an_installation_that_mirrors_everything_takes_the_whole_catalogue(hospital):
    """The same client and sync, for a subscriber the reference server serves everything."""
    Subscriber.objects.filter(tenant_schema=hospital.schema_name).update(mirrors_everything=True)
    with tenant_context(hospital):
        report = sync.sync_reference()
        assert report.from_snapshot
        names = set(ReferenceDeviceModel.objects.values_list("commercial_name", flat=True))
        assert names == {"Evita V500", "Savina 300"}
        assert ReferenceManufacturer.objects.get().aliases == ["DRAEGER"]
    term = NomenclatureTerm.objects.get(code="Z1")
    term.label_fr, term.dirty = "Dispositifs médicaux", True
    term.save()
    publish_release(notes="label", by="curator")
    with tenant_context(hospital):
        assert sync.sync_reference().applied == 1


def test_the_sync_report_counts_in_proper_english():
    from tenants.mirror.sync import SyncReport

    one = SyncReport(cursor_from=1, cursor_to=2, pages=1, applied=1, subscribed=1)
    assert str(one) == "1 page: 1 change applied, 1 new subscription, cursor 1 -> 2"
    many = SyncReport(cursor_from=1, cursor_to=9, pages=2, applied=5)
    assert str(many) == "2 pages: 5 changes applied, cursor 1 -> 9"
    assert "(s)" not in str(one) + str(many)
