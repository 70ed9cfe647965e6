"""A hospital's own values on reference models, and corrections it sends to the curators."""

from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from shared_reference.contributions import accept
from shared_reference.models import Contribution, DeviceModel
from shared_reference.services import publish_release
from tenants.access.models import Role, RoleGrant, ScopeKind
from tenants.accounts.models import User
from tenants.alerts.models import Alert
from tenants.inventory.matching import Matcher
from tenants.inventory.models import MatchState
from tenants.inventory.selectors import devices_for
from tenants.mirror import sync
from tenants.mirror.models import ModelOverlay, ReferenceDeviceModel, SentContribution
from tenants.mirror.overlays import CENTRAL, LOCAL, effective_end_of_support
from tests.conftest import client_for, host_of
from tests.tenants.mirror.conftest import own_a_device_of

pytestmark = pytest.mark.usefixtures("reference_server", "without_fan_out")
SOON = datetime.date.today() + datetime.timedelta(days=200)


def admin_of(tenant) -> User:  # type: ignore[no-untyped-def]
    with tenant_context(tenant):
        return User.objects.get(email__startswith="admin@")


def owned_model(hospital) -> ReferenceDeviceModel:  # type: ignore[no-untyped-def]
    model = DeviceModel.objects.get(commercial_name="Evita V500")
    with tenant_context(hospital):
        sync.sync_reference()
        own_a_device_of(model)
        sync.sync_reference()
        return ReferenceDeviceModel.objects.get(uuid=model.uuid)


def test_the_hospitals_date_wins_raises_the_alert_and_survives_the_sync(hospital):
    mirrored = owned_model(hospital)
    client = client_for(host_of(hospital), admin_of(hospital), hospital)
    response = client.post(
        f"/references/models/{mirrored.pk}/",
        {
            "end_of_support": SOON.strftime("%d/%m/%Y"),
            "aliases": "EVITA-V500, V500 réa",
            "note": "Lettre",
        },
    )
    assert response.status_code == 302
    with tenant_context(hospital):
        overlay = ModelOverlay.objects.get()
        assert overlay.aliases == ["EVITA-V500", "V500 réa"]
        assert sync.sync_reference() and Alert.objects.get().data["local"] is True
        row = devices_for(admin_of(hospital)).get()
        assert getattr(row, "effective_end_of_support") == SOON  # an annotation
    # The reference changes the same model: its value moves, the hospital's stays in front.
    DeviceModel.objects.filter(uuid=mirrored.uuid).update(
        end_of_support=datetime.date(2041, 1, 1), dirty=True
    )
    publish_release(notes="later", by="curator")
    with tenant_context(hospital):
        sync.sync_reference()
        mirrored.refresh_from_db()
        assert mirrored.end_of_support == datetime.date(2041, 1, 1)
        assert ModelOverlay.objects.get().end_of_support == SOON
        assert effective_end_of_support(mirrored).source == LOCAL
    page = client.get(f"/references/models/{mirrored.pk}/").content.decode()
    assert 'data-source="local"' in page and SOON.strftime("%d/%m/%Y") in page
    assert "01/01/2041" in page  # the reference's value is still shown beside it
    # Clearing every field removes the overlay: the reference's date is back.
    client.post(f"/references/models/{mirrored.pk}/", {"end_of_support": "", "aliases": ""})
    with tenant_context(hospital):
        assert not ModelOverlay.objects.exists()
        fresh = ReferenceDeviceModel.objects.get(pk=mirrored.pk)
        assert effective_end_of_support(fresh).source == CENTRAL


def test_an_alias_of_the_hospital_matches_the_next_imports(hospital):
    mirrored = owned_model(hospital)
    with tenant_context(hospital):
        ModelOverlay.objects.create(model=mirrored, aliases=["EVT-500 REA"])
        match = Matcher().match("Draeger", "evt 500 rea")
        assert (match.state, match.model_id) == (MatchState.EXACT, mirrored.pk)


def test_a_correction_goes_to_the_curators_and_their_decision_comes_back(hospital):
    mirrored = owned_model(hospital)
    client = client_for(host_of(hospital), admin_of(hospital), hospital)
    url = f"/references/models/{mirrored.pk}/"
    refused = client.post(
        url,
        {
            "send_correction": "1",
            "end_of_sale": "2031-01-01",
            "end_of_support": "2030-01-01",
            "source": "Courrier Dräger du 02/11/2026",
        },
    )
    assert refused.status_code == 400
    # The curators' server says why in French; the reason lands next to its field.
    form = refused.content.decode().split("data-correction-form")[1]
    field = form.index('name="end_of_support"')
    message = form.index('data-field="end_of_support"')
    assert form.index('for="id_correction_end_of_support"') < field < message
    said = form[message:].split("</div>")[0]
    assert "ne peut pas précéder la fin de commercialisation" in said
    assert not Contribution.objects.exists()
    sent = client.post(
        url,
        {"send_correction": "1", "end_of_support": "2030-06-30", "source": "Courrier Dräger"},
    )
    assert sent.status_code == 302
    row = client.get(url).content.decode().split("data-contribution=")[1].split("</tr>")[0]
    assert "Fin de support\u00a0: 30/06/2030" in row and "En attente d\u2019un curateur" in row
    assert "end_of_support" not in row and "pending" not in row
    contribution = Contribution.objects.get()
    assert contribution.proposal == {"end_of_support": "2030-06-30"}
    assert contribution.subscriber.tenant_schema == hospital.schema_name
    accept(contribution, by="curator", note="Merci")
    with tenant_context(hospital):
        sync.sync_reference()
        mine = SentContribution.objects.get()
        assert (mine.status, mine.curator_note) == ("accepted", "Merci")


def test_a_viewer_sees_the_model_but_cannot_change_it(hospital, make_user):
    mirrored = owned_model(hospital)
    viewer = make_user(hospital)
    with tenant_context(hospital):
        RoleGrant.objects.create(user=viewer, role=Role.VIEWER, scope=ScopeKind.TENANT)
    client = client_for(host_of(hospital), viewer, hospital)
    page = client.get(f"/references/models/{mirrored.pk}/")
    assert page.status_code == 200 and "data-overlay-form" not in page.content.decode()
    assert client.post(f"/references/models/{mirrored.pk}/", {"note": "x"}).status_code == 403
