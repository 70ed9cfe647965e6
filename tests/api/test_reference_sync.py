"""The reference sync API v1 as a subscriber sees it: feed, snapshot, subscriptions, refusals."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from api.reference.v1.auth import PerKeyThrottle
from shared_reference.fhir import parse_codesystem
from shared_reference.models import (
    NomenclatureSystem,
    NomenclatureTerm,
    Subscriber,
    SubscriberAPIKey,
)
from shared_reference.services import (
    compact_change_log,
    import_codesystem,
    publish_release,
    subscribe,
)
from tests.conftest import host_of

API = "/api/reference/v1"


def codesystem(name: str, codes: dict[str, str]) -> str:
    return json.dumps(
        {
            "resourceType": "CodeSystem",
            "url": f"http://example.org/cs/{name}",
            "name": name,
            "content": "complete",
            "concept": [{"code": c, "display": d} for c, d in codes.items()],
        }
    )


@pytest.fixture
def published(db):
    """Two published nomenclatures: ``alpha-cs`` (3 terms) and ``beta-cs`` (2 terms)."""
    import_codesystem(
        parse_codesystem(codesystem("alpha-cs", {"A1": "One", "A2": "Two", "A3": "Three"}))
    )
    import_codesystem(parse_codesystem(codesystem("beta-cs", {"B1": "Un", "B2": "Deux"})))
    publish_release(notes="first", by="curator")
    return {s.code: s for s in NomenclatureSystem.objects.all()}


def subscriber_client(*, mirrors_everything: bool = False):
    subscriber = Subscriber.objects.create(name="CH Test", mirrors_everything=mirrors_everything)
    key, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=subscriber)
    return subscriber, key, Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}")


def pull_all(client, since=0, limit=2):
    changes, pages = [], 0
    while True:
        body = client.get(f"{API}/changes/", {"since": since, "limit": limit}).json()
        changes += body["changes"]
        since, pages = body["next"], pages + 1
        if not body["has_more"]:
            return changes, since, pages


def test_a_subscriber_pulls_only_what_it_subscribed_to_from_zero_to_the_end(published):
    subscriber, _, client = subscriber_client()
    subscribe(subscriber, "nomenclature", str(published["alpha-cs"].uuid))
    changes, cursor, pages = pull_all(client)
    assert sorted(c["payload"].get("code") for c in changes) == ["A1", "A2", "A3", "alpha-cs"]
    assert [c["seq"] for c in changes] == sorted(c["seq"] for c in changes)
    assert pages == 2  # four changes by twos; the second page says there is no more
    assert client.get(f"{API}/changes/", {"since": cursor}).json()["changes"] == []


def test_an_installation_mirroring_everything_gets_every_change(published):
    _, _, client = subscriber_client(mirrors_everything=True)
    changes, _, _ = pull_all(client, limit=1000)
    assert len(changes) == 7


def test_an_unchanged_feed_answers_304_until_a_release(published):
    subscriber, _, client = subscriber_client()
    subscribe(subscriber, "nomenclature", str(published["beta-cs"].uuid))
    first = client.get(f"{API}/changes/", {"since": 0})
    tag = first["ETag"]
    again = client.get(f"{API}/changes/", {"since": 0}, HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b""
    NomenclatureTerm.objects.filter(code="B1").update(label_fr="Un (fr)", dirty=True)
    publish_release(notes="second", by="curator")
    fresh = client.get(f"{API}/changes/", {"since": 0}, HTTP_IF_NONE_MATCH=tag)
    assert fresh.status_code == 200 and fresh["ETag"] != tag


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "-1"}, "since"),
        ({"since": "abc"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"cursor": "3"}, "cursor"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(published, params, field):
    _, _, client = subscriber_client()
    response = client.get(f"{API}/changes/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_a_cursor_older_than_the_compaction_horizon_gets_410_and_the_snapshot_recovers(published):
    subscriber, _, client = subscriber_client()
    subscribe(subscriber, "nomenclature", str(published["alpha-cs"].uuid))
    NomenclatureTerm.objects.filter(code="A1").update(label_fr="Un", dirty=True)
    release = publish_release(notes="second", by="curator")
    assert compact_change_log(before_release=release.number) == 1  # A1's first version
    gone = client.get(f"{API}/changes/", {"since": 0})
    assert gone.status_code == 410
    assert gone.json()["horizon"] == release.first_seq - 1

    snapshot = json.loads(b"".join(client.get(f"{API}/snapshot/").streaming_content))
    by_code = {e["payload"]["code"]: e for e in snapshot["entities"]}
    assert set(by_code) == {"alpha-cs", "A1", "A2", "A3"}
    assert by_code["A1"]["payload"]["label_fr"] == "Un"
    after = client.get(f"{API}/changes/", {"since": snapshot["seq"]})
    assert after.status_code == 200 and after.json()["changes"] == []


def test_a_snapshot_of_one_topic_needs_a_subscription_to_it(published):
    subscriber, _, client = subscriber_client()
    topic = f"nomenclature:{published['beta-cs'].uuid}"
    assert client.get(f"{API}/snapshot/", {"topic": topic}).status_code == 400
    subscribe(subscriber, "nomenclature", str(published["beta-cs"].uuid))
    body = json.loads(b"".join(client.get(f"{API}/snapshot/", {"topic": topic}).streaming_content))
    assert sorted(e["payload"]["code"] for e in body["entities"]) == ["B1", "B2", "beta-cs"]


def test_subscribing_and_unsubscribing(published):
    _, _, client = subscriber_client()
    uuid = str(published["beta-cs"].uuid)
    assert (
        client.post(
            f"{API}/subscriptions/",
            {"type": "nomenclature", "uuid": uuid},
            content_type="application/json",
        ).status_code
        == 201
    )
    assert client.get(f"{API}/subscriptions/").json()[0]["topic"] == f"nomenclature:{uuid}"
    assert client.delete(f"{API}/subscriptions/nomenclature/{uuid}/").status_code == 204
    assert client.delete(f"{API}/subscriptions/nomenclature/{uuid}/").status_code == 404


def test_subscribing_to_many_at_once_answers_a_topic_or_why_not_for_each(published):
    subscriber, _, client = subscriber_client()
    alpha, beta = str(published["alpha-cs"].uuid), str(published["beta-cs"].uuid)
    unknown = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    body = [
        {"type": "nomenclature", "uuid": alpha},
        {"type": "nomenclature", "uuid": unknown},
        {"type": "nomenclature", "uuid": beta},
    ]
    response = client.post(f"{API}/subscriptions/", body, content_type="application/json")
    assert response.status_code == 200
    answer = response.json()
    assert [a["topic"] for a in answer] == [f"nomenclature:{alpha}", None, f"nomenclature:{beta}"]
    assert unknown in answer[1]["detail"]
    assert subscriber.subscriptions.count() == 2
    # Several topics' state in one snapshot call.
    snapshot = client.get(
        f"{API}/snapshot/", {"topic": [f"nomenclature:{alpha}", f"nomenclature:{beta}"]}
    )
    codes = {
        e["payload"]["code"] for e in json.loads(b"".join(snapshot.streaming_content))["entities"]
    }
    assert codes == {"alpha-cs", "A1", "A2", "A3", "beta-cs", "B1", "B2"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ([{"type": "nomenclature", "uuid": "not-a-uuid"}], "[0].uuid"),
        ([{"type": "planet", "uuid": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}], "[0].type"),
        ([{"type": "nomenclature"}], "[0].uuid"),
        (["nomenclature"], "[0]"),
    ],
)
def test_a_malformed_list_of_subscriptions_subscribes_to_none(published, body, field):
    subscriber, _, client = subscriber_client()
    good = {"type": "nomenclature", "uuid": str(published["alpha-cs"].uuid)}
    response = client.post(f"{API}/subscriptions/", [good, *body], content_type="application/json")
    assert response.status_code == 400
    assert field.replace("[0]", "[1]") in response.json()
    assert not subscriber.subscriptions.exists()


def test_a_snapshot_of_a_malformed_topic_is_refused(published):
    _, _, client = subscriber_client(mirrors_everything=True)
    response = client.get(f"{API}/snapshot/", {"topic": "nomenclature:\x00"})
    assert response.status_code == 400 and "topic" in response.json()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "nomenclature"}, "uuid"),
        ({"type": "planet", "uuid": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}, "type"),
        ({"type": "nomenclature", "uuid": "7c9e6679-7425-40de-944b-e07fc1f90ae7"}, "uuid"),
        ({"type": "nomenclature", "uuid": "not-a-uuid"}, "uuid"),
    ],
)
def test_a_bad_subscription_is_refused_naming_the_field(published, body, field):
    _, _, client = subscriber_client()
    response = client.post(f"{API}/subscriptions/", body, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()


def test_missing_unknown_and_revoked_keys_are_refused_with_a_reason(published):
    anonymous = Client(HTTP_HOST="localhost")
    assert anonymous.get(f"{API}/changes/").status_code in (401, 403)
    wrong = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION="Api-Key abc.def")
    assert "Unknown" in wrong.get(f"{API}/changes/").json()["detail"]
    _, key, client = subscriber_client()
    key.revoked = True
    key.save()
    response = client.get(f"{API}/changes/")
    assert response.status_code in (401, 403) and "revoked" in response.json()["detail"]


def test_a_key_past_its_expiry_date_is_refused_on_the_feed(published):
    import datetime

    from django.utils import timezone

    _, key, client = subscriber_client()
    key.expiry_date = timezone.now() - datetime.timedelta(minutes=1)
    key.save()
    response = client.get(f"{API}/changes/")
    assert response.status_code in (401, 403) and "expired" in response.json()["detail"]
    key.expiry_date = timezone.now() + datetime.timedelta(days=1)
    key.save()
    assert client.get(f"{API}/changes/").status_code == 200


def test_keys_are_stored_hashed(published):
    _, key, client = subscriber_client()
    secret = client.defaults["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    assert secret not in key.hashed_key and key.prefix == secret.split(".")[0]


def test_each_key_is_rate_limited(published, monkeypatch):
    # Each key is new, so its counter starts at zero (no cache.clear(): Celery shares Redis).
    monkeypatch.setattr(PerKeyThrottle, "rate", "3/min", raising=False)
    _, _, client = subscriber_client()
    codes = [client.get(f"{API}/changes/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    _, _, other = subscriber_client()
    assert other.get(f"{API}/changes/").status_code == 200


def test_tenant_hosts_do_not_serve_the_reference_api(published, tenant):
    _, _, client = subscriber_client()
    response = client.get(f"{API}/changes/", HTTP_HOST=host_of(tenant))
    assert response.status_code == 404


def test_the_last_page_moves_the_cursor_to_the_end_of_the_log(published):
    subscriber, _, client = subscriber_client()
    subscribe(subscriber, "nomenclature", str(published["alpha-cs"].uuid))
    term = NomenclatureTerm.objects.get(code="B1")  # a change that concerns others only
    term.label_fr, term.dirty = "Un (fr)", True
    term.save()
    release = publish_release(notes="beta", by="curator")
    body = client.get(f"{API}/changes/", {"since": 0, "limit": 100}).json()
    assert len(body["changes"]) == 4 and not body["has_more"]
    assert body["next"] == release.last_seq  # beyond its own last row: nothing left to scan


def test_the_terms_search_matches_every_word_in_french_or_english_whatever_case_and_accents(
    published,
):
    _, _, client = subscriber_client()
    term = NomenclatureTerm.objects.get(code="B2")
    term.label_fr, term.dirty = "Défibrillateurs cardiaques", True
    term.save()
    publish_release(notes="fr", by="curator")
    url = f"{API}/nomenclatures/{published['beta-cs'].uuid}/terms/"
    for query in ("DEFIBRILLATEUR", "défibrillateurs", "cardiaq defib", "deux", "b2"):
        assert [t["code"] for t in client.get(url, {"q": query}).json()] == ["B2"], query
    assert client.get(url, {"q": "deux cardiaques un"}).json() == []
