"""Hospitals propose through the API; curators accept, amend or reject; the next release has it."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from demo.catalogue import load_demo_catalogue
from shared_reference.fhir import parse_codesystem
from shared_reference.models import (
    ChangeLogEntry,
    Contribution,
    DeviceModel,
    Subscriber,
    SubscriberAPIKey,
)
from shared_reference.services import import_codesystem, publish_release
from tests.conftest import client_for
from tests.shared_reference.test_catalogue_releases import emdn_subset

API = "/api/reference/v1/contributions/"


@pytest.fixture
def world(db, make_user):
    import_codesystem(parse_codesystem(emdn_subset()))
    load_demo_catalogue()
    publish_release(notes="catalogue", by="curator")
    hospital = Subscriber.objects.create(name="CH Test")
    _, secret = SubscriberAPIKey.objects.create_key(name="k", subscriber=hospital)
    curator = make_user(None, email="curator@ref.test")
    curator.groups.add(Group.objects.get(name="curators"))
    return {
        "api": Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Api-Key {secret}"),
        "curator": client_for("localhost", curator),
        "evita": DeviceModel.objects.get(commercial_name="Evita XL"),
    }


def propose(api, **body):
    return api.post(API, body, content_type="application/json")


def test_a_correction_accepted_by_a_curator_goes_out_in_the_next_release(world):
    response = propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"end_of_support": "2025-06-30"},
        source="Courrier Dräger du 12/03/2024",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    contribution = Contribution.objects.get()
    decided = world["curator"].post(
        f"/reference/contributions/{contribution.pk}/",
        {"decision": "accept", "proposal": json.dumps(contribution.proposal), "note": "Merci"},
    )
    assert decided.status_code == 302
    release = publish_release(notes="corrections", by="curator")
    change = ChangeLogEntry.objects.get(release=release, entity_uuid=world["evita"].uuid)
    assert change.payload["end_of_support"] == "2025-06-30"
    assert change.payload["end_of_support_source"] == "Courrier Dräger du 12/03/2024"
    seen = world["api"].get(API).json()[0]
    assert (seen["status"], seen["curator_note"], seen["result"]) == (
        "accepted",
        "Merci",
        str(world["evita"].uuid),
    )


def test_a_new_model_amended_by_the_curator(world):
    propose(
        world["api"],
        kind="new_model",
        source="Notice fabricant",
        proposal={
            "manufacturer": "Mindray",
            "commercial_name": "BeneVision N15",
            "nomenclature": ["emdn:Z12030202"],
            "end_of_support": "2034-12-31",
        },
    )
    contribution = Contribution.objects.get()
    amended = {**contribution.proposal, "commercial_name": "BeneVision N15 (N1 module)"}
    world["curator"].post(
        f"/reference/contributions/{contribution.pk}/",
        {"decision": "accept", "proposal": json.dumps(amended), "note": "nom exact"},
    )
    model = DeviceModel.objects.get(commercial_name="BeneVision N15 (N1 module)")
    assert model.manufacturer.name == "Mindray" and [t.code for t in model.terms.all()] == [
        "Z12030202"
    ]
    assert Contribution.objects.get().status == "amended"


def test_a_rejection_needs_a_note_and_the_hospital_sees_it(world):
    propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"expected_life_years": 12},
        source="avis interne",
    )
    contribution = Contribution.objects.get()
    refused = world["curator"].post(
        f"/reference/contributions/{contribution.pk}/", {"decision": "reject", "note": ""}
    )
    assert refused.status_code == 400
    assert "note:" not in refused.content.decode()  # the field's label, not its key
    amended = {"end_of_support": "31/02/2030"}
    wrong = (
        world["curator"]
        .post(
            f"/reference/contributions/{contribution.pk}/",
            {"decision": "accept", "proposal": json.dumps(amended), "note": ""},
        )
        .content.decode()
    )
    assert "end_of_support" not in wrong.split("<textarea")[0] and "Fin de support" in wrong
    world["curator"].post(
        f"/reference/contributions/{contribution.pk}/",
        {"decision": "reject", "note": "Source insuffisante"},
    )
    seen = world["api"].get(API).json()[0]
    assert (seen["status"], seen["curator_note"]) == ("rejected", "Source insuffisante")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "wish", "proposal": {}, "source": "x"}, "kind"),
        (
            {"kind": "correction", "proposal": {"end_of_support": "2030-01-01"}, "source": "x"},
            "target",
        ),
        (
            {
                "kind": "correction",
                "target": "nope",
                "proposal": {"end_of_support": "x"},
                "source": "x",
            },
            "target",
        ),
        (
            {"kind": "new_model", "proposal": {"commercial_name": "X"}, "source": "x"},
            "manufacturer",
        ),
        (
            {
                "kind": "new_model",
                "proposal": {"manufacturer": "M", "commercial_name": "X"},
                "source": " ",
            },
            "source",
        ),
        (
            {
                "kind": "new_model",
                "proposal": {"manufacturer": "M", "commercial_name": "X", "colour": "red"},
                "source": "x",
            },
            "colour",
        ),
        ({"kind": "new_model", "proposal": "nothing", "source": "x"}, "proposal"),
    ],
)
def test_a_bad_proposal_is_refused_naming_the_field(world, body, field):
    response = propose(world["api"], **body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Contribution.objects.exists()


def test_a_date_that_is_not_a_date_is_refused(world):
    response = propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"end_of_support": "31/12/2030"},
        source="x",
    )
    assert response.status_code == 400 and "end_of_support" in response.json()
