"""The reference API answers each malformed input of issue 13 with a 4xx naming the field."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from shared_reference.models import Contribution, DeviceModel, Manufacturer, NomenclatureSystem
from tests.api.test_reference_sync import published, subscriber_client  # noqa: F401

API = "/api/reference/v1"


@pytest.fixture
def client(db) -> Client:
    return subscriber_client()[2]


@pytest.mark.parametrize("parameter", ["since", "limit"])
@pytest.mark.parametrize("value", ["²", "٣", "9" * 5000, "1" * 19, "-1", "1e3", " 1"])
def test_a_feed_cursor_that_is_not_a_short_ascii_number_is_a_400(client, parameter, value):
    response = client.get(f"{API}/changes/", {parameter: value})
    assert response.status_code == 400, response.content[:200]
    assert parameter in response.json()


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_a_search_limit_that_is_not_a_short_ascii_number_is_a_400(client, value):
    response = client.get(f"{API}/device-models/", {"q": "scope", "limit": value})
    assert response.status_code == 400
    assert "limit" in response.json()


def test_a_nul_byte_in_the_terms_search_is_a_400_naming_q(client, published):  # noqa: F811
    system = NomenclatureSystem.objects.order_by("code")[0]
    response = client.get(f"{API}/nomenclatures/{system.uuid}/terms/", {"q": "A\x00"})
    assert response.status_code == 400
    assert "q" in response.json()


def test_a_nul_byte_in_the_device_model_search_is_a_400(client):
    response = client.get(f"{API}/device-models/", {"q": "sc\x00pe"})
    assert response.status_code == 400


def test_a_subscription_body_of_5000_nested_brackets_is_a_400(client):
    body = "[" * 5000 + "]" * 5000
    response = client.post(f"{API}/subscriptions/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert "nested" in response.json()["detail"]


def contribution(**overrides: object) -> str:
    body: dict[str, object] = {
        "kind": "new_model",
        "proposal": {"manufacturer": "Acme", "commercial_name": "Scope 3000"},
        "source": "datasheet 2026",
    }
    body.update(overrides)
    return json.dumps(body)


@pytest.mark.parametrize(
    "body",
    [
        contribution(source="data\x00sheet"),
        contribution(proposal={"manufacturer": "Ac\x00me", "commercial_name": "Scope"}),
        contribution(proposal={"manufacturer": "Acme", "commercial_name": "S", "n\x00": "x"}),
    ],
    ids=["source", "proposal value", "proposal key"],
)
def test_a_nul_byte_in_a_contribution_field_is_a_400(client, body):
    response = client.post(f"{API}/contributions/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert "NUL" in response.json()["detail"]
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("source", contribution(source="x" * 301)),
        (
            "commercial_name",
            contribution(proposal={"manufacturer": "A", "commercial_name": "x" * 201}),
        ),
        (
            "manufacturer",
            contribution(proposal={"manufacturer": "x" * 201, "commercial_name": "S"}),
        ),
    ],
)
def test_a_contribution_field_longer_than_its_column_is_a_400_naming_it(client, field, body):
    response = client.post(f"{API}/contributions/", body, content_type="application/json")
    assert response.status_code == 400, response.content[:200]
    assert field in response.json()
    assert not Contribution.objects.exists()


def test_a_correction_longer_than_the_column_is_refused_before_a_curator_sees_it(client):
    model = DeviceModel.objects.create(
        manufacturer=Manufacturer.objects.create(name="Acme"), commercial_name="Scope"
    )
    body = contribution(
        kind="correction", target=str(model.uuid), proposal={"catalogue_reference": "x" * 101}
    )
    response = client.post(f"{API}/contributions/", body, content_type="application/json")
    assert response.status_code == 400
    assert "catalogue_reference" in response.json()
