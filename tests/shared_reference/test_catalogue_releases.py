"""Device models, markets and safety notices published through releases, to whom they concern."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from demo.catalogue import load_demo_catalogue
from shared_reference.fhir import parse_codesystem
from shared_reference.models import (
    ChangeLogEntry,
    DeviceModel,
    EntityStatus,
    PurchasingBody,
    SafetyNotice,
    Subscriber,
    SubscriberAPIKey,
)
from shared_reference.services import import_codesystem, publish_release, subscribe

EMDN = Path(__file__).resolve().parents[2] / "shared_reference/fixtures/CodeSystem-emdn.json"


def emdn_subset() -> str:
    """The real EMDN cut down to the demo's codes and their ancestors (fast tests)."""
    from demo.catalogue import MARKETS, MODELS

    wanted = {m[2] for m in MODELS} | {c for m in MARKETS for lot in m.lots for c in lot.codes}
    keep = {code[:n] for code in wanted for n in range(1, len(code) + 1)}
    resource = json.loads(EMDN.read_text())

    def prune(concepts: list) -> list:
        return [
            {**c, "concept": prune(c.get("concept", []))} for c in concepts if c["code"] in keep
        ]

    resource["concept"] = prune(resource["concept"])
    resource.pop("count")
    return json.dumps(resource)


@pytest.fixture
def catalogue(db):
    import_codesystem(parse_codesystem(emdn_subset()))
    publish_release(notes="EMDN", by="curator")
    load_demo_catalogue()
    return publish_release(notes="catalogue", by="curator")


def feed(subscriber: Subscriber, since: int = 0) -> list[dict]:
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=subscriber)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    return client.get("/api/reference/v1/changes/", {"since": since, "limit": 1000}).json()[
        "changes"
    ]


def test_the_demo_catalogue_is_published_with_nomenclature_codes(catalogue):
    rows = ChangeLogEntry.objects.filter(release=catalogue)
    types = {r.entity_type for r in rows}
    assert types == {
        "manufacturer",
        "device_model",
        "purchasing_body",
        "market",
        "lot",
        "safety_notice",
    }
    evita = rows.get(entity_type="device_model", payload__commercial_name="Evita XL").payload
    assert evita["nomenclature"] == ["emdn:Z12030105"]
    assert (evita["manufacturer_name"], evita["end_of_support"]) == ("Dräger", "2024-12-31")


def test_a_hospital_receives_the_models_it_subscribed_to_and_their_safety_notices(catalogue):
    hospital = Subscriber.objects.create(name="CH")
    evita = DeviceModel.objects.get(commercial_name="Evita XL")
    subscribe(hospital, "device_model", str(evita.uuid))
    changes = feed(hospital, since=catalogue.first_seq - 1)
    assert sorted(c["entity_type"] for c in changes) == ["device_model", "safety_notice"]
    notice = next(c for c in changes if c["entity_type"] == "safety_notice")["payload"]
    assert notice["reference"] == "DEMO-FSN-2026-001" and notice["device_model"] == str(evita.uuid)


def test_a_notice_reaches_only_owners_of_affected_models(catalogue):
    owner, other = Subscriber.objects.create(name="owner"), Subscriber.objects.create(name="other")
    subscribe(
        owner, "device_model", str(DeviceModel.objects.get(commercial_name="Evita V500").uuid)
    )
    subscribe(
        other, "device_model", str(DeviceModel.objects.get(commercial_name="HAMILTON-C6").uuid)
    )
    start = ChangeLogEntry.objects.order_by("-seq").first().seq
    notice = SafetyNotice.objects.create(
        date=date(2026, 11, 2), issuer="ANSM", reference="R-2026-77", title="Rappel de lot"
    )
    notice.device_models.set(DeviceModel.objects.filter(commercial_name="Evita V500"))
    publish_release(notes="materiovigilance", by="curator")
    assert [c["payload"]["reference"] for c in feed(owner, since=start)] == ["R-2026-77"]
    assert feed(other, since=start) == []


def test_a_changed_safety_notice_alone_can_be_published_from_the_curators_page(
    catalogue, make_user
):
    from django.contrib.auth.models import Group

    from tests.conftest import client_for

    curator = make_user(None)
    curator.groups.add(Group.objects.get(name="curators"))
    client = client_for("localhost", curator)
    notice = SafetyNotice.objects.get(reference="DEMO-FSN-2026-001")
    notice.title, notice.dirty = "Mise à jour logicielle 2.1", True
    notice.save()
    home = client.get("/reference/").content.decode()
    assert "1 changement attend" in home or "1 change waits" in home
    assert "DEMO-FSN-2026-001" in client.get("/reference/pending/").content.decode()
    assert client.post("/reference/", {"notes": "FSN"}).status_code == 302
    assert ChangeLogEntry.objects.filter(payload__title="Mise à jour logicielle 2.1").count() == 2


