"""The impact step's alerts: what raises them, who sees them, the digest, and when they close."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from saas.dates import add_months
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.alerts.impact import raise_alerts
from tenants.alerts.models import Alert, AlertKind, AlertReceipt, AlertSettings
from tenants.alerts.selectors import alerts_for, unread_count
from tenants.alerts.services import mark_read, send_digests
from tenants.inventory.models import Device
from tenants.markets.models import Market
from tenants.mirror.models import (
    ReferenceDeviceModel,
    ReferenceEntity,
    ReferenceManufacturer,
    ReferenceTerm,
)
from tenants.structure.models import Establishment, FunctionalUnit, Pole, Service
from tests.conftest import client_for, host_of

TODAY = datetime.date(2026, 11, 24)


def unit(site: Establishment, code: str) -> FunctionalUnit:
    pole = Pole.objects.create(establishment=site, code=f"P{code}", name=f"Pôle {code}")
    service = Service.objects.create(pole=pole, code=f"S{code}", name=f"Service {code}")
    return FunctionalUnit.objects.create(service=service, code=code, name=f"UF {code}")


def model(name: str, end_of_support: datetime.date | None, codes=()) -> ReferenceDeviceModel:  # type: ignore[no-untyped-def]
    maker, _ = ReferenceManufacturer.objects.get_or_create(
        name="Dräger", defaults={"uuid": uuid.uuid4()}
    )
    return ReferenceDeviceModel.objects.create(
        uuid=uuid.uuid4(),
        manufacturer=maker,
        commercial_name=name,
        end_of_support=end_of_support,
        nomenclature=list(codes),
    )


def device(number: str, uf: FunctionalUnit, reference: ReferenceDeviceModel) -> Device:
    return Device.objects.create(
        inventory_number=number, uf=uf, reference_model=reference, match_state="exact"
    )


@pytest.fixture
def hospital(tenant, make_user):  # type: ignore[no-untyped-def]
    """Two sites, each with an UF owning one model; a user scoped to each UF, and an admin."""
    with tenant_context(tenant):
        north = Establishment.objects.get()
        south = Establishment.objects.create(
            name="Site Sud",
            finess="800000051",
            legal_entity_name="Alpha",
            legal_entity_finess="800000044",
        )
        rea, bloc = unit(north, "1101"), unit(south, "2201")
        evita = model("Evita V500", add_months(TODAY, 10), ["emdn:Z1203"])
        savina = model("Savina 300", add_months(TODAY, 30))
        device("A-1", rea, evita)
        device("A-2", rea, evita)
        device("B-1", bloc, savina)
    users = {
        "rea": make_user(tenant, full_name="Réa"),
        "bloc": make_user(tenant, full_name="Bloc"),
        "admin": make_user(tenant, full_name="Admin"),
        "nobody": make_user(tenant, full_name="Sans rôle"),
    }
    with tenant_context(tenant):
        RoleGrant.objects.create(user=users["rea"], role=Role.REQUESTER, scope=ScopeKind.UF, uf=rea)
        RoleGrant.objects.create(
            user=users["bloc"], role=Role.POLE_HEAD, scope=ScopeKind.POLE, pole=bloc.service.pole
        )
        RoleGrant.objects.create(
            user=users["admin"], role=Role.TENANT_ADMIN, scope=ScopeKind.TENANT
        )
    return {"tenant": tenant, "users": users, "evita": evita, "savina": savina}


def test_an_end_of_support_inside_the_window_alerts_the_scopes_owning_the_model(hospital):
    with tenant_context(hospital["tenant"]):
        report = raise_alerts(TODAY)
        assert report.raised == {AlertKind.END_OF_SUPPORT: 1}
        alert = Alert.objects.get()
        assert alert.device_count == 2 and alert.data["model"] == "Evita V500"
        users = hospital["users"]
        assert list(alerts_for(users["rea"])) == [alert]
        assert list(alerts_for(users["bloc"])) == []
        assert list(alerts_for(users["admin"])) == [alert]
        assert list(alerts_for(users["nobody"])) == []
        # A longer window brings the second model in, for the scope that owns it.
        AlertSettings.objects.update(end_of_support_months=36)
        assert raise_alerts(TODAY).raised == {AlertKind.END_OF_SUPPORT: 1}
        assert [a.data["model"] for a in alerts_for(users["bloc"])] == ["Savina 300"]


def test_running_again_raises_nothing_and_a_moved_date_closes_the_old_alert(hospital):
    with tenant_context(hospital["tenant"]):
        raise_alerts(TODAY)
        assert raise_alerts(TODAY).raised == {}
        evita = hospital["evita"]
        evita.end_of_support = add_months(TODAY, 48)
        evita.save()
        report = raise_alerts(TODAY)
        assert report.closed == 1 and report.raised == {}
        assert Alert.objects.get().closed is not None
        assert list(alerts_for(hospital["users"]["admin"])) == []


def test_notices_retired_codes_and_ending_markets(hospital):
    with tenant_context(hospital["tenant"]):
        evita = hospital["evita"]
        ReferenceEntity.objects.create(
            uuid=uuid.uuid4(),
            entity_type="safety_notice",
            payload={"device_model": str(evita.uuid), "title": "Rappel", "reference": "R1"},
        )
        ReferenceEntity.objects.create(
            uuid=uuid.uuid4(),
            entity_type="safety_notice",
            payload={"device_model": str(uuid.uuid4()), "title": "Autre modèle"},
        )
        ReferenceTerm.objects.create(
            uuid=uuid.uuid4(), system="emdn", code="Z1203", status="retired", replacement="Z1204"
        )
        for reference, title, ends in (
            ("M-1", "Ventilation", "2027-02-01"),
            ("M-2", "Lointain", "2030-01-01"),
        ):
            Market.objects.create(
                origin="central",
                central_uuid=uuid.uuid4(),
                reference=reference,
                title=title,
                ends=ends,
            )
        report = raise_alerts(TODAY)
        assert report.raised == {
            AlertKind.END_OF_SUPPORT: 1,
            AlertKind.SAFETY_NOTICE: 1,
            AlertKind.RETIRED_CODE: 1,
            AlertKind.MARKET_ENDING: 1,
        }
        code = Alert.objects.get(kind=AlertKind.RETIRED_CODE)
        assert code.data["replacement"] == "Z1204" and code.device_count == 2
        # A market concerns no UF: the tenant-wide roles see it, an UF's requester does not.
        kinds = {a.kind for a in alerts_for(hospital["users"]["rea"])}
        assert AlertKind.MARKET_ENDING not in kinds and AlertKind.SAFETY_NOTICE in kinds


def test_the_alerts_page_the_unread_badge_and_marking_read(hospital):
    tenant, rea = hospital["tenant"], hospital["users"]["rea"]
    with tenant_context(tenant):
        raise_alerts(TODAY)
        alert = Alert.objects.get()
    client = client_for(host_of(tenant), rea, tenant)
    page = client.get("/alerts/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Evita V500" in text and "data-unread-alerts" in text
    assert add_months(TODAY, 10).strftime("%d/%m/%Y") in text
    assert client.post(f"/alerts/{alert.pk}/read/").status_code == 302
    with tenant_context(tenant):
        assert unread_count(rea) == 0
    assert "data-unread-alerts" not in client.get("/alerts/").content.decode()
    # Another scope's user cannot mark it (nor see it).
    bloc = client_for(host_of(tenant), hospital["users"]["bloc"], tenant)
    assert bloc.post(f"/alerts/{alert.pk}/read/").status_code == 404


def test_the_digest_sends_each_user_the_new_alerts_of_their_scope_once(hospital):
    with tenant_context(hospital["tenant"]):
        raise_alerts(TODAY)
        mail.outbox.clear()
        sent = send_digests()
        users = hospital["users"]
        recipients = {m.to[0] for m in mail.outbox}
        assert sent == len(mail.outbox) == len(recipients)
        assert {users["rea"].email, users["admin"].email} <= recipients
        assert not {users["bloc"].email, users["nobody"].email} & recipients
        mine = next(m for m in mail.outbox if m.to == [users["rea"].email])
        assert mine.subject.startswith("1 nouvelle alerte sur vos équipements")
        body = mine.body
        assert "Evita V500" in body and "2 " in body
        assert send_digests() == 0
        # Reading an alert in the app keeps it out of later digests too (one receipt each).
        mark_read(Alert.objects.get(), hospital["users"]["rea"])
        receipt = AlertReceipt.objects.get(user=hospital["users"]["rea"])
        assert receipt.read is not None and receipt.emailed is not None
