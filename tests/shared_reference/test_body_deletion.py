"""Deleting a purchasing body: refused in French, on the status, while one of its markets is
in force or yet to start; otherwise its markets and lots go with it as they are (tombstones
at the next release), however old their dates and whatever rules they predate."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from shared_reference import curation
from shared_reference.models import (
    ChangeLogEntry,
    EntityStatus,
    Lot,
    Market,
    PurchasingBody,
    Subscriber,
    Subscription,
)
from shared_reference.services import publish_release
from tests.conftest import client_for

DELETE = {"code": "ugap", "name": "UGAP", "status": "deleted"}


@pytest.fixture
def curator(db, make_user):
    user = make_user(None, email="curator@ref.test")
    user.groups.add(Group.objects.get(name="curators"))
    return client_for("localhost", user)


@pytest.fixture
def body(db):
    return PurchasingBody.objects.create(code="ugap", name="UGAP")


def _market(body: PurchasingBody, reference: str, starts: datetime.date, **terms) -> Market:  # type: ignore[no-untyped-def]
    return Market.objects.create(
        purchasing_body=body,
        reference=reference,
        title="Accord-cadre",
        starts=starts,
        ends=terms.pop("ends", starts + datetime.timedelta(days=700)),
        **terms,
    )


def test_a_body_whose_markets_ended_long_ago_is_deleted_with_them(curator, body):
    # Recorded before the rules on renewals: renewed twice, without the renewals' length.
    old = _market(
        body,
        "UGAP-2012-MON",
        datetime.date(2012, 1, 1),
        ends=datetime.date(2015, 12, 31),
        duration_months=24,
        renewals=2,
    )
    Lot.objects.create(market=old, number="1", title="Moniteurs")
    publish_release(notes="v1", by="curator")
    response = curator.post(f"/reference/purchasing-bodies/{body.uuid}/", DELETE)
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.status == EntityStatus.DELETED and old.ends == datetime.date(2015, 12, 31)
    release = publish_release(notes="gone", by="curator")
    operations = {
        c.entity_type: c.operation for c in ChangeLogEntry.objects.filter(release=release)
    }
    assert operations == {
        "purchasing_body": "tombstone",
        "market": "tombstone",
        "lot": "tombstone",
    }


@pytest.mark.parametrize(
    "starts_in_days", [-100, 200], ids=["a market in force", "a market yet to start"]
)
def test_a_body_with_a_market_in_force_or_planned_is_not_deleted(curator, body, starts_in_days):
    today = timezone.localdate()
    _market(body, "UGAP-2012-OLD", datetime.date(2012, 1, 1))
    current = _market(body, "UGAP-2026-ECG", today + datetime.timedelta(days=starts_in_days))
    subscriber = Subscriber.objects.create(name="CHU Amiens")
    Subscription.objects.create(subscriber=subscriber, topic=body.topic())
    response = curator.post(f"/reference/purchasing-bodies/{body.uuid}/", DELETE)
    assert response.status_code == 400
    reason = response.context["form"].errors["status"][0]
    assert "UGAP-2026-ECG" in reason and "UGAP-2012-OLD" not in reason
    assert reason.startswith("Cette centrale a encore des marchés en cours ou à venir")
    assert "1 abonné la suit" in reason
    body.refresh_from_db()
    current.refresh_from_db()
    assert body.status == EntityStatus.ACTIVE and current.status == EntityStatus.ACTIVE


def test_a_market_deleted_first_no_longer_holds_its_body(body):
    current = _market(body, "UGAP-2026-ECG", timezone.localdate())
    current.status = EntityStatus.DELETED
    curation.save_market(current)
    body.status = EntityStatus.DELETED
    curation.save_purchasing_body(body)
    body.refresh_from_db()
    assert body.status == EntityStatus.DELETED


def test_the_service_refuses_a_body_in_use_on_the_status(body):
    _market(body, "UGAP-2026-ECG", timezone.localdate())
    body.status = EntityStatus.DELETED
    with pytest.raises(curation.MarketRefused) as refused:
        curation.save_purchasing_body(body)
    assert refused.value.field == "status"
    assert PurchasingBody.objects.get().status == EntityStatus.ACTIVE