def test_a_model_taken_off_a_notice_gets_a_tombstone_and_a_deleted_entity_too(catalogue):
    notice = SafetyNotice.objects.get(reference="DEMO-FSN-2026-001")
    v500 = DeviceModel.objects.get(commercial_name="Evita V500")
    notice.device_models.remove(v500)
    notice.dirty = True
    notice.save()
    body = PurchasingBody.objects.get(code="caih")
    body.status, body.dirty = EntityStatus.DELETED, True
    body.save()
    release = publish_release(notes="corrections", by="curator")
    rows = {
        (r.entity_type, r.operation, r.topic)
        for r in ChangeLogEntry.objects.filter(release=release)
    }
    assert ("safety_notice", "tombstone", f"device_model:{v500.uuid}") in rows
    assert ("purchasing_body", "tombstone", f"purchasing_body:{body.uuid}") in rows


def test_a_purchasing_body_subscription_brings_its_markets_and_lots(catalogue):
    hospital = Subscriber.objects.create(name="CH")
    subscribe(hospital, "purchasing_body", str(PurchasingBody.objects.get(code="resah").uuid))
    changes = feed(hospital, since=catalogue.first_seq - 1)
    assert sorted(c["entity_type"] for c in changes) == [
        *["lot"] * 4,
        *["market"] * 2,
        "purchasing_body",
    ]
    lot = next(
        c["payload"]
        for c in changes
        if c["entity_type"] == "lot" and c["payload"]["title"] == "Pousse-seringues"
    )
    assert {s["name"] for s in lot["suppliers"]} == {"B. Braun Medical", "Fresenius Kabi France"}
    assert lot["scopes"] == ["acquisition", "consumables"] and lot["max_quantity"] == 2000
    covered = DeviceModel.objects.filter(commercial_name__in=["Perfusor Space", "Agilia SP"])
    assert lot["device_models"] == sorted(str(m.uuid) for m in covered)
    market = next(
        c["payload"] for c in changes if c["payload"].get("reference") == ("DEMO-RESAH-2025-PERF")
    )
    assert market["ends"] == "2029-03-31" and market["renewals"] == 1


def test_the_snapshot_streams_the_catalogue_with_its_seq(catalogue):
    installation = Subscriber.objects.create(name="on-premises", mirrors_everything=True)
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=installation)
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")
    response = client.get("/api/reference/v1/snapshot/")
    body = json.loads(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert body["seq"] == catalogue.last_seq
    assert len(body["entities"]) == ChangeLogEntry.objects.count()  # nothing superseded yet


def key_client(**subscriber_fields) -> Client:
    subscriber = Subscriber.objects.create(name="CH", **subscriber_fields)
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=subscriber)
    return Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")


def test_the_whole_catalogue_is_searchable_live_without_subscribing(catalogue):
    client = key_client()
    found = client.get("/api/reference/v1/device-models/", {"q": "draeger evita"}).json()
    assert [m["commercial_name"] for m in found] == ["Evita V500", "Evita XL"]  # by alias, in order
    one = client.get(f"/api/reference/v1/entities/{found[0]['uuid']}/").json()
    assert one["entity_type"] == "device_model" and one["payload"]["manufacturer_name"] == "Dräger"


def test_searching_a_nomenclature_by_code_or_label(catalogue):
    client = key_client()
    emdn = client.get("/api/reference/v1/nomenclatures/").json()[0]["uuid"]
    by_label = client.get(
        f"/api/reference/v1/nomenclatures/{emdn}/terms/", {"q": "syringe pumps"}
    ).json()
    assert "Z12030302" in [t["code"] for t in by_label]
    by_code = client.get(
        f"/api/reference/v1/nomenclatures/{emdn}/terms/", {"q": "Z120303", "limit": 2}
    ).json()
    assert len(by_code) == 2 and all(t["code"].startswith("Z120303") for t in by_code)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"q": "a"}, "q"),
        ({"q": "evita", "manufacturer": "x"}, "manufacturer"),
        ({"q": "evita", "limit": "500"}, "limit"),
    ],
)
def test_bad_search_parameters_are_named(catalogue, params, field):
    response = key_client().get("/api/reference/v1/device-models/", params)
    assert response.status_code == 400 and field in response.json()


def test_an_unknown_entity_is_a_404(catalogue):
    response = key_client().get("/api/reference/v1/entities/7c9e6679-7425-40de-944b-e07fc1f90ae7/")
    assert response.status_code == 404
