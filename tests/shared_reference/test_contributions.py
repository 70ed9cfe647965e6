"""Hospitals propose through the API; curators accept, amend or reject; the next release has it."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class FormValues(HTMLParser):
    """The values a browser would send from the decision page's form, as the page fills it."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("name") and found.get("type") != "hidden":
            self.values[str(found["name"])] = found.get("value") or ""
        elif tag == "textarea":
            self._textarea = found.get("name")
            self.values[str(self._textarea)] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data.lstrip("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None


def page_of(client, contribution):
    return client.get(f"/reference/contributions/{contribution.pk}/").content.decode()


def form_values(client, contribution) -> dict[str, str]:
    parser = FormValues()
    parser.feed(page_of(client, contribution))
    return parser.values


def decide(client, contribution, values, **typed):
    """Post the form as the page filled it (``values``), with what the curator typed."""
    return client.post(f"/reference/contributions/{contribution.pk}/", {**values, **typed})


def error_under(body: str, field: str) -> str:
    """The label of the field an error is shown under, and the error: "Fin de support | ..."."""
    error = re.search(rf'data-field="{field}">([^<]*)<', body)
    assert error, f"no error under {field}"
    label = re.findall(
        r'<label class="form-label" for="[^"]*">([^<]*)</label>', body[: error.start()]
    )
    return f"{label[-1]} | {error[1]}"


def test_a_correction_accepted_as_sent_goes_out_in_the_next_release(world):
    response = propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"end_of_support": "2025-06-30"},
        source="Courrier Dräger du 12/03/2024",
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    contribution = Contribution.objects.get()
    values = form_values(world["curator"], contribution)
    assert values["end_of_support"] == "30/06/2025"  # the hospital's value, in French
    decided = decide(world["curator"], contribution, values, decision="accept", note="Merci")
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


def test_the_decision_page_asks_fields_in_french_not_json(world):
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
    body = page_of(world["curator"], Contribution.objects.get())
    for label in ("Fabricant", "Nom commercial", "Codes de nomenclature", "Fin de support"):
        assert f">{label}</label>" in body
    assert "font-monospace" not in body and "{&quot;" not in body
    original = body.split('id="original-proposal"')[1].split("</table>")[0]
    assert "Mindray" in original and "31/12/2034" in original and "emdn:Z12030202" in original


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
    values = form_values(world["curator"], contribution)
    values["commercial_name"] = "BeneVision N15 (N1 module)"
    decide(world["curator"], contribution, values, decision="accept", note="nom exact")
    model = DeviceModel.objects.get(commercial_name="BeneVision N15 (N1 module)")
    assert model.manufacturer.name == "Mindray" and [t.code for t in model.terms.all()] == [
        "Z12030202"
    ]
    assert str(model.end_of_support) == "2034-12-31"
    assert Contribution.objects.get().status == "amended"


def test_a_bad_date_is_refused_under_its_french_label_with_the_hospitals_value(world):
    propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"end_of_support": "2030-06-30"},
        source="avis interne",
    )
    contribution = Contribution.objects.get()
    values = form_values(world["curator"], contribution)
    values["end_of_support"] = "31/02/2030"
    refused = decide(world["curator"], contribution, values, decision="accept", note="")
    assert refused.status_code == 400
    body = refused.content.decode()
    assert error_under(body, "end_of_support") == (
        "Fin de support | Une date jj/mm/aaaa, par exemple 30/06/2030."
    )
    assert "L\u2019établissement proposait\u00a0: 30/06/2030" in body  # next to the field
    assert 'value="31/02/2030"' in body  # what the curator typed is given back
    assert Contribution.objects.get().status == "pending"


def test_a_correction_shows_what_the_catalogue_holds_now(world):
    world["evita"].catalogue_reference = "MK-8410"
    world["evita"].save()
    propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"catalogue_reference": "MK-8411"},
        source="avis interne",
    )
    body = page_of(world["curator"], Contribution.objects.get())
    assert "Aujourd\u2019hui au catalogue\u00a0: MK-8410" in body
    assert "Aujourd\u2019hui au catalogue\u00a0: Evita XL" in body


def test_a_refusal_by_the_service_is_shown_under_the_field(world):
    propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"end_of_sale": "2028-01-01"},
        source="avis interne",
    )
    contribution = Contribution.objects.get()
    values = form_values(world["curator"], contribution)
    values["end_of_support"] = "01/01/2027"
    refused = decide(world["curator"], contribution, values, decision="accept", note="")
    assert refused.status_code == 400
    assert error_under(refused.content.decode(), "end_of_support").startswith("Fin de support |")
    assert Contribution.objects.get().status == "pending"


def test_keys_the_form_does_not_know_are_shown_and_sent_unchanged(world):
    # Stored before today's checks (or by hand): the form must neither lose nor edit it.
    contribution = Contribution.objects.create(
        subscriber=Subscriber.objects.get(name="CH Test"),
        kind="correction",
        target=world["evita"],
        proposal={"commercial_name": "Evita XL 2", "colour": ["red"]},
        source="x",
    )
    body = page_of(world["curator"], contribution)
    assert "[&quot;red&quot;]" in body and "gardé tel quel" in body
    values = form_values(world["curator"], contribution)
    assert "colour" not in values
    refused = decide(world["curator"], contribution, values, decision="accept", note="")
    assert refused.status_code == 400 and "colour" in refused.content.decode()
    assert Contribution.objects.get().status == "pending"


def test_a_rejection_needs_a_note_and_the_hospital_sees_it(world):
    propose(
        world["api"],
        kind="correction",
        target=str(world["evita"].uuid),
        proposal={"expected_life_years": 12},
        source="avis interne",
    )
    contribution = Contribution.objects.get()
    values = form_values(world["curator"], contribution)
    assert values["expected_life_years"] == "12"
    refused = decide(world["curator"], contribution, values, decision="reject", note="")
    assert refused.status_code == 400
    assert "note:" not in refused.content.decode()  # the field's label, not its key
    assert error_under(refused.content.decode(), "note").startswith("Note pour l")
    decide(world["curator"], contribution, values, decision="reject", note="Source insuffisante")
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
